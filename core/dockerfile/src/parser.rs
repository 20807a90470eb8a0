//! BuildKit's Dockerfile parser (`frontend/dockerfile/parser`) and its
//! instruction-level checks (`frontend/dockerfile/instructions`), in Rust.
//!
//! [`parse_ast`] does what BuildKit's `parser.Parse` does (lines, directives,
//! continuations, comments, heredocs, the per-keyword line parsers); [`parse`]
//! adds the checks of `instructions.Parse` (argument counts, builder flags,
//! stage context). Where BuildKit stops at the first error, this parser records a
//! located [`Problem`] and goes on, so rules still see the rest of the file.
//!
//! Known, deliberate differences from BuildKit:
//! - a NUL byte anywhere is a located error (a binary file, not a Dockerfile);
//! - after an error, parsing continues (BuildKit stops at the first error), and
//!   each instruction gets at most one instruction-level problem;
//! - flags and the HEALTHCHECK type are scanned by character where BuildKit scans
//!   bytes (they differ only for non-ASCII text containing the bytes 0x85/0xA0);
//! - `ONBUILD ONBUILD …` is parsed 4 levels deep at most (BuildKit rejects any
//!   chaining), and `${…}` substitutions nest 64 levels deep at most;
//! - the dump's quoting approximates Go's `unicode.IsPrint` for rare characters.
#![allow(clippy::doc_markdown)]

use crate::ast::{
    Args, Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, Keyword,
    LogicalText, Word,
};
use crate::expand::{Lexer, NoEnv};
use crate::to_u32;
use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::source::Span;

/// BuildKit's line limit (`bufio.MaxScanTokenSize - 1`).
pub const MAX_LINE_LEN: usize = 64 * 1024 - 1;

/// Most instructions read from one file (BuildKit has no limit; an image has at
/// most 127 layers, and real Dockerfiles have hundreds of instructions at most).
/// Past it the rest of the file is not read: one `limit` error. Each instruction
/// costs a few hundred bytes, so this bounds the memory of a file of millions of
/// one-word lines.
pub const MAX_INSTRUCTIONS: usize = 20_000;

/// Most argument words read from the instructions of one file (an instruction can
/// run over any number of continuation lines); past it the rest of the file is not
/// read: one `limit` error. Checked before an instruction is split, on an upper
/// bound of its words ([`word_bound`]).
pub const MAX_WORDS: usize = 500_000;

/// An upper bound on the words, JSON strings or `key=value` halves `text` splits
/// into: runs of non-blank characters, plus commas and `=` signs.
fn word_bound(text: &str) -> usize {
    let mut n = 0;
    let mut blank = true;
    for b in text.bytes() {
        let is_blank = b.is_ascii_whitespace();
        if blank && !is_blank {
            n += 1;
        }
        if b == b',' || b == b'=' {
            n += 1;
        }
        blank = is_blank;
    }
    n
}

/// Most comment lines kept from one file (for suppressions and directives); past
/// it the rest are not kept: one `limit` error.
pub const MAX_COMMENTS: usize = 100_000;

/// Deepest `ONBUILD ONBUILD …` nesting parsed (BuildKit rejects any chaining).
const MAX_ONBUILD_DEPTH: u32 = 4;

/// The result of parsing: the tree (as much as could be read) and every located error.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub dockerfile: Dockerfile,
    pub problems: Vec<Problem>,
}

/// Parse a Dockerfile: syntax ([`parse_ast`]) plus BuildKit's instruction checks.
/// Never panics; everything BuildKit rejects is a [`Problem`].
pub fn parse(text: &str) -> Parsed {
    let mut parsed = parse_ast(text);
    if parsed.problems.is_empty() || !parsed.dockerfile.instructions.is_empty() {
        check_instructions(&parsed.dockerfile, text, &mut parsed.problems);
    }
    parsed
}

fn span(range: std::ops::Range<usize>) -> Span {
    Span::from_range(range)
}

/// One physical line: `start..end` without the line break (and trailing `\r`s),
/// `next` is where the following line starts.
#[derive(Clone, Copy)]
struct Line {
    no: u32,
    start: usize,
    end: usize,
    next: usize,
}

struct Lines<'a> {
    text: &'a str,
    pos: usize,
    no: u32,
}

impl Lines<'_> {
    fn next_line(&mut self) -> Option<Line> {
        if self.pos >= self.text.len() {
            return None;
        }
        let bytes = self.text.as_bytes();
        let rest = bytes.get(self.pos..)?;
        let (end_nl, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (self.pos + i, self.pos + i + 1),
            None => (self.text.len(), self.text.len()),
        };
        let mut end = end_nl;
        while end > self.pos && matches!(bytes.get(end - 1), Some(b'\r' | b'\n')) {
            end -= 1;
        }
        let line = Line {
            no: self.no,
            start: self.pos,
            end,
            next,
        };
        self.pos = next;
        self.no += 1;
        Some(line)
    }
}

fn is_comment(s: &str) -> bool {
    s.trim_start().starts_with('#')
}

/// BuildKit's `lineContinuationRegex`: the line ends with the escape character
/// (plus blanks), not itself escaped. Returns the length of the content to keep
/// and whether the line continues.
fn trim_continuation(s: &str, escape: char) -> (usize, bool) {
    let t = s.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape) {
        if before.is_empty() || !before.ends_with(escape) {
            return (before.len(), true);
        }
    }
    (s.len(), false)
}

#[derive(Default)]
struct DirectiveState {
    done: bool,
    seen: Vec<String>,
    /// The file starts with `#!`: BuildKit's parser stops looking for directives,
    /// but its frontend (`DetectSyntax`, `ParseDirective`) skips the shebang and
    /// still reads `syntax` and `check` after it.
    after_shebang: bool,
}

/// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on the text after `#` and blanks;
/// returns (name range, value range) relative to `s`.
fn match_directive(s: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let b = s.as_bytes();
    let is_re_space = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let mut i = 1;
    while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    let name = 0..i;
    while b.get(i).is_some_and(|c| is_re_space(*c)) {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while b.get(i).is_some_and(|c| is_re_space(*c)) {
        i += 1;
    }
    let mut end = b.len();
    while end > i && b.get(end - 1).is_some_and(|c| is_re_space(*c)) {
        end -= 1;
    }
    if end <= i || s.get(i..end)?.contains('\n') {
        return None;
    }
    Some((name, i..end))
}

struct Parser<'a> {
    text: &'a str,
    lines: Lines<'a>,
    df: Dockerfile,
    problems: Vec<Problem>,
    directives: DirectiveState,
    /// More than [`MAX_COMMENTS`] comments were found (reported once).
    comments_over: bool,
    /// Words read so far (an upper bound, see [`MAX_WORDS`]).
    words: usize,
}

/// Parse the syntax only, as BuildKit's `parser.Parse` does.
pub fn parse_ast(text: &str) -> Parsed {
    let mut df = Dockerfile {
        escape: '\\',
        ..Dockerfile::default()
    };
    if let Some(nul) = text.find('\0') {
        return Parsed {
            dockerfile: df,
            problems: vec![Problem::parse(
                span(nul..nul + 1),
                "file contains NUL bytes: not a Dockerfile (binary file?)",
            )],
        };
    }
    let start = if text.starts_with('\u{feff}') {
        df.bom = true;
        3
    } else {
        0
    };
    let mut p = Parser {
        text,
        lines: Lines {
            text,
            pos: start,
            no: 0,
        },
        df,
        problems: Vec::new(),
        directives: DirectiveState::default(),
        comments_over: false,
        words: 0,
    };
    p.run();
    // Kept for every rule: no spare capacity, however the reading ended.
    p.df.instructions.shrink_to_fit();
    Parsed {
        dockerfile: p.df,
        problems: p.problems,
    }
}

