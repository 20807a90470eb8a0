//! regorus extensions: OPA's `sprintf` as Go's `fmt.Sprintf` prints it, the
//! deprecated v0 builtins Gatekeeper templates may still call, and explicit
//! errors for the builtins an offline scan cannot run.

// Extensions receive their arguments by value (regorus' `Extension` signature).
#![allow(clippy::needless_pass_by_value)]
//!
//! - `sprintf(format, args)`: OPA converts each argument (integers to `int64` or
//!   `big.Int`, other numbers to `float64`, strings to Go strings, anything else to
//!   its Rego text) and calls Go's `fmt.Sprintf`. regorus fails on a missing
//!   argument and prints mistyped ones as empty strings; we print what Go prints:
//!   `%!v(MISSING)`, `%!d(string=x)`, `%!(EXTRA int64=2)`.
//! - `re_match` (= `regex.match`), `any`, `all`, `set_diff`, `cast_array`,
//!   `cast_set`, `cast_string`, `cast_boolean`, `cast_null`, `cast_object`,
//!   `net.cidr_overlap` (= `net.cidr_contains`): OPA's deprecated builtins, still
//!   available to v0 policies.
//! - `external_data`: an error explaining it needs a Gatekeeper provider.
//! - `http.send`: an error; network access stays disabled.
//! - `numbers.range`, `numbers.range_step`: as OPA's, with at most
//!   [`MAX_RANGE`] numbers (an error past it).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{bail, Result};
use regorus::{Engine, Value};

/// The names [`register`] may register.
pub const EXTENSIONS: &[&str] = &[
    "sprintf",
    "external_data",
    "http.send",
    "re_match",
    "any",
    "all",
    "set_diff",
    "cast_array",
    "cast_set",
    "cast_string",
    "cast_boolean",
    "cast_null",
    "cast_object",
    "net.cidr_overlap",
    "numbers.range",
    "numbers.range_step",
];

/// Most numbers `numbers.range` and `numbers.range_step` give (regorus allocates
/// the whole range up front: `numbers.range(1, 1e9)` would take gigabytes).
pub const MAX_RANGE: u64 = 1_000_000;

/// Register every extension on `engine` (v0 builtins only when `v0`).
pub fn register(engine: &mut Engine, v0: bool) -> Result<()> {
    engine.add_extension("sprintf".into(), 2, Box::new(sprintf_ext))?;
    engine.add_extension(
        "external_data".into(),
        1,
        Box::new(|_args: Vec<Value>| {
            bail!("external_data needs a Gatekeeper external data provider, which an offline scan does not have")
        }),
    )?;
    engine.add_extension(
        "http.send".into(),
        1,
        Box::new(|_args: Vec<Value>| {
            bail!("http.send is disabled: policies cannot reach the network")
        }),
    )?;
    engine.add_extension(
        "numbers.range".into(),
        2,
        Box::new(|a: Vec<Value>| range(&a, None)),
    )?;
    engine.add_extension(
        "numbers.range_step".into(),
        3,
        Box::new(|a: Vec<Value>| range(&a, Some(2))),
    )?;
    if v0 {
        engine.add_extension("re_match".into(), 2, Box::new(re_match))?;
        engine.add_extension("any".into(), 1, Box::new(|a: Vec<Value>| any_all(&a, true)))?;
        engine.add_extension(
            "all".into(),
            1,
            Box::new(|a: Vec<Value>| any_all(&a, false)),
        )?;
        engine.add_extension("set_diff".into(), 2, Box::new(set_diff))?;
        engine.add_extension("cast_array".into(), 1, Box::new(cast_array))?;
        engine.add_extension("cast_set".into(), 1, Box::new(cast_set))?;
        engine.add_extension(
            "cast_string".into(),
            1,
            Box::new(|a: Vec<Value>| cast_same(&a, "string", |v| matches!(v, Value::String(_)))),
        )?;
        engine.add_extension(
            "cast_boolean".into(),
            1,
            Box::new(|a: Vec<Value>| cast_same(&a, "boolean", |v| matches!(v, Value::Bool(_)))),
        )?;
        engine.add_extension(
            "cast_null".into(),
            1,
            Box::new(|a: Vec<Value>| cast_same(&a, "null", |v| matches!(v, Value::Null))),
        )?;
        engine.add_extension(
            "cast_object".into(),
            1,
            Box::new(|a: Vec<Value>| cast_same(&a, "object", |v| matches!(v, Value::Object(_)))),
        )?;
        engine.add_extension("net.cidr_overlap".into(), 2, Box::new(cidr_overlap))?;
    }
    Ok(())
}

