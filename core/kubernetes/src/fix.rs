//! Fixes for the Kubernetes rules (see [`stockade_source::fix`]): the Pod
//! Security restricted settings, `automountServiceAccountToken` and
//! `readOnlyRootFilesystem`, written into the YAML as it is written.
//!
//! A missing setting is inserted as block YAML under the deepest mapping of its
//! path that exists, at that mapping's indentation (the step between levels is
//! read from the document, 2 when nothing shows it), after the mapping's last
//! line, with the line ending the file uses: nothing else moves. A setting set
//! to the wrong value has its value replaced; that overrides what the author
//! wrote, so the fix is unsafe. A mapping or sequence in flow style (`{}`,
//! `[]`) gets a display-only edit; anything odder (tabs in the indentation,
//! anchors and aliases, merge keys, a scalar where a mapping should be) gets no
//! fix.
//!
//! The fixes are attached after every rule of a manifest has run
//! ([`attach`]), from the finding's rule, document and JSON pointer, so no rule
//! has to know about them.

use std::collections::HashMap;
use std::fmt::Write as _;

use stockade_pack::Context;
use stockade_source::finding::RuleRef;
use stockade_source::fix::{Applicability, Edit, Fix};
use stockade_source::rule::RuleMeta;
use stockade_source::source::{LineIndex, Span};
use stockade_yaml::objects::Manifest;
use stockade_yaml::{Node, Style, Value};

/// Where a setting lives.
#[derive(Clone, Copy)]
enum Scope {
    /// In each container the finding is about.
    Container,
    /// In the pod spec.
    Pod,
}

/// What a setting's value is.
#[derive(Clone, Copy)]
enum Leaf {
    Scalar(&'static str),
    /// A sequence that must contain this item.
    Item(&'static str),
}

/// A setting a fixable rule asks for.
struct Setting {
    meta: &'static RuleMeta,
    scope: Scope,
    path: &'static [&'static str],
    leaf: Leaf,
    /// Of inserting the missing setting (replacing a value is always unsafe).
    missing: Applicability,
    message: &'static str,
}

fn settings() -> [Setting; 6] {
    [
        Setting {
            meta: &crate::pss::allow_privilege_escalation::META,
            scope: Scope::Container,
            path: &["securityContext", "allowPrivilegeEscalation"],
            leaf: Leaf::Scalar("false"),
            missing: Applicability::Safe,
            message: "Set securityContext.allowPrivilegeEscalation: false",
        },
        Setting {
            meta: &crate::pss::run_as_non_root::META,
            scope: Scope::Pod,
            path: &["securityContext", "runAsNonRoot"],
            leaf: Leaf::Scalar("true"),
            missing: Applicability::Safe,
            message: "Set securityContext.runAsNonRoot: true",
        },
        Setting {
            meta: &crate::pss::capabilities_restricted::META,
            scope: Scope::Container,
            path: &["securityContext", "capabilities", "drop"],
            leaf: Leaf::Item("ALL"),
            missing: Applicability::Safe,
            message: "Drop ALL capabilities",
        },
        Setting {
            meta: &crate::pss::seccomp_profile_restricted::META,
            scope: Scope::Pod,
            path: &["securityContext", "seccompProfile", "type"],
            leaf: Leaf::Scalar("RuntimeDefault"),
            missing: Applicability::Safe,
            message: "Set securityContext.seccompProfile.type: RuntimeDefault",
        },
        Setting {
            meta: &crate::hardening::automount_token::META,
            scope: Scope::Pod,
            path: &["automountServiceAccountToken"],
            leaf: Leaf::Scalar("false"),
            // A pod that calls the API server stops working.
            missing: Applicability::Unsafe,
            message: "Set automountServiceAccountToken: false",
        },
        Setting {
            meta: &crate::hardening::read_only_root_filesystem::META,
            scope: Scope::Container,
            path: &["securityContext", "readOnlyRootFilesystem"],
            leaf: Leaf::Scalar("true"),
            // A container that writes outside its volumes stops working.
            missing: Applicability::Unsafe,
            message: "Set securityContext.readOnlyRootFilesystem: true",
        },
    ]
}

/// Attach a fix to every finding of a fixable rule in `manifest` that has none.
/// Findings that share a target (every container's `runAsNonRoot` finding
/// fixed at the pod) share the computation: a pod with thousands of containers
/// stays linear.
pub(crate) fn attach(manifest: &Manifest<'_>, ctx: &mut Context<'_>) {
    let settings = settings();
    let text = manifest.source.text();
    let mut memo: HashMap<(usize, usize, String), Option<Fix>> = HashMap::new();
    ctx.diagnostics.for_each_mut(|d| {
        if d.fix.is_some() {
            return;
        }
        let RuleRef::Static(meta) = &d.rule else {
            return;
        };
        let Some((i, setting)) = settings
            .iter()
            .enumerate()
            .find(|(_, s)| std::ptr::eq(s.meta, *meta))
        else {
            return;
        };
        let Some(pointer) = d.pointer.as_deref() else {
            return;
        };
        let target = Target::of(manifest, setting, d.document, pointer);
        let key = (d.document, i, target.key().to_string());
        d.fix = memo
            .entry(key)
            .or_insert_with(|| {
                // Indexed only when a finding has a fix to make.
                let lines = manifest.source.line_index();
                fix_for(manifest, text, lines, setting, d.document, &target)
            })
            .clone();
    });
}

/// Where a finding's fix edits: the offending value itself, or the mapping a
/// missing setting goes into.
enum Target {
    Value(String),
    Map(String),
    None,
}

impl Target {
    fn of(manifest: &Manifest<'_>, setting: &Setting, document: usize, pointer: &str) -> Target {
        // A forbidden `capabilities.add` entry is not resolved by dropping ALL.
        if pointer.contains("/capabilities/add") {
            return Target::None;
        }
        if matches!(setting.leaf, Leaf::Scalar(_))
            && pointer.ends_with(&format!("/{}", setting.path.join("/")))
        {
            return Target::Value(pointer.to_string());
        }
        let map = match setting.scope {
            Scope::Container => container_pointer(pointer),
            Scope::Pod => pod_spec_pointer(manifest, document, pointer),
        };
        map.map_or(Target::None, Target::Map)
    }

