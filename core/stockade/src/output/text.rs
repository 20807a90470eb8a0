//! Human-readable output: one block per finding with a code frame, then the
//! errors, then a summary line.
//!
//! ```text
//! app/Dockerfile:2:6: MEDIUM DF0001 Image uses the latest tag
//!   `node:latest` is not pinned: builds change without notice
//!   |
//! 2 | FROM node:latest
//!   |      ^^^^^^^^^^^
//!   = fix: Pin the image to a version.
//!   = help: https://github.com/stockade-dev/stockade/blob/main/docs/rules.md#df0001
//! ```
//!
//! A finding in a rendered document (a Helm or Kustomize output) is followed by
//! one frame per origin, labelled with its role, when the origin file's text is
//! available through [`Sources`]:
//!
//! ```text
//!    = rendered from value: web/values.yaml:5:15
//!    |
//!  5 |   privileged: true
//!    |               ^^^^
//! ```
//!
//! Code frames show the source lines a span covers (a long span shows its first
//! three and last two lines), with carets under the exact columns. Tabs are shown
//! as four spaces and control characters as their Unicode "control picture", so
//! a hostile input cannot move the terminal's cursor; East Asian wide characters
//! and emoji count as two columns and combining marks as none, so carets stay
//! under the span (an approximation of `wcwidth`). Very long lines are cut
//! to a window around the span.

use std::fmt::Write as _;

use crate::finding::{Finding, Report, ScanError};
use crate::fix::Applicability;
use crate::output::Sources;
use crate::rule::Severity;
use crate::source::{LineIndex, Position};

/// Lines a code frame shows in full; longer spans show the first
/// [`HEAD_LINES`] and last [`TAIL_LINES`].
const MAX_FRAME_LINES: u32 = 6;
const HEAD_LINES: u32 = 3;
const TAIL_LINES: u32 = 2;
/// Widest source line shown, in columns; longer lines are cut around the span.
const MAX_LINE_WIDTH: usize = 120;
const TAB_WIDTH: usize = 4;

/// ANSI styles (empty strings when colour is off).
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity_code(severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;34",
            Severity::Info => "1;2",
        }
    }
}

/// Render the report as text; `color` adds ANSI colour.
pub fn render(report: &Report, sources: &dyn Sources, color: bool) -> String {
    render_verbose(report, sources, color, false)
}

/// [`render`], listing every skipped entry with its reason when `verbose`.
pub fn render_verbose(
    report: &Report,
    sources: &dyn Sources,
    color: bool,
    verbose: bool,
) -> String {
    let style = Style { on: color };
    let mut out = String::new();
    let mut indexes = Indexes::default();
    for finding in &report.findings {
        finding_block(&mut out, finding, sources, &mut indexes, &style);
        out.push('\n');
    }
    for error in &report.errors {
        error_block(&mut out, error, sources, &mut indexes, &style);
        out.push('\n');
    }
    out.push_str(&summary_line(report, &style));
    if let Some(line) = fixable_line(report, &style) {
        out.push('\n');
        out.push_str(&line);
    }
    out.push_str(&skipped_lines(report, verbose));
    out.push('\n');
    out
}

/// The summary line, then, when something was skipped, a line counting the
/// skipped entries by kind, and with `verbose` one line per entry.
pub fn summary_verbose(report: &Report, verbose: bool) -> String {
    summary(report) + &skipped_lines(report, verbose)
}

