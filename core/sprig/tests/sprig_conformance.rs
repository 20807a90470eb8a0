//! Sprig's own test expectations, read in place from
//! `../shared/conformance/helm/sprig/` (Masterminds/sprig 989da45, v3.3.0 + 14
//! commits): every `runt`/`runtv` case of `sprig_cases.jsonl` run through the
//! engine with `funcs()` as template `test`, and the Go-level asserts of
//! `sprig_go_func_cases.jsonl` run through the template functions they name.
//!
//! Data: the JSON `vars` are read with the Go types `vars_go` shows (Go's `%#v`
//! is parsed: `map[string]interface {}`, `[]string`, `[]int`, `[]uint8`, ints vs
//! floats, `time.Date(…)`, and the test fixtures `sprig.fixtureTO`/`*string`/
//! `sprig.stringerImpl` as objects with those Go type names), so cases marked
//! `needs_go_data` run too when their data is representable.
//! `env` cases run with `FOO=bar` set in this test process.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    clippy::doc_markdown,
    clippy::cast_precision_loss
)]

use std::any::Any;
use std::collections::{BTreeMap, HashMap};

use stockade_gotemplate::{value::ANY, Kind, Member, Object, Template, UintType, Value};
use stockade_sprig::gotime::Time;
use stockade_sprig::TimeValue;

#[path = "../../stockade/tests/common/shared.rs"]
mod shared_dir;
use shared_dir::shared;

/// Cases whose difference from Go is known, with the reason.
const KNOWN: &[(&str, &str)] = &[];

// ---- Go %#v data ---------------------------------------------------------------

/// A Go struct (or pointer to one) of Sprig's tests: `sprig.fixtureTO`,
/// `*sprig.fixtureTO`, `sprig.stringerImpl`, `*string`.
#[derive(Debug)]
struct GoStruct {
    type_name: String,
    fields: Vec<(String, Value)>,
    stringer: bool,
}

impl Object for GoStruct {
    fn type_name(&self) -> String {
        self.type_name.clone()
    }
    fn kind(&self) -> Kind {
        if self.type_name.starts_with('*') {
            Kind::Ptr
        } else {
            Kind::Struct
        }
    }
    fn member(&self, name: &str) -> Option<Member> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| Member::Field(v.clone()))
    }
    fn go_string(&self) -> Option<String> {
        if self.stringer {
            self.fields.first().map(|(_, v)| v.to_go_string())
        } else {
            None
        }
    }
    fn fields(&self) -> Vec<(String, Value)> {
        self.fields.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct GoParser<'a> {
    s: &'a str,
    pos: usize,
}

