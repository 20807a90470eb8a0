//! Report renderers: human-readable text with code frames, concise text (one
//! line per finding), the JSON contract,
//! SARIF 2.1.0 for code-scanning services, GitHub Actions workflow commands,
//! flat records for data pipelines, and the Markdown rule reference
//! (`docs/rules.md`).
//!
//! Renderers are pure functions of a [`Report`] (and, where they show or hash
//! source text, the scanned [`Sources`]): the same report renders to the same
//! bytes, so their output can be snapshot-tested and diffed.

pub mod concise;
pub mod docs;
pub mod github;
pub mod json;
pub mod records;
pub mod sarif;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::str::FromStr;

use crate::finding::Report;

pub use text::sanitize;

/// Access to the text of scanned sources, by the path they are reported under.
///
/// The text renderer shows code frames from it and SARIF hashes the offending
/// text into fingerprints; both degrade gracefully (no frame, a position-based
/// fingerprint) when a path has no text, e.g. with [`NoSources`]. The files
/// rendered sources came from are looked up the same way, by their paths (the
/// text renderer frames a finding's origins with them): a [`Source`] answers for
/// its origin files too, and [`SourceIndex`] for many sources and theirs.
///
/// [`Source`]: crate::source::Source
pub trait Sources {
    /// The text of the file at `path`, when known.
    fn text(&self, path: &str) -> Option<&str>;
}

/// The texts of scanned sources and of the files rendered ones came from, by
/// path, looked up in constant time (for renderers over many sources).
#[derive(Debug, Clone, Default)]
pub struct SourceIndex<'a> {
    texts: HashMap<&'a str, &'a str>,
}

impl<'a> SourceIndex<'a> {
    /// Index `sources` and their origin files; a scanned source wins over an
    /// origin file with the same path.
    pub fn new(sources: &'a [crate::source::Source]) -> Self {
        let mut texts = HashMap::new();
        for source in sources {
            texts.insert(source.path(), source.text());
        }
        for rendering in sources.iter().filter_map(|s| s.rendering()) {
            for (_, file) in rendering.files().iter() {
                texts.entry(file.path()).or_insert(file.text());
            }
        }
        Self { texts }
    }
}

impl Sources for SourceIndex<'_> {
    fn text(&self, path: &str) -> Option<&str> {
        self.texts.get(path).copied()
    }
}

impl<S: BuildHasher> Sources for HashMap<String, String, S> {
    fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(String::as_str)
    }
}

impl Sources for BTreeMap<String, String> {
    fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(String::as_str)
    }
}

/// The source's own text, and for a rendered source the texts of its origin files.
impl Sources for crate::source::Source {
    fn text(&self, path: &str) -> Option<&str> {
        if self.path() == path {
            return Some(crate::source::Source::text(self));
        }
        self.rendering()?
            .files()
            .find(path)
            .map(crate::source::Source::text)
    }
}

impl<T: Sources + ?Sized> Sources for &T {
    fn text(&self, path: &str) -> Option<&str> {
        (**self).text(path)
    }
}

/// No source text: renderers show positions only.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSources;

impl Sources for NoSources {
    fn text(&self, _path: &str) -> Option<&str> {
        None
    }
}

/// An output format of `stockade scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Human-readable text with code frames.
    #[default]
    Text,
    /// The report as JSON (the shape the bindings return).
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One line per finding, `path:line:col: ID [severity] title` (as ruff's
    /// `--output-format concise`).
    Concise,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Concise,
    ];

    /// Whether [`render`] reads the scanned texts for this format (to quote
    /// the lines of a finding); the others need only the report.
    pub fn quotes_sources(self) -> bool {
        matches!(self, Format::Text | Format::Sarif)
    }

    /// The format's name, as `--format` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Concise => "concise",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown format `{s}` (expected text, json, sarif, github or concise)")
            })
    }
}

/// Presentation options shared by the renderers (each uses what applies to it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colour in the text format.
    pub color: bool,
    /// Indented JSON and SARIF (both are compact by default).
    pub pretty: bool,
    /// The text formats list every skipped entry with its reason (by default
    /// the summary counts them by kind).
    pub verbose: bool,
}

/// Render `report` in `format`. The result ends with a newline unless empty.
pub fn render(
    report: &Report,
    format: Format,
    sources: &dyn Sources,
    options: RenderOptions,
) -> String {
    match format {
        Format::Text => text::render_verbose(report, sources, options.color, options.verbose),
        Format::Concise => concise::render(report, options.verbose),
        Format::Json => json::render(report, options.pretty),
        Format::Sarif => sarif::render(report, sources, options.pretty),
        Format::Github => github::render(report),
    }
}

