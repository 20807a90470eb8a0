//! The finding model: what rules emit ([`Diagnostic`], byte spans, inside the
//! engine) and what leaves the engine ([`Finding`], [`ScanError`], [`Report`],
//! with line/column positions). The JSON shape of [`Report`] is the public
//! contract shared by the CLI and every binding.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::fix::{Fix, LocatedFix};
use crate::origin::OriginRole;
use crate::rule::{Category, RuleMeta, Severity};
use crate::source::{Position, Source, Span};

/// Metadata of a rule that exists only at run time (a Gatekeeper constraint, a
/// conftest or Kyverno policy rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicRule {
    pub id: String,
    pub aliases: Vec<String>,
    pub severity: Severity,
    pub category: Category,
    pub title: String,
    pub remediation: String,
    pub help: String,
}

/// The rule a diagnostic belongs to.
#[derive(Debug, Clone)]
pub enum RuleRef {
    Static(&'static RuleMeta),
    Dynamic(Arc<DynamicRule>),
}

impl RuleRef {
    pub fn id(&self) -> &str {
        match self {
            RuleRef::Static(m) => m.id,
            RuleRef::Dynamic(d) => &d.id,
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            RuleRef::Static(m) => m.severity,
            RuleRef::Dynamic(d) => d.severity,
        }
    }

    /// Whether a suppression naming `name` covers this rule (id or alias, case-insensitive).
    pub fn answers_to(&self, name: &str) -> bool {
        match self {
            RuleRef::Static(m) => m.answers_to(name),
            RuleRef::Dynamic(d) => {
                d.id.eq_ignore_ascii_case(name)
                    || d.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
            }
        }
    }
}

impl From<&'static RuleMeta> for RuleRef {
    fn from(m: &'static RuleMeta) -> Self {
        RuleRef::Static(m)
    }
}

/// A finding inside the engine: byte span, not yet positioned.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Diagnostic {
    pub rule: RuleRef,
    pub message: String,
    pub span: Span,
    /// Index of the document within its file (YAML documents; 0 for a Dockerfile).
    pub document: usize,
    /// The stage (`stage builder`) or object (`Deployment/ns/name`) the finding is about.
    pub object: Option<String>,
    /// The instruction (`RUN`, `FROM#2`) or JSON pointer (`/spec/template/spec/containers/0/image`).
    pub pointer: Option<String>,
    /// Set when configuration or the policy overrides the rule's severity.
    pub severity: Option<Severity>,
    /// Remediation written for this finding (naming its package, its image …),
    /// instead of the rule's generic text.
    pub remediation: Option<String>,
    /// The edits that resolve the finding, when the rule knows them.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(rule: impl Into<RuleRef>, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            message: message.into(),
            span,
            document: 0,
            object: None,
            pointer: None,
            severity: None,
            remediation: None,
            fix: None,
        }
    }

    /// Attach the edits that resolve this finding.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Replace the rule's remediation text for this finding.
    #[must_use]
    pub fn with_remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = Some(remediation.into());
        self
    }

    #[must_use]
    pub fn with_object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    #[must_use]
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    #[must_use]
    pub fn in_document(mut self, document: usize) -> Self {
        self.document = document;
        self
    }

    pub fn effective_severity(&self) -> Severity {
        self.severity.unwrap_or_else(|| self.rule.severity())
    }

    /// Position the diagnostic in `source`; when `source` is rendered, also
    /// position its origins (the smallest origin segment covering the span) in
    /// their files.
    pub fn to_finding(&self, source: &Source) -> Finding {
        let (start, end) = source.line_index().range(source.text(), self.span);
        let origins = source.rendering().map_or_else(Vec::new, |rendering| {
            rendering
                .origins_of(self.span)
                .map(|(origin, file)| {
                    let (start, end) = file.line_index().range(file.text(), origin.span);
                    OriginLocation {
                        path: file.path().to_string(),
                        start,
                        end,
                        role: origin.role,
                    }
                })
                .collect()
        });
        let (aliases, category, title, remediation, help) = match &self.rule {
            RuleRef::Static(m) => (
                m.aliases.iter().map(|a| (*a).to_string()).collect(),
                m.category,
                m.title.to_string(),
                m.remediation.to_string(),
                m.help_url(),
            ),
            RuleRef::Dynamic(d) => (
                d.aliases.clone(),
                d.category,
                d.title.clone(),
                d.remediation.clone(),
                d.help.clone(),
            ),
        };
        let remediation = self.remediation.clone().unwrap_or(remediation);
        Finding {
            rule: self.rule.id().to_string(),
            aliases,
            severity: self.effective_severity(),
            category,
            title,
            message: self.message.clone(),
            remediation,
            help,
            path: source.path().to_string(),
            document: self.document,
            object: self.object.clone(),
            pointer: self.pointer.clone(),
            start,
            end,
            origins,
            fix: self.fix.as_ref().map(|f| f.to_located(source)),
            suppression: None,
        }
    }
}

