//! Scalar resolution as go-yaml v2 does it for an `interface{}` target (YAML 1.1
//! booleans and nulls, Go's number syntax). See the module docs for the rules.

use super::node::Value;

/// The handle `saphyr-parser` gives `!!` tags.
pub(super) const CORE_HANDLE: &str = "tag:yaml.org,2002:";

/// Resolve a plain scalar with no tag.
pub(super) fn resolve_plain(text: &str) -> Value {
    resolve_plain_owned(std::borrow::Cow::Borrowed(text))
}

/// [`resolve_plain`] of a scalar the reader may have built (a plain scalar
/// over several lines): a string takes the text as it is, without a copy.
pub(super) fn resolve_plain_owned(text: std::borrow::Cow<'_, str>) -> Value {
    match resolve_plain_non_string(&text) {
        Some(v) => v,
        None => Value::String(text.into_owned()),
    }
}

/// The value of a plain scalar that does not read as a string; `None` for one
/// that does.
fn resolve_plain_non_string(text: &str) -> Option<Value> {
    // Most plain scalars are words (keys among them): one that starts with a
    // letter no YAML 1.1 word starts with is a string.
    if let Some(b) = text.bytes().next() {
        if b.is_ascii_alphabetic() && !b"yYnNtTfFoO".contains(&b) {
            return None;
        }
    }
    if let Some(v) = resolve_word(text) {
        return Some(v);
    }
    let Some(first) = text.bytes().next() else {
        return Some(Value::Null);
    };
    match first {
        b'.' => {
            // Go's ParseFloat on the text: only decimal forms can start with `.`.
            if let Some(f) = parse_decimal_float(text) {
                return Some(Value::Float(f));
            }
        }
        b'0'..=b'9' | b'+' | b'-' => {
            let plain = text.replace('_', "");
            if let Some(i) = go_parse_int(&plain) {
                return Some(Value::Int(i));
            }
            if let Some(u) = go_parse_uint(&plain) {
                // Fits u64 but not i64: go-yaml gives uint64; kept as a float here.
                #[allow(clippy::cast_precision_loss)]
                return Some(Value::Float(u as f64));
            }
            // go-yaml v2.4 only tries floats written YAML-style
            // (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`): no hex floats,
            // no `-inf`.
            let unsigned = plain.strip_prefix(['-', '+']).unwrap_or(&plain);
            if let Some(f) = parse_decimal_float(unsigned) {
                return Some(Value::Float(if plain.starts_with('-') { -f } else { f }));
            }
        }
        _ => {}
    }
    None
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
    // `!!str` and core tags go-yaml does not resolve (`!!map`, `!!merge` …) give the text.
    let want = match suffix {
        // An invalid timestamp falls through to the "cannot decode" error.
        "int" | "float" | "bool" | "null" | "timestamp"
            if suffix != "timestamp" || !is_go_timestamp(text) =>
        {
            suffix
        }
        "binary" => {
            return decode_base64(text)
                .map(|bytes| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
                .ok_or_else(|| "!!binary value contains invalid base64 data".to_string());
        }
        // A valid timestamp stays its text when decoded into `interface{}`.
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

/// Go's `base64.StdEncoding.DecodeString` (line breaks ignored, padding required).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b'\n' && *b != b'\r')
        .collect();
    if clean.len() % 4 != 0 {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.chunks(4);
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.enumerate() {
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && i != last) {
            return None;
        }
        let mut n = 0u32;
        for (j, &c) in chunk.iter().enumerate() {
            let v = if j >= 4 - pad { 0 } else { value(c)? };
            n = (n << 6) | v;
        }
        let bytes = n.to_be_bytes();
        out.extend(bytes.get(1..4 - pad).unwrap_or(&[]));
    }
    Some(out)
}

/// Whether go-yaml v2 reads `s` as a timestamp: `YYYY-M-D`, optionally followed by
/// `T`/`t`/space and `H:M:S[.fraction]`, with a zone (`Z`, `±hh:mm`) required after
/// `T`/`t` and not allowed after a space (Go's layouts `2006-1-2T15:4:5.999999999Z07:00`,
/// `2006-1-2 15:4:5.999999999`, `2006-1-2`).
fn is_go_timestamp(s: &str) -> bool {
    fn num(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n < min || n > max {
            return None;
        }
        let (digits, rest) = s.split_at(n);
        Some((digits.parse().ok()?, rest))
    }
    let check = || -> Option<()> {
        let (year, rest) = num(s, 4, 4)?;
        let rest = rest.strip_prefix('-')?;
        let (month, rest) = num(rest, 1, 2)?;
        let rest = rest.strip_prefix('-')?;
        let (day, rest) = num(rest, 1, 2)?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days {
            return None;
        }
        if rest.is_empty() {
            return Some(());
        }
        let mut chars = rest.chars();
        let sep = chars.next()?;
        let rest = chars.as_str();
        let (hour, rest) = num(rest, 1, 2)?;
        let rest = rest.strip_prefix(':')?;
        let (minute, rest) = num(rest, 1, 2)?;
        let rest = rest.strip_prefix(':')?;
        let (second, mut rest) = num(rest, 1, 2)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            rest = frac.get(n..)?;
        }
        match sep {
            ' ' if rest.is_empty() => Some(()),
            'T' | 't' => {
                if rest == "Z" {
                    return Some(());
                }
                let zone = rest.strip_prefix(['+', '-'])?;
                let (zh, zone) = num(zone, 2, 2)?;
                let zone = zone.strip_prefix(':')?;
                let (zm, zone) = num(zone, 2, 2)?;
                (zone.is_empty() && zh < 24 && zm < 60).then_some(())
            }
            _ => None,
        }
    };
    check().is_some()
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

/// A decimal float (`1.5`, `.5`, `1.`, `1e3`), failing where Go's `ParseFloat`
/// fails: bad syntax, or out of range (`1e400`).
fn parse_decimal_float(s: &str) -> Option<f64> {
    if !is_decimal_float(s) {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
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

/// Whether go-yaml v2's encoder may write `text` as a plain scalar: it reads
/// back as a string (not a null, boolean, number or timestamp) and is not a
/// base-60 float (`1:20`). Strings that fail this are double-quoted.
pub(crate) fn plain_reads_as_string(text: &str) -> bool {
    matches!(resolve_plain(text), Value::String(_))
        && !is_go_timestamp(text)
        && !is_base60_float(text)
}

/// go-yaml v2's `isBase60Float`: `[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?`.
fn is_base60_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit() || b == b'_')) {
        return false;
    }
    let mut groups = int_part.split(':');
    let Some(first) = groups.next() else {
        return false;
    };
    if !first.bytes().next().is_some_and(|b| b.is_ascii_digit())
        || !first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return false;
    }
    let mut any = false;
    for g in groups {
        any = true;
        let ok = match g.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    any
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
            ("+.5", 0.5),
            ("1.", 1.0),
            ("1e3", 1000.0),
            ("1E-2", 0.01),
            ("08", 8.0),
            ("1_000.5", 1000.5),
            (".Inf", f64::INFINITY),
            ("9223372036854775808", 9_223_372_036_854_775_808.0),
            ("99999999999999999999", 1e20),
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
        assert_eq!(
            resolve_tagged("aGVsbG8=", "binary"),
            Ok(Value::String("hello".into()))
        );
        assert_eq!(
            resolve_tagged("aGVsbG8", "binary"),
            Err("!!binary value contains invalid base64 data".into())
        );
        assert_eq!(
            resolve_tagged("aGk=\n", "binary"),
            Ok(Value::String("hi".into()))
        );
        for ts in [
            "2001-12-14",
            "2001-12-14t21:59:43.10Z",
            "2002-12-14 21:59:43.10",
            "2024-2-29T1:2:3+05:30",
        ] {
            assert_eq!(
                resolve_tagged(ts, "timestamp"),
                Ok(Value::String(ts.into())),
                "{ts}"
            );
        }
        for bad in [
            "2001-13-01",
            "2023-02-29",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14T10:00:00",
            "12",
        ] {
            assert!(resolve_tagged(bad, "timestamp").is_err(), "{bad}");
        }
    }
}