impl Parser<'_> {
    fn line_text(&self, l: Line) -> &str {
        self.text.get(l.start..l.end).unwrap_or("")
    }

    fn too_long(&mut self, l: Line) -> bool {
        if l.end - l.start > MAX_LINE_LEN || l.next - l.start > MAX_LINE_LEN + 1 {
            self.problems.push(Problem::parse(
                span(l.start..l.start),
                format!("dockerfile line greater than max allowed size of {MAX_LINE_LEN}"),
            ));
            return true;
        }
        false
    }

    fn push_comment(&mut self, l: Line, in_continuation: bool) {
        let raw = self.line_text(l);
        let Some(hash) = raw.find('#') else {
            return;
        };
        let start = l.start + hash;
        if self.df.comments.len() >= MAX_COMMENTS {
            if !self.comments_over {
                self.comments_over = true;
                self.problems.push(Problem::new(
                    ErrorKind::Limit,
                    span(start..l.end),
                    format!("more than {MAX_COMMENTS} comment lines in this file; comments from here on (suppressions among them) are not read"),
                ));
            }
            return;
        }
        self.df.comments.push(Comment {
            text: raw.get(hash + 1..).unwrap_or("").to_string(),
            span: span(start..l.end),
            text_span: span(start + 1..l.end),
            line: l.no,
            in_continuation,
        });
    }

    /// BuildKit's `possibleParserDirective`; `s` starts at `offset`.
    fn directive(&mut self, s: &str, offset: usize, line: u32) {
        if self.directives.done {
            return;
        }
        if line == 0 && s.starts_with("#!") {
            self.directives.after_shebang = true;
            return;
        }
        let Some(after) = s.strip_prefix('#') else {
            self.directives.done = true;
            return;
        };
        let lead = after.len() - after.trim_start().len();
        let body = after.trim_start();
        let base = offset + 1 + lead;
        let Some((name_r, value_r)) = match_directive(body) else {
            self.directives.done = true;
            return;
        };
        let name = body.get(name_r.clone()).unwrap_or("").to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check")
            || (self.directives.after_shebang && name == "escape")
        {
            self.directives.done = true;
            return;
        }
        let whole = span(offset..offset + s.len());
        if self.directives.seen.contains(&name) {
            self.problems.push(Problem::parse(
                whole,
                format!("only one {name} parser directive can be used"),
            ));
            return;
        }
        self.directives.seen.push(name.clone());
        let value = body.get(value_r.clone()).unwrap_or("").to_string();
        if name == "escape" {
            match value.as_str() {
                "`" => self.df.escape = '`',
                "\\" => self.df.escape = '\\',
                _ => {
                    self.problems.push(Problem::parse(
                        span(base + value_r.start..base + value_r.end),
                        format!("invalid escape token '{value}' does not match ` or \\"),
                    ));
                    return;
                }
            }
        }
        self.df.directives.push(Directive {
            name,
            value,
            span: whole,
            name_span: span(base + name_r.start..base + name_r.end),
            value_span: span(base + value_r.start..base + value_r.end),
            line,
        });
    }

    #[allow(clippy::too_many_lines)]
    fn run(&mut self) {
        while let Some(l) = self.lines.next_line() {
            if self.too_long(l) {
                return;
            }
            let raw = self.line_text(l);
            let comment = is_comment(raw);
            if comment {
                self.push_comment(l, false);
            }
            let raw = self.line_text(l);
            let trimmed = raw.trim_start();
            let tstart = l.start + (raw.len() - trimmed.len());
            let trimmed = trimmed.to_string();
            self.directive(&trimmed, tstart, l.no);
            if comment {
                continue;
            }
            let escape = self.df.escape;
            let (keep, mut cont) = trim_continuation(&trimmed, escape);
            if !cont && keep == 0 {
                continue;
            }
            let mut logical = LogicalText {
                value: trimmed.get(..keep).unwrap_or("").to_string(),
                segments: vec![(0, to_u32(tstart))],
            };
            let mut last = l;
            let mut last_content_end = tstart + keep;
            while cont {
                let Some(l2) = self.lines.next_line() else {
                    break;
                };
                if self.too_long(l2) {
                    return;
                }
                last = l2;
                let raw2 = self.line_text(l2);
                if is_comment(raw2) {
                    self.push_comment(l2, true);
                    continue;
                }
                if raw2.trim_start().is_empty() {
                    self.df.empty_continuation_lines.push(l2.no);
                    continue;
                }
                let (keep2, c2) = trim_continuation(raw2, escape);
                let piece = raw2.get(..keep2).unwrap_or("");
                logical
                    .segments
                    .push((to_u32(logical.value.len()), to_u32(l2.start)));
                logical.value.push_str(piece);
                last_content_end = l2.start + keep2;
                cont = c2;
            }
            let _ = last_content_end;
            let end = last.end.max(tstart);
            self.words = self.words.saturating_add(word_bound(&logical.value));
            if self.words > MAX_WORDS {
                self.problems.push(Problem::new(
                    ErrorKind::Limit,
                    span(tstart..end),
                    format!(
                        "the instructions of this file have more than {MAX_WORDS} words; the rest of the file is not read"
                    ),
                ));
                return;
            }
            let mut ins = match node_from_line(&logical, escape, 0) {
                Ok(ins) => ins,
                Err((msg, sp, partial)) => {
                    self.problems.push(Problem::parse(sp, msg));
                    *partial
                }
            };
            ins.start_line = l.no;
            ins.end_line = last.no;
            ins.span = span(tstart..end);
            if let Args::Onbuild(inner) = &mut ins.args {
                inner.start_line = l.no;
                inner.end_line = last.no;
            }
            if can_contain_heredoc(&ins) && logical.value.contains("<<") {
                match heredocs_from_line(&logical.value) {
                    Ok(docs) => {
                        let mut cursor = 0usize;
                        for doc in docs {
                            let word_span = find_heredoc_word(&logical, &mut cursor);
                            let h = self.read_heredoc(doc, word_span);
                            match h {
                                Ok(h) => {
                                    ins.end_line =
                                        ins.end_line.max(self.lines.no.saturating_sub(1));
                                    ins.span.end = ins.span.end.max(h.terminator_span.end);
                                    ins.heredocs.push(h);
                                }
                                Err(h) => {
                                    ins.end_line =
                                        self.lines.no.saturating_sub(1).max(ins.end_line);
                                    ins.span.end = to_u32(self.text.len()).max(ins.span.end);
                                    let trimmed_end =
                                        to_u32(self.text.trim_end_matches(['\r', '\n']).len());
                                    ins.span.end = trimmed_end.max(ins.span.start);
                                    self.problems.push(Problem::parse(
                                        Span::new(ins.span.start, ins.span.end),
                                        "unterminated heredoc",
                                    ));
                                    ins.heredocs.push(h);
                                    break;
                                }
                            }
                        }
                    }
                    Err(msg) => self.problems.push(Problem::parse(ins.span, msg)),
                }
            }
            if self.df.instructions.len() == MAX_INSTRUCTIONS {
                self.problems.push(Problem::new(
                    ErrorKind::Limit,
                    ins.keyword_span,
                    format!(
                        "more than {MAX_INSTRUCTIONS} instructions in this file; the rest of the file is not read"
                    ),
                ));
                return;
            }
            self.df.instructions.push(ins);
        }
        if self.df.instructions.is_empty() {
            let end = self.text.len();
            self.problems
                .push(Problem::parse(span(end..end), "file with no instructions"));
        }
    }

    /// Read a heredoc body after the instruction; `Err` when unterminated (the body
    /// then runs to the end of the file).
    fn read_heredoc(&mut self, doc: HeredocWord, word_span: Span) -> Result<Heredoc, Heredoc> {
        let body_start = self.lines.pos;
        let mut h = Heredoc {
            name: doc.name,
            quoted: doc.quoted,
            strip_tabs: doc.chomp,
            fd: doc.fd,
            body: String::new(),
            body_span: span(body_start..body_start),
            word_span,
            terminator_span: Span::empty_at(to_u32(self.text.len())),
        };
        while let Some(l) = self.lines.next_line() {
            if l.end - l.start > MAX_LINE_LEN || l.next - l.start > MAX_LINE_LEN + 1 {
                // BuildKit's scanner stops here; the heredoc is then unterminated.
                self.lines.pos = self.text.len();
                break;
            }
            let content = self.line_text(l);
            let candidate = if h.strip_tabs {
                content.trim_start_matches('\t')
            } else {
                content
            };
            if candidate == h.name {
                h.body = self.text.get(body_start..l.start).unwrap_or("").to_string();
                h.body_span = span(body_start..l.start);
                h.terminator_span = span(l.start..l.end);
                return Ok(h);
            }
        }
        h.body = self.text.get(body_start..).unwrap_or("").to_string();
        h.body_span = span(body_start..self.text.len());
        Err(h)
    }
}

fn can_contain_heredoc(ins: &Instruction) -> bool {
    let node = match &ins.args {
        Args::Onbuild(inner) if ins.keyword == Keyword::Onbuild => inner.as_ref(),
        _ => ins,
    };
    node.keyword.allows_heredoc() && !matches!(node.args, Args::Json(_))
}

