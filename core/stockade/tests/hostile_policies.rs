//! Hostile policies and policy-driven blow-ups (issue 14, round two): Rego
//! recursion, nesting, unbounded evaluation and unknown builtins; Kyverno
//! variables a manifest doubles, and `foreach` over long lists.
//!
//! Each case must end with a located error or a bounded result. Cases that used
//! to hang run on a thread and must answer within a generous bound (a hang, not
//! a slow machine, fails them); cases that used to abort the process would take
//! the test binary down with them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::sync::mpsc;
use std::time::Duration;

use stockade::{Config, Engine, ErrorKind, Report, ScanError};

/// Run `f` on a thread; panic if it has not answered within `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("did not finish in time (a hang)")
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n";

fn conftest_errors(rego: &str) -> Vec<ScanError> {
    match Engine::default().with_policy_texts(&[("policy.rego", rego)], &[]) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

fn only_policy_error(errors: &[ScanError]) -> (&ScanError, (u32, u32)) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!(e.kind, ErrorKind::Policy, "{e:?}");
    let start = e.start.expect("located");
    (e, (start.line.get(), start.column.get()))
}

fn conftest_report(rego: &str, config: Config) -> Report {
    let engine = Engine::new(config)
        .with_policy_texts(&[("policy.rego", rego)], &[])
        .unwrap();
    engine.scan(POD, Some("pod.yaml"), None)
}

fn conftest_messages(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("main."))
        .map(|f| f.message.clone())
        .collect()
}

fn template(kind: &str, rego: &str) -> String {
    let mut indented = String::new();
    for line in rego.lines() {
        let _ = writeln!(indented, "          {line}");
    }
    format!(
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: {lower}\nspec:\n  crd:\n    spec:\n      names:\n        kind: {kind}\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n{indented}",
        lower = kind.to_lowercase()
    )
}

// ---------------------------------------------------------------------------
// 1. Recursion
// ---------------------------------------------------------------------------

#[test]
fn recursive_function_in_a_rego_module_is_a_located_recursion_error() {
    let rego = "package main\n\nf(x) := y if { y := f(x) }\n\ndeny contains msg if {\n  f(1)\n  msg := \"x\"\n}\n";
    let errors = within(60, move || conftest_errors(rego));
    let (e, at) = only_policy_error(&errors);
    assert_eq!(at, (3, 1), "{e:?}");
    assert!(
        e.message.contains(
            "rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f"
        ),
        "{e:?}"
    );
}

#[test]
fn mutual_recursion_in_a_constraint_template_is_a_located_recursion_error() {
    let rego = "package k8srec\n\na(x) := b(x)\nb(x) := a(x)\n\nviolation[{\"msg\": msg}] {\n  a(1)\n  msg := \"x\"\n}\n";
    let text = template("K8sRec", rego);
    let errors = within(60, move || {
        Engine::default()
            .with_policy_texts(&[("template.yaml", &text)], &[])
            .err()
            .unwrap_or_default()
    });
    let (e, (line, _)) = only_policy_error(&errors);
    // `a(x) := b(x)` is the third line of the Rego block, which starts on line 13.
    assert_eq!(line, 15, "{e:?}");
    assert!(
        e.message
            .contains("data.k8srec.a -> data.k8srec.b -> data.k8srec.a"),
        "{e:?}"
    );
}

#[test]
fn recursion_in_a_verify_suite_fails_the_suite_without_aborting() {
    let rego = "package k8srec\n\nf(x) := y { y := f(x) }\n\nviolation[{\"msg\": msg}] {\n  f(1)\n  msg := \"x\"\n}\n";
    let mut files = std::collections::BTreeMap::new();
    files.insert("template.yaml".to_string(), template("K8sRec", rego));
    files.insert(
        "constraint.yaml".to_string(),
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRec\nmetadata:\n  name: rec\n"
            .to_string(),
    );
    files.insert("pod.yaml".to_string(), POD.to_string());
    files.insert(
        "suite.yaml".to_string(),
        "kind: Suite\napiVersion: test.gatekeeper.sh/v1alpha1\ntests:\n- name: rec\n  template: template.yaml\n  constraint: constraint.yaml\n  cases:\n  - name: pod\n    object: pod.yaml\n    assertions:\n    - violations: no\n".to_string(),
    );
    let result = within(60, move || {
        stockade::rego::verify_suite_texts("suite.yaml", &files)
    })
    .expect("a suite");
    assert!(result.is_failure(), "{result:#?}");
    let text = format!("{result:?}");
    assert!(text.contains("rego_recursion_error"), "{text}");
}

// ---------------------------------------------------------------------------
// 7. Nesting
// ---------------------------------------------------------------------------

#[test]
fn deeply_nested_literals_are_a_located_error_not_an_exponential_parse() {
    let rego = format!(
        "package main\nx := {}1{}\ndeny contains msg if {{ x; msg := \"y\" }}\n",
        "[".repeat(20),
        "]".repeat(20)
    );
    let errors = within(60, move || conftest_errors(&rego));
    let (e, at) = only_policy_error(&errors);
    // The 13th `[` is the first over the limit of 12.
    assert_eq!(at, (2, 6 + 12), "{e:?}");
    assert!(e.message.contains("nest more than 12 deep"), "{e:?}");
}

