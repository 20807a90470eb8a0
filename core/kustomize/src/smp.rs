//! Strategic merge patch as kustomize applies it (kyaml's `merge2` walker):
//! maps merge key by key, `null` deletes, lists of the built-in types merge by
//! their `OpenAPI` merge key (`containers` by `name`, …) or are replaced, lists
//! without a schema merge by the first of kyaml's associative keys that every
//! element has, and the directives `$patch`, `$setElementOrder/…`,
//! `$deleteFromPrimitiveList/…`, `$retainKeys`.

use crate::node::{KNode, KVal, Loc};
use crate::schema::{schema, Field, Schema};
use stockade_source::origin::OriginRole;

/// kyaml's associative keys for lists without a schema, in precedence order.
const ASSOCIATIVE_KEYS: &[&str] = &[
    "mountPath",
    "devicePath",
    "ip",
    "type",
    "topologyKey",
    "name",
    "containerPort",
];

pub struct Ctx<'a> {
    pub by: (Loc, OriginRole),
    /// A kustomization's custom `openapi` schema: its definitions win over
    /// kyaml's built-in ones, which fill in the rest.
    pub custom: Option<&'a Schema>,
    /// The first error met (kyaml stops there): a patch value of another node
    /// kind (map, list, scalar) than the value it meets.
    pub error: std::cell::RefCell<Option<String>>,
    /// The build's files `(path, text)`, to tell a quoted scalar from a plain
    /// one (kyaml keeps the style of the value a patch replaces).
    pub texts: &'a [(String, String)],
}

/// The text a node was read from, when it has one of its own.
fn raw<'t>(n: &KNode, texts: &'t [(String, String)]) -> Option<&'t str> {
    let loc = n.base?;
    texts
        .get(loc.file as usize)
        .and_then(|(_, t)| t.get(loc.span.range()))
}

/// kyaml's `FieldSetter` gives a new value the style of the one it replaces:
/// a number or boolean set over a quoted (or block) scalar becomes a string
/// of the text the patch wrote.
fn keep_quoting(old: &KNode, new: &mut KNode, patch: &KNode, cx: &Ctx) {
    if !matches!(
        new.v,
        KVal::Int(_) | KVal::Float(_) | KVal::Bool(_) | KVal::Time(_) | KVal::Str(_)
    ) {
        return;
    }
    // the old style, quoted or plain, whatever the patch wrote
    new.quoted = old.quoted;
    if !old.quoted || matches!(new.v, KVal::Str(_)) {
        return;
    }
    let text = raw(patch, cx.texts)
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.contains([':', '\n', '#', ',', '{', '[', '"', '\'']))
        .map(str::to_string)
        .or_else(|| match &new.v {
            KVal::Time(t) => Some(t.clone()),
            _ => new.scalar_text(),
        });
    if let Some(t) = text {
        new.v = KVal::Str(t);
    }
}

/// kyaml's node kind names, for its `wrong node kind` error.
fn kind_name(n: &KNode) -> &'static str {
    match n.v {
        KVal::Map(_) => "MappingNode",
        KVal::Seq(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

/// kyaml walks a field with the node kind of the destination (when it is not
/// null) and fails on a patch value of another kind.
fn check_kinds(dest: &KNode, patch: &KNode, cx: &Ctx) {
    if dest.is_null() || patch.is_null() || kind_name(dest) == kind_name(patch) {
        return;
    }
    let mut e = cx.error.borrow_mut();
    if e.is_none() {
        *e = Some(format!(
            "wrong node kind: expected {} but got {}",
            kind_name(dest),
            kind_name(patch)
        ));
    }
}

/// The `OpenAPI` definition of a resource, if a schema has it.
pub fn root_def(custom: Option<&Schema>, api_version: &str, kind: &str) -> Option<String> {
    let key = (api_version.to_string(), kind.to_string());
    custom
        .and_then(|c| c.kinds.get(&key))
        .or_else(|| schema().kinds.get(&key))
        .cloned()
}

fn field<'a>(cx: &Ctx<'a>, def: Option<&str>, name: &str) -> Option<&'a Field> {
    let def = def?;
    if let Some(fields) = cx.custom.and_then(|c| c.defs.get(def)) {
        return fields.get(name);
    }
    schema().defs.get(def)?.get(name)
}

