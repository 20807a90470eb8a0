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
    let text = format!("\"a\n\t{}\"\n", lines.join("\n\t"));
    let stream = parse_stream(&text, &Limits::default());
    assert_eq!(stream.documents.len(), 1);
    let root = stream.documents[0].node().expect("read");
    assert_eq!(
        root.as_str(),
        Some(format!("a {}", lines.join(" ")).as_str())
    );
    // Inside a manifest, at any depth, and many of them in one document.
    let mut manifest =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n");
    for k in 0..30 {
        manifest.push_str(&format!("  k{k}: \"a\n\t{}\"\n", lines.join("\n\t")));
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
    let text = vec![doc.as_str(); 5].join("---\n");
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
        let text = vec![doc; 400].join("---\n");
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