/// 64-bit FNV-1a: a small hash whose value is stable across Rust versions and
/// platforms (unlike `DefaultHasher`), for fingerprints that must not change.
pub(crate) fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0u8)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Synthetic reports for the renderers' snapshot tests: they do not depend on
    //! any rule pack beyond the meta rule `ST0001`.

    use std::collections::BTreeMap;

    use crate::finding::{ErrorKind, Finding, Problem, Report, ScanError, SuppressionRef};
    use crate::rule::{Category, Severity};
    use crate::source::{Source, Span};
    use crate::suppress::UNUSED_SUPPRESSION;
    use crate::Diagnostic;

    pub const DOCKERFILE: &str = "# stockade ignore=DF0042\nFROM node:latest\nUSER root\nRUN curl -fsSL https://example.com/install.sh \\\n    | sh\nENV API_TOKEN=\"s3cr€t\"\n";
    pub const BROKEN: &str = "FROM alpine\nRUN echo \"unterminated\n";

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap();
        Span::from_range(start..start + needle.len())
    }

    fn remediation(rule: &str) -> &'static str {
        match rule {
            "DF0001" => "Pin the image to a version, e.g. `node:22.11-bookworm-slim`.",
            "DF0010" => "Download the script, verify its checksum, then run it.",
            "DF0020" => "Pass secrets at build time with `RUN --mount=type=secret`.",
            _ => "Add a `USER` instruction with an unprivileged user.",
        }
    }

    fn synthetic(
        source: &Source,
        rule: &str,
        severity: Severity,
        title: &str,
        needle: &str,
        message: &str,
    ) -> Finding {
        let span = span_of(source.text(), needle);
        let (start, end) = source.line_index().range(source.text(), span);
        // Through serde: `Finding` is non-exhaustive outside its crate.
        serde_json::from_value(serde_json::json!({
            "rule": rule,
            "aliases": ["DL3007"],
            "severity": severity,
            "category": Category::Security,
            "title": title,
            "message": message,
            "remediation": remediation(rule),
            "help": format!(
                "https://github.com/stockade-dev/stockade/blob/main/docs/rules.md#{}",
                rule.to_ascii_lowercase()
            ),
            "path": source.path(),
            "document": 0,
            "object": "stage 0",
            "pointer": "FROM",
            "start": start,
            "end": end,
        }))
        .expect("a synthetic finding")
    }

    /// A report over two files with findings of several severities (one spanning
    /// two lines, one on a line with multi-byte characters), a real `ST0001`
    /// finding, a suppressed finding, a located parse error and an io error.
    pub fn report() -> (Report, BTreeMap<String, String>) {
        let docker = Source::new("app/Dockerfile", DOCKERFILE);
        let broken = Source::new("broken/Dockerfile", BROKEN);
        let mut report = Report::default();
        // Fixed, so that snapshots survive version bumps.
        report.version = "0.0.0-test".to_string();
        report.findings.push(synthetic(
            &docker,
            "DF0001",
            Severity::Medium,
            "Image uses the latest tag",
            "node:latest",
            "`node:latest` is not pinned: builds change without notice",
        ));
        report.findings.push(synthetic(
            &docker,
            "DF0010",
            Severity::Critical,
            "Remote script piped into a shell",
            "curl -fsSL https://example.com/install.sh \\\n    | sh",
            "a script downloaded with curl is run by sh",
        ));
        report.findings.push(synthetic(
            &docker,
            "DF0020",
            Severity::High,
            "Secret in ENV",
            "API_TOKEN=\"s3cr€t\"",
            "ENV `API_TOKEN` looks like a secret; it stays in the image",
        ));
        let unused = Diagnostic::new(
            &UNUSED_SUPPRESSION,
            span_of(DOCKERFILE, "DF0042"),
            "suppression names `DF0042`, which is neither a Stockade rule nor an alias of one",
        );
        report.findings.push(unused.to_finding(&docker));
        let mut suppressed = synthetic(
            &docker,
            "DF0002",
            Severity::Low,
            "Last user is root",
            "USER root",
            "the image runs as root",
        );
        suppressed.suppression = Some(SuppressionRef {
            line: 1,
            kind: "comment".to_string(),
            path: None,
        });
        report.suppressed.push(suppressed);
        report.errors.push(
            Problem::parse(
                span_of(BROKEN, "\"unterminated\n"),
                "unterminated double-quoted string",
            )
            .to_error(&broken),
        );
        report.errors.push(ScanError::file(
            ErrorKind::Io,
            "secret/Dockerfile",
            "permission denied (os error 13)",
        ));
        report.summary.files = 3;
        report.summary.documents = 2;
        report.summary.kinds.insert("Dockerfile".to_string(), 2);
        report.sort();
        report.recount();
        let mut sources = BTreeMap::new();
        sources.insert(docker.path().to_string(), DOCKERFILE.to_string());
        sources.insert(broken.path().to_string(), BROKEN.to_string());
        (report, sources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A format reads the scanned texts exactly when `quotes_sources` says
    /// so: its report changes without them, and no other format's does.
    #[test]
    fn quotes_sources_says_which_formats_read_the_texts() {
        let (report, sources) = fixtures::report();
        for format in Format::ALL {
            let options = RenderOptions::default();
            let with = render(&report, format, &sources, options);
            let without = render(&report, format, &NoSources, options);
            assert_eq!(with != without, format.quotes_sources(), "{format:?}");
        }
    }

    #[test]
    fn formats_parse_case_insensitively() {
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        assert_eq!(" github ".parse::<Format>(), Ok(Format::Github));
        assert!("xml".parse::<Format>().is_err());
    }

    #[test]
    fn fnv1a_is_stable_and_separates_parts() {
        // The 0-byte after each part keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        assert_eq!(fnv1a(&["x"]), fnv1a(&["x"]));
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        // FNV-1a 64 of the bytes "a\0" (offset basis, xor/multiply per byte).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in [b'a', 0] {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        assert_eq!(fnv1a(&["a"]), h);
    }
}
