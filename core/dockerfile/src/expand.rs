//! Variable substitution and word splitting, as BuildKit's shell lexer
//! (`frontend/dockerfile/shell/lex.go`) does them.
//!
//! Supported: `$v`, `${v}`, `${v:-d}`, `${v-d}`, `${v:+x}`, `${v+x}`, `${v:?msg}`,
//! `${v?msg}`, `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`, `${v/p/r}`, `${v//p/r}`,
//! single and double quotes, and escapes with the active escape character.
//! On Windows, variable names are case-insensitive.
#![allow(clippy::doc_markdown)]

use std::collections::HashMap;
use std::fmt;

/// Where variables come from.
pub trait Env {
    /// The value of `name`, or `None` when it is not set.
    fn get(&self, name: &str) -> Option<&str>;
}

impl<S: std::hash::BuildHasher> Env for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

/// No variables at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEnv;

impl Env for NoEnv {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// A list of `(name, value)` pairs; later entries win. With `windows`, names match
/// case-insensitively (BuildKit's `NormalizeEnvKey` on Windows).
#[derive(Debug, Clone, Default)]
pub struct VarList {
    pub vars: Vec<(String, String)>,
    pub windows: bool,
}

impl VarList {
    /// From `NAME=value` strings (a missing `=` gives an empty value).
    pub fn from_assignments<'a>(items: impl IntoIterator<Item = &'a str>, windows: bool) -> Self {
        let vars = items
            .into_iter()
            .map(|s| {
                let (k, v) = s.split_once('=').unwrap_or((s, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        Self { vars, windows }
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.vars.push((name.to_string(), value.to_string()));
    }
}

impl Env for VarList {
    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| {
                if self.windows {
                    k.eq_ignore_ascii_case(name)
                } else {
                    k == name
                }
            })
            .map(|(_, v)| v.as_str())
    }
}

/// An error from the lexer (BuildKit rejects the word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    pub message: String,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpandError {}

/// The message of a substitution nested deeper than the lexer follows.
const TOO_DEEP: &str = "substitution nested too deeply";

impl ExpandError {
    /// The word nests `${…}` substitutions deeper than the lexer follows (a
    /// work limit, not BuildKit's error).
    pub fn too_deep(&self) -> bool {
        is_too_deep(&self.message)
    }
}

/// Whether an expansion error message is the lexer's nesting limit.
pub fn is_too_deep(message: &str) -> bool {
    message.ends_with(TOO_DEEP)
}

fn err<T>(message: impl Into<String>) -> Result<T, ExpandError> {
    Err(ExpandError {
        message: message.into(),
    })
}

/// The result of processing a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The word with quotes removed and variables substituted.
    pub value: String,
    /// The same, split into words the way the shell would (unquoted whitespace,
    /// including whitespace coming from variable values, separates words).
    pub words: Vec<String>,
    /// Variables that were looked up and found, in first-use order.
    pub matched: Vec<String>,
    /// Variables that were looked up and not set, in first-use order.
    pub unmatched: Vec<String>,
}

/// The shell lexer's options (BuildKit's `shell.Lex`).
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy)]
pub struct Lexer {
    /// The escape character (`\` or `` ` ``).
    pub escape: char,
    /// Keep quote characters in the output.
    pub raw_quotes: bool,
    /// Keep escape characters in the output.
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written.
    pub skip_unset_env: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Self::new('\\')
    }
}

/// Upper bound on nested `${...}` depth; deeper input is rejected (bounded
/// recursion) with an error that [`ExpandError::too_deep`] recognises.
pub const MAX_SUBSTITUTION_DEPTH: u32 = 64;