/// Merge `patch` into `dest` (both maps). Returns false when the patch deletes
/// `dest` (`$patch: delete` at its root).
pub fn merge_map(dest: &mut KNode, patch: &KNode, def: Option<&str>, cx: &Ctx) -> bool {
    let Some(pm) = patch.as_map() else {
        *dest = stripped(patch, cx);
        return true;
    };
    match patch.get_str("$patch") {
        Some("delete") => return false,
        Some("replace") => {
            *dest = stripped(patch, cx);
            return true;
        }
        _ => {}
    }
    if !matches!(dest.v, KVal::Map(_)) {
        *dest = stripped(patch, cx);
        return true;
    }
    for (k, pv) in pm {
        // kyaml interprets `$patch` only; `$setElementOrder/…`, `$retainKeys`
        // and `$deleteFromPrimitiveList/…` are ordinary fields to it (and land
        // in the output, as with kubectl).
        if k == "$patch" {
            continue;
        }
        let f = field(cx, def, k);
        let sub_def = f.and_then(|f| f.reference.as_deref());
        if pv.is_null() {
            dest.remove(k);
            continue;
        }
        // `field: {$patch: delete}` removes the field.
        if pv.get_str("$patch") == Some("delete") && pv.as_map().is_some_and(|m| m.len() == 1) {
            dest.remove(k);
            continue;
        }
        match dest.get_mut(k) {
            None if matches!(pv.v, KVal::Map(_)) => {
                // kyaml walks the patch's map over an empty one: its
                // directives and nulls apply inside, and what is left (maybe
                // `{}`) is added.
                let mut v = KNode::map();
                v.base = pv.base;
                let sub = if f.is_some_and(|f| f.shape == 'm') {
                    None
                } else {
                    sub_def
                };
                if merge_map(&mut v, pv, sub, cx) {
                    v.by = Some((v.base.unwrap_or(cx.by.0), cx.by.1));
                    dest.set(k, v);
                }
            }
            None => {
                // A list the destination lacks is added as the patch wrote it,
                // directives included (as kyaml does).
                let mut v = if let KVal::Seq(items) = &pv.v {
                    // (elements a merge key list deletes are left out)
                    let keyed = merge_key_for(&[], items, f).is_some();
                    let mut v = pv.clone();
                    if let (true, KVal::Seq(items)) = (keyed, &mut v.v) {
                        items.retain(|i| i.get_str("$patch") != Some("delete"));
                        // kyaml walks each element: directives inside apply
                        for item in items.iter_mut() {
                            if item.as_map().is_some() && item.get("$patch").is_none() {
                                let mut e = KNode::map();
                                e.base = item.base;
                                merge_map(&mut e, item, sub_def, cx);
                                *item = e;
                            }
                        }
                    }
                    strip_nulls(&mut v);
                    v
                } else {
                    stripped(pv, cx)
                };
                v.mark_own(cx.by.1, cx.by.0);
                dest.set(k, v);
            }
            Some(dv) => match (&mut dv.v, &pv.v) {
                (KVal::Map(_), KVal::Map(_)) => {
                    let sub = if f.is_some_and(|f| f.shape == 'm') {
                        None
                    } else {
                        sub_def
                    };
                    if !merge_map(dv, pv, sub, cx) {
                        dest.remove(k);
                    }
                }
                (KVal::Seq(_), KVal::Seq(_)) if def == Some(SERVICE_SPEC) && k == "ports" => {
                    merge_service_ports(dv, pv, sub_def, cx);
                }
                (KVal::Seq(_), KVal::Seq(_)) => {
                    merge_list(dv, pv, f, sub_def, cx);
                }
                _ => {
                    check_kinds(dv, pv, cx);
                    if !dv.same(pv) {
                        let mut v = stripped(pv, cx);
                        keep_quoting(dv, &mut v, pv, cx);
                        v.mark_own(cx.by.1, cx.by.0);
                        v.base = dv.base;
                        *dv = v;
                    }
                }
            },
        }
    }
    true
}

const SERVICE_SPEC: &str = "io.k8s.api.core.v1.ServiceSpec";

/// A Service's ports are keyed by port and protocol (`TCP` when unset); ports
/// of the patch that match none are put first, the others merged in place.
fn merge_service_ports(dest: &mut KNode, patch: &KNode, def: Option<&str>, cx: &Ctx) {
    let key = |n: &KNode| {
        (
            n.get("port").and_then(KNode::scalar_text),
            n.get("protocol")
                .and_then(KNode::scalar_text)
                .unwrap_or_else(|| "TCP".to_string()),
        )
    };
    let (Some(items), Some(pitems)) = (dest.as_seq().cloned(), patch.as_seq()) else {
        return;
    };
    let mut fresh = Vec::new();
    let mut out = items;
    for p in pitems {
        let deleting = p.get_str("$patch") == Some("delete");
        match out.iter().position(|d| key(d) == key(p)) {
            Some(i) if deleting => {
                out.remove(i);
            }
            Some(i) => {
                let mut p = p.clone();
                p.remove("$patch");
                if let Some(d) = out.get_mut(i) {
                    merge_map(d, &p, def, cx);
                }
            }
            None if deleting => {}
            None => {
                let mut v = stripped(p, cx);
                v.mark_own(cx.by.1, cx.by.0);
                fresh.push(v);
            }
        }
    }
    fresh.extend(out);
    dest.v = KVal::Seq(fresh);
}

