//! The scan pipeline: detect the kind of a source, let its pack check it, apply
//! configuration and suppressions, and position everything for the report.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::finding::{Diagnostic, Problem, Report, Skipped};
use crate::rule::RuleMeta;
use crate::source::Source;
use crate::suppress::{self, Suppression};
use crate::Kind;

/// What a pack hands back while checking one source.
pub struct Context<'a> {
    pub config: &'a Config,
    pub diagnostics: Vec<Diagnostic>,
    pub problems: Vec<Problem>,
    pub suppressions: Vec<Suppression>,
    /// Documents read (a Dockerfile is one; a YAML stream one per document).
    pub documents: usize,
    /// Documents by what they were read as.
    pub kinds: BTreeMap<String, usize>,
    pub skipped: Vec<Skipped>,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a Config) -> Self {
        Self {
            config,
            diagnostics: Vec::new(),
            problems: Vec::new(),
            suppressions: Vec::new(),
            documents: 0,
            kinds: BTreeMap::new(),
            skipped: Vec::new(),
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
            crate::finding::RuleRef::Static(m) => self.config.is_enabled(m),
            crate::finding::RuleRef::Dynamic(_) => true,
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

    /// Turn what was collected into a report for `source`.
    pub fn finish(self, source: &Source) -> Report {
        let config = self.config;
        let applied = suppress::apply(self.diagnostics, &self.suppressions);
        let mut report = Report::default();
        let with_override = |mut d: Diagnostic| {
            if d.severity.is_none() {
                d.severity = config.severity_override(d.rule.id());
            }
            d
        };
        report.findings = applied
            .kept
            .into_iter()
            .filter(|d| match &d.rule {
                crate::finding::RuleRef::Static(m) => config.is_enabled(m),
                crate::finding::RuleRef::Dynamic(_) => true,
            })
            .map(|d| with_override(d).to_finding(source))
            .collect();
        report.suppressed = applied
            .suppressed
            .into_iter()
            .map(|(d, r)| {
                let mut f = with_override(d).to_finding(source);
                f.suppression = Some(r);
                f
            })
            .collect();
        report.errors = self.problems.iter().map(|p| p.to_error(source)).collect();
        report.summary.files = 1;
        report.summary.documents = self.documents;
        report.summary.kinds = self.kinds;
        report.summary.skipped = self.skipped;
        report.sort();
        report.recount();
        report
    }
}

/// Check one source of a known kind.
pub(crate) fn scan_source(
    config: &Config,
    namespaces: &crate::kubernetes::NamespaceIndex,
    netpol: &crate::netpol::ScanIndex,
    policies: Option<&crate::rego::PreparedPolicies>,
    kyverno: &crate::kyverno::Policies,
    source: &Source,
    kind: Kind,
) -> Report {
    let mut ctx = Context::new(config);
    match kind {
        Kind::Dockerfile => {
            crate::dockerfile::check(source, &mut ctx);
            if let Some(p) = policies {
                if p.has_conftest() {
                    let parsed = crate::dockerfile::parser::parse(source.text());
                    let input =
                        crate::rego::conftest::dockerfile_input(&parsed.dockerfile, source.text());
                    let span = parsed
                        .dockerfile
                        .instructions
                        .first()
                        .map_or(crate::source::Span::empty_at(0), |i| i.keyword_span);
                    p.check_conftest(&input, span, 0, None, &mut ctx);
                }
            }
        }
        Kind::Kubernetes => {
            crate::kubernetes::check_with_namespaces(source, &mut ctx, namespaces);
            crate::netpol::check(source, &mut ctx, netpol);
            if let Some(p) = policies {
                p.check_kubernetes(source, &mut ctx);
            }
            if !kyverno.is_empty() {
                kyverno.check_source(source, &mut ctx);
            }
        }
    }
    ctx.finish(source)
}
