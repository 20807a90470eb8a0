//! Helm's `toYaml`: sigs.k8s.io/yaml's `Marshal` — `encoding/json` first, then
//! the JSON read back by go-yaml v2 and written by go-yaml v2's emitter (keys
//! in its natural order, YAML 1.1 quoting, indentless sequences in mappings,
//! `|` blocks for multi-line strings, plain and quoted scalars folded past
//! column 80). Also Go's `encoding/json` (`toJson`) and float formatting.

use stockade_source::go;
use stockade_yaml::goyaml::{self, is_break, is_printable, Analysis};

/// A value after the JSON round trip: what go-yaml's encoder sees.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    String(String),
    List(Vec<Json>),
    /// Keys in go-yaml v2's order (see [`goyaml::key_less`]).
    Map(Vec<(String, Json)>),
}

/// Sort map entries in go-yaml v2's order.
pub fn sort_yaml_keys(entries: &mut [(String, Json)]) {
    entries.sort_by(|a, b| goyaml::key_cmp(&a.0, &b.0));
}

/// The number go-yaml reads back from JSON number text.
pub fn number_from_json_text(text: &str) -> Json {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(i) = text.parse::<i64>() {
            return Json::Int(i);
        }
        if let Ok(u) = text.parse::<u64>() {
            return Json::Uint(u);
        }
    }
    Json::Float(text.parse::<f64>().unwrap_or(0.0))
}

const BEST_WIDTH: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn put(&mut self, s: &str) {
        for c in s.chars() {
            self.put_char(c);
        }
    }

    fn put_char(&mut self, c: char) {
        if c == '\n' {
            self.column = 0;
        } else {
            self.column += 1;
        }
        self.out.push(c);
    }

    fn newline_indent(&mut self, indent: usize) {
        self.put_char('\n');
        for _ in 0..indent {
            self.put_char(' ');
        }
    }

    /// Choose the style of a string scalar (`simple_key`: written as a mapping key).
    fn string_style(value: &str, simple_key: bool, flow: bool) -> (Style, Analysis) {
        let a = goyaml::analyze(value);
        let can_plain = yaml_plain_ok(value);
        let mut style = if value.contains('\n') {
            Style::Literal
        } else if can_plain {
            Style::Plain
        } else {
            Style::Double
        };
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (flow && !a.flow_plain) || (!flow && !a.block_plain) {
                style = Style::Single;
            }
            if value.is_empty() && (flow || simple_key) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block || flow || simple_key) {
            style = Style::Double;
        }
        (style, a)
    }

    /// Write a string scalar; `indent` is the indentation of continuation lines.
    fn string(&mut self, value: &str, indent: usize, simple_key: bool) {
        let (style, _) = Self::string_style(value, simple_key, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.plain(value, indent, allow_breaks),
            Style::Single => self.single(value, indent, allow_breaks),
            Style::Double => self.double(value, indent, allow_breaks),
            Style::Literal => self.literal(value, indent),
        }
    }

    fn plain(&mut self, value: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.newline_indent(indent);
                } else {
                    self.put_char(c);
                }
                spaces = true;
            } else {
                self.put_char(c);
                spaces = false;
            }
        }
    }

    fn single(&mut self, value: &str, indent: usize, allow_breaks: bool) {
        self.put_char('\'');
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < n
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.newline_indent(indent);
                } else {
                    self.put_char(c);
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.put_char('\'');
                }
                self.put_char(c);
                spaces = false;
            }
        }
        self.put_char('\'');
    }

    fn double(&mut self, value: &str, indent: usize, allow_breaks: bool) {
        self.put_char('"');
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put_char('\\');
                let esc = match c {
                    '\0' => "0".to_string(),
                    '\u{7}' => "a".to_string(),
                    '\u{8}' => "b".to_string(),
                    '\t' => "t".to_string(),
                    '\n' => "n".to_string(),
                    '\u{B}' => "v".to_string(),
                    '\u{C}' => "f".to_string(),
                    '\r' => "r".to_string(),
                    '\u{1B}' => "e".to_string(),
                    '"' => "\"".to_string(),
                    '\\' => "\\".to_string(),
                    '\u{85}' => "N".to_string(),
                    '\u{A0}' => "_".to_string(),
                    '\u{2028}' => "L".to_string(),
                    '\u{2029}' => "P".to_string(),
                    c if (c as u32) <= 0xFF => format!("x{:02X}", c as u32),
                    c if (c as u32) <= 0xFFFF => format!("u{:04X}", c as u32),
                    c => format!("U{:08X}", c as u32),
                };
                self.put(&esc);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < n {
                    self.newline_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put_char('\\');
                    }
                } else {
                    self.put_char(c);
                }
                spaces = true;
            } else {
                self.put_char(c);
                spaces = false;
            }
            i += 1;
        }
        self.put_char('"');
    }

    fn literal(&mut self, value: &str, indent: usize) {
        self.put_char('|');
        let first = value.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.put("2");
        }
        let chars: Vec<char> = value.chars().collect();
        let chomp = match chars.len() {
            0 => "-",
            n => {
                let at = |k: usize| chars.get(n - k).copied().unwrap_or(' ');
                if !is_break(at(1)) {
                    "-"
                } else if n == 1 || is_break(at(2)) {
                    "+"
                } else {
                    ""
                }
            }
        };
        self.put(chomp);
        self.put_char('\n');
        let mut at_line_start = true;
        for &c in &chars {
            if is_break(c) {
                self.put_char('\n');
                at_line_start = true;
            } else {
                if at_line_start {
                    for _ in 0..indent {
                        self.put_char(' ');
                    }
                    at_line_start = false;
                }
                self.put_char(c);
            }
        }
        if !at_line_start {
            self.put_char('\n');
        }
    }

    fn scalar_text(v: &Json) -> Option<String> {
        Some(match v {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Int(i) => i.to_string(),
            Json::Uint(u) => u.to_string(),
            Json::Float(f) => match go::format_float_g(*f, false).as_str() {
                "+Inf" => ".inf".into(),
                "-Inf" => "-.inf".into(),
                "NaN" => ".nan".into(),
                s => s.to_string(),
            },
            Json::Map(m) if m.is_empty() => "{}".into(),
            Json::List(l) if l.is_empty() => "[]".into(),
            _ => return None,
        })
    }

    /// A scalar, ending its line (literal blocks end their own).
    fn scalar_line(&mut self, v: &Json, indent: usize) {
        if let Json::String(s) = v {
            let literal = Self::string_style(s, false, false).0 == Style::Literal;
            self.string(s, indent, false);
            if !literal {
                self.put_char('\n');
            }
        } else if let Some(t) = Self::scalar_text(v) {
            self.put(&t);
            self.put_char('\n');
        }
    }

    /// Mapping entries at `indent` (the first key written at the current position).
    fn map(&mut self, entries: &[(String, Json)], indent: usize) {
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                for _ in 0..indent {
                    self.put_char(' ');
                }
            }
            self.string(k, indent + 2, true);
            self.put_char(':');
            match v {
                Json::Map(m) if !m.is_empty() => {
                    self.put_char('\n');
                    for _ in 0..indent + 2 {
                        self.put_char(' ');
                    }
                    self.map(m, indent + 2);
                }
                Json::List(l) if !l.is_empty() => {
                    self.put_char('\n');
                    for _ in 0..indent {
                        self.put_char(' ');
                    }
                    self.list(l, indent);
                }
                _ => {
                    self.put_char(' ');
                    self.scalar_line(v, indent + 2);
                }
            }
        }
    }

    /// Sequence items at `indent` (the first `- ` written at the current position).
    fn list(&mut self, items: &[Json], indent: usize) {
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                for _ in 0..indent {
                    self.put_char(' ');
                }
            }
            self.put("- ");
            match v {
                Json::Map(m) if !m.is_empty() => self.map(m, indent + 2),
                Json::List(l) if !l.is_empty() => self.list(l, indent + 2),
                _ => self.scalar_line(v, indent + 2),
            }
        }
    }
}