/// Where a suppressed finding was suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionRef {
    /// 1-based line of the suppression comment (or of the annotation).
    pub line: u32,
    /// `comment`, `global-comment`, `annotation` or `config`.
    pub kind: String,
    /// The file the directive is in, when it is not the finding's own: an origin
    /// file (template, values file, base) of a rendered document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Where part of a rendered document came from, positioned in that file: a
/// template's text, a values file's value, a base resource, a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginLocation {
    pub path: String,
    pub start: Position,
    pub end: Position,
    pub role: OriginRole,
}

/// A positioned finding, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    pub rule: String,
    pub aliases: Vec<String>,
    pub severity: Severity,
    pub category: Category,
    pub title: String,
    pub message: String,
    pub remediation: String,
    pub help: String,
    pub path: String,
    pub document: usize,
    pub object: Option<String>,
    pub pointer: Option<String>,
    pub start: Position,
    pub end: Position,
    /// For a finding in a rendered document: where the offending text came from
    /// (`start`/`end` above are in the rendered text). Absent for plain files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<OriginLocation>,
    /// The edits that resolve the finding, positioned (see [`crate::fix`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<LocatedFix>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<SuppressionRef>,
}

impl Finding {
    /// This finding moved to its origin in the file at `path` (see
    /// [`Report::in_file`]); `None` when no origin lies there.
    #[must_use]
    pub fn at_origin_in(mut self, path: &str) -> Option<Finding> {
        let here = |role: Option<OriginRole>| {
            self.origins
                .iter()
                .find(|o| o.path == path && role.is_none_or(|r| o.role == r))
                .cloned()
        };
        let at = here(Some(OriginRole::Value)).or_else(|| here(None))?;
        self.path = path.to_string();
        self.start = at.start;
        self.end = at.end;
        self.fix = None;
        Some(self)
    }

    /// The order findings are reported in: path, document, start, end, rule.
    pub fn sort_key(&self) -> (&str, usize, u32, u32, &str) {
        (
            &self.path,
            self.document,
            self.start.offset,
            self.end.offset,
            &self.rule,
        )
    }
}

/// What kind of problem stopped (part of) a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not valid in its format (YAML, Dockerfile, JSON, Rego).
    Parse,
    /// The configuration or a rule option is invalid.
    Config,
    /// A policy (Rego, Gatekeeper template, Kyverno) could not be compiled or evaluated.
    Policy,
    /// A limit was hit (size, depth, alias expansion, time).
    Limit,
    /// A file could not be read.
    Io,
    /// The input's kind is not supported.
    Unsupported,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Parse => "parse",
            ErrorKind::Config => "config",
            ErrorKind::Policy => "policy",
            ErrorKind::Limit => "limit",
            ErrorKind::Io => "io",
            ErrorKind::Unsupported => "unsupported",
        }
    }
}

/// An error inside the engine: byte span, not yet positioned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct Problem {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Span,
    pub document: Option<usize>,
}

impl Problem {
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            span,
            document: None,
        }
    }

    pub fn parse(span: Span, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Parse, span, message)
    }

    #[must_use]
    pub fn in_document(mut self, document: usize) -> Self {
        self.document = Some(document);
        self
    }

    pub fn to_error(&self, source: &Source) -> ScanError {
        let (start, end) = source.line_index().range(source.text(), self.span);
        ScanError {
            kind: self.kind,
            path: source.path().to_string(),
            document: self.document,
            message: self.message.clone(),
            start: Some(start),
            end: Some(end),
        }
    }
}

