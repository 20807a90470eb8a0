//! Inline suppressions, shared by every pack.
//!
//! A pack finds its suppression directives (a `# stockade ignore=DF0001` comment
//! before a Dockerfile instruction or a YAML key, a `stockade.io/ignore`
//! annotation, a `# hadolint ignore=DL3008` comment) and says which byte range each
//! one covers. [`apply`] then moves every covered finding to `suppressed` and
//! reports each rule name that covered nothing as an [`UNUSED_SUPPRESSION`] finding.

use crate::finding::{Diagnostic, SuppressionRef};
use crate::rule::{Category, Pack, Severity};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a suppression (`# stockade ignore=ID`, `# hadolint ignore=ID`, a
    /// `stockade.io/ignore` annotation) that names a rule which raised no finding in
    /// the place the suppression covers.
    ///
    /// ## Why is this bad?
    /// A suppression that suppresses nothing is noise at best; at worst the rule id is
    /// misspelt and the finding the author meant to silence is reported elsewhere, or a
    /// later change brings back the problem without anyone noticing that the
    /// suppression is still there.
    ///
    /// ## Example
    /// ```dockerfile
    /// # stockade ignore=DF0001
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## References
    /// - oxc's `--report-unused-disable-directives`
    pub static UNUSED_SUPPRESSION = {
        id: "ST0001",
        name: "unused-suppression",
        pack: Pack::Meta,
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "Suppression matches no finding",
        remediation: "Remove the rule from the suppression, or fix its id.",
    };
}

/// What a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Findings of this document whose span starts inside this byte range.
    Range { document: usize, span: Span },
    /// Every finding of this document (an annotation on the object).
    Document(usize),
    /// Every finding of the file (`# stockade global ignore=…`).
    File,
}

/// One suppression directive as found in the source.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Rule names as written (ids or aliases), each with its span.
    pub rules: Vec<(String, Span)>,
    pub scope: Scope,
    /// Span of the whole directive.
    pub span: Span,
    /// 1-based line of the directive, as reported on suppressed findings.
    pub line: u32,
    /// `comment`, `global-comment` or `annotation`.
    pub kind: &'static str,
    /// The document the directive itself stands in.
    pub document: usize,
}

impl Scope {
    fn covers(&self, d: &Diagnostic) -> bool {
        match *self {
            Scope::Range { document, span } => {
                d.document == document && d.span.start >= span.start && d.span.start <= span.end
            }
            Scope::Document(doc) => d.document == doc,
            Scope::File => true,
        }
    }
}

/// The outcome of applying suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Diagnostic>,
    pub suppressed: Vec<(Diagnostic, SuppressionRef)>,
}

/// Parse the rule list of a directive such as `ignore=DF0001, DL3008` starting at
/// `offset` in the source: returns each name with its span. `text` is the part after
/// `ignore=`.
pub fn parse_rule_list(text: &str, offset: u32) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    for part in text.split(',') {
        let trimmed_start = part.len() - part.trim_start().len();
        let name = part.trim();
        if !name.is_empty() {
            let start = offset + (pos + trimmed_start) as u32;
            out.push((
                name.to_string(),
                Span::new(start, start + name.len() as u32),
            ));
        }
        pos += part.len() + 1;
    }
    out
}

/// Split diagnostics into kept and suppressed; every rule name in a directive that
/// covered nothing becomes an [`UNUSED_SUPPRESSION`] diagnostic in `kept` (unless
/// that rule is itself suppressed or disabled by the caller, which filters later).
/// `is_known` tells whether a name is a rule id or alias at all (for the message).
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    suppressions: &[Suppression],
    is_known: &dyn Fn(&str) -> bool,
) -> Applied {
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let mut applied = Applied::default();
    'diag: for d in diagnostics {
        for (si, s) in suppressions.iter().enumerate() {
            if !s.scope.covers(&d) {
                continue;
            }
            if let Some(ri) = s.rules.iter().position(|(name, _)| d.rule.answers_to(name)) {
                if let Some(flag) = used.get_mut(si).and_then(|u| u.get_mut(ri)) {
                    *flag = true;
                }
                let r = SuppressionRef {
                    line: s.line,
                    kind: s.kind.to_string(),
                };
                applied.suppressed.push((d, r));
                continue 'diag;
            }
        }
        applied.kept.push(d);
    }
    // Whether a name is a rule, looked up once per distinct name (files with
    // thousands of suppression comments name the same few rules).
    let mut known_names: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    for (s, flags) in suppressions.iter().zip(used) {
        for ((name, span), used) in s.rules.iter().zip(flags) {
            if !used {
                let known = *known_names
                    .entry(name.as_str())
                    .or_insert_with(|| is_known(name));
                let message = if known {
                    format!("suppression of `{name}` matches no finding here")
                } else {
                    format!("suppression names `{name}`, which is neither a Stockade rule nor an alias of one")
                };
                applied.kept.push(
                    Diagnostic::new(&UNUSED_SUPPRESSION, *span, message).in_document(s.document),
                );
            }
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_list_keeps_spans() {
        let text = "# stockade ignore=DF0001, DL3008";
        let at = text.find('=').unwrap() + 1;
        let rules = parse_rule_list(&text[at..], at as u32);
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].1.text(text), "DF0001");
        assert_eq!(rules[1].1.text(text), "DL3008");
    }
}
