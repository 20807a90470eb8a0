//! Go's own `text/template` test tables (go1.26.6 `exec_test.go`, `parse_test.go`),
//! read in place from `../shared/conformance/helm/gotemplate/`.
//!
//! - `exec_tests.jsonl`: cases that need no Go data run with `tval.json`'s
//!   `json_approximation` standing in for Go's `tVal` and the test functions of
//!   `exec_test.go` written in Rust; cases that need Go data are tried too and
//!   counted separately (most reference Go methods or pointer types a JSON value
//!   cannot stand for).
//! - `cmp_tests.jsonl`: `{{if EXPR}}true{{else}}false{{end}}` against `cmpStruct`.
//! - `parse_tests.jsonl`: the tree's `String()` with text as `%q`, or the error.
#![allow(
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use std::any::Any;

use serde_json::Value as J;
use stockade_gotemplate::parse::{parse_tree, Options};
use stockade_gotemplate::{
    CallCtx, Func, FuncError, FuncMap, IntType, Kind, Member, Object, Param, Template, Value,
};

#[path = "../../stockade/tests/common/shared.rs"]
mod shared_dir;
use shared_dir::shared;

fn lines(path: &PathBuf) -> Vec<J> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ok(v: Value) -> Result<Value, FuncError> {
    Ok(v)
}

/// The functions of `exec_test.go`'s `funcMap` (those a JSON model can express).
fn test_funcs() -> FuncMap {
    let mut m = FuncMap::new();
    m.insert(
        "add".into(),
        Func::variadic(vec![], Param::INT, |_: &mut CallCtx<'_, '_>, a| {
            let s: i64 = a
                .iter()
                .map(|v| if let Value::Int(i, _) = v { *i } else { 0 })
                .sum();
            ok(Value::int(s))
        }),
    );
    m.insert(
        "dddArg".into(),
        Func::variadic(
            vec![Param::INT],
            Param::String,
            |_: &mut CallCtx<'_, '_>, a| {
                let rest = Value::typed_list("string", a[1..].to_vec());
                ok(Value::string(stockade_gotemplate::gofmt::sprintln(&[
                    a[0].clone(),
                    rest,
                ])))
            },
        ),
    );
    m.insert(
        "echo".into(),
        Func::new(vec![Param::Any], |_: &mut CallCtx<'_, '_>, a| {
            ok(a[0].clone())
        }),
    );
    m.insert(
        "makemap".into(),
        Func::variadic(vec![], Param::String, |_: &mut CallCtx<'_, '_>, a| {
            if a.len() % 2 != 0 {
                return Err(FuncError::msg("bad makemap"));
            }
            let mut e = BTreeMap::new();
            for p in a.chunks(2) {
                e.insert(p[0].as_str().unwrap().to_owned(), p[1].clone());
            }
            ok(Value::typed_map("string", e))
        }),
    );
    m.insert(
        "mapOfThree".into(),
        Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| {
            ok(Value::typed_map(
                "int",
                BTreeMap::from([("three".to_owned(), Value::int(3))]),
            ))
        }),
    );
    m.insert(
        "oneArg".into(),
        Func::new(vec![Param::String], |_: &mut CallCtx<'_, '_>, a| {
            ok(Value::string(format!("oneArg={}", a[0].as_str().unwrap())))
        }),
    );
    m.insert(
        "returnInt".into(),
        Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| ok(Value::int(7))),
    );
    m.insert(
        "twoArgs".into(),
        Func::new(
            vec![Param::String, Param::String],
            |_: &mut CallCtx<'_, '_>, a| {
                ok(Value::string(format!(
                    "twoArgs={}{}",
                    a[0].as_str().unwrap(),
                    a[1].as_str().unwrap()
                )))
            },
        ),
    );
    m.insert(
        "typeOf".into(),
        Func::new(vec![Param::Any], |_: &mut CallCtx<'_, '_>, a| {
            ok(Value::string(a[0].type_name()))
        }),
    );
    m.insert(
        "valueString".into(),
        Func::new(vec![Param::String], |_: &mut CallCtx<'_, '_>, _| {
            ok(Value::string("value is ignored"))
        }),
    );
    m.insert(
        "zeroArgs".into(),
        Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| {
            ok(Value::string("zeroArgs"))
        }),
    );
    // Go: func() bool { panic("die") }; a recovered panic is the call's error.
    m.insert(
        "die".into(),
        Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| {
            Err(FuncError::msg("die"))
        }),
    );
    m
}

