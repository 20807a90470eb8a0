//! What a pack reports into while checking one source: findings, located errors,
//! suppressions, and the documents it read.

use std::collections::BTreeMap;

use crate::finding::{Diagnostic, Problem, RuleRef, Skipped};
use crate::rule::RuleMeta;
use crate::settings::Settings;
use crate::source::Span;
use crate::suppress::Suppression;

/// What a pack hands back while checking one source.
pub struct Context<'a> {
    pub config: &'a Settings,
    pub diagnostics: Vec<Diagnostic>,
    pub problems: Vec<Problem>,
    pub suppressions: Vec<Suppression>,
    /// Documents read (a Dockerfile is one; a YAML stream one per document).
    pub documents: usize,
    /// Documents by what they were read as.
    pub kinds: BTreeMap<String, usize>,
    pub skipped: Vec<Skipped>,
    /// Whether a later pack reads a JSON form of this source (see [`Context::publish`]).
    pub wants_document: bool,
    /// The JSON form a pack published, with the span findings on it are reported at.
    pub document: Option<(serde_json::Value, Span)>,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a Settings) -> Self {
        Self {
            config,
            diagnostics: Vec::new(),
            problems: Vec::new(),
            suppressions: Vec::new(),
            documents: 0,
            kinds: BTreeMap::new(),
            skipped: Vec::new(),
            wants_document: false,
            document: None,
        }
    }

    /// Publish a JSON form of the source for the packs that run after this one
    /// (conftest policies read a parsed Dockerfile so). `make` runs only when a
    /// later pack reads documents.
    pub fn publish(&mut self, make: impl FnOnce() -> (serde_json::Value, Span)) {
        if self.wants_document {
            self.document = Some(make());
        }
    }

    /// Whether `meta` runs under the configuration; a rule may skip work when not.
    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        self.config.is_enabled(meta)
    }

    /// The rule's configured options, if any.
    pub fn options<T: 'static>(&self, meta: &RuleMeta) -> Option<&T> {
        self.config.options::<T>(meta)
    }

    /// Record a finding (dropped when its rule is disabled).
    pub fn report(&mut self, diagnostic: Diagnostic) {
        let enabled = match &diagnostic.rule {
            RuleRef::Static(m) => self.config.is_enabled(m),
            RuleRef::Dynamic(_) => true,
        };
        if enabled {
            self.diagnostics.push(diagnostic);
        }
    }

    pub fn error(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    pub fn count_kind(&mut self, kind: impl Into<String>) {
        *self.kinds.entry(kind.into()).or_default() += 1;
    }
}
