//! The concise text format: one line per finding,
//! `path:line:col: ID [severity] title`, as ruff's `--output-format concise`;
//! then one line per error (`path:line:col: error[kind] message`, without the
//! position for an error about a whole file) and the text format's summary.
//! No code frames, no colour: for editors' problem matchers and `grep`.

use std::fmt::Write;

use crate::finding::Report;

use super::text;

/// Render the report as concise text; `verbose` lists the skipped entries too.
pub fn render(report: &Report, verbose: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            text::sanitize(&f.path),
            f.start.line,
            f.start.column,
            f.rule,
            f.severity.as_str(),
            text::sanitize(&f.title)
        );
    }
    for e in &report.errors {
        let at = e
            .start
            .map(|p| format!(":{}:{}", p.line, p.column))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{at}: error[{}] {}",
            text::sanitize(&e.path),
            e.kind.as_str(),
            text::sanitize(&e.message)
        );
    }
    out.push_str(&text::summary_verbose(report, verbose));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixtures;

    #[test]
    fn snapshot() {
        let (report, _) = fixtures::report();
        insta::assert_snapshot!(render(&report, false));
    }
}
