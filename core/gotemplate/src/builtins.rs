//! Go's builtin template functions (`text/template/funcs.go` semantics).

use std::fmt::Write as _;

use crate::exec::PType;
use crate::func::Param;
use crate::value::{Kind, Value};

/// Whether `name` is one of Go's builtin template functions.
pub fn is_builtin(name: &str) -> bool {
    Builtin::from_name(name).is_some()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Call,
    Html,
    Js,
    Urlquery,
    Index,
    Slice,
    Len,
    Print,
    Printf,
    Println,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Builtin {
    pub(crate) fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "call" => Builtin::Call,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::Urlquery,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "len" => Builtin::Len,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            _ => return None,
        })
    }

    /// Go's signature: fixed parameters and the variadic element type.
    pub(crate) fn signature(self) -> (Vec<PType>, Option<PType>) {
        use PType::{Go, Reflect};
        match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Call
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Eq => (vec![Reflect], Some(Reflect)),
            Builtin::Not | Builtin::Len => (vec![Reflect], None),
            Builtin::Html | Builtin::Js | Builtin::Urlquery | Builtin::Print | Builtin::Println => {
                (vec![], Some(Go(Param::Any)))
            }
            Builtin::Printf => (vec![Go(Param::String)], Some(Go(Param::Any))),
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => {
                (vec![Reflect, Reflect], None)
            }
        }
    }
}

fn nil_iface() -> Value {
    Value::TypedNil(std::sync::Arc::from(crate::value::ANY))
}

fn pct_s(v: &Value) -> String {
    crate::gofmt::sprintf("%s", std::slice::from_ref(v))
}

fn nil_iface_to_nil(v: &Value) -> Value {
    match v {
        Value::TypedNil(t) if &**t == crate::value::ANY => Value::Nil,
        _ => v.clone(),
    }
}

pub(crate) fn call_builtin(b: Builtin, args: &[Value]) -> Result<Value, String> {
    let first = args.first().map(nil_iface_to_nil).unwrap_or_default();
    match b {
        Builtin::Not => Ok(Value::Bool(!first.truth())),
        Builtin::Html => Ok(Value::string(html_escape(&eval_args(args)))),
        Builtin::Js => Ok(Value::string(js_escape(&eval_args(args)))),
        Builtin::Urlquery => Ok(Value::string(query_escape(&eval_args(args)))),
        Builtin::Print => Ok(Value::string(crate::gofmt::sprint(args))),
        Builtin::Println => Ok(Value::string(crate::gofmt::sprintln(args))),
        Builtin::Printf => {
            let f = first.as_str().unwrap_or("").to_owned();
            Ok(Value::string(crate::gofmt::sprintf(
                &f,
                args.get(1..).unwrap_or(&[]),
            )))
        }
        Builtin::Index => index(&first, args.get(1..).unwrap_or(&[])),
        Builtin::Slice => slice(&first, args.get(1..).unwrap_or(&[])),
        Builtin::Len => length(args.first().unwrap_or(&Value::Nil)).map(Value::int),
        Builtin::Eq => eq(&first, args.get(1..).unwrap_or(&[])).map(Value::Bool),
        Builtin::Ne => {
            let b = args.get(1).cloned().unwrap_or_default();
            eq(&first, std::slice::from_ref(&b)).map(|x| Value::Bool(!x))
        }
        Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => {
            let b2 = args.get(1).map(nil_iface_to_nil).unwrap_or_default();
            let r = match b {
                Builtin::Lt => lt(&first, &b2)?,
                Builtin::Le => le(&first, &b2)?,
                Builtin::Gt => !le(&first, &b2)?,
                _ => !lt(&first, &b2)?,
            };
            Ok(Value::Bool(r))
        }
        // and/or/call are evaluated by the executor.
        Builtin::And | Builtin::Or | Builtin::Call => Ok(first),
    }
}