    fn key(&self) -> &str {
        match self {
            Target::Value(p) | Target::Map(p) => p,
            Target::None => "",
        }
    }
}

fn fix_for(
    manifest: &Manifest<'_>,
    text: &str,
    lines: &LineIndex,
    setting: &Setting,
    document: usize,
    target: &Target,
) -> Option<Fix> {
    let (doc, _) = manifest.documents().nth(document)?;
    let root = doc.node()?;
    match (target, setting.leaf) {
        // The setting itself, set to the wrong value: replace the value.
        (Target::Value(pointer), Leaf::Scalar(value)) => {
            let node = root.pointer(pointer)?;
            if node.is_null() || matches!(node.value, Value::Map(_) | Value::Seq(_)) {
                return None;
            }
            Some(Fix::unsafe_edits(
                setting.message,
                vec![Edit::replace(node.span, value)],
            ))
        }
        (Target::Map(pointer), _) => {
            let map = root.pointer(pointer)?;
            let yaml = Yaml { text, lines };
            let (edit, flow) = yaml.ensure(map, setting.path, setting.leaf)?;
            Some(if flow {
                Fix::display_only(setting.message, vec![edit])
            } else {
                Fix::safe(setting.message, vec![edit]).with_applicability(setting.missing)
            })
        }
        _ => None,
    }
}

/// `/…/containers/3` out of a pointer into that container.
fn container_pointer(pointer: &str) -> Option<String> {
    let tokens: Vec<&str> = pointer.split('/').collect();
    let at = tokens
        .iter()
        .rposition(|t| matches!(*t, "containers" | "initContainers" | "ephemeralContainers"))?;
    let index = tokens.get(at + 1)?;
    index.parse::<usize>().ok()?;
    Some(tokens.get(..at + 2)?.join("/"))
}

/// The pod spec of the object the finding is in: the object whose pointer is
/// the longest prefix of the finding's, then its pod path, then `spec`.
fn pod_spec_pointer(manifest: &Manifest<'_>, document: usize, pointer: &str) -> Option<String> {
    let object = manifest
        .objects()
        .filter(|(doc, o)| {
            doc.index == document
                && (pointer == o.pointer || pointer.starts_with(&format!("{}/", o.pointer)))
        })
        .map(|(_, o)| o)
        .max_by_key(|o| o.pointer.len())?;
    let path = object.pod_path()?;
    let mut out = object.pointer.clone();
    for key in path.iter().chain(std::iter::once(&"spec")) {
        out.push('/');
        out.push_str(key);
    }
    Some(out)
}

struct Yaml<'t> {
    text: &'t str,
    lines: &'t LineIndex,
}

