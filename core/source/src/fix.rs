//! Fixes: text edits a rule proposes for its finding, with how safe they are to
//! apply unattended (the model ruff uses: `safe`, `unsafe`, `display-only`).
//!
//! A fix is a list of [`Edit`]s, each a byte span of the scanned text and the
//! text that replaces it. Edits are applied to the text as written: nothing is
//! re-serialised, so comments, indentation and formatting outside the edited
//! spans are kept byte for byte. [`apply`] applies a set of fixes to one text,
//! skipping a fix whose edits overlap an edit already applied (the next round
//! of a fix loop picks it up again on the rescanned text).
//!
//! In a rendered document (Helm, Kustomize), the text a finding is positioned in
//! is not a file anyone edits: [`FixLocation::for_rendered`] moves each edit to
//! the file the text came from when that file is a values file or a plain base
//! and the text was copied from it verbatim; otherwise the fix is only shown.

use serde::{Deserialize, Serialize};

use crate::origin::{OriginRole, Rendering};
use crate::source::{Position, Source, Span};

/// How safe a fix is to apply without a human reading it. Ordered: a fix
/// applies when its applicability is at least the one asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown to the user, never applied by `--fix` (the edit may be wrong in
    /// ways the rule cannot see, or the text is generated).
    DisplayOnly,
    /// Changes behaviour in a way the user should review (`--unsafe-fixes`).
    Unsafe,
    /// Keeps the intent and only removes the finding (`--fix`).
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// Replace the bytes of `span` with `replacement` (an insertion when the span is
/// empty, a deletion when the replacement is).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Self {
        Self {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn insert(offset: u32, text: impl Into<String>) -> Self {
        Self::replace(Span::empty_at(offset), text)
    }

    pub fn delete(span: Span) -> Self {
        Self::replace(span, "")
    }
}

/// The edits that resolve one finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub applicability: Applicability,
    /// Sorted by span, not overlapping.
    pub edits: Vec<Edit>,
    /// What the fix does, for a person (``Add `--no-cache` ``).
    pub message: String,
}

impl Fix {
    fn new(applicability: Applicability, message: impl Into<String>, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Self {
            applicability,
            edits,
            message: message.into(),
        }
    }

    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(Applicability::Safe, message, edits)
    }

    pub fn unsafe_edits(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(Applicability::Unsafe, message, edits)
    }

    pub fn display_only(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self::new(Applicability::DisplayOnly, message, edits)
    }

    /// The same edits with another applicability.
    #[must_use]
    pub fn with_applicability(mut self, applicability: Applicability) -> Self {
        self.applicability = applicability;
        self
    }

    /// The smallest span covering every edit.
    pub fn span(&self) -> Option<Span> {
        let first = self.edits.first()?.span;
        Some(self.edits.iter().fold(first, |acc, e| acc.cover(e.span)))
    }

    /// Position the edits in `source` (and, for a rendered source, move them to
    /// the file they came from when that is allowed, see
    /// [`FixLocation::for_rendered`]).
    pub fn to_located(&self, source: &Source) -> LocatedFix {
        match source.rendering() {
            None => LocatedFix {
                applicability: self.applicability,
                message: self.message.clone(),
                edits: self
                    .edits
                    .iter()
                    .map(|e| LocatedEdit::new(source, e, None))
                    .collect(),
            },
            Some(rendering) => FixLocation::for_rendered(self, source, rendering),
        }
    }
}

/// An edit positioned for output: where it starts and ends in the file it
/// applies to (line/column and byte offset) and the replacement text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocatedEdit {
    pub start: Position,
    pub end: Position,
    /// The new text.
    pub content: String,
    /// The file the edit applies to when it is not the finding's own (a values
    /// file or base of a rendered document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl LocatedEdit {
    fn new(file: &Source, edit: &Edit, path: Option<String>) -> Self {
        let (start, end) = file.line_index().range(file.text(), edit.span);
        Self {
            start,
            end,
            content: edit.replacement.clone(),
            path,
        }
    }

    /// The edit as a byte-span edit of its file.
    pub fn to_edit(&self) -> Edit {
        Edit::replace(
            Span::new(self.start.offset, self.end.offset),
            self.content.clone(),
        )
    }
}

/// A fix as reported (JSON `fix`, SARIF `fixes`, the bindings, the language
/// server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocatedFix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<LocatedEdit>,
}

impl LocatedFix {
    /// Whether `--fix` (`Safe`) or `--unsafe-fixes` (`Unsafe`) applies it.
    pub fn applies_at(&self, wanted: Applicability) -> bool {
        wanted != Applicability::DisplayOnly && self.applicability >= wanted
    }
}