/// `\nnote: …` per notice, then `\nSkipped 3: 2 template, 1 Helm chart
/// (--verbose lists them)`, and with `verbose` `\n  skipped path: reason` per
/// entry; empty when there is neither.
fn skipped_lines(report: &Report, verbose: bool) -> String {
    let mut out = String::new();
    for notice in &report.summary.notices {
        let _ = write!(out, "\nnote: {}", sanitize(notice));
    }
    let skipped = &report.summary.skipped;
    if skipped.is_empty() {
        return out;
    }
    let mut by_kind: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for s in skipped {
        *by_kind.entry(s.kind.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = by_kind
        .iter()
        .map(|(kind, n)| format!("{n} {}", sanitize(kind)))
        .collect();
    let _ = write!(out, "\nSkipped {}: {}", skipped.len(), counts.join(", "));
    if verbose {
        for s in skipped {
            let doc = if s.document > 0 {
                format!(" (document {})", s.document + 1)
            } else {
                String::new()
            };
            let _ = write!(
                out,
                "\n  skipped {}{doc}: {}",
                sanitize(&s.path),
                sanitize(&s.reason)
            );
        }
    } else {
        out.push_str(" (--verbose lists them)");
    }
    out
}

/// Line indexes of the sources, built once per source (not once per finding:
/// a file with thousands of findings stays linear).
#[derive(Default)]
struct Indexes(std::collections::HashMap<String, LineIndex>);

impl Indexes {
    fn of(&mut self, path: &str, text: &str) -> &LineIndex {
        self.0
            .entry(path.to_string())
            .or_insert_with(|| LineIndex::new(text))
    }
}

fn finding_block(
    out: &mut String,
    f: &Finding,
    sources: &dyn Sources,
    indexes: &mut Indexes,
    style: &Style,
) {
    let sev = Style::severity_code(f.severity);
    let _ = writeln!(
        out,
        "{}: {} {}{} {}",
        style.paint(
            "1",
            &format!("{}:{}:{}", sanitize(&f.path), f.start.line, f.start.column)
        ),
        style.paint(sev, &f.severity.as_str().to_ascii_uppercase()),
        style.paint("1", &f.rule),
        fix_marker(f, style),
        sanitize(&f.title)
    );
    for line in f.message.lines() {
        let _ = writeln!(out, "  {}", sanitize(line));
    }
    // A finding with origins lines up all its frames on the widest gutter.
    let min_width = f
        .origins
        .iter()
        .map(|o| o.end.line)
        .max()
        .map_or(0, |line| line.max(f.end.line).to_string().len());
    let frame = sources.text(&f.path).map(|text| {
        let index = indexes.of(&f.path, text);
        code_frame_in(text, index, f.start, f.end, sev, style, min_width)
    });
    let gutter = frame.as_ref().map_or(min_width.max(1), |(_, width)| *width);
    if let Some((frame, _)) = &frame {
        out.push_str(frame);
    }
    let pad = " ".repeat(gutter + 1);
    for origin in &f.origins {
        let _ = writeln!(
            out,
            "{pad}{} {}: {}",
            style.paint("1;36", "= rendered from"),
            origin.role,
            style.paint(
                "1",
                &format!(
                    "{}:{}:{}",
                    sanitize(&origin.path),
                    origin.start.line,
                    origin.start.column
                )
            ),
        );
        if let Some(text) = sources.text(&origin.path) {
            let index = indexes.of(&origin.path, text);
            let (frame, _) =
                code_frame_in(text, index, origin.start, origin.end, "1;34", style, gutter);
            out.push_str(&frame);
        }
    }
    if !f.remediation.is_empty() {
        let _ = writeln!(
            out,
            "{pad}{} {}",
            style.paint("1;36", "= fix:"),
            sanitize(&f.remediation)
        );
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(
            out,
            "{pad}{} {} ({})",
            style.paint("1;36", "= autofix:"),
            sanitize(&fix.message),
            fix_how(fix.applicability)
        );
    }
    if !f.help.is_empty() {
        let _ = writeln!(
            out,
            "{pad}{} {}",
            style.paint("1;36", "= help:"),
            sanitize(&f.help)
        );
    }
}

fn error_block(
    out: &mut String,
    e: &ScanError,
    sources: &dyn Sources,
    indexes: &mut Indexes,
    style: &Style,
) {
    let place = match e.start {
        Some(p) => format!("{}:{}:{}", sanitize(&e.path), p.line, p.column),
        None => sanitize(&e.path),
    };
    let _ = writeln!(
        out,
        "{}: {} {}",
        style.paint("1", &place),
        style.paint("1;31", &format!("error[{}]", e.kind.as_str())),
        sanitize(&e.message)
    );
    if let (Some(start), Some(end), Some(text)) = (e.start, e.end, sources.text(&e.path)) {
        let index = indexes.of(&e.path, text);
        let (frame, _) = code_frame_in(text, index, start, end, "1;31", style, 0);
        out.push_str(&frame);
    }
}

/// The summary line, without colour:
/// `Scanned 3 files (2 documents): 4 findings (1 critical, 3 medium), 1 suppressed, 2 errors`.
pub fn summary(report: &Report) -> String {
    summary_line(report, &Style { on: false })
}

fn summary_line(report: &Report, style: &Style) -> String {
    let s = &report.summary;
    let mut line = format!(
        "Scanned {} ({}): ",
        plural(s.files, "file", "files"),
        plural(s.documents, "document", "documents")
    );
    let counts = &s.findings;
    let total = counts.total();
    if total == 0 {
        line.push_str(&style.paint("1;32", "no findings"));
    } else {
        let parts: Vec<String> = Severity::ALL
            .into_iter()
            .filter_map(|sev| {
                let n = match sev {
                    Severity::Critical => counts.critical,
                    Severity::High => counts.high,
                    Severity::Medium => counts.medium,
                    Severity::Low => counts.low,
                    Severity::Info => counts.info,
                };
                (n > 0).then(|| style.paint(Style::severity_code(sev), &format!("{n} {sev}")))
            })
            .collect();
        let _ = write!(
            line,
            "{} ({})",
            plural(total, "finding", "findings"),
            parts.join(", ")
        );
    }
    if !report.suppressed.is_empty() {
        let _ = write!(line, ", {} suppressed", report.suppressed.len());
    }
    if !report.errors.is_empty() {
        let _ = write!(
            line,
            ", {}",
            style.paint("1;31", &plural(report.errors.len(), "error", "errors"))
        );
    }
    line
}

/// ` [*]` after the rule id of a finding `--fix` resolves (ruff's marker).
fn fix_marker(f: &Finding, style: &Style) -> String {
    match &f.fix {
        Some(fix) if fix.applies_at(Applicability::Safe) => {
            format!(" {}", style.paint("1;32", "[*]"))
        }
        _ => String::new(),
    }
}

fn fix_how(applicability: Applicability) -> &'static str {
    match applicability {
        Applicability::Safe => "--fix",
        Applicability::Unsafe => "--unsafe-fixes",
        Applicability::DisplayOnly => "display only: apply it by hand",
    }
}

/// `[*] N fixable with --fix (M more with --unsafe-fixes)`, or nothing.
fn fixable_line(report: &Report, style: &Style) -> Option<String> {
    let count = |a: Applicability| {
        report
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == a))
            .count()
    };
    let (safe, unsafe_fixes) = (count(Applicability::Safe), count(Applicability::Unsafe));
    if safe + unsafe_fixes == 0 {
        return None;
    }
    let mut line = format!("{} {safe} fixable with `--fix`", style.paint("1;32", "[*]"));
    if unsafe_fixes > 0 {
        let _ = write!(line, " ({unsafe_fixes} more with `--unsafe-fixes`)");
    }
    Some(line)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Replace control characters (other than tab) with their visible "control
