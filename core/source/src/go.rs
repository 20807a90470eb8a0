//! Go compatibility: text formatted as Go's standard library formats it, where
//! upstream messages and dumps (`BuildKit`, pod-security-admission, OPA) are Go.

/// Go's `unicode.IsPrint`, approximated: controls, separators other than the
/// ASCII space, the common format characters and private-use characters are not
/// printable.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    !(c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(u, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F)
        || matches!(u, 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF)
        || matches!(u, 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xF_0000..=0x10_FFFF))
}

/// Go's `strconv.Quote` (and `%q` of a string).
pub fn go_quote(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !is_print(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `path.Join(dir, p)` for a relative `p`; an absolute `p` is returned as is
/// (suite- and test-relative paths of gator and `kyverno test`).
pub fn path_join(dir: &str, p: &str) -> String {
    if p.starts_with('/') || dir.is_empty() {
        return p.to_string();
    }
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let absolute = dir.starts_with('/');
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` (or `32` when `bits32`): the
/// shortest digits that read back as `f`, in `%e` form when the decimal exponent
/// is below -4 or at least 6 (the shortest form decides with precision 6);
/// `NaN`, `+Inf`, `-Inf` as Go spells them.
pub fn format_float_g(f: f64, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    #[allow(clippy::cast_possible_truncation)]
    let (sci, zero, infinite, negative_zero) = if bits32 {
        let v = f as f32;
        (
            format!("{v:e}"),
            v == 0.0,
            v.is_infinite(),
            v.is_sign_negative(),
        )
    } else {
        (
            format!("{f:e}"),
            f == 0.0,
            f.is_infinite(),
            f.is_sign_negative(),
        )
    };
    if infinite {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if zero {
        return if negative_zero { "-0" } else { "0" }.into();
    }
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if mantissa.starts_with('-') { "-" } else { "" };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // Shortest `%g` switches to `%e` when exp < -4 || exp >= 6 (eprec 6).
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.unsigned_abs());
    }
    let nd = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if exp >= 0 {
        let int_len = exp + 1;
        if nd <= int_len {
            let zeros = usize::try_from(int_len - nd).unwrap_or(0);
            format!("{sign}{digits}{}", "0".repeat(zeros))
        } else {
            let split = usize::try_from(int_len).unwrap_or(0).min(digits.len());
            let (a, b) = digits.split_at(split);
            format!("{sign}{a}.{b}")
        }
    } else {
        let zeros = usize::try_from(-exp - 1).unwrap_or(0);
        format!("{sign}0.{}{digits}", "0".repeat(zeros))
    }
}

/// Go's `encoding/json` text of a finite float (its `floatEncoder`): `%f` form
/// between 1e-6 and 1e21, else `%e` with `e-7`/`e+21` exponents; `bits32` for a
/// `float32`. Callers deal with NaN and ±Inf (an error in Go).
pub fn format_float_json(f: f64, bits32: bool) -> String {
    let abs = f.abs();
    #[allow(clippy::cast_possible_truncation)]
    let use_exp = abs != 0.0
        && if bits32 {
            !(1e-6..1e21).contains(&(abs as f32))
        } else {
            !(1e-6..1e21).contains(&abs)
        };
    #[allow(clippy::cast_possible_truncation)]
    let shortest = |exp: bool| -> String {
        match (bits32, exp) {
            (true, false) => format!("{}", f as f32),
            (true, true) => format!("{:e}", f as f32),
            (false, false) => format!("{f}"),
            (false, true) => format!("{f:e}"),
        }
    };
    if !use_exp {
        return if bits32 {
            shortest(false)
        } else {
            ties_to_even(f, shortest(false))
        };
    }
    let s = shortest(true);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp >= 0 {
        format!("{mant}e+{exp:02}")
    } else {
        format!("{mant}e-{}", -exp)
    }
}

/// Rust's shortest form rounds a tie at the last digit up, Go's to even: when
/// `s` ends in an odd digit and `f` lies exactly halfway between `s` and the
/// digit below (which also reads back as `f`), Go prints the even one.
fn ties_to_even(f: f64, s: String) -> String {
    let Some(last) = s.chars().last().and_then(|c| c.to_digit(10)) else {
        return s;
    };
    if last % 2 == 0 || !s.contains('.') {
        return s;
    }
    let mut down = s.clone();
    down.pop();
    down.push(char::from_digit(last - 1, 10).unwrap_or('0'));
    let mid = format!("{down}5");
    let frac_len = mid.split('.').nth(1).map_or(0, str::len);
    let exact = format!("{:.*}", frac_len + 30, f);
    let exact = exact.trim_end_matches('0');
    #[allow(clippy::float_cmp)] // the digits must read back as exactly `f`
    let reads_back = down.parse::<f64>().is_ok_and(|d| d == f);
    if reads_back && exact == mid {
        return down;
    }
    s
}

/// Appends `s` as a JSON string literal with Go's `encoding/json` escaping:
/// `\b`, `\f`, `\n`, `\r`, `\t`, other controls as `\u00XX`, U+2028/U+2029
/// always escaped, `<`, `>`, `&` as `\u003c`… when `escape_html` (Go's default).
pub fn json_quote_into(out: &mut String, s: &str, escape_html: bool) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => {
                let _ = write!(out, "\\u00{:02x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        assert_eq!(format_float_g(1_000_000.0, false), "1e+06");
        assert_eq!(format_float_g(123_456.0, false), "123456");
        assert_eq!(format_float_g(0.0001, false), "0.0001");
        assert_eq!(format_float_g(0.00001, false), "1e-05");
        assert_eq!(format_float_json(1_000_000.0, false), "1000000");
        assert_eq!(format_float_json(1e21, false), "1e+21");
        assert_eq!(format_float_json(2.5, false), "2.5");
    }
}
