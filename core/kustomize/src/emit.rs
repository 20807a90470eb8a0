//! Kustomize's output, byte for byte.
//!
//! `ResMap.AsYaml` writes each resource as `yaml.JSONToYAML(resource.MarshalJSON())`
//! (sigs.k8s.io/yaml: the JSON is decoded by go-yaml v2 and encoded again by
//! go-yaml v2) and joins the documents with `---\n`. So the output is go-yaml v2's
//! encoder on a JSON value: keys sorted with go-yaml v2's key order, strings quoted
//! when go-yaml v2 would read them as something else, multi-line strings as literal
//! blocks, long lines folded at 80 columns, block sequences not indented under
//! their key. This module is that encoder (libyaml's emitter as go-yaml v2 sets it
//! up: indent 2, width 80, unicode), and it records where each node landed so the
//! build can give every rendered node its origin.

use crate::node::{KNode, KVal};

/// One rendered node: its byte range in the output and the node's origins.
#[derive(Debug, Clone)]
pub struct Placed {
    pub start: u32,
    pub end: u32,
    pub base: Option<crate::node::Loc>,
    pub by: Option<(crate::node::Loc, stockade_source::origin::OriginRole)>,
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    placed: Vec<Placed>,
}

const BEST_WIDTH: usize = 80;

