//! Kyverno's `validate.pattern` matching: anchors, wildcards, value operators,
//! quantities and durations, as `pkg/engine/validate` and `pkg/engine/pattern` do.

use serde_json::{Map, Value};

use super::values::{go_duration, quantity, wildcard_match};

/// How a pattern did not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrKind {
    /// A conditional anchor `(key)` did not hold: the rule does not apply.
    Conditional,
    /// A global anchor `<(key)` did not hold: the rule does not apply.
    Global,
    /// A negation anchor `X(key)` found its key.
    Negation,
    /// Anything else.
    Other,
}

/// A pattern mismatch (Kyverno's error value, with the path it reports).
#[derive(Debug, Clone)]
pub struct PatternError {
    pub kind: ErrKind,
    /// Whether the error came straight from an anchor handler (not wrapped).
    pub direct: bool,
    pub message: String,
    pub path: String,
}

impl PatternError {
    fn other(path: &str, message: String) -> Self {
        Self {
            kind: ErrKind::Other,
            direct: false,
            message,
            path: path.to_string(),
        }
    }

    /// Kyverno tells skips by the error text; a wrapped error keeps its kind.
    pub fn is_skip(&self) -> bool {
        matches!(self.kind, ErrKind::Conditional | ErrKind::Global)
            || self.message.contains("conditional anchor mismatch")
            || self.message.contains("global anchor mismatch")
    }

    fn is_negation(&self) -> bool {
        self.kind == ErrKind::Negation || self.message.contains("negation anchor matched")
    }
}

/// Outcome of matching a whole resource against a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// The rule does not apply (conditional/global anchor); the message.
    Skip(String),
    /// Failed at `path` (`/spec/containers/0/image/`); empty path means an
    /// anchor key is missing (Kyverno reports an error then).
    Fail {
        path: String,
        message: String,
    },
}

/// An anchor on a pattern key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Condition,
    Global,
    Negation,
    AddIfNotPresent,
    Equality,
    Existence,
}

/// Parse `(key)`, `^(key)`, `=(key)`, `X(key)`, `<(key)`, `+(key)`.
pub fn parse_anchor(key: &str) -> Option<(Anchor, &str)> {
    let key = key.trim();
    let (anchor, rest) = match key.as_bytes().first()? {
        b'(' => (Anchor::Condition, key),
        b'<' => (Anchor::Global, key.get(1..)?),
        b'X' => (Anchor::Negation, key.get(1..)?),
        b'+' => (Anchor::AddIfNotPresent, key.get(1..)?),
        b'=' => (Anchor::Equality, key.get(1..)?),
        b'^' => (Anchor::Existence, key.get(1..)?),
        _ => return None,
    };
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    if inner.is_empty() {
        return None;
    }
    Some((anchor, inner))
}

/// Match `resource` against `pattern` from the root.
pub fn match_pattern(resource: &Value, pattern: &Value) -> Outcome {
    let mut anchors = AnchorMap::default();
    match element(resource, pattern, "/", &mut anchors) {
        Ok(()) => Outcome::Pass,
        Err(e) => {
            if e.is_skip() {
                Outcome::Skip(e.message)
            } else if e.is_negation() {
                Outcome::Fail {
                    path: e.path,
                    message: e.message,
                }
            } else if anchors.keys_missing() {
                Outcome::Fail {
                    path: String::new(),
                    message: e.message,
                }
            } else {
                Outcome::Fail {
                    path: e.path,
                    message: e.message,
                }
            }
        }
    }
}

#[derive(Default)]
struct AnchorMap {
    seen: Vec<(String, bool)>,
}

impl AnchorMap {
    fn check(&mut self, pattern: &Map<String, Value>, resource: &Map<String, Value>) {
        for key in pattern.keys() {
            let Some((a, k)) = parse_anchor(key) else {
                continue;
            };
            if !matches!(a, Anchor::Condition | Anchor::Existence | Anchor::Negation) {
                continue;
            }
            let has = resource.contains_key(k);
            match self.seen.iter_mut().find(|(s, _)| s == key) {
                Some((_, v)) => *v = *v || has,
                None => self.seen.push((key.clone(), has)),
            }
        }
    }

