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
    /// Findings, bounded by the configuration's `limits.max_findings` (see
    /// [`Findings`]).
    pub diagnostics: Findings,
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
            diagnostics: Findings::new(config.limits.max_findings),
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

/// The findings of one source, bounded while they are collected.
///
/// A source reports at most `max` findings (`limits.max_findings`): the `max`
/// earliest in the file, in report order (document, start, end, rule), the rest
/// counted in one `limit` error. Collecting every finding first and cutting at the
/// end held them all (a 15 MB manifest of containers reached gigabytes), so the
/// cut is made as they come: once more than twice `max` are held, the earliest
/// `max` are kept and the others counted; from then on a finding at or past the
/// first one left out is only counted. At most about `2 × max` findings are held.
///
/// The cut is the one a cut at the end would make: findings tied on the report
/// key are kept or left out together. Suppressions are applied later (suppressed
/// findings count against `max` too, so the cut does not depend on them); a
/// directive that covers a place at or past the first finding left out cannot
/// know whether it was used, and is not reported as unused (ST0001).
#[derive(Debug, Clone)]
pub struct Findings {
    max: usize,
    held: Vec<Diagnostic>,
    left_out: Option<LeftOut>,
}

/// The findings a [`Findings`] left out while collecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// The report key of the first finding left out: every finding at or past it
    /// is left out.
    pub key: FindingKey,
    /// Where the first one left out is.
    pub span: Span,
    /// How many were left out.
    pub count: usize,
}

/// The order findings are reported in: document, start, end, rule id.
pub type FindingKey = (usize, u32, u32, String);

/// The report key of a diagnostic (see [`FindingKey`]).
pub fn finding_key(d: &Diagnostic) -> FindingKey {
    (
        d.document,
        d.span.start,
        d.span.end,
        d.rule.id().to_string(),
    )
}

fn key_ref(d: &Diagnostic) -> (usize, u32, u32, &str) {
    (d.document, d.span.start, d.span.end, d.rule.id())
}

fn is_before(d: &Diagnostic, key: &FindingKey) -> bool {
    key_ref(d) < (key.0, key.1, key.2, key.3.as_str())
}

/// Held findings past which a [`Findings`] is cut down, besides twice its cap.
const SLACK: usize = 64;

impl Findings {
    /// An empty collection keeping at most `max` findings.
    pub fn new(max: usize) -> Self {
        Self {
            max,
            held: Vec::new(),
            left_out: None,
        }
    }

    /// Add a finding (or count it, when it is past the first one left out).
    pub fn push(&mut self, d: Diagnostic) {
        if let Some(left) = &mut self.left_out {
            if !is_before(&d, &left.key) {
                left.count += 1;
                return;
            }
        }
        self.held.push(d);
        if self.held.len() >= self.max.saturating_mul(2).saturating_add(SLACK) {
            self.cut();
        }
    }

    /// Move `other`'s findings (held and left out) into this one.
    pub fn append(&mut self, other: Findings) {
        if let Some(left) = other.left_out {
            self.leave_out_from(left);
        }
        for d in other.held {
            self.push(d);
        }
    }

    /// Change every finding held (a pack attaching fixes after its rules ran).
    pub fn for_each_mut(&mut self, f: impl FnMut(&mut Diagnostic)) {
        self.held.iter_mut().for_each(f);
    }

    /// Findings held (not those left out).
    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// The findings kept (at most `max`, ties together), and what was left out.
    pub fn into_parts(mut self) -> (Vec<Diagnostic>, Option<LeftOut>) {
        if self.held.len() > self.max {
            self.cut();
        }
        (self.held, self.left_out)
    }

    /// Keep the `max` earliest findings held (ties together), count the others.
    fn cut(&mut self) {
        self.held
            .sort_unstable_by(|a, b| key_ref(a).cmp(&key_ref(b)));
        let Some(first) = self.held.get(self.max) else {
            return;
        };
        let key = finding_key(first);
        let at = self.held.partition_point(|d| is_before(d, &key));
        let span = self.held.get(at).map_or(first.span, |d| d.span);
        let count = self.held.len() - at;
        self.held.truncate(at);
        self.leave_out_from(LeftOut { key, span, count });
    }

    /// Leave out everything at or past `left.key`, counting the held findings
    /// that are.
    fn leave_out_from(&mut self, left: LeftOut) {
        let merged = match self.left_out.take() {
            None => left,
            Some(mine) => {
                let count = mine.count + left.count;
                let first = if mine.key <= left.key { mine } else { left };
                LeftOut { count, ..first }
            }
        };
        let before = self.held.len();
        self.held.retain(|d| is_before(d, &merged.key));
        let count = merged.count + (before - self.held.len());
        self.left_out = Some(LeftOut { count, ..merged });
    }
}

impl Default for Findings {
    /// No cap.
    fn default() -> Self {
        Self::new(usize::MAX)
    }
}

impl From<Vec<Diagnostic>> for Findings {
    /// Findings with no cap (tests and callers that bound them otherwise).
    fn from(held: Vec<Diagnostic>) -> Self {
        Self {
            max: usize::MAX,
            held,
            left_out: None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::suppress::UNUSED_SUPPRESSION;

    fn at(start: u32) -> Diagnostic {
        Diagnostic::new(&UNUSED_SUPPRESSION, Span::new(start, start + 1), "x")
    }

    /// Whatever the order findings come in, the ones kept and the count left out
    /// are those of sorting them all and cutting at `max`; no more than about
    /// twice `max` are ever held.
    #[test]
    fn the_cut_is_made_while_collecting_as_at_the_end() {
        let n: u32 = 10_000;
        let max = 100;
        let mut findings = Findings::new(max);
        let mut peak = 0;
        // Descending then ascending: every order the cut has to cope with.
        for i in (0..n / 2).rev().chain(n / 2..n) {
            findings.push(at(i * 7 % n));
            // And ties: the same finding twice.
            findings.push(at(i * 7 % n));
            peak = peak.max(findings.len());
        }
        assert!(peak <= 2 * max + SLACK, "{peak}");
        let (held, left) = findings.into_parts();
        let left = left.unwrap();
        assert_eq!(held.len(), max);
        assert_eq!(left.count, 2 * n as usize - max);
        let mut starts: Vec<u32> = held.iter().map(|d| d.span.start).collect();
        starts.sort_unstable();
        starts.dedup();
        assert_eq!(starts, (0..50).collect::<Vec<_>>());
        assert_eq!(left.span.start, 50);
    }
}