impl GoParser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }
    fn ws(&mut self) {
        while self.rest().starts_with([' ', '\n', '\t']) {
            self.pos += 1;
        }
    }
    fn eat(&mut self, t: &str) -> bool {
        self.ws();
        if self.rest().starts_with(t) {
            self.pos += t.len();
            true
        } else {
            false
        }
    }
    fn string(&mut self) -> String {
        self.ws();
        let r = self.rest().to_string();
        assert!(r.starts_with('"'), "string expected at {r}");
        let mut end = 1;
        let b = r.as_bytes();
        while b[end] != b'"' {
            if b[end] == b'\\' {
                end += 1;
            }
            end += 1;
        }
        let lit = &r[..=end];
        self.pos += end + 1;
        serde_json::from_str(lit).unwrap_or_else(|_| lit[1..lit.len() - 1].to_string())
    }
    fn ident(&mut self) -> String {
        self.ws();
        let n = self
            .rest()
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(self.rest().len());
        let id = self.rest()[..n].to_string();
        self.pos += n;
        id
    }
    fn number(&mut self) -> Value {
        self.ws();
        let n = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
            .unwrap_or(self.rest().len());
        let lit = self.rest()[..n].to_string();
        self.pos += n;
        if let Some(h) = lit.strip_prefix("0x") {
            return Value::Uint(u64::from_str_radix(h, 16).unwrap(), UintType::Uint8);
        }
        if lit.contains(['.', 'e']) {
            Value::float(lit.parse().unwrap())
        } else {
            Value::int(lit.parse().unwrap())
        }
    }
    fn elem_type(&mut self) -> String {
        self.ws();
        if self.eat("interface {}") {
            return ANY.to_string();
        }
        self.ident()
    }
    fn value(&mut self) -> Value {
        self.ws();
        let r = self.rest().to_string();
        if r.starts_with('"') {
            return Value::string(self.string());
        }
        if r.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            return self.number();
        }
        if self.eat("true") {
            return Value::Bool(true);
        }
        if self.eat("false") {
            return Value::Bool(false);
        }
        if self.eat("interface {}(nil)") {
            return Value::Nil;
        }
        if self.eat("map[string]") {
            let elem = self.elem_type();
            assert!(self.eat("{"));
            let mut m = BTreeMap::new();
            while !self.eat("}") {
                let k = self.string();
                assert!(self.eat(":"));
                m.insert(k, self.value());
                self.eat(",");
            }
            return Value::typed_map(&elem, m);
        }
        if self.eat("[]") {
            let elem = self.elem_type();
            assert!(self.eat("{"));
            let mut items = Vec::new();
            while !self.eat("}") {
                items.push(self.value());
                self.eat(",");
            }
            if elem == "uint8" {
                let bytes: Vec<u8> = items
                    .iter()
                    .map(|v| match v {
                        Value::Uint(u, _) => u8::try_from(*u).unwrap(),
                        Value::Int(i, _) => u8::try_from(*i).unwrap(),
                        _ => 0,
                    })
                    .collect();
                return Value::Bytes(bytes.into());
            }
            return Value::typed_list(&elem, items);
        }
        if self.eat("time.Date(") {
            let mut nums = Vec::new();
            for _ in 0..7 {
                let v = if self.rest().trim_start().starts_with("time.") {
                    let m = self.ident();
                    let months = stockade_sprig::gotime::MONTHS;
                    i64::try_from(months.iter().position(|x| m.ends_with(x)).unwrap() + 1).unwrap()
                } else {
                    match self.number() {
                        Value::Int(i, _) => i,
                        _ => 0,
                    }
                };
                nums.push(v);
                self.eat(",");
            }
            assert!(self.eat("time.Location("));
            let zone = self.string();
            assert!(self.eat("))"));
            let days = stockade_sprig::gotime::days_from_civil(nums[0], nums[1], nums[2]);
            let unix = days * 86_400 + nums[3] * 3600 + nums[4] * 60 + nums[5];
            return TimeValue::value(Time {
                unix,
                nanos: u32::try_from(nums[6]).unwrap(),
                offset: 0,
                zone,
            });
        }
        if self.eat("(*") {
            let t = self.ident();
            assert!(self.eat(")("));
            if self.eat("nil)") {
                return Value::TypedNil(format!("*{t}").into());
            }
            // A non-nil pointer to a basic value: only its type is observable here.
            let end = self.rest().find(')').unwrap();
            self.pos += end + 1;
            return Value::object(GoStruct {
                type_name: format!("*{t}"),
                fields: Vec::new(),
                stringer: false,
            });
        }
        let ptr = self.eat("&");
        let t = self.ident();
        assert!(self.eat("{"), "unknown Go value at {}", self.rest());
        let mut fields = Vec::new();
        while !self.eat("}") {
            let k = self.ident();
            assert!(self.eat(":"));
            fields.push((k, self.value()));
            self.eat(",");
        }
        Value::object(GoStruct {
            stringer: t.ends_with("stringerImpl"),
            type_name: if ptr { format!("*{t}") } else { t },
            fields,
        })
    }
}

fn go_value(s: &str) -> Value {
    let mut p = GoParser { s, pos: 0 };
    let v = p.value();
    p.ws();
    assert_eq!(p.rest(), "", "trailing Go data in {s}");
    v
}

// ---- running -------------------------------------------------------------------