    fn keys_missing(&self) -> bool {
        self.seen
            .iter()
            .any(|(k, v)| !*v && !matches!(parse_anchor(k), Some((Anchor::Negation, _))))
    }
}

type R = Result<(), PatternError>;

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn element(resource: &Value, pattern: &Value, path: &str, ac: &mut AnchorMap) -> R {
    match pattern {
        Value::Object(p) => {
            let Value::Object(r) = resource else {
                return Err(PatternError::other(
                    path,
                    format!(
                        "pattern and resource have different structures. Path: {path}. Expected {}, found {}",
                        type_name(pattern),
                        type_name(resource)
                    ),
                ));
            };
            ac.check(p, r);
            validate_map(r, p, path, ac)
        }
        Value::Array(p) => {
            let Value::Array(r) = resource else {
                return Err(PatternError::other(
                    path,
                    format!("validation rule failed at path {path}, resource does not satisfy the expected overlay pattern"),
                ));
            };
            validate_array(r, p, path, ac)
        }
        _ => {
            if let Value::Array(items) = resource {
                for item in items {
                    if !validate_value(item, pattern) {
                        return Err(PatternError::other(
                            path,
                            format!(
                                "resource value '{}' does not match '{}' at path {path}",
                                show(resource),
                                show(pattern)
                            ),
                        ));
                    }
                }
                Ok(())
            } else if validate_value(resource, pattern) {
                Ok(())
            } else {
                Err(PatternError::other(
                    path,
                    format!(
                        "resource value '{}' does not match '{}' at path {path}",
                        show(resource),
                        show(pattern)
                    ),
                ))
            }
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_string(),
        other => other.to_string(),
    }
}

fn has_nested_anchors(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.keys().any(|k| {
                matches!(
                    parse_anchor(k),
                    Some((
                        Anchor::Condition
                            | Anchor::Existence
                            | Anchor::Equality
                            | Anchor::Negation
                            | Anchor::Global,
                        _
                    ))
                )
            }) || m.values().any(has_nested_anchors)
        }
        Value::Array(a) => a.iter().any(has_nested_anchors),
        _ => false,
    }
}

