//! `stockade verify` and `stockade scan --policy/--rego`, through the binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_stockade");

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/stockade/tests/fixtures/rego")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(fixtures())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn verify_passing_suite_prints_ok_and_exits_0() {
    let (code, out, _) = run(&["verify", "suite"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("ok\tsuite/suite.yaml\t"), "{out}");
    assert!(out.ends_with("PASS\n"), "{out}");
    let (code, out, _) = run(&["verify", "-v", "suite/suite.yaml"]);
    assert_eq!(code, 0);
    assert!(out.contains("    --- PASS: admission-review\t("), "{out}");
}

#[test]
fn verify_failing_suite_prints_gator_failure_and_exits_1() {
    let (code, out, _) = run(&["verify", "failing/..."]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("    --- FAIL: expects-none\t("), "{out}");
    assert!(
        out.contains("        unexpected number of violations: got 1 violations but want exactly 0: got messages [\"Pod web has no team label\"]"),
        "{out}"
    );
    assert!(out.contains("--- FAIL: wrong-expectation\t("), "{out}");
    assert!(out.contains("FAIL\tfailing/suite.yaml\t"), "{out}");
    assert!(out.ends_with("FAIL\n"));
}

#[test]
fn verify_missing_path_is_a_usage_error() {
    let (code, _, err) = run(&["verify", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn scan_with_policy_and_rego_folders() {
    let (code, out, err) = run(&[
        "scan",
        "--no-config",
        "--format",
        "json",
        "--policy",
        "policy",
        "--rego",
        "conftest",
        "manifests.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .filter(|r| r.starts_with("K8s") || r.starts_with("main."))
        .collect();
    assert_eq!(
        rules,
        [
            // conftest findings point at the document, constraints at metadata.name.
            "main.violation",
            "K8sRequiredTeam/pods-need-team",
            "K8sUniqueAppName/unique-app",
            "K8sUniqueAppName/unique-app",
            "main.violation",
            "K8sRequiredTeam/pods-need-team",
            "K8sRequiredTeam/deployments-should-have-owner",
        ]
    );
}

#[test]
fn scan_reports_policy_errors_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("stockade-gk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.rego"),
        "package main\ndeny[msg { msg := 1 }\n",
    )
    .unwrap();
    let (code, _, err) = run(&[
        "scan",
        "--no-config",
        "--rego",
        dir.to_str().unwrap(),
        "manifests.yaml",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[policy]"), "{err}");
    assert!(err.contains("bad.rego"), "{err}");
}

#[test]
fn inventory_files_feed_namespace_selectors_without_being_scanned() {
    // The pod's Namespace (env: prod) comes only from --inventory.
    let (code, out, err) = run(&[
        "scan",
        "--no-config",
        "--format",
        "json",
        "--policy",
        "suite/template.yaml",
        "--policy",
        "suite/constraint.yaml",
        "--inventory",
        "suite/namespace-prod.yaml",
        "suite/pod-without-team.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let msgs: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("K8s"))
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(msgs, ["Pod web has no team label"]);
    assert_eq!(report["summary"]["files"], 1);
}