/// Where the edits of a fix in a rendered document go.
pub struct FixLocation;

impl FixLocation {
    /// A fix in rendered text applies where the text came from when every edit
    /// lies in a segment copied verbatim from a values file ([`OriginRole::Value`])
    /// or a plain base ([`OriginRole::Base`]): the edit moves to that file, at
    /// the same distance from the segment's start. Any other origin (a template,
    /// a patch, a generator) or a segment that is not a verbatim copy makes the
    /// fix display-only, positioned in the rendered text.
    pub fn for_rendered(fix: &Fix, source: &Source, rendering: &Rendering) -> LocatedFix {
        let moved: Option<Vec<LocatedEdit>> = fix
            .edits
            .iter()
            .map(|edit| Self::move_edit(edit, source, rendering))
            .collect();
        match moved {
            Some(edits) => LocatedFix {
                applicability: fix.applicability,
                message: fix.message.clone(),
                edits,
            },
            None => LocatedFix {
                applicability: Applicability::DisplayOnly,
                message: fix.message.clone(),
                edits: fix
                    .edits
                    .iter()
                    .map(|e| LocatedEdit::new(source, e, None))
                    .collect(),
            },
        }
    }

    fn move_edit(edit: &Edit, source: &Source, rendering: &Rendering) -> Option<LocatedEdit> {
        let (segment, origins) = rendering.map().segment_of(edit.span)?;
        let [origin] = origins else { return None };
        if !matches!(origin.role, OriginRole::Value | OriginRole::Base) {
            return None;
        }
        let file = rendering.files().get(origin.file)?;
        // A verbatim copy: same bytes, so offsets carry over.
        if segment.text(source.text()) != origin.span.text(file.text()) {
            return None;
        }
        let shift = |o: u32| origin.span.start.checked_add(o.checked_sub(segment.start)?);
        let span = Span::new(shift(edit.span.start)?, shift(edit.span.end)?);
        let moved = Edit::replace(span, edit.replacement.clone());
        Some(LocatedEdit::new(
            file,
            &moved,
            Some(file.path().to_string()),
        ))
    }
}

/// What [`apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// Indices (into the fixes given) of the fixes applied, in order; a fix
    /// identical to one applied is counted as applied too (one edit did both).
    pub applied: Vec<usize>,
    /// How many fixes were not applied (they overlapped one applied before, or
    /// did not fit the text).
    pub skipped: usize,
}

