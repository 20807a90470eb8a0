//! Scanning a whole repository: exclusions and ignore files, files that are not
//! ours skipped with a reason, the summary, and other tools' suppressions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use serde_json::Value;

mod common;
use common::{Run, TempDir};

fn run_in(cwd: &Path, args: &[&str]) -> Run {
    common::run_in(cwd, args, None)
}

/// The paths of the scanned files (the `kinds` count is per document: use the
/// sources of findings and the files count instead), here: every Dockerfile
/// scanned gets DF0001 because it uses `latest`.
fn flagged(report: &Value) -> Vec<String> {
    let mut paths: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// `(path, kind)` of every skipped entry.
fn skipped(report: &Value) -> Vec<(String, String)> {
    report["summary"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const LATEST: &str = "FROM alpine:latest\n";

// ---------------------------------------------------------------- exclusions

#[test]
fn ignore_files_and_exclusions_pass_over_walked_files() {
    let dir = TempDir::new("ignore");
    dir.write(".gitignore", "build/\n*.gen.dockerfile\n");
    dir.write("build/Dockerfile", LATEST);
    dir.write("a.gen.dockerfile", LATEST);
    dir.write("sub/.ignore", "local.dockerfile\n");
    dir.write("sub/local.dockerfile", LATEST);
    dir.write("sub/.stockadeignore", "!kept.dockerfile\nkept.dockerfile\n");
    dir.write("sub/kept.dockerfile", LATEST);
    dir.write("vendor/Dockerfile", LATEST);
    dir.write("target/Dockerfile", LATEST);
    dir.write(".git/Dockerfile", LATEST);
    dir.write("Dockerfile", LATEST);

    let out = run_in(dir.path(), &["scan", "--no-config", "-f", "json"]);
    assert_eq!(
        flagged(&out.json()),
        ["Dockerfile", "vendor/Dockerfile"],
        "{}",
        out.stderr
    );

    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "--exclude", "vendor/"],
    );
    assert_eq!(flagged(&out.json()), ["Dockerfile"]);

    // --no-ignore: the ignore files are not read; target/ is still excluded.
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "--no-ignore"],
    );
    assert_eq!(
        flagged(&out.json()),
        [
            "Dockerfile",
            "a.gen.dockerfile",
            "build/Dockerfile",
            "sub/kept.dockerfile",
            "sub/local.dockerfile",
            "vendor/Dockerfile"
        ]
    );

    // A file named on the command line is scanned, ignored or not.
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "-f",
            "json",
            "build/Dockerfile",
            "--exclude",
            "build",
        ],
    );
    assert_eq!(flagged(&out.json()), ["build/Dockerfile"]);
}

#[test]
fn configuration_exclusions_are_relative_to_its_folder() {
    let dir = TempDir::new("config-exclude");
    dir.write(
        "stockade.yaml",
        "extend-exclude: [/svc/legacy/, '*.old.dockerfile']\n",
    );
    dir.write("svc/legacy/Dockerfile", LATEST);
    dir.write("svc/a.old.dockerfile", LATEST);
    dir.write("svc/Dockerfile", LATEST);
    dir.write("target/Dockerfile", LATEST);
    let out = run_in(&dir.path().join("svc"), &["scan", "-f", "json", "."]);
    assert_eq!(flagged(&out.json()), ["Dockerfile"], "{}", out.stderr);

    // `exclude` replaces the defaults: target/ is walked again.
    dir.write("stockade.yaml", "exclude: [svc/]\n");
    let out = run_in(dir.path(), &["scan", "-f", "json"]);
    assert_eq!(flagged(&out.json()), ["target/Dockerfile"]);
}

