//! Inline suppressions, shared by every pack.
//!
//! A pack finds its suppression directives (a `# stockade ignore=DF0001` comment
//! before a Dockerfile instruction or a YAML key, a `stockade.io/ignore`
//! annotation, a `# hadolint ignore=DL3008` comment) and says which byte range each
//! one covers. [`apply`] then moves every covered finding to `suppressed` and
//! reports each rule name that covered nothing as an [`UNUSED_SUPPRESSION`] finding.
//!
//! A rendered document (a Helm template's output, a Kustomize overlay's result;
//! see [`crate::origin`]) is also suppressed by directives in the files it was
//! rendered from: [`origin_directives`] reads `# stockade ignore=ID` comments
//! out of any text (templates are not YAML), and [`apply_rendered`] suppresses a
//! finding when one of its origins starts on the line such a comment covers.
//! Directives in origin files that suppress nothing are **not** reported as
//! [`UNUSED_SUPPRESSION`]: one values file or template feeds many rendered
//! documents, each scanned on its own, and whether a directive matched something
//! is only known over the whole render. Reporting it per document would repeat
//! the same finding for every document that does not happen to use it.

use crate::finding::{Diagnostic, SuppressionRef};
use crate::origin::{FileId, Rendering};
use crate::rule::{Category, Pack, Severity};
use crate::source::{LineIndex, Span};

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
    /// Findings of a rendered document with an origin in `file` that starts inside
    /// this byte range of `file` (a directive in a template, values file or base;
    /// see [`origin_directives`]).
    Origin { file: FileId, span: Span },
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

impl Suppression {
    /// Whether the directive covers some place at or past byte `start` of
    /// `document` (in report order): whether it could cover a finding there.
    pub fn reaches(&self, document: usize, start: u32) -> bool {
        match self.scope {
            Scope::Range { document: d, span } => (d, span.end) >= (document, start),
            Scope::Document(d) => d >= document,
            Scope::File => true,
            Scope::Origin { .. } => false,
        }
    }
}

impl Scope {
    fn covers(&self, d: &Diagnostic) -> bool {
        match *self {
            Scope::Range { document, span } => {
                d.document == document && d.span.start >= span.start && d.span.start <= span.end
            }
            Scope::Document(doc) => d.document == doc,
            Scope::File => true,
            // Matched through the diagnostic's origins, in `apply_rendered`.
            Scope::Origin { .. } => false,
        }
    }
}

/// The outcome of applying suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Diagnostic>,
    pub suppressed: Vec<(Diagnostic, SuppressionRef)>,
    /// Names in directives that no rule answers to but that are another tool's
    /// ids (`DL3059`, `SC2086`, `CKV_K8S_99`), with that tool: not reported as
    /// [`UNUSED_SUPPRESSION`], but once as a notice (see [`foreign_tool`]).
    pub foreign: Vec<(String, &'static str)>,
}

