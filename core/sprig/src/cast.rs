//! Sprig's lenient conversions: `strval` (its `toString`), `strslice`
//! (`toStrings`, `join`, `sortAlpha`) and spf13/cast v1.7.0's `ToInt64`,
//! `ToInt`, `ToFloat64` (errors become 0, as `cast.ToX` discards them).

use stockade_gotemplate::{Kind, Value};

/// Sprig's `strval`: strings as they are, `[]byte` as text, `error`/`fmt.Stringer`
/// through their method, anything else as Go's `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Object(o) => o.go_string().unwrap_or_else(|| v.to_go_string()),
        _ => v.to_go_string(),
    }
}

/// The items of a Go slice or array (`[]byte` gives `uint8` values); `None` for
/// anything else.
pub fn items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::TypedNil(_) if v.kind() == Kind::Slice => Some(Vec::new()),
        Value::List(l) => Some(l.items.clone()),
        Value::Bytes(b) => Some(
            b.iter()
                .map(|&x| Value::Uint(u64::from(x), stockade_gotemplate::UintType::Uint8))
                .collect(),
        ),
        _ => None,
    }
}

/// Sprig's `strslice` (`toStrings`): slices element by element (nils dropped),
/// nil as `[]`, anything else as a one-element list.
pub fn strslice(v: &Value) -> Vec<String> {
    if let Value::List(l) = v {
        if &*l.elem == "string" {
            return l.items.iter().map(strval).collect();
        }
        return l
            .items
            .iter()
            .filter(|x| !is_nil_interface(x))
            .map(strval)
            .collect();
    }
    if let Some(items) = items(v) {
        return items.iter().map(strval).collect();
    }
    if v.is_nil() {
        return Vec::new();
    }
    vec![strval(v)]
}

/// A Go `interface{}` that is `nil` (not a typed nil pointer inside an interface).
pub fn is_nil_interface(v: &Value) -> bool {
    v.is_nil()
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, `0x`/`0o`/`0b`/`0` prefixes,
/// `_` between digits (the template engine's own).
pub use stockade_gotemplate::gofmt::parse_int as parse_int_base0;

/// cast's `trimZeroDecimal`: `"10.00"` → `"10"`, `"10.50"` unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b.get(i - 1) {
            Some(b'.') => {
                if found_zero {
                    return s.get(..i - 1).unwrap_or(s);
                }
            }
            Some(b'0') => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's float-to-int64 conversion as amd64 does it (out of range and NaN give
/// the minimum int64).
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
pub fn f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToInt64E`; `None` where cast returns an error.
#[allow(clippy::cast_possible_wrap)]
pub fn to_int64_e(v: &Value) -> Option<i64> {
    match v {
        Value::Nil | Value::TypedNil(_) => Some(0),
        Value::Int(i, _) => Some(*i),
        Value::Uint(u, _) => Some(*u as i64),
        Value::Float(f, _) => Some(f64_to_i64(*f)),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::String(s) => parse_int_base0(trim_zero_decimal(s)),
        _ => None,
    }
}

/// `cast.ToInt64` (errors give 0).
pub fn to_int64(v: &Value) -> i64 {
    to_int64_e(v).unwrap_or(0)
}

/// `cast.ToFloat64E`; `None` where cast returns an error.
#[allow(clippy::cast_precision_loss)]
pub fn to_float64_e(v: &Value) -> Option<f64> {
    match v {
        Value::Nil | Value::TypedNil(_) => Some(0.0),
        Value::Int(i, _) => Some(*i as f64),
        Value::Uint(u, _) => Some(*u as f64),
        Value::Float(f, _) => Some(*f),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => parse_go_float(s),
        _ => None,
    }
}

/// `cast.ToFloat64` (errors give 0).
pub fn to_float64(v: &Value) -> f64 {
    to_float64_e(v).unwrap_or(0.0)
}

/// Go's `strconv.ParseFloat(s, 64)` (the template engine's own: decimal and
/// hexadecimal forms, `_` between digits, `Inf`/`NaN` spellings).
pub use stockade_gotemplate::gofmt::parse_float as parse_go_float;

/// The `reflect.Kind` name of a value as Sprig's error messages print it.
pub fn kind_name(v: &Value) -> &'static str {
    v.kind().name()
}

/// True for Go slices and arrays.
pub fn is_list(v: &Value) -> bool {
    matches!(v.kind(), Kind::Slice | Kind::Array) && items(v).is_some()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::float_cmp)]
    use super::*;

    #[test]
    fn ints() {
        assert_eq!(parse_int_base0("0x1F"), Some(31));
        assert_eq!(parse_int_base0("0o17"), Some(15));
        assert_eq!(parse_int_base0("017"), Some(15));
        assert_eq!(parse_int_base0("-0b101"), Some(-5));
        assert_eq!(parse_int_base0("1_000"), Some(1000));
        assert_eq!(parse_int_base0("1__000"), None);
        assert_eq!(parse_int_base0("0x_1_000"), Some(4096));
        assert_eq!(parse_int_base0("12a"), None);
        assert_eq!(to_int64(&Value::string("10.00")), 10);
        assert_eq!(to_int64(&Value::string("10.50")), 0);
        assert_eq!(to_int64(&Value::float(3.9)), 3);
        assert_eq!(to_float64(&Value::string("1.5")), 1.5);
        assert_eq!(to_float64(&Value::string("x")), 0.0);
    }
}
