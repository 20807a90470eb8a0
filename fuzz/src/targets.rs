//! What each fuzz target runs and checks, beyond "no crash": spans inside the
//! input and on character boundaries, line/column agreeing with the offsets
//! (`invariants::check_report`), every error located. Time and memory are
//! bounded by the fuzzer's `-timeout` and `-rss_limit_mb` (`scripts/fuzz.sh`).
//!
//! Compiled twice: by the fuzz crate (`fuzz/`, nightly, libFuzzer) and by
//! `core/stockade/tests/fuzz_regressions.rs` (stable), which replays every saved
//! input under `fuzz/regressions/<target>/`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::invariants::check_report;
use stockade::{Engine, Kind, LineIndex, Report, ScanError, Source};

/// The targets, by name (as `fuzz/fuzz_targets/<name>.rs` and the folders of
/// `fuzz/regressions`).
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("dockerfile", dockerfile),
    ("yaml", yaml),
    ("kubernetes", kubernetes),
    ("rego", rego),
    ("kyverno", kyverno),
    ("netpol", netpol),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The whole scan of a Dockerfile: parser, expander, shell reader, rules.
pub fn dockerfile(data: &[u8]) {
    let text = text(data);
    let report = stockade::scan(&text, Some("Dockerfile"), Some(Kind::Dockerfile));
    check_report(&text, &report, "dockerfile");
}

/// The whole scan of a Kubernetes manifest: YAML reader and every Kubernetes
/// pack (Pod Security, hardening, RBAC, NetworkPolicy lint).
pub fn kubernetes(data: &[u8]) {
    let text = text(data);
    let report = stockade::scan(&text, Some("input.yaml"), Some(Kind::Kubernetes));
    check_report(&text, &report, "kubernetes");
}

/// The YAML reader alone: every node and problem span inside the text, on
/// character boundaries; JSON conversion of every document.
pub fn yaml(data: &[u8]) {
    let text = text(data);
    let stream = stockade::yaml::parse_stream(&text, &stockade::yaml::Limits::default());
    let in_text = |s: stockade::Span, what: &str| {
        let (a, b) = (s.start as usize, s.end as usize);
        assert!(
            a <= b && b <= text.len(),
            "yaml: {what} span {a}..{b} outside 0..{}",
            text.len()
        );
        assert!(
            text.is_char_boundary(a) && text.is_char_boundary(b),
            "yaml: {what} span {a}..{b} splits a character"
        );
    };
    for doc in &stream.documents {
        in_text(doc.span, "document");
        match &doc.root {
            Ok(root) => {
                root.walk(|_, n| in_text(n.span, "node"));
                let _ = root.try_to_json();
            }
            Err(p) => in_text(p.span, "problem"),
        }
        for c in &doc.comments {
            in_text(c.span, "comment");
        }
    }
}

/// The policy text and the manifest the policies are applied to: the input up
/// to the first `\n#---\n` is the policy, the rest the manifest (a privileged
/// Pod when absent).
fn split(data: &[u8]) -> (String, String) {
    let text = text(data);
    match text.split_once("\n#---\n") {
        Some((p, m)) => (p.to_string(), m.to_string()),
        None => (text, POD.to_string()),
    }
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: default\n  labels: {app: a}\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n    securityContext: {privileged: true}\n";

/// Every error located inside the policy text it is about.
fn check_errors(policy: &str, path: &str, errors: &[ScanError]) {
    let mut report = Report::default();
    report.errors = errors.iter().filter(|e| e.path == path).cloned().collect();
    check_report(policy, &report, "policy errors");
    for e in errors {
        assert!(e.path == path, "policy error about an unknown path: {e:?}");
    }
}

fn apply_policy(policy: &str, path: &str, manifest: &str) {
    match Engine::default().with_policy_texts(&[(path, policy)], &[("inventory.yaml", manifest)]) {
        Err(errors) => check_errors(policy, path, &errors),
        Ok(engine) => {
            let source = Source::new("input.yaml", manifest);
            let engine = engine.for_scan(std::slice::from_ref(&source), Some(Kind::Kubernetes));
            let report = engine.scan_source(&source, Some(Kind::Kubernetes));
            check_report(manifest, &report, "policy scan");
        }
    }
}

/// Rego: a conftest module, or Gatekeeper templates and constraints when the
/// text looks like YAML, loaded, compiled and evaluated on the manifest.
pub fn rego(data: &[u8]) {
    let (policy, manifest) = split(data);
    let path = if policy.contains("ConstraintTemplate") || policy.contains("apiVersion") {
        "policy.yaml"
    } else {
        "policy.rego"
    };
    apply_policy(&policy, path, &manifest);
}

/// Kyverno policies on resources.
pub fn kyverno(data: &[u8]) {
    let (policy, manifest) = split(data);
    apply_policy(&policy, "policy.yaml", &manifest);
}

/// The NetworkPolicy analyzer: connection list in every format, the lint.
pub fn netpol(data: &[u8]) {
    let text = text(data);
    let sources = [Source::new("input.yaml", text.as_str())];
    let list = stockade::netpol::connlist(&sources);
    for format in [
        stockade::netpol::ConnFormat::Text,
        stockade::netpol::ConnFormat::Json,
        stockade::netpol::ConnFormat::Csv,
        stockade::netpol::ConnFormat::Markdown,
        stockade::netpol::ConnFormat::Dot,
    ] {
        let _ = list.render(format);
    }
    let index = stockade::netpol::ScanIndex::from_sources(&sources);
    let report = Engine::default()
        .with_netpol(index)
        .scan_source(&sources[0], Some(Kind::Kubernetes));
    check_report(&text, &report, "netpol");
    let _ = LineIndex::new(&text);
}