/// picture" (U+2400 block), and C1 controls and bidirectional overrides with
/// U+FFFD, so text from scanned files (paths, names, messages) can neither drive
/// the terminal nor forge report lines. Every human-readable format (text,
/// concise, GitHub annotations) and the CLI's messages on standard error use it.
pub fn sanitize(text: &str) -> String {
    text.chars().map(visible).collect()
}

fn visible(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' if c != '\t' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('?'),
        '\u{7f}' => '\u{2421}',
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        _ => c,
    }
}

/// The code frame for `start..end` in `text`, and the gutter width it used.
#[cfg(test)]
fn code_frame(
    text: &str,
    start: Position,
    end: Position,
    caret_code: &str,
    style: &Style,
) -> (String, usize) {
    code_frame_in(
        text,
        &LineIndex::new(text),
        start,
        end,
        caret_code,
        style,
        0,
    )
}

/// Bytes of a long line kept before the carets' start (then up to
/// [`EXCERPT_AFTER`] after it): work per frame does not grow with the line.
const EXCERPT_BEFORE: usize = 256;
const EXCERPT_AFTER: usize = 1024;

/// [`code_frame`] with the text's line index, and a gutter at least `min_width`
/// wide (to line up with other frames of the same finding).
fn code_frame_in(
    text: &str,
    index: &LineIndex,
    start: Position,
    end: Position,
    caret_code: &str,
    style: &Style,
    min_width: usize,
) -> (String, usize) {
    let first = start.line.to_zero_indexed();
    let mut last = end.line.to_zero_indexed().max(first);
    // A span that ends right after a line break ends on the line before.
    if last > first && end.column.get() == 1 {
        last -= 1;
    }
    let line_count = u32::try_from(index.line_count()).unwrap_or(u32::MAX);
    if first >= line_count {
        return (String::new(), min_width.max(1));
    }
    last = last.min(line_count.saturating_sub(1));
    let shown: Vec<Option<u32>> = if last - first + 1 > MAX_FRAME_LINES {
        (first..first + HEAD_LINES)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((last + 1 - TAIL_LINES..=last).map(Some))
            .collect()
    } else {
        (first..=last).map(Some).collect()
    };
    let width = (last + 1).to_string().len().max(min_width);
    let blank = " ".repeat(width);
    let bar = style.paint("1;34", "|");
    let mut out = String::new();
    let _ = writeln!(out, "{blank} {bar}");
    for line in shown {
        let Some(line) = line else {
            let _ = writeln!(out, "{}", style.paint("1;34", "..."));
            continue;
        };
        let line_span = index.line_span(line, text);
        let content = line_span.text(text);
        // Caret range in bytes of the line, end exclusive.
        let from = if line == first {
            (start.offset.saturating_sub(line_span.start) as usize).min(content.len())
        } else {
            content
                .bytes()
                .take(EXCERPT_AFTER)
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count()
        };
        let to = if line == last && end.line.to_zero_indexed() == line {
            (end.offset.saturating_sub(line_span.start) as usize).min(content.len())
        } else {
            content.len()
        };
        let (excerpt, from, to, clipped) = excerpt(content, from, to.max(from));
        let (shown_text, caret_from, caret_to) = window(excerpt, from, to, clipped);
        let number = style.paint("1;34", &format!("{:>width$}", line + 1));
        if shown_text.is_empty() {
            let _ = writeln!(out, "{number} {bar}");
        } else {
            let _ = writeln!(out, "{number} {bar} {shown_text}");
        }
        let carets = if start == end {
            1
        } else {
            caret_to.saturating_sub(caret_from)
        };
        if carets > 0 {
            let _ = writeln!(
                out,
                "{blank} {bar} {}{}",
                " ".repeat(caret_from),
                style.paint(caret_code, &"^".repeat(carets))
            );
        }
    }
    (out, width)
}

