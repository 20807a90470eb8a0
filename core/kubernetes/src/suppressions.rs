//! Suppressions in Kubernetes manifests.
//!
//! - `# stockade ignore=ID[,ID]` on its own line suppresses findings inside the
//!   node of the first key after it: from the key to the end of its value. When
//!   that key is the first key of a sequence item (`- name: app`), the whole item
//!   is covered. The same comment at the end of a line covers the first key on
//!   that line. A directive with no key after it covers nothing, so its rules
//!   are reported as unused suppressions (`ST0001`).
//! - `# stockade global ignore=ID[,ID]` suppresses in the whole file.
//! - The annotation `stockade.io/ignore: "ID,ID"` in an object's
//!   `metadata.annotations` suppresses findings of that object: the whole
//!   document, or only the item for an item of a `List`.
//! - Other tools' directives, through the alias table (an id Stockade does not
//!   implement is a notice, not [`ST0001`]): `# trivy:ignore:ID` covers what
//!   `# stockade ignore=ID` would; `# checkov:skip=ID[:reason]` anywhere in a
//!   document covers the document; the annotations `checkov.io/skip*:
//!   ID=reason`, `ignore-check.kube-linter.io/<check>` and
//!   `polaris.fairwinds.com/<check>-exempt: "true"` cover the object, as
//!   `stockade.io/ignore` does.
//!
//! [`ST0001`]: stockade_source::suppress::UNUSED_SUPPRESSION

use stockade_source::source::{Source, Span};
use stockade_source::suppress::{
    foreign_annotation, parse_directive, parse_foreign_directive, parse_rule_list, ForeignScope,
    Scope, Suppression,
};
use stockade_yaml::{Comment, Node, Style, Value};

/// The annotation that suppresses rules for one object.
pub const IGNORE_ANNOTATION: &str = "stockade.io/ignore";

/// A key and the span from the key to the end of its value, plus the item span
/// when the key opens a sequence item.
struct KeyCover {
    key: Span,
    cover: Span,
}

fn collect_keys(node: &Node, item_span: Option<Span>, out: &mut Vec<KeyCover>) {
    match &node.value {
        Value::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                let mut cover = k.span.cover(v.span);
                if i == 0 {
                    if let Some(item) = item_span {
                        cover = cover.cover(item);
                    }
                }
                out.push(KeyCover { key: k.span, cover });
                collect_keys(v, None, out);
            }
        }
        Value::Seq(items) => {
            for item in items {
                collect_keys(item, Some(item.span), out);
            }
        }
        _ => {}
    }
}

/// Suppressions from the comments of one document.
pub fn comment_suppressions(
    root: Option<&Node>,
    comments: &[Comment],
    document: usize,
    source: &Source,
) -> Vec<Suppression> {
    let mut keys: Option<Vec<KeyCover>> = None;
    let mut out = Vec::new();
    for comment in comments {
        let (global, list, offset, foreign) =
            if let Some((g, l, o)) = parse_directive(&comment.text) {
                (g, l, o, None)
            } else if let Some((scope, id, o)) = parse_foreign_directive(&comment.text) {
                (false, id, o, Some(scope))
            } else {
                continue;
            };
        // `comment.span` starts at `#`; the text starts right after it.
        let list_start = comment.span.start + 1 + offset as u32;
        let list = list.split_whitespace().next().unwrap_or("");
        let rules = parse_rule_list(list, list_start);
        if rules.is_empty() {
            continue;
        }
        let line = source.line_index().line_of(comment.span.start) + 1;
        if foreign == Some(ForeignScope::Object) {
            out.push(Suppression {
                rules,
                scope: Scope::Document(document),
                span: comment.span,
                line,
                kind: "checkov-comment",
                document,
            });
            continue;
        }
        if global {
            out.push(Suppression {
                rules,
                scope: Scope::File,
                span: comment.span,
                line,
                kind: "global-comment",
                document,
            });
            continue;
        }
        // Keys sorted by where they start (the widest first among keys starting at
        // the same place), so that each comment finds its key by binary search.
        let keys = keys.get_or_insert_with(|| {
            let mut v = Vec::new();
            if let Some(root) = root {
                collect_keys(root, None, &mut v);
            }
            v.sort_by_key(|k| (k.key.start, std::cmp::Reverse(k.cover.len())));
            v
        });
        let target = if comment.own_line {
            // The first key after the comment.
            let i = keys.partition_point(|k| k.key.start <= comment.span.end);
            keys.get(i)
        } else {
            // The first key on the comment's own line.
            let lines = source.line_index();
            let line_start = lines.line_start(lines.line_of(comment.span.start));
            let i = keys.partition_point(|k| k.key.start < line_start);
            keys.get(i).filter(|k| k.key.start < comment.span.start)
        };
        // A directive with no key to cover still counts: it covers only itself,
        // so each of its rules is reported as an unused suppression.
        let cover = target.map_or(comment.span, |t| t.cover);
        out.push(Suppression {
            rules,
            scope: Scope::Range {
                document,
                span: cover,
            },
            span: comment.span,
            line,
            kind: if foreign.is_some() {
                "trivy-comment"
            } else {
                "comment"
            },
            document,
        });
    }
    out
}

/// Other tools' exemption annotations of an object (Checkov, kube-linter,
/// Polaris), as suppressions covering `scope`.
pub fn foreign_annotation_suppressions(
    object: &Node,
    scope: Scope,
    document: usize,
    source: &Source,
) -> Vec<Suppression> {
    let Some(Value::Map(entries)) = object
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .map(|a| &a.value)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let (Some(key_text), Some(text)) = (key.as_str(), value.as_str()) else {
            continue;
        };
        let Some((name, range)) = foreign_annotation(key_text, text) else {
            continue;
        };
        let quoted = u32::from(matches!(
            value.style,
            Style::SingleQuoted | Style::DoubleQuoted
        ));
        let span = match range {
            Some((start, end)) => Span::new(
                value.span.start + quoted + start as u32,
                value.span.start + quoted + end as u32,
            ),
            None => value.span,
        };
        out.push(Suppression {
            rules: vec![(name, span)],
            scope,
            span: key.span.cover(value.span),
            line: source.line_index().line_of(key.span.start) + 1,
            kind: "annotation",
            document,
        });
    }
    out
}

/// The `stockade.io/ignore` annotation of an object, as a suppression covering
/// `scope`.
pub fn annotation_suppression(
    object: &Node,
    scope: Scope,
    document: usize,
    source: &Source,
) -> Option<Suppression> {
    let value = object
        .get("metadata")?
        .get("annotations")?
        .get(IGNORE_ANNOTATION)?;
    let text = value.as_str()?;
    let quoted = matches!(value.style, Style::SingleQuoted | Style::DoubleQuoted);
    let start = value.span.start + u32::from(quoted);
    let rules = parse_rule_list(text, start);
    if rules.is_empty() {
        return None;
    }
    Some(Suppression {
        rules,
        scope,
        span: value.span,
        line: source.line_index().line_of(value.span.start) + 1,
        kind: "annotation",
        document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse() {
        assert_eq!(
            parse_directive(" stockade ignore=PSS001"),
            Some((false, "PSS001", 17))
        );
        assert_eq!(
            parse_directive(" stockade global ignore=PSS001,PSS002").map(|d| d.1),
            Some("PSS001,PSS002")
        );
        assert_eq!(parse_directive(" stockadeignore=PSS001"), None);
        assert_eq!(parse_directive(" hadolint ignore=DL3008"), None);
    }
}