fn render(template: &str, data: &Value) -> Result<String, String> {
    let mut t = Template::new("test");
    t.funcs(stockade_sprig::funcs());
    t.parse("test", template).map_err(|e| e.to_string())?;
    let mut out = String::new();
    t.execute("test", data, &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The engine must execute a trivial template for any of this to mean something.
fn engine_ready() -> bool {
    match render("{{ \"x\" }}{{ list 1 2 | len }}", &Value::Nil) {
        Ok(s) if s == "x2" => true,
        other => {
            eprintln!("SKIPPED: the template engine does not execute yet ({other:?})");
            false
        }
    }
}

#[derive(Default)]
struct Tally {
    pass: usize,
    total: usize,
}

#[test]
fn sprig_cases() {
    let Some(dir) = shared("conformance/helm/sprig") else {
        return;
    };
    if !engine_ready() {
        return;
    }
    let text = std::fs::read_to_string(dir.join("sprig_cases.jsonl")).unwrap();
    let known: HashMap<&str, &str> = KNOWN.iter().copied().collect();
    let mut by_cat: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut known_seen = Vec::new();
    // Sprig's env test sets FOO=bar with os.Setenv; nothing else here reads FOO.
    std::env::set_var("FOO", "bar");
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let template = case["template"].as_str().unwrap();
        let source = case["source"].as_str().unwrap();
        let category = case["category"]
            .as_str()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        let expect_error = case["expect_error"].as_bool().unwrap();
        let expected = case["expected"].as_str().unwrap_or("");
        let data = go_value(case["vars_go"].as_str().unwrap());
        let got = render(template, &data);
        let ok = match &got {
            Ok(out) => !expect_error && out == expected,
            Err(_) => expect_error,
        };
        let tally = by_cat.entry(category).or_default();
        tally.total += 1;
        if ok {
            tally.pass += 1;
            continue;
        }
        let what = format!(
            "{source}: {template:?}: expected {} got {got:?}",
            if expect_error {
                "an error".to_string()
            } else {
                format!("{expected:?}")
            }
        );
        match known.get(source) {
            Some(reason) => known_seen.push(format!("{what}\n    known: {reason}")),
            None => unexpected.push(what),
        }
    }
    let (mut pass, mut total) = (0, 0);
    for (cat, t) in &by_cat {
        println!("sprig_cases [{cat}]: {}/{} passed", t.pass, t.total);
        pass += t.pass;
        total += t.total;
    }
    println!(
        "sprig_cases: {pass}/{total} passed ({:.1}%)",
        100.0 * pass as f64 / total.max(1) as f64
    );
    for k in &known_seen {
        println!("known difference: {k}");
    }
    for u in &unexpected {
        println!("DIFFERENCE: {u}");
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected differences (listed above)",
        unexpected.len()
    );
}

/// Go's `%v` of the expected value of a Go-level assert.
fn expected_text(case: &serde_json::Value) -> String {
    match case["assertion"].as_str().unwrap() {
        "assert.True" => "true".to_string(),
        "assert.False" => "false".to_string(),
        _ => match &case["expected"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => i.to_string(),
                None => format!("{}", n.as_f64().unwrap()),
            },
            other => other.to_string(),
        },
    }
}

#[test]
fn sprig_go_func_cases() {
    let Some(dir) = shared("conformance/helm/sprig") else {
        return;
    };
    if !engine_ready() {
        return;
    }
    let text = std::fs::read_to_string(dir.join("sprig_go_func_cases.jsonl")).unwrap();
    let (mut pass, mut total) = (0, 0);
    let mut diffs = Vec::new();
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let args = case["args"].as_array().unwrap();
        let mut data = BTreeMap::new();
        let mut refs = Vec::new();
        for (i, a) in args.iter().enumerate() {
            data.insert(format!("a{i}"), Value::from_json_ints(a));
            refs.push(format!(".a{i}"));
        }
        let data = Value::map(data);
        for name in case["template_funcs"].as_array().unwrap() {
            let name = name.as_str().unwrap();
            let call = format!("{name} {}", refs.join(" "));
            let template = if case["result_wrapper"].as_str() == Some("len") {
                format!("{{{{ len ({call}) }}}}")
            } else {
                format!("{{{{ {call} }}}}")
            };
            let want = expected_text(&case);
            let got = render(&template, &data);
            total += 1;
            if got.as_deref() == Ok(want.as_str()) {
                pass += 1;
            } else {
                diffs.push(format!(
                    "{}: {template} with {args:?}: expected {want:?} got {got:?}",
                    case["source"]
                ));
            }
        }
    }
    println!("sprig_go_func_cases: {pass}/{total} passed");
    for d in &diffs {
        println!("DIFFERENCE: {d}");
    }
    assert!(
        diffs.is_empty(),
        "{} differences (listed above)",
        diffs.len()
    );
}

/// The Go data reader itself (so the cases above read what Go had).
#[test]
fn go_data_reader() {
    let v = go_value(
        r#"map[string]interface {}{"V":[]int{1, 2, 3}, "T":time.Date(2019, time.June, 13, 20, 39, 39, 0, time.Location("GMT")), "b":[]uint8{0x62, 0x79}, "n":interface {}(nil), "f":1.5}"#,
    );
    let Value::Map(m) = v else { panic!() };
    assert_eq!(m.entries.get("V").unwrap().type_name(), "[]int");
    assert_eq!(
        m.entries.get("b").unwrap(),
        Value::Bytes(b"by".to_vec().into())
    );
    assert_eq!(m.entries.get("n").unwrap(), Value::Nil);
    assert_eq!(m.entries.get("f").unwrap(), Value::float(1.5));
    assert_eq!(m.entries.get("T").unwrap().type_name(), "time.Time");
    assert_eq!(go_value("(*sprig.fixtureTO)(nil)").kind(), Kind::Ptr);
    assert_eq!(
        go_value(r#"&sprig.fixtureTO{Name:"hello", Value:"world"}"#).type_name(),
        "*sprig.fixtureTO"
    );
}