/// Go's `evalArgs`: one string argument as is, otherwise `fmt.Sprint` of the
/// printable values (no value prints as `<no value>`).
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| match a {
            Value::Nil => Value::string("<no value>"),
            other => other.clone(),
        })
        .collect();
    crate::gofmt::sprint(&printable)
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if (c as u32) < 0x80 => out.push(c),
            c if crate::gofmt::is_print(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[allow(clippy::cast_possible_wrap)]
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x: i64 = match index {
        Value::Int(i, _) => *i,
        Value::Uint(u, _) => *u as i64,
        Value::Nil => return Err("cannot index slice/array with nil".to_owned()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ))
        }
    };
    match usize::try_from(x) {
        Ok(u) if u <= cap => Ok(u),
        _ => Err(format!("index out of range: {x}")),
    }
}

/// Go's `index` builtin.
pub(crate) fn index(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    let mut item = nil_iface_to_nil(item);
    if item.is_nil() {
        return Err("index of untyped nil".to_owned());
    }
    for ix in indexes {
        let ix = nil_iface_to_nil(ix);
        if let Value::TypedNil(_) = item {
            if item.kind() == Kind::Map {
                item = Value::Nil;
                continue;
            }
            return Err("index of nil pointer".to_owned());
        }
        item = match &item {
            Value::List(l) => {
                let x = index_arg(&ix, l.items.len())?;
                match l.items.get(x) {
                    Some(Value::Nil) if &*l.elem == crate::value::ANY => nil_iface(),
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".to_owned()),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(&ix, b.len())?;
                match b.get(x) {
                    Some(v) => Value::Uint(u64::from(*v), crate::UintType::Uint8),
                    None => return Err("reflect: slice index out of range".to_owned()),
                }
            }
            Value::String(s) => {
                let x = index_arg(&ix, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Value::Uint(u64::from(*v), crate::UintType::Uint8),
                    None => return Err("reflect: string index out of range".to_owned()),
                }
            }
            Value::Map(m) => {
                let key = match &ix {
                    Value::String(s) => s.to_string(),
                    Value::Nil => return Err("value is nil; should be of type string".to_owned()),
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ));
                    }
                };
                match m.entries.get(&key) {
                    Some(Value::Nil) | None if &*m.elem == crate::value::ANY => nil_iface(),
                    Some(v) => v.clone(),
                    None => crate::value::zero_of(&m.elem),
                }
            }
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

/// Go's `slice` builtin.
fn slice(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    let item = nil_iface_to_nil(item);
    if item.is_nil() {
        return Err("slice of untyped nil".to_owned());
    }
    if let Value::TypedNil(_) = item {
        return Err("slice of nil pointer".to_owned());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let (len, cap) = match &item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_owned());
            }
            (s.len(), s.len())
        }
        Value::List(l) => (l.items.len(), l.items.len()),
        Value::Bytes(b) => (b.len(), b.len()),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0usize, len, 0];
    for (i, ix) in indexes.iter().enumerate() {
        let x = index_arg(&nil_iface_to_nil(ix), cap)?;
        if let Some(slot) = idx.get_mut(i) {
            *slot = x;
        }
    }
    let [lo, hi, max] = idx;
    if lo > hi {
        return Err(format!("invalid slice index: {lo} > {hi}"));
    }
    if indexes.len() == 3 && hi > max {
        return Err(format!("invalid slice index: {hi} > {max}"));
    }
    Ok(match &item {
        Value::String(s) => match s.as_bytes().get(lo..hi) {
            Some(b) => Value::string(String::from_utf8_lossy(b).as_ref()),
            None => return Err("reflect: string slice index out of range".to_owned()),
        },
        Value::List(l) => Value::typed_list(&l.elem, l.items.get(lo..hi).unwrap_or(&[]).to_vec()),
        Value::Bytes(b) => Value::Bytes(b.get(lo..hi).unwrap_or(&[]).into()),
        _ => Value::Nil,
    })
}

