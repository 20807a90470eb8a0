//! `configMapGenerator` / `secretGenerator`, and the content-hash name suffix.

use crate::node::{KNode, KVal};
use sha2::{Digest, Sha256};

/// kustomize's hash of a `ConfigMap` or Secret (`hasher.Hash`): SHA-256 of a small
/// JSON encoding, first ten hex digits with `0 1 3 a e` mapped to `g h k m t`.
pub fn hash(node: &KNode) -> String {
    let kind = node.get_str("kind").unwrap_or("");
    // kustomize looks the name up as one field named `metadata/name`, which
    // never exists: the name in the hashed text is always empty.
    let name = String::new();
    let field = |k: &str| -> serde_json::Value {
        match node.get(k) {
            None => serde_json::Value::String(String::new()),
            Some(n) if matches!(n.v, KVal::Map(_) | KVal::Seq(_)) => n.to_json(),
            Some(n) => serde_json::Value::String(n.scalar_text().unwrap_or_default()),
        }
    };
    let mut m = serde_json::Map::new();
    if kind == "Secret" {
        m.insert("kind".into(), "Secret".into());
        m.insert("type".into(), field("type"));
        m.insert("name".into(), name.into());
        m.insert("data".into(), field("data"));
        if matches!(node.get("stringData").map(|n| &n.v), Some(KVal::Map(_))) {
            m.insert("stringData".into(), field("stringData"));
        }
    } else {
        m.insert("kind".into(), "ConfigMap".into());
        m.insert("name".into(), name.into());
        m.insert("data".into(), field("data"));
        if matches!(node.get("binaryData").map(|n| &n.v), Some(KVal::Map(_))) {
            m.insert("binaryData".into(), field("binaryData"));
        }
    }
    let text = go_json(&serde_json::Value::Object(m));
    let digest = Sha256::digest(text.as_bytes());
    digest
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(10)
        .map(|n| match n {
            0 => 'g',
            1 => 'h',
            3 => 'k',
            10 => 'm',
            14 => 't',
            n => char::from_digit(u32::from(n), 16).unwrap_or('0'),
        })
        .collect()
}

/// Go's `json.Marshal` text (keys sorted, `<`, `>`, `&` and U+2028/9 escaped).
pub fn go_json(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value as J;
    match v {
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                stockade_source::go::json_quote_into(out, k, true);
                out.push(':');
                if let Some(x) = m.get(*k) {
                    write_json(x, out);
                }
            }
            out.push('}');
        }
        J::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out);
            }
            out.push(']');
        }
        J::String(s) => stockade_source::go::json_quote_into(out, s, true),
        other => out.push_str(&other.to_string()),
    }
}

pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = ((n >> (18 - 6 * i)) & 63) as usize;
                out.push(char::from(T.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 broken into lines of 70 characters, each ending in a newline, when
/// longer than one line (kyaml's `encodeBase64`).
pub fn base64_lines(data: &[u8]) -> String {
    let enc = base64(data);
    if enc.len() < 70 {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / 70 + 1);
    let bytes = enc.as_bytes();
    for chunk in bytes.chunks(70) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
    out
}

/// Parse an env file as kustomize does: `KEY=VALUE` lines, `#` comments and
/// blank lines skipped, a leading BOM dropped.
pub fn parse_env(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("line {}: key `{line}` has no value", i + 1));
        };
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

/// A literal `key=value`, with one pair of surrounding quotes removed from the value.
pub fn parse_literal(lit: &str) -> Result<(String, String), String> {
    let Some((k, v)) = lit.split_once('=') else {
        return Err(format!("invalid literal `{lit}`: expected key=value"));
    };
    let v = if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        v.get(1..v.len() - 1).unwrap_or(v)
    } else {
        v
    };
    Ok((k.to_string(), v.to_string()))
}
