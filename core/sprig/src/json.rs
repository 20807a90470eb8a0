//! Go's `encoding/json` for [`Value`]s, as Sprig's `toJson`, `toPrettyJson`,
//! `toRawJson` and `fromJson` call it: map keys sorted, `<`, `>`, `&` escaped as
//! `\u003c`… unless HTML escaping is off (`toRawJson`), U+2028/U+2029 always
//! escaped, floats formatted as Go formats them (`1e+21`, `1e-7`), `[]byte` as
//! base64, `time.Time` as RFC 3339, NaN/±Inf and funcs as Go's errors.

use std::fmt::Write;

use stockade_gotemplate::{FloatType, Value};

use crate::funcs::{TimeValue, VersionValue};

/// Go's JSON text of a float (`encoding/json`'s `floatEncoder`).
pub use stockade_source::go::format_float_json as format_float;

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` for the unsupported-value error.
fn g_format(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f > 0.0 {
        "+Inf".to_string()
    } else {
        "-Inf".to_string()
    }
}

/// Appends a JSON string literal with Go's escaping.
pub use stockade_source::go::json_quote_into as write_string;

/// How to encode.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Escape `<`, `>`, `&` (`json.Marshal`'s default).
    pub escape_html: bool,
    /// `MarshalIndent`'s indent (`None`: compact).
    pub indent: Option<&'a str>,
}

/// `json.Marshal` / `json.MarshalIndent` / an `Encoder`: the text, or Go's error.
pub fn encode(v: &Value, opts: Options<'_>) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, v, opts, 0, 0)?;
    Ok(out)
}

fn newline(out: &mut String, opts: Options<'_>, depth: usize) {
    if let Some(ind) = opts.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

/// Go starts looking for cycles after 1000 nested pointers/maps/slices; deeper
/// values here are reported as its cycle error.
const MAX_DEPTH: usize = 1000;

fn write_value(
    out: &mut String,
    v: &Value,
    opts: Options<'_>,
    depth: usize,
    guard: usize,
) -> Result<(), String> {
    if guard > MAX_DEPTH {
        return Err(format!(
            "json: unsupported value: encountered a cycle via {}",
            v.type_name()
        ));
    }
    match v {
        Value::Nil | Value::TypedNil(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i, _) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint(u, _) => {
            let _ = write!(out, "{u}");
        }
        Value::Float(f, t) => {
            if !f.is_finite() {
                return Err(format!("json: unsupported value: {}", g_format(*f)));
            }
            out.push_str(&format_float(*f, *t == FloatType::F32));
        }
        Value::Complex(..) => return Err("json: unsupported type: complex128".to_string()),
        Value::String(s) => write_string(out, s, opts.escape_html),
        Value::Bytes(b) => {
            out.push('"');
            out.push_str(&crate::crypto::b64enc(b));
            out.push('"');
        }
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, opts, depth + 1);
                write_value(out, item, opts, depth + 1, guard + 1)?;
            }
            if !l.items.is_empty() {
                newline(out, opts, depth);
            }
            out.push(']');
        }
        Value::Map(m) => write_object(
            out,
            m.entries.iter(),
            m.entries.is_empty(),
            opts,
            depth,
            guard,
        )?,
        Value::Object(o) => {
            if let Some(t) = o.as_any().downcast_ref::<TimeValue>() {
                let text = t.0.format("2006-01-02T15:04:05.999999999Z07:00");
                write_string(out, &text, opts.escape_html);
            } else if let Some(sv) = o.as_any().downcast_ref::<VersionValue>() {
                write_string(out, &sv.0.to_string(), opts.escape_html);
            } else if o.kind() == stockade_gotemplate::Kind::Ptr && !o.truth() {
                out.push_str("null");
            } else {
                let fields = o.fields();
                let empty = fields.is_empty();
                write_object(out, fields.into_iter(), empty, opts, depth, guard)?;
            }
        }
        Value::Func(f) => return Err(format!("json: unsupported type: {}", f.type_name())),
    }
    Ok(())
}

fn write_object(
    out: &mut String,
    entries: impl Iterator<Item = (String, Value)>,
    is_empty: bool,
    opts: Options<'_>,
    depth: usize,
    guard: usize,
) -> Result<(), String> {
    out.push('{');
    for (i, (k, item)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, opts, depth + 1);
        write_string(out, &k, opts.escape_html);
        out.push(':');
        if opts.indent.is_some() {
            out.push(' ');
        }
        write_value(out, &item, opts, depth + 1, guard + 1)?;
    }
    if !is_empty {
        newline(out, opts, depth);
    }
    out.push('}');
    Ok(())
}

/// Go's `quoteChar` for syntax errors: `'x'`.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        '"' => "'\"'".to_string(),
        c => {
            let q = crate::go_quote(&c.to_string());
            format!("'{}'", q.get(1..q.len() - 1).unwrap_or(""))
        }
    }
}

/// `json.Unmarshal` into `interface{}`: objects are `map[string]interface {}`,
/// arrays `[]interface {}`, numbers `float64`. Errors carry Go's text where
/// `serde_json`'s classification maps onto it.
pub fn decode(s: &str) -> Result<Value, String> {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(v) => Ok(Value::from_json(&v)),
        Err(e) => Err(go_syntax_error(s, &e)),
    }
}

fn go_syntax_error(s: &str, e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected end of JSON input".to_string();
    }
    // serde_json's line/column (1-based) to a byte offset.
    let mut offset = 0;
    for (i, line) in s.split('\n').enumerate() {
        if i + 1 == e.line() {
            offset += e.column().saturating_sub(1).min(line.len());
            break;
        }
        offset += line.len() + 1;
    }
    let c = s
        .get(offset..)
        .and_then(|r| r.chars().next())
        .unwrap_or(' ');
    let msg = e.to_string();
    let context = if msg.starts_with("trailing characters") {
        "after top-level value"
    } else if msg.starts_with("key must be a string") {
        "looking for beginning of object key string"
    } else if msg.starts_with("expected `,` or `}`") {
        "after object key:value pair"
    } else if msg.starts_with("expected `:`") {
        "after object key"
    } else if msg.starts_with("expected `,` or `]`") {
        "after array element"
    } else if msg.starts_with("invalid number") || msg.starts_with("number out of range") {
        "in numeric literal"
    } else if msg.starts_with("control character") {
        "in string literal"
    } else if msg.starts_with("invalid escape") {
        "in string escape code"
    } else {
        "looking for beginning of value"
    };
    format!("invalid character {} {context}", quote_char(c))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::excessive_precision)]
    use super::*;

    #[test]
    fn floats_as_go() {
        assert_eq!(format_float(42.0, false), "42");
        assert_eq!(format_float(1e21, false), "1e+21");
        assert_eq!(format_float(1e-7, false), "1e-7");
        assert_eq!(format_float(1.5e-10, false), "1.5e-10");
        assert_eq!(format_float(0.000_001, false), "0.000001");
        assert_eq!(format_float(123_456_789.0, false), "123456789");
        assert_eq!(
            format_float(232_735_348_445_944.625, false),
            "232735348445944.62"
        );
        assert_eq!(format_float(0.3, false), "0.3");
    }

    #[test]
    fn strings_and_errors() {
        let mut s = String::new();
        write_string(&mut s, "<a&b>\u{2028}\x01", true);
        assert_eq!(s, "\"\\u003ca\\u0026b\\u003e\\u2028\\u0001\"");
        assert_eq!(
            decode("{\"a\":").unwrap_err(),
            "unexpected end of JSON input"
        );
        assert_eq!(
            decode("x").unwrap_err(),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            decode("{} x").unwrap_err(),
            "invalid character 'x' after top-level value"
        );
    }
}