/// `numbers.range(a, b)` and `numbers.range_step(a, b, step)` as OPA gives
/// them, with at most [`MAX_RANGE`] numbers.
fn range(args: &[Value], step_at: Option<usize>) -> Result<Value> {
    let name = if step_at.is_some() {
        "numbers.range_step"
    } else {
        "numbers.range"
    };
    let int = |i: usize| -> Result<i64> {
        match arg(args, i)? {
            Value::Number(n) if n.is_integer() => match n.as_i64() {
                Some(v) => Ok(v),
                None => bail!("{name}: operand {} is out of range", i + 1),
            },
            Value::Number(_) => bail!("{name}: operand {} must be integer", i + 1),
            other => bail!(
                "{name}: operand {} must be number but got {}",
                i + 1,
                type_name(other)
            ),
        }
    };
    let (from, to) = (int(0)?, int(1)?);
    let ascending = from <= to;
    let step = match step_at {
        Some(i) => {
            let s = int(i)?;
            if s <= 0 {
                bail!("{name}: step must be a positive number above zero");
            }
            s.unsigned_abs()
        }
        None => 1,
    };
    let span = from.abs_diff(to);
    let count = span / step + 1;
    if count > MAX_RANGE {
        bail!("{name}: a range of {count} numbers is over Stockade's limit of {MAX_RANGE}");
    }
    let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut v = i128::from(from);
    let (to, step) = (i128::from(to), i128::from(step));
    if ascending {
        while v <= to {
            out.push(Value::from(i64::try_from(v).unwrap_or(0)));
            v += step;
        }
    } else {
        while v >= to {
            out.push(Value::from(i64::try_from(v).unwrap_or(0)));
            v -= step;
        }
    }
    Ok(Value::from(out))
}

fn arg(args: &[Value], i: usize) -> Result<&Value> {
    match args.get(i) {
        Some(v) => Ok(v),
        None => bail!("missing argument {}", i + 1),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Set(_) => "set",
        Value::Object(_) => "object",
        Value::Undefined => "undefined",
    }
}

fn re_match(args: Vec<Value>) -> Result<Value> {
    let (Value::String(pattern), Value::String(value)) = (arg(&args, 0)?, arg(&args, 1)?) else {
        bail!("re_match: operands must be strings");
    };
    let re = regex::Regex::new(pattern)
        .map_err(|e| anyhow::anyhow!("re_match: invalid regular expression: {e}"))?;
    Ok(Value::Bool(re.is_match(value)))
}

fn elements(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Array(a) => Some(a.iter().cloned().collect()),
        Value::Set(s) => Some(s.iter().cloned().collect()),
        _ => None,
    }
}

fn any_all(args: &[Value], any: bool) -> Result<Value> {
    let Some(items) = elements(arg(args, 0)?) else {
        bail!(
            "{}: operand 1 must be one of {{array, set}} but got {}",
            if any { "any" } else { "all" },
            type_name(arg(args, 0)?)
        );
    };
    let t = Value::Bool(true);
    Ok(Value::Bool(if any {
        items.contains(&t)
    } else {
        items.iter().all(|v| v == &t)
    }))
}

fn set_diff(args: Vec<Value>) -> Result<Value> {
    let (Value::Set(a), Value::Set(b)) = (arg(&args, 0)?, arg(&args, 1)?) else {
        bail!("set_diff: operands must be sets");
    };
    let out: BTreeSet<Value> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
    Ok(Value::from(out))
}

fn cast_array(args: Vec<Value>) -> Result<Value> {
    let v = arg(&args, 0)?;
    match elements(v) {
        Some(items) => Ok(Value::from(items)),
        None => bail!(
            "cast_array: operand 1 must be one of {{array, set}} but got {}",
            type_name(v)
        ),
    }
}

fn cast_set(args: Vec<Value>) -> Result<Value> {
    let v = arg(&args, 0)?;
    match elements(v) {
        Some(items) => Ok(Value::from(items.into_iter().collect::<BTreeSet<Value>>())),
        None => bail!(
            "cast_set: operand 1 must be one of {{array, set}} but got {}",
            type_name(v)
        ),
    }
}

fn cast_same(args: &[Value], want: &str, ok: fn(&Value) -> bool) -> Result<Value> {
    let v = arg(args, 0)?;
    if ok(v) {
        Ok(v.clone())
    } else {
        bail!(
            "cast_{want}: operand 1 must be {want} but got {}",
            type_name(v)
        )
    }
}

