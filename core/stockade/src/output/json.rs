//! JSON output: exactly the serde shape of [`Report`], the public contract shared
//! with every binding. Compact (one line) by default; `pretty` indents it.

use crate::finding::Report;

/// Render the report as JSON, followed by a newline.
pub fn render(report: &Report, pretty: bool) -> String {
    let mut out = if pretty {
        report.to_json_pretty()
    } else {
        report.to_json()
    };
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixtures;

    #[test]
    fn snapshot_pretty() {
        let (report, _) = fixtures::report();
        insta::assert_snapshot!(render(&report, true));
    }

    #[test]
    fn compact_is_one_line_and_round_trips() {
        let (report, _) = fixtures::report();
        let out = render(&report, false);
        assert_eq!(out.lines().count(), 1);
        let back: Report = serde_json::from_str(&out).unwrap();
        assert_eq!(back, report);
    }
}
