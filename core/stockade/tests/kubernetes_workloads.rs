//! Pods inside custom resources (issue 10): known operators' kinds, the generic
//! shape, and `pod-templates` in `stockade.yaml`; arbitrary custom resources are
//! not mistaken for pods.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use stockade::{Config, Engine, Report};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kubernetes/workloads")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn scan(config: Config, name: &str) -> Report {
    Engine::new(config).scan(&fixture(name), Some(name), None)
}

/// `(object, pointer)` of every PSS001 (privileged) and PSS002 (host namespaces) finding.
fn pod_findings(report: &Report) -> Vec<(String, String)> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == "PSS001" || f.rule == "PSS002")
        .map(|f| (f.object.clone().unwrap(), f.pointer.clone().unwrap()))
        .collect()
}

fn skipped_kinds(report: &Report) -> Vec<String> {
    report
        .summary
        .skipped
        .iter()
        .map(|s| s.kind.clone())
        .collect()
}

#[test]
fn known_operator_kinds_are_checked_at_their_real_paths() {
    let report = scan(Config::default(), "known.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        skipped_kinds(&report).is_empty(),
        "{:?}",
        report.summary.skipped
    );
    let found = pod_findings(&report);
    let want = [
        ("RayCluster/ml/raycluster", "/spec/headGroupSpec/template/spec/containers/0/securityContext/privileged"),
        ("RayCluster/ml/raycluster", "/spec/workerGroupSpecs/0/template/spec/containers/0/securityContext/privileged"),
        ("JobSet/ml/train", "/spec/replicatedJobs/0/template/spec/template/spec/hostNetwork"),
        ("LeaderWorkerSet/ml/vllm", "/spec/leaderWorkerTemplate/leaderTemplate/spec/containers/0/securityContext/privileged"),
        ("LeaderWorkerSet/ml/vllm", "/spec/leaderWorkerTemplate/workerTemplate/spec/containers/0/securityContext/privileged"),
        ("Rollout/shop/web", "/spec/template/spec/containers/0/securityContext/privileged"),
        ("Service/shop/hello", "/spec/template/spec/containers/0/securityContext/privileged"),
    ];
    for (object, pointer) in want {
        assert!(
            found.iter().any(|(o, p)| o == object && p == pointer),
            "missing {object} {pointer} in {found:#?}"
        );
    }
    // The hardening rules see them too (readOnlyRootFilesystem unset, per container).
    let writable = report
        .findings
        .iter()
        .filter(|f| f.rule == "K8S001")
        .count();
    assert_eq!(writable, 7);
}

#[test]
fn generic_shape_finds_unknown_workloads_and_nothing_else() {
    let report = scan(Config::default(), "generic.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        pod_findings(&report),
        [(
            "Runner/ci/build".to_string(),
            "/spec/stages/0/podTemplate/spec/containers/0/securityContext/privileged".to_string()
        )]
    );
    assert_eq!(
        skipped_kinds(&report),
        ["VirtualService", "Widget", "Prometheus"]
    );
    assert!(report
        .findings
        .iter()
        .all(|f| f.object.as_deref() == Some("Runner/ci/build")));
}

#[test]
fn configured_pod_template_paths() {
    // Without configuration, `spec.runner.pod` is not a template key: skipped.
    let report = scan(Config::default(), "configured.yaml");
    assert_eq!(skipped_kinds(&report), ["Pipeline"]);
    let config = Config::from_yaml(
        "pod-templates:\n  - kind: Pipeline\n    api-group: example.com\n    paths: [spec.runner.pod]\n",
        "stockade.yaml",
    )
    .unwrap();
    let report = scan(config, "configured.yaml");
    assert!(skipped_kinds(&report).is_empty());
    assert_eq!(
        pod_findings(&report),
        [(
            "Pipeline/ci/nightly".to_string(),
            "/spec/runner/pod/spec/containers/0/securityContext/privileged".to_string()
        )]
    );
    // Another group: the configuration does not apply.
    let config = Config::from_yaml(
        "pod-templates:\n  - kind: Pipeline\n    api-group: other.io\n    paths: [spec.runner.pod]\n",
        "stockade.yaml",
    )
    .unwrap();
    assert_eq!(
        skipped_kinds(&scan(config, "configured.yaml")),
        ["Pipeline"]
    );
}

#[test]
fn bad_pod_template_configuration_is_located() {
    let text = "pod-templates:\n  - kind: Pipeline\n    paths: [\"spec..x\", 3]\n    colour: red\n  - paths: [spec.x]\n";
    let problems = Config::from_yaml(text, "stockade.yaml").unwrap_err();
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(problems.len(), 4, "{messages:#?}");
    assert!(
        messages[0].contains("invalid pod-template path"),
        "{messages:?}"
    );
    assert!(messages[1].contains("must be a string"), "{messages:?}");
    assert!(messages[2].contains("unknown key `colour`"), "{messages:?}");
    assert!(messages[3].contains("needs a `kind`"), "{messages:?}");
}

/// Documents with `apiVersion` and `kind` that are not Kubernetes objects
/// (Istio's release notes) are said to be so; a lower-case kind of a real API
/// group (Zalando's `postgresql`) is an object.
#[test]
fn non_kubernetes_api_groups_are_not_objects() {
    let text = "apiVersion: release-notes/v2\nkind: feature\narea: traffic-management\n---\napiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {name: db}\n";
    let report = Engine::default().scan(text, Some("notes.yaml"), None);
    let skipped: Vec<(&str, &str)> = report
        .summary
        .skipped
        .iter()
        .map(|s| (s.kind.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0].0, "not a Kubernetes object");
    assert!(skipped[0].1.contains("release-notes/v2"));
    assert_eq!(
        skipped[1],
        ("postgresql", "postgresql/db has no pod spec to check")
    );
}
