//! Kyverno policies applied during scans, and the `kyverno test` runner, on
//! Stockade's own fixtures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use stockade::kyverno::{run_test, Policies};
use stockade::{Engine, ErrorKind, Kind, Severity};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kyverno")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

fn engine() -> Engine {
    let text = read("policies.yaml");
    let (policies, errors) = Policies::from_texts([("policies.yaml", text.as_str())]);
    // The configMap rule is reported once, when the policies are read.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(policies.policies.len(), 3);
    Engine::default().with_kyverno(policies)
}

#[test]
fn failing_rules_are_findings_at_the_offending_node() {
    let text = read("manifests.yaml");
    let report = engine().scan(&text, Some("manifests.yaml"), Some(Kind::Kubernetes));
    let pod = report
        .findings
        .iter()
        .find(|f| f.rule == "no-latest/tagged-image")
        .expect("pod finding");
    assert_eq!(pod.severity, Severity::High, "Enforce maps to high");
    assert_eq!(
        pod.message,
        "validation error: Image web must be pinned. rule tagged-image failed at path /spec/containers/0/image/"
    );
    assert_eq!(pod.pointer.as_deref(), Some("/spec/containers/0/image"));
    let start = pod.start.offset as usize;
    let end = pod.end.offset as usize;
    assert_eq!(&text[start..end], "nginx:latest");
    assert!(pod.aliases.is_empty());

    // The auto-generated rule checks the Deployment's pod template.
    let deploy = report
        .findings
        .iter()
        .find(|f| f.rule == "no-latest/autogen-tagged-image")
        .expect("autogen finding");
    assert_eq!(
        deploy.pointer.as_deref(),
        Some("/spec/template/spec/containers/0/image")
    );
    assert_eq!(
        &text[deploy.start.offset as usize..deploy.end.offset as usize],
        "api:latest"
    );

    // Deny rule with the severity annotation.
    let team = report
        .findings
        .iter()
        .find(|f| f.rule == "team-label/has-team")
        .expect("deny finding");
    assert_eq!(team.severity, Severity::Low);
    assert_eq!(team.message, "A team label is required.");
}

#[test]
fn rules_outside_the_offline_subset_are_reported_unsupported() {
    let text = read("policies.yaml");
    let (_, errors) = Policies::from_texts([("policies.yaml", text.as_str())]);
    let [error] = errors.as_slice() else {
        panic!("{errors:?}")
    };
    assert_eq!(error.problem.kind, ErrorKind::Unsupported);
    assert!(error.problem.message.contains("context configMap `cm`"));
    assert!(error.problem.message.contains("needs-cluster rule lookup"));
    // Located at the rule's name in the policy file.
    let at = error.problem.span.start as usize;
    assert!(text[at..].starts_with("lookup"), "{}", &text[at..at + 10]);
    // Scans skip the rule instead of reporting it once per object.
    let manifests = read("manifests.yaml");
    let report = engine().scan(&manifests, Some("manifests.yaml"), Some(Kind::Kubernetes));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule.starts_with("needs-cluster/")));
}

#[test]
fn unknown_functions_are_unsupported() {
    let text = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: t\nspec:\n  rules:\n  - name: window\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    validate:\n      deny:\n        conditions:\n          any:\n          - key: \"{{ time_before(time_now_utc(), '2030-01-01T00:00:00Z') }}\"\n            operator: Equals\n            value: true\n";
    let (_, errors) = Policies::from_texts([("t.yaml", text)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .problem
            .message
            .contains("`time_before`, `time_now_utc`"),
        "{}",
        errors[0].problem.message
    );
}

#[test]
fn suppression_comments_name_dynamic_rules() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:latest # stockade ignore=no-latest/tagged-image\n";
    let report = engine().scan(text, Some("pod.yaml"), Some(Kind::Kubernetes));
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule == "no-latest/tagged-image"));
    assert!(report
        .suppressed
        .iter()
        .any(|f| f.rule == "no-latest/tagged-image"));
}

#[test]
fn policy_errors_are_located() {
    let text =
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: broken\nspec: {}\n";
    let (policies, errors) = Policies::from_texts([("p.yaml", text)]);
    assert!(policies.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].problem.message.contains("spec.rules"));
}

#[test]
fn kyverno_test_runner_on_fixture_suite() {
    let run = run_test(&fixture("suite/kyverno-test.yaml"));
    assert!(run.error.is_none(), "{:?}", run.error);
    for row in &run.rows {
        assert!(row.ok, "{row:?}");
    }
    assert!(run.passed());
    assert_eq!(run.entries, 6);
    assert_eq!(run.entries_passed(), 6);
    let deploy = run
        .rows
        .iter()
        .find(|r| r.resource == "big-deploy")
        .unwrap();
    assert_eq!(deploy.actual, "fail");
    let deleted = run.rows.iter().find(|r| r.resource == "deleted").unwrap();
    assert_eq!(deleted.actual, "skip");
}

#[test]
fn kyverno_test_reports_wrong_expectations() {
    let dir = std::env::temp_dir().join(format!("stockade-kyverno-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture("suite/policy.yaml"), dir.join("policy.yaml")).unwrap();
    std::fs::copy(fixture("suite/resources.yaml"), dir.join("resources.yaml")).unwrap();
    std::fs::write(
        dir.join("kyverno-test.yaml"),
        "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: [policy.yaml]\nresources: [resources.yaml]\nresults:\n- policy: require-limits\n  rule: memory-limit\n  resources: [small, nosuch]\n  kind: Pod\n  result: fail\n",
    )
    .unwrap();
    let run = run_test(&dir.join("kyverno-test.yaml"));
    std::fs::remove_dir_all(&dir).ok();
    assert!(!run.passed());
    let small = run.rows.iter().find(|r| r.resource == "small").unwrap();
    assert_eq!((small.actual.as_str(), small.ok), ("pass", false));
    // As the CLI, a name that matches nothing is ignored.
    assert!(!run.rows.iter().any(|r| r.resource == "nosuch"));
}

#[test]
fn compiled_policies_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policies>();
    assert_send_sync::<Engine>();
    let engine = engine();
    let text = read("manifests.yaml");
    let counts: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    engine
                        .scan(&text, Some("m.yaml"), Some(Kind::Kubernetes))
                        .findings
                        .len()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(counts[0], counts[1]);
}

#[test]
fn kyverno_test_runs_from_memory() {
    use std::collections::HashMap;
    use std::path::Path;
    let files: HashMap<PathBuf, String> = [
        "kyverno-test.yaml",
        "policy.yaml",
        "resources.yaml",
        "values.yaml",
    ]
    .iter()
    .map(|f| (Path::new("mem").join(f), read(&format!("suite/{f}"))))
    .collect();
    let load = |p: &Path| {
        files
            .get(p)
            .cloned()
            .ok_or_else(|| format!("no file {}", p.display()))
    };
    let run = stockade::kyverno::run_test_with(Path::new("mem/kyverno-test.yaml"), &load);
    assert!(run.passed(), "{run:?}");
    assert_eq!(run.rows.len(), 6);
    // A missing file stops the test, every entry failing.
    let missing = |p: &Path| {
        if p.ends_with("values.yaml") {
            Err("gone".to_string())
        } else {
            load(p)
        }
    };
    let run = stockade::kyverno::run_test_with(Path::new("mem/kyverno-test.yaml"), &missing);
    assert_eq!(run.error.as_deref(), Some("gone"));
    assert_eq!(run.entries_passed(), 0);
}