fn validate_map(
    resource: &Map<String, Value>,
    pattern: &Map<String, Value>,
    path: &str,
    ac: &mut AnchorMap,
) -> R {
    let expanded = expand_in_metadata(pattern, resource);
    let pattern = expanded.as_ref().unwrap_or(pattern);
    let mut anchors: Vec<(&String, &Value)> = Vec::new();
    let mut plain: Vec<(&String, &Value)> = Vec::new();
    for (k, v) in pattern {
        match parse_anchor(k) {
            Some((
                Anchor::Condition | Anchor::Existence | Anchor::Equality | Anchor::Negation,
                _,
            )) => anchors.push((k, v)),
            _ => plain.push((k, v)),
        }
    }
    anchors.sort_by(|a, b| a.0.cmp(b.0));
    let mut skips: Vec<PatternError> = Vec::new();
    let mut applied = 0usize;
    for (key, value) in &anchors {
        match handle(key, value, resource, path, ac) {
            Ok(()) => applied += 1,
            Err(e) if e.is_skip() => skips.push(e),
            Err(e) => {
                if !skips.iter().any(|s| s.direct) {
                    return Err(e);
                }
            }
        }
    }
    if !skips.is_empty() && (applied == 0 || skips.iter().any(|s| s.direct)) {
        let message = skips
            .iter()
            .map(|s| s.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(PatternError {
            kind: skips.first().map_or(ErrKind::Conditional, |s| s.kind),
            direct: false,
            message,
            path: path.to_string(),
        });
    }
    // Keys with nested anchors (and global anchors) first, Kyverno's order.
    plain.sort_by(|a, b| a.0.cmp(b.0));
    let mut front: Vec<(&String, &Value)> = Vec::new();
    let mut back: Vec<(&String, &Value)> = Vec::new();
    for (k, v) in plain {
        if matches!(parse_anchor(k), Some((Anchor::Global, _))) || has_nested_anchors(v) {
            front.insert(0, (k, v));
        } else {
            back.push((k, v));
        }
    }
    for (key, value) in front.into_iter().chain(back) {
        handle(key, value, resource, path, ac)?;
    }
    Ok(())
}

fn handle(
    key: &str,
    pattern: &Value,
    resource: &Map<String, Value>,
    path: &str,
    ac: &mut AnchorMap,
) -> R {
    // `+(key)` is a mutate anchor: Kyverno's validation has no handler for it
    // and looks the key up as written.
    let anchor = parse_anchor(key).filter(|(a, _)| *a != Anchor::AddIfNotPresent);
    let Some((kind, k)) = anchor else {
        let current = format!("{path}{key}/");
        let value = resource.get(key);
        if pattern.as_str() == Some("*") {
            return if value.is_some_and(|v| !v.is_null()) {
                Ok(())
            } else {
                Err(PatternError::other(path, format!("{path}/{key} not found")))
            };
        }
        return element(value.unwrap_or(&Value::Null), pattern, &current, ac);
    };
    let current = format!("{path}{k}/");
    match kind {
        Anchor::Negation => {
            if resource.contains_key(k) {
                Err(PatternError {
                    kind: ErrKind::Negation,
                    direct: true,
                    message: format!("negation anchor matched in resource: {current} is not allowed"),
                    path: current,
                })
            } else {
                Ok(())
            }
        }
        Anchor::Equality => match resource.get(k) {
            Some(v) => element(v, pattern, &current, ac),
            None => Ok(()),
        },
        Anchor::Condition => match resource.get(k) {
            Some(v) => element(v, pattern, &current, ac).map_err(|e| PatternError {
                kind: ErrKind::Conditional,
                direct: true,
                message: format!("conditional anchor mismatch: {}", e.message),
                path: e.path,
            }),
            None => Err(PatternError {
                kind: ErrKind::Conditional,
                direct: true,
                message: "conditional anchor mismatch: conditional anchor key doesn't exist in the resource".to_string(),
                path: current,
            }),
        },
        Anchor::AddIfNotPresent => Ok(()),
        Anchor::Global => match resource.get(k) {
            Some(v) => element(v, pattern, &current, ac).map_err(|e| PatternError {
                kind: ErrKind::Global,
                direct: true,
                message: format!("global anchor mismatch: {}", e.message),
                path: e.path,
            }),
            None => Ok(()),
        },
        Anchor::Existence => match resource.get(k) {
            None => Ok(()),
            Some(Value::Array(items)) => {
                let Value::Array(patterns) = pattern else {
                    return Err(PatternError::other(&current, "invalid pattern type: Pattern has to be of list to compare against resource".to_string()));
                };
                for p in patterns {
                    if !p.is_object() {
                        return Err(PatternError::other(&current, "invalid pattern type: Pattern has to be of type map to compare against items in resource".to_string()));
                    }
                    let found = items.iter().enumerate().any(|(i, item)| {
                        element(item, p, &format!("{current}{i}/"), ac).is_ok()
                    });
                    if !found {
                        return Err(PatternError::other(&current, format!("existence anchor validation failed at path {current}")));
                    }
                }
                Ok(())
            }
            Some(_) => Err(PatternError::other(&current, "invalid resource type: Existence ^ () anchor can be used only on list/array type resource".to_string())),
        },
    }
}

fn validate_array(resource: &[Value], pattern: &[Value], path: &str, ac: &mut AnchorMap) -> R {
    let Some(first) = pattern.first() else {
        return Err(PatternError::other(path, "pattern Array empty".to_string()));
    };
    match first {
        Value::Object(_) => {
            let mut applied = 0usize;
            let mut skips = Vec::new();
            for (i, item) in resource.iter().enumerate() {
                match element(item, first, &format!("{path}{i}/"), ac) {
                    Ok(()) => applied += 1,
                    Err(e) if e.is_skip() => skips.push(e),
                    Err(e) => return Err(e),
                }
            }
            if applied == 0 && !skips.is_empty() {
                return Err(PatternError {
                    kind: ErrKind::Conditional,
                    direct: false,
                    message: skips
                        .iter()
                        .map(|s| s.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    path: path.to_string(),
                });
            }
            Ok(())
        }
        Value::Array(_) => {
            if resource.len() < pattern.len() {
                return Err(PatternError::other(
                    "",
                    format!(
                        "validate Array failed, array length mismatch, resource Array len is {} and pattern Array len is {}",
                        resource.len(),
                        pattern.len()
                    ),
                ));
            }
            let mut applied = 0usize;
            let mut skips = Vec::new();
            for (i, (p, r)) in pattern.iter().zip(resource).enumerate() {
                match element(r, p, &format!("{path}{i}/"), ac) {
                    Ok(()) => applied += 1,
                    Err(e) if e.is_skip() => skips.push(e),
                    Err(e) => return Err(e),
                }
            }
            if applied == 0 && !skips.is_empty() {
                return Err(PatternError {
                    kind: ErrKind::Conditional,
                    direct: false,
                    message: skips
                        .iter()
                        .map(|s| s.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    path: path.to_string(),
                });
            }
            Ok(())
        }
        scalar => {
            let array = Value::Array(resource.to_vec());
            element(&array, scalar, path, ac)
        }
    }
}

/// Wildcard keys in `metadata.labels` / `metadata.annotations` patterns take the
/// name of the first resource key they match.
fn expand_in_metadata(
    pattern: &Map<String, Value>,
    resource: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    let (pkey, pmeta) = pattern
        .iter()
        .find(|(k, _)| *k == "metadata" || parse_anchor(k).is_some_and(|(_, k)| k == "metadata"))?;
    let pmeta = pmeta.as_object()?;
    let rmeta = resource.get("metadata")?.as_object()?;
    let mut new_meta = pmeta.clone();
    let mut changed = false;
    for tag in ["labels", "annotations"] {
        let Some((tkey, tval)) = pmeta
            .iter()
            .find(|(k, _)| *k == tag || parse_anchor(k).is_some_and(|(_, k)| k == tag))
        else {
            continue;
        };
        let (Some(pmap), Some(rmap)) =
            (tval.as_object(), rmeta.get(tag).and_then(Value::as_object))
        else {
            continue;
        };
        let mut out = Map::new();
        for (k, v) in pmap {
            if !(k.contains('*') || k.contains('?')) {
                out.insert(k.clone(), v.clone());
                continue;
            }
            let (anchor, bare) = match parse_anchor(k) {
                Some((a, b)) => (Some((a, k.find('(').unwrap_or(0))), b),
                None => (None, k.as_str()),
            };
            let matched = rmap.keys().find(|rk| wildcard_match(bare, rk)).cloned();
            let new_key = match (matched, anchor) {
                (Some(m), Some((_, open))) => format!("{}({m})", k.get(..open).unwrap_or("")),
                (Some(m), None) => m,
                (None, _) => k.clone(),
            };
            out.insert(new_key, v.clone());
        }
        new_meta.insert(tkey.clone(), Value::Object(out));
        changed = true;
    }
    if !changed {
        return None;
    }
    let mut p = pattern.clone();
    p.insert(pkey.clone(), Value::Object(new_meta));
    Some(p)
}

/// `pattern.Validate`: a scalar (or map) pattern against a value.
pub fn validate_value(value: &Value, pattern: &Value) -> bool {
    match pattern {
        Value::Bool(b) => value.as_bool() == Some(*b),
        Value::Number(n) => {
            if let Some(p) = n.as_i64() {
                match value {
                    Value::Number(v) => v.as_i64().map_or_else(
                        || {
                            v.as_f64()
                                .is_some_and(|f| f.fract() == 0.0 && (f as i64) == p)
                        },
                        |i| i == p,
                    ),
                    Value::String(s) => s.parse::<i64>().ok() == Some(p),
                    _ => false,
                }
            } else {
                let p = n.as_f64().unwrap_or(f64::NAN);
                match value {
                    Value::Number(v) => {
                        if let Some(i) = v.as_i64() {
                            p.fract() == 0.0 && p as i64 == i
                        } else {
                            v.as_f64() == Some(p)
                        }
                    }
                    Value::String(s) => s.parse::<f64>().ok() == Some(p),
                    _ => false,
                }
            }
        }
        Value::Null => match value {
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty(),
            Value::Bool(b) => !*b,
            Value::Null => true,
            _ => false,
        },
        Value::Object(_) => value.is_object(),
        Value::String(p) => validate_string_patterns(value, p),
        Value::Array(_) => false,
    }
}

fn validate_string_patterns(value: &Value, pattern: &str) -> bool {
    if value.as_str() == Some(pattern) {
        return true;
    }
    pattern.split('|').any(|alt| {
        alt.trim_matches(' ')
            .split('&')
            .all(|c| validate_string_pattern(value, c.trim_matches(' ')))
    })
}

/// Operators of pattern strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equal,
    MoreEqual,
    LessEqual,
    NotEqual,
    More,
    Less,
    InRange,
    NotInRange,
}

fn range_parts<'a>(pattern: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    // ^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)SEP([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$
    fn endpoint(s: &str) -> Option<usize> {
        let b = s.as_bytes();
        let mut i = 0;
        if matches!(b.first(), Some(b'-' | b'|' | b'+')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        while b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
        }
        Some(i)
    }
    // Try every split point where the left endpoint ends.
    let mut search = 0;
    while let Some(pos) = pattern.get(search..).and_then(|s| s.find(sep)) {
        let at = search + pos;
        let left = pattern.get(..at)?;
        let right = pattern.get(at + sep.len()..)?;
        if endpoint(left) == Some(left.len()) && endpoint(right) == Some(right.len()) {
            return Some((left, right));
        }
        search = at + 1;
    }
    None
}

pub fn operator_of(pattern: &str) -> Op {
    if pattern.len() < 2 {
        return Op::Equal;
    }
    if pattern.starts_with(">=") {
        Op::MoreEqual
    } else if pattern.starts_with("<=") {
        Op::LessEqual
    } else if pattern.starts_with('>') {
        Op::More
    } else if pattern.starts_with('<') {
        Op::Less
    } else if pattern.starts_with('!') {
        Op::NotEqual
    } else if range_parts(pattern, "!-").is_some() {
        Op::NotInRange
    } else if range_parts(pattern, "-").is_some() {
        Op::InRange
    } else {
        Op::Equal
    }
}

fn op_len(op: Op) -> usize {
    match op {
        Op::Equal | Op::InRange | Op::NotInRange => 0,
        Op::MoreEqual | Op::LessEqual => 2,
        Op::More | Op::Less | Op::NotEqual => 1,
    }
}

fn validate_string_pattern(value: &Value, pattern: &str) -> bool {
    let op = operator_of(pattern);
    match op {
        Op::InRange => range_parts(pattern, "-").is_some_and(|(l, r)| {
            validate_string_pattern(value, &format!(">= {l}"))
                && validate_string_pattern(value, &format!("<= {r}"))
        }),
        Op::NotInRange => range_parts(pattern, "!-").is_some_and(|(l, r)| {
            validate_string_pattern(value, &format!("< {l}"))
                || validate_string_pattern(value, &format!("> {r}"))
        }),
        _ => {
            let rest = pattern.get(op_len(op)..).unwrap_or("").trim();
            validate_string(value, rest, op)
        }
    }
}

fn number_to_string(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("0".to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => i.to_string(),
            None => format!("{:.6}", n.as_f64().unwrap_or(0.0)),
        }),
        _ => None,
    }
}

