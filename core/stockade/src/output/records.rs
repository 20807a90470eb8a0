//! One flat record per finding, for data pipelines (pandas, Arrow, CSV): the
//! scalar fields of a finding with its positions spread into columns, and
//! whether (and how safely) it can be fixed. The Python package's
//! `Report.to_records()` is this.

use serde_json::{json, Value};

use crate::finding::{Finding, Report};

/// The record of one finding: `rule`, `severity`, `category`, `title`,
/// `message`, `path`, `document`, `object`, `pointer`, `line`, `column`,
/// `end_line`, `end_column`, `offset`, `end_offset` and `fixable` (the fix's
/// applicability, or null).
pub fn record(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "category": f.category.as_str(),
        "title": f.title,
        "message": f.message,
        "path": f.path,
        "document": f.document,
        "object": f.object,
        "pointer": f.pointer,
        "line": f.start.line.get(),
        "column": f.start.column.get(),
        "end_line": f.end.line.get(),
        "end_column": f.end.column.get(),
        "offset": f.start.offset,
        "end_offset": f.end.offset,
        "fixable": f.fix.as_ref().map(|x| x.applicability.as_str()),
    })
}

/// The records of every finding of `report`, in report order.
pub fn records(report: &Report) -> Vec<Value> {
    report.findings.iter().map(record).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::{Engine, Kind, Source};

    #[test]
    fn a_record_spreads_the_positions_and_says_whether_it_is_fixable() {
        let source = Source::new("Dockerfile", "FROM alpine:latest\nMAINTAINER me\n");
        let report = Engine::default().scan_source(&source, Some(Kind::Dockerfile));
        let rows = records(&report);
        assert_eq!(rows.len(), report.findings.len());
        let maintainer = rows.iter().find(|r| r["rule"] == "DF0014").unwrap();
        assert_eq!(maintainer["line"], 2);
        assert_eq!(maintainer["column"], 1);
        assert_eq!(maintainer["end_line"], 2);
        assert_eq!(maintainer["path"], "Dockerfile");
        assert_eq!(maintainer["fixable"], "safe");
        let latest = rows.iter().find(|r| r["rule"] == "DF0001").unwrap();
        assert_eq!(latest["severity"], "medium");
        assert!(latest["fixable"].is_null());
    }
}