/// Render one resource as kustomize prints it; `placed` gets the range of every
/// node (offsets relative to the start of this document's text).
pub fn render_doc(node: &KNode, placed: &mut Vec<Placed>) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        open_ended: false,
        placed: Vec::new(),
    };
    e.node(node, 0, Ctx::Root);
    // document end: write_indent
    if !e.indention || e.column > 0 {
        e.put_break();
    }
    if e.open_ended {
        e.out.push_str("...\n");
    }
    placed.append(&mut e.placed);
    e.out
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Root,
    MapValue,
    SeqItem,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self, indent: usize) {
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn place(&mut self, node: &KNode, start: usize) {
        self.placed.push(Placed {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(self.out.len()).unwrap_or(u32::MAX),
            base: node.base,
            by: node.by,
        });
    }

    /// Emit `node`; `indent` is the indent of the enclosing block (the column of
    /// the keys of the mapping holding it, or of the `-` of its sequence).
    fn node(&mut self, node: &KNode, indent: usize, ctx: Ctx) {
        match &node.v {
            KVal::Map(entries) if !entries.is_empty() => {
                let inner = match ctx {
                    Ctx::Root => 0,
                    _ => indent + 2,
                };
                let mut sorted: Vec<&(String, KNode)> = entries.iter().collect();
                sorted.sort_by(|a, b| key_cmp(&a.0, &b.0));
                let mut start = None;
                for (k, v) in sorted {
                    self.write_indent(inner);
                    if start.is_none() {
                        start = Some(self.out.len());
                    }
                    self.scalar_str(k, inner, true);
                    self.write_indicator(":", false, false, false);
                    self.node(v, inner, Ctx::MapValue);
                }
                self.place(node, start.unwrap_or(self.out.len()));
            }
            KVal::Seq(items) if !items.is_empty() => {
                // Sequences under a mapping key are not indented.
                let inner = match ctx {
                    Ctx::Root => 0,
                    Ctx::MapValue => indent,
                    Ctx::SeqItem => indent + 2,
                };
                let mut start = None;
                for item in items {
                    self.write_indent(inner);
                    if start.is_none() {
                        start = Some(self.out.len());
                    }
                    self.write_indicator("-", true, false, true);
                    self.node(item, inner, Ctx::SeqItem);
                }
                self.place(node, start.unwrap_or(self.out.len()));
            }
            KVal::Map(_) => {
                self.write_indicator("{", true, true, false);
                let start = self.out.len() - 1;
                self.write_indicator("}", false, false, false);
                self.place(node, start);
            }
            KVal::Seq(_) => {
                self.write_indicator("[", true, true, false);
                let start = self.out.len() - 1;
                self.write_indicator("]", false, false, false);
                self.place(node, start);
            }
            KVal::Str(s) => {
                let start = self.out.len() + usize::from(!self.whitespace);
                // A raw NEL in the JSON text go-yaml reads back is a line break
                // in a double-quoted scalar: folded into a space.
                let folded;
                let s = if s.contains('\u{85}') {
                    folded = s.replace('\u{85}', " ");
                    &folded
                } else {
                    s
                };
                self.scalar_str(s, indent + 2, false);
                self.place(node, start);
            }
            KVal::Time(raw) => {
                let start = self.out.len() + usize::from(!self.whitespace);
                let s = go_time(raw).unwrap_or_else(|| raw.clone());
                self.scalar_str(&s, indent + 2, false);
                self.place(node, start);
            }
            other => {
                let text = scalar_plain_text(other);
                let start = self.out.len() + usize::from(!self.whitespace);
                self.write_plain(&text, indent + 2, false);
                self.place(node, start);
            }
        }
    }

    fn scalar_str(&mut self, s: &str, indent: usize, simple_key: bool) {
        #[derive(PartialEq)]
        enum St {
            Plain,
            Single,
            Double,
            Literal,
        }
        let can_plain = stockade_yaml::plain_reads_as_string(s);
        let a = stockade_yaml::goyaml::analyze(s);
        let mut style = if s.contains('\n') {
            St::Literal
        } else if can_plain {
            St::Plain
        } else {
            St::Double
        };
        if style == St::Plain && (!a.block_plain || (s.is_empty() && simple_key)) {
            style = St::Single;
        }
        if style == St::Single && !a.single_quoted {
            style = St::Double;
        }
        if style == St::Literal && (!a.block || simple_key) {
            style = St::Double;
        }
        match style {
            St::Plain => self.write_plain(s, indent, !simple_key),
            St::Single => self.write_single(s, indent, !simple_key),
            St::Double => self.write_double(s, indent, !simple_key),
            St::Literal => self.write_literal(s, indent),
        }
    }

    fn write_plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let n = chars.len();
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i + 1 != n
                    && !next_space
                {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                // A line or paragraph separator is written as is; the text
                // goes on indented on the next line.
                self.out.push(c);
                self.column = 0;
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                    breaks = false;
                }
                self.put(c);
                if c == '\'' {
                    self.put('\'');
                }
                self.indention = false;
                spaces = false;
            }
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml's `is_bom` looks at the string's first bytes whatever the
        // position: a string that starts with a BOM has every character escaped.
        let starts_with_bom = s.starts_with('\u{feff}');
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let n = chars.len();
        for (i, &c) in chars.iter().enumerate() {
            if starts_with_bom
                || !is_printable(c)
                || c == '\u{feff}'
                || is_break(c)
                || c == '"'
                || c == '\\'
            {
                self.put('\\');
                let esc = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                if let Some(e) = esc {
                    self.put(e);
                } else {
                    let v = u32::from(c);
                    let text = if v <= 0xff {
                        format!("x{v:02X}")
                    } else if v <= 0xffff {
                        format!("u{v:04X}")
                    } else {
                        format!("U{v:08X}")
                    };
                    for ch in text.chars() {
                        self.put(ch);
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i + 1 != n {
                    self.write_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
    }

    fn write_literal(&mut self, s: &str, indent: usize) {
        self.write_indicator("|", true, false, false);
        let first = s.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.put('2');
        }
        self.open_ended = false;
        let chars: Vec<char> = s.chars().collect();
        let last = chars.last().copied();
        if chars.is_empty() || !last.is_some_and(is_break) {
            self.put('-');
        } else if chars.len() == 1 || chars.get(chars.len() - 2).is_some_and(|c| is_break(*c)) {
            self.put('+');
            self.open_ended = true;
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in chars {
            if is_break(c) {
                self.put_break();
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// go-yaml's YAML-style float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
pub fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A Go `time.Parse` layout yaml reads as a timestamp (`2006-1-2`, with a time).
pub fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let mut i = 5;
    let num = |i: &mut usize| {
        let st = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) && *i - st < 2 {
            *i += 1;
        }
        *i - st
    };
    if num(&mut i) == 0 || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if num(&mut i) == 0 {
        return false;
    }
    if i == b.len() {
        return true;
    }
    // With a time: `T`/`t`/` ` then h:m:s[.frac][zone]
    if !matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        return false;
    }
    i += 1;
    for sep in [b':', b':'] {
        if num(&mut i) == 0 || b.get(i) != Some(&sep) {
            return false;
        }
        i += 1;
    }
    if num(&mut i) == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    let rest = s.get(i..).unwrap_or("");
    rest.is_empty()
        || rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes().first(), Some(b'+' | b'-'))
            && rest.get(3..4) == Some(":"))
}

/// The RFC 3339 text Go gives a timestamp yaml.v3 reads (`2001-12-14` →
/// `2001-12-14T00:00:00Z`), or `None` when `s` is not one of its layouts
/// (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` with `T` or `t`,
/// `2006-1-2 15:4:5.999999999`).
#[allow(clippy::many_single_char_names)] // date parts, as in Go's layouts
pub fn go_time(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
        let st = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) && *i - st < max {
            *i += 1;
        }
        if *i - st < min {
            return None;
        }
        s.get(st..*i)?.parse().ok()
    };
    let year = num(&mut i, 4, 4)?;
    (b.get(i) == Some(&b'-')).then_some(())?;
    i += 1;
    let month = num(&mut i, 1, 2)?;
    (b.get(i) == Some(&b'-')).then_some(())?;
    i += 1;
    let day = num(&mut i, 1, 2)?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day == 0 || day > *days.get(month as usize - 1)? {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if i == b.len() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let sep = *b.get(i)?;
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    i += 1;
    let h = num(&mut i, 1, 2)?;
    (b.get(i) == Some(&b':')).then_some(())?;
    i += 1;
    let m = num(&mut i, 1, 2)?;
    (b.get(i) == Some(&b':')).then_some(())?;
    i += 1;
    let sec = num(&mut i, 1, 2)?;
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let mut frac = String::new();
    if b.get(i) == Some(&b'.') {
        i += 1;
        let st = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        frac = s
            .get(st..i)?
            .chars()
            .take(9)
            .collect::<String>()
            .trim_end_matches('0')
            .to_string();
    }
    let zone = match s.get(i..)? {
        "" => "Z".to_string(),
        "Z" if sep != b' ' => "Z".to_string(),
        z if sep != b' '
            && z.len() == 6
            && matches!(z.as_bytes().first(), Some(b'+' | b'-'))
            && z.get(3..4) == Some(":")
            && z.get(1..3)
                .is_some_and(|x| x.bytes().all(|c| c.is_ascii_digit()))
            && z.get(4..6)
                .is_some_and(|x| x.bytes().all(|c| c.is_ascii_digit())) =>
        {
            if z.get(1..3) == Some("00") && z.get(4..6) == Some("00") {
                "Z".to_string()
            } else {
                z.to_string()
            }
        }
        _ => return None,
    };
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    Some(format!("{date}T{h:02}:{m:02}:{sec:02}{frac}{zone}"))
}

fn scalar_plain_text(v: &KVal) -> String {
    match v {
        KVal::Null => "null".into(),
        KVal::Bool(b) => b.to_string(),
        KVal::Int(i) => i.to_string(),
        KVal::Float(f) => {
            let json = go_json_float(*f);
            if json.contains(['.', 'e', 'E']) {
                stockade_source::go::format_float_g(*f, false)
            } else {
                // go-yaml reads the JSON number back as an integer (`-0` is 0).
                json.parse::<i128>().map_or(json, |i| i.to_string())
            }
        }
        _ => String::new(),
    }
}

/// Go's `encoding/json` text of a float64; the non-finite ones (which JSON
/// cannot hold) in YAML's spelling.
pub fn go_json_float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.into()
    } else {
        stockade_source::go::format_float_json(f, false)
    }
}

pub use stockade_yaml::goyaml::key_cmp;
use stockade_yaml::goyaml::{is_break, is_printable};