#[test]
fn bad_exclusion_patterns_are_errors() {
    let dir = TempDir::new("bad-exclude");
    dir.write("stockade.yaml", "exclude:\n  - 'a/[b'\n");
    let out = run_in(dir.path(), &["scan"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("stockade.yaml:2:5"), "{}", out.stderr);
    assert!(
        out.stderr.contains("invalid pattern `a/[b`"),
        "{}",
        out.stderr
    );
    let out = run_in(dir.path(), &["scan", "--no-config", "--exclude", "x[y"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--exclude `x[y`"), "{}", out.stderr);
}

// ---------------------------------------------------------------- not ours

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";

#[test]
fn yaml_that_is_not_kubernetes_and_does_not_parse_is_skipped() {
    let dir = TempDir::new("not-ours");
    dir.write(
        "ansible/site.yml",
        "- hosts: all\n  vars:\n    x: {{ y }}\n  tasks: [\n",
    );
    dir.write("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [\n");
    // Kubernetes-shaped with Go-template markers (Istio's test data): a template.
    dir.write(
        "ansible/gateway.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Name }}-gw\n",
    );
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "ansible"],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        skipped(&out.json()),
        [
            ("ansible/gateway.yaml".to_string(), "template".to_string()),
            ("ansible/site.yml".to_string(), "not Kubernetes".to_string())
        ]
    );
    // Named, it is an error; so is a walked file that looks like Kubernetes.
    let out = run_in(dir.path(), &["scan", "--no-config", "ansible/site.yml"]);
    assert_eq!(out.code, 2);
    let out = run_in(dir.path(), &["scan", "--no-config", "-f", "json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("broken.yaml"), "{}", out.stderr);
}

#[test]
fn templates_are_skipped_with_a_reason_charts_rendered_and_kustomizations_built() {
    let dir = TempDir::new("projects");
    dir.write("Dockerfile.template", "FROM {{ base }}\n");
    dir.write("deploy.yaml.j2", "{% if x %}\n");
    dir.write("_helpers.tpl", "{{ define }}\n");
    dir.write(
        "charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    dir.write(
        "charts/web/templates/d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
    );
    dir.write("overlays/prod/kustomization.yaml", "resources: [d.yaml]\n");
    dir.write("overlays/prod/d.yaml", DEPLOYMENT);
    let out = run_in(dir.path(), &["scan", "--no-config", "-f", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    // The chart's one template is rendered and scanned; the kustomization is
    // built and its output scanned as one file (its resource is not scanned on
    // its own). Both Deployments have no pod spec, so they are listed as skipped.
    assert_eq!(report["summary"]["files"], 2, "{report}");
    let mut got = skipped(&report);
    got.sort();
    assert_eq!(
        got,
        [
            ("Dockerfile.template".to_string(), "template".to_string()),
            (
                "charts/web/templates/d.yaml (rendered)".to_string(),
                "Deployment".to_string()
            ),
            ("deploy.yaml.j2".to_string(), "template".to_string()),
            (
                "overlays/prod/kustomization.yaml#build".to_string(),
                "Deployment".to_string()
            ),
        ]
    );
    // `--no-kustomize`: the kustomization's files are scanned one by one.
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "--no-kustomize"],
    );
    assert_eq!(out.json()["summary"]["files"], 3, "{}", out.stdout);
    // Named, a chart folder is rendered too; a broken one is a located error.
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "charts/web"],
    );
    assert_eq!(out.json()["summary"]["files"], 1);
    dir.write(
        "charts/web/templates/e.yaml",
        "{{ .Values.x | required \"x is required\" }}\n",
    );
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "charts/web"],
    );
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("charts/web/templates/e.yaml:1:"),
        "{}",
        out.stderr
    );
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "Dockerfile.template"],
    );
    assert_eq!(out.json()["summary"]["files"], 1);
}

// ---------------------------------------------------------------- summary

