//! Go's `fmt` printing of [`Value`]s (`Sprint`, `Sprintln`, `Sprintf` with Go's
//! verbs, flags, width/precision and error forms such as `%!d(string=x)` and
//! `%!v(MISSING)`), and the `strconv` pieces templates need (quoting, number
//! literals).
#![allow(
    clippy::many_single_char_names,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_possible_truncation,
    clippy::struct_excessive_bools
)]
// Digit counts and exponents of f64 values are tiny: the casts between them cannot wrap.

use std::fmt::Write as _;

use crate::value::{FloatType, Kind, Value};

// ---------------------------------------------------------------- strconv

/// Go's `strconv.IsPrint`, approximated with Rust's character classes.
pub fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    !matches!(u,
        0xAD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0xFFFE | 0xFFFF | 0xE000..=0xF8FF
        | 0xF_0000..=0x10_FFFF | 0xE_0000..=0xE_0FFF)
        && u & 0xFFFE != 0xFFFE
}

fn quote_with(s: &str, q: char, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        push_escaped(&mut out, c, q, ascii);
    }
    out.push(q);
    out
}

fn push_escaped(out: &mut String, c: char, q: char, ascii: bool) {
    if c == q || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii {
        if (c as u32) < 0x80 && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s, '"', false)
}

/// Go's `strconv.QuoteToASCII`.
pub fn quote_ascii(s: &str) -> String {
    quote_with(s, '"', true)
}

/// Go's `strconv.QuoteRune`.
pub fn quote_rune(c: char) -> String {
    quote_with(c.encode_utf8(&mut [0; 4]), '\'', false)
}

/// Go's `%#U` of a rune: `U+0041 'A'`.
pub fn unicode_sharp(c: char) -> String {
    if is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// Go's `strconv.UnquoteChar`: the first (possibly escaped) character of `s`
/// inside quotes `q`, and the rest.
pub fn unquote_char(s: &str, q: char) -> Option<(u32, &str)> {
    let mut it = s.chars();
    let c = it.next()?;
    if c == q && (q == '\'' || q == '"') {
        return None;
    }
    if c != '\\' {
        return Some((c as u32, it.as_str()));
    }
    let e = it.next()?;
    let rest = it.as_str();
    let simple = match e {
        'a' => Some(7),
        'b' => Some(8),
        'f' => Some(12),
        'n' => Some(10),
        'r' => Some(13),
        't' => Some(9),
        'v' => Some(11),
        '\\' => Some(92),
        '\'' | '"' => {
            if e != q {
                return None;
            }
            Some(e as u32)
        }
        _ => None,
    };
    if let Some(v) = simple {
        return Some((v, rest));
    }
    let hex = |n: usize| -> Option<(u32, &str)> {
        let h = rest.get(..n)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some((v, rest.get(n..)?))
    };
    match e {
        'x' => hex(2),
        'u' => {
            let (v, r) = hex(4)?;
            char::from_u32(v)?;
            Some((v, r))
        }
        'U' => {
            let (v, r) = hex(8)?;
            char::from_u32(v)?;
            Some((v, r))
        }
        '0'..='7' => {
            let o = rest.get(..2)?;
            if !o.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return None;
            }
            let v = u32::from_str_radix(&format!("{e}{o}"), 8).ok()?;
            if v > 255 {
                return None;
            }
            Some((v, rest.get(2..)?))
        }
        _ => None,
    }
}

