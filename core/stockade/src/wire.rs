//! The JavaScript shape of Stockade's results and options, defined once for the
//! Node addon and the WebAssembly build.
//!
//! Both bindings only convert: they build these types from the core's values,
//! serialise them through `serde_json::Value` (so both give the same keys in the
//! same order) and read their options into them. The TypeScript declarations of
//! both packages are printed from the same definitions ([`ts::render`], run by
//! `cargo run -p stockade-dts`); `scripts/test-bindings.sh` regenerates them and
//! fails when the checked-in files differ.
//!
//! Each struct has one of three shapes ([`ts::Shape`]):
//! - **results** (`Report`, `Finding`, `RuleInfo`, …): camelCase keys, UTF-16
//!   positions beside byte offsets; an absent value is left out (`field?: T`);
//! - **documents** (`Verification`, `KyvernoTestRun`, the netpol results): the JSON
//!   the CLI prints for them, keys as they are there, an absent value `null`
//!   (`field: T | null`), plus the rendered text the bindings add. They are read
//!   from the core's JSON with unknown fields rejected, so they cannot drift from it;
//! - **options** (`ScanOptions`, `SourceText`, …): what the bindings accept; an
//!   absent value may be left out or `null` (`field?: T | null`).

// Every field is documented: the comments are the TypeScript declarations' too.
#![deny(missing_docs)]

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ErrorKind, Severity, Source};

use ts::TsType;

