//! Dictionary functions (Sprig's `dict.go`, `mergo` v1.0.1 for `merge`).
//!
//! Go maps are references and so are the engine's (see
//! [`stockade_gotemplate::Entries`]): `set`, `unset`, `merge` and
//! `mergeOverwrite` change the map they are given, in place, and return it, so
//! `{{ $_ := set $d "k" 1 }}{{ $d.k }}` prints `1` as in Go. `merge` also shares
//! the source's nested maps with the destination where Go does.

use std::collections::BTreeMap;
use std::sync::Arc;

use stockade_gotemplate::{value::ANY, CallCtx, FuncError, Map, Param, Value};

use super::general::empty;
use super::{arg, fail, s, sa, strings_value, Reg};
use crate::cast::strval;

type R = Result<Value, FuncError>;

/// The entries of a `map[string]…` argument (nil: none).
pub(crate) fn entries(v: &Value) -> BTreeMap<String, Value> {
    match v {
        Value::Map(m) => m.entries.snapshot(),
        _ => BTreeMap::new(),
    }
}

/// Charges the steps of building `n` entries ([`crate::STEPS_PER_ELEMENT`]).
fn charge(ctx: &mut CallCtx<'_, '_>, n: usize) -> Result<(), FuncError> {
    ctx.charge(crate::element_steps(n))
}

/// `mergo.Merge` (`overwrite`: `mergo.MergeWithOverwrite`) of `src` into `dst`,
/// in place: nested maps present on both sides are merged into the
/// destination's own map; values taken from `src` are shared, not copied.
fn mergo(dst: &Map, src: &Map, overwrite: bool, depth: usize) -> Result<(), FuncError> {
    if depth > MAX_DEPTH {
        return Err(fail("merge: maps nested too deeply (or cyclic)"));
    }
    let src_empty = src.entries.is_empty();
    for (k, sv) in &src.entries {
        if sv.is_nil() {
            if overwrite {
                dst.entries.insert(k, Value::Nil);
            }
            continue;
        }
        let dv = dst.entries.get(&k);
        match &sv {
            Value::Map(sm) => {
                if let Some(Value::Map(dm)) = &dv {
                    if !Arc::ptr_eq(dm, sm) {
                        mergo(dm, sm, overwrite, depth + 1)?;
                    }
                }
            }
            Value::List(_) | Value::Bytes(_) => {
                let mut slice = match &dv {
                    None | Some(Value::Nil) => Value::list(Vec::new()),
                    Some(d) => d.clone(),
                };
                if !src_empty && (overwrite || dst.entries.is_empty()) {
                    slice = sv.clone();
                }
                dst.entries.insert(k.clone(), slice);
            }
            _ => {}
        }
        // Emptiness is read now: a nested map merged above may no longer be empty.
        let dst_empty = dv.as_ref().is_none_or(empty);
        if !dst_empty {
            if matches!(sv, Value::List(_) | Value::Bytes(_)) {
                continue;
            }
            if matches!((&sv, &dv), (Value::Map(_), Some(Value::Map(_)))) {
                continue;
            }
        }
        if overwrite || dst_empty {
            dst.entries.insert(k, sv);
        }
    }
    Ok(())
}

const MAX_DEPTH: usize = 1000;

fn merge(ctx: &mut CallCtx<'_, '_>, a: &[Value], overwrite: bool) -> R {
    let dst = match arg(a, 0) {
        Value::Map(m) => m,
        _ => match Value::map(BTreeMap::new()) {
            Value::Map(m) => m,
            _ => return Err(fail("merge: no map")),
        },
    };
    for src in a.iter().skip(1) {
        if let Value::Map(src) = src {
            ctx.charge(crate::element_steps(src.entries.len()))?;
            mergo(&dst, src, overwrite, 0)?;
        }
    }
    Ok(Value::Map(dst))
}