impl Yaml<'_> {
    /// The edit that makes `path` under `map` hold `leaf`, and whether it is in
    /// flow style (display-only). `None` when the setting is already there or
    /// the YAML is not one an edit can be sure about.
    fn ensure(&self, map: &Node, path: &[&str], leaf: Leaf) -> Option<(Edit, bool)> {
        let (key, rest) = path.split_first()?;
        let entries = map.as_map()?;
        if map.style == Style::Flow {
            return self.flow_insert(map, path, leaf);
        }
        if !self.plain_block(map) {
            return None;
        }
        let Some((k, value)) = entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
        else {
            // Missing here: insert the rest of the path after the mapping's last line.
            let indent = self.indent(entries.first()?.0.span.start)?;
            let step = self.step(map, indent);
            let body = render(path, leaf, indent, step, self.eol(map.span.end));
            return Some((Edit::insert(self.line_end(map.span.end), body), false));
        };
        if rest.is_empty() {
            return match (leaf, &value.value) {
                (Leaf::Item(item), Value::Seq(items)) => {
                    if items.iter().any(|i| i.as_str() == Some(item)) {
                        return None;
                    }
                    if value.style == Style::Flow {
                        return self.flow_item(value, item);
                    }
                    let first = items.first()?;
                    // The `-` of the first item.
                    let dash = self.text.get(..first.span.start as usize)?.rfind('-')?;
                    let col = self.indent(u32::try_from(dash).ok()?)?;
                    let eol = self.eol(value.span.end);
                    let line = format!("{eol}{}- {item}", " ".repeat(col));
                    Some((Edit::insert(self.line_end(value.span.end), line), false))
                }
                (_, Value::Null) => self.under_null_key(k, value, rest, leaf, map),
                // A scalar of the wrong value is handled by the caller (its pointer
                // names it); anything else is odd.
                _ => None,
            };
        }
        match &value.value {
            Value::Map(_) => self.ensure(value, rest, leaf),
            Value::Null => self.under_null_key(k, value, rest, leaf, map),
            _ => None,
        }
    }

    /// `key:` with no value (or `null`, `~`): write the rest of the path as its value.
    fn under_null_key(
        &self,
        key: &Node,
        value: &Node,
        rest: &[&str],
        leaf: Leaf,
        parent: &Node,
    ) -> Option<(Edit, bool)> {
        let indent = self.indent(key.span.start)?;
        let step = self.step(parent, indent);
        let eol = self.eol(key.span.end);
        let body = match (rest.is_empty(), leaf) {
            (true, Leaf::Item(item)) => format!("{eol}{}- {item}", " ".repeat(indent + step)),
            (true, Leaf::Scalar(_)) => return None,
            (false, _) => render(rest, leaf, indent + step, step, eol),
        };
        let at = if value.span.is_empty() {
            Span::empty_at(key_colon_end(self.text, key)?)
        } else {
            value.span
        };
        Some((Edit::replace(at, body), false))
    }

    /// A flow mapping: add `key: value` (nested as flow) before its `}`.
    fn flow_insert(&self, map: &Node, path: &[&str], leaf: Leaf) -> Option<(Edit, bool)> {
        let (key, rest) = path.split_first()?;
        let entries = map.as_map()?;
        if let Some((_, v)) = entries.iter().find(|(k, _)| k.as_str() == Some(key)) {
            return match (&v.value, rest.is_empty(), leaf) {
                (Value::Map(_), false, _) if v.style == Style::Flow => {
                    self.flow_insert(v, rest, leaf)
                }
                (Value::Seq(items), true, Leaf::Item(item)) if v.style == Style::Flow => {
                    if items.iter().any(|i| i.as_str() == Some(item)) {
                        None
                    } else {
                        self.flow_item(v, item)
                    }
                }
                _ => None,
            };
        }
        let close = map.span.end.checked_sub(1)?;
        if self.text.as_bytes().get(close as usize) != Some(&b'}') {
            return None;
        }
        let sep = if entries.is_empty() { "" } else { ", " };
        Some((
            Edit::insert(close, format!("{sep}{}", flow(path, leaf))),
            true,
        ))
    }

    /// A flow sequence: add `item` before its `]`.
    fn flow_item(&self, seq: &Node, item: &str) -> Option<(Edit, bool)> {
        let close = seq.span.end.checked_sub(1)?;
        if self.text.as_bytes().get(close as usize) != Some(&b']') {
            return None;
        }
        let sep = if seq.as_seq()?.is_empty() { "" } else { ", " };
        Some((Edit::insert(close, format!("{sep}{item}")), true))
    }

    /// A block mapping written plainly: no anchors, aliases or merge keys in it.
    fn plain_block(&self, map: &Node) -> bool {
        map.style == Style::Block
            && !map.span.text(self.text).contains(['&', '*'])
            && !map.span.text(self.text).contains("<<")
    }

    /// The column of a key at `offset` when everything before it on its line is
    /// spaces and sequence dashes (`  - name: x`).
    fn indent(&self, offset: u32) -> Option<usize> {
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line);
        let prefix = self.text.get(start as usize..offset as usize)?;
        prefix
            .bytes()
            .all(|b| b == b' ' || b == b'-')
            .then_some(prefix.len())
    }

    /// The indentation step under `map`: how much deeper a nested block mapping
    /// of it is indented, or 2.
    fn step(&self, map: &Node, indent: usize) -> usize {
        map.as_map()
            .into_iter()
            .flatten()
            .find_map(|(_, v)| match v.as_map()?.first() {
                Some((k, _)) if v.style == Style::Block => self.indent(k.span.start),
                _ => None,
            })
            .and_then(|child| child.checked_sub(indent))
            .filter(|s| *s > 0)
            .unwrap_or(2)
    }

    /// The end of the line holding the byte before `end` (before its line ending).
    fn line_end(&self, end: u32) -> u32 {
        let line = self.lines.line_of(end.saturating_sub(1));
        self.lines.line_span(line, self.text).end
    }

    /// The line ending of the line holding the byte before `end`.
    fn eol(&self, end: u32) -> &'static str {
        let line_end = self.line_end(end) as usize;
        if self.text.get(line_end..line_end + 2) == Some("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }
}

