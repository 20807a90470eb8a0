//! `stockade netpol …` and the `NetworkPolicy` rules of `stockade scan`, through the
//! real binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_stockade");

fn dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(format!("stockade-netpol-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for (f, text) in files {
        std::fs::write(d.join(f), text).unwrap();
    }
    d
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const APPS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: x}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: a}\nspec:\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c, image: x, ports: [{name: pg, containerPort: 5432}]}]}\n";
const POLICY: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: pg}]\n";

#[test]
fn connlist_explain_and_diff() {
    let before = dir("before", &[("apps.yaml", APPS), ("policy.yaml", POLICY)]);
    let b = before.to_str().unwrap();
    let (code, out, err) = run(&["netpol", "connlist", b]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("a/web[Deployment] => a/db[Deployment] : TCP 5432\n"),
        "{out}"
    );
    assert!(
        out.contains("0.0.0.0-255.255.255.255[External] => a/web[Deployment] : All Connections"),
        "{out}"
    );
    assert!(!out.contains("=> a/db[Deployment] : All"), "{out}");

    let (_, csv, _) = run(&["netpol", "connlist", b, "--format", "csv"]);
    assert!(csv.starts_with("src,dst,conn\n"), "{csv}");

    let (code, out, _) = run(&[
        "netpol", "explain", b, "--from", "a/web", "--to", "a/db", "--port", "5432/TCP",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("on 5432/TCP: ALLOWED"), "{out}");
    assert!(out.contains("policy.yaml:7:5"), "{out}");
    let (code, _, err) = run(&["netpol", "explain", b, "--from", "a/nope", "--to", "a/db"]);
    assert_eq!(code, 2);
    assert!(err.contains("a/nope"), "{err}");

    let after = dir("after", &[("apps.yaml", APPS)]);
    let (code, out, _) = run(&[
        "netpol",
        "diff",
        "--before",
        b,
        "--after",
        after.to_str().unwrap(),
        "--exit-code",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("diff-type: changed, source: a/web[Deployment], destination: a/db[Deployment], ref1: TCP 5432, ref2: All Connections"), "{out}");
}

#[test]
fn scan_reports_cross_file_findings_in_their_own_file() {
    let d = dir("scan", &[("apps.yaml", APPS), ("policy.yaml", POLICY)]);
    let (_, out, err) = run(&[
        "scan",
        d.to_str().unwrap(),
        "--format",
        "json",
        "--no-config",
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let findings = report["findings"].as_array().unwrap();
    let np011: Vec<_> = findings.iter().filter(|f| f["rule"] == "NP011").collect();
    // web is not selected for ingress; db is (by the policy in the other file).
    assert_eq!(np011.len(), 1, "{findings:?}");
    assert!(np011[0]["path"].as_str().unwrap().ends_with("apps.yaml"));
    assert!(np011[0]["message"]
        .as_str()
        .unwrap()
        .contains("a/web[Deployment]"));
    assert!(
        !findings.iter().any(|f| f["rule"] == "NP001"),
        "{findings:?}"
    );
}
