//! # Stockade
//!
//! An embeddable container-security policy engine. Give it the text of a
//! Dockerfile or a Kubernetes manifest and it returns a [`Report`]: findings with
//! a stable rule id, severity, message, remediation and the exact span of the
//! offending node, plus located errors for input it could not read.
//!
//! ```
//! let report = stockade::scan("FROM node:latest\n", Some("Dockerfile"), None);
//! assert!(report.findings.iter().any(|f| f.rule == "DF0001"));
//! ```
//!
//! Build an [`Engine`] once from a [`Config`] to scan many documents.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod config;
pub mod dockerfile;
mod engine;
pub mod finding;
pub mod kubernetes;
pub mod output;
pub mod registry;
pub mod rule;
pub mod source;
pub mod suppress;
pub mod yaml;

use std::path::Path;

pub use config::{Config, Limits};
pub use engine::Context;
pub use finding::{Diagnostic, ErrorKind, Finding, Problem, Report, ScanError};
pub use rule::{Category, Pack, RuleMeta, Severity};
pub use source::{LineIndex, Position, Source, Span};

/// The crate version, reported in every [`Report`].
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a source is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Dockerfile,
    /// Kubernetes manifests: a YAML or JSON stream of objects.
    Kubernetes,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Dockerfile => "dockerfile",
            Kind::Kubernetes => "kubernetes",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "dockerfile" | "containerfile" => Ok(Kind::Dockerfile),
            "kubernetes" | "k8s" | "yaml" | "yml" => Ok(Kind::Kubernetes),
            other => Err(format!(
                "unknown kind `{other}` (expected dockerfile or kubernetes)"
            )),
        }
    }
}

/// Detect a source's kind from its file name (and, where the name does not tell,
/// its content). `None` means Stockade has no pack for it.
///
/// `.yaml`/`.yml` files are read as Kubernetes manifests (documents that are not
/// Kubernetes objects are listed as skipped, not errors); `.json` files only when
/// their content has both an `"apiVersion"` and a `"kind"` key.
pub fn detect_kind(path: &str, text: &str) -> Option<Kind> {
    let name = Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
    {
        return Some(Kind::Dockerfile);
    }
    let extension = Path::new(&lower).extension().and_then(|e| e.to_str());
    match extension {
        Some("yaml" | "yml") => Some(Kind::Kubernetes),
        Some("json") if text.contains("\"apiVersion\"") && text.contains("\"kind\"") => {
            Some(Kind::Kubernetes)
        }
        _ => None,
    }
}

/// A configured scanner: build once, scan many sources (it is `Send + Sync`).
#[derive(Debug, Clone, Default)]
pub struct Engine {
    config: Config,
    /// Namespace labels of the whole scan (Pod Security levels per namespace).
    namespaces: std::sync::Arc<kubernetes::NamespaceIndex>,
}

impl Engine {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            namespaces: std::sync::Arc::default(),
        }
    }

    /// Use these Namespace labels (from a pre-pass over every source of a scan,
    /// [`kubernetes::NamespaceIndex::from_texts`]) to decide the Pod Security level
    /// of pods by namespace. Namespaces defined in the scanned source itself win.
    #[must_use]
    pub fn with_namespaces(mut self, namespaces: kubernetes::NamespaceIndex) -> Self {
        self.namespaces = std::sync::Arc::new(namespaces);
        self
    }

    pub fn namespaces(&self) -> &kubernetes::NamespaceIndex {
        &self.namespaces
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Scan one source. `kind` overrides detection; a source whose kind cannot be
    /// detected yields a report with one `unsupported` error, never an empty report.
    /// A source over [`Limits::max_file_bytes`] yields one `limit` error at 1:1 and
    /// is not parsed.
    pub fn scan_source(&self, source: &Source, kind: Option<Kind>) -> Report {
        match kind.or_else(|| detect_kind(source.path(), source.text())) {
            Some(_) if source.text().len() > self.config.limits.file_bytes() => {
                self.oversized(source.path(), source.text().len(), false)
            }
            Some(kind) => engine::scan_source(&self.config, &self.namespaces, source, kind),
            None => {
                let mut report = Report::default();
                report.summary.files = 1;
                report.errors.push(ScanError::file(
                    ErrorKind::Unsupported,
                    source.path(),
                    "cannot tell what kind of file this is; pass a kind (e.g. --kind dockerfile or --kind kubernetes)",
                ));
                report
            }
        }
    }

    /// The report for a source of `len` bytes that is over [`Limits::max_file_bytes`]
    /// (for callers that check the size before reading: a file's length, a pipe read
    /// up to the limit with `at_least`): one `limit` error at 1:1. A source within the
    /// limit gives an empty report for one file.
    pub fn oversized(&self, path: &str, len: usize, at_least: bool) -> Report {
        let mut report = Report::default();
        report.summary.files = 1;
        if let Some(problem) = self.config.limits.check_file_size(len, at_least) {
            report.errors.push(problem.to_error(&Source::new(path, "")));
        }
        report
    }

    /// Scan text given with an optional path (default `"-"`) and kind.
    pub fn scan(&self, text: &str, path: Option<&str>, kind: Option<Kind>) -> Report {
        self.scan_source(&Source::new(path.unwrap_or("-"), text), kind)
    }
}

/// Scan one text with the default configuration.
pub fn scan(text: &str, path: Option<&str>, kind: Option<Kind>) -> Report {
    Engine::default().scan(text, path, kind)
}

/// Metadata of every built-in rule.
pub fn rules() -> &'static [&'static RuleMeta] {
    registry::all_rules()
}

/// The rule with this id or alias.
pub fn explain(rule: &str) -> Option<&'static RuleMeta> {
    registry::find_rule(rule)
}
