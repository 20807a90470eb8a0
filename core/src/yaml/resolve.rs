//! Scalar resolution as go-yaml v2 does it for an `interface{}` target (YAML 1.1
//! booleans and nulls, Go's number syntax). See the module docs for the rules.

use super::node::Value;

/// The handle `saphyr-parser` gives `!!` tags.
pub(super) const CORE_HANDLE: &str = "tag:yaml.org,2002:";

/// Resolve a plain scalar with no tag.
pub(super) fn resolve_plain(text: &str) -> Value {
    if let Some(v) = resolve_word(text) {
        return v;
    }
    let Some(first) = text.bytes().next() else {
        return Value::Null;
    };
    match first {
        b'.' => {
            if let Some(f) = go_parse_float(text) {
                return Value::Float(f);
            }
        }
        b'0'..=b'9' | b'+' | b'-' => {
            let plain = text.replace('_', "");
            if let Some(i) = go_parse_int(&plain) {
                return Value::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                // Fits u64 but not i64: go-yaml gives uint64; kept as a float here.
                #[allow(clippy::cast_precision_loss)]
                return Value::Float(u as f64);
            }
            if let Some(f) = go_parse_float(&plain) {
                return Value::Float(f);
            }
        }
        _ => {}
    }
    Value::String(text.to_string())
}

/// The YAML 1.1 words go-yaml v2 knows (booleans, nulls, infinities, NaN).
fn resolve_word(text: &str) -> Option<Value> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Resolve a scalar with an explicit core tag (`!!int` …): `suffix` is the tag's suffix.
/// Returns the value, or the go-yaml error message.
pub(super) fn resolve_tagged(text: &str, suffix: &str) -> Result<Value, String> {
    let want = match suffix {
        "str" | "binary" | "timestamp" => return Ok(Value::String(text.to_string())),
        "int" | "float" | "bool" | "null" => suffix,
        // Other core tags on a scalar (`!!map`, `!!seq`, `!!merge` …): the text.
        _ => return Ok(Value::String(text.to_string())),
    };
    let value = resolve_plain(text);
    let got = match &value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        _ => "str",
    };
    if got == want {
        return Ok(value);
    }
    if let (Value::Int(i), "float") = (&value, want) {
        #[allow(clippy::cast_precision_loss)]
        return Ok(Value::Float(*i as f64));
    }
    Err(format!("cannot decode !!{got} `{text}` as a !!{want}"))
}

