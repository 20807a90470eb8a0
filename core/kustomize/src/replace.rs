//! `replacements`: copy a field of one resource into fields of others
//! (kustomize's replacement filter: `fieldPath`s with `[key=value]` list
//! selectors, indexes and `*`, `delimiter`/`index` options, `create`).

use crate::node::{KNode, KVal, Loc};
use stockade_source::origin::OriginRole;

/// Split a field path at `.` outside `[...]`.
pub fn split_field_path(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in p.chars() {
        match c {
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '.' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

fn selector(seg: &str) -> Option<(String, String)> {
    let inner = seg.strip_prefix('[')?.strip_suffix(']')?;
    let (k, v) = inner.split_once('=')?;
    Some((k.to_string(), v.to_string()))
}

/// The nodes at `path` under `node` (read only).
pub fn lookup<'a>(node: &'a KNode, path: &[String]) -> Vec<&'a KNode> {
    let Some((first, rest)) = path.split_first() else {
        return vec![node];
    };
    match &node.v {
        KVal::Seq(items) => {
            if first == "*" {
                return items.iter().flat_map(|i| lookup(i, rest)).collect();
            }
            if let Some((k, v)) = selector(first) {
                return items
                    .iter()
                    .filter(|i| {
                        i.get(&k).and_then(KNode::scalar_text).as_deref() == Some(v.as_str())
                    })
                    .flat_map(|i| lookup(i, rest))
                    .collect();
            }
            let idx = first.trim_start_matches('[').trim_end_matches(']');
            idx.parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|i| lookup(i, rest))
                .unwrap_or_default()
        }
        KVal::Map(_) => {
            if first == "*" {
                return node
                    .as_map()
                    .map(|m| m.iter().flat_map(|(_, v)| lookup(v, rest)).collect())
                    .unwrap_or_default();
            }
            let key = first.trim_start_matches('[').trim_end_matches(']');
            node.get(key).map(|c| lookup(c, rest)).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// Apply `f` to the nodes at `path` under `node`; with `create`, missing map
/// fields and `[k=v]` list elements are made. Returns how many were visited.
pub fn visit_mut(
    node: &mut KNode,
    path: &[String],
    create: bool,
    f: &mut dyn FnMut(&mut KNode),
) -> usize {
    let Some((first, rest)) = path.split_first() else {
        f(node);
        return 1;
    };
    if node.is_null() && create {
        node.v = if first.starts_with('[') && first.contains('=') {
            KVal::Seq(Vec::new())
        } else {
            KVal::Map(Vec::new())
        };
    }
    match &mut node.v {
        KVal::Seq(items) => {
            if first == "*" {
                return items
                    .iter_mut()
                    .map(|i| visit_mut(i, rest, create, f))
                    .sum();
            }
            if let Some((k, v)) = selector(first) {
                let mut n = 0;
                for i in items.iter_mut() {
                    if i.get(&k).and_then(KNode::scalar_text).as_deref() == Some(v.as_str()) {
                        n += visit_mut(i, rest, create, f);
                    }
                }
                if n == 0 && create {
                    let mut fresh = KNode::map();
                    fresh.set(&k, KNode::str(v));
                    items.push(fresh);
                    if let Some(last) = items.last_mut() {
                        n += visit_mut(last, rest, create, f);
                    }
                }
                return n;
            }
            let idx = first.trim_start_matches('[').trim_end_matches(']');
            match idx.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(i) => visit_mut(i, rest, create, f),
                None => 0,
            }
        }
        KVal::Map(_) => {
            if first == "*" {
                let Some(m) = node.as_map_mut() else { return 0 };
                return m
                    .iter_mut()
                    .map(|(_, v)| visit_mut(v, rest, create, f))
                    .sum();
            }
            let key = first
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            if node.get(&key).is_none() {
                if !create {
                    return 0;
                }
                node.set(&key, KNode::new(KVal::Null));
            }
            match node.get_mut(&key) {
                Some(c) => visit_mut(c, rest, create, f),
                None => 0,
            }
        }
        _ => 0,
    }
}

/// Put `value` at part `index` of `target` split by `delim`.
pub fn splice(target: &str, delim: &str, index: i64, value: &str) -> String {
    let mut parts: Vec<String> = target.split(delim).map(str::to_string).collect();
    if index < 0 {
        parts.insert(0, value.to_string());
    } else if let Some(p) = usize::try_from(index).ok().and_then(|i| parts.get_mut(i)) {
        *p = value.to_string();
    } else {
        parts.push(value.to_string());
    }
    parts.join(delim)
}

/// Part `index` of `source` split by `delim`.
pub fn part(source: &str, delim: &str, index: i64) -> Option<String> {
    let parts: Vec<&str> = source.split(delim).collect();
    usize::try_from(index)
        .ok()
        .and_then(|i| parts.get(i))
        .map(|s| (*s).to_string())
}

/// The value a replacement writes, marked as set by the replacement at `by`.
pub fn marked(value: &KNode, by: Loc) -> KNode {
    let mut v = value.clone();
    v.mark((by, OriginRole::Transformer));
    v
}