fn length(item: &Value) -> Result<i64, String> {
    let n = match item {
        Value::String(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.items.len(),
        Value::Map(m) => m.entries.len(),
        Value::TypedNil(_) => match item.kind() {
            Kind::Map | Kind::Slice => 0,
            _ => return Err("len of nil pointer".to_owned()),
        },
        // Go calls Type() on the invalid reflect.Value and recovers the panic.
        Value::Nil => return Err("reflect: call of reflect.Value.Type on zero Value".to_owned()),
        other => return Err(format!("len of type {}", other.type_name())),
    };
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BasicKind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> BasicKind {
    match v {
        Value::Bool(_) => BasicKind::Bool,
        Value::Int(..) => BasicKind::Int,
        Value::Uint(..) => BasicKind::Uint,
        Value::Float(..) => BasicKind::Float,
        Value::Complex(..) => BasicKind::Complex,
        Value::String(_) => BasicKind::String,
        _ => BasicKind::Invalid,
    }
}

fn go_is_nil(v: &Value) -> bool {
    matches!(v, Value::Nil | Value::TypedNil(_))
}

#[allow(clippy::float_cmp, clippy::cast_sign_loss)]
fn eq(a1: &Value, rest: &[Value]) -> Result<bool, String> {
    if rest.is_empty() {
        return Err("missing argument for comparison".to_owned());
    }
    let k1 = basic_kind(a1);
    for a in rest {
        let a = nil_iface_to_nil(a);
        let k2 = basic_kind(&a);
        let truth = if k1 == k2 {
            match (a1, &a) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Complex(a, b), Value::Complex(c, d)) => a == c && b == d,
                (Value::Float(x, _), Value::Float(y, _)) => x == y,
                (Value::Int(x, _), Value::Int(y, _)) => x == y,
                (Value::String(x), Value::String(y)) => x == y,
                (Value::Uint(x, _), Value::Uint(y, _)) => x == y,
                _ => {
                    // Non-basic kinds.
                    let (c1, c2) = (a1.kind(), a.kind());
                    if c1 != c2 && c1 != Kind::Invalid && c2 != Kind::Invalid {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            pct_s(a1),
                            a1.type_name(),
                            a.type_name(),
                            a.to_go_string()
                        ));
                    }
                    if go_is_nil(a1) || go_is_nil(&a) {
                        go_is_nil(a1) == go_is_nil(&a)
                    } else {
                        match (a1, &a) {
                            (Value::Object(x), Value::Object(y)) => match x.equals(y.as_ref()) {
                                Some(t) => t,
                                None => {
                                    return Err(format!(
                                        "non-comparable type {}: {}",
                                        pct_s(&a),
                                        a.type_name()
                                    ))
                                }
                            },
                            _ => {
                                return Err(format!(
                                    "non-comparable type {}: {}",
                                    pct_s(&a),
                                    a.type_name()
                                ));
                            }
                        }
                    }
                }
            }
        } else {
            match (a1, &a) {
                (Value::Int(i, _), Value::Uint(u, _)) => *i >= 0 && *i as u64 == *u,
                (Value::Uint(u, _), Value::Int(i, _)) => *i >= 0 && *u == *i as u64,
                _ => {
                    if !a1.is_nil() && !a.is_nil() {
                        return Err(format!(
                            "incompatible types for comparison: {} and {}",
                            a1.type_name(),
                            a.type_name()
                        ));
                    }
                    false
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

#[allow(clippy::cast_sign_loss)]
fn lt(a1: &Value, a2: &Value) -> Result<bool, String> {
    let k1 = basic_kind(a1);
    if k1 == BasicKind::Invalid {
        return Err("invalid type for comparison".to_owned());
    }
    let k2 = basic_kind(a2);
    if k2 == BasicKind::Invalid {
        return Err("invalid type for comparison".to_owned());
    }
    if k1 != k2 {
        return match (a1, a2) {
            (Value::Int(i, _), Value::Uint(u, _)) => Ok(*i < 0 || (*i as u64) < *u),
            (Value::Uint(u, _), Value::Int(i, _)) => Ok(*i >= 0 && *u < *i as u64),
            _ => Err(format!(
                "incompatible types for comparison: {} and {}",
                a1.type_name(),
                a2.type_name()
            )),
        };
    }
    Ok(match (a1, a2) {
        (Value::Float(x, _), Value::Float(y, _)) => x < y,
        (Value::Int(x, _), Value::Int(y, _)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        (Value::Uint(x, _), Value::Uint(y, _)) => x < y,
        _ => return Err("invalid type for comparison".to_owned()),
    })
}

fn le(a1: &Value, a2: &Value) -> Result<bool, String> {
    if lt(a1, a2)? {
        return Ok(true);
    }
    eq(a1, std::slice::from_ref(a2))
}