/// Go's `strconv.Unquote` for `"..."`, `` `...` `` and `'.'`. Byte escapes
/// (`\xff`) that do not form UTF-8 are replaced by U+FFFD.
pub fn unquote(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    if s.len() < 2 || !s.ends_with(q) {
        return None;
    }
    let body = s.get(1..s.len() - 1)?;
    match q {
        '`' => {
            if body.contains('`') {
                return None;
            }
            Some(body.replace('\r', ""))
        }
        '"' | '\'' => {
            if body.contains('\n') {
                return None;
            }
            // Go's fast path: a string with no escape and no quote inside is
            // its body as it is.
            if q == '"' && !body.bytes().any(|b| b == b'\\' || b == b'"') {
                return Some(body.to_owned());
            }
            let mut bytes: Vec<u8> = Vec::with_capacity(body.len());
            let mut rest = body;
            let mut n = 0;
            while !rest.is_empty() {
                let is_byte_escape = rest.starts_with("\\x") || rest.starts_with("\\0") || {
                    let b = rest.as_bytes();
                    b.first() == Some(&b'\\') && b.get(1).is_some_and(|c| (b'1'..=b'7').contains(c))
                };
                let (v, r) = unquote_char(rest, q)?;
                if is_byte_escape {
                    bytes.push(u8::try_from(v).ok()?);
                } else {
                    let c = char::from_u32(v)?;
                    bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                rest = r;
                n += 1;
            }
            if q == '\'' && n != 1 {
                return None;
            }
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
        _ => None,
    }
}

fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut s = b;
    if let Some(b'+' | b'-') = s.first() {
        s = s.get(1..).unwrap_or(&[]);
    }
    let mut hex = false;
    if s.len() >= 2
        && s.first() == Some(&b'0')
        && matches!(
            s.get(1).map(u8::to_ascii_lowercase),
            Some(b'b' | b'o' | b'x')
        )
    {
        i = 2;
        saw = b'0';
        hex = s.get(1).map(u8::to_ascii_lowercase) == Some(b'x');
    }
    while let Some(&c) = s.get(i) {
        i += 1;
        if c.is_ascii_digit() || (hex && c.to_ascii_lowercase().is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if let Some(r) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (8, r)
    } else if let Some(r) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (2, r)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, s.get(1..)?)
    } else {
        (10, s)
    };
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() || clean.starts_with(['+', '-']) {
        return None;
    }
    u64::from_str_radix(&clean, base).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    if body.contains('_') && !underscore_ok(s) {
        return None;
    }
    let u = parse_uint(body)?;
    if neg {
        if u <= 1u64 << 63 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` (decimal and hexadecimal forms, underscores,
/// `inf`/`nan`); `None` on syntax or range errors.
pub fn parse_float(s: &str) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if lower.len() - unsigned.len() > 1 {
        return None;
    }
    let neg = lower.starts_with('-');
    match unsigned {
        "inf" | "infinity" => {
            return Some(if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = unsigned.chars().filter(|&c| c != '_').collect();
    let v = if let Some(h) = clean.strip_prefix("0x") {
        parse_hex_float(h)?
    } else {
        if !clean
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
        {
            return None;
        }
        let v: f64 = clean.parse().ok()?;
        if v.is_infinite() {
            return None;
        }
        v
    };
    Some(if neg { -v } else { v })
}

#[allow(clippy::cast_precision_loss, clippy::cast_possible_wrap)]
fn parse_hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = match h.find('p') {
        Some(i) => (h.get(..i)?, Some(h.get(i + 1..)?)),
        None => (h, None),
    };
    let (int, frac) = match mant.find('.') {
        Some(i) => (mant.get(..i)?, mant.get(i + 1..)?),
        None => (mant, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let e: i32 = match exp {
        Some(e) => e.parse().ok()?,
        // Go requires the p exponent for hex floats with a fraction; integers are parsed before.
        None => return None,
    };
    let r = v * 2f64.powi(e);
    if r.is_infinite() {
        return None;
    }
    Some(r)
}

// ---------------------------------------------------------------- floats

/// Decimal digits and exponent: value = 0.d1d2d3... * 10^exp.
struct Digits {
    digits: Vec<u8>,
    /// Position of the decimal point relative to the digits (Go's `dp`).
    dp: i32,
}

fn shortest_digits(v: f64, f32_: bool) -> Digits {
    let s = if f32_ {
        #[allow(clippy::cast_possible_truncation)]
        let x = v as f32;
        format!("{x:e}")
    } else {
        format!("{v:e}")
    };
    digits_from_exp(&s)
}

fn prec_digits(v: f64, n: usize) -> Digits {
    let s = format!("{:.*e}", n.saturating_sub(1), v);
    digits_from_exp(&s)
}

fn digits_from_exp(s: &str) -> Digits {
    let s = s.trim_start_matches('-');
    let (m, e) = s.split_once('e').unwrap_or((s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let digits: Vec<u8> = m.bytes().filter(u8::is_ascii_digit).collect();
    if digits.iter().all(|&d| d == b'0') {
        return Digits {
            digits: Vec::new(),
            dp: 0,
        };
    }
    Digits { digits, dp: e + 1 }
}

fn fmt_e(d: &Digits, prec: Option<usize>, upper: bool, out: &mut String) {
    let first = d.digits.first().copied().unwrap_or(b'0');
    out.push(first as char);
    let rest = d.digits.get(1..).unwrap_or(&[]);
    let nfrac = prec.unwrap_or(rest.len());
    if nfrac > 0 {
        out.push('.');
        for i in 0..nfrac {
            out.push(rest.get(i).map_or('0', |&c| c as char));
        }
    }
    let exp = if d.digits.is_empty() { 0 } else { d.dp - 1 };
    out.push(if upper { 'E' } else { 'e' });
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    let _ = write!(out, "{a}");
}

fn fmt_f(d: &Digits, prec: Option<usize>, out: &mut String) {
    // integer part
    if d.dp > 0 {
        for i in 0..d.dp {
            out.push(d.digits.get(i as usize).map_or('0', |&c| c as char));
        }
    } else {
        out.push('0');
    }
    let nfrac = prec.unwrap_or_else(|| {
        let n = d.digits.len() as i32 - d.dp;
        usize::try_from(n.max(0)).unwrap_or(0)
    });
    if nfrac > 0 {
        out.push('.');
        for i in 0..nfrac {
            let j = d.dp + i as i32;
            let c = if j < 0 {
                b'0'
            } else {
                d.digits.get(j as usize).copied().unwrap_or(b'0')
            };
            out.push(c as char);
        }
    }
}

/// Go's `strconv.FormatFloat(v, fmt, prec, bits)` for `e E f F g G` (`prec`
/// `None` = shortest).
pub fn format_float(v: f64, verb: char, prec: Option<usize>, bits32: bool) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".to_owned()
        } else {
            "-Inf".to_owned()
        };
    }
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    let a = v.abs();
    match verb {
        'e' | 'E' => {
            let d = match prec {
                None => shortest_digits(a, bits32),
                Some(p) => prec_digits(a, p + 1),
            };
            fmt_e(&d, prec, verb == 'E', &mut out);
        }
        'f' | 'F' => match prec {
            None => fmt_f(&shortest_digits(a, bits32), None, &mut out),
            Some(p) => {
                let s = format!("{a:.p$}");
                out.push_str(&s);
            }
        },
        _ => {
            // g / G, as strconv does it.
            let upper = verb == 'G';
            let shortest = prec.is_none();
            let (d, mut p) = match prec {
                None => {
                    let d = shortest_digits(a, bits32);
                    let nd = d.digits.len();
                    (d, nd)
                }
                Some(p) => {
                    let p = p.max(1);
                    (trim_zeros(&prec_digits(a, p)), p)
                }
            };
            let nd = d.digits.len() as i32;
            let mut eprec = p as i32;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if p as i32 > nd {
                    p = nd as usize;
                }
                fmt_e(&d, Some(p.saturating_sub(1)), upper, &mut out);
            } else {
                if p as i32 > d.dp {
                    p = nd as usize;
                }
                fmt_f(&d, Some((p as i32 - d.dp).max(0) as usize), &mut out);
            }
        }
    }
    out
}

fn trim_zeros(d: &Digits) -> Digits {
    let mut digits = d.digits.clone();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    Digits { digits, dp: d.dp }
}

/// Go's `strconv.FormatFloat(v, 'x'|'X', prec, bits)`: `0x1.8p+01`.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
pub fn format_hex_float(v: f64, prec: Option<usize>, upper: bool, bits32: bool) -> String {
    if v.is_nan() || v.is_infinite() {
        return format_float(v, 'g', None, bits32);
    }
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    let (mut mant, mut exp, frac_bits) = if bits32 {
        let b = (v as f32).to_bits();
        let e = ((b >> 23) & 0xff) as i32;
        let m = u64::from(b & 0x7f_ffff);
        if e == 0 && m == 0 {
            (0u64, 0i32, 23u32)
        } else if e == 0 {
            (m, -126, 23)
        } else {
            (m | (1 << 23), e - 127, 23)
        }
    } else {
        let b = v.to_bits();
        let e = ((b >> 52) & 0x7ff) as i32;
        let m = b & ((1u64 << 52) - 1);
        if e == 0 && m == 0 {
            (0u64, 0i32, 52u32)
        } else if e == 0 {
            (m, -1022, 52)
        } else {
            (m | (1 << 52), e - 1023, 52)
        }
    };
    if mant != 0 {
        while mant & (1u64 << frac_bits) == 0 {
            mant <<= 1;
            exp -= 1;
        }
    }
    // Shift so the fraction is a whole number of hex digits (60 bits after the point).
    let mut frac = (mant & ((1u64 << frac_bits) - 1)) << (60 - frac_bits);
    let mut lead = u64::from(mant != 0);
    if let Some(p) = prec {
        if p < 15 {
            let drop = 4 * (15 - p) as u32;
            let rem = frac & ((1u64 << drop) - 1);
            let half = 1u64 << (drop - 1);
            frac >>= drop;
            if rem > half || (rem == half && frac & 1 == 1) {
                frac += 1;
                if frac >> (4 * p as u32) != 0 {
                    frac = 0;
                    lead += 1;
                }
            }
            if lead == 2 {
                lead = 1;
                exp += 1;
            }
            frac <<= drop;
        }
    }
    let digits: Vec<char> = (0..15)
        .map(|i| {
            let d = ((frac >> (56 - 4 * i)) & 0xf) as u32;
            std::char::from_digit(d, 16).unwrap_or('0')
        })
        .collect();
    let n = match prec {
        Some(p) => p,
        None => digits.iter().rposition(|&c| c != '0').map_or(0, |i| i + 1),
    };
    out.push_str("0x");
    out.push(char::from_digit(lead as u32, 16).unwrap_or('0'));
    if n > 0 {
        out.push('.');
        for i in 0..n {
            out.push(digits.get(i).copied().unwrap_or('0'));
        }
    }
    out.push('p');
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    let _ = write!(out, "{a}");
    if upper {
        out = out.to_uppercase();
    }
    out
}

/// Go's `strconv.FormatFloat(v, 'b', -1, bits)`: `4503599627370496p-51`.
#[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
pub fn format_bin_float(v: f64, bits32: bool) -> String {
    let (neg, mant, exp) = if bits32 {
        let b = (v as f32).to_bits();
        let e = ((b >> 23) & 0xff) as i32;
        let m = u64::from(b & 0x7f_ffff);
        let (m, e) = if e == 0 {
            (m, -126 - 23)
        } else {
            (m | (1 << 23), e - 127 - 23)
        };
        (b >> 31 == 1, m, e)
    } else {
        let b = v.to_bits();
        let e = ((b >> 52) & 0x7ff) as i32;
        let m = b & ((1u64 << 52) - 1);
        let (m, e) = if e == 0 {
            (m, -1022 - 52)
        } else {
            (m | (1 << 52), e - 1023 - 52)
        };
        (b >> 63 == 1, m, e)
    };
    format!(
        "{}{mant}p{}{}",
        if neg { "-" } else { "" },
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    )
}

/// Go's `%v` of a float (`strconv.FormatFloat(v, 'g', -1, 64)`: `1e+06`, `3.5`).
pub fn format_float_v(v: f64, bits32: bool) -> String {
    format_float(v, 'g', None, bits32)
}

// ---------------------------------------------------------------- printing

#[derive(Clone, Copy, Default)]
struct Flags {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
    /// `%+v`
    plus_v: bool,
    /// `%#v`
    sharp_v: bool,
}

/// Go's `fmt.pad`: pads to the width with spaces, or zeros when the `0` flag is
/// set and the `-` flag is not.
fn pad(out: &mut String, s: &str, f: &Flags) {
    pad_str(out, s, f);
}

/// Go's `fmt.padString`.
fn pad_str(out: &mut String, s: &str, f: &Flags) {
    let n = s.chars().count();
    let w = f.width.unwrap_or(0);
    if n >= w {
        out.push_str(s);
        return;
    }
    let fill = w - n;
    if f.minus {
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', fill));
    } else {
        out.extend(std::iter::repeat_n(if f.zero { '0' } else { ' ' }, fill));
        out.push_str(s);
    }
}

struct Printer {
    out: String,
}

fn bad_verb(out: &mut String, verb: char, v: &Value, f: &Flags) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    if v.is_nil() {
        out.push_str("<nil>");
    } else {
        {
            out.push_str(&v.type_name());
            out.push('=');
            let mut p = Printer { out: String::new() };
            let fv = Flags {
                sharp_v: f.sharp_v,
                plus_v: f.plus_v,
                ..*f
            };
            p.print_value(v, 'v', &fv, 0);
            out.push_str(&p.out);
        }
    }
    out.push(')');
}

