//! The node model a build works on: values as kustomize's kyaml holds them
//! (scalars resolved as yaml.v3 resolves them), each with the place of the
//! file it was read from and, when a patch, transformer or generator set it,
//! the place of that instruction.
//!
//! Key order is kept (sequence order matters to kustomize; the output sorts
//! keys, see [`crate::emit`]). Comments are not kept: kustomize's output
//! (`ResMap.AsYaml`, a JSON round trip) drops them.

use stockade_source::origin::OriginRole;
use stockade_source::source::Span;
use stockade_yaml::{Node, Style, Value};

/// A place in one of the build's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    /// Index into the build's file table ([`crate::Build::files`]).
    pub file: u32,
    pub span: Span,
}

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub enum KVal {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    /// A plain timestamp (`2001-12-14`), kept as written; yaml.v3 decodes it to
    /// a time, so the output is its RFC 3339 form ([`crate::emit::go_time`]).
    Time(String),
    Seq(Vec<KNode>),
    Map(Vec<(String, KNode)>),
}

/// A node: its value, where it was read from, and what last set it.
#[derive(Debug, Clone, PartialEq)]
pub struct KNode {
    pub v: KVal,
    /// Where the node was read from (a resource file, a patch file for nodes a
    /// patch added, a kustomization for generated objects).
    pub base: Option<Loc>,
    /// The patch, transformer or generator that set or changed it.
    pub by: Option<(Loc, OriginRole)>,
    /// A scalar written quoted or as a block (`"x"`, `'x'`, `|`, `>`): kyaml
    /// gives a value set over it that style (so a number becomes a string).
    pub quoted: bool,
}

impl KNode {
    pub fn new(v: KVal) -> Self {
        Self {
            v,
            base: None,
            by: None,
            quoted: false,
        }
    }

    pub fn str(s: impl Into<String>) -> Self {
        Self::new(KVal::Str(s.into()))
    }

    pub fn map() -> Self {
        Self::new(KVal::Map(Vec::new()))
    }