/// Locate the next `<<` word in the logical line, from `cursor`.
fn find_heredoc_word(lt: &LogicalText, cursor: &mut usize) -> Span {
    let v = lt.value.as_str();
    let Some(rel) = v.get(*cursor..).and_then(|s| s.find("<<")) else {
        return lt.span(v.len()..v.len());
    };
    let at = *cursor + rel;
    let b = v.as_bytes();
    let mut start = at;
    while start > 0 && b.get(start - 1).is_some_and(u8::is_ascii_digit) {
        start -= 1;
    }
    let mut end = at + 2;
    if b.get(end) == Some(&b'-') {
        end += 1;
    }
    while b.get(end).is_some_and(|c| matches!(c, b' ' | b'\t')) {
        end += 1;
    }
    while let Some(c) = b.get(end) {
        if c.is_ascii_whitespace() || *c == b'<' {
            break;
        }
        end += 1;
    }
    *cursor = end;
    lt.span(start..end)
}

struct HeredocWord {
    name: String,
    quoted: bool,
    chomp: bool,
    fd: Option<u32>,
}

/// BuildKit's `ParseHeredoc`: `^(\d*)<<(-?)\s*([^<]*)$`.
/// A heredoc word: terminator name, quoted, `<<-`, fd.
pub(crate) type HeredocParts = (String, bool, bool, Option<u32>);

pub(crate) fn parse_heredoc_word(word: &str) -> Result<Option<HeredocParts>, String> {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (fd_text, rest) = word.split_at(digits);
    let Some(rest) = rest.strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    let fd = if fd_text.is_empty() {
        None
    } else {
        Some(fd_text.parse::<u32>().unwrap_or(0))
    };
    let mut lex = Lexer::new('\\');
    lex.skip_unset_env = true;
    let words = lex.process_words(rest, &NoEnv).map_err(|e| e.message)?;
    let [name] = words.as_slice() else {
        return Ok(None);
    };
    lex.raw_quotes = true;
    let raw = lex.process_words(rest, &NoEnv).map_err(|e| e.message)?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let count = |s: &str| s.chars().filter(|c| *c == '\'' || *c == '"').count();
    let quoted = count(name) != raw.first().map_or(0, |r| count(r));
    Ok(Some((name.clone(), quoted, chomp, fd)))
}

fn heredocs_from_line(line: &str) -> Result<Vec<HeredocWord>, String> {
    let mut lex = Lexer::new('\\');
    lex.raw_quotes = true;
    lex.raw_escapes = true;
    lex.skip_unset_env = true;
    let words = lex.process_words(line, &NoEnv).unwrap_or_default();
    let mut docs = Vec::new();
    for w in words {
        if let Some((name, quoted, chomp, fd)) = parse_heredoc_word(&w)? {
            docs.push(HeredocWord {
                name,
                quoted,
                chomp,
                fd,
            });
        }
    }
    Ok(docs)
}

/// `[\t\v\f\r ]`
fn is_re_ws(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// Byte ranges of the pieces of `s` split on runs of `[\t\v\f\r ]` (regexp Split
/// semantics: leading/trailing separators give empty pieces).
fn split_ws(s: &str, limit: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if out.len() + 1 == limit {
            break;
        }
        if is_re_ws(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !is_re_ws(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            out.push(start..i);
            start = end;
        }
    }
    out.push(start..s.len());
    out
}

type NodeError = (String, Span, Box<Instruction>);

/// BuildKit's `newNodeFromLine`: split the keyword, the flags and the rest, and
/// run the keyword's line parser.
fn node_from_line(lt: &LogicalText, escape: char, depth: u32) -> Result<Instruction, NodeError> {
    let line = lt.value.as_str();
    let trimmed = line.trim();
    let base = line.len() - line.trim_start().len();
    let parts = split_ws(trimmed, 2);
    let cmd_r = parts.first().cloned().unwrap_or(0..0);
    let cmd = trimmed.get(cmd_r.clone()).unwrap_or("");
    let keyword = Keyword::from_name(cmd);
    let mut flags = Vec::new();
    let mut args_r = trimmed.len()..trimmed.len();
    if let Some(rest_r) = parts.get(1) {
        let rest = trimmed.get(rest_r.clone()).unwrap_or("");
        let (consumed, fl) = extract_flags(rest, escape);
        for f in fl {
            flags.push(make_flag(lt, base + rest_r.start, rest, f));
        }
        let after = rest.get(consumed..).unwrap_or("");
        let lead = after.len() - after.trim_start().len();
        let s = rest_r.start + consumed + lead;
        args_r = s..s + after.trim().len();
    }
    let args_abs = base + args_r.start..base + args_r.end;
    let text = lt.slice(args_abs.clone());
    let cmd_abs = base + cmd_r.start..base + cmd_r.end;
    let mut ins = Instruction {
        keyword,
        keyword_text: cmd.to_string(),
        keyword_span: lt.span(cmd_abs.clone()),
        span: lt.span(cmd_abs.start..line.trim_end().len()),
        start_line: 0,
        end_line: 0,
        flags,
        text,
        args: Args::Empty,
        heredocs: Vec::new(),
    };
    match line_parser(&ins.text, keyword, escape, depth) {
        Ok(args) => {
            ins.args = args;
            Ok(ins)
        }
        Err(msg) => {
            ins.args = Args::Ignored;
            let sp = ins.span;
            Err((msg, sp, Box::new(ins)))
        }
    }
}

/// The char at byte offset `k` (`'\0'` past the end).
fn char_at(s: &str, k: usize) -> char {
    s.get(k..).and_then(|t| t.chars().next()).unwrap_or('\0')
}

struct RawFlag {
    value: String,
    start: usize,
    end: usize,
}

/// BuildKit's `extractBuilderFlags`: returns the offset where the arguments start
/// and the flags (quotes and escapes processed).
fn extract_flags(line: &str, escape: char) -> (usize, Vec<RawFlag>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut buf = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word_start = 0;
    let mut k = 0;
    loop {
        let at_end = k >= line.len();
        let pos = k;
        let ch = char_at(line, k);
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if ch.is_whitespace() {
                k += ch.len_utf8();
                continue;
            }
            let next_dash = char_at(line, k + ch.len_utf8()) == '-';
            if ch != '-' || !next_dash {
                return (pos, words);
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if at_end {
            if buf != "--" && (blank_ok || !buf.is_empty()) {
                words.push(RawFlag {
                    value: buf,
                    start: word_start,
                    end: line.len(),
                });
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if buf == "--" {
                    return (pos, words);
                }
                if blank_ok || !buf.is_empty() {
                    words.push(RawFlag {
                        value: std::mem::take(&mut buf),
                        start: word_start,
                        end: pos,
                    });
                }
                buf.clear();
                blank_ok = false;
                k += ch.len_utf8();
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                k += ch.len_utf8();
                continue;
            }
            let mut c = ch;
            if ch == escape {
                if k + ch.len_utf8() >= line.len() {
                    k += ch.len_utf8();
                    continue;
                }
                k += ch.len_utf8();
                c = char_at(line, k);
            }
            buf.push(c);
            k += c.len_utf8();
            continue;
        }
        // in quote
        if ch == quote {
            phase = Phase::Word;
            k += ch.len_utf8();
            continue;
        }
        let mut c = ch;
        if ch == escape {
            if k + ch.len_utf8() >= line.len() {
                phase = Phase::Word;
                k += ch.len_utf8();
                continue;
            }
            k += ch.len_utf8();
            c = char_at(line, k);
        }
        buf.push(c);
        k += c.len_utf8();
    }
    (line.len(), words)
}

fn make_flag(lt: &LogicalText, base: usize, rest: &str, f: RawFlag) -> Flag {
    let written = rest.get(f.start..f.end).unwrap_or("");
    let body = f.value.strip_prefix("--").unwrap_or(&f.value);
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n.to_string(), Some(v.to_string())),
        None => (body.to_string(), None),
    };
    let abs = base + f.start..base + f.end;
    let (name_span, value_span) = match written.find('=') {
        Some(eq) if value.is_some() => (
            lt.span(abs.start..abs.start + eq),
            Some(lt.span(abs.start + eq + 1..abs.end)),
        ),
        _ => (
            lt.span(abs.clone()),
            value.as_ref().map(|_| lt.span(abs.end..abs.end)),
        ),
    };
    Flag {
        name,
        value,
        raw: f.value,
        span: lt.span(abs),
        name_span,
        value_span,
    }
}

fn word(lt: &LogicalText, value: impl Into<String>, r: std::ops::Range<usize>) -> Word {
    Word {
        value: value.into(),
        span: lt.span(r),
    }
}