fn tval() -> J {
    let dir = shared("conformance/helm/gotemplate").unwrap();
    serde_json::from_str(&std::fs::read_to_string(dir.join("tval.json")).unwrap()).unwrap()
}

/// The data of a case, when a Value can stand for it.
fn case_data(case: &J, tv: &J) -> Option<Value> {
    match case["data_kind"].as_str() {
        Some("nil") => Some(Value::Nil),
        Some("json") => Some(Value::from_json_ints(&case["data"])),
        Some("tVal") => Some(tval_object(tv)),
        _ => None,
    }
}

fn data_tval(tv: &J) -> Value {
    let v = Value::from_json_ints(&tv["json_approximation"]);
    // U16 is a uint16 in Go; the JSON stands for it as a number.
    if let Value::Map(m) = &v {
        let m = (**m).clone();
        if let Some(Value::Int(i, _)) = m.entries.get("U16") {
            m.entries.insert(
                "U16".into(),
                Value::Uint(i as u64, stockade_gotemplate::UintType::Uint16),
            );
        }
        // Go's T.I is an int, S/X strings; lists of ints are []int.
        for k in ["SI", "SIEmpty", "AI"] {
            if let Some(Value::List(l)) = m.entries.get(k) {
                m.entries
                    .insert(k.into(), Value::typed_list("int", l.items.clone()));
            }
        }
        if let Some(Value::List(l)) = m.entries.get("SB") {
            m.entries
                .insert("SB".into(), Value::typed_list("bool", l.items.clone()));
        }
        for k in ["MSI", "MSIone", "MSIEmpty"] {
            if let Some(Value::Map(x)) = m.entries.get(k) {
                m.entries
                    .insert(k.into(), Value::typed_map("int", x.entries.snapshot()));
            }
        }
        if let Some(Value::List(l)) = m.entries.get("SMSI") {
            let items = l
                .items
                .iter()
                .map(|x| match x {
                    Value::Map(x) => Value::typed_map("int", x.entries.snapshot()),
                    o => o.clone(),
                })
                .collect();
            m.entries
                .insert("SMSI".into(), Value::typed_list("map[string]int", items));
        }
        return Value::Map(std::sync::Arc::new(m));
    }
    v
}

fn multi_text(tv: &J, k: &str) -> String {
    let s = tv["multi_templates"][k].as_str().unwrap();
    let a = s.find('`').unwrap();
    let b = s.rfind('`').unwrap();
    s[a + 1..b].to_owned()
}

struct Outcome {
    pass: bool,
    detail: String,
}

fn run_exec(case: &J, data: &Value, tv: &J) -> Outcome {
    let name = case["name"].as_str().unwrap();
    let tname = case["template_name"].as_str().unwrap_or(name);
    let text = case["template"].as_str().unwrap();
    let mut t = Template::new(tname);
    t.funcs(test_funcs());
    if case["table"] == "multiExecTests" {
        t.parse("root", &multi_text(tv, "multiText1")).unwrap();
        t.parse("root", &multi_text(tv, "multiText2")).unwrap();
    }
    if let Err(e) = t.parse(tname, text) {
        return Outcome {
            pass: false,
            detail: format!("parse error: {e}"),
        };
    }
    let mut out = String::new();
    let r = t.execute(tname, data, &mut out);
    let want_ok = case["ok"].as_bool().unwrap();
    let expected = case["expected"].as_str().unwrap_or("");
    match (r, want_ok) {
        (Ok(()), true) => Outcome {
            pass: out == expected,
            detail: format!("output {out:?}, want {expected:?}"),
        },
        (Ok(()), false) => Outcome {
            pass: false,
            detail: format!("no error; output {out:?}"),
        },
        (Err(e), true) => Outcome {
            pass: false,
            detail: format!("error {e}"),
        },
        (Err(e), false) => {
            let got = e.to_string();
            let want = case["go_error_observed"].as_str().unwrap_or("");
            Outcome {
                pass: (want.is_empty() || got == want) && out == expected,
                detail: format!("error {got:?}, want {want:?}; output {out:?} want {expected:?}"),
            }
        }
    }
}