    #[must_use]
    pub fn with_by(mut self, by: Option<(Loc, OriginRole)>) -> Self {
        self.by = by;
        self
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            KVal::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar's text as kustomize's field setters read it (`yaml.v3` node value).
    pub fn scalar_text(&self) -> Option<String> {
        Some(match &self.v {
            KVal::Str(s) | KVal::Time(s) => s.clone(),
            KVal::Int(i) => i.to_string(),
            KVal::Bool(b) => b.to_string(),
            KVal::Float(f) => crate::emit::go_json_float(*f),
            KVal::Null => String::new(),
            _ => return None,
        })
    }

    pub fn is_null(&self) -> bool {
        matches!(self.v, KVal::Null)
    }

    pub fn as_map(&self) -> Option<&Vec<(String, KNode)>> {
        match &self.v {
            KVal::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(String, KNode)>> {
        match &mut self.v {
            KVal::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&Vec<KNode>> {
        match &self.v {
            KVal::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<KNode>> {
        match &mut self.v {
            KVal::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&KNode> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut KNode> {
        self.as_map_mut()?
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(KNode::as_str)
    }

    /// The node at a `/`-separated path of map keys.
    pub fn path(&self, path: &[&str]) -> Option<&KNode> {
        let mut cur = self;
        for p in path {
            cur = cur.get(p)?;
        }
        Some(cur)
    }

    /// Set `key` (replacing its value, or appending the entry).
    pub fn set(&mut self, key: &str, value: KNode) {
        if let Some(m) = self.as_map_mut() {
            if let Some(slot) = m.iter_mut().find(|(k, _)| k == key) {
                slot.1 = value;
            } else {
                m.push((key.to_string(), value));
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<KNode> {
        let m = self.as_map_mut()?;
        let i = m.iter().position(|(k, _)| k == key)?;
        Some(m.remove(i).1)
    }

    /// The map at `key`, created (empty) when missing or null.
    pub fn entry_map(&mut self, key: &str, by: Option<(Loc, OriginRole)>) -> Option<&mut KNode> {
        let missing = !matches!(self.get(key).map(|n| &n.v), Some(KVal::Map(_)));
        if missing {
            if !matches!(self.v, KVal::Map(_)) {
                return None;
            }
            self.set(key, KNode::map().with_by(by));
        }
        self.get_mut(key)
    }

    /// Mark this node and everything under it as set by `by`.
    pub fn mark(&mut self, by: (Loc, OriginRole)) {
        self.by = Some(by);
        match &mut self.v {
            KVal::Seq(items) => items.iter_mut().for_each(|n| n.mark(by)),
            KVal::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.mark(by)),
            _ => {}
        }
    }

    /// Mark this node and everything under it as set by itself (each node's
    /// own place, e.g. in a patch file), in `role`; `fallback` where a node has
    /// no place.
    pub fn mark_own(&mut self, role: OriginRole, fallback: Loc) {
        self.by = Some((self.base.unwrap_or(fallback), role));
        match &mut self.v {
            KVal::Seq(items) => items.iter_mut().for_each(|n| n.mark_own(role, fallback)),
            KVal::Map(entries) => entries
                .iter_mut()
                .for_each(|(_, n)| n.mark_own(role, fallback)),
            _ => {}
        }
    }

    /// Give every node without a base place `base` (nodes a patch adds are read
    /// from the patch file).
    pub fn fill_base(&mut self, base: Loc) {
        if self.base.is_none() {
            self.base = Some(base);
        }
        match &mut self.v {
            KVal::Seq(items) => items.iter_mut().for_each(|n| n.fill_base(base)),
            KVal::Map(entries) => entries.iter_mut().for_each(|(_, n)| n.fill_base(base)),
            _ => {}
        }
    }

    /// Same value (origins ignored).
    pub fn same(&self, other: &KNode) -> bool {
        match (&self.v, &other.v) {
            (KVal::Seq(a), KVal::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (KVal::Map(a), KVal::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v.same(v2)))
            }
            (a, b) => a == b,
        }
    }

    /// Convert to JSON (for hashing and JSON-patch values).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.v {
            KVal::Null => J::Null,
            KVal::Bool(b) => J::Bool(*b),
            KVal::Int(i) => i64::try_from(*i)
                .map(J::from)
                .or_else(|_| u64::try_from(*i).map(J::from))
                .unwrap_or(J::Null),
            KVal::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            KVal::Str(s) => J::String(s.clone()),
            KVal::Time(s) => J::String(crate::emit::go_time(s).unwrap_or_else(|| s.clone())),
            KVal::Seq(items) => J::Array(items.iter().map(KNode::to_json).collect()),
            KVal::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    pub fn from_json(v: &serde_json::Value) -> KNode {
        use serde_json::Value as J;
        KNode::new(match v {
            J::Null => KVal::Null,
            J::Bool(b) => KVal::Bool(*b),
            J::Number(n) => {
                if let Some(i) = n.as_i64() {
                    KVal::Int(i128::from(i))
                } else if let Some(u) = n.as_u64() {
                    KVal::Int(i128::from(u))
                } else {
                    KVal::Float(n.as_f64().unwrap_or(0.0))
                }
            }
            J::String(s) => KVal::Str(s.clone()),
            J::Array(a) => KVal::Seq(a.iter().map(KNode::from_json).collect()),
            J::Object(o) => KVal::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), KNode::from_json(v)))
                    .collect(),
            ),
        })
    }
}

/// Convert a parsed node of file `file` (whose text is `text`) into the build's
/// model, resolving plain scalars as yaml.v3 does.
pub fn from_yaml(node: &Node, file: u32, text: &str) -> KNode {
    let loc = Loc {
        file,
        span: node.span,
    };
    let v = match &node.value {
        Value::Seq(items) => KVal::Seq(items.iter().map(|n| from_yaml(n, file, text)).collect()),
        Value::Map(entries) => {
            let mut out: Vec<(String, KNode)> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = key_text(k, text);
                let value = from_yaml(v, file, text);
                if let Some(slot) = out.iter_mut().find(|(k2, _)| *k2 == key) {
                    slot.1 = value;
                } else {
                    out.push((key, value));
                }
            }
            KVal::Map(out)
        }
        scalar => scalar_value(node, scalar, text),
    };
    let quoted = matches!(
        node.style,
        Style::SingleQuoted | Style::DoubleQuoted | Style::Literal | Style::Folded
    );
    KNode {
        v,
        base: Some(loc),
        by: None,
        quoted,
    }
}

/// After a JSON round trip (a JSON patch) only strings that would read as
/// something else plain (`"0755"`, `"true"`, `"yes"`, `""`) are quoted.
pub fn forget_quoting(n: &mut KNode) {
    n.quoted = match &n.v {
        KVal::Str(s) => {
            s.is_empty()
                // multi-line: a literal block; special characters: quoted
                || s.contains(['\n', '\t'])
                || s.starts_with([' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`'])
                || s.ends_with(' ')
                || s.contains(": ")
                || s.contains(" #")
                || !matches!(resolve_v3(s), KVal::Str(_))
                || matches!(
                    s.as_str(),
                    "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO"
                        | "on" | "On" | "ON" | "off" | "Off" | "OFF"
                )
        }
        _ => false,
    };
    match &mut n.v {
        KVal::Seq(items) => items.iter_mut().for_each(forget_quoting),
        KVal::Map(entries) => entries.iter_mut().for_each(|(_, v)| forget_quoting(v)),
        _ => {}
    }
}

fn key_text(k: &Node, text: &str) -> String {
    if k.style == Style::Plain && k.tag.is_none() {
        if let Some(raw) = raw_plain(k, text) {
            return raw.to_string();
        }
    }
    match &k.value {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => crate::emit::go_json_float(*f),
        _ => String::new(),
    }
}

/// The text of a plain scalar on one line.
fn raw_plain<'a>(node: &Node, text: &'a str) -> Option<&'a str> {
    let raw = text.get(node.span.range())?;
    if raw.contains(['\n', '\r']) {
        return None;
    }
    Some(raw)
}

fn scalar_value(node: &Node, value: &Value, text: &str) -> KVal {
    let tag = node.tag.as_deref();
    if tag == Some("tag:yaml.org,2002:str") || node.style.is_quoted_or_block() {
        if let Value::String(s) = value {
            // A clipped block scalar at the very end of a text without a final
            // line break has no trailing newline (yaml.v3).
            if matches!(node.style, Style::Literal | Style::Folded)
                && node.span.end as usize >= text.len()
                && !text.ends_with('\n')
                && !text
                    .get(node.span.range())
                    .is_some_and(|t| t.starts_with("|+") || t.starts_with(">+"))
            {
                if let Some(trimmed) = s.strip_suffix('\n') {
                    return KVal::Str(trimmed.to_string());
                }
            }
            return KVal::Str(s.clone());
        }
    }
    if node.style == Style::Plain && tag.is_none() {
        if let Some(raw) = raw_plain(node, text) {
            return resolve_v3(raw);
        }
    }
    match value {
        Value::Null | Value::Seq(_) | Value::Map(_) => KVal::Null,
        Value::Bool(b) => KVal::Bool(*b),
        Value::Int(i) => KVal::Int(i128::from(*i)),
        Value::Float(f) => KVal::Float(*f),
        Value::String(s) => KVal::Str(s.clone()),
    }
}

/// Resolve a plain scalar as yaml.v3 does for an `interface{}` target.
pub fn resolve_v3(s: &str) -> KVal {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return KVal::Null,
        "true" | "True" | "TRUE" => return KVal::Bool(true),
        "false" | "False" | "FALSE" => return KVal::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return KVal::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return KVal::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return KVal::Float(f64::NAN),
        _ => {}
    }
    let first = s.as_bytes().first().copied().unwrap_or(b' ');
    if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        if crate::emit::go_time(s).is_some() {
            return KVal::Time(s.to_string());
        }
        let plain = s.replace('_', "");
        if let Some(i) = go_parse_int(&plain) {
            return KVal::Int(i);
        }
        if crate::emit::is_yaml_float(&plain) {
            if let Ok(f) = plain.parse::<f64>() {
                if f.is_finite() {
                    return KVal::Float(f);
                }
            }
        }
    }
    KVal::Str(s.to_string())
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` (underscores removed before).
pub fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (digits, base) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower.get(1..)?.to_string(), 8)
    } else {
        (lower, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    let v = i128::from_str_radix(&digits, base).ok()?;
    let v = if neg { -v } else { v };
    if v < i128::from(i64::MIN) || v > i128::from(u64::MAX) || (neg && v > 0) {
        return None;
    }
    Some(v)
}