/// The line parser of each keyword (BuildKit's dispatch table).
fn line_parser(
    lt: &LogicalText,
    keyword: Keyword,
    escape: char,
    depth: u32,
) -> Result<Args, String> {
    let rest = lt.value.as_str();
    match keyword {
        Keyword::Add | Keyword::Copy | Keyword::Volume => match parse_json(lt)? {
            Some(ws) => Ok(Args::Json(ws)),
            None => Ok(whitespace_words(lt)),
        },
        Keyword::Arg => {
            let ws = parse_words(rest, escape);
            if ws.is_empty() {
                return Ok(Args::Empty);
            }
            Ok(Args::Words(
                ws.into_iter().map(|(v, r)| word(lt, v, r)).collect(),
            ))
        }
        Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell => maybe_json(lt),
        Keyword::Env => parse_name_val(lt, "ENV", escape),
        Keyword::Label => parse_name_val(lt, "LABEL", escape),
        Keyword::Expose | Keyword::From => Ok(whitespace_words(lt)),
        Keyword::Healthcheck => {
            let sep = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if sep == 0 {
                return Ok(Args::Empty);
            }
            let after = rest.get(sep..).unwrap_or("");
            let next = sep + (after.len() - after.trim_start().len());
            let kind = word(lt, rest.get(..sep).unwrap_or(""), 0..sep);
            let cmd = maybe_json(&lt.slice(next..rest.len()))?;
            Ok(Args::Healthcheck {
                kind,
                cmd: Box::new(cmd),
            })
        }
        Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
            if rest.is_empty() {
                Ok(Args::Empty)
            } else {
                Ok(Args::Text(word(lt, rest, 0..rest.len())))
            }
        }
        Keyword::Onbuild => {
            if rest.is_empty() {
                return Ok(Args::Empty);
            }
            if depth >= MAX_ONBUILD_DEPTH {
                return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string());
            }
            match node_from_line(lt, escape, depth + 1) {
                Ok(ins) => Ok(Args::Onbuild(Box::new(ins))),
                Err((msg, _, _)) => Err(msg),
            }
        }
        Keyword::Unknown => Ok(Args::Ignored),
    }
}

fn whitespace_words(lt: &LogicalText) -> Args {
    let rest = lt.value.as_str();
    if rest.is_empty() {
        return Args::Empty;
    }
    Args::Words(
        split_ws(rest, usize::MAX)
            .into_iter()
            .map(|r| word(lt, rest.get(r.clone()).unwrap_or(""), r))
            .collect(),
    )
}

fn maybe_json(lt: &LogicalText) -> Result<Args, String> {
    let rest = lt.value.as_str();
    if rest.is_empty() {
        return Ok(Args::Empty);
    }
    match parse_json(lt)? {
        Some(ws) => Ok(Args::Json(ws)),
        None => Ok(Args::Text(word(lt, rest, 0..rest.len()))),
    }
}

const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// Iterative JSON syntax check (no recursion), with Go's nesting limit of 10000.
#[allow(clippy::too_many_lines)]
fn deep_json_is_valid(s: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Expect {
        Value,
        ValueOrClose,
        CommaOrClose,
        Key,
        KeyOrClose,
        Colon,
    }
    let b = s.as_bytes();
    let mut stack: Vec<u8> = Vec::new();
    let mut expect = Expect::Value;
    let mut i = 0;
    let mut done = false;
    while i < b.len() {
        let Some(&c) = b.get(i) else { break };
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if done {
            return false;
        }
        match (expect, c) {
            (Expect::Value | Expect::ValueOrClose, b'[' | b'{') => {
                if stack.len() >= 10_000 {
                    return false;
                }
                stack.push(c);
                expect = if c == b'[' {
                    Expect::ValueOrClose
                } else {
                    Expect::KeyOrClose
                };
                i += 1;
                continue;
            }
            (Expect::ValueOrClose, b']')
            | (Expect::KeyOrClose, b'}')
            | (Expect::CommaOrClose, b']' | b'}') => {
                let open = stack.pop();
                if (c == b']' && open != Some(b'[')) || (c == b'}' && open != Some(b'{')) {
                    return false;
                }
                i += 1;
            }
            (Expect::CommaOrClose, b',') => {
                expect = if stack.last() == Some(&b'{') {
                    Expect::Key
                } else {
                    Expect::Value
                };
                i += 1;
                continue;
            }
            (Expect::Colon, b':') => {
                expect = Expect::Value;
                i += 1;
                continue;
            }
            (Expect::Key | Expect::KeyOrClose | Expect::Value | Expect::ValueOrClose, b'"') => {
                let key = matches!(expect, Expect::Key | Expect::KeyOrClose);
                i += 1;
                loop {
                    match b.get(i) {
                        None => return false,
                        Some(b'\\') => i += 2,
                        Some(b'"') => break,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
                if key {
                    expect = Expect::Colon;
                    continue;
                }
            }
            (Expect::Value | Expect::ValueOrClose, _) => {
                // number or literal: validate the token with serde_json
                let end = b
                    .get(i..)
                    .and_then(|r| {
                        r.iter().position(|c| {
                            matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                        })
                    })
                    .map_or(b.len(), |p| i + p);
                let token = s.get(i..end).unwrap_or("");
                if serde_json::from_str::<serde_json::Value>(token).is_err() {
                    return false;
                }
                i = end;
            }
            _ => return false,
        }
        // a value just ended
        if stack.is_empty() {
            done = true;
        } else {
            expect = Expect::CommaOrClose;
        }
    }
    done
}

/// BuildKit's `parseJSON`: `Ok(None)` when the text is not a JSON array (the
/// caller falls back to shell form), `Err` for a JSON array with a non-string.
fn parse_json(lt: &LogicalText) -> Result<Option<Vec<Word>>, String> {
    let rest = lt.value.as_str();
    let trimmed = rest.trim_start();
    let base = rest.len() - trimmed.len();
    if !trimmed.starts_with('[') {
        return Ok(None);
    }
    let items = match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(serde_json::Value::Array(items)) => items,
        // serde_json stops at 128 levels; Go's decoder accepts up to 10000. A valid
        // array nested that deep has a non-string element.
        Err(e) if e.to_string().contains("recursion limit") => {
            if deep_json_is_valid(trimmed) {
                return Err(NOT_STRING_ARRAY.to_string());
            }
            return Ok(None);
        }
        Ok(_) | Err(_) => return Ok(None),
    };
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match item {
            serde_json::Value::String(s) => values.push(s),
            _ => return Err(NOT_STRING_ARRAY.to_string()),
        }
    }
    // Locate each string literal (all elements are strings, at depth 1).
    let b = trimmed.as_bytes();
    let mut words = Vec::with_capacity(values.len());
    let mut i = 1;
    for v in values {
        while b.get(i).is_some_and(|c| *c != b'"') {
            i += 1;
        }
        let start = i;
        i += 1;
        while let Some(c) = b.get(i) {
            match c {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        i += 1;
        words.push(word(lt, v, base + start..base + i.min(b.len())));
    }
    Ok(Some(words))
}

/// BuildKit's `parseWords`: whitespace-separated words, quotes and escapes kept.
fn parse_words(rest: &str, escape: char) -> Vec<(String, std::ops::Range<usize>)> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut buf = String::new();
    let mut start = 0;
    let mut k = 0;
    loop {
        let at_end = k >= rest.len();
        let pos = k;
        let ch = char_at(rest, k);
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if ch.is_whitespace() {
                k += ch.len_utf8();
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        if at_end {
            if blank_ok || !buf.is_empty() {
                words.push((std::mem::take(&mut buf), start..rest.len()));
            }
            break;
        }
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || !buf.is_empty() {
                    words.push((std::mem::take(&mut buf), start..pos));
                }
                buf.clear();
                blank_ok = false;
                k += ch.len_utf8();
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            let mut c = ch;
            if ch == escape {
                if k + ch.len_utf8() >= rest.len() {
                    k += ch.len_utf8();
                    continue;
                }
                buf.push(ch);
                k += ch.len_utf8();
                c = char_at(rest, k);
            }
            buf.push(c);
            k += c.len_utf8();
            continue;
        }
        // in quote
        if ch == quote {
            phase = Phase::Word;
        }
        let mut c = ch;
        if ch == escape && quote != '\'' {
            if k + ch.len_utf8() >= rest.len() {
                phase = Phase::Word;
                k += ch.len_utf8();
                continue;
            }
            k += ch.len_utf8();
            buf.push(ch);
            c = char_at(rest, k);
        }
        buf.push(c);
        k += c.len_utf8();
    }
    words
}

/// BuildKit's `parseNameVal` for ENV and LABEL.
fn parse_name_val(lt: &LogicalText, key: &str, escape: char) -> Result<Args, String> {
    let rest = lt.value.as_str();
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Args::Empty);
    };
    if !first.0.contains('=') {
        let parts = split_ws(rest, 2);
        let (Some(k), Some(v)) = (parts.first(), parts.get(1)) else {
            return Err(format!("{key} must have two arguments"));
        };
        return Ok(Args::KeyValues(vec![KeyValue {
            key: word(lt, rest.get(k.clone()).unwrap_or(""), k.clone()),
            value: word(lt, rest.get(v.clone()).unwrap_or(""), v.clone()),
            equals: false,
        }]));
    }
    let mut pairs = Vec::with_capacity(words.len());
    for (w, r) in words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                go_quote(&w)
            ));
        };
        let eq = rest
            .get(r.clone())
            .and_then(|s| s.find('='))
            .map_or(r.start, |i| r.start + i);
        pairs.push(KeyValue {
            key: word(lt, k, r.start..eq),
            value: word(lt, v, (eq + 1).min(r.end)..r.end),
            equals: true,
        });
    }
    Ok(Args::KeyValues(pairs))
}

