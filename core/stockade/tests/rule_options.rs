//! Rule options as a Rust user builds them: each options struct's `new` compiles
//! the options (as reading `stockade.yaml` does), `Config::with_rule_options`
//! hands them to the rule, and `registries` means the same in the Dockerfile and
//! Kubernetes packs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use stockade::dockerfile::rules::{allowed_images, allowed_registries};
use stockade::kubernetes::hardening::{default_namespace, image_registries};
use stockade::{Config, Engine, Kind, Report};

fn findings(report: &Report, rule: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            format!(
                "{}:{}-{}:{} {}",
                f.start.line, f.start.column, f.end.line, f.end.column, f.message
            )
        })
        .collect()
}

const DOCKERFILE: &str = "\
FROM quay.io/org/tool:1.0
FROM node:22
FROM registry.example.com/base:1
FROM mirror.example.com/library/node:22
";

#[test]
fn df0003_options_built_in_code_scan_like_the_same_options_from_yaml() {
    let options =
        allowed_registries::Options::new(["registry.example.com", "*.example.com"]).unwrap();
    let in_code = Engine::new(Config::default().with_rule_options("DF0003", options));
    let from_yaml = Engine::new(
        Config::from_yaml(
            "rules:\n  DF0003:\n    options:\n      registries: [registry.example.com, \"*.example.com\"]\n",
            "stockade.yaml",
        )
        .unwrap(),
    );
    let report = in_code.scan(DOCKERFILE, Some("Dockerfile"), Some(Kind::Dockerfile));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let got = findings(&report, "DF0003");
    assert_eq!(
        got,
        [
            "1:6-1:13 base image `quay.io/org/tool:1.0` comes from registry `quay.io`, which is not allowed",
            "2:6-2:13 base image `node:22` comes from registry `docker.io`, which is not allowed",
        ]
    );
    let report = from_yaml.scan(DOCKERFILE, Some("Dockerfile"), Some(Kind::Dockerfile));
    assert_eq!(findings(&report, "DF0003"), got);
}

#[test]
fn an_invalid_pattern_built_in_code_is_an_error_naming_it() {
    let err = allowed_registries::Options::new(["docker.io", "docker.io/[unclosed"]).unwrap_err();
    assert_eq!(err.index, Some(1));
    assert_eq!(err.pattern.as_deref(), Some("docker.io/[unclosed"));
    assert!(
        err.to_string()
            .starts_with("invalid glob pattern `docker.io/[unclosed` (item 1)"),
        "{err}"
    );
    assert!(allowed_images::Options::new(["a{b"]).is_err());
    assert!(image_registries::Options::new(["*.gcr.io", "["]).is_err());
}

#[test]
fn registries_mean_the_same_in_dockerfiles_and_pods() {
    // Host patterns and repository patterns, in one list, for both packs.
    let patterns = ["*.example.com", "docker.io/library/*"];
    let config = Config::default()
        .with_rule_options(
            "DF0003",
            allowed_registries::Options::new(patterns).unwrap(),
        )
        .with_rule_options("K8S008", image_registries::Options::new(patterns).unwrap());
    let engine = Engine::new(config);
    let images = [
        ("registry.example.com/org/tool:1.0", true),
        ("nginx:1.27", true),
        ("docker.io/library/redis:7", true),
        ("someone/nginx:1.27", false),
        ("quay.io/org/tool:1.0", false),
        ("example.com.evil.io/x:1", false),
    ];
    for (image, allowed) in images {
        let dockerfile = format!("FROM {image}\n");
        let df = engine.scan(&dockerfile, Some("Dockerfile"), Some(Kind::Dockerfile));
        let pod = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: shop}}\nspec:\n  containers: [{{name: c, image: '{image}'}}]\n"
        );
        let k8s = engine.scan(&pod, Some("pod.yaml"), Some(Kind::Kubernetes));
        assert_eq!(
            findings(&df, "DF0003").is_empty(),
            allowed,
            "DF0003 on {image}"
        );
        assert_eq!(
            findings(&k8s, "K8S008").is_empty(),
            allowed,
            "K8S008 on {image}"
        );
    }
}

#[test]
fn k8s011_options_built_in_code() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: 'nginx:1.27'}]\n";
    let off = Engine::new(Config::default());
    assert!(findings(
        &off.scan(pod, Some("pod.yaml"), Some(Kind::Kubernetes)),
        "K8S011"
    )
    .is_empty());
    let on = Engine::new(
        Config::default().with_rule_options("K8S011", default_namespace::Options::new(true)),
    );
    assert_eq!(
        findings(
            &on.scan(pod, Some("pod.yaml"), Some(Kind::Kubernetes)),
            "K8S011"
        )
        .len(),
        1
    );
}
