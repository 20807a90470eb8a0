//! Behaviour Sprig's own tests do not cover, with the result Sprig 3.3.0's source
//! gives: panics as errors, budgets, maps as references, typed results.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use stockade_gotemplate::{Limits, Map, Template, Value};

fn render_with(src: &str, data: &Value, limits: Option<Limits>) -> Result<String, String> {
    let mut t = Template::new("test");
    t.funcs(stockade_sprig::funcs());
    if let Some(l) = limits {
        t.limits(l);
    }
    t.parse("test", src).map_err(|e| e.to_string())?;
    let mut out = String::new();
    t.execute("test", data, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn render(src: &str) -> Result<String, String> {
    render_with(src, &Value::map(BTreeMap::new()), None)
}

fn err_tail(src: &str) -> String {
    let e = render(src).expect_err(src);
    e.split(": error calling ").nth(1).unwrap_or(&e).to_string()
}

#[test]
fn panics_end_the_template_with_go_text() {
    assert_eq!(
        err_tail("{{ div 1 0 }}"),
        "div: runtime error: integer divide by zero"
    );
    assert_eq!(
        err_tail("{{ mod 1 0 }}"),
        "mod: runtime error: integer divide by zero"
    );
    assert_eq!(
        err_tail("{{ first 1 }}"),
        "first: Cannot find first on type int"
    );
    assert_eq!(
        err_tail("{{ mustLast \"s\" }}"),
        "mustLast: Cannot find last on type string"
    );
    assert_eq!(
        err_tail("{{ concat (list 1) 2 }}"),
        "concat: Cannot concat type int as list"
    );
    assert_eq!(
        err_tail("{{ regexFind \"(\" \"x\" }}"),
        "regexFind: regexp: Compile(\"(\"): error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(
        err_tail("{{ mustRegexFind \"(\" \"x\" }}"),
        "mustRegexFind: error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(render("{{ regexMatch \"(\" \"x\" }}").unwrap(), "false");
    assert_eq!(
        err_tail("{{ dig \"a\" }}"),
        "dig: dig needs at least three arguments"
    );
    assert_eq!(
        err_tail("{{ dig \"a\" \"b\" \"\" (dict \"a\" 1) }}"),
        "dig: interface conversion: interface {} is int, not map[string]interface {}"
    );
    assert_eq!(
        err_tail("{{ repeat -1 \"x\" }}"),
        "repeat: strings: negative Repeat count"
    );
    assert_eq!(
        err_tail("{{ substr 2 1 \"abc\" }}"),
        "substr: runtime error: slice bounds out of range [2:1]"
    );
    assert_eq!(
        err_tail("{{ randInt 5 5 }}"),
        "randInt: invalid argument to Intn"
    );
    assert_eq!(
        err_tail("{{ mustFromJson \"{\" }}"),
        "mustFromJson: unexpected end of JSON input"
    );
    assert_eq!(render("{{ fromJson \"{\" }}").unwrap(), "<no value>");
    assert_eq!(
        err_tail("{{ getHostByName \"example.com\" }}"),
        "getHostByName: invalid argument to Intn"
    );
}

#[test]
fn huge_ranges_end_at_the_budget() {
    let limits = Limits {
        max_steps: 100_000,
        ..Limits::default()
    };
    let data = Value::Nil;
    for src in [
        "{{ until 100000000000 }}",
        "{{ untilStep 0 100000000000 1 }}",
        "{{ seq 100000000000 }}",
        "{{ range until 1000000 }}{{ end }}",
    ] {
        let e = render_with(src, &data, Some(limits)).expect_err(src);
        assert!(
            e.contains("limit") || e.contains("budget") || e.contains("steps"),
            "{src}: {e}"
        );
    }
    let e = render_with("{{ repeat 1000000000000 \"xy\" }}", &data, Some(limits)).unwrap_err();
    assert!(e.contains("limit"), "{e}");
    assert_eq!(
        render_with("{{ until 3 }}", &data, Some(limits)).unwrap(),
        "[0 1 2]"
    );
}

#[test]
fn maps_are_references() {
    assert_eq!(
        render(r#"{{ $d := dict "a" 1 }}{{ $e := $d }}{{ $_ := set $e "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }} {{ $e }}"#).unwrap(),
        "map[b:2] map[b:2]"
    );
    assert_eq!(
        render(r#"{{ $d := dict "a" (dict "x" 1) }}{{ $c := deepCopy $d }}{{ $_ := set $c.a "x" 2 }}{{ $d.a.x }}{{ $c.a.x }}"#).unwrap(),
        "12"
    );
    assert_eq!(
        render(r#"{{ $dst := dict "a" (dict "x" 1) "k" "" }}{{ $_ := merge $dst (dict "a" (dict "y" 2) "k" "v" "z" 0) }}{{ $dst }}"#)
            .unwrap(),
        "map[a:map[x:1 y:2] k:v z:0]"
    );
    assert_eq!(
        render(r#"{{ $dst := dict "a" "keep" "l" (list 1) }}{{ $_ := mergeOverwrite $dst (dict "a" "new" "l" (list 2 3)) }}{{ $dst }}"#)
            .unwrap(),
        "map[a:new l:[2 3]]"
    );
    // A named map (Helm's chartutil.Values) is not a map[string]interface {} to dig.
    let values = Value::Map(Arc::new(Map {
        named: Some(Arc::from("chartutil.Values")),
        elem: Arc::from("interface {}"),
        entries: BTreeMap::from([("a".to_string(), Value::int(1))]).into(),
    }));
    let data = Value::map(BTreeMap::from([("Values".to_string(), values)]));
    let e = render_with(r#"{{ dig "a" "" .Values }}"#, &data, None).unwrap_err();
    assert!(
        e.ends_with(
            "interface conversion: interface {} is chartutil.Values, not map[string]interface {}"
        ),
        "{e}"
    );
    assert_eq!(
        render_with(
            r#"{{ get .Values "a" }}{{ hasKey .Values "b" }}"#,
            &data,
            None
        )
        .unwrap(),
        "1false"
    );
}

#[test]
fn typed_results() {
    assert_eq!(
        render(r#"{{ typeOf (splitList "," "a,b") }} {{ typeOf (add 1 2) }} {{ typeOf (until 2) }} {{ typeOf (list) }} {{ typeOf (dict) }} {{ typeOf (split "," "a") }} {{ typeOf (atoi "1") }} {{ typeOf (addf 1 2) }} {{ typeOf (semver "1.2.3") }} {{ typeOf now }}"#).unwrap(),
        "[]string int64 []int []interface {} map[string]interface {} map[string]string int float64 *semver.Version time.Time"
    );
    assert_eq!(
        render(r#"{{ regexFindAll "z" "abc" -1 | toJson }} {{ regexFindAll "z" "abc" -1 | len }}"#)
            .unwrap(),
        "null 0"
    );
    assert_eq!(
        render(r#"{{ toJson (dict "f" 1.5 "h" "<&>" "b" (list true nil)) }}"#).unwrap(),
        r#"{"b":[true,null],"f":1.5,"h":"\u003c\u0026\u003e"}"#
    );
    assert_eq!(render(r#"{{ int64 "0x1F" }} {{ int "10.00" }} {{ float64 "1e3" }} {{ toDecimal "0777" }} {{ atoi "12a" }}"#).unwrap(), "31 10 1000 511 0");
    assert_eq!(
        render(r#"{{ addf 1.5 2.2 3 }} {{ divf 1 3 }} {{ round 2.555 2 }} {{ mul 2 "3" 4.9 }}"#)
            .unwrap(),
        "6.7 0.3333333333333333 2.56 24"
    );
    assert_eq!(
        render(r#"{{ duration 61 }} {{ duration (int64 61) }} {{ date "2006" (int64 0) }}"#)
            .unwrap(),
        "0s 1m1s 1970"
    );
    assert_eq!(render(r#"{{ (semver "1.2.3-beta+x").Prerelease }} {{ semverCompare ">=1.20.0-0" "1.21.3-gke.100" }}"#).unwrap(), "beta true");
    assert_eq!(
        render(r#"{{ toDate "2006-01-02" "2017-12-31" }}"#).unwrap(),
        "2017-12-31 00:00:00 +0000 UTC"
    );
    assert_eq!(
        render(r#"{{ urlParse "https://u:p@h:8/p?q#f" | toJson }}"#).unwrap(),
        r#"{"fragment":"f","host":"h:8","hostname":"h","opaque":"","path":"/p","query":"q","scheme":"https","userinfo":"u:p"}"#
    );
}

/// Master Password (v3) as Sprig's `derivePassword` computes it: the algorithm's
/// published vectors for user "user", password "password", site "example.com".
#[test]
fn derive_password_vectors() {
    assert_eq!(
        render(r#"{{ derivePassword 1 "long" "password" "user" "example.com" }}|{{ derivePassword 1 "pin" "password" "user" "example.com" }}"#)
            .unwrap(),
        "ZedaFaxcZaso9*|6685"
    );
    assert_eq!(
        render(r#"{{ derivePassword 1 "nope" "p" "u" "s" }}"#).unwrap(),
        "cannot find password template nope"
    );
}

/// Random-output functions produce the shapes documented in docs/helm-functions.md.
#[test]
fn random_shapes() {
    // `¦` separates the outputs: `randAscii` may print any ASCII character,
    // `|` included, but nothing outside ASCII.
    let out = render(r#"{{ htpasswd "user" "pass" }}¦{{ htpasswd "a:b" "p" }}¦{{ uuidv4 }}¦{{ randAlphaNum 12 }}¦{{ randNumeric 5 }}¦{{ randAscii 8 }}¦{{ randAlpha 3 }}¦{{ randBytes 6 }}¦{{ randInt 3 4 }}¦{{ randAlpha -1 }}¦{{ shuffle "aab" | len }}"#).unwrap();
    let p: Vec<&str> = out.split('¦').collect();
    assert!(
        p[0].starts_with("user:$2a$10$") && p[0].len() == 5 + 60,
        "{}",
        p[0]
    );
    assert_eq!(p[1], "invalid username: a:b");
    let u: Vec<&str> = p[2].split('-').collect();
    assert_eq!(
        u.iter().map(|x| x.len()).collect::<Vec<_>>(),
        vec![8, 4, 4, 4, 12]
    );
    assert!(u[2].starts_with('4') && "89ab".contains(&u[3][..1]));
    assert!(p[3].len() == 12 && p[3].bytes().all(|c| c.is_ascii_alphanumeric()));
    assert!(p[4].len() == 5 && p[4].bytes().all(|c| c.is_ascii_digit()));
    assert!(p[5].len() == 8 && p[5].bytes().all(|c| (b' '..=b'~').contains(&c)));
    assert!(p[6].len() == 3 && p[6].bytes().all(|c| c.is_ascii_alphabetic()));
    assert_eq!(p[7].len(), 8);
    assert_eq!(p[8], "3");
    assert_eq!(p[9], "");
    assert_eq!(p[10], "3");
    let round_trip = render(r#"{{ encryptAES "k" "secret text" | decryptAES "k" }}"#).unwrap();
    assert_eq!(round_trip, "secret text");
}
