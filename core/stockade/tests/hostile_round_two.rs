//! Issue 14, round two, through the library: the YAML re-read fixes are per
//! document and bounded by the input's size, and inputs that used to take
//! quadratic time give complete results. Nothing here measures time (the
//! numbers are in the closing note); sizes and results are asserted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fmt::Write as _;

use common::invariants::check_report;
use stockade::yaml::{parse_stream, Limits};
use stockade::{Kind, Report};

fn kubernetes(text: &str) -> Report {
    let report = stockade::scan(text, Some("input.yaml"), Some(Kind::Kubernetes));
    check_report(text, &report, "scan");
    report
}

/// Item 22: a top-level quoted scalar with many tab-indented continuation lines
/// (one round per line before, and at most 16 rounds) is read as kubectl reads
/// it: the lines folded with single spaces.
#[test]
fn a_quoted_scalar_with_many_tab_indented_lines_is_read() {
    let lines: Vec<String> = (0..40).map(|i| format!("line{i}")).collect();
    // kubectl reads `description` as "a line0 line1 … line39" (`kubectl label
    // --local -o json`); before, the 17th line was "tab cannot be used as
    // indentation".
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndescription: \"a\n\t{}\"\n",
        lines.join("\n\t")
    );
    let stream = parse_stream(&text, &Limits::default());
    assert_eq!(stream.documents.len(), 1);
    let root = stream.documents[0].node().expect("read");
    assert_eq!(
        root.get("description").and_then(|d| d.as_str()),
        Some(format!("a {}", lines.join(" ")).as_str())
    );
    kubernetes(&text);
    // The scalar is found after anchors, tags and comments, and a quote of the
    // other kind inside it is content.
    let text = format!(
        "a: &x !!str # it's\n  \"it's\n\t{}\"\nb: '\n\tq'\n",
        lines.join("\n\t")
    );
    let stream = parse_stream(&text, &Limits::default());
    let root = stream.documents[0].node().expect("read");
    assert_eq!(
        root.get("a").and_then(|d| d.as_str()),
        Some(format!("it's {}", lines.join(" ")).as_str())
    );
    assert_eq!(root.get("b").and_then(|d| d.as_str()), Some(" q"));
    // Inside a manifest, at any depth, and many of them in one document.
    let mut manifest =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n");
    for k in 0..30 {
        let _ = write!(manifest, "  k{k}: \"a\n\t{}\"\n", lines.join("\n\t"));
    }
    let report = kubernetes(&manifest);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
}

/// A document whose flow collection's lines need padding worth about twice its
/// own size (lines at column 0 below a key at column 6).
fn padded_document(items: usize) -> String {
    let mut doc = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    a:\n      d: [1,\n");
    for _ in 0..items {
        doc.push_str("2,\n");
    }
    doc.push_str("3]\n");
    doc
}

/// Item 15: the padding budget was shared by the whole file, so identical
/// documents failed once earlier ones had used it up; it is now per document.
#[test]
fn identical_documents_read_the_same_wherever_they_sit() {
    let doc = padded_document(200);
    let text = [doc.as_str(); 5].join("---\n");
    let stream = parse_stream(&text, &Limits::default());
    assert_eq!(stream.documents.len(), 5);
    for d in &stream.documents {
        let root = d
            .node()
            .unwrap_or_else(|| panic!("document {}: {:?}", d.index, d.problem()));
        let items = root
            .pointer("/metadata/annotations/a/d")
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(items.len(), 202);
    }
    kubernetes(&text);
}

/// Item 15: thousands of documents each needing fixes (flow sequences at column
/// 0, tab-indented quoted continuations) are all read, each with its values.
#[test]
fn many_documents_needing_fixes_are_all_read() {
    let flow = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a0: [1,\n2]\n  a1: [1,\n2]\n";
    let tabs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a0: \"one\n\ttwo\n\tthree\"\n  a1: \"one\n\ttwo\"\n";
    for doc in [flow, tabs] {
        let text = [doc; 400].join("---\n");
        let stream = parse_stream(&text, &Limits::default());
        assert_eq!(stream.documents.len(), 400);
        assert!(
            stream.problems().next().is_none(),
            "{:?}",
            stream.problems().next()
        );
        let last = stream.documents[399].node().unwrap();
        assert!(last.pointer("/data/a1").is_some());
    }
}

/// Item 16: an `ipBlock` with thousands of `except` entries (quadratic before:
/// 50,000 entries took 55 s) is one sorted sweep; the holes are all there.
#[test]
fn an_ip_block_with_many_excepts_has_every_hole() {
    use stockade::netpol::model::{Cluster, PeerKind};
    let n = 5000;
    let mut text = String::from("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/8\n        except:\n");
    // Every other address of 10.0.0.0/16, in reverse order.
    for i in (0..n).rev() {
        let _ = writeln!(
            text,
            "        - 10.0.{}.{}/32",
            (2 * i) / 256,
            (2 * i) % 256
        );
    }
    let cluster = Cluster::from_texts([("np.yaml", text.as_str())]);
    let PeerKind::IpBlock(block) = &cluster.policies[0].egress[0].peers[0].kind else {
        panic!("an ipBlock");
    };
    // n holes: the n - 1 odd addresses between them and the rest of 10/8 after them.
    assert_eq!(block.set.ranges.len(), n);
    assert_eq!(block.set.ranges[0].first, (10 << 24) + 1);
    assert_eq!(
        block.set.ranges[n - 1].first,
        (10 << 24) + 2 * n as u128 - 1
    );
}

/// Item 17: DF0036 looked at every RUN once per stage (100,000 stages: minutes).
#[test]
fn wget_and_curl_is_reported_once_per_stage_in_many_stages() {
    let stages = 3000;
    let mut text = String::new();
    for i in 0..stages {
        let _ = write!(text, "FROM alpine:3.20 AS s{i}\nRUN wget -q https://example.com/a\nRUN curl -fsSL https://example.com/b\n");
    }
    let report = stockade::scan(&text, Some("Dockerfile"), Some(Kind::Dockerfile));
    check_report(&text, &report, "stages");
    let df0036 = report
        .findings
        .iter()
        .filter(|f| f.rule == "DF0036")
        .count();
    assert_eq!(df0036, stages);
}

/// Item 18: every suppression was tried against every finding (2 MB with
/// suppressions: 25 s); each finding still finds its directive, and no directive
/// is left unused.
#[test]
fn thousands_of_suppressions_each_cover_their_finding() {
    let n = 4000;
    let mut text = String::from("FROM ubuntu:22.04\n");
    for _ in 0..n {
        text.push_str("# stockade ignore=DF0022,DF0023\nRUN apt-get install -y curl\n");
    }
    let config = stockade::Config::default();
    let mut config = config;
    config.limits.max_findings = 100_000;
    let report =
        stockade::Engine::new(config).scan(&text, Some("Dockerfile"), Some(Kind::Dockerfile));
    check_report(&text, &report, "suppressions");
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule == "DF0022" || f.rule == "DF0023"));
    assert!(
        !report.findings.iter().any(|f| f.rule == "ST0001"),
        "unused: {:?}",
        report.findings.iter().find(|f| f.rule == "ST0001")
    );
    assert_eq!(report.suppressed.len(), 2 * n);
}
