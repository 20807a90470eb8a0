//! Kyverno pattern semantics (anchors, operators, quantities, durations) and
//! condition operators, case by case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use stockade::kyverno::conditions::apply;
use stockade::kyverno::pattern::{match_pattern, validate_value, Outcome};

fn outcome(resource: &Value, pattern: &Value) -> String {
    match match_pattern(resource, pattern) {
        Outcome::Pass => "pass".to_string(),
        Outcome::Skip(_) => "skip".to_string(),
        Outcome::Fail { path, .. } => format!("fail {path}"),
    }
}

fn pod(containers: &Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}})
}

#[test]
fn array_patterns_apply_to_every_element_and_report_the_path() {
    let pattern = json!({"spec": {"containers": [{"image": "!*:latest"}]}});
    let ok = pod(&json!([{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:2"}]));
    assert_eq!(outcome(&ok, &pattern), "pass");
    let bad = pod(&json!([{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:latest"}]));
    assert_eq!(outcome(&bad, &pattern), "fail /spec/containers/1/image/");
}

#[test]
fn conditional_anchor_skips_when_no_element_applies() {
    let pattern = json!({"spec": {"containers": [{"(name)": "nginx", "image": "nginx:1.*"}]}});
    let other = pod(&json!([{"name": "web", "image": "web:latest"}]));
    assert_eq!(outcome(&other, &pattern), "skip");
    let nginx_bad = pod(&json!([{"name": "nginx", "image": "nginx:2.0"}]));
    assert_eq!(
        outcome(&nginx_bad, &pattern),
        "fail /spec/containers/0/image/"
    );
    let nginx_ok =
        pod(&json!([{"name": "web", "image": "x"}, {"name": "nginx", "image": "nginx:1.2"}]));
    assert_eq!(outcome(&nginx_ok, &pattern), "pass");
}

#[test]
fn equality_anchor_is_optional_and_negation_forbids_the_key() {
    let pattern = json!({"spec": {"=(hostNetwork)": false, "X(hostIPC)": "null"}});
    let mut p = pod(&json!([]));
    assert_eq!(outcome(&p, &pattern), "pass");
    p["spec"]["hostNetwork"] = json!(true);
    assert_eq!(outcome(&p, &pattern), "fail /spec/hostNetwork/");
    p["spec"]["hostNetwork"] = json!(false);
    p["spec"]["hostIPC"] = json!(false);
    assert_eq!(outcome(&p, &pattern), "fail /spec/hostIPC/");
}

#[test]
fn existence_anchor_needs_one_matching_element() {
    let pattern = json!({"spec": {"^(containers)": [{"image": "*/trusted/*"}]}});
    let ok = pod(&json!([{"image": "x"}, {"image": "r/trusted/a"}]));
    assert_eq!(outcome(&ok, &pattern), "pass");
    let bad = pod(&json!([{"image": "x"}]));
    assert!(outcome(&bad, &pattern).starts_with("fail"));
}

#[test]
fn global_anchor_skips_the_whole_rule() {
    let pattern = json!({"spec": {"containers": [{"<(image)": "*:debug", "name": "dbg-*"}]}});
    let not_debug = pod(&json!([{"image": "a:1", "name": "x"}]));
    assert_eq!(outcome(&not_debug, &pattern), "skip");
    let debug_bad = pod(&json!([{"image": "a:debug", "name": "x"}]));
    assert_eq!(
        outcome(&debug_bad, &pattern),
        "fail /spec/containers/0/name/"
    );
}

#[test]
fn missing_fields_fail_unless_the_pattern_allows_null() {
    let p = pod(&json!([{"name": "a"}]));
    assert_eq!(
        outcome(&p, &json!({"spec": {"containers": [{"image": "?*"}]}})),
        "fail /spec/containers/0/image/"
    );
    assert_eq!(
        outcome(&p, &json!({"spec": {"containers": [{"image": null}]}})),
        "pass"
    );
    assert_eq!(
        outcome(&p, &json!({"spec": {"containers": [{"image": "*"}]}})),
        "fail /spec/containers/0/"
    );
}

#[test]
fn value_operators() {
    let v = |value: Value, pattern: &str| validate_value(&value, &json!(pattern));
    // Comparison, ranges, alternatives and conjunctions.
    assert!(v(json!(5), ">4"));
    assert!(!v(json!(5), "<5"));
    assert!(v(json!(5), "1-10"));
    assert!(!v(json!(11), "1-10"));
    assert!(v(json!(11), "1!-10"));
    assert!(v(json!("b"), "a | b"));
    assert!(v(json!("abc"), "a* & *c"));
    assert!(!v(json!("abd"), "a* & *c"));
    // Quantities and durations.
    assert!(v(json!("512Mi"), "<=1Gi"));
    assert!(!v(json!("2Gi"), "<=1Gi"));
    assert!(v(json!("100m"), "<1"));
    assert!(v(json!("90m"), ">1h"));
    // Negated wildcards, booleans, numbers as strings.
    assert!(v(json!("nginx:1"), "!*:latest"));
    assert!(!v(json!("nginx:latest"), "!*:latest"));
    assert!(validate_value(&json!("8080"), &json!(8080)));
    assert!(!validate_value(&json!("true"), &json!(true)));
    // A null pattern accepts zero values.
    assert!(validate_value(&json!(""), &Value::Null));
    assert!(validate_value(&json!(0), &Value::Null));
    assert!(!validate_value(&json!("x"), &Value::Null));
}

#[test]
fn condition_operators() {
    let a = |op: &str, k: Value, v: Value| apply(op, &k, &v).unwrap();
    assert!(a("Equals", json!("prod-1"), json!("prod-*")));
    assert!(a("NotEquals", json!(1), json!(2)));
    assert!(a("In", json!("b"), json!(["a", "b"])));
    assert!(a("NotIn", json!(["a", "z"]), json!(["a", "b"])));
    assert!(a("AnyIn", json!(["x", "NET_RAW"]), json!(["NET_*"])));
    assert!(!a("AllIn", json!(["x", "NET_RAW"]), json!(["NET_*"])));
    assert!(a("AllNotIn", json!(["x", "y"]), json!(["a", "b"])));
    assert!(a("AnyNotIn", json!(["a", "y"]), json!(["a", "b"])));
    assert!(a("AnyIn", json!([8080]), json!("8000-9000")));
    assert!(a("GreaterThan", json!("2Gi"), json!("1Gi")));
    assert!(a("LessThanOrEquals", json!(3), json!("3")));
    assert!(a("GreaterThanOrEquals", json!("1.10.0"), json!("1.9.3")));
    assert!(a("DurationGreaterThan", json!("2h"), json!("90m")));
    assert!(apply("Bogus", &json!(1), &json!(1)).is_none());
}
