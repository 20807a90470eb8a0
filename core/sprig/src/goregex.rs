//! Go's `regexp` (RE2 syntax) on Rust's `regex` crate, which implements the same
//! syntax family. What differs is translated before compiling:
//!
//! - Go's `\d`, `\w`, `\s` (and `\b`, `\B`) are ASCII-only; the crate's are
//!   Unicode. They become explicit ASCII classes (`[0-9]`, `[0-9A-Za-z_]`,
//!   `[\t\n\f\r ]`; `(?-u:\b)`).
//! - `\Q…\E` literal spans (Go has them, the crate does not) are escaped.
//! - Octal escapes `\0`, `\012`, `\12` (Go) become `\x{…}`.
//! - `\<`, `\>` are literal `<`, `>` in Go (the crate reads them as word boundaries).
//! - A `{` that does not start a valid repetition is a literal in Go.
//! - Repetition counts above 1000 are Go's `invalid repeat count` error.
//!
//! Matching is leftmost-first in both. `FindAll`, `Split` and `ReplaceAll` follow
//! Go's rules for empty matches (an empty match right after a match is skipped),
//! and replacement templates expand `$1`, `${1}`, `$name`, `${name}`, `$$` as
//! Go's `Regexp.Expand` does.

use std::fmt::Write;

use regex::Regex;

/// Go's `*regexp/syntax.Error` text: `error parsing regexp: CODE: ` followed by the expression in backquotes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("error parsing regexp: {code}: `{expr}`")]
pub struct RegexError {
    /// Go's error code text (`missing closing )`, `invalid escape sequence`, …).
    pub code: String,
    /// The part of the expression Go quotes.
    pub expr: String,
}

fn err(code: &str, expr: &str) -> RegexError {
    RegexError {
        code: code.to_string(),
        expr: expr.to_string(),
    }
}

/// A compiled Go regular expression.
#[derive(Debug, Clone)]
pub struct GoRegex {
    re: Regex,
    empty_expr: bool,
}

fn push_escaped(out: &mut String, c: char) {
    if regex_syntax_meta(c) {
        out.push('\\');
    }
    out.push(c);
}

fn regex_syntax_meta(c: char) -> bool {
    matches!(
        c,
        '\\' | '.'
            | '+'
            | '*'
            | '?'
            | '('
            | ')'
            | '|'
            | '['
            | ']'
            | '{'
            | '}'
            | '^'
            | '$'
            | '#'
            | '&'
            | '-'
            | '~'
    )
}

/// Reads a `{n}`, `{n,}` or `{n,m}` at the start of `s`; `Some((len, max count))`.
fn repeat_len(s: &str) -> Option<(usize, u32)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut i = 1;
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == start {
        return None;
    }
    let n: u32 = s.get(start..i)?.parse().unwrap_or(u32::MAX);
    let mut max = n;
    if b.get(i) == Some(&b',') {
        i += 1;
        let s2 = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i > s2 {
            max = s.get(s2..i)?.parse().unwrap_or(u32::MAX);
        }
    }
    if b.get(i) != Some(&b'}') {
        return None;
    }
    Some((i + 1, max.max(n)))
}

