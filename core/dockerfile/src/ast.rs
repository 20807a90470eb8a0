//! The Dockerfile syntax tree, as BuildKit's parser (`frontend/dockerfile/parser`)
//! sees a Dockerfile, with byte spans for everything.
//!
//! The tree is built by [`crate::parser::parse`]. It keeps what
//! BuildKit keeps (keyword, flags, the instruction's arguments split the way
//! BuildKit's line parsers split them, heredocs) and adds what rules need on top:
//! spans of every part, comments, parser directives.
//!
//! Lines are 0-based everywhere in this module (`start_line`, `end_line`,
//! [`Comment::line`]); convert with [`stockade_source::source::OneIndexed::from_zero_indexed`].

#![allow(clippy::doc_markdown)]

use std::fmt;
use std::ops::Range;

use stockade_source::source::Span;

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dockerfile {
    /// Parser directives at the top of the file (`# syntax=…`, `# escape=…`, `# check=…`),
    /// in order.
    pub directives: Vec<Directive>,
    /// The effective escape character (`\` unless `# escape=` says `` ` ``).
    pub escape: char,
    /// Instructions in source order.
    pub instructions: Vec<Instruction>,
    /// Every comment line (including comments inside line continuations and the
    /// directive lines), never heredoc body lines.
    pub comments: Vec<Comment>,
    /// 0-based lines of empty lines inside a line continuation (BuildKit warns about
    /// them: "Empty continuation line found").
    pub empty_continuation_lines: Vec<u32>,
    /// The file started with a UTF-8 byte-order mark (skipped by the parser).
    pub bom: bool,
}

impl Dockerfile {
    /// The directive named `name` (lower-case: `syntax`, `escape`, `check`).
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}

/// A parser directive: `# name=value` before any instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name (`syntax`, `escape`, `check`).
    pub name: String,
    /// The value, trimmed.
    pub value: String,
    /// The whole comment line (from `#`, without the line break).
    pub span: Span,
    pub name_span: Span,
    pub value_span: Span,
    /// 0-based line.
    pub line: u32,
}

/// A comment line: `#` as the first non-blank character of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, without the line break (not trimmed).
    pub text: String,
    /// From `#` to the end of the line (without the line break).
    pub span: Span,
    /// Span of [`Comment::text`].
    pub text_span: Span,
    /// 0-based line.
    pub line: u32,
    /// The comment sits inside an instruction's line continuation.
    pub in_continuation: bool,
}

/// Instruction keywords BuildKit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else (BuildKit: "unknown instruction: X").
    Unknown,
}

impl Keyword {
    /// Case-insensitive lookup; `Unknown` for anything else.
    pub fn from_name(name: &str) -> Keyword {
        const ALL: &[(&str, Keyword)] = &[
            ("add", Keyword::Add),
            ("arg", Keyword::Arg),
            ("cmd", Keyword::Cmd),
            ("copy", Keyword::Copy),
            ("entrypoint", Keyword::Entrypoint),
            ("env", Keyword::Env),
            ("expose", Keyword::Expose),
            ("from", Keyword::From),
            ("healthcheck", Keyword::Healthcheck),
            ("label", Keyword::Label),
            ("maintainer", Keyword::Maintainer),
            ("onbuild", Keyword::Onbuild),
            ("run", Keyword::Run),
            ("shell", Keyword::Shell),
            ("stopsignal", Keyword::Stopsignal),
            ("user", Keyword::User),
            ("volume", Keyword::Volume),
            ("workdir", Keyword::Workdir),
        ];
        ALL.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(Keyword::Unknown, |(_, k)| *k)
    }

    /// Upper-case name (`RUN`); `?` for `Unknown` (use [`Instruction::keyword_text`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "?",
        }
    }

    /// RUN, COPY and ADD may carry heredocs.
    pub fn allows_heredoc(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One instruction: keyword, flags, arguments, heredocs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (`run`, `Run`, `FOO` for an unknown one).
    pub keyword_text: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the instruction: continuation lines and heredoc
    /// bodies (with their terminators) included; no final line break.
    pub span: Span,
    /// 0-based line of the keyword.
    pub start_line: u32,
    /// 0-based last line (continuations and heredoc terminators included).
    pub end_line: u32,
    /// `--name[=value]` flags at the start of the arguments (BuildKit's
    /// `extractBuilderFlags`; `--` ends them and is not a flag).
    pub flags: Vec<Flag>,
    /// The logical line after the keyword and the flags, trimmed, with line
    /// continuations and comment lines removed (BuildKit's `args` string).
    pub text: LogicalText,
    /// The arguments, split as BuildKit's line parser for this keyword splits them.
    pub args: Args,
    /// Heredocs (`<<EOF`) of RUN/COPY/ADD (also inside `ONBUILD RUN`), in order.
    pub heredocs: Vec<Heredoc>,
}

impl Instruction {
    /// Arguments were written in JSON (exec) form.
    pub fn is_json(&self) -> bool {
        match &self.args {
            Args::Json(_) => true,
            Args::Healthcheck { cmd, .. } => matches!(**cmd, Args::Json(_)),
            _ => false,
        }
    }

    /// The flag named `name` (without `--`); the last one when repeated.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// The instruction triggered by `ONBUILD`.
    pub fn onbuild(&self) -> Option<&Instruction> {
        match &self.args {
            Args::Onbuild(inner) => Some(inner),
            _ => None,
        }
    }

    /// Words of a whitespace-split or JSON argument list (FROM, COPY/ADD, VOLUME,
    /// EXPOSE, ARG, …); empty for other forms.
    pub fn words(&self) -> &[Word] {
        match &self.args {
            Args::Words(w) | Args::Json(w) => w,
            _ => &[],
        }
    }