fn parse_net(s: &str) -> Option<(std::net::IpAddr, u8)> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let ip: std::net::IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    (len <= max).then_some((ip, len))
}

fn ip_bits(ip: std::net::IpAddr) -> (u128, u8) {
    match ip {
        std::net::IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        std::net::IpAddr::V6(v) => (u128::from(v), 128),
    }
}

/// `net.cidr_overlap(cidr, ip)`: whether `cidr` contains the address or network.
fn cidr_overlap(args: Vec<Value>) -> Result<Value> {
    let (Value::String(cidr), Value::String(other)) = (arg(&args, 0)?, arg(&args, 1)?) else {
        bail!("net.cidr_overlap: operands must be strings");
    };
    let Some((net, len)) = parse_net(cidr).filter(|_| cidr.contains('/')) else {
        bail!("net.cidr_overlap: invalid CIDR {cidr}");
    };
    let Some((ip, ip_len)) = parse_net(other) else {
        bail!("net.cidr_overlap: invalid address {other}");
    };
    let (n, width) = ip_bits(net);
    let (a, width2) = ip_bits(ip);
    if width != width2 {
        return Ok(Value::Bool(false));
    }
    let mask = |l: u8| -> u128 {
        if l == 0 {
            0
        } else {
            (!0u128 << (u32::from(width) - u32::from(l))) & (!0u128 >> (128 - u32::from(width)))
        }
    };
    Ok(Value::Bool(
        ip_len >= len && (n & mask(len)) == (a & mask(len)),
    ))
}

// ---------------------------------------------------------------------------
// sprintf

/// An argument as OPA hands it to Go's fmt.
#[derive(Debug, Clone)]
enum GoArg {
    Int(i128),
    Float(f64),
    Str(String),
}

impl GoArg {
    fn go_type(&self) -> &'static str {
        match self {
            GoArg::Int(i) if i64::try_from(*i).is_ok() => "int64",
            GoArg::Int(_) => "*big.Int",
            GoArg::Float(_) => "float64",
            GoArg::Str(_) => "string",
        }
    }

    fn plain(&self) -> String {
        match self {
            GoArg::Int(i) => i.to_string(),
            GoArg::Float(f) => go_float_v(*f),
            GoArg::Str(s) => s.clone(),
        }
    }
}

fn to_go_arg(v: &Value) -> GoArg {
    match v {
        Value::Number(n) => {
            if n.is_integer() {
                if let Some(i) = n.as_i128() {
                    return GoArg::Int(i);
                }
            }
            match n.as_f64() {
                Some(f) => GoArg::Float(f),
                None => GoArg::Str(rego_text(v)),
            }
        }
        Value::String(s) => GoArg::Str(s.to_string()),
        other => GoArg::Str(rego_text(other)),
    }
}

/// A value as OPA's `ast.Value.String()` prints it.
pub fn rego_text(v: &Value) -> String {
    let mut out = String::new();
    write_rego(v, &mut out);
    out
}

fn write_rego(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(_) => match to_go_arg(v) {
            GoArg::Int(i) => {
                let _ = write!(out, "{i}");
            }
            GoArg::Float(f) => out.push_str(&go_float_v(f)),
            GoArg::Str(s) => out.push_str(&s),
        },
        Value::String(s) => out.push_str(&serde_json::to_string(&**s).unwrap_or_default()),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_rego(x, out);
            }
            out.push(']');
        }
        Value::Set(s) => {
            if s.is_empty() {
                out.push_str("set()");
                return;
            }
            out.push('{');
            for (i, x) in s.iter_sorted().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_rego(x, out);
            }
            out.push('}');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter_sorted().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_rego(k, out);
                out.push_str(": ");
                write_rego(x, out);
            }
            out.push('}');
        }
        Value::Undefined => out.push_str("undefined"),
    }
}

fn sprintf_ext(args: Vec<Value>) -> Result<Value> {
    let Value::String(format) = arg(&args, 0)? else {
        bail!(
            "sprintf: operand 1 must be string but got {}",
            type_name(arg(&args, 0)?)
        );
    };
    let Value::Array(values) = arg(&args, 1)? else {
        bail!(
            "sprintf: operand 2 must be array but got {}",
            type_name(arg(&args, 1)?)
        );
    };
    let go_args: Vec<GoArg> = values.iter().map(to_go_arg).collect();
    Ok(Value::from(go_sprintf(format, &go_args)))
}

#[derive(Default, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)] // Go's fmt flags
struct Flags {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
}