#[allow(clippy::cast_sign_loss)]
fn fmt_integer(out: &mut String, neg: bool, mag: u64, verb: char, f: &Flags, is_signed_type: bool) {
    let _ = is_signed_type;
    let (base, upper) = match verb {
        'b' => (2, false),
        'o' | 'O' => (8, false),
        'x' => (16, false),
        'X' => (16, true),
        _ => (10, false),
    };
    let mut digits = match base {
        2 => format!("{mag:b}"),
        8 => format!("{mag:o}"),
        16 if upper => format!("{mag:X}"),
        16 => format!("{mag:x}"),
        _ => format!("{mag}"),
    };
    if let Some(p) = f.prec {
        if p == 0 && mag == 0 {
            digits.clear();
        }
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    let mut prefix = String::new();
    if f.sharp {
        match verb {
            'o' if !digits.starts_with('0') => prefix.push('0'),
            'x' => prefix.push_str("0x"),
            'X' => prefix.push_str("0X"),
            'b' => prefix.push_str("0b"),
            _ => {}
        }
    }
    if verb == 'O' {
        prefix.push_str("0o");
    }
    let sign = if neg {
        "-"
    } else if f.plus {
        "+"
    } else if f.space {
        " "
    } else {
        ""
    };
    let body = format!("{prefix}{digits}");
    let w = f.width.unwrap_or(0);
    let len = sign.len() + body.chars().count();
    if f.zero && !f.minus && f.prec.is_none() && w > len {
        out.push_str(sign);
        out.push_str(&prefix);
        out.extend(std::iter::repeat_n('0', w - len));
        out.push_str(&digits);
    } else {
        let s = format!("{sign}{body}");
        let nf = Flags { zero: false, ..*f };
        pad(out, &s, &nf);
    }
}

/// Go's `fmt.fmtFloat`: strconv's digits, then sign, `#`, padding rules.
#[allow(clippy::cast_possible_wrap)]
fn fmt_float(out: &mut String, v: f64, bits32: bool, verb: char, f: &Flags) {
    let (sverb, default_prec) = match verb {
        'v' => ('g', None),
        'f' | 'e' | 'E' => (verb, Some(6)),
        'F' => ('f', Some(6)),
        _ => (verb, None),
    };
    let prec = if f.prec.is_some() {
        f.prec
    } else {
        default_prec
    };
    let s = match sverb {
        'x' | 'X' => format_hex_float(v, prec, sverb == 'X', bits32),
        'b' => format_bin_float(v, bits32),
        _ => format_float(v, sverb, prec, bits32),
    };
    let mut num: Vec<char> = s.chars().collect();
    if matches!(num.first(), Some('-' | '+')) {
    } else {
        num.insert(0, '+');
    }
    if f.space && num.first() == Some(&'+') && !f.plus {
        if let Some(c) = num.first_mut() {
            *c = ' ';
        }
    }
    if matches!(num.get(1), Some('I' | 'N')) {
        if num.get(1) == Some(&'N') && !f.space && !f.plus {
            num.remove(0);
        }
        let nf = Flags { zero: false, ..*f };
        pad(out, &num.iter().collect::<String>(), &nf);
        return;
    }
    if f.sharp && sverb != 'b' {
        let mut digits: i64 = match sverb {
            'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
            _ => 0,
        };
        let mut tail: Vec<char> = Vec::new();
        let mut has_point = false;
        let mut saw_nonzero = false;
        let mut i = 1;
        while let Some(&c) = num.get(i) {
            match c {
                '.' => has_point = true,
                'p' | 'P' => {
                    tail.extend(num.drain(i..));
                    break;
                }
                'e' | 'E' if sverb != 'x' && sverb != 'X' => {
                    tail.extend(num.drain(i..));
                    break;
                }
                _ => {
                    if c != '0' {
                        saw_nonzero = true;
                    }
                    if saw_nonzero {
                        digits -= 1;
                    }
                }
            }
            i += 1;
        }
        if !has_point {
            if num.len() == 2 && num.get(1) == Some(&'0') {
                digits -= 1;
            }
            num.push('.');
        }
        while digits > 0 {
            num.push('0');
            digits -= 1;
        }
        num.extend(tail);
    }
    let s: String = num.iter().collect();
    if f.plus || !s.starts_with('+') {
        let w = f.width.unwrap_or(0);
        if f.zero && !f.minus && w > num.len() {
            out.extend(num.first());
            out.extend(std::iter::repeat_n('0', w - num.len()));
            out.extend(num.iter().skip(1));
            return;
        }
        pad(out, &s, f);
        return;
    }
    pad(out, s.get(1..).unwrap_or(""), f);
}

impl Printer {
    fn print_arg(&mut self, v: &Value, verb: char, f: &Flags) {
        match verb {
            'T' => {
                let t = v.type_name();
                pad_str(&mut self.out, &t, f);
                return;
            }
            'p' => {
                bad_verb(&mut self.out, verb, v, f);
                return;
            }
            _ => {}
        }
        self.print_value(v, verb, f, 0);
    }

    #[allow(clippy::too_many_lines, clippy::cast_sign_loss)]
    fn print_value(&mut self, v: &Value, verb: char, f: &Flags, depth: usize) {
        match v {
            Value::Nil => {
                if f.sharp_v && depth > 0 {
                    self.out.push_str("interface {}(nil)");
                    return;
                }
                // A nil inside a container prints `<nil>` whatever the verb.
                if depth > 0 {
                    self.out.push_str("<nil>");
                } else if verb == 'v' {
                    pad_str(&mut self.out, "<nil>", f);
                } else {
                    bad_verb(&mut self.out, verb, v, f);
                }
            }
            Value::TypedNil(t) => {
                if f.sharp_v {
                    let s = format!("({t})(nil)");
                    pad_str(&mut self.out, &s, f);
                    return;
                }
                match v.kind() {
                    Kind::Map => self.out.push_str("map[]"),
                    Kind::Slice => self.out.push_str("[]"),
                    _ => match verb {
                        'v' | 's' | 'q' | 'x' | 'X' | 'd' => pad_str(&mut self.out, "<nil>", f),
                        _ => bad_verb(&mut self.out, verb, v, f),
                    },
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => pad_str(&mut self.out, if *b { "true" } else { "false" }, f),
                _ => bad_verb(&mut self.out, verb, v, f),
            },
            Value::Int(i, _) => self.print_int(*i < 0, i.unsigned_abs(), v, verb, f),
            Value::Uint(u, _) => {
                if f.sharp_v {
                    let s = format!("0x{u:x}");
                    pad_str(&mut self.out, &s, f);
                    return;
                }
                self.print_int(false, *u, v, verb, f);
            }
            Value::Float(x, t) => {
                let bits32 = *t == FloatType::F32;
                match verb {
                    'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                        fmt_float(&mut self.out, *x, bits32, verb, f);
                    }
                    _ => bad_verb(&mut self.out, verb, v, f),
                }
            }
            Value::Complex(re, im) => match verb {
                'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                    self.out.push('(');
                    fmt_float(&mut self.out, *re, false, verb, f);
                    let fp = Flags { plus: true, ..*f };
                    fmt_float(&mut self.out, *im, false, verb, &fp);
                    self.out.push_str("i)");
                }
                _ => bad_verb(&mut self.out, verb, v, f),
            },
            Value::String(s) => self.print_str(s, v, verb, f, depth),
            Value::Bytes(b) => match verb {
                's' | 'q' | 'x' | 'X' => {
                    let s = String::from_utf8_lossy(b);
                    if matches!(verb, 'x' | 'X') {
                        self.hex_bytes(b, verb, f);
                    } else {
                        self.print_str(&s, v, verb, f, depth);
                    }
                }
                _ => {
                    if f.sharp_v {
                        self.out.push_str("[]byte{");
                        for (i, x) in b.iter().enumerate() {
                            if i > 0 {
                                self.out.push_str(", ");
                            }
                            let _ = write!(self.out, "0x{x:x}");
                        }
                        self.out.push('}');
                        return;
                    }
                    self.out.push('[');
                    for (i, x) in b.iter().enumerate() {
                        if i > 0 {
                            self.out.push(' ');
                        }
                        self.print_int(
                            false,
                            u64::from(*x),
                            &Value::Uint(u64::from(*x), crate::UintType::Uint8),
                            verb,
                            f,
                        );
                    }
                    self.out.push(']');
                }
            },
            Value::List(l) => {
                if f.sharp_v {
                    let _ = write!(self.out, "{}{{", v.type_name());
                    for (i, x) in l.items.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        self.print_value(x, verb, f, depth + 1);
                    }
                    self.out.push('}');
                    return;
                }
                if &*l.elem == "uint8" && matches!(verb, 's' | 'q' | 'x' | 'X') {
                    let bytes: Vec<u8> = l
                        .items
                        .iter()
                        .map(|x| match x {
                            Value::Uint(u, _) => *u as u8,
                            _ => 0,
                        })
                        .collect();
                    self.print_value(&Value::Bytes(bytes.into()), verb, f, depth);
                    return;
                }
                self.out.push('[');
                for (i, x) in l.items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(' ');
                    }
                    self.print_value(x, verb, f, depth + 1);
                }
                self.out.push(']');
            }
            Value::Map(m) => {
                if f.sharp_v {
                    let _ = write!(self.out, "{}{{", v.type_name());
                    for (i, (k, x)) in m.entries.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        self.out.push_str(&quote(&k));
                        self.out.push(':');
                        self.print_value(&x, verb, f, depth + 1);
                    }
                    self.out.push('}');
                    return;
                }
                self.out.push_str("map[");
                for (i, (k, x)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(' ');
                    }
                    self.print_str(&k, &Value::Nil, verb, f, depth + 1);
                    self.out.push(':');
                    self.print_value(&x, verb, f, depth + 1);
                }
                self.out.push(']');
            }
            Value::Object(o) => {
                if !f.sharp_v && matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
                    if let Some(s) = o.go_string() {
                        self.print_str(&s, &Value::Nil, verb, f, depth);
                        return;
                    }
                }
                let fields = o.fields();
                if f.sharp_v {
                    let _ = write!(self.out, "{}{{", o.type_name().trim_start_matches('*'));
                } else {
                    if o.kind() == Kind::Ptr && depth == 0 {
                        self.out.push('&');
                    }
                    self.out.push('{');
                }
                for (i, (name, x)) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(if f.sharp_v { ", " } else { " " });
                    }
                    if f.plus_v || f.sharp_v {
                        self.out.push_str(name);
                        self.out.push(':');
                    }
                    self.print_value(x, verb, f, depth + 1);
                }
                self.out.push('}');
            }
            Value::Func(func) => {
                if verb == 'v' {
                    // Go prints the func's address; there is none here.
                    let s = format!("{}(0x0)", func.type_name());
                    pad_str(&mut self.out, &s, f);
                } else {
                    bad_verb(&mut self.out, verb, v, f);
                }
            }
        }
    }

    fn print_int(&mut self, neg: bool, mag: u64, v: &Value, verb: char, f: &Flags) {
        match verb {
            'v' | 'd' | 'b' | 'o' | 'O' | 'x' | 'X' => {
                let verb = if verb == 'v' { 'd' } else { verb };
                let verb = if f.sharp_v && verb == 'd' { 'd' } else { verb };
                fmt_integer(&mut self.out, neg, mag, verb, f, true);
            }
            'c' => {
                let c = if neg {
                    None
                } else {
                    u32::try_from(mag).ok().and_then(char::from_u32)
                };
                let s = c.unwrap_or('\u{FFFD}').to_string();
                pad_str(&mut self.out, &s, f);
            }
            'q' => {
                let c = if neg {
                    None
                } else {
                    u32::try_from(mag).ok().and_then(char::from_u32)
                };
                let c = c.unwrap_or('\u{FFFD}');
                let s = if f.sharp && is_print(c) && c != '\'' {
                    format!("'{c}'")
                } else if f.plus {
                    quote_with(c.encode_utf8(&mut [0; 4]), '\'', true)
                } else {
                    quote_rune(c)
                };
                pad_str(&mut self.out, &s, f);
            }
            'U' => {
                // Go converts to uint64: a negative int is its two's complement.
                let mag = if neg { mag.wrapping_neg() } else { mag };
                let neg = false;
                let mut s = format!("U+{mag:04X}");
                if let Some(p) = f.prec {
                    let digits = format!("{mag:X}");
                    let digits = format!("{digits:0>p$}");
                    s = format!("U+{digits}");
                    if digits.len() < 4 {
                        s = format!("U+{mag:04X}");
                    }
                }
                if f.sharp {
                    if let Some(c) = u32::try_from(mag).ok().and_then(char::from_u32) {
                        if is_print(c) && !neg {
                            let _ = write!(s, " '{c}'");
                        }
                    }
                }
                pad_str(&mut self.out, &s, f);
            }
            _ => bad_verb(&mut self.out, verb, v, f),
        }
    }

    fn hex_bytes(&mut self, b: &[u8], verb: char, f: &Flags) {
        let n = f.prec.map_or(b.len(), |p| p.min(b.len()));
        let b = b.get(..n).unwrap_or(b);
        let mut s = String::new();
        for (i, x) in b.iter().enumerate() {
            if f.space && i > 0 {
                s.push(' ');
            }
            if f.sharp && (f.space || i == 0) {
                s.push_str(if verb == 'X' { "0X" } else { "0x" });
            }
            if verb == 'X' {
                let _ = write!(s, "{x:02X}");
            } else {
                let _ = write!(s, "{x:02x}");
            }
        }
        pad_str(&mut self.out, &s, f);
    }

    fn print_str(&mut self, s: &str, v: &Value, verb: char, f: &Flags, depth: usize) {
        let truncated: String;
        let s = match f.prec {
            Some(p) if matches!(verb, 'v' | 's' | 'q') => {
                truncated = s.chars().take(p).collect();
                truncated.as_str()
            }
            _ => s,
        };
        match verb {
            'v' => {
                if f.sharp_v {
                    pad_str(&mut self.out, &quote(s), f);
                } else {
                    pad_str(&mut self.out, s, f);
                }
            }
            's' => pad_str(&mut self.out, s, f),
            'q' => {
                let q =
                    if f.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || is_print(c)) {
                        format!("`{s}`")
                    } else if f.plus {
                        quote_ascii(s)
                    } else {
                        quote(s)
                    };
                pad_str(&mut self.out, &q, f);
            }
            'x' | 'X' => self.hex_bytes(s.as_bytes(), verb, f),
            _ => {
                let _ = depth;
                let val = if v.is_nil() {
                    Value::string(s)
                } else {
                    v.clone()
                };
                bad_verb(&mut self.out, verb, &val, f);
            }
        }
    }
}