/// Terminal columns a character takes: tabs [`TAB_WIDTH`], combining marks and
/// zero-width characters none, East Asian wide characters and emoji two.
fn display_width(c: char) -> usize {
    match u32::from(c) {
        0x09 => TAB_WIDTH,
        0x0300..=0x036F | 0x200B..=0x200F | 0x20D0..=0x20FF | 0xFE00..=0xFE0F => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// The part of a line around byte range `from..to` that a frame can show, with
/// the range in characters of that part, and whether the line goes on before and
/// after it. Short lines are kept whole (exact); a long line is cut to
/// [`EXCERPT_BEFORE`] bytes before `from` and [`EXCERPT_AFTER`] after it.
fn excerpt(content: &str, from: usize, to: usize) -> (&str, usize, usize, (bool, bool)) {
    let floor = |mut i: usize| {
        i = i.min(content.len());
        while !content.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (lo, hi) = if content.len() <= EXCERPT_BEFORE + EXCERPT_AFTER {
        (0, content.len())
    } else {
        (
            floor(from.saturating_sub(EXCERPT_BEFORE)),
            floor(from.saturating_add(EXCERPT_AFTER)),
        )
    };
    let part = content.get(lo..hi).unwrap_or("");
    let chars = |end: usize| {
        content
            .get(lo..floor(end).clamp(lo, hi))
            .map_or(0, |s| s.chars().count())
    };
    (part, chars(from), chars(to), (lo > 0, hi < content.len()))
}

/// Lay out one source line for display: expand tabs, make control characters
/// visible and cut lines wider than [`MAX_LINE_WIDTH`] to a window around the
/// carets. `clipped` says the line goes on before / after `content` (an excerpt).
/// Returns the text and the carets' display columns (0-based, end exclusive).
fn window(content: &str, from: usize, to: usize, clipped: (bool, bool)) -> (String, usize, usize) {
    let chars: Vec<char> = content.chars().collect();
    // Display column where each character starts; `cols[len]` is the line's width.
    let mut cols = Vec::with_capacity(chars.len() + 1);
    let mut width = 0usize;
    for c in &chars {
        cols.push(width);
        width += display_width(*c);
    }
    cols.push(width);
    // Columns past the end (a caret after the last character) continue one by one.
    let col = |i: usize| -> usize {
        cols.get(i)
            .copied()
            .unwrap_or(width + i.saturating_sub(chars.len()))
    };
    let cell = |c: &char| -> String {
        if *c == '\t' {
            " ".repeat(TAB_WIDTH)
        } else {
            visible(*c).to_string()
        }
    };
    if width <= MAX_LINE_WIDTH && clipped == (false, false) {
        return (chars.iter().map(cell).collect(), col(from), col(to));
    }
    // Keep up to 16 columns of context before the span, then fill the width.
    let len = chars.len();
    let mut lo = from.min(len);
    while lo > 0 && col(from) - col(lo - 1) <= 16 {
        lo -= 1;
    }
    let mut hi = lo;
    while hi < len && col(hi + 1) - col(lo) <= MAX_LINE_WIDTH {
        hi += 1;
    }
    let (before, after) = (lo > 0 || clipped.0, hi < len || clipped.1);
    let left = usize::from(before);
    let mut text = String::new();
    if before {
        text.push('…');
    }
    text.extend(chars.get(lo..hi).unwrap_or_default().iter().map(cell));
    if after {
        text.push('…');
    }
    let visible_end = col(hi) + usize::from(after);
    let caret_from = col(from) - col(lo) + left;
    let caret_to = col(to).min(visible_end).saturating_sub(col(lo)) + left;
    (text, caret_from, caret_to.max(caret_from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{fixtures, NoSources};

    #[test]
    fn snapshot_plain() {
        let (report, sources) = fixtures::report();
        insta::assert_snapshot!(render(&report, &sources, false));
    }

    #[test]
    fn snapshot_colour() {
        let (report, sources) = fixtures::report();
        let out = render(&report, &sources, true);
        assert!(out.contains("\x1b[1;35mCRITICAL\x1b[0m"));
        insta::assert_snapshot!(out.replace('\x1b', "\\e"));
    }

    #[test]
    fn without_sources_there_is_no_frame() {
        let (report, _) = fixtures::report();
        let out = render(&report, &NoSources, false);
        assert!(!out.contains(" | "));
        assert!(out.contains("app/Dockerfile:2:6: MEDIUM DF0001 Image uses the latest tag"));
    }

    #[test]
    fn long_spans_are_elided_and_empty_spans_get_one_caret() {
        let text = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let index = LineIndex::new(text);
        let (s, e) = index.range(text, crate::Span::new(0, 15));
        let (frame, _) = code_frame(text, s, e, "0", &Style { on: false });
        insta::assert_snapshot!(frame, @r"
          |
        1 | a
          | ^
        2 | b
          | ^
        3 | c
          | ^
        ...
        7 | g
          | ^
        8 | h
          | ^
        ");
        let (s, e) = index.range(text, crate::Span::empty_at(2));
        let (frame, _) = code_frame(text, s, e, "0", &Style { on: false });
        assert_eq!(frame, "  |\n2 | b\n  | ^\n");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let text = "LABEL 名前=\"値\" x=1\n";
        let at = text.find("x=1").unwrap();
        let index = LineIndex::new(text);
        let (s, e) = index.range(text, crate::Span::from_range(at..at + 3));
        let (frame, _) = code_frame(text, s, e, "0", &Style { on: false });
        // `LABEL ` 6 + 名前 4 + `="` 2 + 値 2 + `" ` 2 = column 16.
        assert_eq!(
            frame,
            format!("  |\n1 | {}\n  | {}^^^\n", text.trim_end(), " ".repeat(16))
        );
    }

    #[test]
    fn tabs_control_characters_and_long_lines() {
        let text = "\tRUN x\x1b[2J\n";
        let index = LineIndex::new(text);
        let (s, e) = index.range(text, crate::Span::new(5, 6));
        let (frame, _) = code_frame(text, s, e, "0", &Style { on: false });
        assert_eq!(frame, "  |\n1 |     RUN x␛[2J\n  |         ^\n");

        let long = format!("RUN {} secret {}\n", "a".repeat(300), "b".repeat(300));
        let at = long.find("secret").unwrap();
        let index = LineIndex::new(&long);
        let (s, e) = index.range(&long, crate::Span::from_range(at..at + 6));
        let (frame, _) = code_frame(&long, s, e, "0", &Style { on: false });
        let lines: Vec<&str> = frame.lines().collect();
        let shown = lines[1].trim_start_matches("1 | ");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.chars().count() <= MAX_LINE_WIDTH + 2);
        let caret_at = lines[2].find('^').unwrap() - "  | ".len();
        let secret_at = shown.find("secret").unwrap();
        // Carets sit under `secret` (the ellipsis is 3 bytes but one column).
        assert_eq!(caret_at, shown[..secret_at].chars().count());
        assert_eq!(lines[2].matches('^').count(), 6);
    }
}