/// Go's `fmt.Sprintf` for the verbs OPA policies use.
fn go_sprintf(format: &str, args: &[GoArg]) -> String {
    let mut out = String::new();
    let mut next = 0usize;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = Flags::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => flags.minus = true,
                '+' => flags.plus = true,
                '#' => flags.sharp = true,
                '0' => flags.zero = true,
                ' ' => flags.space = true,
                _ => break,
            }
            chars.next();
        }
        let mut width = None;
        if chars.peek() == Some(&'*') {
            chars.next();
            if let Some(GoArg::Int(w)) = args.get(next) {
                width = usize::try_from(*w).ok();
            }
            next += 1;
        } else {
            let mut w = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                w.push(d);
                chars.next();
            }
            width = w.parse().ok();
        }
        let mut precision = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(a) = args.get(next) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        next += 1;
        let Some(body) = format_one(verb, a, flags, precision) else {
            let _ = write!(out, "%!{verb}({}={})", a.go_type(), a.plain());
            continue;
        };
        out.push_str(&pad(body, width, flags, verb, a));
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, a) in args.iter().enumerate().skip(next) {
            if i > next {
                out.push_str(", ");
            }
            let _ = write!(out, "{}={}", a.go_type(), a.plain());
        }
        out.push(')');
    }
    out
}