#[test]
fn exec_tests() {
    let Some(dir) = shared("conformance/helm/gotemplate") else {
        return;
    };
    let tv = tval();
    let cases = lines(&dir.join("exec_tests.jsonl"));
    let (mut runnable, mut pass) = (0, 0);
    let (mut go_tried, mut go_pass, mut go_skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut unrepresentable = Vec::new();
    for c in &cases {
        let needs_go = c["needs_go_data"].as_bool().unwrap_or(true);
        // `count` returns a Go channel: no Value stands for one.
        if c["funcs_referenced"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == "count"))
        {
            unrepresentable.push(format!("{} (ranges over a Go channel)", c["name"]));
            continue;
        }
        let Some(data) = case_data(c, &tv) else {
            go_skipped += 1;
            continue;
        };
        let o = run_exec(c, &data, &tv);
        if needs_go {
            go_tried += 1;
            go_pass += usize::from(o.pass);
            if std::env::var("GOTEMPLATE_SHOW_GO").is_ok() && !o.pass {
                println!(
                    "  GO-DATA {}: {} ({}) why={}",
                    c["name"], o.detail, c["template"], c["needs_go_data_why"]
                );
            }
        } else {
            runnable += 1;
            if o.pass {
                pass += 1;
            } else {
                failures.push(format!("{}: {} ({})", c["name"], o.detail, c["template"]));
            }
        }
    }
    println!("exec_tests (no Go data needed): {pass}/{runnable} pass");
    println!(
        "exec_tests not run, no Value model for them: {}",
        unrepresentable.join(", ")
    );
    println!(
        "exec_tests (Go data needed, tried with Value/Object models of Go's tVal): {go_pass}/{go_tried} pass; {go_skipped} not representable (Go-typed data)"
    );
    for f in &failures {
        println!("  DIFF {f}");
    }
    assert!(failures.is_empty(), "{} exec cases differ", failures.len());
}

#[test]
fn cmp_tests() {
    let Some(dir) = shared("conformance/helm/gotemplate") else {
        return;
    };
    let tv = tval();
    let json = Value::from_json_ints(&tv["cmp_struct"]["json_approximation"]);
    let obj = cmp_object();
    let cases = lines(&dir.join("cmp_tests.jsonl"));
    let (mut runnable, mut pass) = (0, 0);
    let (mut go_tried, mut go_pass) = (0, 0);
    let mut failures = Vec::new();
    for c in &cases {
        let needs_go = c["needs_go_data"].as_bool().unwrap_or(true);
        let data = if needs_go { &obj } else { &json };
        let mut t = Template::new("empty");
        let text = c["template"].as_str().unwrap();
        let r = t
            .parse("empty", text)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                let mut out = String::new();
                t.execute("empty", data, &mut out)
                    .map(|()| out)
                    .map_err(|e| e.to_string())
            });
        let want_ok = c["ok"].as_bool().unwrap();
        let good = match &r {
            Ok(out) => want_ok && out == c["expected"].as_str().unwrap_or(""),
            Err(e) => !want_ok && c["go_error_observed"].as_str().is_none_or(|w| w == e),
        };
        if needs_go {
            go_tried += 1;
            go_pass += usize::from(good);
            if !good && std::env::var("GOTEMPLATE_SHOW_GO").is_ok() {
                println!(
                    "  GO-DATA {}: got {r:?}, want {:?}",
                    c["name"], c["go_error_observed"]
                );
            }
            continue;
        }
        runnable += 1;
        if good {
            pass += 1;
        } else {
            failures.push(format!(
                "{}: got {r:?}, want {} {:?} {:?}",
                c["name"], c["ok"], c["expected"], c["go_error_observed"]
            ));
        }
    }
    println!("cmp_tests: {pass}/{runnable} pass (no Go data needed)");
    println!("cmp_tests (Go data needed, tried with an Object model of cmpStruct): {go_pass}/{go_tried} pass");
    for f in &failures {
        println!("  DIFF {f}");
    }
    assert!(failures.is_empty(), "{} cmp cases differ", failures.len());
}