// ---------------------------------------------------------------------------
// 8. Evaluation budget
// ---------------------------------------------------------------------------

#[test]
fn a_huge_comprehension_stops_at_the_time_limit() {
    let rego = "package main\ndeny contains msg if {\n  s := {[a, b] | some a in numbers.range(1, 3000); some b in numbers.range(1, 3000)}\n  count(s) > 0\n  msg := \"big\"\n}\n";
    let mut config = Config::default();
    config.limits.policy_eval_millis = 200;
    let report = within(60, move || conftest_report(rego, config));
    let messages = conftest_messages(&report);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("time limit") || messages[0].contains("exceeded"),
        "{messages:?}"
    );
}

#[test]
fn numbers_range_is_bounded() {
    let rego = "package main\ndeny contains msg if {\n  r := numbers.range(1, 1e9)\n  count(r) > 0\n  msg := \"big\"\n}\nwarn contains msg if {\n  numbers.range(3, 1) == [3, 2, 1]\n  numbers.range_step(1, 10, 4) == [1, 5, 9]\n  msg := \"ranges as OPA\"\n}\n";
    let report = within(60, move || conftest_report(rego, Config::default()));
    let messages = conftest_messages(&report);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("over Stockade's limit of 1000000")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m == "ranges as OPA"),
        "{messages:?}"
    );
}

#[test]
fn long_messages_are_truncated_explicitly() {
    let rego = "package main\ndeny contains msg if {\n  a := concat(\"\", [\"x\" | some _ in numbers.range(1, 100000)])\n  msg := a\n}\n";
    let report = within(60, move || conftest_report(rego, Config::default()));
    let messages = conftest_messages(&report);
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert!(m.ends_with("… (truncated)"), "{}", m.len());
    assert_eq!(m.len(), 4096 + "… (truncated)".len());
}

// ---------------------------------------------------------------------------
// 23. Builtins regorus lacks
// ---------------------------------------------------------------------------

#[test]
fn a_missing_builtin_is_a_located_error_when_the_policy_loads() {
    let rego = "package main\ndeny contains msg if {\n  time.now_ns() > 0\n  msg := \"t\"\n}\n";
    let errors = conftest_errors(rego);
    let (e, at) = only_policy_error(&errors);
    assert_eq!(at, (3, 3), "{e:?}");
    assert!(
        e.message.contains("undefined function time.now_ns"),
        "{e:?}"
    );
}

// ---------------------------------------------------------------------------
// Kyverno
// ---------------------------------------------------------------------------

fn kyverno_engine(policy: &str) -> Engine {
    let (policies, errors) = stockade::kyverno::Policies::from_texts([("policy.yaml", policy)]);
    assert!(errors.is_empty(), "{errors:?}");
    // Thousands of containers give tens of thousands of built-in findings: keep
    // them all, so that the policy's finding (on the last container) is kept.
    let mut config = Config::default();
    config.limits.max_findings = 1_000_000;
    Engine::new(config).with_kyverno(policies)
}

#[test]
fn a_manifest_cannot_make_a_message_substitute_itself() {
    let policy = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: echo\nspec:\n  rules:\n  - name: echo\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    validate:\n      message: \"annotation is {{ request.object.metadata.annotations.a }}\"\n      deny:\n        conditions:\n          any:\n          - key: \"{{ request.object.metadata.annotations.a }}\"\n            operator: NotEquals\n            value: never\n";
    let a =
        "{{ request.object.metadata.annotations.a }}{{ request.object.metadata.annotations.a }}";
    let pod = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: \"{a}\"\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
    let engine = kyverno_engine(policy);
    let report = within(60, move || engine.scan(&pod, Some("pod.yaml"), None));
    let messages: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "echo/echo")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{:#?}", report.findings);
    assert!(
        messages[0].contains(&format!("annotation is {a}")),
        "{messages:?}"
    );
}

#[test]
fn foreach_over_thousands_of_containers_finishes() {
    let policy = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: fe\nspec:\n  rules:\n  - name: fe\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    validate:\n      message: \"no latest\"\n      foreach:\n      - list: request.object.spec.containers\n        deny:\n          conditions:\n            any:\n            - key: \"{{ element.image }}\"\n              operator: Equals\n              value: \"*:latest\"\n";
    let mut pod =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n");
    for i in 0..4000 {
        let _ = write!(pod, "  - name: c{i}\n    image: nginx:1.{i}\n");
    }
    pod.push_str("  - name: last\n    image: nginx:latest\n");
    let engine = kyverno_engine(policy);
    // 96 s before (quadratic); linear now.
    let report = within(60, move || engine.scan(&pod, Some("pod.yaml"), None));
    let fe: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "fe/fe")
        .collect();
    assert_eq!(fe.len(), 1, "{fe:#?}");
}
