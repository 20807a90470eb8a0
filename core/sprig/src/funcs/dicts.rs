//! Dictionary functions (Sprig's `dict.go`, `mergo` v1.0.1 for `merge`).
//!
//! Go maps are references: Sprig's `set`, `unset`, `merge` and `mergeOverwrite`
//! change the map they are given and return it. The engine's [`Value`] maps are
//! immutable, so these return the changed map and the map held by the caller's
//! variable is not changed: `{{ $_ := set $d "k" 1 }}{{ $d.k }}` differs from Go
//! (see the crate docs, "Differences").

use std::collections::BTreeMap;

use stockade_gotemplate::{value::ANY, CallCtx, FuncError, Param, Value};

use super::general::empty;
use super::{arg, fail, s, sa, strings_value, Reg};
use crate::cast::strval;

type R = Result<Value, FuncError>;

/// The entries of a `map[string]…` argument (nil: none).
pub(crate) fn entries(v: &Value) -> BTreeMap<String, Value> {
    match v {
        Value::Map(m) => m.entries.clone(),
        _ => BTreeMap::new(),
    }
}

fn charge(ctx: &mut CallCtx<'_, '_>, n: usize) -> Result<(), FuncError> {
    ctx.charge(u64::try_from(n).unwrap_or(u64::MAX))
}

/// `mergo.Merge` (`overwrite`: `mergo.MergeWithOverwrite`) of `src` into `dst`.
fn mergo(dst: &mut BTreeMap<String, Value>, src: &BTreeMap<String, Value>, overwrite: bool) {
    for (k, sv) in src {
        if sv.is_nil() {
            if overwrite {
                dst.insert(k.clone(), Value::Nil);
            }
            continue;
        }
        let dv = dst.get(k).cloned();
        if let (Value::Map(sm), Some(Value::Map(dm))) = (sv, &dv) {
            if !dm.entries.is_empty() {
                let mut merged = dm.entries.clone();
                mergo(&mut merged, &sm.entries, overwrite);
                dst.insert(
                    k.clone(),
                    Value::Map(std::sync::Arc::new(stockade_gotemplate::Map {
                        named: dm.named.clone(),
                        elem: dm.elem.clone(),
                        entries: merged,
                    })),
                );
                continue;
            }
        }
        let dst_empty = dv.as_ref().is_none_or(empty);
        if !dst_empty && matches!(sv, Value::List(_) | Value::Bytes(_)) && !overwrite {
            continue;
        }
        if overwrite || dst_empty {
            dst.insert(k.clone(), sv.clone());
        }
    }
}

fn merge(ctx: &mut CallCtx<'_, '_>, a: &[Value], overwrite: bool) -> R {
    let mut dst = entries(&arg(&a, 0));
    for src in a.iter().skip(1) {
        let src = entries(src);
        charge(ctx, src.len())?;
        mergo(&mut dst, &src, overwrite);
    }
    Ok(Value::map(dst))
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

fn as_plain_map(v: &Value) -> Result<&BTreeMap<String, Value>, FuncError> {
    match v {
        Value::Map(m) if m.named.is_none() && &*m.elem == ANY => Ok(&m.entries),
        _ => Err(not_a(v, "map[string]interface {}")),
    }
}

fn dig(a: &[Value]) -> R {
    if a.len() < 3 {
        return Err(fail("dig needs at least three arguments"));
    }
    let (keys, rest) = a.split_at(a.len() - 2);
    let default = rest.first().cloned().unwrap_or(Value::Nil);
    let mut dict = as_plain_map(rest.get(1).unwrap_or(&Value::Nil))?;
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
        dict = as_plain_map(step)?;
    }
    Ok(default)
}

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
        |ctx, a| {
            let mut m = entries(&arg(&a, 0));
            charge(ctx, m.len())?;
            m.insert(sa(&a, 1).to_string(), arg(&a, 2));
            Ok(Value::map(m))
        },
    );
    r.fixed(
        &["unset"],
        vec![Param::any_map(), Param::String],
        "map[string]interface {}",
        |ctx, a| {
            let mut m = entries(&arg(&a, 0));
            charge(ctx, m.len())?;
            m.remove(sa(&a, 1));
            Ok(Value::map(m))
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
        |_, a| Ok(arg(&a, 0)),
    );
    r.variadic(&["dig"], vec![], Param::Any, "interface {}", |_, a| dig(&a));
}