/// Go's `fmt.Sprint`: operands printed with `%v`, a space between two operands
/// when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer { out: String::new() };
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.out.push(' ');
        }
        p.print_arg(a, 'v', &Flags::default());
        prev_string = is_string;
    }
    p.out
}

/// What a template action prints for a value: Go's `printableValue` follows a
/// pointer to the struct it points at, so `&{v}` prints as `{v}`.
pub fn sprint_action(v: &Value) -> String {
    if let Value::Object(o) = v {
        if o.kind() == Kind::Ptr && o.go_string().is_none() {
            let mut p = Printer { out: String::new() };
            p.print_value(v, 'v', &Flags::default(), 1);
            return p.out;
        }
    }
    sprint(std::slice::from_ref(v))
}

/// Go's `fmt.Sprintln`: operands with `%v`, always space-separated, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer { out: String::new() };
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.out.push(' ');
        }
        p.print_arg(a, 'v', &Flags::default());
    }
    p.out.push('\n');
    p.out
}

/// Go's `fmt.Sprintf`.
#[allow(clippy::too_many_lines)]
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer { out: String::new() };
    let b = format.as_bytes();
    let end = b.len();
    let mut i = 0;
    let mut argnum = 0usize;
    let mut reordered = false;
    while i < end {
        let mut good_arg = true;
        let start = i;
        while i < end && b.get(i) != Some(&b'%') {
            i += 1;
        }
        if i > start {
            p.out.push_str(format.get(start..i).unwrap_or(""));
        }
        if i >= end {
            break;
        }
        i += 1; // skip %
        let mut f = Flags::default();
        while let Some(&c) = b.get(i) {
            match c {
                b'#' => f.sharp = true,
                b'0' => f.zero = true,
                b'+' => f.plus = true,
                b'-' => f.minus = true,
                b' ' => f.space = true,
                _ => break,
            }
            i += 1;
        }
        // Argument index, then width.
        let mut after_index;
        (argnum, i, after_index) =
            arg_number(argnum, b, i, args.len(), &mut reordered, &mut good_arg);
        if b.get(i) == Some(&b'*') {
            i += 1;
            let (w, ok, na) = int_from_arg(args, argnum);
            argnum = na;
            if ok {
                if w < 0 {
                    f.minus = true;
                    f.zero = false;
                }
                f.width = Some(w.unsigned_abs() as usize);
            } else {
                p.out.push_str("%!(BADWIDTH)");
            }
            after_index = false;
        } else {
            let (n, ni) = parse_num(b, i);
            i = ni;
            if let Some(n) = n {
                f.width = Some(n);
                if after_index {
                    good_arg = false;
                }
            }
        }
        // Precision.
        if i + 1 < end && b.get(i) == Some(&b'.') {
            i += 1;
            if after_index {
                good_arg = false;
            }
            (argnum, i, after_index) =
                arg_number(argnum, b, i, args.len(), &mut reordered, &mut good_arg);
            if b.get(i) == Some(&b'*') {
                i += 1;
                let (w, ok, na) = int_from_arg(args, argnum);
                argnum = na;
                // A negative precision is as bad as a missing one.
                if ok && w >= 0 {
                    f.prec = Some(w as usize);
                } else {
                    p.out.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (n, ni) = parse_num(b, i);
                i = ni;
                f.prec = Some(n.unwrap_or(0));
            }
        }
        if !after_index {
            (argnum, i, _) = arg_number(argnum, b, i, args.len(), &mut reordered, &mut good_arg);
        }
        let Some(verb) = format.get(i..).and_then(|s| s.chars().next()) else {
            p.out.push_str("%!(NOVERB)");
            break;
        };
        i += verb.len_utf8();
        if verb == '%' {
            p.out.push('%');
            continue;
        }
        if !good_arg {
            p.out.push_str("%!");
            p.out.push(verb);
            p.out.push_str("(BADINDEX)");
            continue;
        }
        let Some(arg) = args.get(argnum) else {
            p.out.push_str("%!");
            p.out.push(verb);
            p.out.push_str("(MISSING)");
            continue;
        };
        if verb == 'v' {
            f.sharp_v = f.sharp;
            f.sharp = false;
            f.plus_v = f.plus;
            f.plus = false;
        }
        if verb == 'w' {
            bad_verb(&mut p.out, verb, arg, &f);
        } else {
            p.print_arg(arg, verb, &f);
        }
        argnum += 1;
    }
    if !reordered && argnum < args.len() {
        p.out.push_str("%!(EXTRA ");
        for (k, a) in args.iter().enumerate().skip(argnum) {
            if k > argnum {
                p.out.push_str(", ");
            }
            if a.is_nil() {
                p.out.push_str("<nil>");
            } else {
                p.out.push_str(&a.type_name());
                p.out.push('=');
                p.print_arg(a, 'v', &Flags::default());
            }
        }
        p.out.push(')');
    }
    p.out
}