#[test]
fn parse_tests() {
    let Some(dir) = shared("conformance/helm/gotemplate") else {
        return;
    };
    let cases = lines(&dir.join("parse_tests.jsonl"));
    let (mut pass, mut err_exact) = (0, 0);
    let mut failures = Vec::new();
    for c in &cases {
        let name = c["name"].as_str().unwrap();
        let funcs: Vec<String> = c["funcs_known_to_parser"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_owned())
            .collect();
        let is_func = |n: &str| funcs.iter().any(|f| f == n);
        let opts = Options {
            left: "",
            right: "",
            is_func: &is_func,
            // Go's parse tests set maxStackDepth = 3.
            max_depth: 3,
        };
        let r = parse_tree(name, c["template"].as_str().unwrap(), &opts);
        let want_ok = c["ok"].as_bool().unwrap();
        let good = match &r {
            Ok((tree, _)) => {
                want_ok && tree.to_string_with(true) == c["expected"].as_str().unwrap_or("")
            }
            Err(e) => {
                let exact = c["go_error_observed"].as_str() == Some(e.to_string().as_str());
                err_exact += usize::from(exact);
                !want_ok && exact
            }
        };
        if good {
            pass += 1;
        } else {
            let got = match &r {
                Ok((t, _)) => format!("tree {:?}", t.to_string_with(true)),
                Err(e) => format!("error {:?}", e.to_string()),
            };
            failures.push(format!(
                "{name}: {got}; want {} {:?} {:?}",
                c["ok"], c["expected"], c["go_error_observed"]
            ));
        }
    }
    println!(
        "parse_tests: {pass}/{} pass ({err_exact} errors with Go's exact text)",
        cases.len()
    );
    for f in &failures {
        println!("  DIFF {f}");
    }
    assert!(failures.is_empty(), "{} parse cases differ", failures.len());
}

#[test]
fn int_type_names() {
    assert_eq!(Value::Int(1, IntType::Int64).type_name(), "int64");
}

// ------------------------------------------------------------------ Go's tVal as objects

/// `*template.T`: the JSON fields, Go's methods and func fields.
#[derive(Debug, Clone)]
struct TObj {
    fields: BTreeMap<String, Value>,
}

/// `template.V` / `*template.V` (a `fmt.Stringer`) and `template.W` / `*template.W` (an `error`).
#[derive(Debug)]
struct Sv {
    n: Option<i64>,
    ptr: bool,
    error: bool,
}

/// `*template.U`.
#[derive(Debug)]
struct UObj {
    v: String,
}

/// A Stringer or error value of another package (`*bytes.Buffer`, `*errors.errorString`).
#[derive(Debug)]
struct Named {
    ty: &'static str,
    text: &'static str,
    error: bool,
}