/// A positioned error, as reported. Position is absent only for errors that are
/// not about a place in a file (an unreadable path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{path}{}: {message}", .start.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default())]
#[non_exhaustive]
pub struct ScanError {
    pub kind: ErrorKind,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    pub message: String,
    pub start: Option<Position>,
    pub end: Option<Position>,
}

impl ScanError {
    /// An error about a whole file (e.g. it could not be read).
    pub fn file(kind: ErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            path: path.into(),
            document: None,
            message: message.into(),
            start: None,
            end: None,
        }
    }

    /// The same error located from `start` to `end`.
    #[must_use]
    pub fn at(mut self, start: Position, end: Position) -> Self {
        self.start = Some(start);
        self.end = Some(end);
        self
    }
}

/// Findings counted by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl SeverityCounts {
    pub fn add(&mut self, severity: Severity) {
        *self.slot(severity) += 1;
    }

    fn slot(&mut self, severity: Severity) -> &mut usize {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

/// A document that was read but not checked by any pack, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Skipped {
    pub path: String,
    pub document: usize,
    /// What it is (`ConfigMap`, `not a Kubernetes object`, …).
    pub kind: String,
    pub reason: String,
}

impl Skipped {
    /// Document `document` of `path`, of kind `kind`, skipped for `reason`.
    pub fn new(
        path: impl Into<String>,
        document: usize,
        kind: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            document,
            kind: kind.into(),
            reason: reason.into(),
        }
    }
}

/// Counts over a whole scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub findings: SeverityCounts,
    /// Documents by what they were read as (`Dockerfile`, `Deployment`, …).
    #[serde(default)]
    pub kinds: BTreeMap<String, usize>,
    /// Documents no pack had anything to check in, each with the reason.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// Things worth saying once about the whole scan, sorted and without
    /// repeats: another tool's rule id named in a suppression or the
    /// configuration that Stockade does not implement ([`foreign_id_notice`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

/// The notice for another tool's rule id that no Stockade rule answers to.
pub fn foreign_id_notice(name: &str, tool: &str) -> String {
    format!("`{name}` is a {tool} rule that Stockade does not implement: suppressions and settings naming it have no effect")
}

/// The result of a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    pub version: String,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ScanError>,
    pub summary: Summary,
}

impl Default for Report {
    fn default() -> Self {
        Self {
            version: crate::VERSION.to_string(),
            findings: Vec::new(),
            suppressed: Vec::new(),
            errors: Vec::new(),
            summary: Summary::default(),
        }
    }
}

impl Report {
    /// What of this report belongs in the file at `path`, as an editor showing
    /// that file needs it: each finding one of whose origins lies there, moved
    /// to that origin (a value's line before a template's: that is where the
    /// offending setting is written; its fix, which edits another text, is
    /// dropped), and the errors located in it.
    #[must_use]
    pub fn in_file(mut self, path: &str) -> Report {
        let findings = std::mem::take(&mut self.findings);
        self.findings = findings
            .into_iter()
            .filter_map(|f| f.at_origin_in(path))
            .collect();
        self.errors.retain(|e| e.path == path);
        self
    }

    /// Append another report (of another file) to this one.
    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.suppressed.extend(other.suppressed);
        self.errors.extend(other.errors);
        let s = &mut self.summary;
        s.files += other.summary.files;
        s.documents += other.summary.documents;
        for (kind, n) in other.summary.kinds {
            *s.kinds.entry(kind).or_default() += n;
        }
        s.skipped.extend(other.summary.skipped);
        s.notices.extend(other.summary.notices);
        s.notices.sort();
        s.notices.dedup();
        self.recount();
    }

    /// Recompute the severity counts from `findings`.
    pub fn recount(&mut self) {
        let mut counts = SeverityCounts::default();
        for f in &self.findings {
            counts.add(f.severity);
        }
        self.summary.findings = counts;
    }

    /// Keep only findings whose severity is in `keep` (the CLI's `--severity`).
    pub fn retain_severities(&mut self, keep: &[Severity]) {
        self.findings.retain(|f| keep.contains(&f.severity));
        self.recount();
    }

    /// Sort findings by path, position and rule, for stable output.
    pub fn sort(&mut self) {
        let key = |f: &Finding| {
            (
                f.path.clone(),
                f.document,
                f.start.offset,
                f.end.offset,
                f.rule.clone(),
            )
        };
        self.findings.sort_by_cached_key(key);
        self.suppressed.sort_by_cached_key(key);
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
