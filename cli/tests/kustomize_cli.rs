//! `stockade render DIR` prints what `kubectl kustomize DIR` prints, and
//! `stockade scan` builds top-level kustomizations: a patch that adds
//! `privileged: true` is found on the built object, with the patch line as its
//! origin, and files used by a build are not scanned on their own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Command;

mod common;
use common::TempDir;

fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    common::run_in(cwd, args, None).parts()
}

fn project() -> TempDir {
    let dir = TempDir::new("project");
    dir.write("base/kustomization.yaml", "resources:\n- deployment.yaml\n");
    dir.write(
        "base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n",
    );
    dir.write(
        "overlay/kustomization.yaml",
        "resources:\n- ../base\nnamePrefix: prod-\npatches:\n- path: privileged.yaml\n",
    );
    dir.write(
        "overlay/privileged.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        securityContext:\n          privileged: true\n",
    );
    dir
}

#[test]
fn render_prints_the_build() {
    let dir = project();
    let (code, out, err) = run_in(dir.path(), &["render", "overlay"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  name: prod-web\n"), "{out}");
    assert!(out.contains("          privileged: true\n"), "{out}");
    // Identical to kubectl where it is installed.
    if let Ok(k) = Command::new("kubectl")
        .args(["kustomize", "overlay"])
        .current_dir(dir.path())
        .output()
    {
        if k.status.success() {
            assert_eq!(out, String::from_utf8(k.stdout).unwrap());
        }
    }
}

#[test]
fn render_errors_are_reported() {
    let dir = TempDir::new("missing");
    dir.write("k/kustomization.yaml", "resources:\n- nothere.yaml\n");
    let (code, _, err) = run_in(dir.path(), &["render", "k"]);
    assert_eq!(code, 2);
    assert!(err.contains("nothere.yaml"), "{err}");
}

#[test]
fn scan_builds_the_overlay_and_finds_the_patched_field() {
    let dir = project();
    let (_, out, err) = run_in(dir.path(), &["scan", "--no-config", "-f", "json"]);
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    // One build (the base is used by the overlay, so it is not built alone),
    // and no file scanned on its own.
    assert_eq!(report["summary"]["files"], 1, "{out}");
    let findings = report["findings"].as_array().unwrap();
    assert!(findings
        .iter()
        .all(|f| f["path"] == "overlay/kustomization.yaml#build"));
    let pss001 = findings.iter().find(|f| f["rule"] == "PSS001").unwrap();
    let origin = &pss001["origins"][0];
    assert_eq!(origin["path"], "overlay/privileged.yaml");
    assert_eq!(origin["role"], "patch");
    assert_eq!(origin["start"]["line"], 11);
}

#[test]
fn a_failing_build_is_an_error_and_the_rest_of_the_scan_goes_on() {
    let dir = project();
    dir.write(
        "broken/kustomization.yaml",
        "resources:\n- https://example.com/x.yaml\n",
    );
    dir.write("Dockerfile", "FROM alpine:latest\n");
    let (code, out, _) = run_in(dir.path(), &["scan", "--no-config", "-f", "json"]);
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0]["kind"], "unsupported");
    assert!(errors[0]["message"].as_str().unwrap().contains("network"));
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"Dockerfile"));
    assert!(paths.contains(&"overlay/kustomization.yaml#build"));
}
