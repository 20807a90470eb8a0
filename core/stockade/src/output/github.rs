//! GitHub Actions workflow commands: one annotation per finding and per error,
//! which GitHub shows on the pull request's diff.
//!
//! ```text
//! ::warning file=app/Dockerfile,line=2,col=6,endLine=2,endColumn=17,title=DF0001 Image uses the latest tag::`node:latest` is not pinned%0A%0AFix: …%0AHelp: …
//! ```
//!
//! Levels: critical and high findings are `error`, medium `warning`, low and info
//! `notice`; scan errors are `error`. `col`/`endColumn` are 1-based, count Unicode
//! scalar values and are sent only for single-line spans (GitHub ignores columns
//! on multi-line annotations); `endColumn` is exclusive, like the report's `end`
//! and SARIF's `endColumn`. Suppressed findings are not annotated. Values are
//! escaped as the Actions toolkit does: `%`, `\r`, `\n` everywhere, and also `:`
//! and `,` in properties. A plain summary line closes the output.
//!
//! A finding in a rendered document (whose path is usually no file of the
//! repository) also gets an annotation at its first origin, the line of the
//! template or values file a reviewer can change, whose message says which
//! rendered document it was rendered into; the finding's own annotation lists
//! its origins.

use std::fmt::Write as _;

use crate::finding::{Finding, Report, ScanError};
use crate::rule::Severity;
use crate::source::Position;

/// The annotation level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Render the report as workflow commands, one per line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&finding_command(f));
        out.push('\n');
    }
    for e in &report.errors {
        out.push_str(&error_command(e));
        out.push('\n');
    }
    out.push_str(&super::text::summary(report));
    out.push('\n');
    out
}

/// The finding's annotation, and for a finding with origins a second one at the
/// first origin (two lines).
fn finding_command(f: &Finding) -> String {
    let mut props = location(&f.path, f.start, f.end);
    props.push(("title", format!("{} {}", f.rule, f.title)));
    let mut message = f.message.clone();
    if !f.origins.is_empty() {
        let origins: Vec<String> = f
            .origins
            .iter()
            .map(|o| format!("{} {}:{}:{}", o.role, o.path, o.start.line, o.start.column))
            .collect();
        let _ = write!(message, "\n\nRendered from: {}", origins.join(", "));
    }
    let mut fix = String::new();
    if !f.remediation.is_empty() {
        let _ = write!(fix, "\n\nFix: {}", f.remediation);
    }
    if !f.help.is_empty() {
        let _ = write!(fix, "\nHelp: {}", f.help);
    }
    let mut out = command(level(f.severity), &props, &format!("{message}{fix}"));
    if let Some(origin) = f.origins.first() {
        let mut props = location(&origin.path, origin.start, origin.end);
        props.push(("title", format!("{} {}", f.rule, f.title)));
        let message = format!(
            "{}\n\nRendered from this {} into {}:{}:{}{fix}",
            f.message, origin.role, f.path, f.start.line, f.start.column
        );
        out.push('\n');
        out.push_str(&command(level(f.severity), &props, &message));
    }
    out
}

/// `file`, `line`, and the columns and end line where GitHub uses them.
fn location(path: &str, start: Position, end: Position) -> Vec<(&'static str, String)> {
    let mut props = vec![("file", path.to_string()), ("line", start.line.to_string())];
    // A span ending right after a line break ends on the line before.
    let end_line = if end.line > start.line && end.column.get() == 1 {
        end.line.get() - 1
    } else {
        end.line.get()
    };
    if end_line == start.line.get() {
        props.push(("col", start.column.to_string()));
        props.push(("endLine", end_line.to_string()));
        if end.line == start.line {
            props.push(("endColumn", end.column.to_string()));
        }
    } else {
        props.push(("endLine", end_line.to_string()));
    }
    props
}

fn error_command(e: &ScanError) -> String {
    let mut props = vec![("file", e.path.clone())];
    if let Some(start) = e.start {
        props.push(("line", start.line.to_string()));
        props.push(("col", start.column.to_string()));
    }
    props.push(("title", format!("stockade {} error", e.kind.as_str())));
    command("error", &props, &e.message)
}

fn command(name: &str, props: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!("::{name} {}::{}", props.join(","), escape_data(message))
}

/// Escape a command's message: `%`, CR and LF as the runner unescapes them, and
/// every other control character made visible ([`super::sanitize`]: an ESC
/// sequence from a scanned path or name never reaches the log viewer).
pub fn escape_data(s: &str) -> String {
    super::sanitize(
        &s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
}

/// Escape a command property's value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixtures;

    #[test]
    fn snapshot() {
        let (report, _) = fixtures::report();
        insta::assert_snapshot!(render(&report));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\r\nx: y, z"), "50%25%0D%0Ax: y, z");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "notice");
        assert_eq!(level(Severity::Info), "notice");
    }

    #[test]
    fn every_line_is_a_single_command_or_the_summary() {
        let (report, _) = fixtures::report();
        let out = render(&report);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), report.findings.len() + report.errors.len() + 1);
        for line in &lines[..lines.len() - 1] {
            assert!(line.starts_with("::"), "{line}");
        }
        // The multi-line finding has no columns.
        let multi = lines.iter().find(|l| l.contains("DF0010")).unwrap();
        assert!(
            multi.contains("line=4,endLine=5,") && !multi.contains("col="),
            "{multi}"
        );
    }
}
