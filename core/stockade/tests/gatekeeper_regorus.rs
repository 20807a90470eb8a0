//! One regression case per known difference between regorus 0.14 and OPA that
//! Gatekeeper templates can hit, each showing raw regorus' behaviour and ours
//! (see `core/rego/src/shims.rs` and `core/rego/src/builtins.rs`), plus
//! Gatekeeper's template checks and result handling.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;

use serde_json::{json, Value as Json};
use stockade::rego::{Backend, CompiledTemplate, Template};

fn template_yaml(kind: &str, rego: &str, libs: &[&str], v1: bool) -> String {
    let indent = |s: &str, n: usize| {
        s.lines()
            .map(|l| format!("{}{l}", " ".repeat(n)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut libs_yaml = String::new();
    for l in libs {
        let _ = writeln!(libs_yaml, "          - |\n{}", indent(l, 12));
    }
    let source = if v1 {
        format!(
            "    code:\n    - engine: Rego\n      source:\n        version: \"v1\"\n        rego: |\n{}\n{}",
            indent(rego, 10),
            if libs.is_empty() { String::new() } else { format!("        libs:\n{libs_yaml}") }
        )
    } else {
        format!(
            "    rego: |\n{}\n{}",
            indent(rego, 6),
            if libs.is_empty() {
                String::new()
            } else {
                format!(
                    "    libs:\n{}",
                    libs_yaml
                        .replace("          - ", "      - ")
                        .replace("\n            ", "\n        ")
                )
            }
        )
    };
    format!(
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: {}\nspec:\n  crd:\n    spec:\n      names:\n        kind: {kind}\n  targets:\n  - target: admission.k8s.gatekeeper.sh\n{source}",
        kind.to_lowercase()
    )
}

fn compile(rego: &str, libs: &[&str], v1: bool) -> Result<CompiledTemplate, Vec<String>> {
    let text = template_yaml("K8sTest", rego, libs, v1);
    let node = stockade::yaml::parse_single(&text, &stockade::yaml::Limits::default())
        .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    let t = Template::from_node(&node).map_err(|p| vec![p.message])?;
    CompiledTemplate::compile(t, Some(&text))
        .map_err(|ps| ps.into_iter().map(|p| p.message).collect())
}

fn pod() -> Json {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
}

fn messages(t: &CompiledTemplate, params: &Json) -> Result<Vec<String>, String> {
    let review = stockade::rego::review::from_object(&pod()).review;
    let p = t.prepare(&json!({}), Backend::Interpreter);
    p.violations(&review, params)
        .map(|v| v.into_iter().map(|v| v.msg).collect())
}

/// Evaluate with raw regorus (no shims, no extensions).
fn raw(rego: &str, v0: bool) -> Result<Json, String> {
    let mut e = regorus::Engine::new();
    e.set_rego_v0(v0);
    let pkg = e
        .add_policy("t.rego".into(), rego.into())
        .map_err(|e| e.to_string())?;
    let review = stockade::rego::review::from_object(&pod()).review;
    e.set_input(regorus::Value::from(
        json!({"review": review, "parameters": {}}),
    ));
    let v = e
        .eval_rule(format!("{pkg}.violation"))
        .map_err(|e| e.to_string())?;
    Ok(serde_json::to_value(&v).unwrap())
}

#[test]
fn chained_rule_bodies() {
    let rego = "package t\nviolation[{\"msg\": m}] {\n  input.review.kind.kind == \"Pod\"\n  m := \"a\"\n} {\n  m := \"b\"\n}\n";
    assert!(raw(rego, true)
        .unwrap_err()
        .contains("else cannot be used with set rules"));
    let t = compile(rego, &[], false).unwrap();
    assert_eq!(messages(&t, &json!({})).unwrap(), ["a", "b"]);
}

#[test]
fn line_starting_with_a_parenthesis() {
    let rego = "package t\nviolation[{\"msg\": m}] {\n  x := input.review.object.metadata.name\n  (x) == \"p\"\n  m := \"hit\"\n}\n";
    // regorus reads `x := input.review.object.metadata.name(x) == "p"`.
    assert!(raw(rego, true).unwrap_err().contains("var x is unsafe"));
    let t = compile(rego, &[], false).unwrap();
    assert_eq!(messages(&t, &json!({})).unwrap(), ["hit"]);
}

#[test]
fn negation_of_a_call_with_an_undefined_argument() {
    // OPA hoists `input.review.object.missing` out of the negation: undefined,
    // so the body fails. regorus evaluates `not` of an undefined call: true.
    let rego = "package t\nviolation[{\"msg\": \"x\"}] {\n  not startswith(input.review.object.missing, \"a\")\n}\nviolation[{\"msg\": \"y\"}] {\n  not count(input.review.object.missing) > 0\n}\nviolation[{\"msg\": \"z\"}] {\n  not startswith(input.review.object.kind, \"Dep\")\n}\n";
    let got = raw(rego, true).unwrap();
    assert_eq!(got.as_array().unwrap().len(), 3, "{got}");
    let t = compile(rego, &[], false).unwrap();
    assert_eq!(messages(&t, &json!({})).unwrap(), ["z"]);
}

#[test]
fn sprintf_prints_as_go() {
    let rego = "package t\nviolation[{\"msg\": m}] {\n  m := sprintf(\"%v and %v, %d\", [1, \"x\"])\n}\nviolation[{\"msg\": m}] {\n  m := sprintf(\"%d/%s\", [\"x\", 2])\n}\n";
    assert!(raw(rego, true)
        .unwrap_err()
        .contains("no argument specified"));
    let t = compile(rego, &[], false).unwrap();
    assert_eq!(
        messages(&t, &json!({})).unwrap(),
        ["%!d(string=x)/%!s(int64=2)", "1 and x, %!d(MISSING)"]
    );
}

#[test]
fn bodyless_functions_in_v1() {
    let rego = "package t\nallowed(\"nginx\", _)\nviolation contains {\"msg\": \"ok\"} if {\n  allowed(input.review.object.spec.containers[0].image, 1)\n}\n";
    assert!(raw(rego, false)
        .unwrap_err()
        .contains("rule must have a body or assignment"));
    let t = compile(rego, &[], true).unwrap();
    assert_eq!(messages(&t, &json!({})).unwrap(), ["ok"]);
}

#[test]
fn deprecated_v0_builtins() {
    let rego = "package t\nviolation[{\"msg\": m}] {\n  re_match(\"^ngi\", input.review.object.spec.containers[0].image)\n  any([false, true])\n  all([true])\n  set_diff({1, 2}, {1}) == {2}\n  cast_array({1}) == [1]\n  cast_set([1, 1]) == {1}\n  cast_string(\"s\") == \"s\"\n  net.cidr_overlap(\"10.0.0.0/8\", \"10.1.2.3\")\n  m := \"all there\"\n}\n";
    assert!(raw(rego, true)
        .unwrap_err()
        .contains("could not find function re_match"));
    let t = compile(rego, &[], false).unwrap();
    assert_eq!(messages(&t, &json!({})).unwrap(), ["all there"]);
}

#[test]
fn disabled_builtins_fail_closed_with_a_reason() {
    let rego = "package t\nviolation[{\"msg\": m}] {\n  r := external_data({\"provider\": \"p\", \"keys\": [\"k\"]})\n  m := \"unreachable\"\n}\n";
    let t = compile(rego, &[], false).unwrap();
    let err = messages(&t, &json!({})).unwrap_err();
    assert!(
        err.contains("external_data needs a Gatekeeper external data provider"),
        "{err}"
    );
    let rego = "package t\nviolation[{\"msg\": m}] {\n  r := http.send({\"method\": \"get\", \"url\": \"http://x\"})\n  m := \"unreachable\"\n}\n";
    let t = compile(rego, &[], false).unwrap();
    assert!(messages(&t, &json!({}))
        .unwrap_err()
        .contains("http.send is disabled"));
}

#[test]
fn gatekeeper_template_checks() {
    let e = compile("package t\ndeny[m] { m := 1 }\n", &[], false).unwrap_err();
    assert!(
        e[0].contains("missing required rules: [violation]"),
        "{e:?}"
    );
    let e = compile(
        "package t\nimport data.other\nviolation[{\"msg\": \"m\"}] { data.foo.bar }\n",
        &[],
        false,
    )
    .unwrap_err();
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].contains("bad import"));
    assert!(e[1].contains("disallowed data reference `data.foo.bar`"));
    let e = compile(
        "package t\nimport rego.v1\nviolation[{\"msg\": \"m\"}] { true }\n",
        &[],
        false,
    )
    .unwrap_err();
    assert!(e[0].contains("rego.v1"), "{e:?}");
    let e = compile(
        "package t\nviolation[{\"msg\": \"m\"}] { true }\n",
        &["package helpers\nf(x) { x }"],
        false,
    )
    .unwrap_err();
    assert!(e[0].contains("not under `lib`"), "{e:?}");
    let ok = compile(
        "package t\nimport data.lib.helpers.f\nviolation[{\"msg\": \"m\"}] { f(true); data.inventory }\n",
        &["package lib.helpers\nf(x) { x }"],
        false,
    );
    assert!(ok.is_ok(), "{:?}", ok.err());
}

#[test]
fn results_are_deduplicated_and_checked() {
    let rego = "package t\nviolation[{\"msg\": \"a\"}] { true }\nviolation[{\"msg\": \"a\", \"details\": {}}] { true }\nviolation[{\"msg\": \"a\", \"details\": {\"x\": 1}}] { true }\nviolation[{\"nomsg\": 1}] { true }\n";
    let t = compile(rego, &[], false).unwrap();
    // `{msg: a}` and `{msg: a, details: {}}` are one violation; no msg: dropped.
    assert_eq!(messages(&t, &json!({})).unwrap(), ["a", "a"]);
    let t = compile("package t\nviolation[{\"msg\": 1}] { true }\n", &[], false).unwrap();
    assert!(messages(&t, &json!({}))
        .unwrap_err()
        .contains("expected string"));
}

#[test]
fn compile_errors_are_located_in_the_template_file() {
    let text = template_yaml(
        "K8sTest",
        "package t\nviolation[{\"msg\": m}] {\n  m := \n}\n",
        &[],
        false,
    );
    let node = stockade::yaml::parse_single(&text, &stockade::yaml::Limits::default()).unwrap();
    let t = Template::from_node(&node).unwrap();
    let errs = CompiledTemplate::compile(t, Some(&text)).unwrap_err();
    let line = stockade::LineIndex::new(&text).line_of(errs[0].span.start);
    // The Rego starts after `rego: |` (0-based line 11): its line 3 or 4 is the error.
    assert!((13..=14).contains(&line), "line {line}: {errs:?}\n{text}");
}

/// Issue 14, item 8b: regorus' VM calls its own builtins, never the engine's
/// extensions, so a template calling one (`sprintf` with a missing argument
/// prints `%!v(MISSING)` as Go does, where regorus fails; `numbers.range` past
/// Stockade's cap) stays on the interpreter; one calling none runs on the VM.
#[test]
fn the_vm_runs_only_templates_it_evaluates_as_the_interpreter_does() {
    let review = stockade::rego::review::from_object(&pod()).review;
    let missing = compile(
        "package k8stest\nviolation[{\"msg\": msg}] {\n  msg := sprintf(\"%v and %v\", [1])\n}\n",
        &[],
        false,
    )
    .unwrap();
    let range = compile(
        "package k8stest\nviolation[{\"msg\": msg}] {\n  count(numbers.range(1, 1e9)) > 0\n  msg := \"big\"\n}\n",
        &[],
        false,
    )
    .unwrap();
    let plain = compile(
        "package k8stest\nviolation[{\"msg\": msg}] {\n  input.review.object.kind == \"Pod\"\n  msg := concat(\" \", [\"a\", \"pod\"])\n}\n",
        &[],
        false,
    )
    .unwrap();
    for backend in [Backend::Interpreter, Backend::Vm] {
        let p = missing.prepare(&json!({}), backend);
        assert!(!p.uses_vm());
        let v = p.violations(&review, &json!({})).unwrap();
        assert_eq!(v[0].msg, "1 and %!v(MISSING)");
        let p = range.prepare(&json!({}), backend);
        assert!(!p.uses_vm());
        let e = p.violations(&review, &json!({})).unwrap_err();
        assert!(e.contains("over Stockade's limit"), "{e}");
        let p = plain.prepare(&json!({}), backend);
        assert_eq!(p.uses_vm(), backend == Backend::Vm);
        assert_eq!(p.violations(&review, &json!({})).unwrap()[0].msg, "a pod");
    }
    assert_eq!(Backend::default(), Backend::Vm);
}