pub use stockade_source::go::go_quote;

/// The instruction as BuildKit's `Node.Dump()` prints it (without the parentheses).
pub fn dump_instruction(ins: &Instruction) -> String {
    let mut s = ins.keyword_text.to_lowercase();
    if !ins.flags.is_empty() {
        s.push_str(" [");
        for (i, f) in ins.flags.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&go_quote(&f.raw));
        }
        s.push(']');
    }
    dump_args(&ins.args, &mut s);
    s.trim().to_string()
}

fn dump_args(args: &Args, s: &mut String) {
    let mut q = |v: &str| {
        s.push(' ');
        s.push_str(&go_quote(v));
    };
    match args {
        Args::Empty => {}
        Args::Json(ws) | Args::Words(ws) => ws.iter().for_each(|w| q(&w.value)),
        Args::Text(w) => q(&w.value),
        Args::KeyValues(kvs) => {
            for kv in kvs {
                q(&kv.key.value);
                q(&kv.value.value);
                q(if kv.equals { "=" } else { "" });
            }
        }
        Args::Healthcheck { kind, cmd } => {
            q(&kind.value);
            dump_args(cmd, s);
        }
        Args::Onbuild(inner) => {
            s.push_str(" (");
            s.push_str(&dump_instruction(inner));
            s.push(')');
        }
        Args::Ignored => q(""),
    }
}

/// The whole file as BuildKit's `Node.Dump()` prints the root: one `(…)` line per
/// instruction.
pub fn dump(df: &Dockerfile) -> String {
    let mut out = String::new();
    for ins in &df.instructions {
        out.push('(');
        out.push_str(&dump_instruction(ins));
        out.push_str(")\n");
    }
    out
}

// ---------------------------------------------------------------------------
// Instruction-level checks (BuildKit's `instructions.Parse`).

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    String,
    Strings,
}

/// BuildKit's `BFlags.Parse` over the instruction's flags.
fn check_flags(ins: &Instruction, allowed: &[(&str, FlagType)]) -> Option<Problem> {
    let mut used: Vec<&str> = Vec::new();
    for f in &ins.flags {
        let flag_name = format!("--{}", f.name);
        let Some(&(_, ty)) = allowed.iter().find(|(n, _)| *n == f.name) else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            let hint = suggest(&f.name, &names, true)
                .map(|m| format!(" (did you mean {m}?)"))
                .unwrap_or_default();
            return Some(Problem::parse(
                f.span,
                format!("unknown flag: {flag_name}{hint}"),
            ));
        };
        if used.contains(&f.name.as_str()) && ty != FlagType::Strings {
            return Some(Problem::parse(
                f.span,
                format!("duplicate flag specified: {flag_name}"),
            ));
        }
        used.push(&f.name);
        match ty {
            FlagType::Bool => {
                let v = f.value.as_deref();
                if v == Some("") {
                    return Some(Problem::parse(
                        f.span,
                        format!("missing a value on flag: {flag_name}"),
                    ));
                }
                let lower = v.unwrap_or("").to_ascii_lowercase();
                if !matches!(lower.as_str(), "true" | "false" | "") {
                    return Some(Problem::parse(
                        f.span,
                        format!(
                            "expecting boolean value for flag {flag_name}, not: {}",
                            v.unwrap_or("")
                        ),
                    ));
                }
            }
            FlagType::String | FlagType::Strings => {
                if f.value.is_none() {
                    return Some(Problem::parse(
                        f.span,
                        format!("missing a value on flag: {flag_name}"),
                    ));
                }
            }
        }
    }
    None
}

/// Fields of a CSV value (`--mount=type=cache,target=/x`): separated by commas,
/// a field may be quoted with `"` (`""` inside quotes is a literal quote).
pub fn split_csv(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut in_quotes = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            ',' => {
                out.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            '"' if at_start => in_quotes = true,
            c => field.push(c),
        }
        at_start = false;
    }
    if !s.is_empty() {
        out.push(field);
    }
    out
}

/// BuildKit's `nodeArgs`: the flat argument list.
pub fn node_args(ins: &Instruction) -> Vec<&str> {
    fn walk<'a>(args: &'a Args, out: &mut Vec<&'a str>) {
        match args {
            Args::Empty => {}
            Args::Json(ws) | Args::Words(ws) => out.extend(ws.iter().map(|w| w.value.as_str())),
            Args::Text(w) => out.push(&w.value),
            Args::KeyValues(kvs) => {
                for kv in kvs {
                    out.push(&kv.key.value);
                    out.push(&kv.value.value);
                    out.push(if kv.equals { "=" } else { "" });
                }
            }
            Args::Healthcheck { kind, cmd } => {
                out.push(&kind.value);
                walk(cmd, out);
            }
            Args::Onbuild(inner) => {
                out.push(&inner.keyword_text);
                walk(&inner.args, out);
            }
            Args::Ignored => out.push(""),
        }
    }
    let mut out = Vec::new();
    walk(&ins.args, &mut out);
    out
}

fn is_valid_stage_name(s: &str) -> bool {
    let mut it = s.chars();
    it.next().is_some_and(|c| c.is_ascii_lowercase())
        && it.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_go_duration(s: &str) -> Result<i128, String> {
    let bad = || format!("time: invalid duration {}", go_quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let int_len = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let int_part = rest.get(..int_len).unwrap_or("");
        rest = rest.get(int_len..).unwrap_or("");
        let mut frac_part = "";
        if let Some(r) = rest.strip_prefix('.') {
            let fl = r.len() - r.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            frac_part = r.get(..fl).unwrap_or("");
            rest = r.get(fl..).unwrap_or("");
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        let unit_len = rest.len()
            - rest
                .trim_start_matches(|c: char| c != '.' && !c.is_ascii_digit())
                .len();
        let unit = rest.get(..unit_len).unwrap_or("");
        rest = rest.get(unit_len..).unwrap_or("");
        let mult: f64 = match unit {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(format!("time: missing unit in duration {}", go_quote(s))),
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(s)
                ))
            }
        };
        let num: f64 = format!(
            "{}.{}",
            if int_part.is_empty() { "0" } else { int_part },
            if frac_part.is_empty() { "0" } else { frac_part }
        )
        .parse()
        .map_err(|_| bad())?;
        total += num * mult;
        if total > 9.3e18 {
            return Err(bad());
        }
    }
    #[allow(clippy::cast_possible_truncation)]
    let n = total as i128;
    Ok(if neg { -n } else { n })
}

