//! Content detection of unnamed text (`stockade::detect_text_kind`).
#![allow(clippy::unwrap_used)]

use stockade::{detect_text_kind, TextKind};

fn kind(text: &str) -> Option<TextKind> {
    detect_text_kind(None, text)
}

#[test]
fn dockerfiles_start_with_from_or_arg_after_comments_and_directives() {
    assert_eq!(
        kind("FROM node:latest\nUSER root\n"),
        Some(TextKind::Dockerfile)
    );
    assert_eq!(
        kind("# syntax=docker/dockerfile:1\n\n# base\narg BASE=alpine\nFROM $BASE\n"),
        Some(TextKind::Dockerfile)
    );
    assert_eq!(kind("FROM"), None);
}

#[test]
fn manifests_yaml_and_json() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - name: c\n      env:\n        - valueFrom:\n            fieldRef:\n              apiVersion: v1\n";
    assert_eq!(kind(pod), Some(TextKind::Kubernetes));
    assert_eq!(
        kind("{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\"}"),
        Some(TextKind::Kubernetes)
    );
    // A document without `kind` is not a manifest.
    assert_eq!(kind("apiVersion: v1\nmetadata: {}\n"), None);
}

#[test]
fn policies_gatekeeper_kyverno_and_rego() {
    let gatekeeper = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: t\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: T\n";
    assert_eq!(kind(gatekeeper), Some(TextKind::Policy));
    // A generate rule's nested resource is not a top-level apiVersion.
    let kyverno = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nspec:\n  rules:\n    - generate:\n        apiVersion: v1\n        kind: ConfigMap\n";
    assert_eq!(kind(kyverno), Some(TextKind::Policy));
    assert_eq!(
        kind("# deny\npackage main\n\ndeny[msg] { false }\n"),
        Some(TextKind::Policy)
    );
    // Policies next to resources: manifests (the resources are what a scan checks).
    let mixed = format!("{gatekeeper}---\napiVersion: v1\nkind: Pod\n");
    assert_eq!(kind(&mixed), Some(TextKind::Kubernetes));
}

#[test]
fn names_come_first_and_nothing_is_guessed() {
    assert_eq!(
        detect_text_kind(Some("Dockerfile"), "apiVersion: v1\nkind: Pod\n"),
        Some(TextKind::Dockerfile)
    );
    assert_eq!(
        detect_text_kind(
            Some("policy.yaml"),
            "apiVersion: kyverno.io/v1\nkind: Policy\n"
        ),
        Some(TextKind::Policy)
    );
    assert_eq!(
        detect_text_kind(Some("x.yaml"), "hello: world\n"),
        Some(TextKind::Kubernetes)
    );
    assert_eq!(kind(""), None);
    assert_eq!(kind("hello world\n"), None);
    assert_eq!(TextKind::Policy.as_str(), "policy");
}
