//! Helm's `toYaml`: sigs.k8s.io/yaml's `Marshal` — `encoding/json` first, then
//! the JSON read back by go-yaml v2 and written by go-yaml v2's emitter (keys
//! in its natural order, YAML 1.1 quoting, indentless sequences in mappings,
//! `|` blocks for multi-line strings, plain and quoted scalars folded past
//! column 80). Also Go's `encoding/json` (`toJson`) and float formatting.

use std::fmt::Write as _;

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
    /// Keys in go-yaml v2's order (see [`yaml_key_less`]).
    Map(Vec<(String, Json)>),
}

/// Go's `strconv.FormatFloat(f, fmt, -1, 64)` for `fmt` `g` or `e`, and
/// `encoding/json`'s float format when `json` is set.
pub fn go_float(f: f64, json: bool) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    let abs = f.abs();
    let use_exp = if json {
        !(1e-6..1e21).contains(&abs)
    } else {
        !(-4..6).contains(&exp)
    };
    if use_exp {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let mut s = format!("{sign}{first}");
        if !rest.is_empty() {
            s.push('.');
            s.push_str(rest);
        }
        let e_sign = if exp < 0 { '-' } else { '+' };
        let e_abs = exp.unsigned_abs();
        if json && e_sign == '-' {
            // encoding/json cleans `e-07` up to `e-7`.
            let _ = write!(s, "e-{e_abs}");
        } else {
            let _ = write!(s, "e{e_sign}{e_abs:02}");
        }
        return s;
    }
    let nd = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if exp >= 0 {
        let int_len = exp + 1;
        if nd <= int_len {
            format!("{sign}{digits}{}", "0".repeat((int_len - nd) as usize))
        } else {
            let (a, b) = digits.split_at(int_len as usize);
            format!("{sign}{a}.{b}")
        }
    } else {
        format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (go-yaml's float output, before its
/// `.inf`/`.nan` spellings).
pub fn go_format_g(f: f64) -> String {
    go_float(f, false)
}

/// go-yaml v2's map key order (`keyList.Less`): runs of digits compare as
/// numbers, letters after other characters.
pub fn yaml_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while let (Some(&ca), Some(&cb)) = (ar.get(i), br.get(i)) {
        if ca == cb {
            i += 1;
            continue;
        }
        let al = ca.is_alphabetic();
        let bl = cb.is_alphabetic();
        if al && bl {
            return ca < cb;
        }
        if al || bl {
            return bl;
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ca == '0' || cb == '0' {
            let mut j = i;
            while j > 0 {
                j -= 1;
                let c = ar.get(j).copied().unwrap_or('x');
                if !c.is_ascii_digit() {
                    break;
                }
                if c != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while let Some(d) = ar.get(ai).and_then(|c| c.to_digit(10)) {
            an = an.wrapping_mul(10).wrapping_add(i64::from(d));
            ai += 1;
        }
        let mut bi = i;
        while let Some(d) = br.get(bi).and_then(|c| c.to_digit(10)) {
            bn = bn.wrapping_mul(10).wrapping_add(i64::from(d));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ca < cb;
    }
    ar.len() < br.len()
}

/// Sort map entries in go-yaml v2's order.
pub fn sort_yaml_keys(entries: &mut [(String, Json)]) {
    entries.sort_by(|a, b| {
        if yaml_key_less(&a.0, &b.0) {
            std::cmp::Ordering::Less
        } else if yaml_key_less(&b.0, &a.0) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
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

/// Scalar analysis, as go-yaml's `yaml_emitter_analyze_scalar`.
#[derive(Debug, Default, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain: bool,
    block_plain: bool,
    single_quoted: bool,
    block: bool,
}

fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_break(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c) || c == '\0',
    }
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single_quoted: true,
            block: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let (mut block_ind, mut flow_ind) = (false, false);
    if value.starts_with("---") || value.starts_with("...") {
        block_ind = true;
        flow_ind = true;
    }
    let mut preceded_ws = true;
    let mut followed_ws = is_blank_or_break(chars.get(1).copied());
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut prev_space, mut prev_break) =
        (false, false, false, false);
    let (mut line_breaks, mut special) = (false, false);
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_ind = true;
                    block_ind = true;
                }
                '?' | ':' => {
                    flow_ind = true;
                    if followed_ws {
                        block_ind = true;
                    }
                }
                '-' if followed_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_ind = true,
                ':' => {
                    flow_ind = true;
                    if followed_ws {
                        block_ind = true;
                    }
                }
                '#' if preceded_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = is_blank_or_break(Some(c));
        if i + 1 < n {
            followed_ws = is_blank_or_break(chars.get(i + 2).copied());
        }
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single_quoted: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single_quoted = false;
    }
    if space_break || special {
        a = Analysis {
            multiline: a.multiline,
            flow_plain: false,
            block_plain: false,
            single_quoted: false,
            block: false,
        };
    }
    if line_breaks {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if flow_ind {
        a.flow_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

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
            if c == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        self.out.push_str(s);
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
        let a = analyze(value);
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
            Json::Float(f) => match go_format_g(*f).as_str() {
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

    fn is_block_collection(v: &Json) -> bool {
        match v {
            Json::Map(m) => !m.is_empty(),
            Json::List(l) => !l.is_empty(),
            _ => false,
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
    let _ = Emitter::is_block_collection(v);
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
        Json::Float(f) => out.push_str(&go_float(*f, true)),
        Json::String(s) => json_string(s, out),
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
                json_string(k, out);
                out.push(':');
                to_json(x, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string as Go's `encoding/json` writes it (HTML-safe).
pub fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
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
        assert!(yaml_key_less("a2", "a10"));
        assert!(!yaml_key_less("b", "B1"));
        let long = "word ".repeat(30);
        let folded = to_yaml(&m(vec![("k", s(long.trim()))]));
        assert!(folded.contains("\n  word"), "{folded}");
    }

    #[test]
    fn floats() {
        assert_eq!(go_format_g(1_000_000.0), "1e+06");
        assert_eq!(go_format_g(123_456.0), "123456");
        assert_eq!(go_format_g(0.0001), "0.0001");
        assert_eq!(go_format_g(0.00001), "1e-05");
        assert_eq!(go_float(1_000_000.0, true), "1000000");
        assert_eq!(go_float(1e21, true), "1e+21");
        assert_eq!(go_float(2.5, true), "2.5");
    }
}