#[test]
fn text_summary_counts_skipped_and_verbose_lists_them() {
    let dir = TempDir::new("summary");
    dir.write("Dockerfile.template", "FROM {{ base }}\n");
    dir.write("deploy.yaml.j2", "{% if x %}\n");
    // Built, not skipped: an empty kustomization is one (empty) scanned file.
    dir.write("overlays/prod/kustomization.yaml", "resources: []\n");
    dir.write("Dockerfile", LATEST);
    let out = run_in(dir.path(), &["scan", "--no-config"]);
    assert!(
        out.stdout.contains("\nScanned 2 files (1 document)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\nSkipped 2: 2 template (--verbose lists them)\n"),
        "{}",
        out.stdout
    );
    let out = run_in(dir.path(), &["scan", "--no-config", "-v"]);
    assert!(
        out.stdout
            .contains("\n  skipped Dockerfile.template: a template file"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\n  skipped deploy.yaml.j2: a template file"),
        "{}",
        out.stdout
    );
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let dir = TempDir::new("concise");
    dir.write("Dockerfile", LATEST);
    let out = run_in(dir.path(), &["scan", "--no-config", "--format", "concise"]);
    let line = "Dockerfile:1:13: DF0001 [medium] Base image uses the `latest` tag or no tag";
    assert!(out.stdout.lines().any(|l| l == line), "{}", out.stdout);
    assert!(
        out.stdout.lines().all(|l| !l.starts_with(' ')),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("Scanned 1 file"),
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------- other tools

/// The rule ids of the findings, and of the suppressed findings.
fn ids(report: &Value) -> (Vec<String>, Vec<String>) {
    let get = |key: &str| {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    (get("findings"), get("suppressed"))
}

#[test]
fn unimplemented_foreign_ids_are_notices_not_errors() {
    let dir = TempDir::new("foreign");
    dir.write(
        "Dockerfile",
        "FROM alpine:3.20\n# hadolint ignore=DL3059,SC2086\nRUN echo $X\nUSER 1000\nHEALTHCHECK NONE\n",
    );
    dir.write(
        "stockade.yaml",
        "rules:\n  DL3059: off\n  CKV_K8S_999: off\n",
    );
    let out = run_in(dir.path(), &["scan", "-f", "json", "--exit-code", "1"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    assert!(!ids(&report).0.contains(&"ST0001".to_string()), "{report}");
    let notices: Vec<&str> = report["summary"]["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(notices
        .iter()
        .any(|n| n.starts_with("`DL3059` is a hadolint rule")));
    assert!(notices
        .iter()
        .any(|n| n.starts_with("`SC2086` is a ShellCheck rule")));
    let text = run_in(dir.path(), &["scan"]);
    assert!(
        text.stdout
            .contains("\nnote: `CKV_K8S_999` is a Checkov rule"),
        "{}",
        text.stdout
    );

    // A typo of a Stockade id is still an error, and still ST0001 in a comment.
    dir.write("stockade.yaml", "rules:\n  DF9999: off\n");
    assert_eq!(run_in(dir.path(), &["scan"]).code, 2);
    dir.write("stockade.yaml", "");
    dir.write(
        "Dockerfile",
        "# hadolint ignore=DF9999\nFROM alpine:3.20\nUSER 1000\nHEALTHCHECK NONE\n",
    );
    let out = run_in(dir.path(), &["scan", "-f", "json"]);
    assert_eq!(ids(&out.json()).0, ["ST0001"]);
}

#[test]
fn trivy_and_checkov_comments_suppress_through_aliases() {
    let dir = TempDir::new("foreign-comments");
    dir.write(
        "a/Dockerfile",
        "# trivy:ignore:DS-0001\nFROM alpine:latest\n",
    );
    dir.write(
        "b/Dockerfile",
        "FROM alpine:latest\n# checkov:skip=CKV_DOCKER_7:pinned elsewhere\n",
    );
    let out = run_in(dir.path(), &["scan", "--no-config", "-f", "json"]);
    let (kept, suppressed) = ids(&out.json());
    assert!(!kept.contains(&"DF0001".to_string()), "{kept:?}");
    assert_eq!(suppressed.iter().filter(|r| *r == "DF0001").count(), 2);

    let pod = |extra: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{extra}spec:\n  containers:\n    # trivy:ignore:KSV-0013\n    - name: c\n      image: nginx:latest\n"
        )
    };
    dir.write("k/pod.yaml", pod(""));
    let out = run_in(dir.path(), &["scan", "--no-config", "-f", "json", "k"]);
    let (kept, suppressed) = ids(&out.json());
    assert!(!kept.contains(&"K8S006".to_string()), "{kept:?}");
    assert!(suppressed.contains(&"K8S006".to_string()));
}

#[test]
fn checkov_kube_linter_and_polaris_annotations_suppress_the_object() {
    let dir = TempDir::new("foreign-annotations");
    let pod = |annotations: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n{annotations}spec:\n  containers:\n    - name: c\n      image: nginx:latest\n"
        )
    };
    for (name, annotation) in [
        (
            "checkov",
            "    checkov.io/skip1: CKV_K8S_14=tag pinned by the registry\n",
        ),
        (
            "kube-linter",
            "    ignore-check.kube-linter.io/latest-tag: \"pinned by the registry\"\n",
        ),
        (
            "polaris",
            "    polaris.fairwinds.com/tagNotSpecified-exempt: \"true\"\n",
        ),
    ] {
        dir.write(&format!("{name}.yaml"), pod(annotation));
        let out = run_in(
            dir.path(),
            &["scan", "--no-config", "-f", "json", &format!("{name}.yaml")],
        );
        let (kept, suppressed) = ids(&out.json());
        assert!(!kept.contains(&"K8S006".to_string()), "{name}: {kept:?}");
        assert!(suppressed.contains(&"K8S006".to_string()), "{name}");
    }
    // An exemption for a check Stockade does not implement: a notice.
    dir.write(
        "other.yaml",
        pod("    ignore-check.kube-linter.io/no-anti-affinity: \"x\"\n"),
    );
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-f", "json", "other.yaml"],
    );
    let report = out.json();
    assert!(!ids(&report).0.contains(&"ST0001".to_string()), "{report}");
    assert!(report["summary"]["notices"][0]
        .as_str()
        .unwrap()
        .starts_with("`no-anti-affinity` is a kube-linter rule"));
}

/// Issue 10, defect 11: Kyverno rules outside the offline subset are one notice
/// each, not errors (no exit 2); the supported rules still run.
#[test]
fn unsupported_kyverno_rules_are_notices() {
    let dir = TempDir::new("kyverno-notices");
    dir.write(
        "policy.yaml",
        "apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: mixed}
spec:
  rules:
    - name: add-label
      match: {any: [{resources: {kinds: [Pod]}}]}
      mutate: {patchStrategicMerge: {metadata: {labels: {team: x}}}}
    - name: need-team
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: team label required
        pattern: {metadata: {labels: {team: '?*'}}}
",
    );
    dir.write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx:1.27}]\n",
    );
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "-f",
            "json",
            "--kyverno",
            "policy.yaml",
            "pod.yaml",
        ],
    );
    assert_ne!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(0));
    let notices = report["summary"]["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].as_str().unwrap().contains("add-label"));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"mixed/need-team"), "{rules:?}");
}