fn yaml_plain_ok(s: &str) -> bool {
    stockade_yaml::plain_reads_as_string(s)
}

/// go-yaml v2's document for `v` (what `yaml.Marshal` returns, with its final newline).
pub fn to_yaml(v: &Json) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
    };
    match v {
        Json::Map(m) if !m.is_empty() => e.map(m, 0),
        Json::List(l) if !l.is_empty() => e.list(l, 0),
        _ => e.scalar_line(v, 2),
    }
    e.out
}

/// Go's `encoding/json` `Marshal` of a [`Json`] (keys sorted bytewise, HTML
/// characters escaped as `\u003c`, floats as Go writes them).
pub fn to_json(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(i) => out.push_str(&i.to_string()),
        Json::Uint(u) => out.push_str(&u.to_string()),
        Json::Float(f) => out.push_str(&go::format_float_json(*f, false)),
        Json::String(s) => go::json_quote_into(out, s, true),
        Json::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                to_json(x, out);
            }
            out.push(']');
        }
        Json::Map(m) => {
            let mut entries: Vec<&(String, Json)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, x)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go::json_quote_into(out, k, true);
                out.push(':');
                to_json(x, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    fn m(entries: Vec<(&str, Json)>) -> Json {
        let mut e: Vec<(String, Json)> = entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        sort_yaml_keys(&mut e);
        Json::Map(e)
    }

    fn s(v: &str) -> Json {
        Json::String(v.to_string())
    }

    #[test]
    fn formats_as_go_yaml_v2() {
        let v = m(vec![
            (
                "b",
                Json::List(vec![
                    Json::Int(1),
                    m(vec![("x", s("z")), ("a", Json::Null)]),
                ]),
            ),
            ("a", s("true")),
            ("c", s("line1\nline2")),
            ("d", s("")),
            ("e", s("a: b")),
            ("f", Json::Float(1.5)),
            ("g", m(vec![])),
            ("h", s("x\n")),
            ("i", s("tab\there")),
        ]);
        assert_eq!(
            to_yaml(&v),
            "a: \"true\"\nb:\n- 1\n- a: null\n  x: z\nc: |-\n  line1\n  line2\nd: \"\"\ne: 'a: b'\nf: 1.5\ng: {}\nh: |\n  x\ni: \"tab\\there\"\n"
        );
        assert!(goyaml::key_less("a2", "a10"));
        assert!(!goyaml::key_less("b", "B1"));
        let long = "word ".repeat(30);
        let folded = to_yaml(&m(vec![("k", s(long.trim()))]));
        assert!(folded.contains("\n  word"), "{folded}");
    }
}