/// Go's `strconv.ParseUint(s, 0, 64)` digits after the base prefix.
fn parse_digits(s: &str, base: u32) -> Option<u64> {
    let mut n: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseUint(s, 0, 64)` (no sign allowed; no underscores: they were removed).
fn go_parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if let Some(rest) = s.strip_prefix('0') {
        let lower = rest.get(..1).map(str::to_ascii_lowercase);
        match lower.as_deref() {
            Some("b") if s.len() >= 3 => (2, rest.get(1..)?),
            Some("o") if s.len() >= 3 => (8, rest.get(1..)?),
            Some("x") if s.len() >= 3 => (16, rest.get(1..)?),
            _ => (8, rest),
        }
    } else {
        (10, s)
    };
    parse_digits(digits, base)
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let u = go_parse_uint(rest)?;
    if negative {
        if u == 1u64 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(u).ok().map(|v| -v)
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)`, failing on out-of-range values as Go does.
fn go_parse_float(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, s.get(1..)?),
        Some(b'+') => (1.0, s.get(1..)?),
        _ => (1.0, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(sign * f64::INFINITY);
    }
    if lower == "nan" {
        // Go accepts NaN only without a sign.
        return (body.len() == s.len()).then_some(f64::NAN);
    }
    let value = if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        if !is_decimal_float(body) {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if value.is_infinite() {
        return None;
    }
    Some(sign * value)
}

/// `digits [. digits] [e [+-] digits]` with at least one mantissa digit.
fn is_decimal_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mantissa = 0;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
        mantissa += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            mantissa += 1;
        }
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// Hex float after `0x`: `h[.h]p[+-]d` (Go requires the `p` exponent).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exp) = s.split_once('p')?;
    let exp: i32 = {
        let (neg, digits) = match exp.as_bytes().first() {
            Some(b'-') => (true, exp.get(1..)?),
            Some(b'+') => (false, exp.get(1..)?),
            _ => (false, exp),
        };
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: i32 = digits.parse().unwrap_or(i32::MAX / 2).min(100_000);
        if neg {
            -v
        } else {
            v
        }
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0.0_f64;
    for c in int_part.chars() {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    Some(value * 2f64.powi(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Value {
        resolve_plain(s)
    }

    #[test]
    fn booleans_and_nulls_are_yaml_1_1() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        ] {
            assert_eq!(r(t), Value::Bool(true), "{t}");
        }
        for f in [
            "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        ] {
            assert_eq!(r(f), Value::Bool(false), "{f}");
        }
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(r(n), Value::Null, "{n}");
        }
        for s in ["yES", "tRUE", "nULL", "Off!", "<<", "yes please"] {
            assert_eq!(r(s), Value::String(s.into()), "{s}");
        }
    }

    #[test]
    fn integers_follow_go_parse_int() {
        let cases: [(&str, i64); 14] = [
            ("0", 0),
            ("42", 42),
            ("-17", -17),
            ("+5", 5),
            ("1_000", 1000),
            ("0x1F", 31),
            ("0X1f", 31),
            ("-0x10", -16),
            ("0o17", 15),
            ("0777", 511),
            ("0b101", 5),
            ("-0b11", -3),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ];
        for (s, want) in cases {
            assert_eq!(r(s), Value::Int(want), "{s}");
        }
    }

    #[test]
    fn floats_follow_go_parse_float() {
        let cases: [(&str, f64); 12] = [
            ("1.5", 1.5),
            ("-2.0", -2.0),
            (".5", 0.5),
            ("1e3", 1000.0),
            ("1E-2", 0.01),
            ("08", 8.0),
            ("1_000.5", 1000.5),
            ("0x1p-2", 0.25),
            ("-inf", f64::NEG_INFINITY),
            ("+Infinity", f64::INFINITY),
            (".Inf", f64::INFINITY),
            ("9223372036854775808", 9_223_372_036_854_775_808.0),
        ];
        for (s, want) in cases {
            assert_eq!(r(s), Value::Float(want), "{s}");
        }
        assert!(matches!(r(".nan"), Value::Float(f) if f.is_nan()));
    }

    #[test]
    fn everything_else_is_a_string() {
        for s in [
            "1e400",
            "0x",
            "1.2.3",
            "2001-12-14",
            "1:20",
            "inf",
            "nan",
            "+nan",
            "_1",
            "1e",
            "0x1.8",
            "12abc",
            "-",
            "+",
            ".",
            "._5",
            "v1.2",
        ] {
            assert_eq!(r(s), Value::String(s.into()), "{s}");
        }
    }

    #[test]
    fn tags_resolve_and_check() {
        assert_eq!(resolve_tagged("12", "str"), Ok(Value::String("12".into())));
        assert_eq!(resolve_tagged("12", "int"), Ok(Value::Int(12)));
        assert_eq!(resolve_tagged("12", "float"), Ok(Value::Float(12.0)));
        assert_eq!(resolve_tagged("yes", "bool"), Ok(Value::Bool(true)));
        assert_eq!(resolve_tagged("", "null"), Ok(Value::Null));
        assert_eq!(
            resolve_tagged("abc", "int"),
            Err("cannot decode !!str `abc` as a !!int".into())
        );
        assert_eq!(
            resolve_tagged("1.5", "int"),
            Err("cannot decode !!float `1.5` as a !!int".into())
        );
    }
}