/// The tool whose rule-id shape `name` has, when it is not a Stockade id shape:
/// hadolint (`DL3059`), `ShellCheck` (`SC2086`), Trivy (`DS002`, `KSV001`,
/// `KSV-0001`, `AVD-KSV-0001`), Checkov (`CKV_K8S_20`, `CKV2_K8S_1`), kube-linter
/// (lower-case, hyphenated check names: `run-as-non-root`), Polaris (camelCase
/// check names: `runAsRootAllowed`). A Stockade-shaped name (`ST0001`, `DF0001`,
/// `PSS001`, `K8S001`, `NP001`) is never foreign: a typo of one stays an
/// unknown-rule error or [`UNUSED_SUPPRESSION`].
pub fn foreign_tool(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let upper = name.to_ascii_uppercase();
    let digits_after = |prefix: &str| {
        upper
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    if ["ST", "DF", "PSS", "K8S", "NP"]
        .iter()
        .any(|p| digits_after(p))
    {
        return None;
    }
    if digits_after("DL") {
        return Some("hadolint");
    }
    if digits_after("SC") {
        return Some("ShellCheck");
    }
    if digits_after("DS")
        || digits_after("KSV")
        || digits_after("KSV-")
        || upper.starts_with("AVD-")
    {
        return Some("Trivy");
    }
    if upper.starts_with("CKV_") || upper.starts_with("CKV2_") {
        return Some("Checkov");
    }
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if name.contains('-') && name.split('-').all(word) {
        return Some("kube-linter");
    }
    let mut chars = name.chars();
    if chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.chars().any(|c| c.is_ascii_uppercase())
    {
        return Some("Polaris");
    }
    None
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

/// What another tool's suppression comment covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignScope {
    /// What follows the comment, as `# stockade ignore=`: Trivy's
    /// `# trivy:ignore:ID`.
    Next,
    /// The whole object (YAML document) or file (Dockerfile): Checkov's
    /// `# checkov:skip=ID[:reason]`.
    Object,
}

/// Parse another tool's suppression comment (the text after `#`):
/// `trivy:ignore:ID` (Trivy; a trailing `:exp:DATE` is not part of the id) or
/// `checkov:skip=ID[:reason]` (Checkov). Returns the scope, the id and its
/// offset within `text`. The id goes through the alias table like any other:
/// `# trivy:ignore:KSV-0017` suppresses the rule whose alias `KSV-0017` is.
pub fn parse_foreign_directive(text: &str) -> Option<(ForeignScope, &str, usize)> {
    let trimmed = text.trim_start();
    let (scope, rest) = if let Some(rest) = trimmed.strip_prefix("trivy:ignore:") {
        (ForeignScope::Next, rest)
    } else if let Some(rest) = trimmed.strip_prefix("checkov:skip=") {
        (ForeignScope::Object, rest)
    } else {
        return None;
    };
    let end = rest
        .find(|c: char| c == ':' || c.is_whitespace())
        .unwrap_or(rest.len());
    let id = rest.get(..end)?;
    if id.is_empty() {
        return None;
    }
    Some((scope, id, text.len() - rest.len()))
}

/// The rule names of another tool's exemption annotation (`key: value` in an
/// object's `metadata.annotations`), each with its byte range relative to the
/// value's text, or nothing when the annotation is not one:
/// - Checkov `checkov.io/skip1: CKV_K8S_20=reason` (any `checkov.io/skip*` key);
/// - kube-linter `ignore-check.kube-linter.io/<check>: reason`;
/// - Polaris `polaris.fairwinds.com/<check>-exempt: "true"`.
///
/// A name from the key (kube-linter, Polaris) is located at the value.
pub fn foreign_annotation(key: &str, value: &str) -> Option<(String, Option<(usize, usize)>)> {
    if key.starts_with("checkov.io/skip") {
        let trimmed = value.trim_start();
        let lead = value.len() - trimmed.len();
        let end = trimmed
            .find(|c: char| c == '=' || c == ':' || c.is_whitespace())
            .unwrap_or(trimmed.len());
        let id = trimmed.get(..end).filter(|id| !id.is_empty())?;
        return Some((id.to_string(), Some((lead, lead + end))));
    }
    if let Some(check) = key.strip_prefix("ignore-check.kube-linter.io/") {
        return (!check.is_empty()).then(|| (check.to_string(), None));
    }
    if let Some(rest) = key.strip_prefix("polaris.fairwinds.com/") {
        let check = rest.strip_suffix("-exempt")?;
        let exempt = value.trim().eq_ignore_ascii_case("true");
        return (exempt && !check.is_empty()).then(|| (check.to_string(), None));
    }
    None
}

/// Parse `stockade ignore=…` / `stockade global ignore=…` from a comment's text
/// (after the `#`): `(is_global, rules text, offset of the rules text within the
/// comment text)`. The rules text runs to the end of the comment.
pub fn parse_directive(text: &str) -> Option<(bool, &str, usize)> {
    let trimmed = text.trim_start();
    let rest = trimmed.strip_prefix("stockade")?;
    let after_tool = rest.trim_start();
    if after_tool.len() == rest.len() {
        return None;
    }
    let (global, body) = match after_tool.strip_prefix("global") {
        Some(b) if b.starts_with(char::is_whitespace) => (true, b.trim_start()),
        _ => (false, after_tool),
    };
    let list = body.strip_prefix("ignore=")?;
    let offset = text.len() - list.len();
    Some((global, list, offset))
}

/// The `# stockade ignore=ID[,ID]` and `# stockade global ignore=ID[,ID]`
/// directives of an origin file's text, read line by line (a template is not
/// YAML, so there is no syntax tree to ask): a `#` at the start of a line or
/// after a blank starts a comment. Each directive's scope is a
/// [`Scope::Origin`] in `file`:
///
/// - on its own line, it covers the next line that is neither blank nor only a
///   comment (the line "right below", with other directives allowed between);
/// - after text, it covers its own line;
/// - `global`, it covers the whole file.
///
/// A directive with no line to cover covers nothing. The rule list ends at the
/// first blank (a reason may follow).
pub fn origin_directives(file: FileId, text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    // Cheap rejection: most origin files have no directive at all.
    if !text.contains("stockade") {
        return out;
    }
    let index = LineIndex::new(text);
    let lines = u32::try_from(index.line_count()).unwrap_or(u32::MAX);
    for line in 0..lines {
        let span = index.line_span(line, text);
        let content = span.text(text);
        let Some((hash, (global, list, offset))) = comment_directive(content) else {
            continue;
        };
        let list_start = span.start + (hash + 1 + offset) as u32;
        let list = list.split_whitespace().next().unwrap_or("");
        let rules = parse_rule_list(list, list_start);
        if rules.is_empty() {
            continue;
        }
        let own_line = content.get(..hash).is_some_and(|b| b.trim().is_empty());
        let cover = if global {
            Span::from_range(0..text.len())
        } else if own_line {
            (line + 1..lines)
                .map(|l| index.line_span(l, text))
                .find(|s| {
                    let t = s.text(text).trim_start();
                    !t.is_empty() && !t.starts_with('#')
                })
                // Nothing below: cover only the directive's own end.
                .unwrap_or(Span::empty_at(span.end))
        } else {
            span
        };
        let directive_start = span.start + hash as u32;
        out.push(Suppression {
            rules,
            scope: Scope::Origin { file, span: cover },
            span: Span::new(directive_start, span.end),
            line: line + 1,
            kind: if global { "global-comment" } else { "comment" },
            document: 0,
        });
    }
    out
}

/// The first comment on a line that is a directive: the byte offset of its `#`
/// and the parsed directive.
fn comment_directive(line: &str) -> Option<(usize, (bool, &str, usize))> {
    let bytes = line.as_bytes();
    line.match_indices('#').find_map(|(at, _)| {
        let starts_comment = at == 0
            || at
                .checked_sub(1)
                .and_then(|i| bytes.get(i))
                .is_some_and(|b| *b == b' ' || *b == b'\t');
        if !starts_comment {
            return None;
        }
        parse_directive(line.get(at + 1..)?).map(|d| (at, d))
    })
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
    apply_rendered(diagnostics, suppressions, None, is_known)
}

/// [`apply`] for a document that may be rendered: the directives of its origin
/// files ([`crate::origin::OriginFiles::directives`]) suppress too, after the
/// document's own. A finding is covered by an origin directive when one of its
/// origins ([`crate::origin::OriginMap::origins_of`]) is in the directive's file
/// and starts inside the range the directive covers. Origin directives that
/// cover nothing are not reported (see the module docs). With `rendering` `None`
/// this is exactly [`apply`].
pub fn apply_rendered(
    diagnostics: Vec<Diagnostic>,
    suppressions: &[Suppression],
    rendering: Option<&Rendering>,
    is_known: &dyn Fn(&str) -> bool,
) -> Applied {
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let origin_directives = rendering.map_or(&[][..], |r| r.files().directives());
    let mut applied = Applied::default();
    let index = ScopeIndex::new(suppressions);
    let mut candidates = Vec::new();
    'diag: for d in diagnostics {
        index.candidates(&d, &mut candidates);
        for &si in &candidates {
            let Some(s) = suppressions.get(si) else {
                continue;
            };
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
                    path: None,
                };
                applied.suppressed.push((d, r));
                continue 'diag;
            }
        }
        if let (Some(rendering), false) = (rendering, origin_directives.is_empty()) {
            if let Some(r) = origin_suppression(&d, rendering, origin_directives) {
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
                if !known {
                    if let Some(tool) = foreign_tool(name) {
                        applied.foreign.push((name.clone(), tool));
                        continue;
                    }
                }
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

/// The suppressions that may cover a diagnostic, found without trying each one
/// (a file with thousands of directives and findings stays linear): the
/// file-wide ones, those of the diagnostic's document, and the ranges of that
/// document around its start, in directive order as [`apply_rendered`] tries
/// them.
struct ScopeIndex {
    file: Vec<usize>,
    documents: std::collections::HashMap<usize, Vec<usize>>,
    /// Per document: `(start, end, index)` sorted by start, and the largest end
    /// among the first `i + 1` of them.
    ranges: std::collections::HashMap<usize, Ranges>,
}

/// `(start, end, index)` of a document's range suppressions sorted by start, and
/// the running maximum of their ends.
type Ranges = (Vec<(u32, u32, usize)>, Vec<u32>);

impl ScopeIndex {
    fn new(suppressions: &[Suppression]) -> Self {
        let mut index = ScopeIndex {
            file: Vec::new(),
            documents: std::collections::HashMap::new(),
            ranges: std::collections::HashMap::new(),
        };
        for (si, s) in suppressions.iter().enumerate() {
            match s.scope {
                Scope::File => index.file.push(si),
                Scope::Document(d) => index.documents.entry(d).or_default().push(si),
                Scope::Range { document, span } => index
                    .ranges
                    .entry(document)
                    .or_default()
                    .0
                    .push((span.start, span.end, si)),
                Scope::Origin { .. } => {}
            }
        }
        for (ranges, max_end) in index.ranges.values_mut() {
            ranges.sort_unstable();
            let mut max = 0;
            *max_end = ranges
                .iter()
                .map(|&(_, end, _)| {
                    max = max.max(end);
                    max
                })
                .collect();
        }
        index
    }

    /// The indices of the suppressions that may cover `d`, ascending, into `out`.
    fn candidates(&self, d: &Diagnostic, out: &mut Vec<usize>) {
        out.clear();
        out.extend(&self.file);
        if let Some(ds) = self.documents.get(&d.document) {
            out.extend(ds);
        }
        if let Some((ranges, max_end)) = self.ranges.get(&d.document) {
            let at = d.span.start;
            let mut i = ranges.partition_point(|&(start, _, _)| start <= at);
            // Earlier ranges while one of them may still reach `at`.
            while let Some(k) = i.checked_sub(1) {
                if max_end.get(k).is_none_or(|&m| m < at) {
                    break;
                }
                if let Some(&(_, end, si)) = ranges.get(k) {
                    if end >= at {
                        out.push(si);
                    }
                }
                i = k;
            }
        }
        out.sort_unstable();
    }
}

/// The first origin directive that covers `d`, as reported on the finding.
fn origin_suppression(
    d: &Diagnostic,
    rendering: &Rendering,
    directives: &[Suppression],
) -> Option<SuppressionRef> {
    let origins = rendering.map().origins_of(d.span);
    if origins.is_empty() {
        return None;
    }
    directives.iter().find_map(|s| {
        let Scope::Origin { file, span } = s.scope else {
            return None;
        };
        let covered = origins
            .iter()
            .any(|o| o.file == file && span.start <= o.span.start && o.span.start <= span.end);
        if !covered || !s.rules.iter().any(|(name, _)| d.rule.answers_to(name)) {
            return None;
        }
        Some(SuppressionRef {
            line: s.line,
            kind: s.kind.to_string(),
            path: rendering.files().get(file).map(|f| f.path().to_string()),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::{OriginFiles, OriginMap, OriginRole, OriginSpan};
    use crate::source::Source;
    use std::sync::Arc;

    #[test]
    fn foreign_ids_are_told_from_stockade_shapes() {
        for (name, tool) in [
            ("DL3059", "hadolint"),
            ("SC2086", "ShellCheck"),
            ("DS002", "Trivy"),
            ("KSV-0017", "Trivy"),
            ("AVD-KSV-0001", "Trivy"),
            ("CKV_K8S_20", "Checkov"),
            ("CKV2_K8S_1", "Checkov"),
            ("no-anti-affinity", "kube-linter"),
            ("runAsRootAllowed", "Polaris"),
        ] {
            assert_eq!(foreign_tool(name), Some(tool), "{name}");
        }
        for name in [
            "ST0001", "DF9999", "PSS999", "K8S999", "NP999", "XYZ", "foo",
        ] {
            assert_eq!(foreign_tool(name), None, "{name}");
        }
    }

    #[test]
    fn foreign_directives_and_annotations_parse() {
        assert_eq!(
            parse_foreign_directive(" trivy:ignore:KSV-0017"),
            Some((ForeignScope::Next, "KSV-0017", 14))
        );
        assert_eq!(
            parse_foreign_directive("trivy:ignore:AVD-DS-0002:exp:2025-01-01").map(|d| d.1),
            Some("AVD-DS-0002")
        );
        assert_eq!(
            parse_foreign_directive(" checkov:skip=CKV_K8S_20:the reason"),
            Some((ForeignScope::Object, "CKV_K8S_20", 14))
        );
        assert_eq!(parse_foreign_directive(" checkov:skip="), None);
        assert_eq!(parse_foreign_directive(" stockade ignore=X"), None);
        assert_eq!(
            foreign_annotation("checkov.io/skip2", " CKV_K8S_20=why"),
            Some(("CKV_K8S_20".to_string(), Some((1, 11))))
        );
        assert_eq!(
            foreign_annotation("ignore-check.kube-linter.io/latest-tag", "why"),
            Some(("latest-tag".to_string(), None))
        );
        assert_eq!(
            foreign_annotation("polaris.fairwinds.com/tagNotSpecified-exempt", "true"),
            Some(("tagNotSpecified".to_string(), None))
        );
        assert_eq!(
            foreign_annotation("polaris.fairwinds.com/tagNotSpecified-exempt", "false"),
            None
        );
        assert_eq!(foreign_annotation("example.com/x", "y"), None);
    }

    fn names(s: &Suppression) -> Vec<&str> {
        s.rules.iter().map(|r| r.0.as_str()).collect()
    }

    fn covered<'a>(text: &'a str, s: &Suppression) -> &'a str {
        match s.scope {
            Scope::Origin { span, .. } => span.text(text),
            other => panic!("not an origin scope: {other:?}"),
        }
    }

    #[test]
    fn origin_directives_cover_the_line_below_or_their_own() {
        let mut files = OriginFiles::new();
        let text = "\
# stockade ignore=PSS001 because the chart needs it

# another comment
securityContext:
  privileged: {{ .Values.privileged }}  # stockade ignore=PSS002,PSS003
image: \"a#stockade ignore=NOPE\"
# stockade global ignore=KSV001
# stockade ignore=PSS004
";
        let id = files.add(Source::new("t.yaml", text));
        let found = origin_directives(id, text);
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(names(&found[0]), ["PSS001"]);
        assert_eq!(found[0].rules[0].1.text(text), "PSS001");
        assert_eq!((found[0].line, found[0].kind), (1, "comment"));
        assert_eq!(covered(text, &found[0]), "securityContext:");
        assert_eq!(names(&found[1]), ["PSS002", "PSS003"]);
        assert_eq!(
            covered(text, &found[1]),
            "  privileged: {{ .Values.privileged }}  # stockade ignore=PSS002,PSS003"
        );
        assert_eq!(found[1].span.text(text), "# stockade ignore=PSS002,PSS003");
        assert_eq!(found[2].kind, "global-comment");
        assert_eq!(covered(text, &found[2]), text);
        // Nothing below the last one: it covers nothing.
        assert_eq!(covered(text, &found[3]), "");
        assert!(origin_directives(id, "a: 1\n").is_empty());
    }

    #[test]
    fn origin_directives_suppress_rendered_findings_and_are_never_unused() {
        let values = "replicas: 1\n# stockade ignore=PSS001\nprivileged: true\nhostPID: true\n";
        let mut files = OriginFiles::new();
        let v = files.add(Source::new("values.yaml", values));
        let files = Arc::new(files);
        let rendered = "privileged: true\nhostPID: true\n";
        let at = |text: &str, needle: &str| {
            let i = text.find(needle).unwrap();
            Span::from_range(i..i + needle.len())
        };
        let map = OriginMap::builder()
            .with(
                at(rendered, "true"),
                OriginSpan::new(v, at(values, "true"), OriginRole::Value),
            )
            .with(
                Span::new(17, 30),
                OriginSpan::new(v, at(values, "hostPID: true"), OriginRole::Value),
            )
            .build()
            .unwrap();
        let source = Source::rendered("out.yaml", rendered, map, files).unwrap();
        let rule = |id: &str| {
            crate::finding::RuleRef::Dynamic(Arc::new(crate::finding::DynamicRule {
                id: id.to_string(),
                aliases: Vec::new(),
                severity: Severity::High,
                category: Category::Security,
                title: String::new(),
                remediation: String::new(),
                help: String::new(),
            }))
        };
        let diagnostics = vec![
            Diagnostic::new(rule("PSS001"), at(rendered, "true"), "privileged"),
            Diagnostic::new(rule("PSS001"), Span::new(26, 30), "other line"),
            Diagnostic::new(rule("PSS002"), Span::new(26, 30), "host pid"),
            Diagnostic::new(rule("PSS001"), Span::new(0, 10), "no origin"),
        ];
        let applied = apply_rendered(diagnostics, &[], source.rendering(), &|_| true);
        assert_eq!(applied.suppressed.len(), 1);
        let (d, r) = &applied.suppressed[0];
        assert_eq!(d.message, "privileged");
        assert_eq!((r.line, r.kind.as_str()), (2, "comment"));
        assert_eq!(r.path.as_deref(), Some("values.yaml"));
        // The rest is kept, and the directive is not reported (it was used, but
        // unused origin directives are never reported either).
        let kept: Vec<&str> = applied.kept.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(kept, ["other line", "host pid", "no origin"]);
        let unused = apply_rendered(
            vec![Diagnostic::new(
                rule("PSS002"),
                Span::new(26, 30),
                "host pid",
            )],
            &[],
            source.rendering(),
            &|_| true,
        );
        assert_eq!(unused.kept.len(), 1);
        assert!(unused.suppressed.is_empty());
        // A plain source: same as `apply`.
        let plain = apply_rendered(
            vec![Diagnostic::new(rule("PSS001"), Span::new(0, 4), "x")],
            &[],
            None,
            &|_| true,
        );
        assert_eq!(plain.kept.len(), 1);
    }

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
