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

/// A fuzz target: its name and the function given each input.
pub type Target = (&'static str, fn(&[u8]));

/// The targets, by name (as `fuzz/fuzz_targets/<name>.rs` and the folders of
/// `fuzz/regressions`).
pub const TARGETS: &[Target] = &[
    ("dockerfile", dockerfile),
    ("yaml", yaml),
    ("kubernetes", kubernetes),
    ("rego", rego),
    ("kyverno", kyverno),
    ("netpol", netpol),
    ("gotemplate", gotemplate),
    ("helm", helm),
    ("kustomize", kustomize),
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
/// pack (Pod Security, hardening, RBAC, `NetworkPolicy` lint).
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
    // The fast reader for plain block YAML reads exactly what the parser reads
    // (compared as text: a NaN is not equal to itself).
    let reference =
        stockade::yaml::parse_stream_reference(&text, &stockade::yaml::Limits::default());
    assert_eq!(
        format!("{stream:?}"),
        format!("{reference:?}"),
        "yaml: the fast reader and the parser disagree"
    );
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

/// The `NetworkPolicy` analyzer: connection list in every format, the lint.
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

/// Files from one input: each line `#--- NAME` starts the file NAME; text
/// before the first such line is the file `first`.
fn files(data: &[u8], first: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let text = text(data);
    let mut out = std::collections::BTreeMap::new();
    let mut name = first.to_string();
    let mut body = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(next) = line.strip_prefix("#--- ") {
            out.insert(
                std::mem::take(&mut name),
                std::mem::take(&mut body).into_bytes(),
            );
            name = next.trim_end().to_string();
        } else {
            body.push_str(line);
        }
    }
    out.insert(name, body.into_bytes());
    out.retain(|n, b| !n.is_empty() && (!b.is_empty() || n != first));
    out
}

/// A position inside `text` (offset on a character boundary, line/column
/// agreeing with it).
fn check_position(text: &str, p: &stockade::Position, what: &str) {
    let mut report = Report::default();
    report
        .errors
        .push(ScanError::file(stockade::ErrorKind::Parse, "x", "").at(*p, *p));
    check_report(text, &report, what);
}

/// Go's `text/template` with Helm's functions: the input up to the first
/// `\n#---\n` is the template, the rest YAML data (`.`). Parse errors and
/// execution errors are Go's texts; the engine's budgets end every run.
pub fn gotemplate(data: &[u8]) {
    let text = text(data);
    let (template, values) = text
        .split_once("\n#---\n")
        .unwrap_or((text.as_str(), "a: 1\n"));
    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        b"apiVersion: v2\nname: fuzz\nversion: 0.1.0\n".to_vec(),
    );
    files.insert("values.yaml".to_string(), values.as_bytes().to_vec());
    files.insert("templates/t.yaml".to_string(), template.as_bytes().to_vec());
    helm_files(files);
}

/// A Helm chart: gzip bytes are a `.tgz`; other input is the chart's files
/// (`#--- templates/x.yaml` lines, text before the first one is `Chart.yaml`).
/// Loading, rendering (`helm template`'s and the scan's) and scanning; every
/// finding positioned in its rendered text, every origin in its chart file,
/// every error about a file of the chart.
pub fn helm(data: &[u8]) {
    if data.starts_with(&[0x1f, 0x8b]) {
        let engine = Engine::default();
        let report = engine.scan_chart_input(
            stockade::helm::ChartInput::Archive(data.to_vec()),
            &stockade::helm::HelmOptions::default(),
            "chart",
        );
        for e in &report.errors {
            assert!(
                e.path.starts_with("chart"),
                "helm: error about {}: {e:?}",
                e.path
            );
        }
        return;
    }
    helm_files(files(data, "Chart.yaml"));
}

fn helm_files(files: std::collections::BTreeMap<String, Vec<u8>>) {
    let texts: std::collections::BTreeMap<String, String> = files
        .iter()
        .map(|(n, b)| {
            (
                format!("chart/{n}"),
                String::from_utf8_lossy(b).into_owned(),
            )
        })
        .collect();
    let chart = match stockade::helm::load_chart(stockade::helm::ChartInput::Files(files), "chart")
    {
        Ok(c) => c,
        Err(e) => {
            assert!(
                e.path.starts_with("chart"),
                "helm: load error about {}: {e:?}",
                e.path
            );
            return;
        }
    };
    let options = stockade::helm::HelmOptions::default();
    let _ = stockade::helm::template(&chart, &options);
    let rendered = stockade::helm::chart_sources(&chart, &options, "chart");
    for e in &rendered.errors {
        assert!(
            e.path.starts_with("chart"),
            "helm: error about {}: {e:?}",
            e.path
        );
        if let (Some(text), Some(start), Some(end)) = (texts.get(&e.path), &e.start, &e.end) {
            check_position(text, start, "helm error start");
            check_position(text, end, "helm error end");
        }
    }
    let report = Engine::default().scan_sources(&rendered.sources, Some(Kind::Kubernetes));
    for source in &rendered.sources {
        for f in report.findings.iter().filter(|f| f.path == source.path()) {
            check_position(source.text(), &f.start, "helm finding start");
            check_position(source.text(), &f.end, "helm finding end");
            assert!(
                f.start.offset <= f.end.offset,
                "helm: finding ends before it starts"
            );
            for o in &f.origins {
                if let Some(text) = texts.get(&o.path) {
                    check_position(text, &o.start, "helm origin start");
                    check_position(text, &o.end, "helm origin end");
                }
            }
        }
    }
}

/// A Kustomize build: the input's files (`#--- base/deploy.yaml` lines, text
/// before the first one is `kustomization.yaml`), built in the root folder and
/// scanned; findings positioned in the built text, errors about a path.
pub fn kustomize(data: &[u8]) {
    let map: stockade::kustomize::FileMap = files(data, "kustomization.yaml");
    match stockade::kustomize::render(&map, "", &stockade::kustomize::Options::default()) {
        Ok(source) => {
            let engine =
                Engine::default().for_scan(std::slice::from_ref(&source), Some(Kind::Kubernetes));
            let report = engine.scan_source(&source, Some(Kind::Kubernetes));
            check_report(source.text(), &report, "kustomize built");
        }
        Err(e) => {
            let err = stockade::kustomize::to_scan_error(&e, "");
            assert!(
                !err.message.is_empty(),
                "kustomize: an error without a message"
            );
        }
    }
}