/// Go's `intFromArg`: (value, ok, next argument).
#[allow(clippy::cast_possible_wrap)]
fn int_from_arg(args: &[Value], argnum: usize) -> (i64, bool, usize) {
    let Some(a) = args.get(argnum) else {
        return (0, false, argnum);
    };
    let (n, ok) = match a {
        Value::Int(i, _) => (*i, true),
        Value::Uint(u, _) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if !(-1_000_000..=1_000_000).contains(&n) {
        return (0, false, argnum + 1);
    }
    (n, ok, argnum + 1)
}

/// Go's `argNumber`: an explicit `[n]` index.
fn arg_number(
    argnum: usize,
    b: &[u8],
    i: usize,
    nargs: usize,
    reordered: &mut bool,
    good: &mut bool,
) -> (usize, usize, bool) {
    if b.get(i) != Some(&b'[') {
        return (argnum, i, false);
    }
    *reordered = true;
    let (index, wid, ok) = parse_arg_number(b.get(i..).unwrap_or(&[]));
    if ok && index < nargs {
        return (index, i + wid, true);
    }
    *good = false;
    (argnum, i + wid, ok)
}

fn parse_arg_number(f: &[u8]) -> (usize, usize, bool) {
    if f.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..f.len() {
        if f.get(i) == Some(&b']') {
            let (n, newi) = parse_num(f, 1);
            return match n {
                Some(n) if newi == i && n >= 1 => (n - 1, i + 1, true),
                Some(0) if newi == i => (usize::MAX, i + 1, true),
                _ => (0, i + 1, false),
            };
        }
    }
    (0, 1, false)
}

fn parse_num(b: &[u8], mut i: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: usize = 0;
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        n = n.saturating_mul(10).saturating_add(usize::from(c - b'0'));
        if n > 1_000_000 {
            return (None, i);
        }
        i += 1;
    }
    if i == start {
        (None, i)
    } else {
        (Some(n), i)
    }
}
