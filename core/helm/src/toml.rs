//! `fromToml`: the TOML charts feed it (tables, arrays of tables, dotted and
//! quoted keys, strings, integers, floats, booleans, arrays, inline tables),
//! decoded as BurntSushi/toml decodes into `map[string]interface{}`
//! (integers `int64`, floats `float64`), with its error text for a line that
//! is not `key = value`.

use std::collections::BTreeMap;

use stockade_gotemplate::{IntType, Value as GoValue};

type Table = BTreeMap<String, GoValue>;

struct P<'a> {
    s: &'a [u8],
    i: usize,
    line: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }
    fn ws_nl(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.i += 1,
                Some(b'\n') => {
                    self.i += 1;
                    self.line += 1;
                }
                Some(b'#') => {
                    while !matches!(self.peek(), None | Some(b'\n')) {
                        self.i += 1;
                    }
                }
                _ => return,
            }
        }
    }
    fn err(&self, msg: &str) -> String {
        format!("toml: line {}: {msg}", self.line)
    }
    fn key_part(&mut self) -> Result<String, String> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'\'') => self.literal(),
            _ => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                {
                    self.i += 1;
                }
                if start == self.i {
                    return Err(self.err("expected key"));
                }
                Ok(
                    String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default())
                        .into_owned(),
                )
            }
        }
    }
    fn key(&mut self) -> Result<Vec<String>, String> {
        let mut parts = vec![self.key_part()?];
        loop {
            self.ws();
            if self.peek() == Some(b'.') {
                self.i += 1;
                parts.push(self.key_part()?);
            } else {
                return Ok(parts);
            }
        }
    }
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(self.err("unexpected EOF in string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.peek().ok_or_else(|| self.err("unexpected EOF"))?;
                    self.i += 1;
                    out.push(match c {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'"' => '"',
                        b'\\' => '\\',
                        other => char::from(other),
                    });
                }
                Some(_) => {
                    let rest = std::str::from_utf8(self.s.get(self.i..).unwrap_or_default())
                        .unwrap_or_default();
                    let ch = rest.chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.i += ch.len_utf8().max(1);
                }
            }
        }
    }
    fn literal(&mut self) -> Result<String, String> {
        self.i += 1;
        let start = self.i;
        while !matches!(self.peek(), None | Some(b'\'' | b'\n')) {
            self.i += 1;
        }
        let out =
            String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default()).into_owned();
        if self.peek() != Some(b'\'') {
            return Err(self.err("unexpected EOF in string"));
        }
        self.i += 1;
        Ok(out)
    }
    fn value(&mut self, depth: usize) -> Result<GoValue, String> {
        if depth > 64 {
            return Err(self.err("nesting too deep"));
        }
        self.ws();
        match self.peek() {
            Some(b'"') => self.string().map(GoValue::string),
            Some(b'\'') => self.literal().map(GoValue::string),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws_nl();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        return Ok(GoValue::list(items));
                    }
                    items.push(self.value(depth + 1)?);
                    self.ws_nl();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => return Err(self.err("expected ',' or ']'")),
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut t = Table::new();
                loop {
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        return Ok(GoValue::map(t));
                    }
                    let k = self.key()?;
                    self.ws();
                    if self.peek() != Some(b'=') {
                        return Err(self.err("expected '='"));
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    insert(&mut t, &k, v).map_err(|e| self.err(&e))?;
                    self.ws();
                    if self.peek() == Some(b',') {
                        self.i += 1;
                    }
                }
            }
            _ => {
                let start = self.i;
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b'\n' | b'#' | b'\r')
                ) {
                    self.i += 1;
                }
                let word = String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default())
                    .trim()
                    .to_string();
                match word.as_str() {
                    "true" => Ok(GoValue::Bool(true)),
                    "false" => Ok(GoValue::Bool(false)),
                    w => {
                        let plain = w.replace('_', "");
                        if let Ok(i) = plain.parse::<i64>() {
                            Ok(GoValue::Int(i, IntType::Int64))
                        } else if let Ok(f) = plain.parse::<f64>() {
                            Ok(GoValue::float(f))
                        } else {
                            Err(self.err(&format!("expected value but found {w:?} instead")))
                        }
                    }
                }
            }
        }
    }
}

fn insert(t: &mut Table, key: &[String], v: GoValue) -> Result<(), String> {
    let Some((last, path)) = key.split_last() else {
        return Ok(());
    };
    let mut at = t;
    for k in path {
        at = table_at(at, k)?;
    }
    at.insert(last.clone(), v);
    Ok(())
}

fn table_at<'t>(t: &'t mut Table, k: &str) -> Result<&'t mut Table, String> {
    let entry = t
        .entry(k.to_string())
        .or_insert_with(|| GoValue::map(Table::new()));
    match entry {
        GoValue::Map(m) => Ok(std::sync::Arc::make_mut(m).entries.map_mut()),
        GoValue::List(l) => match std::sync::Arc::make_mut(l).items.last_mut() {
            Some(GoValue::Map(m)) => Ok(std::sync::Arc::make_mut(m).entries.map_mut()),
            _ => Err(format!("key {k:?} is not a table")),
        },
        _ => Err(format!("key {k:?} is not a table")),
    }
}

/// Parse a TOML document into Go values; `Err` with `BurntSushi`'s text.
pub fn from_toml(text: &str) -> Result<GoValue, String> {
    let mut p = P {
        s: text.as_bytes(),
        i: 0,
        line: 1,
    };
    let mut root = Table::new();
    let mut current: Vec<String> = Vec::new();
    loop {
        p.ws_nl();
        let Some(c) = p.peek() else { break };
        if c == b'[' {
            p.i += 1;
            let array = p.peek() == Some(b'[');
            if array {
                p.i += 1;
            }
            let key = p.key()?;
            p.ws();
            for _ in 0..(if array { 2 } else { 1 }) {
                if p.peek() != Some(b']') {
                    return Err(p.err("expected ']'"));
                }
                p.i += 1;
            }
            if array {
                let (last, path) = key.split_last().ok_or_else(|| p.err("empty key"))?;
                let mut at = &mut root;
                for k in path {
                    at = table_at(at, k).map_err(|e| p.err(&e))?;
                }
                let entry = at
                    .entry(last.clone())
                    .or_insert_with(|| GoValue::list(Vec::new()));
                match entry {
                    GoValue::List(l) => std::sync::Arc::make_mut(l)
                        .items
                        .push(GoValue::map(Table::new())),
                    _ => return Err(p.err(&format!("key {last:?} is not an array of tables"))),
                }
            } else {
                let mut at = &mut root;
                for k in &key {
                    at = table_at(at, k).map_err(|e| p.err(&e))?;
                }
            }
            current = key;
            continue;
        }
        let key = p.key()?;
        p.ws();
        if p.peek() != Some(b'=') {
            let what = if p.peek().is_none() {
                "unexpected EOF"
            } else {
                "unexpected character"
            };
            return Err(p.err(&format!("{what}; expected key separator '='")));
        }
        p.i += 1;
        let v = p.value(0)?;
        let mut at = &mut root;
        for k in &current {
            at = table_at(at, k).map_err(|e| p.err(&e))?;
        }
        insert(at, &key, v).map_err(|e| p.err(&e))?;
    }
    Ok(GoValue::map(root))
}