impl Lexer {
    pub fn new(escape: char) -> Self {
        Self {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// Substitute variables and remove quotes (BuildKit's `ProcessWord`).
    pub fn process_word(&self, word: &str, env: &dyn Env) -> Result<Expanded, ExpandError> {
        let mut sw = ShellWord {
            lex: self,
            src: word,
            pos: 0,
            env,
            raw_escapes: self.raw_escapes,
            matched: Vec::new(),
            unmatched: Vec::new(),
            depth: 0,
        };
        match sw.process_stop_on(None, self.raw_escapes) {
            Ok((value, words)) => Ok(Expanded {
                value,
                words,
                matched: sw.matched,
                unmatched: sw.unmatched,
            }),
            Err(e) => err(format!("failed to process \"{word}\": {}", e.message)),
        }
    }

    /// Substitute variables and split into words (BuildKit's `ProcessWords`).
    pub fn process_words(&self, word: &str, env: &dyn Env) -> Result<Vec<String>, ExpandError> {
        self.process_word(word, env).map(|e| e.words)
    }
}

#[allow(clippy::struct_field_names)]
#[derive(Default)]
struct Words {
    buf: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.buf.is_empty() {
                self.words.push(std::mem::take(&mut self.buf));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }
    fn add_raw_char(&mut self, ch: char) {
        self.buf.push(ch);
        self.in_word = true;
    }
    fn add_string(&mut self, s: &str) {
        for ch in s.chars() {
            self.add_char(ch);
        }
    }
    fn add_raw_string(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }
    fn finish(mut self) -> Vec<String> {
        if !self.buf.is_empty() {
            self.words.push(std::mem::take(&mut self.buf));
        }
        self.words
    }
}

struct ShellWord<'a> {
    lex: &'a Lexer,
    src: &'a str,
    pos: usize,
    env: &'a dyn Env,
    raw_escapes: bool,
    matched: Vec<String>,
    unmatched: Vec<String>,
    depth: u32,
}

impl ShellWord<'_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), ExpandError> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        r
    }

    fn process_stop_on_inner(
        &mut self,
        stop: Option<char>,
    ) -> Result<(String, Vec<String>), ExpandError> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.next();
                return Ok((result, words.finish()));
            }
            let special = match ch {
                '$' => Some(self.process_dollar()?),
                '<' => Some(self.process_possible_heredoc()),
                '\'' if !self.lex.skip_process_quotes => Some(self.process_single_quote()?),
                '"' if !self.lex.skip_process_quotes => Some(self.process_double_quote()?),
                _ => None,
            };
            if let Some(tmp) = special {
                result.push_str(&tmp);
                if ch == '$' {
                    words.add_string(&tmp);
                } else {
                    words.add_raw_string(&tmp);
                }
                continue;
            }
            self.next();
            if ch == self.lex.escape {
                if self.raw_escapes {
                    words.add_raw_char(ch);
                    result.push(ch);
                }
                let Some(next) = self.next() else {
                    break;
                };
                words.add_raw_char(next);
                result.push(next);
            } else {
                words.add_char(ch);
                result.push(ch);
            }
        }
        if let Some(stop) = stop {
            return err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish()))
    }

    fn process_single_quote(&mut self) -> Result<String, ExpandError> {
        let mut result = String::new();
        let open = self.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return err(
                        "unexpected end of statement while looking for matching single-quote",
                    )
                }
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(ch) => result.push(ch),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, ExpandError> {
        let mut result = String::new();
        let open = self.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return err(
                        "unexpected end of statement while looking for matching double-quote",
                    )
                }
                Some('"') => {
                    self.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    result.push_str(&v);
                }
                Some(_) => {
                    let Some(mut ch) = self.next() else {
                        continue;
                    };
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.lex.escape => {
                                self.next();
                                ch = n;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn lookup(&mut self, name: &str) -> Option<String> {
        if let Some(v) = self.env.get(name) {
            if !self.matched.iter().any(|m| m == name) {
                self.matched.push(name.to_string());
            }
            Some(v.to_string())
        } else {
            if !self.unmatched.iter().any(|m| m == name) {
                self.unmatched.push(name.to_string());
            }
            None
        }
    }

    fn process_dollar(&mut self) -> Result<String, ExpandError> {
        self.depth += 1;
        let r = if self.depth > MAX_SUBSTITUTION_DEPTH {
            err(TOO_DEEP)
        } else {
            self.process_dollar_inner()
        };
        self.depth -= 1;
        r
    }

    #[allow(clippy::too_many_lines)]
    fn process_dollar_inner(&mut self) -> Result<String, ExpandError> {
        self.next(); // '$'
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        self.next(); // '{'
        match self.peek() {
            None => return err("syntax error: missing '}'"),
            Some('{' | '}' | ':') => return err("syntax error: bad substitution"),
            Some(_) => {}
        }
        let name = self.process_name();
        let ch = self.next();
        let mut chs = ch.map(String::from).unwrap_or_default();
        match ch {
            Some('}') => Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(first @ (':' | '+' | '-' | '?' | '#' | '%')) => {
                let null_is_unset = first == ':';
                let op = if null_is_unset {
                    let op = self.next();
                    chs.extend(op);
                    op
                } else {
                    Some(first)
                };
                let raw = matches!(op, Some('#' | '%'));
                if null_is_unset && raw {
                    return err(format!("unsupported modifier ({chs}) in substitution"));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return err("syntax error: missing '}'");
                        }
                        return Err(e);
                    }
                };
                let value = self.lookup(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{chs}{word}}}"));
                }
                let empty = value.as_deref().is_none_or(str::is_empty);
                match op {
                    Some('-') => {
                        if value.is_none() || (null_is_unset && empty) {
                            Ok(word)
                        } else {
                            Ok(value.unwrap_or_default())
                        }
                    }
                    Some('+') => {
                        if value.is_none() || (null_is_unset && empty) {
                            Ok(String::new())
                        } else {
                            Ok(word)
                        }
                    }
                    Some('?') => {
                        let Some(v) = value else {
                            let m = if word.is_empty() {
                                "is not allowed to be unset"
                            } else {
                                &word
                            };
                            return err(format!("{name}: {m}"));
                        };
                        if null_is_unset && v.is_empty() {
                            let m = if word.is_empty() {
                                "is not allowed to be empty"
                            } else {
                                &word
                            };
                            return err(format!("{name}: {m}"));
                        }
                        Ok(v)
                    }
                    Some(op @ ('%' | '#')) => {
                        let value = value.unwrap_or_default();
                        let (pattern, greedy) = match word.strip_prefix(op) {
                            Some(rest) => (rest, true),
                            None => (word.as_str(), false),
                        };
                        if op == '%' {
                            trim_suffix(pattern, &value, greedy)
                        } else {
                            trim_prefix(pattern, &value, greedy)
                        }
                    }
                    _ => err(format!("unsupported modifier ({chs}) in substitution")),
                }
            }
            Some('/') => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return err("syntax error: missing '/' in ${}");
                        }
                        return Err(e);
                    }
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return err("syntax error: missing '}'");
                        }
                        return Err(e);
                    }
                };
                let value = self.lookup(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let value = value.unwrap_or_default();
                let pat = Pattern::compile(&pattern).map_err(|e| ExpandError {
                    message: format!("invalid pattern ({pattern}) in substitution: {e}"),
                })?;
                Ok(replace(&pat, &value, &replacement, replace_all))
            }
            _ => err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_digit(ch) {
                while let Some(d) = self.peek().filter(|c| is_digit(*c)) {
                    self.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.next();
                name.push(ch);
                return name;
            }
            if !ch.is_alphabetic() && !is_digit(ch) && ch != '_' {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }

    fn process_possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".to_string();
        }
        self.next();
        let mut out = String::from("<<");
        while let Some(ch) = self.peek().filter(|c| matches!(c, '\t' | '\r' | ' ')) {
            out.push(ch);
            self.next();
        }
        out
    }
}