    /// 0-based lines covered by this instruction.
    pub fn lines(&self) -> Range<u32> {
        self.start_line..self.end_line + 1
    }
}

/// A builder flag, `--name` or `--name=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without `--` (may be empty for a bare `--=x`).
    pub name: String,
    /// The value after the first `=`, unquoted (`None` for `--name`).
    pub value: Option<String>,
    /// The flag as BuildKit stores it (`--from=build`, quotes removed).
    pub raw: String,
    /// The whole flag as written.
    pub span: Span,
    /// `--name`.
    pub name_span: Span,
    /// The value as written (after `=`).
    pub value_span: Option<Span>,
}

/// A piece of an instruction: its text as BuildKit keeps it and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text: for JSON the decoded string; for words as BuildKit keeps them
    /// (quotes and escapes still in place: expand with [`crate::expand`]).
    pub value: String,
    /// Where it is in the source (for JSON the string literal with its quotes).
    pub span: Span,
}

/// `KEY=value` (or the legacy `KEY value`) of ENV and LABEL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// As written (quotes and escapes kept; see [`crate::expand`]).
    pub key: Word,
    pub value: Word,
    /// `true` for `KEY=value`, `false` for the legacy `KEY value` form.
    pub equals: bool,
}

/// Arguments of an instruction, in the shape BuildKit's line parser gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Args {
    /// No arguments.
    Empty,
    /// JSON (exec) form: the decoded strings (RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD,
    /// VOLUME, HEALTHCHECK CMD).
    Json(Vec<Word>),
    /// One string: shell form of RUN/CMD/ENTRYPOINT/SHELL, and MAINTAINER, USER,
    /// WORKDIR, STOPSIGNAL; the text is [`Instruction::text`].
    Text(Word),
    /// Whitespace-separated words: FROM, EXPOSE, COPY/ADD/VOLUME (non-JSON), ARG.
    Words(Vec<Word>),
    /// ENV and LABEL pairs.
    KeyValues(Vec<KeyValue>),
    /// HEALTHCHECK with a type (`CMD`, `NONE`, …) and the command
    /// (`Args::Json`, `Args::Text` or `Args::Empty`).
    Healthcheck { kind: Word, cmd: Box<Args> },
    /// ONBUILD's instruction.
    Onbuild(Box<Instruction>),
    /// An unknown instruction: arguments not interpreted (see [`Instruction::text`]).
    Ignored,
}

/// A heredoc attached to an instruction (`RUN <<EOF` … `EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word (quotes removed).
    pub name: String,
    /// Some part of the word was quoted (`<<"EOF"`, `<<'EOF'`): the body is not expanded.
    pub quoted: bool,
    /// `<<-`: leading tabs of body lines (and the terminator) are stripped.
    pub strip_tabs: bool,
    /// File descriptor prefix (`3<<EOF`); `None` when absent.
    pub fd: Option<u32>,
    /// The body as written, line breaks included, terminator excluded, tabs not stripped.
    pub body: String,
    /// Span of the body (may be empty).
    pub body_span: Span,
    /// Span of the `<<EOF` word in the instruction line.
    pub word_span: Span,
    /// Span of the terminator line (empty at end of file when unterminated).
    pub terminator_span: Span,
}

impl Heredoc {
    /// The body as BuildKit uses it: with `<<-`, leading tabs removed from each line.
    pub fn content(&self) -> String {
        if !self.strip_tabs {
            return self.body.clone();
        }
        let mut out = String::with_capacity(self.body.len());
        for line in self.body.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        out
    }
}

/// A piece of text built from several source ranges (an instruction's logical line,
/// with line continuations removed), and the map back to the source.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogicalText {
    pub value: String,
    /// Pieces in order: `(offset in value, offset in source)`; each runs until the
    /// next piece starts (the last one to the end of `value`). Sorted by both.
    pub segments: Vec<(u32, u32)>,
}

impl LogicalText {
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Source offset of a position in `value`. `prefer_end`: at a piece boundary,
    /// answer the end of the earlier piece (for the end of a range) rather than the
    /// start of the next one.
    pub fn source_offset(&self, offset: u32, prefer_end: bool) -> u32 {
        let idx = if prefer_end {
            self.segments.partition_point(|&(l, _)| l < offset)
        } else {
            self.segments.partition_point(|&(l, _)| l <= offset)
        };
        let Some(&(l, s)) = idx.checked_sub(1).and_then(|i| self.segments.get(i)) else {
            return self.segments.first().map_or(0, |&(_, s)| s);
        };
        s + (offset - l)
    }

    /// Source span of a byte range of `value`.
    pub fn span(&self, range: Range<usize>) -> Span {
        let start = u32::try_from(range.start).unwrap_or(u32::MAX);
        let end = u32::try_from(range.end).unwrap_or(u32::MAX);
        if start >= end {
            let s = self.source_offset(start, false);
            return Span::new(s, s);
        }
        Span::new(
            self.source_offset(start, false),
            self.source_offset(end, true),
        )
    }

    /// Source span of the whole text.
    pub fn full_span(&self) -> Span {
        self.span(0..self.value.len())
    }

    /// A sub-text (byte range of `value`) with its own map.
    #[must_use]
    pub fn slice(&self, range: Range<usize>) -> LogicalText {
        let Some(value) = self.value.get(range.clone()) else {
            return LogicalText::default();
        };
        let start = u32::try_from(range.start).unwrap_or(u32::MAX);
        let end = u32::try_from(range.end).unwrap_or(u32::MAX);
        let mut segments = vec![(0, self.source_offset(start, false))];
        for &(l, s) in &self.segments {
            if l > start && l < end {
                segments.push((l - start, s));
            }
        }
        LogicalText {
            value: value.to_string(),
            segments,
        }
    }
}