/// `copystructure.Copy`: maps and lists copied all the way down.
fn deep_copy(v: &Value, depth: usize) -> Result<Value, FuncError> {
    if depth > MAX_DEPTH {
        return Err(fail("deepCopy: value nested too deeply (or cyclic)"));
    }
    Ok(match v {
        Value::Map(m) => {
            let mut out = BTreeMap::new();
            for (k, x) in &m.entries {
                out.insert(k, deep_copy(&x, depth + 1)?);
            }
            Value::Map(Arc::new(Map {
                named: m.named.clone(),
                elem: m.elem.clone(),
                entries: out.into(),
            }))
        }
        Value::List(l) => {
            let items = l
                .items
                .iter()
                .map(|x| deep_copy(x, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Value::List(Arc::new(stockade_gotemplate::List {
                elem: l.elem.clone(),
                items,
            }))
        }
        other => other.clone(),
    })
}

/// Go's failed type assertion text.
fn not_a(v: &Value, want: &str) -> FuncError {
    let got = if v.is_nil() {
        "nil".to_string()
    } else {
        v.type_name()
    };
    fail(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

fn as_plain_map(v: &Value) -> Result<&Map, FuncError> {
    match v {
        Value::Map(m) if m.named.is_none() && &*m.elem == ANY => Ok(m),
        _ => Err(not_a(v, "map[string]interface {}")),
    }
}

fn dig(a: &[Value]) -> R {
    if a.len() < 3 {
        return Err(fail("dig needs at least three arguments"));
    }
    let (keys, rest) = a.split_at(a.len() - 2);
    let default = rest.first().cloned().unwrap_or(Value::Nil);
    let mut dict = as_plain_map(rest.get(1).unwrap_or(&Value::Nil))?
        .entries
        .snapshot();
    let keys: Vec<&str> = keys
        .iter()
        .map(|k| k.as_str().ok_or_else(|| not_a(k, "string")))
        .collect::<Result<_, _>>()?;
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = dict.get(*k) else {
            return Ok(default);
        };
        if i + 1 == keys.len() {
            return Ok(step.clone());
        }
        dict = as_plain_map(step)?.entries.snapshot();
    }
    Ok(default)
}

#[allow(clippy::too_many_lines)]
pub(super) fn register(r: &mut Reg<'_>) {
    r.variadic(
        &["dict"],
        vec![],
        Param::Any,
        "map[string]interface {}",
        |ctx, a| {
            charge(ctx, a.len())?;
            let mut m = BTreeMap::new();
            let mut it = a.into_iter();
            while let Some(k) = it.next() {
                let key = strval(&k);
                m.insert(key, it.next().unwrap_or_else(|| Value::string("")));
            }
            Ok(Value::map(m))
        },
    );
    r.fixed(
        &["get"],
        vec![Param::any_map(), Param::String],
        "interface {}",
        |_, a| {
            Ok(entries(&arg(&a, 0))
                .remove(sa(&a, 1))
                .unwrap_or_else(|| Value::string("")))
        },
    );
    r.fixed(
        &["set"],
        vec![Param::any_map(), Param::String, Param::Any],
        "map[string]interface {}",
        |_, a| {
            let d = arg(&a, 0);
            let Value::Map(m) = &d else {
                return Err(fail("assignment to entry in nil map"));
            };
            m.entries.insert(sa(&a, 1).to_string(), arg(&a, 2));
            Ok(d)
        },
    );
    r.fixed(
        &["unset"],
        vec![Param::any_map(), Param::String],
        "map[string]interface {}",
        |_, a| {
            let d = arg(&a, 0);
            if let Value::Map(m) = &d {
                m.entries.remove(sa(&a, 1));
            }
            Ok(d)
        },
    );
    r.fixed(
        &["hasKey"],
        vec![Param::any_map(), Param::String],
        "bool",
        |_, a| {
            let key = sa(&a, 1).to_string();
            Ok(Value::Bool(match &arg(&a, 0) {
                Value::Map(m) => m.entries.contains_key(&key),
                _ => false,
            }))
        },
    );
    r.variadic(
        &["pluck"],
        vec![Param::String],
        Param::any_map(),
        "[]interface {}",
        |_, a| {
            let key = sa(&a, 0).to_string();
            let out: Vec<Value> = a
                .iter()
                .skip(1)
                .filter_map(|d| entries(d).remove(&key))
                .collect();
            Ok(Value::list(out))
        },
    );
    r.variadic(&["keys"], vec![], Param::any_map(), "[]string", |ctx, a| {
        let mut out = Vec::new();
        for d in &a {
            let e = entries(d);
            charge(ctx, e.len())?;
            out.extend(e.into_keys());
        }
        Ok(strings_value(out))
    });
    r.variadic(
        &["pick"],
        vec![Param::any_map()],
        Param::String,
        "map[string]interface {}",
        |_, a| {
            let src = entries(&arg(&a, 0));
            let mut out = BTreeMap::new();
            for k in a.iter().skip(1) {
                if let Some(v) = src.get(s(k)) {
                    out.insert(s(k).to_string(), v.clone());
                }
            }
            Ok(Value::map(out))
        },
    );
    r.variadic(
        &["omit"],
        vec![Param::any_map()],
        Param::String,
        "map[string]interface {}",
        |_, a| {
            let mut out = entries(&arg(&a, 0));
            for k in a.iter().skip(1) {
                out.remove(s(k));
            }
            Ok(Value::map(out))
        },
    );
    r.variadic(
        &["merge", "mustMerge"],
        vec![Param::any_map()],
        Param::any_map(),
        "interface {}",
        |ctx, a| merge(ctx, &a, false),
    );
    r.variadic(
        &["mergeOverwrite", "mustMergeOverwrite"],
        vec![Param::any_map()],
        Param::any_map(),
        "interface {}",
        |ctx, a| merge(ctx, &a, true),
    );
    r.fixed(
        &["values"],
        vec![Param::any_map()],
        "[]interface {}",
        |_, a| Ok(Value::list(entries(&arg(&a, 0)).into_values().collect())),
    );
    r.fixed(
        &["deepCopy", "mustDeepCopy"],
        vec![Param::Any],
        "interface {}",
        |_, a| deep_copy(&arg(&a, 0), 0),
    );
    r.variadic(&["dig"], vec![], Param::Any, "interface {}", |_, a| dig(&a));
}