fn is_digit(ch: char) -> bool {
    ch.is_ascii_digit() || (!ch.is_ascii() && ch.is_numeric())
}

fn is_special_param(ch: char) -> bool {
    matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// A shell pattern (`*`, `?`, literals) as BuildKit turns it into a regexp.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Star,
    Any,
    Lit(char),
}

struct Pattern {
    toks: Vec<Tok>,
}

impl Pattern {
    fn compile(pattern: &str) -> Result<Pattern, String> {
        let mut toks = Vec::new();
        let mut it = pattern.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '*' => toks.push(Tok::Star),
                '?' => toks.push(Tok::Any),
                '\\' => {
                    if matches!(it.peek(), Some('}' | '/')) {
                        continue;
                    }
                    match it.next() {
                        Some(n @ ('*' | '?' | '\\')) => toks.push(Tok::Lit(n)),
                        Some(n) => return Err(format!("invalid escape '\\{n}'")),
                        None => return Err("invalid escape '\\'".to_string()),
                    }
                }
                c => toks.push(Tok::Lit(c)),
            }
        }
        Ok(Pattern { toks })
    }

    /// For every start position, the end of the leftmost-first match starting there
    /// (Go's regexp semantics for this pattern language: `*` is `.*` or `.*?`, `?`
    /// is `.`, and `.` does not match `\n`); `NO_MATCH` where none. Dynamic
    /// programming over (token, position): O(tokens × text) time, O(text) memory.
    fn match_table(&self, text: &[char], greedy: bool) -> Vec<u32> {
        let n = text.len();
        let mut next: Vec<u32> = (0..=n).map(to_u32).collect();
        for tok in self.toks.iter().rev() {
            let mut cur = vec![NO_MATCH; n + 1];
            match tok {
                Tok::Lit(_) | Tok::Any => {
                    for (pos, ch) in text.iter().enumerate() {
                        let ok = match tok {
                            Tok::Lit(c) => ch == c,
                            _ => *ch != '\n',
                        };
                        if ok {
                            if let (Some(slot), Some(v)) = (cur.get_mut(pos), next.get(pos + 1)) {
                                *slot = *v;
                            }
                        }
                    }
                }
                Tok::Star => {
                    for pos in (0..=n).rev() {
                        let extend = text.get(pos).is_some_and(|c| *c != '\n');
                        let longer = if extend {
                            cur.get(pos + 1).copied().unwrap_or(NO_MATCH)
                        } else {
                            NO_MATCH
                        };
                        let here = next.get(pos).copied().unwrap_or(NO_MATCH);
                        let v = if greedy {
                            if longer == NO_MATCH {
                                here
                            } else {
                                longer
                            }
                        } else if here == NO_MATCH {
                            longer
                        } else {
                            here
                        };
                        if let Some(slot) = cur.get_mut(pos) {
                            *slot = v;
                        }
                    }
                }
            }
            next = cur;
        }
        next
    }
}