/// Check one instruction as BuildKit's `ParseInstruction` does.
#[allow(clippy::too_many_lines)]
fn check_instruction(ins: &Instruction, text: &str) -> Option<Problem> {
    use FlagType::{Bool, String as Str, Strings};
    let args = node_args(ins);
    let at = ins.span;
    let err = |m: String| Some(Problem::parse(at, m));
    let name = ins.keyword.as_str();
    let at_least_one = || err(format!("{name} requires at least one argument"));
    let exactly_one = || err(format!("{name} requires exactly one argument"));
    match ins.keyword {
        Keyword::Env | Keyword::Label => {
            if let Some(p) = check_flags(ins, &[]) {
                return Some(p);
            }
            if args.is_empty() {
                return at_least_one();
            }
            if args.len() % 3 != 0 {
                return err(format!("Bad input to {name}, too many arguments"));
            }
            if args
                .chunks(3)
                .any(|c| c.first().is_some_and(|k| k.is_empty()))
            {
                return err(format!("{name} names can not be blank"));
            }
            None
        }

        Keyword::Add | Keyword::Copy => {
            if args.len() < 2 {
                return err(format!("{name} requires at least two arguments, but only one was provided. Destination could not be determined"));
            }
            let allowed: &[(&str, FlagType)] = if ins.keyword == Keyword::Add {
                &[
                    ("chown", Str),
                    ("chmod", Str),
                    ("link", Bool),
                    ("keep-git-dir", Bool),
                    ("checksum", Str),
                    ("unpack", Bool),
                    ("exclude", Strings),
                ]
            } else {
                &[
                    ("chown", Str),
                    ("from", Str),
                    ("chmod", Str),
                    ("link", Bool),
                    ("exclude", Strings),
                    ("parents", Bool),
                ]
            };
            if let Some(p) = check_flags(ins, allowed) {
                return Some(p);
            }
            let dest = args.last().copied().unwrap_or("");
            if matches!(parse_heredoc_word(dest), Ok(Some(_))) {
                let sp = ins.words().last().map_or(at, |w| w.span);
                return Some(Problem::parse(
                    sp,
                    format!("{name} cannot accept a heredoc as a destination"),
                ));
            }
            None
        }
        Keyword::From => {
            let words = ins.words();
            if args.len() == 3 && args.get(1).is_some_and(|a| a.eq_ignore_ascii_case("as")) {
                let stage = args.get(2).copied().unwrap_or("");
                if !is_valid_stage_name(&stage.to_lowercase()) {
                    let sp = words.get(2).map_or(at, |w| w.span);
                    return Some(Problem::parse(sp, format!("invalid name for build stage: {}, name can't start with a number or contain symbols", go_quote(stage))));
                }
            } else if args.len() != 1 {
                return err("FROM requires either one or three arguments".to_string());
            }
            check_flags(ins, &[("platform", Str)])
        }
        Keyword::Onbuild => {
            if args.is_empty() {
                return at_least_one();
            }
            if let Some(p) = check_flags(ins, &[]) {
                return Some(p);
            }
            let trigger = args
                .first()
                .map_or(String::new(), |a| a.trim().to_uppercase());
            match trigger.as_str() {
                "ONBUILD" => {
                    err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string())
                }
                "MAINTAINER" | "FROM" => {
                    err(format!("{trigger} isn't allowed as an ONBUILD trigger"))
                }
                _ => None,
            }
        }
        Keyword::Maintainer | Keyword::Workdir | Keyword::User => {
            if args.len() != 1 {
                return exactly_one();
            }
            check_flags(ins, &[])
        }
        Keyword::Run => {
            if let Some(p) = check_flags(
                ins,
                &[
                    ("mount", Strings),
                    ("network", Str),
                    ("security", Str),
                    ("device", Strings),
                ],
            ) {
                return Some(p);
            }
            // BuildKit's RUN hooks: mount `from=` cannot use variables; network and
            // security take fixed values (the last flag wins).
            for f in ins.flags.iter().filter(|f| f.name == "mount") {
                for field in split_csv(f.value.as_deref().unwrap_or("")) {
                    let Some((key, value)) = field.split_once('=') else {
                        continue;
                    };
                    if key.eq_ignore_ascii_case("from")
                        && value.find('$').is_some_and(|i| i + 1 != value.len())
                    {
                        return Some(Problem::parse(
                            f.span,
                            "'from' doesn't support variable expansion, define alias stage instead",
                        ));
                    }
                }
            }
            if let Some(f) = ins.flag("network") {
                let v = f.value.as_deref().unwrap_or("");
                if !matches!(v, "default" | "none" | "host") {
                    return Some(Problem::parse(
                        f.span,
                        format!("invalid network mode {}", go_quote(v)),
                    ));
                }
            }
            if let Some(f) = ins.flag("security") {
                let v = f.value.as_deref().unwrap_or("");
                if !matches!(v, "sandbox" | "insecure") {
                    return Some(Problem::parse(
                        f.span,
                        format!("security {} is not valid", go_quote(v)),
                    ));
                }
            }
            None
        }
        Keyword::Cmd | Keyword::Entrypoint => check_flags(ins, &[]),
        Keyword::Healthcheck => {
            let Some(first) = args.first() else {
                return at_least_one();
            };
            let typ = first.to_uppercase();
            let rest = args.get(1..).unwrap_or_default();
            if typ == "NONE" {
                if !rest.is_empty() {
                    return err("HEALTHCHECK NONE takes no arguments".to_string());
                }
                return None;
            }
            if let Some(p) = check_flags(
                ins,
                &[
                    ("interval", Str),
                    ("timeout", Str),
                    ("start-period", Str),
                    ("start-interval", Str),
                    ("retries", Str),
                ],
            ) {
                return Some(p);
            }
            if typ != "CMD" {
                return err(format!(
                    "Unknown type {} in HEALTHCHECK (try CMD)",
                    go_quote(&typ)
                ));
            }
            // BuildKit's handleJSONArgs: JSON args as they are, shell form joined;
            // either way the command is missing exactly when no argument follows CMD.
            if rest.is_empty() {
                return err("Missing command after HEALTHCHECK CMD".to_string());
            }
            for n in ["interval", "timeout", "start-period", "start-interval"] {
                if let Some(f) = ins.flag(n) {
                    let v = f.value.as_deref().unwrap_or("");
                    if v.is_empty() {
                        continue;
                    }
                    match parse_go_duration(v) {
                        Err(m) => return Some(Problem::parse(f.span, m)),
                        Ok(d) if d != 0 && d < 1_000_000 => {
                            return Some(Problem::parse(
                                f.span,
                                format!("Interval {} cannot be less than 1ms", go_quote(n)),
                            ))
                        }
                        Ok(_) => {}
                    }
                }
            }
            if let Some(f) = ins.flag("retries") {
                let v = f.value.as_deref().unwrap_or("");
                if !v.is_empty() {
                    match v.parse::<i32>() {
                        Err(_) => {
                            return Some(Problem::parse(
                                f.span,
                                format!(
                                    "strconv.ParseInt: parsing {}: invalid syntax",
                                    go_quote(v)
                                ),
                            ))
                        }
                        Ok(n) if n < 0 => {
                            return Some(Problem::parse(
                                f.span,
                                format!("--retries cannot be negative ({n})"),
                            ))
                        }
                        Ok(_) => {}
                    }
                }
            }
            None
        }
        Keyword::Expose => {
            if args.is_empty() {
                return at_least_one();
            }
            check_flags(ins, &[])
        }
        Keyword::Volume => {
            if args.is_empty() {
                return at_least_one();
            }
            if let Some(p) = check_flags(ins, &[]) {
                return Some(p);
            }
            if args.iter().any(|a| a.trim().is_empty()) {
                return err("VOLUME specified can not be an empty string".to_string());
            }
            None
        }
        Keyword::Stopsignal => {
            if args.len() != 1 {
                return exactly_one();
            }
            None
        }
        Keyword::Arg => {
            if args.is_empty() {
                return at_least_one();
            }
            if args.iter().any(|a| a.starts_with('=')) {
                return err("ARG names can not be blank".to_string());
            }
            None
        }
        Keyword::Shell => {
            if let Some(p) = check_flags(ins, &[]) {
                return Some(p);
            }
            if args.is_empty() {
                return at_least_one();
            }
            if !ins.is_json() {
                return err("SHELL requires the arguments to be in JSON form".to_string());
            }
            None
        }
        Keyword::Unknown => {
            let _ = text;
            let hint = suggest(&ins.keyword_text, INSTRUCTION_NAMES, false)
                .map(|m| format!(" (did you mean {m}?)"))
                .unwrap_or_default();
            Some(Problem::parse(
                ins.keyword_span,
                format!("unknown instruction: {}{hint}", ins.keyword_text),
            ))
        }
    }
}

const INSTRUCTION_NAMES: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Levenshtein distance over chars.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// BuildKit's `suggest.Search`: the closest option at distance < 3 (none when `val`
/// is itself an option), in the case of `val` when matching case-insensitively.
fn suggest(val: &str, options: &[&str], case_sensitive: bool) -> Option<String> {
    if val.chars().count() > 64 {
        return None;
    }
    let v = if case_sensitive {
        val.to_string()
    } else {
        val.to_lowercase()
    };
    let mut best: Option<String> = None;
    let mut min = 3;
    for opt in options {
        let o = if case_sensitive {
            (*opt).to_string()
        } else {
            opt.to_lowercase()
        };
        if o == v {
            return None;
        }
        let d = levenshtein(&v, &o);
        if d < min {
            min = d;
            best = Some(if case_sensitive {
                o
            } else if val == val.to_lowercase() {
                o.to_lowercase()
            } else if val == val.to_uppercase() {
                o.to_uppercase()
            } else {
                o
            });
        }
    }
    best
}

