//! Checks every report must pass, whatever the input: positions inside the text,
//! on character boundaries, line/column agreeing with the offsets, findings sorted.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use stockade::{LineIndex, Position, Report};

/// Panics (with `what` in the message) when `report` breaks an invariant for `text`.
pub fn check_report(text: &str, report: &Report, what: &str) {
    let index = LineIndex::new(text);
    let check = |p: &Position, label: &str| {
        let offset = p.offset as usize;
        assert!(
            offset <= text.len(),
            "{what}: {label} offset {offset} past the end ({})",
            text.len()
        );
        assert!(
            text.is_char_boundary(offset),
            "{what}: {label} offset {offset} splits a character"
        );
        let expected = index.position(text, p.offset);
        assert_eq!(
            (p.line, p.column),
            (expected.line, expected.column),
            "{what}: {label} line/column disagree with offset {offset}"
        );
    };
    for (i, f) in report.findings.iter().chain(&report.suppressed).enumerate() {
        check(&f.start, &format!("finding {i} ({}) start", f.rule));
        check(&f.end, &format!("finding {i} ({}) end", f.rule));
        assert!(
            f.start.offset <= f.end.offset,
            "{what}: finding {i} ({}) ends before it starts",
            f.rule
        );
    }
    for (i, e) in report.errors.iter().enumerate() {
        let (Some(start), Some(end)) = (&e.start, &e.end) else {
            panic!("{what}: error {i} has no position: {e:?}");
        };
        check(start, &format!("error {i} ({}) start", e.message));
        check(end, &format!("error {i} ({}) end", e.message));
        assert!(start.offset <= end.offset, "{what}: error {i} reversed");
    }
    let keys: Vec<_> = report
        .findings
        .iter()
        .map(|f| (&f.path, f.document, f.start.offset, f.end.offset, &f.rule))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "{what}: findings are not sorted");
    assert_eq!(
        report.summary.findings.total(),
        report.findings.len(),
        "{what}: summary counts disagree with the findings"
    );
}
