//! Helm's `strvals`: the `--set` grammar (`a.b=c,d[0].e=f`, `{x,y}` lists,
//! `\` escapes, `null`), with the value kinds of `--set` (typed: `int64`,
//! `bool`, `null`), `--set-string` (strings), `--set-file` (a file's contents)
//! and `--set-json` (JSON). Each value remembers the range of the flag text it
//! was read from.

use crate::value::{Data, Map, Value, ValueOrigin};
use stockade_source::Span;

const MAX_INDEX: usize = 65536;
const MAX_NESTED_NAME_LEVEL: usize = 30;

/// How the value text of an assignment becomes a value.
pub enum Reader<'r> {
    /// `--set`: `true`/`false`/`null`/integers typed, the rest strings.
    Typed,
    /// `--set-string`.
    String,
    /// `--set-json`.
    Json,
    /// `--set-file`: the contents of the named file, read by the caller.
    File(&'r dyn Fn(&str) -> Result<String, String>),
}

/// Parse `text` into `dest`. `source` and `offset` locate the text in the
/// values source that records the flag (origins).
pub fn parse_into(
    text: &str,
    dest: &mut Map,
    reader: &Reader<'_>,
    source: u32,
    offset: u32,
) -> Result<(), String> {
    let mut p = Parser {
        chars: text.char_indices().collect(),
        len: text.len(),
        at: 0,
        reader,
        source,
        offset,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {}
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Err(e)) => return Err(e),
        }
    }
}

enum Stop {
    Eof,
    Err(String),
}

impl From<String> for Stop {
    fn from(s: String) -> Self {
        Stop::Err(s)
    }
}

struct Parser<'r, 'f> {
    chars: Vec<(usize, char)>,
    len: usize,
    at: usize,
    reader: &'r Reader<'f>,
    source: u32,
    offset: u32,
}

/// Runes up to a stop rune: (text, the stop rune or None at the end, start byte, end byte).
struct Until {
    text: String,
    last: Option<char>,
    start: usize,
    end: usize,
}

