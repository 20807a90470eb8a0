//! The one-call helpers the language bindings use: `Engine::with_policy_texts`
//! (Gatekeeper, conftest and Kyverno policies given as texts), gator suites and
//! Kyverno tests over files held in memory.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::type_complexity
)]

use std::collections::BTreeMap;
use std::path::Path;

use stockade::{Engine, ErrorKind};

fn read(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(rel),
    )
    .unwrap()
}

fn folder(rel: &str, prefix: &str) -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                format!("{prefix}/{}", e.file_name().to_string_lossy()),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn gatekeeper_and_kyverno_policies_from_texts_give_findings() {
    let template = read("core/stockade/tests/fixtures/rego/suite/template.yaml");
    let constraint = read("core/stockade/tests/fixtures/rego/suite/constraint.yaml");
    let namespace = read("core/stockade/tests/fixtures/rego/suite/namespace-prod.yaml");
    let kyverno = read("testdata/bindings/kyverno-policy.yaml");
    let engine = Engine::default()
        .with_policy_texts(
            &[
                ("template.yaml", &template),
                ("constraint.yaml", &constraint),
                ("kyverno.yaml", &kyverno),
            ],
            &[("namespace.yaml", &namespace)],
        )
        .unwrap();
    let pod = read("core/stockade/tests/fixtures/rego/suite/pod-without-team.yaml");
    let report = engine.scan(&pod, Some("pod.yaml"), None);
    let mut rules: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .filter(|r| r.contains('/'))
        .collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        ["K8sRequiredTeam/pods-need-team", "require-team/check-team"]
    );
}

#[test]
fn rego_syntax_errors_are_positioned_policy_errors() {
    let bad = read("testdata/bindings/bad-template.yaml");
    let errors = Engine::default()
        .with_policy_texts(&[("bad.yaml", &bad)], &[])
        .unwrap_err();
    let first = &errors[0];
    assert_eq!(first.kind, ErrorKind::Policy);
    assert_eq!(first.path, "bad.yaml");
    assert_eq!(first.start.unwrap().line.get(), 16);

    let module = read("testdata/bindings/bad.rego");
    let errors = Engine::default()
        .with_policy_texts(&[("bad.rego", &module)], &[])
        .unwrap_err();
    assert_eq!(errors[0].kind, ErrorKind::Policy);
    // The module is Rego v1 (`contains`, `if` without a v0 import): the error
    // is the v1 parser's, at the literal left open (line 4), not what a v0
    // re-read says of its `{` (3:22), which also printed regorus' warning on
    // standard error.
    let start = errors[0].start.expect("positioned");
    assert_eq!((start.line.get(), start.column.get()), (4, 7), "{errors:?}");
    assert!(errors[0].message.contains("expecting `}`"), "{errors:?}");
}

#[test]
fn gator_suite_from_memory_matches_the_file_system() {
    let files = folder("core/stockade/tests/fixtures/rego/suite", "suite");
    let memory = stockade::rego::verify_suite_texts("suite/suite.yaml", &files).unwrap();
    let disk = stockade::rego::verify_suite_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rego/suite/suite.yaml"),
    )
    .unwrap();
    let outcome =
        |s: &stockade::rego::SuiteResult| -> Vec<(String, Vec<(String, Option<String>)>)> {
            s.tests
                .iter()
                .map(|t| {
                    let cases = t
                        .cases
                        .iter()
                        .map(|c| (c.name.clone(), c.error.clone()))
                        .collect();
                    (t.name.clone(), cases)
                })
                .collect()
        };
    assert_eq!(outcome(&memory), outcome(&disk));
    let v = stockade::rego::Verification::new(vec![memory], false);
    assert!(v.ok);
    assert_eq!(v.passed, v.total);
    assert_eq!(v.total, disk.case_counts().1);
    assert!(v.text.ends_with("PASS\n"));
    let missing = stockade::rego::verify_suite_texts("nowhere.yaml", &files).unwrap();
    assert!(missing.error.unwrap().contains("no such file"));
}

#[test]
fn kyverno_test_from_memory() {
    let files = folder("core/stockade/tests/fixtures/kyverno/suite", "k");
    let run = stockade::kyverno::run_test_texts("k/kyverno-test.yaml", &files);
    assert_eq!(run.error, None);
    assert!(run.passed());
    assert_eq!(run.name, "require-limits");
}

/// Issue 10, defect 11: Kyverno rules outside the offline subset (mutate,
/// generate, `validate.cel`) and CEL-based policy kinds are said once in the
/// summary, not errors; the supported rules still run.
#[test]
fn unsupported_kyverno_rules_are_notices_not_errors() {
    let policy = r#"apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: mixed
spec:
  rules:
    - name: add-label
      match: {any: [{resources: {kinds: [Pod]}}]}
      mutate:
        patchStrategicMerge:
          metadata:
            labels: {team: x}
    - name: cel-check
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        cel:
          expressions:
            - expression: "object.metadata.name != 'x'"
    - name: need-team
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "team label required"
        pattern:
          metadata:
            labels:
              team: "?*"
---
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: cel-only
spec:
  validations:
    - expression: "true"
"#;
    let engine = Engine::default()
        .with_policy_texts(&[("kyverno.yaml", policy)], &[])
        .unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx:1}]\n";
    let report = engine.scan(pod, Some("pod.yaml"), None);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.findings.iter().any(|f| f.rule == "mixed/need-team"));
    let notices = &report.summary.notices;
    assert_eq!(notices.len(), 3, "{notices:#?}");
    assert!(notices
        .iter()
        .any(|n| n.contains("add-label") && n.contains("mutate")));
    assert!(notices
        .iter()
        .any(|n| n.contains("cel-check") && n.contains("validate.cel")));
    assert!(notices.iter().any(|n| n.contains("ValidatingPolicy")));
    assert!(notices.iter().all(|n| n.starts_with("kyverno.yaml:")));
}