/// Declares a wire struct: the Rust type (with its serde shape) and its TypeScript
/// declaration come from the same text. Fields may carry doc comments only.
macro_rules! wire_struct {
    ($(#[doc = $doc:literal])* #[wire(result)] pub struct $($rest:tt)*) => {
        wire_struct!(@struct Result [Serialize] [rename_all = "camelCase"]
            "TsType::is_absent" $(#[doc = $doc])* pub struct $($rest)*);
    };
    ($(#[doc = $doc:literal])* #[wire(document)] pub struct $($rest:tt)*) => {
        wire_struct!(@struct Document [Serialize, Deserialize] [deny_unknown_fields]
            "TsType::never_absent" $(#[doc = $doc])* pub struct $($rest)*);
    };
    ($(#[doc = $doc:literal])* #[wire(options)] pub struct $($rest:tt)*) => {
        wire_struct!(@struct Options [Default, Serialize, Deserialize] [rename_all = "camelCase"]
            "TsType::is_absent" $(#[doc = $doc])* pub struct $($rest)*);
    };
    (@struct $shape:ident [$($derive:ident),*] [$($serde:tt)*] $skip:literal
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $( $(#[doc = $fdoc:literal])* pub $field:ident: $ty:ty, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, $($derive),*)]
        #[serde($($serde)*)]
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                #[serde(skip_serializing_if = $skip)]
                pub $field: $ty,
            )*
        }

        impl $name {
            /// The fields' names as Rust spells them (`snake_case`).
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
        }

        impl TsType for $name {
            fn ts() -> String {
                stringify!($name).to_string()
            }
        }

        impl ts::Declare for $name {
            fn declaration() -> ts::Declaration {
                ts::Declaration::interface(
                    stringify!($name),
                    ts::Shape::$shape,
                    &[$($doc),*],
                    vec![$(ts::Field::of::<$ty>(stringify!($field), &[$($fdoc),*])),*],
                )
            }
        }
    };
}

/// Declares a string enum: serialised as the given strings, declared as their union.
macro_rules! wire_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident { $( $(#[doc = $vdoc:literal])* $variant:ident = $text:literal, )* }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[doc = $vdoc])* #[serde(rename = $text)] $variant, )*
        }

        impl TsType for $name {
            fn ts() -> String {
                ts::union(&[$($text),*])
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Results

wire_struct! {
    /// A place in the text: 1-based line and column (Unicode code points), 0-based byte
    /// offset, and the same place in UTF-16 code units (1-based column, 0-based offset)
    /// when the text is known.
    #[wire(result)]
    pub struct Position {
        /// 1-based line.
        pub line: u32,
        /// 1-based column, in Unicode code points.
        pub column: u32,
        /// 0-based byte offset into the UTF-8 text.
        pub offset: u32,
        /// 1-based column in UTF-16 code units (JavaScript string indices).
        pub utf16_column: Option<u32>,
        /// 0-based offset in UTF-16 code units: `text.slice(start.utf16Offset, end.utf16Offset)`.
        pub utf16_offset: Option<u32>,
    }
}

impl Position {
    /// `p`, with its UTF-16 position in `source` when the source is known.
    pub fn new(p: crate::Position, source: Option<&Source>) -> Self {
        let utf16 = source.map(|s| s.utf16_position(p.offset));
        Self {
            line: p.line.get(),
            column: p.column.get(),
            offset: p.offset,
            utf16_column: utf16.map(|u| u.column.get()),
            utf16_offset: utf16.map(|u| u.offset),
        }
    }
}

wire_struct! {
    /// Where a suppressed finding was suppressed.
    #[wire(result)]
    pub struct Suppression {
        /// 1-based line of the suppression comment (or of the annotation).
        pub line: u32,
        /// `comment`, `global-comment`, `annotation` or `config`.
        pub kind: String,
    }
}

wire_struct! {
    /// Where part of a rendered document came from (a Helm template, a values
    /// file, a Kustomize base or patch), positioned in that file.
    #[wire(result)]
    pub struct Origin {
        /// The file the text came from.
        pub path: String,
        /// Where it starts in that file (no UTF-16 position: the file is not at hand).
        pub start: Position,
        /// Where it ends.
        pub end: Position,
        /// `template`, `value`, `base`, `patch`, `generator` or `transformer`.
        pub role: String,
    }
}

wire_struct! {
    /// A positioned finding.
    #[wire(result)]
    pub struct Finding {
        /// The rule id: `DF0001`, or a policy's own (`K8sRequiredTeam/pods-need-team`).
        pub rule: String,
        /// The ids of other tools' matching rules (`DL3007`, …).
        pub aliases: Vec<String>,
        /// The severity, after configuration and policy overrides.
        pub severity: Severity,
        /// `security` or `best-practice`.
        pub category: String,
        /// The rule's title.
        pub title: String,
        /// What is wrong here.
        pub message: String,
        /// How to fix it.
        pub remediation: String,
        /// The rule's documentation page.
        pub help: String,
        /// The path of the file (or the name given to the text).
        pub path: String,
        /// Index of the document within its file (YAML documents; 0 for a Dockerfile).
        pub document: u32,
        /// The stage (`stage builder`) or object (`Deployment/ns/name`) the finding is about.
        pub object: Option<String>,
        /// The instruction (`RUN`, `FROM#2`) or JSON pointer (`/spec/template/spec/containers/0/image`).
        pub pointer: Option<String>,
        /// Where the offending text starts.
        pub start: Position,
        /// Where it ends.
        pub end: Position,
        /// For a finding in a rendered document: where the offending text came
        /// from (`start`/`end` are in the rendered text). Empty for plain files.
        pub origins: Vec<Origin>,
        /// Where the finding was suppressed (findings in `suppressed` only).
        pub suppression: Option<Suppression>,
        /// The edits that resolve the finding, when its rule knows them.
        pub fix: Option<Fix>,
    }
}

wire_struct! {
    /// A fix: text edits that resolve a finding, and how safe they are to apply
    /// unattended.
    #[wire(result)]
    pub struct Fix {
        /// `safe`, `unsafe` or `display-only`.
        pub applicability: String,
        /// What the fix does.
        pub message: String,
        /// The edits, in order, not overlapping.
        pub edits: Vec<FixEdit>,
    }
}

wire_struct! {
    /// Replace the text from `start` to `end` (empty for an insertion) with `content`.
    #[wire(result)]
    pub struct FixEdit {
        /// Where the replaced text starts.
        pub start: Position,
        /// Where it ends.
        pub end: Position,
        /// The new text.
        pub content: String,
        /// The file to edit when it is not the finding's own (a values file or
        /// base of a rendered document).
        pub path: Option<String>,
    }
}

impl Fix {
    /// `fix`, positioned in UTF-16 too when its edits are in `source`.
    pub fn new(fix: crate::fix::LocatedFix, source: Option<&Source>) -> Self {
        Self {
            applicability: fix.applicability.as_str().to_string(),
            message: fix.message,
            edits: fix
                .edits
                .into_iter()
                .map(|e| {
                    let own = if e.path.is_none() { source } else { None };
                    FixEdit {
                        start: Position::new(e.start, own),
                        end: Position::new(e.end, own),
                        content: e.content,
                        path: e.path,
                    }
                })
                .collect(),
        }
    }
}

impl Finding {
    /// `f`, with UTF-16 positions when its source is known.
    pub fn new(f: crate::Finding, source: Option<&Source>) -> Self {
        Self {
            rule: f.rule,
            aliases: f.aliases,
            severity: f.severity,
            category: f.category.as_str().to_string(),
            title: f.title,
            message: f.message,
            remediation: f.remediation,
            help: f.help,
            path: f.path,
            document: f.document as u32,
            object: f.object,
            pointer: f.pointer,
            start: Position::new(f.start, source),
            end: Position::new(f.end, source),
            origins: f
                .origins
                .into_iter()
                .map(|o| Origin {
                    path: o.path,
                    start: Position::new(o.start, None),
                    end: Position::new(o.end, None),
                    role: o.role.as_str().to_string(),
                })
                .collect(),
            suppression: f.suppression.map(|s| Suppression {
                line: s.line,
                kind: s.kind,
            }),
            fix: f.fix.map(|x| Fix::new(x, source)),
        }
    }
}

wire_struct! {
    /// An error inside a report (thrown errors carry the same fields).
    #[wire(result)]
    pub struct ErrorInfo {
        /// What kind of problem it is.
        pub kind: ErrorKind,
        /// `STOCKADE_PARSE`, `STOCKADE_CONFIG`, …
        pub code: String,
        /// The file (or `stockade.yaml`, or `-` for an argument).
        pub path: String,
        /// What went wrong.
        pub message: String,
        /// Index of the YAML document within its file, when known.
        pub document: Option<u32>,
        /// 1-based line of `start`, when the error has a position.
        pub line: Option<u32>,
        /// 1-based column (code points) of `start`, when the error has a position.
        pub column: Option<u32>,
        /// Where the error starts, when it has a position.
        pub start: Option<Position>,
        /// Where it ends.
        pub end: Option<Position>,
    }
}

impl ErrorInfo {
    /// `e`, with UTF-16 positions when its source is known.
    pub fn new(e: &crate::ScanError, source: Option<&Source>) -> Self {
        Self {
            kind: e.kind,
            code: format!("STOCKADE_{}", e.kind.as_str().to_ascii_uppercase()),
            path: e.path.clone(),
            message: e.message.clone(),
            document: e.document.map(|d| d as u32),
            line: e.start.map(|p| p.line.get()),
            column: e.start.map(|p| p.column.get()),
            start: e.start.map(|p| Position::new(p, source)),
            end: e.end.map(|p| Position::new(p, source)),
        }
    }
}

wire_struct! {
    /// Findings counted by severity.
    #[wire(result)]
    pub struct SeverityCounts {
        /// Findings of severity `critical`.
        pub critical: u32,
        /// Findings of severity `high`.
        pub high: u32,
        /// Findings of severity `medium`.
        pub medium: u32,
        /// Findings of severity `low`.
        pub low: u32,
        /// Findings of severity `info`.
        pub info: u32,
    }
}

wire_struct! {
    /// A document that was read but not checked by any pack, and why.
    #[wire(result)]
    pub struct Skipped {
        /// The file.
        pub path: String,
        /// Index of the document within the file.
        pub document: u32,
        /// What it is (`ConfigMap`, `not a Kubernetes object`, …).
        pub kind: String,
        /// Why nothing checked it.
        pub reason: String,
    }
}

wire_struct! {
    /// Counts over a whole scan.
    #[wire(result)]
    pub struct Summary {
        /// Files (or texts) scanned.
        pub files: u32,
        /// Documents read in them.
        pub documents: u32,
        /// Findings (not suppressed) by severity.
        pub findings: SeverityCounts,
        /// Documents by what they were read as (`Dockerfile`, `Deployment`, …).
        pub kinds: BTreeMap<String, u32>,
        /// Documents no pack had anything to check in, each with the reason.
        pub skipped: Vec<Skipped>,
        /// Things said once about the whole scan: another tool's rule id that
        /// Stockade does not implement, a policy rule outside the supported subset.
        pub notices: Vec<String>,
    }
}

impl From<crate::finding::Summary> for Summary {
    fn from(s: crate::finding::Summary) -> Self {
        let f = s.findings;
        Self {
            files: s.files as u32,
            documents: s.documents as u32,
            findings: SeverityCounts {
                critical: f.critical as u32,
                high: f.high as u32,
                medium: f.medium as u32,
                low: f.low as u32,
                info: f.info as u32,
            },
            kinds: s.kinds.into_iter().map(|(k, n)| (k, n as u32)).collect(),
            skipped: s
                .skipped
                .into_iter()
                .map(|k| Skipped {
                    path: k.path,
                    document: k.document as u32,
                    kind: k.kind,
                    reason: k.reason,
                })
                .collect(),
            notices: s.notices,
        }
    }
}

wire_struct! {
    /// The result of a scan.
    #[wire(result)]
    pub struct Report {
        /// The version of the Stockade engine.
        pub version: String,
        /// Findings, by path, document and position.
        pub findings: Vec<Finding>,
        /// Findings suppressed by a comment, an annotation or the configuration.
        pub suppressed: Vec<Finding>,
        /// Input that could not be read or checked.
        pub errors: Vec<ErrorInfo>,
        /// Counts over the scan.
        pub summary: Summary,
    }
}

/// The source among `sources` whose path is `path` (the one a finding or error
/// points into).
pub fn source_for<'a>(sources: &'a [Source], path: &str) -> Option<&'a Source> {
    sources.iter().find(|s| s.path() == path)
}

/// A place in UTF-16 code units: 1-based column, 0-based offset (what
/// [`Position`] adds to a core position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Utf16Place {
    /// 1-based column in UTF-16 code units.
    pub column: u32,
    /// 0-based offset in UTF-16 code units.
    pub offset: u32,
}

impl Utf16Place {
    /// The UTF-16 half of `p` (none when its source was unknown).
    pub fn of(p: &Position) -> Option<Self> {
        Some(Self {
            column: p.utf16_column?,
            offset: p.utf16_offset?,
        })
    }

    /// The place of `p` in `source` (none when the source is unknown).
    pub fn at(p: crate::Position, source: Option<&Source>) -> Option<Self> {
        Self::of(&Position::new(p, source))
    }

    /// The places of an error's start and end in `source`.
    pub fn of_error(e: &crate::ScanError, source: Option<&Source>) -> [Option<Self>; 2] {
        [e.start, e.end].map(|p| p.and_then(|p| Self::at(p, source)))
    }
}

/// The UTF-16 places of a core finding, as [`Finding::new`] computes them: its
/// start and end, and the start and end of each edit of its fix (none for an
/// edit of another file). For a binding that keeps the core finding and adds
/// these to it (Python).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Utf16Places {
    /// Where the finding starts.
    pub start: Option<Utf16Place>,
    /// Where it ends.
    pub end: Option<Utf16Place>,
    /// Where each edit of its fix starts and ends.
    pub edits: Vec<[Option<Utf16Place>; 2]>,
}

impl Utf16Places {
    /// `f`'s UTF-16 places in `source` (all none when the source is unknown).
    pub fn new(f: &crate::Finding, source: Option<&Source>) -> Self {
        let place =
            |p: crate::Position, src: Option<&Source>| Utf16Place::of(&Position::new(p, src));
        Self {
            start: place(f.start, source),
            end: place(f.end, source),
            edits: f.fix.as_ref().map_or_else(Vec::new, |fix| {
                fix.edits
                    .iter()
                    .map(|e| {
                        let own = if e.path.is_none() { source } else { None };
                        [place(e.start, own), place(e.end, own)]
                    })
                    .collect()
            }),
        }
    }

    /// The places of each of `findings`, looking their sources up by path.
    pub fn of_all(findings: &[crate::Finding], sources: &[Source]) -> Vec<Self> {
        findings
            .iter()
            .map(|f| Self::new(f, source_for(sources, &f.path)))
            .collect()
    }
}

impl Report {
    /// `r`, with UTF-16 positions taken from the sources its findings and errors
    /// point into (by path).
    pub fn new(r: crate::Report, sources: &[Source]) -> Self {
        let source = |path: &str| source_for(sources, path);
        let findings = |list: Vec<crate::Finding>| -> Vec<Finding> {
            list.into_iter()
                .map(|f| {
                    let src = source(&f.path);
                    Finding::new(f, src)
                })
                .collect()
        };
        Self {
            version: r.version,
            errors: r
                .errors
                .iter()
                .map(|e| ErrorInfo::new(e, source(&e.path)))
                .collect(),
            findings: findings(r.findings),
            suppressed: findings(r.suppressed),
            summary: r.summary.into(),
        }
    }
}

wire_struct! {
    /// A rule's metadata and Markdown documentation.
    #[wire(result)]
    pub struct RuleInfo {
        /// Stable id (`DF0001`), never reused.
        pub id: String,
        /// Kebab-case name (`image-latest-tag`).
        pub name: String,
        /// The rule pack (`dockerfile`, `kubernetes`, …).
        pub pack: String,
        /// The ids of other tools' matching rules (`DL3007`, …).
        pub aliases: Vec<String>,
        /// The default severity.
        pub severity: Severity,
        /// `security` or `best-practice`.
        pub category: String,
        /// One line: what the rule reports.
        pub title: String,
        /// How to fix what it reports.
        pub remediation: String,
        /// Markdown.
        pub docs: String,
        /// The documentation page.
        pub help: String,
        /// Whether the rule runs without being enabled in the configuration.
        pub default_enabled: bool,
    }
}

impl From<&crate::RuleMeta> for RuleInfo {
    fn from(m: &crate::RuleMeta) -> Self {
        Self {
            id: m.id.to_string(),
            name: m.name.to_string(),
            pack: m.pack.as_str().to_string(),
            aliases: m.aliases.iter().map(|a| (*a).to_string()).collect(),
            severity: m.severity,
            category: m.category.as_str().to_string(),
            title: m.title.to_string(),
            remediation: m.remediation.to_string(),
            docs: m.docs_markdown(),
            help: m.help_url(),
            default_enabled: m.default_enabled,
        }
    }
}

// ---------------------------------------------------------------------------
// Errors

/// An error class of the JavaScript packages: what a [`ErrorKind`] is thrown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorClass {
    /// The kind of the errors thrown as this class.
    pub kind: ErrorKind,
    /// The class name (`ParseError`); every class extends [`BASE_ERROR_CLASS`].
    pub name: &'static str,
}

/// The base of every error class (thrown for a kind without a class of its own).
pub const BASE_ERROR_CLASS: &str = "StockadeError";

/// Every error kind and its class, as `errors.mjs` in the WebAssembly bindings
/// defines them (the one script both packages run).
pub const ERROR_CLASSES: [ErrorClass; 6] = [
    ErrorClass {
        kind: ErrorKind::Parse,
        name: "ParseError",
    },
    ErrorClass {
        kind: ErrorKind::Config,
        name: "ConfigError",
    },
    ErrorClass {
        kind: ErrorKind::Policy,
        name: "PolicyError",
    },
    ErrorClass {
        kind: ErrorKind::Limit,
        name: "LimitError",
    },
    ErrorClass {
        kind: ErrorKind::Io,
        name: "ReadError",
    },
    ErrorClass {
        kind: ErrorKind::Unsupported,
        name: "UnsupportedError",
    },
];

/// What a thrown error carries: the fields of [`ErrorInfo`], and every error
/// (`errors`) when several were met (policies that do not compile).
pub fn thrown_error_info(first: ErrorInfo, all: Option<Vec<ErrorInfo>>) -> Value {
    let mut info = serde_json::to_value(first).unwrap_or(Value::Null);
    if let (Some(fields), Some(all)) = (info.as_object_mut(), all) {
        fields.insert(
            "errors".to_string(),
            serde_json::to_value(all).unwrap_or(Value::Null),
        );
    }
    info
}

// ---------------------------------------------------------------------------
// Options

/// A configuration: the text of a `stockade.yaml` (YAML or JSON) or the
/// configuration as an object (read as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConfigInput(pub Value);

impl TsType for ConfigInput {
    fn ts() -> String {
        "string | Record<string, unknown>".to_string()
    }
}

impl ConfigInput {
    /// The configuration's text (an object is read as its JSON); `None` for `null`.
    pub fn into_text(self) -> Option<String> {
        match self.0 {
            Value::Null => None,
            Value::String(text) => Some(text),
            value => Some(value.to_string()),
        }
    }

    /// The engine a binding's `config` argument asks for: the default engine for
    /// none, else one configured by the text (read as from `stockade.yaml`) or
    /// the object (its errors named by key, `config["rules"]`); the first
    /// problem of the configuration otherwise.
    pub fn engine(config: Option<Self>) -> Result<crate::Engine, crate::ScanError> {
        let mapping = config.as_ref().is_some_and(|c| c.0.is_object());
        let Some(text) = config.and_then(Self::into_text) else {
            return Ok(crate::Engine::default());
        };
        let engine = if mapping {
            crate::Engine::from_config_mapping(&text)
        } else {
            crate::Engine::from_config_text(&text, "stockade.yaml")
        };
        engine.map_err(|errors| {
            errors.into_iter().next().unwrap_or_else(|| {
                crate::ScanError::file(
                    ErrorKind::Config,
                    "stockade.yaml",
                    "the configuration was refused",
                )
            })
        })
    }
}

/// A `config` error about an argument (an unknown kind or format), as the
/// bindings throw it.
pub fn argument_error(message: String) -> crate::ScanError {
    crate::ScanError::file(ErrorKind::Config, "-", message)
}

/// A binding's `kind` argument: `None` detects the kind from the path.
pub fn kind_arg(kind: Option<String>) -> Result<Option<crate::Kind>, crate::ScanError> {
    kind.map(|k| k.parse::<crate::Kind>().map_err(argument_error))
        .transpose()
}

/// A binding's connection-list `format` argument (default `text`).
pub fn conn_format_arg(
    format: Option<&str>,
) -> Result<crate::netpol::ConnFormat, crate::ScanError> {
    format.unwrap_or("text").parse().map_err(argument_error)
}

/// What a binding throws for policy errors: the first error's message and its
/// details (positioned in its source, UTF-16 columns included), with every error
/// in `errors`. `None` when there is no error.
pub fn thrown_policy_errors(
    errors: &[crate::ScanError],
    sources: &[Source],
) -> Option<(String, Value)> {
    let source = |path: &str| sources.iter().find(|s| s.path() == path);
    let first = errors.first()?;
    let all = errors
        .iter()
        .map(|e| ErrorInfo::new(e, source(&e.path)))
        .collect();
    let info = thrown_error_info(ErrorInfo::new(first, source(&first.path)), Some(all));
    Some((first.to_string(), info))
}

wire_struct! {
    /// Options of `scan` and `Engine.scan`.
    #[wire(options)]
    pub struct ScanOptions {
        /// The path the text is reported under (and its kind detected from).
        pub path: Option<String>,
        /// `dockerfile`, `kubernetes`, …; detected from the path when absent.
        pub kind: Option<String>,
        /// The text of a `stockade.yaml` (YAML or JSON) or the configuration as an
        /// object (`scan` only; an `Engine` has its own).
        pub config: Option<ConfigInput>,
    }
}

wire_struct! {
    /// A text and the path it is reported under.
    #[wire(options)]
    pub struct SourceText {
        /// The path the text is reported under (and its kind detected from).
        pub path: String,
        /// The text.
        pub text: String,
    }
}

impl From<SourceText> for Source {
    fn from(s: SourceText) -> Self {
        Source::new(s.path, s.text)
    }
}

wire_struct! {
    /// Policies for an `Engine`.
    #[wire(options)]
    pub struct EngineOptions {
        /// Gatekeeper templates and constraints, conftest `.rego` modules and Kyverno
        /// policies, by path (`.rego` paths are Rego modules).
        pub policies: Option<Vec<SourceText>>,
        /// Cluster objects for Gatekeeper's `data.inventory`.
        pub inventory: Option<Vec<SourceText>>,
    }
}

wire_struct! {
    /// Files for `verifySuite` and `kyvernoTest`.
    #[wire(options)]
    pub struct FilesOptions {
        /// Files by path (`path → text`) instead of the file system (the only way
        /// in the WebAssembly build).
        pub files: Option<BTreeMap<String, String>>,
        /// Every test and case in `text`, as `gator verify -v`.
        pub verbose: Option<bool>,
    }
}

wire_struct! {
    /// How `renderChart` and `scanChart` render a Helm chart: `helm template`'s
    /// flags. Every field is optional; Helm's defaults apply.
    #[wire(options)]
    pub struct ChartOptions {
        /// Values files (`-f/--values`), in order after the chart's `values.yaml`;
        /// `path` names the file in origins and errors.
        pub values: Option<Vec<SourceText>>,
        /// `--set` (`a.b=c,d[0]=e`, Helm's syntax), in order.
        pub set: Option<Vec<String>>,
        /// `--set-string`, in order.
        pub set_string: Option<Vec<String>>,
        /// `--set-json` (`key=<json>`), in order.
        pub set_json: Option<Vec<String>>,
        /// `--set-file` (`key=path`), in order; the contents are `setFileContents[path]`.
        pub set_file: Option<Vec<String>>,
        /// The contents of the files `setFile` names, by path (nothing is read from disk).
        pub set_file_contents: Option<BTreeMap<String, String>>,
        /// `--release-name` (`release-name` by default).
        pub release_name: Option<String>,
        /// `--namespace` (`default` by default).
        pub namespace: Option<String>,
        /// `--kube-version` for `.Capabilities.KubeVersion` (`1.31`, `v1.31.0`).
        pub kube_version: Option<String>,
        /// `--api-versions` added to `.Capabilities.APIVersions`.
        pub api_versions: Option<Vec<String>>,
        /// `--show-only`: only the manifests of these templates (`templates/x.yaml`, globs).
        pub show_only: Option<Vec<String>>,
        /// `--include-crds`: print the chart's CRDs too (`renderChart`).
        pub include_crds: Option<bool>,
        /// `--skip-tests`: leave out test hooks.
        pub skip_tests: Option<bool>,
        /// Render as Helm 3.21 does instead of Helm 4.
        pub helm3: Option<bool>,
        /// The text of a `stockade.yaml` (YAML or JSON) or the configuration as an
        /// object (`scanChart` only; an `Engine` has its own).
        pub config: Option<ConfigInput>,
    }
}

impl ChartOptions {
    /// The options given as keyword arguments, as JSON (what Python passes:
    /// `snake_case` names, `values` as `[name, text]` pairs). A name that is not
    /// an option, or a value of the wrong type, is a `config` error naming it.
    pub fn from_keywords(keywords: Value) -> Result<Self, crate::ScanError> {
        let Value::Object(map) = keywords else {
            return Err(argument_error(
                "chart options must be keyword arguments".into(),
            ));
        };
        let mut given = serde_json::Map::new();
        for (key, mut value) in map {
            if !Self::FIELDS.contains(&key.as_str()) {
                return Err(argument_error(format!("unknown chart option {key:?}")));
            }
            if key == "values" {
                if let Value::Array(items) = &mut value {
                    for item in items {
                        if let Value::Array(pair) = item {
                            if let [path, text] = pair.as_slice() {
                                *item = serde_json::json!({"path": path, "text": text});
                            }
                        }
                    }
                }
            }
            let camel = key
                .split('_')
                .enumerate()
                .fold(String::new(), |mut out, (i, part)| {
                    let mut chars = part.chars();
                    if let (true, Some(first)) = (i > 0, chars.next()) {
                        out.extend(first.to_uppercase());
                        out.push_str(chars.as_str());
                    } else {
                        out.push_str(part);
                    }
                    out
                });
            given.insert(camel, value);
        }
        serde_json::from_value(Value::Object(given))
            .map_err(|e| argument_error(format!("chart options: {e}")))
    }

    /// The options as the Helm renderer takes them.
    pub fn helm_options(self) -> crate::helm::HelmOptions {
        let defaults = crate::helm::HelmOptions::default();
        crate::helm::HelmOptions {
            values_files: self
                .values
                .unwrap_or_default()
                .into_iter()
                .map(|v| crate::helm::ValuesFile {
                    name: v.path,
                    text: v.text,
                })
                .collect(),
            set: self.set.unwrap_or_default(),
            set_string: self.set_string.unwrap_or_default(),
            set_json: self.set_json.unwrap_or_default(),
            set_file: self.set_file.unwrap_or_default(),
            set_file_contents: self
                .set_file_contents
                .unwrap_or_default()
                .into_iter()
                .collect(),
            release_name: self.release_name.unwrap_or(defaults.release_name),
            namespace: self.namespace.unwrap_or(defaults.namespace),
            kube_version: self.kube_version,
            api_versions: self.api_versions.unwrap_or_default(),
            show_only: self.show_only.unwrap_or_default(),
            include_crds: self.include_crds.unwrap_or(false),
            skip_tests: self.skip_tests.unwrap_or(false),
            helm_line: if self.helm3.unwrap_or(false) {
                crate::helm::HelmLine::V3
            } else {
                defaults.helm_line
            },
            ..defaults
        }
    }
}

/// The output formats of `netpolConnectivity` and `netpolDiff`.
pub const CONN_FORMATS: [&str; 5] = ["text", "json", "csv", "md", "dot"];

// ---------------------------------------------------------------------------
// Documents

/// The core's JSON of `value` with `extra` fields, read as `T`: fails if the two
/// shapes differ (a field added to one and not the other).
fn document<T: DeserializeOwned>(
    value: &impl Serialize,
    extra: Vec<(&str, Value)>,
) -> Result<T, serde_json::Error> {
    let mut json = serde_json::to_value(value)?;
    if let Some(fields) = json.as_object_mut() {
        for (k, v) in extra {
            fields.insert(k.to_string(), v);
        }
    }
    serde_json::from_value(json)
}

wire_struct! {
    /// `gator verify` results: `ok` when every suite, test and case passed.
    #[wire(document)]
    pub struct Verification {
        /// Whether every suite, test and case passed.
        pub ok: bool,
        /// Cases passed and cases run (skipped ones not counted).
        pub passed: u32,
        /// Cases run (skipped ones not counted).
        pub total: u32,
        /// One result per suite file.
        pub suites: Vec<VerifySuite>,
        /// gator's text output (shows run times).
        pub text: String,
    }
}

impl Verification {
    /// `v` (its JSON as the CLI prints it).
    pub fn new(v: &crate::rego::Verification) -> Result<Self, serde_json::Error> {
        document(v, Vec::new())
    }
}

wire_struct! {
    /// One suite file of a `gator verify` run.
    #[wire(document)]
    pub struct VerifySuite {
        /// The suite file.
        pub path: String,
        /// Whether the suite was skipped.
        pub skipped: bool,
        /// Why the suite could not run.
        pub error: Option<String>,
        /// Its tests.
        pub tests: Vec<VerifyTest>,
    }
}

wire_struct! {
    /// One test (template + constraint) of a suite.
    #[wire(document)]
    pub struct VerifyTest {
        /// The test's name.
        pub name: String,
        /// Whether the test was skipped.
        pub skipped: bool,
        /// Why the test could not run (its template or constraint did not load).
        pub error: Option<String>,
        /// Its cases.
        pub cases: Vec<VerifyCase>,
        /// Cases the test declares (run or not: a test that fails to load runs none).
        pub declared_cases: u32,
    }
}

wire_struct! {
    /// One case of a test.
    #[wire(document)]
    pub struct VerifyCase {
        /// The case's name.
        pub name: String,
        /// Whether the case was skipped.
        pub skipped: bool,
        /// Why the case failed.
        pub error: Option<String>,
    }
}

wire_struct! {
    /// One `kyverno-test.yaml` run (the JSON of `stockade kyverno test -f json`).
    #[wire(document)]
    pub struct KyvernoTestRun {
        /// The `kyverno-test.yaml` file.
        pub path: String,
        /// The test's name.
        pub name: String,
        /// Why the test could not run at all.
        pub error: Option<String>,
        /// Number of `results[]` entries.
        pub entries: u32,
        /// One row per (result entry, resource, rule).
        pub rows: Vec<KyvernoTestRow>,
        /// Whether every row passed (and the test could run).
        pub passed: bool,
    }
}

impl KyvernoTestRun {
    /// `run` (its JSON as the CLI prints it), with `passed`.
    pub fn new(run: &crate::kyverno::TestRun) -> Result<Self, serde_json::Error> {
        document(run, vec![("passed", run.passed().into())])
    }
}

wire_struct! {
    /// One checked (result entry, resource, rule) row.
    #[wire(document)]
    pub struct KyvernoTestRow {
        /// Index of the entry in `results[]`.
        pub entry: u32,
        /// The policy named by the entry.
        pub policy: String,
        /// The rule named by the entry.
        pub rule: String,
        /// The resource checked.
        pub resource: String,
        /// Its kind.
        pub kind: String,
        /// The result the entry expects (`pass`, `fail`, `skip`, `error`).
        pub expected: String,
        /// `pass`, `fail`, `skip`, `error`, `excluded` (no rule response) or
        /// `not found` (the policy is not among the test's policies).
        pub actual: String,
        /// Whether Kyverno's `test` command counts the row as passed.
        pub ok: bool,
        /// The rule's message.
        pub message: String,
        /// Whether the rule uses a feature outside the offline subset.
        pub unsupported: bool,
    }
}

wire_struct! {
    /// An endpoint as shown: its name and whether it is an address range outside
    /// the cluster.
    #[wire(document)]
    pub struct ConnPeer {
        /// `ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`.
        pub name: String,
        /// Whether it is an address range outside the cluster.
        pub external: bool,
    }
}

wire_struct! {
    /// One allowed connection.
    #[wire(document)]
    pub struct Connection {
        /// The source.
        pub src: ConnPeer,
        /// The destination.
        pub dst: ConnPeer,
        /// `All Connections` or `TCP 80,UDP 53`.
        pub conns: String,
    }
}

wire_struct! {
    /// Allowed connections (netpol-analyzer's connlist), with `output` rendered.
    #[wire(document)]
    pub struct Connectivity {
        /// Every workload, `ns/name[Kind]`, sorted.
        pub workloads: Vec<String>,
        /// Sorted by source, then destination.
        pub connections: Vec<Connection>,
        /// The list in the format asked for.
        pub output: String,
    }
}

impl Connectivity {
    /// `list`, with its rendering in `format`.
    pub fn new(
        list: &crate::netpol::ConnList,
        format: crate::netpol::ConnFormat,
    ) -> Result<Self, serde_json::Error> {
        document(list, vec![("output", list.render(format).into())])
    }
}

wire_enum! {
    /// How a pair's connections changed.
    pub enum ChangeKind {
        /// The pair could not connect before and can now.
        Added = "added",
        /// The pair could connect before and cannot now.
        Removed = "removed",
        /// The pair connects before and after, with different ports.
        Changed = "changed",
    }
}

wire_struct! {
    /// One changed pair.
    #[wire(document)]
    pub struct ConnectivityChange {
        /// Whether the pair can connect only after, only before, or both with other ports.
        pub kind: ChangeKind,
        /// The source, `ns/name[Kind]` or an address range.
        pub src: String,
        /// The destination.
        pub dst: String,
        /// The connections allowed before.
        pub before: String,
        /// The connections allowed after.
        pub after: String,
        /// What the change opens (after minus before).
        pub opened: String,
        /// What it closes (before minus after).
        pub closed: String,
    }
}

wire_struct! {
    /// The connections that change between two sets of manifests, with `output`
    /// rendered.
    #[wire(document)]
    pub struct ConnectivityDiff {
        /// Sorted by source, destination.
        pub changes: Vec<ConnectivityChange>,
        /// The changes in the format asked for.
        pub output: String,
    }
}

impl ConnectivityDiff {
    /// `diff`, with its rendering in `format`.
    pub fn new(
        diff: &crate::netpol::ConnDiff,
        format: crate::netpol::ConnFormat,
    ) -> Result<Self, serde_json::Error> {
        document(diff, vec![("output", diff.render(format).into())])
    }
}

wire_enum! {
    /// Traffic direction, seen from the pods a policy selects.
    pub enum Direction {
        /// Traffic into the selected pods.
        Ingress = "Ingress",
        /// Traffic out of them.
        Egress = "Egress",
    }
}

wire_struct! {
    /// Why one endpoint may or may not connect to another, with the `text` rendering.
    #[wire(document)]
    pub struct NetpolExplanation {
        /// The source as resolved (`ns/name[Kind]` or an address range).
        pub src: String,
        /// The destination as resolved.
        pub dst: String,
        /// The port asked about, if any (`8080/TCP`).
        pub query: Option<String>,
        /// Egress at the source (absent for an address outside the cluster: not isolated).
        pub egress: Option<NetpolSideExplanation>,
        /// Ingress at the destination (absent for an address outside the cluster).
        pub ingress: Option<NetpolSideExplanation>,
        /// Both sides together.
        pub allowed: String,
        /// Whether the queried port (or, without one, any connection) is allowed.
        pub verdict: bool,
        /// The explanation as text.
        pub text: String,
    }
}

impl NetpolExplanation {
    /// `e`, with its text rendering.
    pub fn new(e: &crate::netpol::Explanation) -> Result<Self, serde_json::Error> {
        document(e, vec![("text", e.to_text().into())])
    }
}

wire_struct! {
    /// One side: egress at the source, or ingress at the destination.
    #[wire(document)]
    pub struct NetpolSideExplanation {
        /// `Egress` at the source or `Ingress` at the destination.
        pub direction: Direction,
        /// The workload whose policies decide this side.
        pub workload: String,
        /// Whether some policy selects it for this direction.
        pub isolated: bool,
        /// The policies that select the workload in this direction.
        pub policies: Vec<NetpolPolicyExplanation>,
        /// What this side allows towards the other end.
        pub allows: String,
    }
}

wire_struct! {
    /// A policy that selects the workload in the direction explained.
    #[wire(document)]
    pub struct NetpolPolicyExplanation {
        /// `ns/name`.
        pub policy: String,
        /// `path:line:column` (column in Unicode code points).
        pub location: String,
        /// The policy's rules in this direction.
        pub rules: Vec<NetpolRuleExplanation>,
        /// What the policy allows towards the other end.
        pub allows: String,
    }
}

wire_struct! {
    /// One rule of a policy, and what it says about the pair.
    #[wire(document)]
    pub struct NetpolRuleExplanation {
        /// 0-based index in the policy's `ingress` or `egress` list.
        pub index: u32,
        /// `path:line:column` of the rule.
        pub location: String,
        /// Whether the rule's peers select the other end.
        pub selects: bool,
        /// Which peer selects it (`every peer (no from/to)`, `peer 0: podSelector app=web`), or why none does.
        pub reason: String,
        /// What the rule allows towards the destination (empty when it does not select).
        pub allows: String,
    }
}

// ---------------------------------------------------------------------------

/// TypeScript declarations of the wire types.
pub mod ts {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    use super::{
        ChartOptions, ConnPeer, Connection, Connectivity, ConnectivityChange, ConnectivityDiff,
        EngineOptions, ErrorInfo, FilesOptions, Finding, Fix, FixEdit, KyvernoTestRow,
        KyvernoTestRun, NetpolExplanation, NetpolPolicyExplanation, NetpolRuleExplanation,
        NetpolSideExplanation, Origin, Position, Report, RuleInfo, ScanOptions, SeverityCounts,
        Skipped, SourceText, Summary, Suppression, Verification, VerifyCase, VerifySuite,
        VerifyTest, BASE_ERROR_CLASS, CONN_FORMATS, ERROR_CLASSES,
    };

    /// How a struct is serialised, and so how its optional fields are declared.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Shape {
        /// camelCase keys; an absent value is left out: `field?: T`.
        Result,
        /// Keys as in the core's JSON; an absent value is `null`: `field: T | null`.
        Document,
        /// camelCase keys; an absent value may be left out or `null`: `field?: T | null`.
        Options,
    }

    /// A Rust type's TypeScript type.
    pub trait TsType {
        /// The TypeScript type (`number`, `Array<Finding>`, `'a' | 'b'`).
        fn ts() -> String;

        /// Whether a value may be absent (an `Option`).
        fn optional() -> bool {
            false
        }

        /// Whether this value is absent (left out of results).
        fn is_absent(&self) -> bool {
            false
        }

        /// Never skip a field (documents write `null`).
        fn never_absent(&self) -> bool {
            false
        }
    }

    impl TsType for String {
        fn ts() -> String {
            "string".to_string()
        }
    }

    impl TsType for bool {
        fn ts() -> String {
            "boolean".to_string()
        }
    }

    impl TsType for u32 {
        fn ts() -> String {
            "number".to_string()
        }
    }

    impl<T: TsType> TsType for Vec<T> {
        fn ts() -> String {
            format!("Array<{}>", T::ts())
        }
    }

    impl<T: TsType> TsType for BTreeMap<String, T> {
        fn ts() -> String {
            format!("Record<string, {}>", T::ts())
        }
    }

    impl<T: TsType> TsType for Option<T> {
        fn ts() -> String {
            T::ts()
        }

        fn optional() -> bool {
            true
        }

        fn is_absent(&self) -> bool {
            self.is_none()
        }
    }

    impl TsType for crate::Severity {
        fn ts() -> String {
            "Severity".to_string()
        }
    }

    impl TsType for crate::ErrorKind {
        fn ts() -> String {
            "ErrorKind".to_string()
        }
    }

    /// `'a' | 'b'`.
    pub fn union(texts: &[&str]) -> String {
        texts
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// A field of an interface or class, its name as serialised.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Field {
        /// The name, as serialised once the declaration is made.
        pub name: String,
        /// Doc comment lines.
        pub docs: Vec<String>,
        /// The TypeScript type, without `| null`.
        pub ty: String,
        /// Whether the value may be absent (see [`Shape`]).
        pub optional: bool,
    }

    impl Field {
        /// The field `name` (the Rust name) of type `T`.
        pub fn of<T: TsType>(name: &str, docs: &[&str]) -> Self {
            Self {
                name: name.to_string(),
                docs: doc_lines(docs),
                ty: T::ts(),
                optional: T::optional(),
            }
        }

        fn named(name: &str, ty: &str, optional: bool, docs: &[&str]) -> Self {
            Self {
                name: name.to_string(),
                docs: doc_lines(docs),
                ty: ty.to_string(),
                optional,
            }
        }

        fn render(&self, shape: Shape) -> String {
            match (shape, self.optional) {
                (_, false) => format!("{}: {}", self.name, self.ty),
                (Shape::Result, true) => format!("{}?: {}", self.name, self.ty),
                (Shape::Document, true) => format!("{}: {} | null", self.name, self.ty),
                (Shape::Options, true) => format!("{}?: {} | null", self.name, self.ty),
            }
        }
    }

    /// Doc comment lines without the space `///` leaves.
    fn doc_lines(docs: &[&str]) -> Vec<String> {
        docs.iter()
            .map(|d| d.strip_prefix(' ').unwrap_or(d).to_string())
            .collect()
    }

    /// `utf16_column` → `utf16Column` (serde's `camelCase`).
    fn camel_case(name: &str) -> String {
        let mut out = String::new();
        for (i, part) in name.split('_').enumerate() {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) if i > 0 => {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
                _ => out.push_str(part),
            }
        }
        out
    }

    /// One exported declaration.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Declaration {
        /// `export type Name = ty`
        Alias {
            /// The type's name.
            name: String,
            /// Doc comment lines.
            docs: Vec<String>,
            /// The type.
            ty: String,
        },
        /// `export interface Name { … }`
        Interface {
            /// The interface's name.
            name: String,
            /// Doc comment lines.
            docs: Vec<String>,
            /// How its optional fields are declared.
            shape: Shape,
            /// Its fields.
            fields: Vec<Field>,
        },
        /// `export declare class Name extends Base { … }`
        Class {
            /// The class's name.
            name: String,
            /// Doc comment lines.
            docs: Vec<String>,
            /// The class it extends.
            extends: String,
            /// Its fields (declared as in results).
            fields: Vec<Field>,
        },
    }

    impl Declaration {
        /// An interface of a wire struct; field names as `shape` serialises them.
        pub fn interface(name: &str, shape: Shape, docs: &[&str], fields: Vec<Field>) -> Self {
            let fields = fields
                .into_iter()
                .map(|f| Field {
                    name: match shape {
                        Shape::Result | Shape::Options => camel_case(&f.name),
                        Shape::Document => f.name,
                    },
                    ..f
                })
                .collect();
            Declaration::Interface {
                name: name.to_string(),
                docs: doc_lines(docs),
                shape,
                fields,
            }
        }

        fn alias(name: &str, docs: &[&str], ty: String) -> Self {
            Declaration::Alias {
                name: name.to_string(),
                docs: doc_lines(docs),
                ty,
            }
        }

        /// The name declared.
        pub fn name(&self) -> &str {
            match self {
                Declaration::Alias { name, .. }
                | Declaration::Interface { name, .. }
                | Declaration::Class { name, .. } => name,
            }
        }

        fn render(&self, out: &mut String) {
            let (docs, head, body) = match self {
                Declaration::Alias { name, docs, ty } => {
                    (docs, format!("export type {name} = {ty}"), None)
                }
                Declaration::Interface {
                    name,
                    docs,
                    shape,
                    fields,
                } => (
                    docs,
                    format!("export interface {name}"),
                    Some((*shape, fields)),
                ),
                Declaration::Class {
                    name,
                    docs,
                    extends,
                    fields,
                } => (
                    docs,
                    format!("export declare class {name} extends {extends}"),
                    Some((Shape::Result, fields)),
                ),
            };
            render_docs(out, "", docs);
            out.push_str(&head);
            match body {
                None => out.push('\n'),
                Some((_, fields)) if fields.is_empty() => out.push_str(" {}\n"),
                Some((shape, fields)) => {
                    out.push_str(" {\n");
                    for f in fields {
                        render_docs(out, "  ", &f.docs);
                        let _ = writeln!(out, "  {}", f.render(shape));
                    }
                    out.push_str("}\n");
                }
            }
        }
    }

    fn render_docs(out: &mut String, indent: &str, docs: &[String]) {
        match docs {
            [] => {}
            [line] => {
                let _ = writeln!(out, "{indent}/** {line} */");
            }
            lines => {
                let _ = writeln!(out, "{indent}/**");
                for line in lines {
                    let _ = writeln!(out, "{indent} * {line}");
                }
                let _ = writeln!(out, "{indent} */");
            }
        }
    }

    /// A type with a TypeScript declaration.
    pub trait Declare {
        /// Its declaration.
        fn declaration() -> Declaration;
    }

    /// The error classes: `StockadeError` with the fields of [`ErrorInfo`], one
    /// subclass per kind, and the object `errorClasses()` returns.
    fn error_classes() -> Vec<Declaration> {
        let Declaration::Interface { fields, .. } = ErrorInfo::declaration() else {
            return Vec::new();
        };
        let mut base_fields = fields;
        base_fields.push(Field::named(
            "errors",
            "Array<ErrorInfo>",
            true,
            &[" Every error, when several were met (policies that do not compile)."],
        ));
        let mut out = vec![Declaration::Class {
            name: BASE_ERROR_CLASS.to_string(),
            docs: doc_lines(&[
                " Base of every error Stockade throws; carries the same fields as a report's `errors`.",
            ]),
            extends: "Error".to_string(),
            fields: base_fields,
        }];
        for class in ERROR_CLASSES {
            out.push(Declaration::Class {
                name: class.name.to_string(),
                docs: vec![format!("Thrown for `{}` errors.", class.kind.as_str())],
                extends: BASE_ERROR_CLASS.to_string(),
                fields: Vec::new(),
            });
        }
        let classes = std::iter::once(BASE_ERROR_CLASS)
            .chain(ERROR_CLASSES.iter().map(|c| c.name))
            .map(|name| Field::named(name, &format!("typeof {name}"), false, &[]))
            .collect();
        out.push(Declaration::Interface {
            name: "ErrorClasses".to_string(),
            docs: doc_lines(&[" The error classes, as `errorClasses()` returns them."]),
            shape: Shape::Result,
            fields: classes,
        });
        out
    }

    /// Every declaration, in the order printed.
    pub fn declarations() -> Vec<Declaration> {
        let mut out = vec![
            Declaration::alias(
                "Severity",
                &[" How serious a finding is."],
                union(&crate::Severity::ALL.map(crate::Severity::as_str)),
            ),
            Declaration::alias(
                "ErrorKind",
                &[" What kind of problem stopped (part of) a scan."],
                union(&ERROR_CLASSES.map(|c| c.kind.as_str())),
            ),
            Declaration::alias(
                "ConnFormat",
                &[" Output formats of `netpolConnectivity` and `netpolDiff`."],
                union(&CONN_FORMATS),
            ),
            Declaration::alias(
                "TextKind",
                &[" What `detectKind` finds a text to be."],
                union(
                    &[
                        crate::TextKind::Dockerfile,
                        crate::TextKind::Kubernetes,
                        crate::TextKind::Policy,
                    ]
                    .map(crate::TextKind::as_str),
                ),
            ),
            Position::declaration(),
            Suppression::declaration(),
            Origin::declaration(),
            Finding::declaration(),
            Fix::declaration(),
            FixEdit::declaration(),
            ErrorInfo::declaration(),
            SeverityCounts::declaration(),
            Skipped::declaration(),
            Summary::declaration(),
            Report::declaration(),
            RuleInfo::declaration(),
        ];
        out.extend(error_classes());
        out.extend([
            ScanOptions::declaration(),
            SourceText::declaration(),
            EngineOptions::declaration(),
            FilesOptions::declaration(),
            Declaration::alias(
                "FileMap",
                &[
                    " Files by path (relative to one root, `/`-separated): texts, or bytes",
                    " (`Uint8Array`, a Node `Buffer`) for binary files.",
                ],
                "Record<string, string | Uint8Array>".to_string(),
            ),
            ChartOptions::declaration(),
            Verification::declaration(),
            VerifySuite::declaration(),
            VerifyTest::declaration(),
            VerifyCase::declaration(),
            KyvernoTestRun::declaration(),
            KyvernoTestRow::declaration(),
            ConnPeer::declaration(),
            Connection::declaration(),
            Connectivity::declaration(),
            ConnectivityChange::declaration(),
            ConnectivityDiff::declaration(),
            NetpolExplanation::declaration(),
            NetpolSideExplanation::declaration(),
            NetpolPolicyExplanation::declaration(),
            NetpolRuleExplanation::declaration(),
        ]);
        out
    }

    /// The declarations as TypeScript.
    pub fn render() -> String {
        let mut out = String::new();
        for d in declarations() {
            d.render(&mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::ts::{declarations, Declaration};
    use super::*;

    #[test]
    fn error_classes_are_one_per_kind() {
        // A new ErrorKind needs a class here and in bindings-wasm/src/errors.mjs
        // (without one it is thrown as a plain StockadeError).
        let kinds: Vec<&str> = ERROR_CLASSES.iter().map(|c| c.kind.as_str()).collect();
        let names: Vec<&str> = ERROR_CLASSES.iter().map(|c| c.name).collect();
        for list in [&kinds, &names] {
            let mut unique = list.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), list.len(), "{list:?}");
        }
        for class in ERROR_CLASSES {
            // The ErrorKind union declares what `kind` serialises as.
            assert_eq!(
                serde_json::to_value(class.kind).unwrap(),
                class.kind.as_str(),
                "{class:?}"
            );
        }
        let errors_mjs = include_str!("../../../bindings-wasm/src/errors.mjs");
        for class in ERROR_CLASSES {
            let defined = format!("class {} extends {BASE_ERROR_CLASS} {{}}", class.name);
            let mapped = format!("{}: {},", class.kind.as_str(), class.name);
            assert!(
                errors_mjs.contains(&defined) && errors_mjs.contains(&mapped),
                "{class:?}"
            );
        }
    }

    #[test]
    fn conn_formats_parse() {
        for f in CONN_FORMATS {
            assert!(f.parse::<crate::netpol::ConnFormat>().is_ok(), "{f}");
        }
    }

    #[test]
    fn declarations_are_unique_and_complete() {
        let decls = declarations();
        let names: Vec<&str> = decls.iter().map(Declaration::name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "{names:?}");
        // Every capitalised identifier a field refers to is declared (or built in).
        let builtin = ["Array", "Record", "Error"];
        for d in &decls {
            let fields = match d {
                Declaration::Interface { fields, .. } | Declaration::Class { fields, .. } => fields,
                Declaration::Alias { .. } => continue,
            };
            for f in fields {
                // Words outside string literals ('Ingress' is a value, not a type).
                let unquoted: String = f.ty.split('\'').step_by(2).collect::<Vec<_>>().join(" ");
                for word in unquoted.split(|c: char| !c.is_ascii_alphanumeric()) {
                    if word.starts_with(|c: char| c.is_ascii_uppercase())
                        && !builtin.contains(&word)
                    {
                        assert!(names.contains(&word), "{}.{}: {word}", d.name(), f.name);
                    }
                }
            }
        }
    }

    #[test]
    fn results_are_camel_case_and_leave_absent_values_out() {
        let text = "FROM node:latest\n";
        let source = Source::new("Dockerfile", text);
        let report = crate::Engine::default().scan_source(&source, None);
        let value =
            serde_json::to_value(Report::new(report, std::slice::from_ref(&source))).unwrap();
        let finding = &value["findings"][0];
        assert!(finding["start"]["utf16Offset"].is_number(), "{finding}");
        assert!(finding.get("suppression").is_none(), "{finding}");
        let start = Source::new("-", text)
            .line_index()
            .range(text, crate::Span::new(0, 4))
            .0;
        let json = serde_json::to_value(Position::new(start, None)).unwrap();
        assert_eq!(json.as_object().unwrap().len(), 3, "{json}");
        let ts = ts::render();
        assert!(ts.contains("  utf16Column?: number\n"), "{ts}");
        assert!(ts.contains("  error: string | null\n"), "{ts}");
        assert!(ts.contains("  path?: string | null\n"), "{ts}");
    }

    const MANIFESTS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
";

    #[test]
    fn documents_are_the_core_json_plus_their_text() {
        let sources = [Source::new("shop.yaml", MANIFESTS)];
        let list = crate::netpol::connlist(&sources);
        let format = crate::netpol::ConnFormat::Text;
        let wire = serde_json::to_value(Connectivity::new(&list, format).unwrap()).unwrap();
        let mut core = serde_json::to_value(&list).unwrap();
        core["output"] = list.render(format).into();
        assert_eq!(wire, core);

        let e = crate::netpol::explain(&sources, "0.0.0.0/0", "shop/web", Some("80")).unwrap();
        let wire = serde_json::to_value(NetpolExplanation::new(&e).unwrap()).unwrap();
        let mut core = serde_json::to_value(&e).unwrap();
        core["text"] = e.to_text().into();
        assert_eq!(wire, core);
        assert!(
            wire["egress"].is_null() && wire["ingress"].is_object(),
            "{wire}"
        );

        let d = crate::netpol::diff(&sources, &sources[..0]);
        let wire = serde_json::to_value(ConnectivityDiff::new(&d, format).unwrap()).unwrap();
        let mut core = serde_json::to_value(&d).unwrap();
        core["output"] = d.render(format).into();
        assert_eq!(wire, core);

        let files = BTreeMap::new();
        let run = crate::kyverno::run_test_texts("kyverno-test.yaml", &files);
        let wire = serde_json::to_value(KyvernoTestRun::new(&run).unwrap()).unwrap();
        let mut core = serde_json::to_value(&run).unwrap();
        core["passed"] = run.passed().into();
        assert_eq!(wire, core);

        let suites = crate::rego::verify_suite_texts("suite.yaml", &files);
        let v = crate::rego::Verification::new(suites.into_iter().collect(), false);
        let wire = serde_json::to_value(Verification::new(&v).unwrap()).unwrap();
        assert_eq!(wire, serde_json::to_value(&v).unwrap());
    }
}