impl Parser<'_, '_> {
    fn pos(&self) -> usize {
        self.chars.get(self.at).map_or(self.len, |c| c.0)
    }

    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.at).map(|c| c.1);
        if c.is_some() {
            self.at += 1;
        }
        c
    }

    fn until(&mut self, stop: &[char]) -> Until {
        let start = self.pos();
        let mut text = String::new();
        loop {
            let end = self.pos();
            match self.read() {
                None => {
                    return Until {
                        text,
                        last: None,
                        start,
                        end,
                    }
                }
                Some(c) if stop.contains(&c) => {
                    return Until {
                        text,
                        last: Some(c),
                        start,
                        end,
                    }
                }
                Some('\\') => match self.read() {
                    Some(n) => text.push(n),
                    None => {
                        return Until {
                            text,
                            last: None,
                            start,
                            end: self.pos(),
                        }
                    }
                },
                Some(c) => text.push(c),
            }
        }
    }

    fn origin(&self, start: usize, end: usize) -> Option<ValueOrigin> {
        Some(ValueOrigin {
            source: self.source,
            span: Span::from_range(start + self.offset as usize..end + self.offset as usize),
        })
    }

    fn convert(&self, text: &str, start: usize, end: usize) -> Result<Value, String> {
        let origin = self.origin(start, end);
        let data = match self.reader {
            Reader::String => Data::String(text.to_string()),
            Reader::Typed => typed(text),
            Reader::File(read) => Data::String(read(text)?),
            Reader::Json => Data::String(text.to_string()),
        };
        Ok(Value { data, origin })
    }

    fn key(&mut self, data: &mut Map, mut level: usize) -> Result<(), Stop> {
        let u = self.until(&['=', '[', ',', '.']);
        match u.last {
            None => {
                if u.text.is_empty() {
                    return Err(Stop::Eof);
                }
                Err(Stop::Err(format!("key {:?} has no value", u.text)))
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| format!("error parsing index: {e}"))?;
                let mut list = match data.remove(&u.text) {
                    Some(Value { data: Data::List(l), .. }) => l,
                    Some(_) => return Err(Stop::Err("unable to parse key: interface conversion: interface {} is not []interface {}".into())),
                    None => Vec::new(),
                };
                let r = self.list_item(&mut list, i, level);
                set(data, &u.text, Value::new(Data::List(list)));
                r
            }
            Some('=') => {
                if matches!(self.reader, Reader::Json) {
                    let v = self.json_value()?;
                    set(data, &u.text, v);
                    return Ok(());
                }
                match self.val_list()? {
                    ListOr::List(l, s, e) => {
                        set(
                            data,
                            &u.text,
                            Value {
                                data: Data::List(l),
                                origin: self.origin(s, e),
                            },
                        );
                        Ok(())
                    }
                    ListOr::Eof => {
                        set(
                            data,
                            &u.text,
                            Value::string("").with_origin(self.origin(u.end, u.end)),
                        );
                        Err(Stop::Eof)
                    }
                    ListOr::NotList => {
                        let v = self.until(&[',']);
                        let value = self.convert(&v.text, v.start, v.end)?;
                        set(data, &u.text, value);
                        Ok(())
                    }
                }
            }
            Some(',') => {
                set(data, &u.text, Value::string(""));
                Err(Stop::Err(format!(
                    "key {:?} has no value (cannot end with ,)",
                    u.text
                )))
            }
            Some(_) => {
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Stop::Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&u.text).map(|v| &v.data) {
                    Some(Data::Map(m)) => m.clone(),
                    Some(_) => return Err(Stop::Err("unable to parse key: interface conversion: interface {} is not map[string]interface {}".into())),
                    None => Map::new(),
                };
                let e = self.key(&mut inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(Stop::Err(format!("key map {:?} has no value", u.text)));
                }
                if !inner.is_empty() {
                    set(data, &u.text, Value::map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let u = self.until(&[']']);
        if u.last.is_none() {
            return Err("EOF".into());
        }
        u.text
            .parse::<i64>()
            .map_err(|_| format!("strconv.Atoi: parsing {:?}: invalid syntax", u.text))
    }

    fn list_item(&mut self, list: &mut Vec<Value>, i: i64, level: usize) -> Result<(), Stop> {
        if i < 0 {
            return Err(Stop::Err(format!("negative {i} index not allowed")));
        }
        let u = self.until(&['[', '.', '=']);
        if !u.text.is_empty() {
            return Err(Stop::Err(format!(
                "unexpected data at end of array index: {:?}",
                u.text
            )));
        }
        match u.last {
            None => Err(Stop::Eof),
            Some('=') => {
                if matches!(self.reader, Reader::Json) {
                    let v = self.json_value()?;
                    return set_index(list, i, v).map_err(Stop::Err);
                }
                match self.val_list()? {
                    ListOr::List(l, s, e) => {
                        let origin = self.origin(s, e);
                        set_index(
                            list,
                            i,
                            Value {
                                data: Data::List(l),
                                origin,
                            },
                        )
                        .map_err(Stop::Err)
                    }
                    ListOr::Eof => set_index(list, i, Value::string("")).map_err(Stop::Err),
                    ListOr::NotList => {
                        let v = self.until(&[',']);
                        let value = self.convert(&v.text, v.start, v.end)?;
                        set_index(list, i, value).map_err(Stop::Err)
                    }
                }
            }
            Some('[') => {
                let next = self
                    .key_index()
                    .map_err(|e| format!("error parsing index: {e}"))?;
                let mut crt = match usize::try_from(i).ok().and_then(|i| list.get(i)) {
                    Some(Value {
                        data: Data::List(l),
                        ..
                    }) => l.clone(),
                    _ => Vec::new(),
                };
                self.list_item(&mut crt, next, level)?;
                set_index(list, i, Value::new(Data::List(crt))).map_err(Stop::Err)
            }
            Some(_) => {
                let mut inner = match usize::try_from(i).ok().and_then(|i| list.get(i)) {
                    Some(Value {
                        data: Data::Map(m), ..
                    }) => m.clone(),
                    _ => Map::new(),
                };
                self.key(&mut inner, level)?;
                set_index(list, i, Value::map(inner)).map_err(Stop::Err)
            }
        }
    }

    fn val_list(&mut self) -> Result<ListOr, Stop> {
        let start = self.pos();
        match self.read() {
            None => return Ok(ListOr::Eof),
            Some('{') => {}
            Some(_) => {
                self.at -= 1;
                return Ok(ListOr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let u = self.until(&[',', '}']);
            match u.last {
                None => return Err(Stop::Err("list must terminate with '}'".into())),
                Some('}') => {
                    if let Some(c) = self.read() {
                        if c != ',' {
                            self.at -= 1;
                        }
                    }
                    list.push(self.convert(&u.text, u.start, u.end)?);
                    return Ok(ListOr::List(list, start, self.pos()));
                }
                Some(_) => list.push(self.convert(&u.text, u.start, u.end)?),
            }
        }
    }

    /// `--set-json` value: empty (null), or one JSON value then optional `,`.
    fn json_value(&mut self) -> Result<Value, Stop> {
        if self.empty_val() {
            return Ok(Value::null());
        }
        let start = self.pos();
        let rest = self.rest();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let json = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(Stop::Err(e.to_string())),
            None => return Err(Stop::Err("unexpected end of JSON input".into())),
        };
        let consumed = stream.byte_offset();
        let end = start + consumed;
        while self.pos() < end {
            self.at += 1;
        }
        let value = Value::from_json(&json, self.origin(start, end));
        self.empty_val();
        Ok(value)
    }

    fn rest(&self) -> String {
        self.chars
            .get(self.at..)
            .unwrap_or_default()
            .iter()
            .map(|c| c.1)
            .collect()
    }

    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.at -= 1;
                    return false;
                }
            }
        }
    }
}