/// Apply `fixes` (their edits given as byte spans of `text`) in order of their
/// first edit; a fix with an edit that overlaps an edit already applied, lies
/// outside the text or splits a character is skipped whole (a later round, on
/// the rescanned text, proposes it again). Two insertions at the same offset
/// overlap. Identical fixes (two
/// findings proposing the same edits, such as one pod-level setting for two
/// containers) are applied once.
pub fn apply(text: &str, fixes: &[Vec<Edit>]) -> Applied {
    let mut order: Vec<(usize, &Vec<Edit>)> = fixes
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_empty())
        .collect();
    order.sort_by_key(|(i, f)| (f.first().map(|e| (e.span.start, e.span.end)), *i));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut chosen: Vec<&Vec<Edit>> = Vec::new();
    let mut applied = Vec::new();
    let mut skipped = 0;
    for (i, fix) in order {
        if chosen.contains(&fix) {
            applied.push(i);
            continue;
        }
        let valid = fix.iter().all(|e| {
            e.span.start <= e.span.end
                && text.get(e.span.range()).is_some()
                && !taken.iter().any(|t| overlaps(t.span, e.span))
        }) && !fix
            .iter()
            .enumerate()
            .any(|(j, a)| fix.iter().skip(j + 1).any(|b| overlaps(a.span, b.span)));
        if valid {
            taken.extend(fix.iter());
            chosen.push(fix);
            applied.push(i);
        } else {
            skipped += 1;
        }
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in taken {
        out.push_str(text.get(at..e.span.start as usize).unwrap_or(""));
        out.push_str(&e.replacement);
        at = at.max(e.span.end as usize);
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Applied {
        text: out,
        applied,
        skipped,
    }
}

/// Whether two edit spans conflict: they share a byte, both insert at the same
/// offset (two fixes may each add the same parent key there), or one inserts
/// strictly inside the other's range.
fn overlaps(a: Span, b: Span) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    if a.is_empty() {
        return b.start < a.start && a.start < b.end;
    }
    if b.is_empty() {
        return a.start < b.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::{OriginFiles, OriginMap, OriginSpan};
    use std::sync::Arc;

    #[test]
    fn applies_edits_and_skips_overlaps() {
        let text = "RUN apk add curl\nMAINTAINER me\n";
        let a = vec![Edit::insert(11, " --no-cache")];
        let b = vec![Edit::replace(Span::new(17, 27), "LABEL")];
        let clash = vec![Edit::replace(Span::new(20, 22), "x")];
        let out = apply(text, &[b.clone(), a.clone(), clash, a.clone()]);
        assert_eq!(out.text, "RUN apk add --no-cache curl\nLABEL me\n");
        assert_eq!((out.applied, out.skipped), (vec![1, 3, 0], 1));
        // Out of bounds and char-splitting edits are skipped.
        let out = apply(
            "é",
            &[vec![Edit::insert(1, "x")], vec![Edit::insert(9, "x")]],
        );
        assert_eq!((out.text.as_str(), out.applied.len()), ("é", 0));
        // Insertions at one offset: the first given wins this round.
        let out = apply(
            "ab",
            &[vec![Edit::insert(1, "1")], vec![Edit::insert(1, "2")]],
        );
        assert_eq!((out.text.as_str(), out.skipped), ("a1b", 1));
    }

    #[test]
    fn applicability_orders_for_the_cli_switches() {
        let fix = |a| LocatedFix {
            applicability: a,
            message: String::new(),
            edits: vec![],
        };
        assert!(fix(Applicability::Safe).applies_at(Applicability::Safe));
        assert!(!fix(Applicability::Unsafe).applies_at(Applicability::Safe));
        assert!(fix(Applicability::Unsafe).applies_at(Applicability::Unsafe));
        assert!(!fix(Applicability::DisplayOnly).applies_at(Applicability::Unsafe));
        assert!(!fix(Applicability::DisplayOnly).applies_at(Applicability::DisplayOnly));
    }

    /// A synthetic render: the rendered `runAsNonRoot: false` came verbatim from
    /// the values file, the rest from a template.
    fn rendered() -> (Source, u32) {
        let values = "securityContext:\n  runAsNonRoot: false\n";
        let template = "spec:\n  {{ toYaml .Values.securityContext }}\n";
        let rendered = "spec:\n  runAsNonRoot: false\n";
        let mut files = OriginFiles::new();
        let t = files.add(Source::new("chart/templates/pod.yaml", template));
        let v = files.add(Source::new("chart/values.yaml", values));
        let in_values = values.find("runAsNonRoot").unwrap() as u32;
        let in_render = rendered.find("runAsNonRoot").unwrap() as u32;
        let len = "runAsNonRoot: false".len() as u32;
        let map = OriginMap::builder()
            .with(
                Span::new(0, rendered.len() as u32),
                OriginSpan::new(t, Span::new(0, template.len() as u32), OriginRole::Template),
            )
            .with(
                Span::new(in_render, in_render + len),
                OriginSpan::new(v, Span::new(in_values, in_values + len), OriginRole::Value),
            )
            .build()
            .unwrap();
        let source =
            Source::rendered("chart/templates/pod.yaml", rendered, map, Arc::new(files)).unwrap();
        (source, in_render)
    }

    #[test]
    fn a_fix_in_rendered_text_moves_to_a_verbatim_values_file() {
        let (source, at) = rendered();
        let value = at + "runAsNonRoot: ".len() as u32;
        let fix = Fix::safe(
            "Set runAsNonRoot",
            vec![Edit::replace(Span::new(value, value + 5), "true")],
        );
        let located = fix.to_located(&source);
        assert_eq!(located.applicability, Applicability::Safe);
        let edit = &located.edits[0];
        assert_eq!(edit.path.as_deref(), Some("chart/values.yaml"));
        assert_eq!((edit.start.line.get(), edit.start.column.get()), (2, 17));
        let values = "securityContext:\n  runAsNonRoot: false\n";
        assert_eq!(
            apply(values, &[vec![edit.to_edit()]]).text,
            "securityContext:\n  runAsNonRoot: true\n"
        );
    }

    #[test]
    fn a_fix_in_template_text_is_display_only() {
        let (source, _) = rendered();
        let fix = Fix::safe("Add a key", vec![Edit::insert(6, "  x: 1\n")]);
        let located = fix.to_located(&source);
        assert_eq!(located.applicability, Applicability::DisplayOnly);
        assert_eq!(located.edits[0].path, None);
        assert_eq!(located.edits[0].start.offset, 6);
    }
}
