//! List functions (Sprig's `list.go`): every one accepts any Go slice or array
//! (`[]interface {}`, `[]string` from `splitList`/`regexSplit`, `[]int` from
//! `until`, `[]byte`) and builds a `[]interface {}`, as Sprig does through
//! reflection. The non-`must` forms panic where the `must` forms return an error;
//! both end the template with the same message.

use std::sync::Arc;

use stockade_gotemplate::{CallCtx, FuncError, Param, Value};

use super::general::empty;
use super::{arg, fail, int, Reg, NIL_DEREF};
use crate::cast::{items, to_int64};

type R = Result<Value, FuncError>;

/// The items of `v`, or Sprig's `Cannot <what> on type <kind>` error (Go's nil
/// pointer panic for an untyped nil, whose `reflect.Type` is nil).
fn list_items(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    if v.is_nil() {
        return Err(fail(NIL_DEREF));
    }
    items(v).ok_or_else(|| fail(format!("{what} {}", v.kind().name())))
}

fn any_list(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn in_list(haystack: &[Value], needle: &Value) -> bool {
    haystack.iter().any(|h| h == needle)
}

/// Charges the steps of building `n` elements ([`crate::STEPS_PER_ELEMENT`]).
fn charge(ctx: &mut CallCtx<'_, '_>, n: usize) -> Result<(), FuncError> {
    ctx.charge(crate::element_steps(n))
}

fn push(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let mut l = list_items(&arg(a, 0), "Cannot push on type")?;
    charge(ctx, l.len())?;
    l.push(arg(a, 1));
    Ok(any_list(l))
}

fn prepend(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let l = list_items(&arg(a, 0), "Cannot prepend on type")?;
    charge(ctx, l.len())?;
    let mut out = Vec::with_capacity(l.len() + 1);
    out.push(arg(a, 1));
    out.extend(l);
    Ok(any_list(out))
}

fn first(_: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let l = list_items(&arg(a, 0), "Cannot find first on type")?;
    Ok(l.into_iter().next().unwrap_or(Value::Nil))
}

fn last(_: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let l = list_items(&arg(a, 0), "Cannot find last on type")?;
    Ok(l.into_iter().last().unwrap_or(Value::Nil))
}

fn rest(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let l = list_items(&arg(a, 0), "Cannot find rest on type")?;
    charge(ctx, l.len())?;
    Ok(any_list(l.into_iter().skip(1).collect()))
}

fn initial(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let mut l = list_items(&arg(a, 0), "Cannot find initial on type")?;
    charge(ctx, l.len())?;
    l.pop();
    Ok(any_list(l))
}

fn reverse(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let mut l = list_items(&arg(a, 0), "Cannot find reverse on type")?;
    charge(ctx, l.len())?;
    l.reverse();
    Ok(any_list(l))
}

fn compact(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let l = list_items(&arg(a, 0), "Cannot compact on type")?;
    charge(ctx, l.len())?;
    Ok(any_list(l.into_iter().filter(|x| !empty(x)).collect()))
}

fn uniq(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let l = list_items(&arg(a, 0), "Cannot find uniq on type")?;
    // Quadratic as Sprig's; charged as such.
    charge(ctx, l.len().saturating_mul(l.len()) / 16 + l.len())?;
    let mut out: Vec<Value> = Vec::new();
    for x in l {
        if !in_list(&out, &x) {
            out.push(x);
        }
    }
    Ok(any_list(out))
}

fn without(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let l = list_items(&arg(a, 0), "Cannot find without on type")?;
    let omit = a.get(1..).unwrap_or(&[]);
    charge(ctx, l.len().saturating_mul(omit.len().max(1)))?;
    Ok(any_list(
        l.into_iter().filter(|x| !in_list(omit, x)).collect(),
    ))
}

fn has(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let haystack = arg(a, 1);
    if haystack.is_nil() {
        return Ok(Value::Bool(false));
    }
    let l = list_items(&haystack, "Cannot find has on type")?;
    charge(ctx, l.len())?;
    Ok(Value::Bool(in_list(&l, &arg(a, 0))))
}

fn slice(_: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let v = arg(a, 0);
    if v.is_nil() {
        return Err(fail(NIL_DEREF));
    }
    let Some(l) = items(&v) else {
        return Err(fail(format!(
            "list should be type of slice or array but {}",
            v.kind().name()
        )));
    };
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let len = i64::try_from(l.len()).unwrap_or(i64::MAX);
    let start = a.get(1).map_or(0, to_int64);
    let end = if a.len() < 3 {
        len
    } else {
        a.get(2).map_or(len, to_int64)
    };
    // reflect.Value.Slice checks 0 <= i <= j <= cap.
    if start < 0 || end < start || end > len {
        return Err(fail("reflect.Value.Slice: slice index out of bounds"));
    }
    let (lo, hi) = (
        usize::try_from(start).unwrap_or(0),
        usize::try_from(end).unwrap_or(0),
    );
    let part: Vec<Value> = l.get(lo..hi).unwrap_or(&[]).to_vec();
    // The slice keeps the input's type.
    Ok(match &v {
        Value::List(orig) => Value::List(Arc::new(stockade_gotemplate::List {
            elem: orig.elem.clone(),
            items: part,
        })),
        Value::Bytes(b) => Value::Bytes(Arc::from(b.get(lo..hi).unwrap_or(&[]))),
        _ => any_list(part),
    })
}

fn concat(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let mut out = Vec::new();
    for l in a {
        if l.is_nil() {
            return Err(fail(NIL_DEREF));
        }
        let Some(items) = items(l) else {
            return Err(fail(format!(
                "Cannot concat type {} as list",
                l.kind().name()
            )));
        };
        charge(ctx, items.len())?;
        out.extend(items);
    }
    Ok(any_list(out))
}

/// Sprig's `chunk` arithmetic, including the `makeslice` panics Go hits for a
/// size of zero or below.
fn chunk(ctx: &mut CallCtx<'_, '_>, a: &[Value]) -> R {
    let size = int(&arg(a, 0));
    let l = list_items(&arg(a, 1), "Cannot chunk type")?;
    charge(ctx, l.len())?;
    let len = l.len();
    let makeslice = || fail("runtime error: makeslice: len out of range");
    #[allow(clippy::cast_precision_loss)]
    let cs_f = ((len as f64 - 1.0) / size as f64).floor() + 1.0;
    if !cs_f.is_finite() || cs_f < 0.0 {
        return Err(makeslice());
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let cs = cs_f as usize;
    let size_u = usize::try_from(size).map_err(|_| makeslice())?;
    let mut out = Vec::with_capacity(cs);
    for i in 0..cs {
        let mut clen = size_u;
        if i + 1 == cs {
            clen = len % size_u.max(1);
            if clen == 0 {
                clen = size_u;
            }
        }
        let start = i * size_u;
        let part = l
            .get(start..start + clen)
            .ok_or_else(|| fail("runtime error: index out of range"))?;
        out.push(any_list(part.to_vec()));
    }
    Ok(Value::typed_list("[]interface {}", out))
}

macro_rules! both {
    ($r:expr, $plain:expr, $must:expr, $params:expr, $result:expr, $f:ident) => {
        $r.fixed(&$plain, $params, $result, |c, a| $f(c, &a));
        $r.fixed(&$must, $params, $result, |c, a| $f(c, &a));
    };
}

#[allow(clippy::too_many_lines)]
pub(super) fn register(r: &mut Reg<'_>) {
    r.variadic(
        &["list", "tuple"],
        vec![],
        Param::Any,
        "[]interface {}",
        |_, a| Ok(any_list(a)),
    );
    both!(
        r,
        ["append", "push"],
        ["mustAppend", "mustPush"],
        vec![Param::Any, Param::Any],
        "[]interface {}",
        push
    );
    both!(
        r,
        ["prepend"],
        ["mustPrepend"],
        vec![Param::Any, Param::Any],
        "[]interface {}",
        prepend
    );
    both!(
        r,
        ["first"],
        ["mustFirst"],
        vec![Param::Any],
        "interface {}",
        first
    );
    both!(
        r,
        ["last"],
        ["mustLast"],
        vec![Param::Any],
        "interface {}",
        last
    );
    both!(
        r,
        ["rest"],
        ["mustRest"],
        vec![Param::Any],
        "[]interface {}",
        rest
    );
    both!(
        r,
        ["initial"],
        ["mustInitial"],
        vec![Param::Any],
        "[]interface {}",
        initial
    );
    both!(
        r,
        ["reverse"],
        ["mustReverse"],
        vec![Param::Any],
        "[]interface {}",
        reverse
    );
    both!(
        r,
        ["compact"],
        ["mustCompact"],
        vec![Param::Any],
        "[]interface {}",
        compact
    );
    both!(
        r,
        ["uniq"],
        ["mustUniq"],
        vec![Param::Any],
        "[]interface {}",
        uniq
    );
    both!(
        r,
        ["has"],
        ["mustHas"],
        vec![Param::Any, Param::Any],
        "bool",
        has
    );
    both!(
        r,
        ["chunk"],
        ["mustChunk"],
        vec![Param::INT, Param::Any],
        "[][]interface {}",
        chunk
    );
    r.variadic(
        &["without"],
        vec![Param::Any],
        Param::Any,
        "[]interface {}",
        |c, a| without(c, &a),
    );
    r.variadic(
        &["mustWithout"],
        vec![Param::Any],
        Param::Any,
        "[]interface {}",
        |c, a| without(c, &a),
    );
    r.variadic(
        &["slice"],
        vec![Param::Any],
        Param::Any,
        "interface {}",
        |c, a| slice(c, &a),
    );
    r.variadic(
        &["mustSlice"],
        vec![Param::Any],
        Param::Any,
        "interface {}",
        |c, a| slice(c, &a),
    );
    r.variadic(&["concat"], vec![], Param::Any, "interface {}", |c, a| {
        concat(c, &a)
    });
}