enum ListOr {
    List(Vec<Value>, usize, usize),
    NotList,
    Eof,
}

fn set(data: &mut Map, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), val);
    }
}

fn set_index(list: &mut Vec<Value>, index: i64, val: Value) -> Result<(), String> {
    if index < 0 {
        return Err(format!("negative {index} index not allowed"));
    }
    let index = usize::try_from(index).unwrap_or(usize::MAX);
    if index > MAX_INDEX {
        return Err(format!(
            "index of {index} is greater than maximum supported index of {MAX_INDEX}"
        ));
    }
    if list.len() <= index {
        list.resize(index + 1, Value::null());
    }
    if let Some(slot) = list.get_mut(index) {
        *slot = val;
    }
    Ok(())
}

/// `typedVal` of `--set`.
pub fn typed(val: &str) -> Data {
    if val.eq_ignore_ascii_case("true") {
        return Data::Bool(true);
    }
    if val.eq_ignore_ascii_case("false") {
        return Data::Bool(false);
    }
    if val.eq_ignore_ascii_case("null") {
        return Data::Null;
    }
    if val == "0" {
        return Data::Int(0);
    }
    if !val.is_empty() && !val.starts_with('0') {
        if let Ok(i) = go_parse_int(val) {
            return Data::Int(i);
        }
    }
    Data::String(val.to_string())
}

/// `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits (underscores
/// are not allowed in base 10).
fn go_parse_int(s: &str) -> Result<i64, ()> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    s.parse::<i64>().map_err(|_| ())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(s: &str) -> serde_json::Value {
        let mut m = Map::new();
        parse_into(s, &mut m, &Reader::Typed, 0, 0).unwrap();
        Value::map(m).to_json()
    }

    #[test]
    fn grammar() {
        assert_eq!(
            parse("a=b,c.d=1"),
            serde_json::json!({"a": "b", "c": {"d": 1}})
        );
        assert_eq!(
            parse("a[1].b=x"),
            serde_json::json!({"a": [null, {"b": "x"}]})
        );
        assert_eq!(parse("a={x,y}"), serde_json::json!({"a": ["x", "y"]}));
        assert_eq!(parse(r"a\.b=c\,d"), serde_json::json!({"a.b": "c,d"}));
        assert_eq!(
            parse("a=null,b=007,c=true"),
            serde_json::json!({"a": null, "b": "007", "c": true})
        );
        let mut m = Map::new();
        let e = parse_into("a", &mut m, &Reader::Typed, 0, 0).unwrap_err();
        assert_eq!(e, "key \"a\" has no value");
        let mut m = Map::new();
        parse_into("a.b={\"x\": [1, 2]},c=", &mut m, &Reader::Json, 0, 0).unwrap();
        assert_eq!(
            Value::map(m).to_json(),
            serde_json::json!({"a": {"b": {"x": [1.0, 2.0]}}, "c": null})
        );
    }
}