/// BuildKit's `instructions.Parse`: every instruction checked, plus the stage
/// context (only ARG may come before the first FROM).
fn check_instructions(df: &Dockerfile, text: &str, problems: &mut Vec<Problem>) {
    let mut in_stage = false;
    for ins in &df.instructions {
        if let Some(p) = check_instruction(ins, text) {
            problems.push(p);
            in_stage |= ins.keyword == Keyword::From;
            continue;
        }
        match ins.keyword {
            Keyword::From => in_stage = true,
            Keyword::Arg if !in_stage => {}
            _ if !in_stage => problems.push(Problem::parse(
                ins.keyword_span,
                "no build stage in current context",
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Parsed {
        parse(s)
    }

    #[test]
    fn heredoc_basic() {
        let src = "FROM alpine\nRUN <<EOF\necho hi\n# not a comment\nEOF\nRUN echo after\n";
        let r = p(src);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let df = r.dockerfile;
        assert_eq!(df.instructions.len(), 3);
        let run = &df.instructions[1];
        assert_eq!(run.heredocs.len(), 1);
        assert_eq!(run.heredocs[0].name, "EOF");
        assert_eq!(run.heredocs[0].body, "echo hi\n# not a comment\n");
        assert_eq!((run.start_line, run.end_line), (1, 4));
        assert!(df.comments.is_empty());
        assert_eq!(
            run.heredocs[0].body_span.text(src),
            "echo hi\n# not a comment\n"
        );
    }

    #[test]
    fn heredoc_multiple_and_quoted() {
        let src = "FROM alpine\nCOPY <<'A' 3<<-\"B\" /dst/\nx $y\nA\n\tz\n\tB\n";
        let r = p(src);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let c = &r.dockerfile.instructions[1];
        assert_eq!(c.heredocs.len(), 2);
        assert!(c.heredocs[0].quoted);
        assert_eq!(c.heredocs[1].fd, Some(3));
        assert!(c.heredocs[1].strip_tabs);
        assert_eq!(c.heredocs[1].content(), "z\n");
        assert_eq!(c.heredocs[0].word_span.text(src), "<<'A'");
    }

    type Case = &'static [(&'static str, &'static str, bool, bool, Option<u32>)];

    /// The cases of BuildKit's `TestParseExtractsHeredoc` (parser_heredoc_test.go):
    /// (name, body, expand, chomp, fd) per instruction after FROM.
    #[test]
    fn buildkit_heredoc_cases() {
        let src = "\nFROM alpine:3.6\n\nENV NAME=me\n\nRUN ls\n\nUSER <<INVALID\nINVALID\n\nRUN <<EMPTY\nEMPTY\n\nRUN 3<<EMPTY2\nEMPTY2\n\nRUN \"<<NOHEREDOC\"\n\nRUN <<INDENT\n\tfoo\n\tbar\nINDENT\n\nRUN <<-UNINDENT\n\tbaz\n\tquux\nUNINDENT\n\nRUN <<-UNINDENT2\n\tbaz\n\tquux\n\tUNINDENT2\n\nRUN <<-EXPAND\n\texpand $NAME\nEXPAND\n\nRUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND\n\nRUN <<COPY\necho hello world\necho foo bar\nCOPY\n\nRUN <<COMMENT\n# internal comment\necho hello world\necho foo bar # trailing comment\nCOMMENT\n\nRUN --mount=type=cache,target=/foo <<MOUNT\necho hello\nMOUNT\n\nCOPY <<FILE1 <<FILE2 /dest\ncontent 1\nFILE1\ncontent 2\nFILE2\n\nCOPY <<EOF /quotes\n\"foo\"\n'bar'\nEOF\n\nCOPY <<X <<Y /dest\nY\nX\nX\nY\n\nRUN <<COMPLEX python3\nprint('hello world')\nCOMPLEX\n\nCOPY <<file.txt /dest\nhello world\nfile.txt\n\nRUN <<eo'f'\necho foo\neof\n\nRUN <<eo\\'f\necho foo\neo'f\n\nRUN <<'e'o\\'f\necho foo\neo'f\n\nRUN <<'one two'\necho bar\none two\n\nRUN <<$EOF\n$EOF\n\nRUN <<  EOF\nEOF\n\nRUN <<  EOF  > foo\nEOF\n\t";
        let expected: &[Case] = &[
            &[],
            &[],
            &[],
            &[],
            &[("EMPTY", "", true, false, None)],
            &[("EMPTY2", "", true, false, Some(3))],
            &[],
            &[("INDENT", "\tfoo\n\tbar\n", true, false, None)],
            &[("UNINDENT", "\tbaz\n\tquux\n", true, true, None)],
            &[("UNINDENT2", "\tbaz\n\tquux\n", true, true, None)],
            &[("EXPAND", "\texpand $NAME\n", true, true, None)],
            &[("NOEXPAND", "\tdon't expand $NAME\n", false, true, None)],
            &[(
                "COPY",
                "echo hello world\necho foo bar\n",
                true,
                false,
                None,
            )],
            &[(
                "COMMENT",
                "# internal comment\necho hello world\necho foo bar # trailing comment\n",
                true,
                false,
                None,
            )],
            &[("MOUNT", "echo hello\n", true, false, None)],
            &[
                ("FILE1", "content 1\n", true, false, None),
                ("FILE2", "content 2\n", true, false, None),
            ],
            &[("EOF", "\"foo\"\n'bar'\n", true, false, None)],
            &[
                ("X", "Y\n", true, false, None),
                ("Y", "X\n", true, false, None),
            ],
            &[("COMPLEX", "print('hello world')\n", true, false, None)],
            &[("file.txt", "hello world\n", true, false, None)],
            &[("eof", "echo foo\n", false, false, None)],
            &[("eo'f", "echo foo\n", true, false, None)],
            &[("eo'f", "echo foo\n", false, false, None)],
            &[("one two", "echo bar\n", false, false, None)],
            &[("$EOF", "", true, false, None)],
            &[("EOF", "", true, false, None)],
            &[("EOF", "", true, false, None)],
        ];
        let r = parse_ast(src);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let ins = &r.dockerfile.instructions;
        assert_eq!(ins.len(), expected.len() + 1);
        for (i, exp) in expected.iter().enumerate() {
            let got: Vec<_> = ins[i + 1]
                .heredocs
                .iter()
                .map(|h| {
                    (
                        h.name.as_str(),
                        h.body.as_str(),
                        !h.quoted,
                        h.strip_tabs,
                        h.fd,
                    )
                })
                .collect();
            assert_eq!(&got, exp, "instruction {}", i + 1);
        }
        assert!(r.dockerfile.comments.is_empty());
    }

    #[test]
    fn heredoc_unterminated() {
        let r = p("FROM alpine\nRUN <<EOF\necho\n");
        assert!(r
            .problems
            .iter()
            .any(|p| p.message == "unterminated heredoc"));
    }

    #[test]
    fn heredoc_not_for_json() {
        let r = p("FROM alpine\nRUN [\"<<EOF\"]\nEOF\n");
        assert!(r.dockerfile.instructions[1].heredocs.is_empty());
    }

    #[test]
    fn continuation_map_back() {
        let src = "FROM a\nRUN apt-get update \\\n  # comment\n\n  && apt-get install x\n";
        let r = p(src);
        let run = &r.dockerfile.instructions[1];
        assert_eq!(run.text.value, "apt-get update   && apt-get install x");
        let at = run.text.value.find("install").unwrap();
        assert_eq!(run.text.span(at..at + 7).text(src), "install");
        assert_eq!((run.start_line, run.end_line), (1, 4));
        assert_eq!(r.dockerfile.comments.len(), 1);
        assert!(r.dockerfile.comments[0].in_continuation);
        assert_eq!(r.dockerfile.empty_continuation_lines, vec![3]);
    }

    #[test]
    fn windows_escape() {
        let src = "# escape=`\nFROM windows\nRUN dir `\n  c:\\\nCOPY a\\b c:\\dst\\\n";
        let r = p(src);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let df = r.dockerfile;
        assert_eq!(df.escape, '`');
        assert_eq!(df.instructions[1].text.value, "dir   c:\\");
        assert_eq!(df.instructions[2].words()[1].value, "c:\\dst\\");
    }

    #[test]
    fn directives() {
        let r = p("# syntax=docker/dockerfile:1\n# escape=\\\n# escape=`\nFROM a\n");
        assert!(r.problems[0].message.contains("only one escape"));
        let r = p("# escape=x\nFROM a\n");
        assert!(r.problems[0].message.contains("invalid escape token"));
        let r = p("# hello\n# escape=`\nFROM a\n");
        assert_eq!(r.dockerfile.escape, '\\');
        assert!(r.dockerfile.directives.is_empty());
    }

    #[test]
    fn directives_after_shebang() {
        let r = p("#!/usr/bin/env docker\n# check=skip=all\n# escape=`\nFROM a\n");
        let names: Vec<&str> = r
            .dockerfile
            .directives
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, vec!["check"]);
        assert_eq!(r.dockerfile.escape, '\\');
        let r = p("# EScape=`\n# KEY = FOO bar\n# syntax=x\nFROM a\n");
        assert_eq!(r.dockerfile.escape, '`');
        assert_eq!(r.dockerfile.directives.len(), 1);
    }

    #[test]
    fn json_forms() {
        for (json, expected) in [
            ("[]", vec![]),
            ("[\"\"]", vec![""]),
            ("[ \"a\", \"b\" ]", vec!["a", "b"]),
            ("\t[\t\"a\",\t\"b\"\t]\t", vec!["a", "b"]),
            (
                "[\"abc 123\", \"♥\", \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000\"]",
                vec!["abc 123", "♥", "\" \\ / \u{8} \u{c} \n \r \t \0"],
            ),
        ] {
            let src = format!("FROM a\nCMD {json}\n");
            let r = p(&src);
            assert!(r.problems.is_empty(), "{json}: {:?}", r.problems);
            let Args::Json(ws) = &r.dockerfile.instructions[1].args else {
                panic!("{json} not JSON");
            };
            let got: Vec<&str> = ws.iter().map(|w| w.value.as_str()).collect();
            assert_eq!(got, expected);
            if let Some(last) = ws.last() {
                assert!(
                    last.span.text(&src).starts_with('"') && last.span.text(&src).ends_with('"')
                );
            }
        }
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let r = p(&format!("FROM a\nCMD {deep}\n"));
        assert!(r.problems[0].message.contains("strings only"));
        let r = p(&format!("FROM a\nCMD {deep}]\n"));
        assert!(r.problems.is_empty());
        assert!(matches!(r.dockerfile.instructions[1].args, Args::Text(_)));
        for bad in [
            "[\"a\",42,\"b\"]",
            "[\"a\",{},\"b\"]",
            "[\"a\",[\"c\"],\"b\"]",
            "[\"a\",null,\"b\"]",
        ] {
            let r = p(&format!("FROM a\nCMD {bad}\n"));
            assert!(r.problems[0].message.contains("strings only"), "{bad}");
        }
    }

    #[test]
    fn deep_json_validator() {
        for ok in [
            "[]",
            "[1,{\"a\":[true,null]},\"x\\\"\"]",
            " [ -1.5e3 , {} ] ",
            "\"s\"",
        ] {
            assert!(deep_json_is_valid(ok), "{ok}");
        }
        for bad in [
            "[1,]",
            "{\"a\" 1}",
            "[]]",
            "[",
            "[tru]",
            "[1 2]",
            "{1:2}",
            "[\"x]",
        ] {
            assert!(!deep_json_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn flags() {
        let r = p("FROM a\nCOPY --from build x y\n");
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].message, "missing a value on flag: --from");
        let r = p("FROM a\nCOPY --from=build -- --x y\n");
        assert!(r.problems.is_empty());
        let c = &r.dockerfile.instructions[1];
        assert_eq!(c.flag("from").unwrap().value.as_deref(), Some("build"));
        assert_eq!(c.words()[0].value, "--x");
        let r = p("FROM a\nCOPY --nope x y\n");
        assert_eq!(r.problems[0].message, "unknown flag: --nope");
    }

    #[test]
    fn errors() {
        for (src, msg) in [
            ("", "file with no instructions"),
            ("FROM a\nENV PATH\n", "ENV must have two arguments"),
            (
                "CMD [ \"a\", [ \"b\" ] ]\n",
                "arrays must be comprised of strings only",
            ),
            ("FROM a\nFOO bar\n", "unknown instruction: FOO"),
            (
                "FROM a\nCOPPY a b\n",
                "unknown instruction: COPPY (did you mean COPY?)",
            ),
            (
                "FROM a\nCOPY --frm=x a b\n",
                "unknown flag: --frm (did you mean from?)",
            ),
            ("RUN x\n", "no build stage in current context"),
            ("FROM a b\n", "FROM requires either one or three arguments"),
            (
                "FROM a\nSHELL sh -c\n",
                "SHELL requires the arguments to be in JSON form",
            ),
            ("FROM a\nHEALTHCHECK --interval=1x CMD x\n", "unknown unit"),
            (
                "FROM a\nRUN --network=bridge x\n",
                "invalid network mode \"bridge\"",
            ),
            (
                "FROM a\nRUN --security=x y\n",
                "security \"x\" is not valid",
            ),
            (
                "FROM a\nRUN --mount=type=bind,from=$X,target=/a y\n",
                "'from' doesn't support variable expansion",
            ),
        ] {
            let r = p(src);
            assert!(
                r.problems.iter().any(|p| p.message.contains(msg)),
                "{src:?}: {:?}",
                r.problems
            );
        }
    }

    /// Cases of BuildKit's instructions/parse_test.go.
    #[test]
    fn buildkit_instruction_errors() {
        let mut cases: Vec<(String, String)> = Vec::new();
        for c in ["MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"] {
            cases.push((c.to_string(), format!("{c} requires exactly one argument")));
        }
        for c in ["ENV", "LABEL", "ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME"] {
            cases.push((c.to_string(), format!("{c} requires at least one argument")));
        }
        for c in ["ADD", "COPY"] {
            cases.push((
                format!("{c} arg1"),
                format!("{c} requires at least two arguments, but only one was provided. Destination could not be determined"),
            ));
        }
        for (src, msg) in [
            (
                "COPY\t\n\t\tquux \\\n      bar",
                "COPY requires at least two arguments",
            ),
            (
                "ONBUILD FROM scratch",
                "FROM isn't allowed as an ONBUILD trigger",
            ),
            ("MAINTAINER --boo joe@example.com", "unknown flag: --boo"),
            (
                "ONBUILD ONBUILD RUN touch foobar",
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            ),
            ("FOO bar", "unknown instruction: FOO"),
            ("foo bar", "unknown instruction: foo"),
            ("ENV =arg2", "ENV names can not be blank"),
            ("LABEL =arg2", "LABEL names can not be blank"),
        ] {
            cases.push((src.to_string(), msg.to_string()));
        }
        for (src, msg) in cases {
            let r = p(&format!("FROM a\n{src}"));
            let first = r
                .problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default();
            assert!(first.starts_with(&msg), "{src:?}: {first:?}");
        }
    }

    #[test]
    fn robustness() {
        let r = p("FROM a\0\n");
        assert_eq!(r.problems.len(), 1);
        let long = format!("FROM a\nLABEL x={}\n", "a".repeat(70_000));
        let r = p(&long);
        assert!(r.problems[0]
            .message
            .contains("greater than max allowed size"));
        let deep = "ONBUILD ".repeat(10_000) + "RUN x";
        let _ = p(&deep);
        let deep = "FROM a\n".to_string() + &"ONBUILD ".repeat(5_000) + "RUN x\n";
        let r = p(&deep);
        assert!(r.problems[0].message.contains("Chaining ONBUILD"));
        let many = "RUN a \\\n".repeat(5000);
        let _ = p(&many);
        let r = p("\u{feff}FROM a\r\nRUN b\r\n");
        assert!(r.dockerfile.bom && r.problems.is_empty());
        assert_eq!(r.dockerfile.instructions[1].text.value, "b");
    }

    /// Random token soup: parsing and modelling never panic and spans stay in bounds.
    #[test]
    fn token_soup_never_panics() {
        const TOKENS: &[&str] = &[
            "FROM ",
            "RUN ",
            "COPY ",
            "ONBUILD ",
            "ENV ",
            "ARG ",
            "HEALTHCHECK ",
            "LABEL ",
            "\\",
            "\n",
            "\r\n",
            " ",
            "\t",
            "#",
            "# escape=`\n",
            "`",
            "<<",
            "<<-",
            "EOF",
            "\"",
            "'",
            "[",
            "]",
            ",",
            "=",
            "--",
            "--from=",
            "$",
            "${",
            "}",
            ":-",
            "é",
            "\u{feff}",
            "AS ",
            "x",
            "scratch",
            "\n\tEOF\n",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut src = String::new();
            let len = (seed >> 7) % 60;
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                src.push_str(TOKENS[(seed % TOKENS.len() as u64) as usize]);
            }
            let parsed = parse(&src);
            let model = crate::model::Model::build(&parsed.dockerfile, &src);
            let n = src.len() as u32;
            for pr in &parsed.problems {
                assert!(
                    pr.span.start <= pr.span.end && pr.span.end <= n,
                    "{src:?} {pr:?}"
                );
            }
            for ins in &parsed.dockerfile.instructions {
                assert!(ins.span.end <= n && ins.keyword_span.end <= n, "{src:?}");
                for w in ins.words() {
                    assert!(w.span.start <= w.span.end && w.span.end <= n, "{src:?}");
                }
            }
            for u in &model.undefined {
                assert!(u.span.end <= n);
            }
            let _ = dump(&parsed.dockerfile);
        }
    }
}