impl Object for Named {
    fn type_name(&self) -> String {
        self.ty.to_owned()
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn member(&self, _: &str) -> Option<Member> {
        None
    }
    fn go_string(&self) -> Option<String> {
        Some(self.text.to_owned())
    }
    fn is_error(&self) -> bool {
        self.error
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Object for Sv {
    fn type_name(&self) -> String {
        let base = if self.error {
            "template.W"
        } else {
            "template.V"
        };
        if self.ptr {
            format!("*{base}")
        } else {
            base.to_owned()
        }
    }
    fn kind(&self) -> Kind {
        if self.ptr {
            Kind::Ptr
        } else {
            Kind::Struct
        }
    }
    fn member(&self, _: &str) -> Option<Member> {
        None
    }
    fn go_string(&self) -> Option<String> {
        Some(match (self.n, self.error) {
            (Some(n), false) => format!("<{n}>"),
            (Some(n), true) => format!("[{n}]"),
            (None, false) => "nilV".to_owned(),
            (None, true) => "nilW".to_owned(),
        })
    }
    fn is_error(&self) -> bool {
        self.error
    }
    fn truth(&self) -> bool {
        self.n.is_some() || !self.ptr
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Object for UObj {
    fn type_name(&self) -> String {
        "*template.U".to_owned()
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn member(&self, name: &str) -> Option<Member> {
        match name {
            "V" => Some(Member::Field(Value::from(self.v.as_str()))),
            "TrueFalse" => Some(Member::Method(Func::new(
                vec![Param::Bool],
                |_: &mut CallCtx<'_, '_>, a| {
                    ok(Value::from(if a[0].truth() { "true" } else { "" }))
                },
            ))),
            _ => None,
        }
    }
    fn fields(&self) -> Vec<(String, Value)> {
        vec![("V".to_owned(), Value::from(self.v.as_str()))]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Object for TObj {
    fn type_name(&self) -> String {
        "*template.T".to_owned()
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn member(&self, name: &str) -> Option<Member> {
        let f = |params: Vec<Param>, body: fn(&TObj, Vec<Value>) -> Result<Value, FuncError>| {
            let me = self.clone();
            Some(Member::Method(Func::new(
                params,
                move |_: &mut CallCtx<'_, '_>, a| body(&me, a),
            )))
        };
        match name {
            "Method0" => f(vec![], |_, _| ok(Value::from("M0"))),
            "Method1" => f(vec![Param::INT], |_, a| ok(a[0].clone())),
            "Method2" => f(
                vec![
                    Param::Uint(stockade_gotemplate::UintType::Uint16),
                    Param::String,
                ],
                |_, a| {
                    ok(Value::from(stockade_gotemplate::gofmt::sprintf(
                        "Method2: %d %s",
                        &a,
                    )))
                },
            ),
            "Method3" => f(vec![Param::Any], |_, a| {
                ok(Value::from(stockade_gotemplate::gofmt::sprintf(
                    "Method3: %v",
                    &a,
                )))
            }),
            "Copy" => f(vec![], |me, _| ok(Value::object(me.clone()))),
            "MAdd" => f(vec![Param::INT, Param::Slice("int".into())], |_, a| {
                let Value::Int(k, _) = a[0] else {
                    return Err(FuncError::msg("bad"));
                };
                let Value::List(l) = &a[1] else {
                    return Err(FuncError::msg("bad"));
                };
                let items = l.items.iter().map(|x| {
                    if let Value::Int(i, _) = x {
                        Value::int(i + k)
                    } else {
                        Value::Nil
                    }
                });
                ok(Value::typed_list("int", items.collect()))
            }),
            "MyError" => f(vec![Param::Bool], |_, a| {
                if a[0].truth() {
                    Err(FuncError::msg("my error"))
                } else {
                    ok(Value::Bool(false))
                }
            }),
            "GetU" => f(vec![], |me, _| {
                ok(me.fields.get("U").cloned().unwrap_or_default())
            }),
            _ => self.fields.get(name).cloned().map(Member::Field),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn func_fields() -> Vec<(&'static str, Value)> {
    let join = |a: &[Value]| {
        a.iter()
            .map(|v| v.as_str().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
            .join("+")
    };
    vec![
        (
            "BinaryFunc",
            Value::Func(Func::new(
                vec![Param::String, Param::String],
                |_: &mut CallCtx<'_, '_>, a| {
                    ok(Value::from(format!(
                        "[{}={}]",
                        a[0].as_str().unwrap(),
                        a[1].as_str().unwrap()
                    )))
                },
            )),
        ),
        (
            "VariadicFunc",
            Value::Func(Func::variadic(
                vec![],
                Param::String,
                move |_: &mut CallCtx<'_, '_>, a| ok(Value::from(format!("<{}>", join(&a)))),
            )),
        ),
        (
            "VariadicFuncInt",
            Value::Func(Func::variadic(
                vec![Param::INT],
                Param::String,
                move |_: &mut CallCtx<'_, '_>, a| {
                    ok(Value::from(format!("{}=<{}>", a[0], join(&a[1..]))))
                },
            )),
        ),
        (
            "NilOKFunc",
            Value::Func(Func::new(
                vec![Param::Named("*int".into())],
                |_: &mut CallCtx<'_, '_>, a| {
                    ok(Value::Bool(matches!(a[0], Value::TypedNil(_) | Value::Nil)))
                },
            )),
        ),
        (
            "ErrFunc",
            Value::Func(Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| {
                ok(Value::from("bla"))
            })),
        ),
        (
            "PanicFunc",
            Value::Func(Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| {
                Err(FuncError::msg("test panic"))
            })),
        ),
    ]
}

/// Go's `tVal` as an object: the JSON fields plus the Go-only ones a Value can model.
fn tval_object(tv: &J) -> Value {
    let Value::Map(m) = data_tval(tv) else {
        panic!("tVal is an object")
    };
    let mut fields = m.entries.snapshot();
    // In a struct, a nil `any` field is a nil interface.
    if let Some(v) = fields.get_mut("Empty0") {
        *v = Value::TypedNil(std::sync::Arc::from("interface {}"));
    }
    fields.insert("U".into(), Value::object(UObj { v: "v".into() }));
    fields.insert("ComplexZero".into(), Value::Complex(0.0, 0.0));
    fields.insert(
        "Empty4".into(),
        Value::object(UObj {
            v: "UinEmpty".into(),
        }),
    );
    fields.insert(
        "V0".into(),
        Value::object(Sv {
            n: Some(6666),
            ptr: false,
            error: false,
        }),
    );
    fields.insert(
        "V1".into(),
        Value::object(Sv {
            n: Some(7777),
            ptr: true,
            error: false,
        }),
    );
    fields.insert(
        "V2".into(),
        Value::object(Sv {
            n: None,
            ptr: true,
            error: false,
        }),
    );
    fields.insert(
        "W0".into(),
        Value::object(Sv {
            n: Some(888),
            ptr: false,
            error: true,
        }),
    );
    fields.insert(
        "W1".into(),
        Value::object(Sv {
            n: Some(999),
            ptr: true,
            error: true,
        }),
    );
    fields.insert(
        "W2".into(),
        Value::object(Sv {
            n: None,
            ptr: true,
            error: true,
        }),
    );
    fields.insert(
        "Str".into(),
        Value::object(Named {
            ty: "*bytes.Buffer",
            text: "foozle",
            error: false,
        }),
    );
    fields.insert(
        "Err".into(),
        Value::object(Named {
            ty: "*errors.errorString",
            text: "erroozle",
            error: true,
        }),
    );
    let mut x = BTreeMap::new();
    x.insert("X".to_owned(), Value::from("x"));
    fields.insert(
        "NonEmptyInterface".into(),
        Value::object(TObj { fields: x }),
    );
    for (k, v) in func_fields() {
        fields.insert(k.into(), v);
    }
    Value::object(TObj { fields })
}

/// Go's `cmpStruct` as an object.
#[derive(Debug)]
struct CmpObj(BTreeMap<String, Value>);

impl Object for CmpObj {
    fn type_name(&self) -> String {
        "*struct { Uthree uint; Ufour uint; NegOne int; Three int; Ptr *int; NilPtr *int; NonNilMap map[int]int; Map map[int]int; V1 template.V; V2 template.V; Iface1 fmt.Stringer; NilIface fmt.Stringer }".to_owned()
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn member(&self, name: &str) -> Option<Member> {
        self.0.get(name).cloned().map(Member::Field)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A non-nil pointer (`new(int)`, a `*strings.Builder`): equal only to itself.
#[derive(Debug)]
struct Ptr(&'static str);

impl Object for Ptr {
    fn type_name(&self) -> String {
        self.0.to_owned()
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn member(&self, _: &str) -> Option<Member> {
        None
    }
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(std::ptr::addr_eq(
            self as *const Ptr,
            other as *const dyn Object,
        ))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `template.V{j}` as a comparable struct value.
#[derive(Debug)]
struct VStruct(i64);

impl Object for VStruct {
    fn type_name(&self) -> String {
        "template.V".to_owned()
    }
    fn member(&self, _: &str) -> Option<Member> {
        None
    }
    fn fields(&self) -> Vec<(String, Value)> {
        vec![("j".to_owned(), Value::int(self.0))]
    }
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(
            other
                .as_any()
                .downcast_ref::<VStruct>()
                .is_some_and(|o| o.0 == self.0),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn cmp_object() -> Value {
    use stockade_gotemplate::UintType;
    let mut f = BTreeMap::new();
    f.insert("Uthree".to_owned(), Value::Uint(3, UintType::Uint));
    f.insert("Ufour".to_owned(), Value::Uint(4, UintType::Uint));
    f.insert("NegOne".to_owned(), Value::int(-1));
    f.insert("Three".to_owned(), Value::int(3));
    f.insert("Ptr".to_owned(), Value::object(Ptr("*int")));
    f.insert("NilPtr".to_owned(), Value::TypedNil("*int".into()));
    f.insert(
        "NonNilMap".to_owned(),
        Value::Map(std::sync::Arc::new(stockade_gotemplate::Map {
            named: Some("map[int]int".into()),
            elem: "int".into(),
            entries: BTreeMap::new().into(),
        })),
    );
    f.insert("Map".to_owned(), Value::TypedNil("map[int]int".into()));
    f.insert("V1".to_owned(), Value::object(VStruct(0)));
    f.insert("V2".to_owned(), Value::object(VStruct(0)));
    f.insert("Iface1".to_owned(), Value::object(Ptr("*strings.Builder")));
    f.insert(
        "NilIface".to_owned(),
        Value::TypedNil("interface {}".into()),
    );
    Value::object(CmpObj(f))
}