/// The offset right after the `:` that follows `key`.
fn key_colon_end(text: &str, key: &Node) -> Option<u32> {
    let after = text.get(key.span.end as usize..)?;
    let colon = after.find(':')?;
    if !after.get(..colon)?.trim().is_empty() {
        return None;
    }
    u32::try_from(key.span.end as usize + colon + 1).ok()
}

/// `path` as block YAML lines, the first at `indent`, each level `step` deeper,
/// each line preceded by `eol`.
fn render(path: &[&str], leaf: Leaf, indent: usize, step: usize, eol: &str) -> String {
    let mut out = String::new();
    let last = path.len().saturating_sub(1);
    for (depth, key) in path.iter().enumerate() {
        let pad = " ".repeat(indent + depth * step);
        if depth < last {
            let _ = write!(out, "{eol}{pad}{key}:");
            continue;
        }
        match leaf {
            Leaf::Scalar(v) => {
                let _ = write!(out, "{eol}{pad}{key}: {v}");
            }
            Leaf::Item(item) => {
                let _ = write!(
                    out,
                    "{eol}{pad}{key}:{eol}{pad}{}- {item}",
                    " ".repeat(step)
                );
            }
        }
    }
    out
}

/// `path` as one flow entry: `a: {b: {c: v}}`.
fn flow(path: &[&str], leaf: Leaf) -> String {
    match path {
        [] => String::new(),
        [key] => match leaf {
            Leaf::Scalar(v) => format!("{key}: {v}"),
            Leaf::Item(item) => format!("{key}: [{item}]"),
        },
        [key, rest @ ..] => format!("{key}: {{{}}}", flow(rest, leaf)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_entries_nest() {
        assert_eq!(flow(&["a"], Leaf::Scalar("1")), "a: 1");
        assert_eq!(flow(&["a", "b", "c"], Leaf::Scalar("1")), "a: {b: {c: 1}}");
        assert_eq!(flow(&["a", "drop"], Leaf::Item("ALL")), "a: {drop: [ALL]}");
    }

    #[test]
    fn container_pointers() {
        assert_eq!(
            container_pointer("/spec/template/spec/containers/1/securityContext").as_deref(),
            Some("/spec/template/spec/containers/1")
        );
        assert_eq!(container_pointer("/spec/template/spec").as_deref(), None);
    }
}