const NO_MATCH: u32 = u32::MAX;

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NO_MATCH - 1)
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandError> {
    let pat = Pattern::compile(pattern).map_err(|e| ExpandError {
        message: format!("invalid pattern ({pattern}) in substitution: {e}"),
    })?;
    let text: Vec<char> = value.chars().collect();
    let table = pat.match_table(&text, greedy);
    Ok(match table.first().copied() {
        Some(end) if end != NO_MATCH => text
            .get(end as usize..)
            .unwrap_or_default()
            .iter()
            .collect(),
        _ => value.to_string(),
    })
}

fn reverse_pattern(pattern: &str) -> String {
    let runes: Vec<char> = pattern.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(runes.len());
    let mut i = 0;
    let mut pieces: Vec<&[char]> = Vec::new();
    while i < runes.len() {
        let take = if runes.get(i) == Some(&'\\') && i + 1 < runes.len() {
            2
        } else {
            1
        };
        if let Some(p) = runes.get(i..i + take) {
            pieces.push(p);
        }
        i += take;
    }
    for p in pieces.iter().rev() {
        out.extend_from_slice(p);
    }
    out.into_iter().collect()
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandError> {
    let rp = reverse_pattern(pattern);
    let rv: String = value.chars().rev().collect();
    let r = trim_prefix(&rp, &rv, greedy)?;
    Ok(r.chars().rev().collect())
}

fn replace(pat: &Pattern, value: &str, replacement: &str, all: bool) -> String {
    let text: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len());
    let mut pos = 0;
    let mut replaced = false;
    // Go's ReplaceAllString: after an empty match, the next match may not start at the
    // same place; the copied character advances.
    let mut last_match_end: Option<usize> = None;
    let table = pat.match_table(&text, true);
    while pos <= text.len() {
        if replaced && !all {
            break;
        }
        let found = table
            .get(pos)
            .copied()
            .filter(|e| *e != NO_MATCH)
            .map(|e| e as usize);
        match found {
            Some(end) if !(end == pos && last_match_end == Some(pos)) => {
                out.push_str(replacement);
                replaced = true;
                last_match_end = Some(end);
                if end > pos {
                    pos = end;
                    continue;
                }
                if let Some(c) = text.get(pos) {
                    out.push(*c);
                }
                pos += 1;
            }
            _ => {
                if let Some(c) = text.get(pos) {
                    out.push(*c);
                }
                pos += 1;
            }
        }
    }
    if let Some(rest) = text.get(pos..) {
        out.extend(rest.iter());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> VarList {
        VarList::from_assignments(
            ["PWD=/home", "SHELL=bash", "NULL=", "V=a.b.c.tar.gz"],
            false,
        )
    }

    #[test]
    fn modifiers() {
        let lex = Lexer::new('\\');
        let e = env();
        let w = |s: &str| lex.process_word(s, &e).map(|x| x.value);
        assert_eq!(w("${PWD:-x}").unwrap(), "/home");
        assert_eq!(w("${NULL:-x}").unwrap(), "x");
        assert_eq!(w("${NULL-x}").unwrap(), "");
        assert_eq!(w("${NOPE+x}").unwrap(), "");
        assert_eq!(w("${PWD:+x}").unwrap(), "x");
        assert!(w("${NOPE:?must be set}").is_err());
        assert_eq!(w("${V#*.}").unwrap(), "b.c.tar.gz");
        assert_eq!(w("${V##*.}").unwrap(), "gz");
        assert_eq!(w("${V%.*}").unwrap(), "a.b.c.tar");
        assert_eq!(w("${V%%.*}").unwrap(), "a");
        assert_eq!(w("${V/./-}").unwrap(), "a-b.c.tar.gz");
        assert_eq!(w("${V//./-}").unwrap(), "a-b-c-tar-gz");
        assert_eq!(w("'$PWD'\"$PWD\"").unwrap(), "$PWD/home");
        assert_eq!(w("${V/*./X}").unwrap(), "Xgz");
        assert_eq!(w("${V//?/-}").unwrap(), "------------");
        assert_eq!(w("${V//x*/-}").unwrap(), "a.b.c.tar.gz");
        assert_eq!(w("${V/#a/-}").unwrap(), "a.b.c.tar.gz");
    }

    #[test]
    fn substitutes_and_removes_quotes() {
        let lex = Lexer::new('\\');
        let e = VarList::from_assignments(["A=1", "E="], false);
        let w = |s: &str| lex.process_word(s, &e).unwrap();
        assert_eq!(w("x$A").value, "x1");
        assert_eq!(w("${A}y").value, "1y");
        assert_eq!(w("${B:-d}").value, "d");
        assert_eq!(w("${E:-d}").value, "d");
        assert_eq!(w("${E-d}").value, "");
        assert_eq!(w("${A:+alt}").value, "alt");
        assert_eq!(w("$B").unmatched, vec!["B"]);
        assert_eq!(w("\"root\"").value, "root");
        assert_eq!(w("'$A'").value, "$A");
        assert_eq!(w("$$").value, "");
    }

    #[test]
    fn pathological_patterns_are_bounded() {
        let lex = Lexer::new('\\');
        let big = "a".repeat(50_000);
        let e = VarList::from_assignments([format!("A={big}").as_str()], false);
        let r = lex
            .process_word("${A//*b/x}${A%%*b}${A/?*?*?*b/x}", &e)
            .unwrap();
        assert_eq!(r.value.len(), 150_000);
    }

    #[test]
    fn windows_escape_and_names() {
        let lex = Lexer::new('`');
        let e = VarList::from_assignments(["Path=C:\\x"], true);
        assert_eq!(lex.process_word("$PATH`$x", &e).unwrap().value, "C:\\x$x");
        assert_eq!(lex.process_word("a\\b", &e).unwrap().value, "a\\b");
    }

    #[test]
    fn unmatched_collected() {
        let lex = Lexer::new('\\');
        let r = lex.process_word("$A ${B:-x} $PWD", &env()).unwrap();
        assert_eq!(r.unmatched, vec!["A", "B"]);
        assert_eq!(r.matched, vec!["PWD"]);
    }
}