/// Translates Go syntax to the crate's (see the module docs).
#[allow(clippy::too_many_lines)]
pub fn translate(expr: &str) -> Result<String, RegexError> {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = false;
    // Whether the last item of the class being read was itself a class
    // (`\w`, `[:alpha:]`, `\pL`): Go then reads a `-` as a literal item,
    // where the crate would take it for a range from the class's last char.
    let mut after_class_item = false;
    // Where the previous token, a repetition operator, started, and whether its
    // lazy `?` was seen: Go refuses a repetition of a repetition (`a**`).
    let mut rep: Option<(usize, bool)> = None;
    while let Some(&c) = chars.get(i) {
        if !in_class {
            let rest: String = chars.get(i..).unwrap_or(&[]).iter().collect();
            let rep_len = match c {
                '*' | '+' | '?' => Some(1),
                '{' => repeat_len(&rest)
                    .map(|(len, _)| rest.get(..len).map_or(1, |s| s.chars().count())),
                _ => None,
            };
            match (rep_len, rep) {
                (Some(_), Some((start, false))) if c == '?' => {
                    rep = Some((start, true));
                    out.push('?');
                    i += 1;
                    continue;
                }
                (Some(len), Some((start, _))) => {
                    let mut end = i + len;
                    if chars.get(end) == Some(&'?') {
                        end += 1;
                    }
                    let text: String = chars.get(start..end).unwrap_or(&[]).iter().collect();
                    return Err(err("invalid nested repetition operator", &text));
                }
                (Some(_), None) => rep = Some((i, false)),
                (None, _) => rep = None,
            }
        }
        if c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return Err(err("trailing backslash at end of expression", ""));
            };
            match n {
                'd' | 'w' | 's' | 'D' | 'W' | 'S' => {
                    let set = match n.to_ascii_lowercase() {
                        'd' => "0-9",
                        'w' => "0-9A-Za-z_",
                        _ => r"\t\n\f\r ",
                    };
                    let neg = n.is_ascii_uppercase();
                    after_class_item = in_class;
                    match (in_class, neg) {
                        (true, false) => out.push_str(set),
                        (true, true) => {
                            out.push_str("[^");
                            out.push_str(set);
                            out.push(']');
                        }
                        (false, neg) => {
                            out.push('[');
                            if neg {
                                out.push('^');
                            }
                            out.push_str(set);
                            out.push(']');
                        }
                    }
                    i += 2;
                }
                'b' | 'B' if !in_class => {
                    out.push_str(if n == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
                    i += 2;
                }
                'Q' => {
                    i += 2;
                    while let Some(&q) = chars.get(i) {
                        if q == '\\' && chars.get(i + 1) == Some(&'E') {
                            i += 2;
                            break;
                        }
                        if in_class && q == ']' {
                            out.push_str(r"\]");
                        } else {
                            push_escaped(&mut out, q);
                        }
                        i += 1;
                    }
                }
                'E' => i += 2,
                '<' | '>' => {
                    out.push(n);
                    i += 2;
                }
                '0'..='7' => {
                    // Go: \0 and \1-\7 followed by an octal digit start an octal code
                    // of up to three digits; a lone \1-\7 is an unsupported backreference.
                    let next_octal = chars.get(i + 2).is_some_and(|d| ('0'..='7').contains(d));
                    if n != '0' && !next_octal {
                        return Err(err("invalid escape sequence", &format!("\\{n}")));
                    }
                    let mut j = i + 1;
                    let mut v: u32 = 0;
                    while j < i + 4 && chars.get(j).is_some_and(|d| ('0'..='7').contains(d)) {
                        v = v * 8 + chars.get(j).and_then(|d| d.to_digit(8)).unwrap_or(0);
                        j += 1;
                    }
                    let _ = write!(out, "\\x{{{v:x}}}");
                    i = j;
                }
                'p' | 'P' | 'x' if chars.get(i + 2) == Some(&'{') => {
                    let end = (i + 3..chars.len()).find(|&k| chars.get(k) == Some(&'}'));
                    let Some(end) = end else {
                        return Err(err(
                            "invalid character class range",
                            &chars.get(i..).unwrap_or(&[]).iter().collect::<String>(),
                        ));
                    };
                    out.extend(chars.get(i..=end).unwrap_or(&[]));
                    after_class_item = in_class && n != 'x';
                    i = end + 1;
                    class_start = false;
                    continue;
                }
                'p' | 'P' if in_class => {
                    // `\pL`: a one-letter Unicode class name.
                    out.extend(chars.get(i..(i + 3).min(chars.len())).unwrap_or(&[]));
                    after_class_item = true;
                    i += 3;
                    class_start = false;
                    continue;
                }
                'a' | 'f' | 't' | 'n' | 'r' | 'v' | 'x' | 'p' | 'P' | 'A' | 'z' | 'b' => {
                    out.push('\\');
                    out.push(n);
                    i += 2;
                }
                c2 if c2.is_ascii_punctuation() => {
                    out.push('\\');
                    out.push(c2);
                    i += 2;
                }
                other => {
                    return Err(err("invalid escape sequence", &format!("\\{other}")));
                }
            }
            if !matches!(n, 'd' | 'w' | 's' | 'D' | 'W' | 'S') {
                after_class_item = false;
            }
            class_start = false;
            continue;
        }
        if in_class {
            if c == '-' && after_class_item {
                out.push_str(r"\-");
                after_class_item = false;
                class_start = false;
                i += 1;
                continue;
            }
            after_class_item = false;
            if c == '[' && chars.get(i + 1) == Some(&':') {
                // [:alpha:] names pass through.
                if let Some(end) = (i + 2..chars.len())
                    .find(|&k| chars.get(k) == Some(&':') && chars.get(k + 1) == Some(&']'))
                {
                    out.extend(chars.get(i..end + 2).unwrap_or(&[]));
                    i = end + 2;
                    after_class_item = true;
                    class_start = false;
                    continue;
                }
            }
            match c {
                ']' if !class_start => {
                    in_class = false;
                    out.push(']');
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '-' if chars.get(i + 1) == Some(&'-') => out.push_str(r"\-"),
                _ => {
                    // Go checks ranges itself: `[z-a]` is its own error.
                    if let (Some('-'), Some(&hi)) = (chars.get(i + 1), chars.get(i + 2)) {
                        if hi != ']' && hi != '\\' && hi != '[' && hi < c {
                            return Err(err("invalid character class range", &format!("{c}-{hi}")));
                        }
                    }
                    out.push(c);
                }
            }
            class_start = c == '^' && out.ends_with("[^");
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a class is a literal.
                if chars.get(i) == Some(&']') {
                    out.push_str(r"\]");
                    i += 1;
                }
                class_start = false;
            }
            '{' => {
                let rest: String = chars.get(i..).unwrap_or(&[]).iter().collect();
                if let Some((len, max)) = repeat_len(&rest) {
                    if max > 1000 {
                        return Err(err("invalid repeat count", rest.get(..len).unwrap_or("")));
                    }
                    out.push_str(rest.get(..len).unwrap_or(""));
                    i += rest.get(..len).map_or(1, |s| s.chars().count());
                } else {
                    out.push_str(r"\{");
                    i += 1;
                }
            }
            '}' => {
                out.push_str(r"\}");
                i += 1;
            }
            '#' | '&' | '~' | ' ' => {
                // Literal in Go; escape what the crate's extended mode could read.
                if c == ' ' {
                    out.push(' ');
                } else {
                    out.push('\\');
                    out.push(c);
                }
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if in_class {
        let at = expr.rfind('[').unwrap_or(0);
        return Err(err("missing closing ]", expr.get(at..).unwrap_or(expr)));
    }
    Ok(out)
}

fn map_error(expr: &str, e: &regex::Error) -> RegexError {
    let text = e.to_string();
    if text.contains("unclosed group") {
        return err("missing closing )", expr);
    }
    if text.contains("unopened group") {
        return err("unexpected )", expr);
    }
    if text.contains("repetition operator missing expression") {
        let op = expr
            .chars()
            .find(|c| matches!(c, '*' | '+' | '?'))
            .map_or(String::from("*"), String::from);
        return err("missing argument to repetition operator", &op);
    }
    if text.contains("size limit") {
        return err("expression too large", expr);
    }
    if text.contains("repetition") && text.contains("nest") {
        return err("invalid nested repetition operator", expr);
    }
    err("invalid or unsupported Perl syntax", expr)
}

impl GoRegex {
    /// Go's `regexp.Compile`.
    pub fn new(expr: &str) -> Result<GoRegex, RegexError> {
        let translated = translate(expr)?;
        let re = Regex::new(&translated).map_err(|e| map_error(expr, &e))?;
        Ok(GoRegex {
            re,
            empty_expr: expr.is_empty(),
        })
    }

    /// `MatchString`.
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }

    /// `FindString` (the empty string when there is no match).
    pub fn find(&self, s: &str) -> String {
        self.re
            .find(s)
            .map(|m| m.as_str().to_string())
            .unwrap_or_default()
    }

    /// Go's `allMatches` loop: match spans, empty matches right after a match skipped.
    fn all_spans(&self, s: &str, n: i64) -> Vec<(usize, usize)> {
        let limit = if n < 0 {
            s.len() + 1
        } else {
            usize::try_from(n).unwrap_or(usize::MAX)
        };
        let mut spans = Vec::new();
        let mut pos = 0;
        let mut prev_end: Option<usize> = None;
        while spans.len() < limit && pos <= s.len() {
            let Some(m) = self.re.find_at(s, pos) else {
                break;
            };
            let mut accept = true;
            if m.end() == pos {
                if Some(m.start()) == prev_end {
                    accept = false;
                }
                pos += s
                    .get(pos..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
            } else {
                pos = m.end();
            }
            prev_end = Some(m.end());
            if accept {
                spans.push((m.start(), m.end()));
            }
        }
        spans
    }

    /// `FindAllString(s, n)` (`n < 0`: all).
    pub fn find_all(&self, s: &str, n: i64) -> Vec<String> {
        self.all_spans(s, n)
            .into_iter()
            .map(|(a, b)| s.get(a..b).unwrap_or("").to_string())
            .collect()
    }

    /// `Split(s, n)`.
    pub fn split(&self, s: &str, n: i64) -> Vec<String> {
        if n == 0 {
            return Vec::new();
        }
        if !self.empty_expr && s.is_empty() {
            return vec![String::new()];
        }
        let matches = self.all_spans(s, n);
        let mut out = Vec::with_capacity(matches.len() + 1);
        let (mut beg, mut end) = (0, 0);
        for (a, b) in matches {
            if n > 0 && i64::try_from(out.len()).unwrap_or(i64::MAX) == n - 1 {
                break;
            }
            end = a;
            if b != 0 {
                out.push(s.get(beg..end).unwrap_or("").to_string());
            }
            beg = b;
        }
        if end != s.len() {
            out.push(s.get(beg..).unwrap_or("").to_string());
        }
        out
    }

    /// `ReplaceAllString` (`literal`: `ReplaceAllLiteralString`).
    pub fn replace_all(&self, s: &str, repl: &str, literal: bool) -> String {
        let mut out = String::with_capacity(s.len());
        let mut last_end = 0;
        let mut pos = 0;
        while pos <= s.len() {
            let Some(caps) = self.re.captures_at(s, pos) else {
                break;
            };
            let Some(m) = caps.get(0) else { break };
            out.push_str(s.get(last_end..m.start()).unwrap_or(""));
            if m.end() > last_end || m.start() == 0 {
                if literal {
                    out.push_str(repl);
                } else {
                    Self::expand(&mut out, repl, &caps);
                }
            }
            last_end = m.end();
            let width = s
                .get(pos..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
            if pos + width > m.end() {
                pos += width;
            } else if pos + 1 > m.end() {
                pos += 1;
            } else {
                pos = m.end();
            }
        }
        out.push_str(s.get(last_end..).unwrap_or(""));
        out
    }

    /// Go's `Regexp.Expand` of a replacement template.
    fn expand(out: &mut String, template: &str, caps: &regex::Captures<'_>) {
        let mut t = template;
        while let Some(i) = t.find('$') {
            out.push_str(t.get(..i).unwrap_or(""));
            t = t.get(i..).unwrap_or("");
            if t.get(1..2) == Some("$") {
                out.push('$');
                t = t.get(2..).unwrap_or("");
                continue;
            }
            if let Some((name, rest)) = extract(t) {
                let group = match name.parse::<usize>() {
                    Ok(n) => caps.get(n),
                    Err(_) => caps.name(name),
                };
                if let Some(g) = group {
                    out.push_str(g.as_str());
                }
                t = rest;
            } else {
                out.push('$');
                t = t.get(1..).unwrap_or("");
            }
        }
        out.push_str(t);
    }
}

/// Go's `extract`: the name after `$` (`$name` or `${name}`) and what follows.
fn extract(t: &str) -> Option<(&str, &str)> {
    let rest = t.get(1..)?;
    let (brace, body) = match rest.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let len = body
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if len == 0 {
        return None;
    }
    let name = body.get(..len)?;
    if brace {
        let after = body.get(len..)?.strip_prefix('}')?;
        return Some((name, after));
    }
    Some((name, body.get(len..)?))
}

/// Go's `regexp.QuoteMeta`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn re(s: &str) -> GoRegex {
        GoRegex::new(s).unwrap()
    }

    #[test]
    fn go_semantics() {
        assert!(!re(r"^\d+$").is_match("١٢"));
        assert!(re(r"^\w+$").is_match("abc_1"));
        assert!(re(r"\Qa.b\E").is_match("a.b"));
        assert!(!re(r"\Qa.b\E").is_match("axb"));
        assert!(re(r"a{").is_match("a{"));
        assert!(re(r"\101").is_match("A"));
        assert_eq!(re("a*").find_all("baaac", -1), vec!["", "aaa", ""]);
        assert_eq!(re("a|b").find_all("abab", 2), vec!["a", "b"]);
        assert_eq!(re("/").split("foo/bar/baz", -1), vec!["foo", "bar", "baz"]);
        assert_eq!(re("/").split("foo/bar/baz", 2), vec!["foo", "bar/baz"]);
        assert_eq!(re("").split("abc", -1), vec!["a", "b", "c"]);
        assert_eq!(
            re("a(x*)b").replace_all("-ab-axxb-", "${1}W", false),
            "-W-xxW-"
        );
        assert_eq!(re("a(x*)b").replace_all("-ab-axxb-", "$1W", false), "---");
        assert_eq!(
            re("a(x*)b").replace_all("-ab-axxb-", "$1W", true),
            "-$1W-$1W-"
        );
        assert_eq!(re("a*").replace_all("baaac", "X", false), "XbXcX");
        assert_eq!(quote_meta("1.2.3"), r"1\.2\.3");
        assert!(GoRegex::new("a{1001}").is_err());
        // After a class inside a class, Go reads `-` as a literal (argo-cd's
        // `[\w-\.]`); results checked with Go's regexp.
        for (expr, text, want) in [
            (r"^[\w-\.]+$", "a-b.c_d", true),
            (r"^[\w-\.]+$", "a,b", false),
            (r"^[\w-z]+$", "-z", true),
            (r"^[\d-]+$", "1-2", true),
            (r"^[[:alpha:]-1]+$", "a-1", true),
            (r"^[\pL-\.]+$", "é-.", true),
            (r"^[\w--/]+$", "a./-", true),
            (r"^[\s-a]+$", " -a", true),
            (r"^[\W-a]+$", "!-a", true),
        ] {
            assert_eq!(re(expr).is_match(text), want, "{expr} on {text:?}");
        }
        assert_eq!(
            GoRegex::new("(abc").unwrap_err().to_string(),
            "error parsing regexp: missing closing ): `(abc`"
        );
    }
}