fn merge_key_for(dest: &[KNode], patch: &[KNode], f: Option<&Field>) -> Option<String> {
    if let Some(f) = f {
        if f.strategy.as_deref().is_some_and(|s| s.contains("merge")) {
            if let Some(k) = &f.merge_key {
                return Some(k.clone());
            }
        }
        return None;
    }
    // Without a schema kustomize replaces lists (see the module docs).
    let _ = (dest, patch, ASSOCIATIVE_KEYS);
    None
}

#[allow(clippy::many_single_char_names)] // dest, patch, field, definition, context
fn merge_list(dest: &mut KNode, patch: &KNode, f: Option<&Field>, def: Option<&str>, cx: &Ctx) {
    let Some(pitems) = patch.as_seq() else { return };
    // `- $patch: replace` replaces the list.
    if pitems
        .iter()
        .any(|i| i.get_str("$patch") == Some("replace") && i.as_map().is_some_and(|m| m.len() == 1))
    {
        let items: Vec<KNode> = pitems
            .iter()
            .filter(|i| i.get_str("$patch").is_none())
            .map(|i| {
                let mut v = stripped(i, cx);
                v.mark_own(cx.by.1, cx.by.0);
                v
            })
            .collect();
        dest.v = KVal::Seq(items);
        return;
    }
    let dest_items = dest.as_seq().cloned().unwrap_or_default();
    let primitive_merge = f.is_some_and(|f| {
        f.shape == 's' && f.strategy.as_deref().is_some_and(|s| s.contains("merge"))
    });
    if primitive_merge {
        let mut out = dest_items;
        for p in pitems {
            if !out.iter().any(|d| d.same(p)) {
                let mut v = p.clone();
                v.mark_own(cx.by.1, cx.by.0);
                out.push(v);
            }
        }
        dest.v = KVal::Seq(out);
        return;
    }
    let Some(key) = merge_key_for(&dest_items, pitems, f) else {
        // Replace.
        let mut v = stripped(patch, cx);
        v.mark_own(cx.by.1, cx.by.0);
        v.base = dest.base;
        *dest = v;
        return;
    };
    // kyaml walks the patch's elements first, then the destination's others.
    let mut rest = dest_items;
    let mut out = Vec::with_capacity(rest.len() + pitems.len());
    for p in pitems {
        let pk = p.get(&key);
        let pos = rest.iter().position(|d| match (d.get(&key), pk) {
            (Some(a), Some(b)) => a.same(b),
            _ => false,
        });
        let deleting = p.get_str("$patch") == Some("delete");
        match pos {
            Some(i) => {
                let mut d = rest.remove(i);
                // On a list element kyaml honours `$patch: delete` only.
                let mut p = p.clone();
                p.remove("$patch");
                if !deleting && merge_map(&mut d, &p, def, cx) {
                    out.push(d);
                }
            }
            None if deleting => {}
            None => {
                let mut v = stripped(p, cx);
                v.mark_own(cx.by.1, cx.by.0);
                out.push(v);
            }
        }
    }
    out.extend(rest);
    dest.v = KVal::Seq(out);
}

/// The patch node without its directives.
pub fn stripped(n: &KNode, cx: &Ctx) -> KNode {
    let mut out = n.clone();
    strip(&mut out);
    let _ = cx;
    out
}

/// Null fields removed (kyaml clears them when it sets a map), directives kept.
fn strip_nulls(n: &mut KNode) {
    match &mut n.v {
        KVal::Map(m) => {
            m.retain(|(_, v)| !v.is_null());
            for (_, v) in m.iter_mut() {
                strip_nulls(v);
            }
        }
        KVal::Seq(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

fn strip(n: &mut KNode) {
    match &mut n.v {
        KVal::Map(m) => {
            m.retain(|(k, v)| !(k == "$patch" || v.is_null()));
            for (_, v) in m.iter_mut() {
                strip(v);
            }
        }
        KVal::Seq(items) => {
            items.retain(|i| i.get_str("$patch") != Some("delete"));
            items.iter_mut().for_each(strip);
        }
        _ => {}
    }
}