fn pad(body: String, width: Option<usize>, flags: Flags, verb: char, a: &GoArg) -> String {
    let Some(width) = width else { return body };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if flags.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if flags.zero && !matches!(a, GoArg::Str(_)) && verb != 'v'
        || flags.zero && matches!(verb, 'd' | 'f' | 'e' | 'g' | 'x' | 'X' | 'b' | 'o')
    {
        let (sign, digits) = match body.strip_prefix('-') {
            Some(d) => ("-", d.to_string()),
            None => match body.strip_prefix('+') {
                Some(d) => ("+", d.to_string()),
                None => ("", body.clone()),
            },
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn sign(flags: Flags, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if flags.plus {
        "+"
    } else if flags.space {
        " "
    } else {
        ""
    }
}

fn format_one(verb: char, a: &GoArg, flags: Flags, precision: Option<usize>) -> Option<String> {
    match (verb, a) {
        ('v' | 'd', GoArg::Int(i)) => Some(format!("{}{}", sign(flags, *i < 0), i.unsigned_abs())),
        ('v', GoArg::Float(f)) => Some(match precision {
            Some(p) => format!(
                "{}{}",
                sign(flags, *f < 0.0),
                go_float_g(f.abs(), Some(p), false)
            ),
            None => format!("{}{}", sign(flags, *f < 0.0), go_float_v(f.abs())),
        }),
        ('v' | 's', GoArg::Str(s)) => Some(match precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.clone(),
        }),
        ('q', GoArg::Str(s)) => Some(serde_json::to_string(s).unwrap_or_default()),
        ('x' | 'X', GoArg::Str(s)) => {
            let mut hex = String::new();
            for b in s.bytes() {
                let _ = write!(hex, "{b:02x}");
            }
            Some(if verb == 'X' { hex.to_uppercase() } else { hex })
        }
        ('x', GoArg::Int(i)) => Some(format!(
            "{}{}{:x}",
            sign(flags, *i < 0),
            if flags.sharp { "0x" } else { "" },
            i.unsigned_abs()
        )),
        ('X', GoArg::Int(i)) => Some(format!(
            "{}{}{:X}",
            sign(flags, *i < 0),
            if flags.sharp { "0X" } else { "" },
            i.unsigned_abs()
        )),
        ('o', GoArg::Int(i)) => Some(format!(
            "{}{}{:o}",
            sign(flags, *i < 0),
            if flags.sharp { "0" } else { "" },
            i.unsigned_abs()
        )),
        ('b', GoArg::Int(i)) => Some(format!("{}{:b}", sign(flags, *i < 0), i.unsigned_abs())),
        ('c', GoArg::Int(i)) => u32::try_from(*i)
            .ok()
            .and_then(char::from_u32)
            .map(String::from),
        ('q', GoArg::Int(i)) => u32::try_from(*i)
            .ok()
            .and_then(char::from_u32)
            .map(|c| format!("'{c}'")),
        ('f' | 'F', GoArg::Float(f)) => Some(format!(
            "{}{:.*}",
            sign(flags, *f < 0.0),
            precision.unwrap_or(6),
            f.abs()
        )),
        ('e', GoArg::Float(f)) => Some(format!(
            "{}{}",
            sign(flags, *f < 0.0),
            go_exp(f.abs(), precision.unwrap_or(6), false)
        )),
        ('E', GoArg::Float(f)) => Some(format!(
            "{}{}",
            sign(flags, *f < 0.0),
            go_exp(f.abs(), precision.unwrap_or(6), true)
        )),
        ('g', GoArg::Float(f)) => Some(format!(
            "{}{}",
            sign(flags, *f < 0.0),
            go_float_g(f.abs(), precision, false)
        )),
        ('G', GoArg::Float(f)) => Some(format!(
            "{}{}",
            sign(flags, *f < 0.0),
            go_float_g(f.abs(), precision, true)
        )),
        _ => None,
    }
}

/// Go's `%e` with a precision: `1.500000e+00`.
fn go_exp(f: f64, precision: usize, upper: bool) -> String {
    let s = format!("{f:.precision$e}");
    let (m, e) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let sign = if e < 0 { '-' } else { '+' };
    let out = format!("{m}e{sign}{:02}", e.unsigned_abs());
    if upper {
        out.to_uppercase()
    } else {
        out
    }
}

/// Go's `%v` of a float64: shortest representation, exponent when the exponent
/// is below -4 or at least 21.
fn go_float_v(f: f64) -> String {
    go_shortest(f, 21)
}

fn go_shortest(f: f64, eprec: i32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let s = if negative { "-" } else { "" };
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let m = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        let es = if exp < 0 { '-' } else { '+' };
        return format!("{s}{m}e{es}{:02}", exp.unsigned_abs());
    }
    let nd = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if exp >= 0 {
        let int_len = exp + 1;
        if nd <= int_len {
            format!(
                "{s}{digits}{}",
                "0".repeat(usize::try_from(int_len - nd).unwrap_or(0))
            )
        } else {
            let (a, b) = digits.split_at(usize::try_from(int_len).unwrap_or(0).min(digits.len()));
            format!("{s}{a}.{b}")
        }
    } else {
        format!(
            "{s}0.{}{digits}",
            "0".repeat(usize::try_from(-exp - 1).unwrap_or(0))
        )
    }
}

fn go_float_g(f: f64, precision: Option<usize>, upper: bool) -> String {
    let out = match precision {
        None => go_shortest(f, 21),
        Some(p) => {
            let p = p.max(1);
            let rounded: f64 = format!("{f:.*e}", p - 1).parse().unwrap_or(f);
            go_shortest(rounded, i32::try_from(p).unwrap_or(i32::MAX))
        }
    };
    if upper {
        out.to_uppercase()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> GoArg {
        GoArg::Str(v.into())
    }

    #[test]
    fn go_sprintf_matches_go() {
        assert_eq!(
            go_sprintf("%v and %v", &[GoArg::Int(1)]),
            "1 and %!v(MISSING)"
        );
        assert_eq!(go_sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(go_sprintf("%s", &[GoArg::Int(1)]), "%!s(int64=1)");
        assert_eq!(
            go_sprintf("%v", &[GoArg::Int(1), GoArg::Int(2)]),
            "1%!(EXTRA int64=2)"
        );
        assert_eq!(
            go_sprintf(
                "%v|%.2f|%x|%5d|%-3s|",
                &[
                    GoArg::Float(1.5),
                    GoArg::Float(2.0),
                    GoArg::Int(255),
                    GoArg::Int(42),
                    s("a")
                ]
            ),
            "1.5|2.00|ff|   42|a  |"
        );
        assert_eq!(go_sprintf("100%%", &[]), "100%");
        assert_eq!(go_sprintf("%v", &[GoArg::Float(1e21)]), "1e+21");
        assert_eq!(go_sprintf("%q", &[s("a\"b")]), "\"a\\\"b\"");
    }

    #[test]
    fn rego_text_prints_as_opa() {
        let v = Value::from_json_str(r#"{"b": [1, "x", true, null], "a": 1.5}"#).unwrap();
        assert_eq!(rego_text(&v), r#"{"a": 1.5, "b": [1, "x", true, null]}"#);
        assert_eq!(rego_text(&Value::new_set()), "set()");
    }

    #[test]
    fn cidr_overlap_contains() {
        let t = |a: &str, b: &str| cidr_overlap(vec![Value::from(a), Value::from(b)]).unwrap();
        assert_eq!(t("10.0.0.0/8", "10.1.2.3"), Value::Bool(true));
        assert_eq!(t("10.0.0.0/8", "10.1.0.0/16"), Value::Bool(true));
        assert_eq!(t("10.0.0.0/16", "10.0.0.0/8"), Value::Bool(false));
        assert_eq!(t("10.0.0.0/8", "11.0.0.1"), Value::Bool(false));
    }
}