fn compare<T: PartialOrd>(a: &T, b: &T, op: Op) -> Option<bool> {
    Some(match op {
        Op::Equal => a == b,
        Op::NotEqual => a != b,
        Op::More => a > b,
        Op::Less => a < b,
        Op::MoreEqual => a >= b,
        Op::LessEqual => a <= b,
        Op::InRange | Op::NotInRange => return None,
    })
}

fn validate_string(value: &Value, pattern: &str, op: Op) -> bool {
    if let (Some(p), Some(v)) = (
        go_duration(pattern),
        number_to_string(value).and_then(|s| go_duration(&s)),
    ) {
        if let Some(r) = compare(&v, &p, op) {
            return r;
        }
    }
    if let (Some(p), Some(v)) = (
        quantity(pattern),
        number_to_string(value).and_then(|s| quantity(&s)),
    ) {
        if let Some(r) = v
            .partial_cmp(&p)
            .and_then(|o| compare(&o, &std::cmp::Ordering::Equal, op))
        {
            return r;
        }
    }
    if matches!(op, Op::Equal | Op::NotEqual) {
        let s = match value {
            Value::Number(n) => match n.as_i64() {
                Some(i) => i.to_string(),
                None => super::values::go_format_e(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            _ => return false,
        };
        let m = wildcard_match(pattern, &s);
        return if op == Op::NotEqual { !m } else { m };
    }
    false
}
