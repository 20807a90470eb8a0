//! The lexer: the token rules of Go's `text/template/parse` (delimiters, trim
//! markers, comments, strings, raw strings, character constants, numbers).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    Error,
    Bool,
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Item {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            Item::Block
                | Item::Break
                | Item::Continue
                | Item::Dot
                | Item::Define
                | Item::Else
                | Item::End
                | Item::If
                | Item::Nil
                | Item::Range
                | Item::Template
                | Item::With
        )
    }
}

fn keyword(word: &str) -> Option<Item> {
    Some(match word {
        "." => Item::Dot,
        "block" => Item::Block,
        "break" => Item::Break,
        "continue" => Item::Continue,
        "define" => Item::Define,
        "else" => Item::Else,
        "end" => Item::End,
        "if" => Item::If,
        "range" => Item::Range,
        "nil" => Item::Nil,
        "template" => Item::Template,
        "with" => Item::With,
        _ => return None,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub typ: Item,
    pub pos: usize,
    /// The token's text, borrowed from the template; an error's message.
    pub val: std::borrow::Cow<'a, str>,
    pub line: usize,
}

impl Token<'_> {
    /// Go's `item.String()`, used in parse error messages.
    pub fn describe(&self) -> String {
        match self.typ {
            Item::Eof => "EOF".to_owned(),
            Item::Error => self.val.to_string(),
            t if t.is_keyword() => format!("<{}>", self.val),
            _ => {
                if self.val.chars().count() > 10 {
                    let head: String = self.val.chars().take(10).collect();
                    format!("{}...", crate::gofmt::quote(&head))
                } else {
                    crate::gofmt::quote(&self.val)
                }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const TRIM_MARKER_LEN: usize = 2;

#[allow(clippy::struct_excessive_bools)]
pub(crate) struct Lexer<'a> {
    input: &'a str,
    left: String,
    /// Finds `left` in text (SIMD; text between actions is most of a template).
    left_finder: memchr::memmem::Finder<'static>,
    right: String,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i64,
    line: usize,
    start_line: usize,
    inside_action: bool,
    pub break_ok: bool,
    pub continue_ok: bool,
    pub emit_comment: bool,
    done: bool,
}

fn is_space(r: char) -> bool {
    matches!(r, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric`: `_`, a letter or a decimal digit (`unicode.IsDigit`).
#[inline]
fn is_alnum(r: char) -> bool {
    if r.is_ascii() {
        return r == '_' || r.is_ascii_alphanumeric();
    }
    r.is_alphabetic() || is_nd(r)
}

fn is_nd(r: char) -> bool {
    // Rust has no Nd test; numeric chars that are not letters or other-number
    // forms are approximated by the common decimal digit blocks.
    let c = r as u32;
    matches!(c, 0x0660..=0x0669 | 0x06F0..=0x06F9 | 0x07C0..=0x07C9 | 0x0966..=0x096F | 0x09E6..=0x09EF
        | 0x0A66..=0x0A6F | 0x0AE6..=0x0AEF | 0x0B66..=0x0B6F | 0x0BE6..=0x0BEF | 0x0C66..=0x0C6F
        | 0x0CE6..=0x0CEF | 0x0D66..=0x0D6F | 0x0E50..=0x0E59 | 0x0ED0..=0x0ED9 | 0x0F20..=0x0F29
        | 0x1040..=0x1049 | 0x17E0..=0x17E9 | 0x1810..=0x1819 | 0xFF10..=0xFF19)
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b.first() == Some(&b'-') && b.get(1).is_some_and(|&c| is_space(c as char))
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b.first().is_some_and(|&c| is_space(c as char)) && b.get(1) == Some(&b'-')
}

fn rest(s: &str, from: usize) -> &str {
    s.get(from..).unwrap_or("")
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str, left: &str, right: &str) -> Lexer<'a> {
        let left = if left.is_empty() { "{{" } else { left };
        Lexer {
            input,
            left_finder: memchr::memmem::Finder::new(left.as_bytes()).into_owned(),
            left: left.to_owned(),
            right: if right.is_empty() {
                "}}".to_owned()
            } else {
                right.to_owned()
            },
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            inside_action: false,
            break_ok: true,
            continue_ok: true,
            emit_comment: false,
            done: false,
        }
    }

    #[inline]
    fn next(&mut self) -> Option<char> {
        // ASCII, nearly every byte of a template, without decoding.
        if let Some(&b) = self.input.as_bytes().get(self.pos) {
            if b.is_ascii() {
                self.pos += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                return Some(char::from(b));
            }
        }
        let Some(r) = rest(self.input, self.pos).chars().next() else {
            self.at_eof = true;
            return None;
        };
        self.pos += r.len_utf8();
        Some(r)
    }

    #[inline]
    fn peek(&mut self) -> Option<char> {
        match self.input.as_bytes().get(self.pos) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => rest(self.input, self.pos).chars().next(),
            None => None,
        }
    }

    #[inline]
    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            if let Some(&b) = self.input.as_bytes().get(self.pos - 1) {
                if b.is_ascii() {
                    self.pos -= 1;
                    if b == b'\n' {
                        self.line -= 1;
                    }
                    return;
                }
            }
            if let Some(r) = self
                .input
                .get(..self.pos)
                .and_then(|s| s.chars().next_back())
            {
                self.pos -= r.len_utf8();
                if r == '\n' {
                    self.line -= 1;
                }
            }
        }
    }

    /// Step over a run of ASCII `[A-Za-z0-9_]` (nearly every name in a
    /// template) a byte at a time; the caller's loop then reads whatever
    /// follows, a non-ASCII letter included, as before.
    #[inline]
    fn ascii_alnum_run(&mut self) {
        let rest = self.input.as_bytes().get(self.pos..).unwrap_or_default();
        self.pos += rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
    }

    fn this_item(&mut self, t: Item) -> Token<'a> {
        let tok = Token {
            typ: t,
            pos: self.start,
            val: std::borrow::Cow::Borrowed(self.input.get(self.start..self.pos).unwrap_or("")),
            line: self.start_line,
        };
        self.start = self.pos;
        self.start_line = self.line;
        tok
    }

    fn ignore(&mut self) {
        self.line += count_nl(self.input.get(self.start..self.pos).unwrap_or(""));
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while let Some(c) = self.next() {
            if !valid.contains(c) {
                break;
            }
        }
        self.backup();
    }

    fn errorf(&mut self, msg: String) -> Token<'a> {
        let t = Token {
            typ: Item::Error,
            pos: self.start,
            val: std::borrow::Cow::Owned(msg),
            line: self.start_line,
        };
        self.done = true;
        t
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let r = rest(self.input, self.pos);
        // Most calls are at a name or an operator: neither a blank (of a
        // trim marker) nor the delimiter's first byte.
        match r.as_bytes().first() {
            Some(&b) if !is_space(char::from(b)) && Some(&b) != self.right.as_bytes().first() => {
                return (false, false);
            }
            _ => {}
        }
        if has_right_trim_marker(r) && self.right_delim_at(rest(r, TRIM_MARKER_LEN)) {
            return (true, true);
        }
        if self.right_delim_at(r) {
            return (true, false);
        }
        (false, false)
    }

    /// Whether `r` starts with the right delimiter: compared byte by byte,
    /// since a delimiter is a few bytes and this is asked at nearly every
    /// token (a `memcmp` call costs more than the comparison).
    fn right_delim_at(&self, r: &str) -> bool {
        let right = self.right.as_bytes();
        r.as_bytes()
            .get(..right.len())
            .is_some_and(|head| head.iter().zip(right).all(|(a, b)| a == b))
    }

    fn at_terminator(&mut self) -> bool {
        match self.peek() {
            None | Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(r) if is_space(r) => true,
            Some(_) => self.right_delim_at(rest(self.input, self.pos)),
        }
    }

    /// The next token (Go's `nextItem`).
    pub fn next_item(&mut self) -> Token<'a> {
        if self.done {
            return Token {
                typ: Item::Eof,
                pos: self.pos,
                val: std::borrow::Cow::Borrowed("EOF"),
                line: self.start_line,
            };
        }
        let mut state = if self.inside_action {
            State::InsideAction
        } else {
            State::Text
        };
        loop {
            match self.step(state) {
                Ok(tok) => return tok,
                Err(next) => state = next,
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn step(&mut self, state: State) -> Result<Token<'a>, State> {
        match state {
            State::Text => {
                if let Some(x) = self.left_finder.find(rest(self.input, self.pos).as_bytes()) {
                    if x > 0 {
                        self.pos += x;
                        let delim_end = self.pos + self.left.len();
                        let mut trim = 0;
                        if has_left_trim_marker(rest(self.input, delim_end)) {
                            let s = self.input.get(self.start..self.pos).unwrap_or("");
                            trim = s.len() - s.trim_end_matches(is_space).len();
                        }
                        self.pos -= trim;
                        self.line += count_nl(self.input.get(self.start..self.pos).unwrap_or(""));
                        let tok = self.this_item(Item::Text);
                        self.pos += trim;
                        self.ignore();
                        if !tok.val.is_empty() {
                            return Ok(tok);
                        }
                    }
                    return Err(State::LeftDelim);
                }
                self.pos = self.input.len();
                if self.pos > self.start {
                    self.line += count_nl(self.input.get(self.start..self.pos).unwrap_or(""));
                    return Ok(self.this_item(Item::Text));
                }
                self.done = true;
                Ok(self.this_item(Item::Eof))
            }
            State::LeftDelim => {
                self.pos += self.left.len();
                let trim = has_left_trim_marker(rest(self.input, self.pos));
                let after = if trim { TRIM_MARKER_LEN } else { 0 };
                if rest(self.input, self.pos + after).starts_with(LEFT_COMMENT) {
                    self.pos += after;
                    self.ignore();
                    return Err(State::Comment);
                }
                let tok = self.this_item(Item::LeftDelim);
                self.inside_action = true;
                self.pos += after;
                self.ignore();
                self.paren_depth = 0;
                Ok(tok)
            }
            State::Comment => {
                self.pos += LEFT_COMMENT.len();
                let Some(x) = rest(self.input, self.pos).find(RIGHT_COMMENT) else {
                    return Ok(self.errorf("unclosed comment".to_owned()));
                };
                self.pos += x + RIGHT_COMMENT.len();
                let (delim, trim) = self.at_right_delim();
                if !delim {
                    return Ok(self.errorf("comment ends before closing delimiter".to_owned()));
                }
                self.line += count_nl(self.input.get(self.start..self.pos).unwrap_or(""));
                let tok = self.this_item(Item::Comment);
                if trim {
                    self.pos += TRIM_MARKER_LEN;
                }
                self.pos += self.right.len();
                if trim {
                    let r = rest(self.input, self.pos);
                    self.pos += r.len() - r.trim_start_matches(is_space).len();
                }
                self.ignore();
                if self.emit_comment {
                    return Ok(tok);
                }
                Err(State::Text)
            }
            State::RightDelim => {
                let (_, trim) = self.at_right_delim();
                if trim {
                    self.pos += TRIM_MARKER_LEN;
                    self.ignore();
                }
                self.pos += self.right.len();
                let tok = self.this_item(Item::RightDelim);
                if trim {
                    let r = rest(self.input, self.pos);
                    self.pos += r.len() - r.trim_start_matches(is_space).len();
                    self.ignore();
                }
                self.inside_action = false;
                Ok(tok)
            }
            State::InsideAction => {
                let (delim, _) = self.at_right_delim();
                if delim {
                    if self.paren_depth == 0 {
                        return Err(State::RightDelim);
                    }
                    return Ok(self.errorf("unclosed left paren".to_owned()));
                }
                let Some(r) = self.next() else {
                    return Ok(self.errorf("unclosed action".to_owned()));
                };
                match r {
                    r if is_space(r) => {
                        self.backup();
                        Err(State::Space)
                    }
                    '=' => Ok(self.this_item(Item::Assign)),
                    ':' => {
                        if self.next() != Some('=') {
                            return Ok(self.errorf("expected :=".to_owned()));
                        }
                        Ok(self.this_item(Item::Declare))
                    }
                    '|' => Ok(self.this_item(Item::Pipe)),
                    '"' => Err(State::Quote),
                    '`' => Err(State::RawQuote),
                    '$' => Err(State::Variable),
                    '\'' => Err(State::Char),
                    '.' => {
                        if let Some(&b) = self.input.as_bytes().get(self.pos) {
                            if !b.is_ascii_digit() {
                                return Err(State::Field);
                            }
                        }
                        self.backup();
                        Err(State::Number)
                    }
                    '+' | '-' | '0'..='9' => {
                        self.backup();
                        Err(State::Number)
                    }
                    r if is_alnum(r) => {
                        self.backup();
                        Err(State::Identifier)
                    }
                    '(' => {
                        self.paren_depth += 1;
                        Ok(self.this_item(Item::LeftParen))
                    }
                    ')' => {
                        self.paren_depth -= 1;
                        if self.paren_depth < 0 {
                            return Ok(self.errorf("unexpected right paren".to_owned()));
                        }
                        Ok(self.this_item(Item::RightParen))
                    }
                    r if r.is_ascii() && !r.is_ascii_control() => Ok(self.this_item(Item::Char)),
                    r => Ok(self.errorf(format!(
                        "unrecognized character in action: {}",
                        crate::gofmt::unicode_sharp(r)
                    ))),
                }
            }
            State::Space => {
                let mut n = 0;
                while let Some(r) = self.peek() {
                    if !is_space(r) {
                        break;
                    }
                    self.next();
                    n += 1;
                }
                let p = self.pos.saturating_sub(1);
                if has_right_trim_marker(rest(self.input, p))
                    && self.right_delim_at(rest(self.input, p + TRIM_MARKER_LEN))
                {
                    self.backup();
                    if n == 1 {
                        return Err(State::RightDelim);
                    }
                }
                Ok(self.this_item(Item::Space))
            }
            State::Identifier => loop {
                self.ascii_alnum_run();
                match self.next() {
                    Some(r) if is_alnum(r) => {}
                    r => {
                        self.backup();
                        let word = self.input.get(self.start..self.pos).unwrap_or("");
                        if !self.at_terminator() {
                            return Ok(self.errorf(format!("bad character {}", bad_char(r))));
                        }
                        if let Some(k) = keyword(word) {
                            if (k == Item::Break && !self.break_ok)
                                || (k == Item::Continue && !self.continue_ok)
                            {
                                return Ok(self.this_item(Item::Identifier));
                            }
                            return Ok(self.this_item(k));
                        }
                        if word == "true" || word == "false" {
                            return Ok(self.this_item(Item::Bool));
                        }
                        return Ok(self.this_item(Item::Identifier));
                    }
                }
            },
            State::Field => Ok(self.field_or_variable(Item::Field)),
            State::Variable => {
                if self.at_terminator() {
                    return Ok(self.this_item(Item::Variable));
                }
                Ok(self.field_or_variable(Item::Variable))
            }
            State::Char => {
                loop {
                    match self.next() {
                        Some('\\') => match self.next() {
                            Some(r) if r != '\n' => {}
                            _ => {
                                return Ok(self.errorf("unterminated character constant".to_owned()))
                            }
                        },
                        None | Some('\n') => {
                            return Ok(self.errorf("unterminated character constant".to_owned()));
                        }
                        Some('\'') => break,
                        Some(_) => {}
                    }
                }
                Ok(self.this_item(Item::CharConstant))
            }
            State::Number => {
                if !self.scan_number() {
                    let s = self
                        .input
                        .get(self.start..self.pos)
                        .unwrap_or("")
                        .to_owned();
                    return Ok(
                        self.errorf(format!("bad number syntax: {}", crate::gofmt::quote(&s)))
                    );
                }
                if let Some('+' | '-') = self.peek() {
                    if !self.scan_number()
                        || self.input.as_bytes().get(self.pos.wrapping_sub(1)) != Some(&b'i')
                    {
                        let s = self
                            .input
                            .get(self.start..self.pos)
                            .unwrap_or("")
                            .to_owned();
                        return Ok(
                            self.errorf(format!("bad number syntax: {}", crate::gofmt::quote(&s)))
                        );
                    }
                    return Ok(self.this_item(Item::Complex));
                }
                Ok(self.this_item(Item::Number))
            }
            State::Quote => {
                loop {
                    // Plain bytes up to the next quote, backslash or line end
                    // (none of them moves the line count).
                    let rest = self.input.as_bytes().get(self.pos..).unwrap_or_default();
                    self.pos += memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
                    match self.next() {
                        Some('\\') => match self.next() {
                            Some(r) if r != '\n' => {}
                            _ => return Ok(self.errorf("unterminated quoted string".to_owned())),
                        },
                        None | Some('\n') => {
                            return Ok(self.errorf("unterminated quoted string".to_owned()))
                        }
                        Some('"') => break,
                        Some(_) => {}
                    }
                }
                Ok(self.this_item(Item::String))
            }
            State::RawQuote => {
                loop {
                    match self.next() {
                        None => return Ok(self.errorf("unterminated raw quoted string".to_owned())),
                        Some('`') => break,
                        Some(_) => {}
                    }
                }
                Ok(self.this_item(Item::RawString))
            }
        }
    }

    fn field_or_variable(&mut self, typ: Item) -> Token<'a> {
        if self.at_terminator() {
            return self.this_item(if typ == Item::Variable {
                Item::Variable
            } else {
                Item::Dot
            });
        }
        let mut last;
        loop {
            self.ascii_alnum_run();
            last = self.next();
            match last {
                Some(r) if is_alnum(r) => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", bad_char(last)));
        }
        self.this_item(typ)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }
}

fn bad_char(r: Option<char>) -> String {
    match r {
        Some(c) => crate::gofmt::unicode_sharp(c),
        // Go prints eof (-1) with %#U as "U+FFFFFFFFFFFFFFFF".
        None => "U+FFFFFFFFFFFFFFFF".to_owned(),
    }
}

fn count_nl(s: &str) -> usize {
    memchr::memchr_iter(b'\n', s.as_bytes()).count()
}
