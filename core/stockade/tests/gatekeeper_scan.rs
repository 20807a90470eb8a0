//! Gatekeeper constraints and conftest policies applied by a scan, through the
//! public API: findings (rule = constraint, severity = enforcement action,
//! message, location = metadata.name), inventory, namespaceSelector auto-reject,
//! conftest over Kubernetes documents and Dockerfiles.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use stockade::rego::{Inventory, Policies};
use stockade::{Config, Engine, Kind, Severity};

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rego")
            .join(rel),
    )
    .unwrap()
}

fn policies() -> Policies {
    let mut p = Policies::new();
    for f in ["policy/requiredteam.yaml", "policy/uniquename.yaml"] {
        p.add_text(f, &fixture(f));
    }
    assert!(p.errors().is_empty(), "{:?}", p.errors());
    p
}

#[test]
fn constraints_apply_to_scanned_objects() {
    let manifests = fixture("manifests.yaml");
    let inventory = Inventory::from_texts([manifests.as_str()]);
    let engine = Engine::new(Config::default()).with_policies(&policies(), inventory);
    let report = engine.scan(&manifests, Some("manifests.yaml"), Some(Kind::Kubernetes));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let got: Vec<(String, Severity, String, u32)> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("K8s"))
        .map(|f| {
            (
                f.rule.clone(),
                f.severity,
                f.message.clone(),
                f.start.line.get(),
            )
        })
        .collect();
    let want = [
        ("K8sRequiredTeam/pods-need-team", Severity::High, "Pod web has no team label", 11),
        ("K8sUniqueAppName/unique-app", Severity::Info, "app web is also used by Pod shop/web-copy", 11),
        ("K8sUniqueAppName/unique-app", Severity::Info, "app web is also used by Pod shop/web", 31),
        (
            "K8sRequiredTeam/pods-need-team",
            Severity::High,
            "unable to match constraints: namespace selector for namespace-scoped object but missing Namespace `unknown`",
            52,
        ),
        ("K8sRequiredTeam/deployments-should-have-owner", Severity::Medium, "Deployment api has no owner label", 70),
    ];
    let want: Vec<(String, Severity, String, u32)> = want
        .iter()
        .map(|(r, s, m, l)| (r.to_string(), *s, m.to_string(), *l))
        .collect();
    assert_eq!(got, want);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "K8sRequiredTeam/pods-need-team")
        .unwrap();
    assert_eq!(f.title, "Team label required");
    assert_eq!(f.object.as_deref(), Some("Pod/shop/web"));
    assert_eq!(f.pointer.as_deref(), Some("/metadata/name"));
}

#[test]
fn without_the_inventory_referential_templates_see_nothing() {
    let manifests = fixture("manifests.yaml");
    let engine = Engine::new(Config::default()).with_policies(&policies(), Inventory::new());
    let report = engine.scan(&manifests, Some("manifests.yaml"), Some(Kind::Kubernetes));
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule.starts_with("K8sUniqueAppName")));
    // No Namespace objects known either: both pods are auto-rejected.
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|f| f.message.starts_with("unable to match constraints"))
            .count(),
        3
    );
}

#[test]
fn policy_errors_are_located() {
    let mut p = Policies::new();
    let bad = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8sbad\nspec:\n  crd:\n    spec:\n      names:\n        kind: K8sBad\n  targets:\n  - target: admission.k8s.gatekeeper.sh\n    rego: |\n      package k8sbad\n      deny[m] { m := data.secret.x }\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sMissing\nmetadata:\n  name: orphan\n";
    p.add_text("bad.yaml", bad);
    let errors = p.errors();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].message.contains("disallowed data reference"),
        "{errors:?}"
    );
    assert_eq!(errors[0].start.unwrap().line.get(), 14);
    assert!(errors[1]
        .message
        .contains("missing required rules: [violation]"));
    assert!(errors[2]
        .message
        .contains("no ConstraintTemplate defines kind K8sMissing"));
}

#[test]
fn conftest_policies_over_kubernetes_and_dockerfiles() {
    let mut p = Policies::new();
    p.add_rego("conftest/main.rego", &fixture("conftest/main.rego"));
    p.add_rego("conftest/legacy.rego", &fixture("conftest/legacy.rego"));
    assert!(p.errors().is_empty(), "{:?}", p.errors());
    let engine = Engine::new(Config::default()).with_policies(&p, Inventory::new());

    let df = "FROM alpine:3.20 AS build\nRUN true\nFROM node:latest\nCMD [\"node\"]\n";
    let report = engine.scan(df, Some("Dockerfile"), Some(Kind::Dockerfile));
    let got: Vec<(&str, Severity, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("main."))
        .map(|f| (f.rule.as_str(), f.severity, f.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "main.deny",
                Severity::High,
                "stage 1 uses a :latest base image (node:latest)"
            ),
            ("main.warn_no_user", Severity::Medium, "no USER instruction"),
        ]
    );

    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext:\n      privileged: true\n";
    let report = engine.scan(pod, Some("pod.yaml"), Some(Kind::Kubernetes));
    let mut got: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("main."))
        .map(|f| (f.rule.as_str(), f.message.as_str()))
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        [
            ("main.deny_privileged", "container c is privileged"),
            ("main.violation", "pod p has no team label")
        ]
    );
}

#[test]
fn dockerfile_input_has_conftest_shape() {
    let text = "FROM golang:1.22 AS build\nCOPY --from=x /a /b\nONBUILD RUN make\nFROM scratch\n";
    let parsed = stockade::dockerfile::parser::parse(text);
    let input = stockade::dockerfile::conftest::input(&parsed.dockerfile, text);
    assert_eq!(input[0]["Cmd"], "from");
    assert_eq!(
        input[0]["Value"],
        serde_json::json!(["golang:1.22", "AS", "build"])
    );
    assert_eq!(input[1]["Flags"], serde_json::json!(["--from=x"]));
    assert_eq!(input[2]["SubCmd"], "run");
    assert_eq!(input[2]["Value"], serde_json::json!(["make"]));
    assert_eq!(input[3]["Stage"], 1);
    assert_eq!(input[1]["Original"], "COPY --from=x /a /b");
}

#[test]
fn admission_reviews_in_a_scan_are_unwrapped() {
    let manifests = fixture("manifests.yaml");
    let engine = Engine::new(Config::default())
        .with_policies(&policies(), Inventory::from_texts([manifests.as_str()]));
    let review = "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  operation: DELETE\n  kind: {group: \"\", version: v1, kind: Pod}\n  namespace: shop\n  oldObject:\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: gone, namespace: shop}\n";
    let report = engine.scan(review, Some("review.yaml"), Some(Kind::Kubernetes));
    let msgs: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("K8s"))
        .map(|f| f.message.as_str())
        .collect();
    // On DELETE the object is the oldObject; its Namespace (env: prod) is known.
    assert_eq!(msgs, ["Pod gone has no team label"]);
    let bad = "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  bogus: 1\n  object: {kind: Pod}\n";
    let report = engine.scan(bad, Some("bad.yaml"), Some(Kind::Kubernetes));
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.message.contains("unknown field `request.bogus`")),
        "{:?}",
        report.errors
    );
}
