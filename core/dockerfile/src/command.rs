//! The shell command structure of a `RUN` script.
//!
//! A script (the text of a shell-form `RUN`, the arguments of an exec-form `RUN`,
//! or a heredoc body run as a script) is split into simple commands at `&&`, `||`,
//! `;`, `|`, `&`, newlines, subshells `( … )` and groups `{ …; }`. Each command
//! keeps its leading variable assignments (`FOO=1 cmd`) and its words, with quotes
//! and escapes removed and each word's byte range in the source. Pipelines are kept
//! (`curl … | sh`); `sh -c '…'` / `bash -c "…"` bodies are parsed recursively; the
//! wrappers `sudo`, `env`, `exec`, `nice`, `nohup`, `time`, `timeout`, `xargs`,
//! `gosu`, `su-exec` and `command` are seen through (see [`Command::name`]).
//! Heredoc bodies inside the script (`cat <<EOF > f … EOF`) are data, not commands.
//!
//! This is not a full shell parser: it never expands anything and gives up
//! gracefully (never panics) on malformed input. Rules read commands through this
//! structure, never by substring.

use std::rc::Rc;

use stockade_source::source::Span;

/// One word of a command, with quotes and escapes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes and escapes removed; expansions (`$X`, `$(…)`) kept as written.
    pub value: String,
    /// Where the word is written in the source.
    pub span: Span,
    /// Whether any part of the word was quoted.
    pub quoted: bool,
    /// Whether the word contains an unquoted or double-quoted expansion (`$`, backtick).
    pub dynamic: bool,
}

impl Word {
    /// Whether this word is an option (`-x`, `--long`, `--long=value`).
    pub fn is_option(&self) -> bool {
        self.value.starts_with('-') && self.value.len() > 1
    }

    /// The `--name=value` split, if the word is a long option with a value.
    pub fn long_with_value(&self) -> Option<(&str, &str)> {
        if !self.value.starts_with("--") {
            return None;
        }
        self.value.split_once('=')
    }
}

/// How two commands are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joiner {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`, a newline, a subshell or group boundary
    Seq,
    /// `&`
    Background,
    /// `|` or `|&`
    Pipe,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Leading `NAME=value` assignments.
    pub assignments: Vec<Word>,
    /// All words, wrappers included (`sudo apt-get install x` has four).
    pub words: Vec<Word>,
    /// Index in `words` of the program actually run, after wrappers.
    pub start: usize,
    /// Indices in `words` of the wrapper programs seen through (`sudo`, `env`, …).
    pub wrappers: Vec<usize>,
    /// Which pipeline (within the whole script, nested scripts included) this belongs to.
    pub pipeline: usize,
    /// Position within its pipeline (0 for the first command).
    pub pipe_index: usize,
    /// How this command is joined to the next one (`None` for the last).
    pub next: Option<Joiner>,
    /// Nesting depth: 0 for the script itself, 1 inside `sh -c '…'`, and so on.
    pub depth: usize,
    /// The command runs inside a command substitution (`$( … )`, backticks).
    pub in_substitution: bool,
    /// Span of the command (from its first assignment or word to its last word).
    pub span: Span,
}

impl Command {
    /// The program run, as its base name (`/usr/bin/apt-get` gives `apt-get`).
    pub fn name(&self) -> Option<&str> {
        let w = self.words.get(self.start)?;
        Some(basename(&w.value))
    }

    /// The word naming the program run.
    pub fn name_word(&self) -> Option<&Word> {
        self.words.get(self.start)
    }

    /// Whether the program run is one of `names`.
    pub fn is(&self, names: &[&str]) -> bool {
        self.name().is_some_and(|n| names.contains(&n))
    }

    /// The arguments of the program run (after its name).
    pub fn args(&self) -> &[Word] {
        self.words.get(self.start + 1..).unwrap_or(&[])
    }

    /// The first argument that is not an option, skipping values of `value_options`.
    /// For `apt-get -q install x`, the subcommand `install`.
    pub fn subcommand(&self, value_options: &[&str]) -> Option<&Word> {
        self.positionals(value_options).into_iter().next()
    }

    /// Arguments that are not options, skipping the values of `value_options`
    /// (options written `-o VALUE` or `--opt VALUE`). `--` ends the options.
    pub fn positionals(&self, value_options: &[&str]) -> Vec<&Word> {
        let mut out = Vec::new();
        let mut skip_next = false;
        let mut ended = false;
        for w in self.args() {
            if skip_next {
                skip_next = false;
                continue;
            }
            if !ended && w.value == "--" {
                ended = true;
                continue;
            }
            if !ended && w.is_option() {
                if !w.value.contains('=') && value_options.contains(&w.value.as_str()) {
                    skip_next = true;
                }
                continue;
            }
            out.push(w);
        }
        out
    }

    /// The word of an option: a long option (`--yes`, or `--opt=value`) or a short
    /// option letter inside a cluster (`y` in `-qy`). `names` mixes both
    /// (`["-y", "--yes", "--assume-yes"]`).
    pub fn option(&self, names: &[&str]) -> Option<&Word> {
        self.args().iter().find(|w| option_matches(w, names))
    }

    /// Whether the command has one of these options.
    pub fn has_option(&self, names: &[&str]) -> bool {
        self.option(names).is_some()
    }

    /// The value of an option written `--opt=value`, `--opt value` or `-o value`.
    pub fn option_value(&self, names: &[&str]) -> Option<&Word> {
        let args = self.args();
        for (i, w) in args.iter().enumerate() {
            if let Some((name, _)) = w.long_with_value() {
                if names.contains(&name) {
                    return Some(w);
                }
            } else if names.contains(&w.value.as_str()) {
                return args.get(i + 1);
            }
        }
        None
    }

    /// Whether an argument's value is exactly `value`.
    pub fn has_arg(&self, value: &str) -> bool {
        self.args().iter().any(|w| w.value == value)
    }

    /// Span of the program word (or of the whole command when there is none).
    pub fn name_span(&self) -> Span {
        self.name_word().map_or(self.span, |w| w.span)
    }
}

fn option_matches(w: &Word, names: &[&str]) -> bool {
    let v = w.value.as_str();
    if let Some(long) = v.strip_prefix("--") {
        let name = long.split_once('=').map_or(long, |(n, _)| n);
        return names
            .iter()
            .any(|n| n.strip_prefix("--").is_some_and(|x| x == name));
    }
    if let Some(cluster) = v.strip_prefix('-') {
        if cluster.is_empty() {
            return false;
        }
        // A short option taking a value ends the cluster; we check each letter up to
        // the first non-letter, which keeps `-o=x`-like forms from matching `x`.
        return names.iter().any(|n| {
            let Some(letter) = n.strip_prefix('-') else {
                return false;
            };
            if letter.starts_with('-') || letter.len() != 1 {
                // single-dash long options (`-qq`, `-nogpgcheck`) compare whole
                return !letter.starts_with('-') && letter == cluster;
            }
            cluster
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .any(|c| letter.starts_with(c))
        });
    }
    false
}

/// The last path component of a program name.
pub fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// A parsed script: its commands in order, nested `sh -c` bodies right after the
/// command that runs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
}

/// How offsets inside a text map to source spans.
#[derive(Debug, Clone)]
enum Mapping {
    /// The text starts at this source offset.
    Linear(u32),
    /// Byte `i` of the text is at source offset `table[start + i]`: a `sh -c` body
    /// whose source has quotes or escapes (`"cd /x && echo \"ok\""`).
    Table(Rc<[u32]>, usize),
    /// Every span maps to this one (a body that could not be mapped byte by byte).
    Fixed(Span),
}

impl Mapping {
    fn span(&self, start: usize, end: usize) -> Span {
        match self {
            Mapping::Linear(base) => Span::new(base + start as u32, base + end as u32),
            Mapping::Table(table, at) => {
                let first = self.offset(start);
                let last = end
                    .checked_sub(1)
                    .filter(|l| *l >= start)
                    .and_then(|l| self.offset(l))
                    .map(|o| o + 1);
                match (first, last) {
                    (Some(a), Some(b)) => Span::new(a, b),
                    (Some(a), None) => Span::new(a, a),
                    _ => {
                        // Past the end: the whole body.
                        let a = table.get(*at).copied().unwrap_or(0);
                        let b = table.last().map_or(a, |l| l + 1);
                        Span::new(a, b)
                    }
                }
            }
            Mapping::Fixed(span) => *span,
        }
    }

    /// The source offset of byte `i` of the text.
    fn offset(&self, i: usize) -> Option<u32> {
        match self {
            Mapping::Linear(base) => Some(base + i as u32),
            Mapping::Table(table, at) => table.get(at + i).copied(),
            Mapping::Fixed(_) => None,
        }
    }

    /// The mapping of the text from byte `by` on (a command substitution's body).
    fn shifted(&self, by: usize) -> Mapping {
        match self {
            Mapping::Linear(base) => Mapping::Linear(base + by as u32),
            Mapping::Table(table, at) => Mapping::Table(Rc::clone(table), at + by),
            Mapping::Fixed(span) => Mapping::Fixed(*span),
        }
    }

    /// The byte range of the text written at `span` (the inverse of [`Mapping::span`]).
    fn local(&self, span: Span) -> Option<(usize, usize)> {
        match self {
            Mapping::Linear(base) => Some((
                span.start.checked_sub(*base)? as usize,
                span.end.checked_sub(*base)? as usize,
            )),
            Mapping::Table(table, at) => {
                let t = table.get(*at..)?;
                let s = t.binary_search(&span.start).ok()?;
                let e = t.binary_search(&span.end.checked_sub(1)?).ok()?;
                Some((s, e + 1))
            }
            Mapping::Fixed(_) => None,
        }
    }
}

const MAX_DEPTH: usize = 8;

/// Most simple commands and words the scripts of one file give the rules (every
/// `RUN`, heredoc body and `sh -c` body together; a command counts one plus its
/// words): each is tens to a hundred bytes, so a file of millions of one-word
/// commands, or one command of millions of words, stays within the memory
/// budget. Past it the rest of the file's scripts are not read (the Dockerfile
/// pack reports one `limit` error where that happens).
pub const MAX_COMMANDS: usize = 500_000;

/// The commands and words a file's scripts may still add (see [`MAX_COMMANDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandBudget {
    /// Commands and words that may still be added.
    pub left: usize,
    /// A script had more commands than were left: the rest were not read.
    pub exceeded: bool,
}

impl CommandBudget {
    pub const fn new(commands: usize) -> Self {
        Self {
            left: commands,
            exceeded: false,
        }
    }
}

impl Default for CommandBudget {
    fn default() -> Self {
        Self::new(MAX_COMMANDS)
    }
}

impl Script {
    /// Parse shell text that starts at byte `base` of the source (at most
    /// [`MAX_COMMANDS`] commands).
    pub fn parse(text: &str, base: u32) -> Script {
        Self::parse_within(text, base, &mut CommandBudget::default())
    }

    /// [`Script::parse`] within `budget`, which is charged for the commands kept.
    pub fn parse_within(text: &str, base: u32, budget: &mut CommandBudget) -> Script {
        let mut b = Builder::within(*budget);
        b.parse_text(text, &Mapping::Linear(base), 0);
        *budget = b.budget;
        Script {
            commands: dedup(b.commands),
        }
    }

    /// Build the script of an exec-form `RUN ["prog", "arg", …]`: one command, whose
    /// `sh -c` body (if any) is parsed too.
    pub fn from_exec(args: &[(String, Span)]) -> Script {
        Self::from_exec_within(args, &mut CommandBudget::default())
    }

    /// [`Script::from_exec`] within `budget`, which is charged for the commands kept.
    pub fn from_exec_within(args: &[(String, Span)], budget: &mut CommandBudget) -> Script {
        let mut b = Builder::within(*budget);
        let words: Vec<Word> = args
            .iter()
            .map(|(value, span)| Word {
                value: value.clone(),
                span: *span,
                quoted: true,
                dynamic: false,
            })
            .collect();
        if !words.is_empty() {
            let pipeline = b.next_pipeline;
            b.next_pipeline += 1;
            b.finish_command(Vec::new(), words, pipeline, 0, None, 0, None);
        }
        *budget = b.budget;
        Script {
            commands: b.commands,
        }
    }

    /// The command whose `sh -c` / `su -c` body `cmd` belongs to (`None` for a
    /// command of the script itself).
    pub fn parent(&self, cmd: &Command) -> Option<&Command> {
        let i = self.commands.iter().position(|c| std::ptr::eq(c, cmd))?;
        self.commands
            .get(..i)?
            .iter()
            .rev()
            .find(|c| c.depth < cmd.depth)
    }

    /// Every command, nested ones included, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Command> {
        self.commands.iter()
    }

    /// Commands whose program is one of `names`.
    pub fn named<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands.iter().filter(move |c| c.is(names))
    }

    /// The commands of pipeline `id`, in order. This scans every command: to look
    /// up the pipelines of many commands, index them once with
    /// [`Script::by_pipeline`].
    pub fn pipeline(&self, id: usize) -> impl Iterator<Item = &Command> {
        self.commands.iter().filter(move |c| c.pipeline == id)
    }

    /// Every pipeline's commands, in order, by pipeline id.
    pub fn by_pipeline(&self) -> std::collections::HashMap<usize, Vec<&Command>> {
        let mut out: std::collections::HashMap<usize, Vec<&Command>> =
            std::collections::HashMap::new();
        for c in &self.commands {
            out.entry(c.pipeline).or_default().push(c);
        }
        out
    }

    /// Whether the script has a pipe (`a | b`) anywhere.
    pub fn has_pipe(&self) -> bool {
        self.commands.iter().any(|c| c.pipe_index > 0)
    }

    /// Append another script's commands (the next heredoc of the same `RUN`).
    pub fn extend(&mut self, other: Script) {
        let offset = self
            .commands
            .iter()
            .map(|c| c.pipeline + 1)
            .max()
            .unwrap_or(0);
        for mut c in other.commands {
            c.pipeline += offset;
            self.commands.push(c);
        }
    }
}

/// A substitution inside a `sh -c "…"` body is read twice (in the outer word and
/// in the body): keep the first of two commands with the same span and words.
fn dedup(commands: Vec<Command>) -> Vec<Command> {
    if !commands.iter().any(|c| c.in_substitution) {
        return commands;
    }
    // A set, not a list: a script of thousands of `$(…)` stays linear.
    let mut seen: std::collections::HashSet<(Span, Vec<String>)> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(commands.len());
    for c in commands {
        if c.in_substitution
            && !seen.insert((c.span, c.words.iter().map(|w| w.value.clone()).collect()))
        {
            continue;
        }
        out.push(c);
    }
    out
}

impl<'a> IntoIterator for &'a Script {
    type Item = &'a Command;
    type IntoIter = std::slice::Iter<'a, Command>;
    fn into_iter(self) -> Self::IntoIter {
        self.commands.iter()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(Word),
    Op(Joiner),
    /// Subshell or group boundary: `(` (true) or `)` (false).
    Paren(bool),
    /// `;;`, `;&` or `;;&`: the end of a `case` branch.
    CaseSep,
    Newline,
    /// A redirection operator; the following word is its target.
    Redirect {
        heredoc: Option<bool>,
    },
}

/// Where the parser is inside a `case` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseState {
    /// After `case`, before `in`.
    Subject,
    /// Reading patterns up to `)`.
    Patterns,
    /// Inside a branch, up to `;;` or `esac`.
    Body,
}

struct Builder {
    commands: Vec<Command>,
    next_pipeline: usize,
    /// Substitutions being parsed (a recursion guard).
    nesting: usize,
    /// Commands that may still be added.
    budget: CommandBudget,
}

fn is_op_byte(c: u8) -> bool {
    matches!(c, b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' | b'\n')
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// Whether a raw word is an assignment `NAME=…` (name unquoted).
fn is_assignment(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    if !bytes.first().copied().is_some_and(is_name_start) {
        return false;
    }
    for &c in bytes.iter().skip(1) {
        if c == b'=' {
            return true;
        }
        if c == b'+' {
            // `NAME+=value`
            continue;
        }
        if !(c.is_ascii_alphanumeric() || c == b'_') {
            return false;
        }
    }
    false
}

struct Lexer<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    map: Mapping,
    /// Heredocs opened on the current line: (delimiter, strip tabs).
    pending_heredocs: Vec<(String, bool)>,
    /// Bodies of command substitutions (`$( … )`, backticks) read so far and not yet
    /// parsed, as byte ranges of the text.
    substitutions: Vec<(usize, usize)>,
    /// Record in `offsets` the text offset of each byte of the word read.
    track: bool,
    offsets: Vec<u32>,
}

impl<'t> Lexer<'t> {
    fn new(text: &'t str, map: Mapping) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            map,
            pending_heredocs: Vec::new(),
            substitutions: Vec::new(),
            track: false,
            offsets: Vec::new(),
        }
    }

    /// After `skip_nested` of a construct starting at `from` (`$` or a backtick):
    /// remember its body when it is a command substitution (not `${…}` or `$((…))`).
    fn record_substitution(&mut self, from: usize, open: u8) {
        let (start, closed) = match open {
            b'(' => (
                from + 2,
                self.bytes.get(self.pos.wrapping_sub(1)) == Some(&b')'),
            ),
            b'`' => (
                from + 1,
                self.pos > from + 1 && self.bytes.get(self.pos.wrapping_sub(1)) == Some(&b'`'),
            ),
            _ => return,
        };
        if open == b'(' && self.bytes.get(start) == Some(&b'(') {
            return; // arithmetic
        }
        let end = if closed { self.pos - 1 } else { self.pos };
        if end > start {
            self.substitutions.push((start, end));
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }

    /// Skip the bodies of heredocs opened on the line just ended.
    fn skip_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending_heredocs);
        for (delim, strip_tabs) in pending {
            loop {
                if self.pos >= self.bytes.len() {
                    return;
                }
                let rest = self.text.get(self.pos..).unwrap_or("");
                let (line, consumed) = match rest.find('\n') {
                    Some(n) => (rest.get(..n).unwrap_or(""), n + 1),
                    None => (rest, rest.len()),
                };
                self.pos += consumed;
                let line = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line.trim_end_matches('\r') == delim {
                    break;
                }
            }
        }
    }

    /// Copy a balanced `$( … )` / `${ … }` / backtick construct starting at `pos`
    /// (which points at the opening byte after `$`, or at the backtick).
    fn skip_nested(&mut self, open: u8, close: u8) {
        if open == close {
            // Backticks: up to the next unescaped backtick (`pos` is past the opening one).
            while let Some(c) = self.peek() {
                if c == b'\\' {
                    self.pos += 2;
                    continue;
                }
                self.pos += 1;
                if c == close {
                    break;
                }
            }
            self.pos = self.pos.min(self.bytes.len());
            return;
        }
        // `pos` points at the opening byte.
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.pos += 2;
                    continue;
                }
                b'\'' => {
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\'' {
                            break;
                        }
                    }
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
        }
        self.pos = self.pos.min(self.bytes.len());
    }

    #[allow(clippy::too_many_lines)]
    fn read_word(&mut self) -> Option<Word> {
        let start = self.pos;
        let mut value: Vec<u8> = Vec::new();
        let mut quoted = false;
        let mut dynamic = false;
        // With `track`, the text offset of each byte of `value`.
        let mut offs: Vec<u32> = Vec::new();
        let track = self.track;
        let at = |offs: &mut Vec<u32>, range: std::ops::Range<usize>| {
            if track {
                offs.extend(range.map(|i| i as u32));
            }
        };
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => break,
                c if is_op_byte(c) => break,
                b'\\' => match self.peek_at(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(b'\r') if self.peek_at(2) == Some(b'\n') => self.pos += 3,
                    Some(n) => {
                        value.push(n);
                        at(&mut offs, self.pos + 1..self.pos + 2);
                        quoted = true;
                        self.pos += 2;
                    }
                    None => self.pos += 1,
                },
                b'\'' => {
                    quoted = true;
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\'' {
                            break;
                        }
                        value.push(c);
                        at(&mut offs, self.pos - 1..self.pos);
                    }
                }
                b'"' => {
                    quoted = true;
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        match c {
                            b'"' => {
                                self.pos += 1;
                                break;
                            }
                            b'\\' => match self.peek_at(1) {
                                Some(b'\n') => self.pos += 2,
                                Some(n @ (b'"' | b'\\' | b'$' | b'`')) => {
                                    value.push(n);
                                    at(&mut offs, self.pos + 1..self.pos + 2);
                                    self.pos += 2;
                                }
                                _ => {
                                    value.push(b'\\');
                                    at(&mut offs, self.pos..self.pos + 1);
                                    self.pos += 1;
                                }
                            },
                            b'$' if matches!(self.peek_at(1), Some(b'(' | b'{')) => {
                                dynamic = true;
                                let from = self.pos;
                                self.pos += 1;
                                let open = self.peek().unwrap_or(b'(');
                                self.skip_nested(open, if open == b'(' { b')' } else { b'}' });
                                self.record_substitution(from, open);
                                value.extend_from_slice(
                                    self.bytes.get(from..self.pos).unwrap_or(&[]),
                                );
                                at(&mut offs, from..self.pos);
                            }
                            b'`' => {
                                dynamic = true;
                                let from = self.pos;
                                self.pos += 1;
                                self.skip_nested(b'`', b'`');
                                self.record_substitution(from, b'`');
                                value.extend_from_slice(
                                    self.bytes.get(from..self.pos).unwrap_or(&[]),
                                );
                                at(&mut offs, from..self.pos);
                            }
                            _ => {
                                if c == b'$' {
                                    dynamic = true;
                                }
                                value.push(c);
                                at(&mut offs, self.pos..self.pos + 1);
                                self.pos += 1;
                            }
                        }
                    }
                }
                b'$' if matches!(self.peek_at(1), Some(b'(' | b'{')) => {
                    dynamic = true;
                    let from = self.pos;
                    self.pos += 1;
                    let open = self.peek().unwrap_or(b'(');
                    self.skip_nested(open, if open == b'(' { b')' } else { b'}' });
                    self.record_substitution(from, open);
                    value.extend_from_slice(self.bytes.get(from..self.pos).unwrap_or(&[]));
                    at(&mut offs, from..self.pos);
                }
                b'$' if self.peek_at(1) == Some(b'\'') => {
                    // ANSI-C quoting: keep the escapes as written.
                    quoted = true;
                    self.pos += 2;
                    while let Some(c) = self.peek() {
                        if c == b'\\' {
                            if let Some(n) = self.peek_at(1) {
                                value.push(b'\\');
                                value.push(n);
                                at(&mut offs, self.pos..self.pos + 2);
                            }
                            self.pos += 2;
                            continue;
                        }
                        self.pos += 1;
                        if c == b'\'' {
                            break;
                        }
                        value.push(c);
                        at(&mut offs, self.pos - 1..self.pos);
                    }
                }
                b'`' => {
                    dynamic = true;
                    let from = self.pos;
                    self.pos += 1;
                    self.skip_nested(b'`', b'`');
                    self.record_substitution(from, b'`');
                    value.extend_from_slice(self.bytes.get(from..self.pos).unwrap_or(&[]));
                    at(&mut offs, from..self.pos);
                }
                _ => {
                    if c == b'$' {
                        dynamic = true;
                    }
                    value.push(c);
                    at(&mut offs, self.pos..self.pos + 1);
                    self.pos += 1;
                }
            }
        }
        if track {
            self.offsets = offs;
        }
        self.pos = self.pos.min(self.bytes.len());
        if self.pos == start {
            return None;
        }
        Some(Word {
            value: String::from_utf8_lossy(&value).into_owned(),
            span: self.map.span(start, self.pos),
            quoted,
            dynamic,
        })
    }

    fn next_token(&mut self) -> Option<Tok> {
        loop {
            let c = self.peek()?;
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.peek_at(1) == Some(b'\n') => self.pos += 2,
                b'\\' if self.peek_at(1) == Some(b'\r') && self.peek_at(2) == Some(b'\n') => {
                    self.pos += 3;
                }
                b'#' => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    self.skip_heredoc_bodies();
                    return Some(Tok::Newline);
                }
                b'&' => {
                    return Some(match self.peek_at(1) {
                        Some(b'&') => {
                            self.pos += 2;
                            Tok::Op(Joiner::And)
                        }
                        Some(b'>') => {
                            self.pos += 2;
                            if self.peek() == Some(b'>') {
                                self.pos += 1;
                            }
                            Tok::Redirect { heredoc: None }
                        }
                        _ => {
                            self.pos += 1;
                            Tok::Op(Joiner::Background)
                        }
                    });
                }
                b'|' => {
                    return Some(match self.peek_at(1) {
                        Some(b'|') => {
                            self.pos += 2;
                            Tok::Op(Joiner::Or)
                        }
                        Some(b'&') => {
                            self.pos += 2;
                            Tok::Op(Joiner::Pipe)
                        }
                        _ => {
                            self.pos += 1;
                            Tok::Op(Joiner::Pipe)
                        }
                    });
                }
                b';' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b';') => {
                            self.pos += 1;
                            if self.peek() == Some(b'&') {
                                self.pos += 1;
                            }
                            return Some(Tok::CaseSep);
                        }
                        Some(b'&') => {
                            self.pos += 1;
                            return Some(Tok::CaseSep);
                        }
                        _ => return Some(Tok::Op(Joiner::Seq)),
                    }
                }
                b'(' | b')' => {
                    self.pos += 1;
                    return Some(Tok::Paren(c == b'('));
                }
                b'<' | b'>' => return Some(self.redirect()),
                _ => {
                    let word = self.read_word()?;
                    // `2>file`, `2>&1`: a number directly before a redirection is its fd.
                    if !word.quoted
                        && word.value.bytes().all(|b| b.is_ascii_digit())
                        && matches!(self.peek(), Some(b'<' | b'>'))
                    {
                        return Some(self.redirect());
                    }
                    return Some(Tok::Word(word));
                }
            }
        }
    }

    fn redirect(&mut self) -> Tok {
        let first = self.peek().unwrap_or(b'>');
        self.pos += 1;
        if first == b'<' {
            if self.peek() == Some(b'<') {
                self.pos += 1;
                if self.peek() == Some(b'<') {
                    // here-string
                    self.pos += 1;
                    return Tok::Redirect { heredoc: None };
                }
                let strip = if self.peek() == Some(b'-') {
                    self.pos += 1;
                    true
                } else {
                    false
                };
                return Tok::Redirect {
                    heredoc: Some(strip),
                };
            }
            if matches!(self.peek(), Some(b'&' | b'>')) {
                self.pos += 1;
            }
        } else if matches!(self.peek(), Some(b'>' | b'&' | b'|')) {
            self.pos += 1;
        }
        Tok::Redirect { heredoc: None }
    }
}

const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

impl Builder {
    fn within(budget: CommandBudget) -> Self {
        Self {
            commands: Vec::new(),
            next_pipeline: 0,
            nesting: 0,
            budget,
        }
    }

    #[allow(clippy::too_many_lines)]
    fn parse_text(&mut self, text: &str, map: &Mapping, depth: usize) {
        let mut lx = Lexer::new(text, map.clone());
        let mut assignments: Vec<Word> = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut pipeline = self.next_pipeline;
        self.next_pipeline += 1;
        let mut pipe_index = 0usize;
        let mut redirect_pending: Option<Option<bool>> = None;
        // `case … in pat) body ;; esac`: the state of each open `case`.
        let mut cases: Vec<CaseState> = Vec::new();
        while let Some(tok) = lx.next_token() {
            if self.budget.exceeded {
                return;
            }
            match cases.last().copied() {
                Some(CaseState::Subject) => {
                    if matches!(&tok, Tok::Word(w) if !w.quoted && w.value == "in") {
                        if let Some(top) = cases.last_mut() {
                            *top = CaseState::Patterns;
                        }
                    }
                    continue;
                }
                Some(CaseState::Patterns) => {
                    match &tok {
                        Tok::Word(w) if !w.quoted && w.value == "esac" => {
                            cases.pop();
                        }
                        Tok::Paren(false) => {
                            if let Some(top) = cases.last_mut() {
                                *top = CaseState::Body;
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                Some(CaseState::Body) | None => {}
            }
            let at_start = words.is_empty() && assignments.is_empty();
            match &tok {
                Tok::Word(w) if at_start && !w.quoted && w.value == "case" => {
                    cases.push(CaseState::Subject);
                    continue;
                }
                Tok::Word(w)
                    if at_start
                        && !w.quoted
                        && w.value == "esac"
                        && cases.last() == Some(&CaseState::Body) =>
                {
                    cases.pop();
                    continue;
                }
                Tok::CaseSep if cases.last() == Some(&CaseState::Body) => {
                    self.flush_substitutions(&mut lx, text, map, depth);
                    self.finish_command(
                        std::mem::take(&mut assignments),
                        std::mem::take(&mut words),
                        pipeline,
                        pipe_index,
                        Some(Joiner::Seq),
                        depth,
                        Some((text, map)),
                    );
                    pipeline = self.next_pipeline;
                    self.next_pipeline += 1;
                    pipe_index = 0;
                    if let Some(top) = cases.last_mut() {
                        *top = CaseState::Patterns;
                    }
                    continue;
                }
                _ => {}
            }
            match tok {
                Tok::Word(w) => {
                    if let Some(heredoc) = redirect_pending.take() {
                        if let Some(strip) = heredoc {
                            lx.pending_heredocs.push((w.value.clone(), strip));
                        }
                        continue;
                    }
                    // One command of millions of words stops at the budget too.
                    if words.len() + assignments.len() >= self.budget.left {
                        self.budget.exceeded = true;
                        return;
                    }
                    if words.is_empty() && is_assignment_word(&w) {
                        assignments.push(w);
                    } else {
                        words.push(w);
                    }
                }
                Tok::Redirect { heredoc } => redirect_pending = Some(heredoc),
                Tok::Op(Joiner::Pipe) => {
                    let had = !(words.is_empty() && assignments.is_empty());
                    self.flush_substitutions(&mut lx, text, map, depth);
                    self.finish_command(
                        std::mem::take(&mut assignments),
                        std::mem::take(&mut words),
                        pipeline,
                        pipe_index,
                        Some(Joiner::Pipe),
                        depth,
                        Some((text, map)),
                    );
                    if had {
                        pipe_index += 1;
                    }
                }
                Tok::Op(j) => {
                    redirect_pending = None;
                    self.flush_substitutions(&mut lx, text, map, depth);
                    self.finish_command(
                        std::mem::take(&mut assignments),
                        std::mem::take(&mut words),
                        pipeline,
                        pipe_index,
                        Some(j),
                        depth,
                        Some((text, map)),
                    );
                    pipeline = self.next_pipeline;
                    self.next_pipeline += 1;
                    pipe_index = 0;
                }
                Tok::Newline | Tok::Paren(_) | Tok::CaseSep => {
                    redirect_pending = None;
                    let joiner = Joiner::Seq;
                    let had = !(words.is_empty() && assignments.is_empty());
                    self.flush_substitutions(&mut lx, text, map, depth);
                    self.finish_command(
                        std::mem::take(&mut assignments),
                        std::mem::take(&mut words),
                        pipeline,
                        pipe_index,
                        Some(joiner),
                        depth,
                        Some((text, map)),
                    );
                    // A newline right after `|` continues the pipeline.
                    let after_pipe = !had
                        && self.commands.last().is_some_and(|c| {
                            c.pipeline == pipeline && c.next == Some(Joiner::Pipe)
                        });
                    if !after_pipe {
                        pipeline = self.next_pipeline;
                        self.next_pipeline += 1;
                        pipe_index = 0;
                    }
                }
            }
        }
        self.flush_substitutions(&mut lx, text, map, depth);
        self.finish_command(
            assignments,
            words,
            pipeline,
            pipe_index,
            None,
            depth,
            Some((text, map)),
        );
    }

    /// Parse the command substitutions read since the last command: they run before it.
    fn flush_substitutions(&mut self, lx: &mut Lexer<'_>, text: &str, map: &Mapping, depth: usize) {
        let subs = std::mem::take(&mut lx.substitutions);
        if self.nesting >= MAX_DEPTH {
            return;
        }
        for (start, end) in subs {
            let Some(body) = text.get(start..end) else {
                continue;
            };
            let sub_map = map.shifted(start);
            let first = self.commands.len();
            self.nesting += 1;
            self.parse_text(body, &sub_map, depth);
            self.nesting -= 1;
            for c in self.commands.iter_mut().skip(first) {
                c.in_substitution = true;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_command(
        &mut self,
        assignments: Vec<Word>,
        mut words: Vec<Word>,
        pipeline: usize,
        pipe_index: usize,
        next: Option<Joiner>,
        depth: usize,
        source: Option<(&str, &Mapping)>,
    ) {
        // Reserved words that open or close compound commands.
        while words.first().is_some_and(|w| {
            !w.quoted
                && matches!(
                    w.value.as_str(),
                    "if" | "then"
                        | "else"
                        | "elif"
                        | "do"
                        | "while"
                        | "until"
                        | "!"
                        | "{"
                        | "}"
                        | "fi"
                        | "done"
                        | "esac"
                )
        }) {
            words.remove(0);
        }
        if words.first().is_some_and(|w| {
            !w.quoted
                && matches!(
                    w.value.as_str(),
                    "for" | "case" | "select" | "in" | "function"
                )
        }) {
            words.clear();
        }
        // `}` closing a group after `;`
        if words.len() == 1 && words.first().is_some_and(|w| !w.quoted && w.value == "}") {
            words.clear();
        }
        // Words left before the command (FOO=1 after a reserved word).
        let mut assignments = assignments;
        // Leading `NAME=value` words (all but the last), moved in one go: a
        // command with thousands of them stays linear.
        let leading = words
            .iter()
            .take(words.len().saturating_sub(1))
            .take_while(|w| is_assignment_word(w))
            .count();
        assignments.extend(words.drain(..leading));
        if words.is_empty() && assignments.is_empty() {
            // Keep the joiner information on the previous command of this pipeline.
            if let Some(last) = self.commands.last_mut() {
                if last.pipeline == pipeline && last.next.is_none() {
                    last.next = next;
                }
            }
            return;
        }
        if let Some(prev) = self.commands.last_mut() {
            if prev.next.is_none() && prev.depth == depth {
                prev.next = Some(Joiner::Seq);
            }
        }
        let first = assignments.first().or(words.first()).map(|w| w.span);
        let last = words.last().or(assignments.last()).map(|w| w.span);
        let span = match (first, last) {
            (Some(a), Some(b)) => a.cover(b),
            _ => Span::default(),
        };
        let cost = 1 + words.len() + assignments.len();
        if cost > self.budget.left {
            self.budget.exceeded = true;
            return;
        }
        self.budget.left -= cost;
        let (start, mut wrappers) = see_through(&words);
        let body = shell_body(&words, start);
        // Exact sizes: a file's commands are kept together for every rule.
        words.shrink_to_fit();
        assignments.shrink_to_fit();
        wrappers.shrink_to_fit();
        self.commands.push(Command {
            assignments,
            words,
            start,
            wrappers,
            pipeline,
            pipe_index,
            next,
            depth,
            in_substitution: false,
            span,
        });
        if let Some(body) = body {
            if depth < MAX_DEPTH {
                let map = source
                    .and_then(|(text, outer)| body_table(text, outer, &body))
                    .unwrap_or_else(|| body_mapping(&body));
                self.parse_text(&body.value, &map, depth + 1);
            }
        }
    }
}

fn is_assignment_word(w: &Word) -> bool {
    // Quotes are already removed from the value: `"A"=b` counts as an assignment too,
    // which is close enough for rules.
    is_assignment(&w.value)
}

/// Map a `sh -c` body back to the source: linearly when the word was written as one
/// quoted string without escapes (its source text is the value plus two quotes);
/// otherwise every span is the whole word.
fn body_mapping(w: &Word) -> Mapping {
    let value_len = w.value.len() as u32;
    if w.span.len() == value_len + 2 && !w.value.contains('\\') {
        Mapping::Linear(w.span.start + 1)
    } else if w.span.len() == value_len && !w.quoted {
        Mapping::Linear(w.span.start)
    } else {
        Mapping::Fixed(w.span)
    }
}

/// Map a `sh -c` body back to the source byte by byte: read its word again from
/// `text` (the text it was read from, mapped by `outer`), keeping the offset of
/// each byte of its value. `None` when the word cannot be found there as written.
fn body_table(text: &str, outer: &Mapping, body: &Word) -> Option<Mapping> {
    let (start, end) = outer.local(body.span)?;
    let raw = text.get(start..end)?;
    let mut lx = Lexer::new(raw, Mapping::Linear(0));
    lx.track = true;
    let word = lx.read_word()?;
    // `--command=body`: the body is the end of the word.
    let skip = word.value.len().checked_sub(body.value.len())?;
    if lx.pos != raw.len() || word.value.get(skip..) != Some(body.value.as_str()) {
        return None;
    }
    let table = lx
        .offsets
        .get(skip..)?
        .iter()
        .map(|&o| outer.offset(start + o as usize))
        .collect::<Option<Vec<u32>>>()?;
    (table.len() == body.value.len()).then(|| Mapping::Table(table.into(), 0))
}

/// For `sh -c 'body'` (options before `-c` allowed, `-o pipefail` included), the body word.
fn shell_body(words: &[Word], start: usize) -> Option<Word> {
    let name = words.get(start)?;
    // `su [user] -c 'cmd'`, `runuser -u user -c 'cmd'`
    if matches!(basename(&name.value), "su" | "runuser") {
        let args = words.get(start + 1..)?;
        for (i, w) in args.iter().enumerate() {
            if w.value == "-c" || w.value == "--command" {
                return args.get(i + 1).cloned();
            }
            if let Some(cmd) = w.value.strip_prefix("--command=") {
                // Spans inside map to the whole word (`quoted` makes the mapping fixed).
                return Some(Word {
                    value: cmd.to_string(),
                    span: w.span,
                    quoted: true,
                    dynamic: w.dynamic,
                });
            }
        }
        return None;
    }
    if !SHELLS.contains(&basename(&name.value)) {
        return None;
    }
    let mut has_c = false;
    let mut i = start + 1;
    while let Some(w) = words.get(i) {
        let v = w.value.as_str();
        if v == "-o" || v == "+o" {
            i += 2;
            continue;
        }
        if v == "--" {
            i += 1;
            break;
        }
        if (v.starts_with('-') || v.starts_with('+')) && v.len() > 1 {
            if v.starts_with('-') && !v.starts_with("--") && v.contains('c') {
                has_c = true;
            }
            // `-euxo pipefail`: a cluster ending in `o` takes the option name next.
            i += if v.ends_with('o') && !v.starts_with("--") {
                2
            } else {
                1
            };
            continue;
        }
        break;
    }
    if !has_c {
        return None;
    }
    words.get(i).cloned()
}

/// Skip wrapper programs (`sudo`, `env`, …): the index of the program actually run,
/// and the indices of the wrappers.
fn see_through(words: &[Word]) -> (usize, Vec<usize>) {
    let mut i = 0usize;
    let mut wrappers = Vec::new();
    for _ in 0..8 {
        let Some(w) = words.get(i) else { break };
        if w.quoted && w.value.is_empty() {
            break;
        }
        let name = basename(&w.value);
        let (value_opts, positional): (&[&str], usize) = match name {
            "sudo" => (
                &[
                    "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group",
                ],
                0,
            ),
            "env" => (
                &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"],
                0,
            ),
            "exec" => (&["-a"], 0),
            "nice" => (&["-n", "--adjustment"], 0),
            "nohup" | "stdbuf" => (&["-i", "-o", "-e"], 0),
            "time" => (&["-f", "-o", "--format", "--output"], 0),
            "timeout" => (&["-k", "-s", "--kill-after", "--signal"], 1),
            "xargs" => (
                &[
                    "-I",
                    "-n",
                    "-P",
                    "-d",
                    "-E",
                    "-L",
                    "-s",
                    "-a",
                    "-i",
                    "-e",
                    "-l",
                    "--max-args",
                    "--max-procs",
                    "--delimiter",
                    "--arg-file",
                    "--replace",
                ],
                0,
            ),
            "gosu" | "su-exec" => (&[], 1),
            "command" => {
                if words
                    .get(i + 1)
                    .is_some_and(|w| w.value == "-v" || w.value == "-V")
                {
                    break;
                }
                (&["-p"], 0)
            }
            _ => break,
        };
        wrappers.push(i);
        let mut j = i + 1;
        let mut positional_left = positional;
        while let Some(w) = words.get(j) {
            let v = w.value.as_str();
            if v == "--" {
                j += 1;
                break;
            }
            if v.starts_with('-') && v.len() > 1 {
                j += if value_opts.contains(&v) { 2 } else { 1 };
                continue;
            }
            if (name == "env" || name == "sudo") && is_assignment(v) {
                j += 1;
                continue;
            }
            if positional_left > 0 {
                positional_left -= 1;
                j += 1;
                continue;
            }
            break;
        }
        if j >= words.len() {
            // A wrapper with nothing to run (`sudo -v`, bare `env`): the wrapper is the command.
            wrappers.pop();
            break;
        }
        i = j;
    }
    (i, wrappers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Script) -> Vec<String> {
        s.iter()
            .map(|c| c.name().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn splits_on_operators_and_newlines() {
        let s = Script::parse(
            "apt-get update && apt-get install -y curl; rm -rf /x || true\necho hi & wait",
            0,
        );
        assert_eq!(
            names(&s),
            ["apt-get", "apt-get", "rm", "true", "echo", "wait"]
        );
        assert_eq!(s.commands[0].next, Some(Joiner::And));
        assert_eq!(s.commands[2].next, Some(Joiner::Or));
        assert_eq!(s.commands[4].next, Some(Joiner::Background));
    }

    #[test]
    fn words_keep_spans_and_lose_quotes() {
        let text = r#"echo "a b" 'c'd \e"#;
        let s = Script::parse(text, 10);
        let args = s.commands[0].args();
        assert_eq!(args[0].value, "a b");
        assert_eq!(args[0].span, Span::new(15, 20));
        assert_eq!(args[1].value, "cd");
        assert_eq!(args[2].value, "e");
    }

    #[test]
    fn pipelines_are_kept() {
        let s = Script::parse("curl -fsSL https://x | sh -s -- -y && ls", 0);
        let c = &s.commands;
        assert_eq!(c[0].pipeline, c[1].pipeline);
        assert_eq!(c[1].pipe_index, 1);
        assert_ne!(c[2].pipeline, c[1].pipeline);
        assert!(s.has_pipe());
    }

    #[test]
    fn pipeline_continues_over_newline() {
        let s = Script::parse("curl x |\n  sh", 0);
        assert_eq!(s.commands[1].pipe_index, 1);
    }

    #[test]
    fn subshells_and_groups() {
        let s = Script::parse("(cd /x && make) ; { echo a; echo b; }", 0);
        assert_eq!(names(&s), ["cd", "make", "echo", "echo"]);
    }

    #[test]
    fn assignments_and_wrappers() {
        let s = Script::parse(
            "DEBIAN_FRONTEND=noninteractive sudo -u root env A=1 apt-get install x",
            0,
        );
        let c = &s.commands[0];
        assert_eq!(c.assignments.len(), 1);
        assert_eq!(c.name(), Some("apt-get"));
        assert_eq!(c.wrappers.len(), 2);
        assert_eq!(c.words[c.wrappers[0]].value, "sudo");
        assert_eq!(c.subcommand(&[]).unwrap().value, "install");
    }

    #[test]
    fn sh_c_bodies_are_parsed_with_spans() {
        let text = "sh -c 'cd /tmp && sudo make'";
        let s = Script::parse(text, 0);
        assert_eq!(names(&s), ["sh", "cd", "make"]);
        let make = s
            .commands
            .iter()
            .find(|c| c.name() == Some("make"))
            .unwrap();
        assert_eq!(make.depth, 1);
        let sudo = &make.words[make.wrappers[0]];
        assert_eq!(sudo.span.text(text), "sudo");
    }

    #[test]
    fn escaped_bodies_map_byte_by_byte() {
        // Escapes and line continuations inside the string: every word still points
        // at its own text, also two levels down and inside `$( … )`.
        let text = "su nobody -c \" \\\n  echo \\\"\\$HOME\\\" \\\n  && cd /src && sh -c 'x=$(cat f) && make \\\"all\\\"'\"";
        let s = Script::parse(text, 0);
        // The outer double quotes let the outer shell run `$(cat f)` first.
        assert_eq!(names(&s), ["cat", "su", "echo", "cd", "sh", "", "make"]);
        for w in s.commands.iter().filter_map(Command::name_word) {
            assert_eq!(w.span.text(text), w.value, "{w:?}");
        }
        let make = s
            .commands
            .iter()
            .find(|c| c.name() == Some("make"))
            .unwrap();
        assert_eq!(make.depth, 2);
        let cd = s.commands.iter().find(|c| c.name() == Some("cd")).unwrap();
        assert_eq!(cd.span.text(text), "cd /src");
    }

    #[test]
    fn su_c_bodies_are_parsed() {
        let s = Script::parse(
            "su nobody -s /bin/sh -c \"cd /x && apk index --allow-untrusted\"",
            0,
        );
        assert_eq!(names(&s), ["su", "cd", "apk"]);
    }

    #[test]
    fn bash_with_options_before_c() {
        let s = Script::parse("bash -euxo pipefail -c \"wget -qO- x | tar xz\"", 0);
        assert_eq!(names(&s), ["bash", "wget", "tar"]);
        assert!(s.has_pipe());
    }

    #[test]
    fn heredoc_bodies_are_not_commands() {
        let s = Script::parse("cat <<EOF > /etc/x\nsudo rm -rf /\nEOF\necho done", 0);
        assert_eq!(names(&s), ["cat", "echo"]);
    }

    #[test]
    fn redirections_are_not_words() {
        let s = Script::parse("make 2>&1 > /dev/null install", 0);
        let c = &s.commands[0];
        assert_eq!(c.args().len(), 1);
        assert_eq!(c.args()[0].value, "install");
    }

    #[test]
    fn command_substitution_stays_in_word() {
        let s = Script::parse("echo \"$(uname -r | tr a b)\" $(id -u)", 0);
        assert_eq!(names(&s), ["uname", "tr", "id", "echo"]);
        let echo = &s.commands[3];
        assert_eq!(echo.args().len(), 2);
        assert!(echo.args()[0].dynamic);
        assert!(!echo.in_substitution);
    }

    #[test]
    fn compound_commands() {
        let s = Script::parse(
            "if [ -f x ]; then apt-get install y; fi\nfor p in a b; do pip install $p; done",
            0,
        );
        assert_eq!(names(&s), ["[", "apt-get", "pip"]);
    }

    #[test]
    fn line_continuations_and_comments() {
        let s = Script::parse("apt-get install \\\n  curl \\\n  # a comment\n  && ls", 0);
        assert_eq!(s.commands[0].args().len(), 2);
    }

    #[test]
    fn options() {
        let s = Script::parse(
            "apt-get -qy install --no-install-recommends foo=1 -o A=B bar",
            0,
        );
        let c = &s.commands[0];
        assert!(c.has_option(&["-y", "--yes"]));
        assert!(c.has_option(&["--no-install-recommends"]));
        assert!(!c.has_option(&["-f"]));
        let p: Vec<_> = c
            .positionals(&["-o"])
            .iter()
            .map(|w| w.value.clone())
            .collect();
        assert_eq!(p, ["install", "foo=1", "bar"]);
    }

    #[test]
    fn exec_form() {
        let args = vec![
            ("sudo".to_string(), Span::new(0, 4)),
            ("apt-get".to_string(), Span::new(5, 9)),
        ];
        let s = Script::from_exec(&args);
        assert_eq!(s.commands[0].name(), Some("apt-get"));
        assert_eq!(s.commands[0].wrappers, vec![0]);
        let s = Script::parse("sh -c \"$(curl -k x)\"", 0);
        assert_eq!(s.named(&["curl"]).count(), 1);
    }

    #[test]
    fn command_substitutions_are_parsed() {
        let text = "ARCH=\"$(dpkg --print-architecture | cut -d- -f1)\"; echo `id -u` $((1+2))";
        let s = Script::parse(text, 0);
        // `ARCH=…` alone is a command with an assignment and no words.
        assert_eq!(names(&s), ["dpkg", "cut", "", "id", "echo"]);
        let cut = &s.commands[1];
        assert!(cut.in_substitution);
        assert_eq!(cut.pipe_index, 1);
        assert_eq!(cut.name_span().text(text), "cut");
        assert!(!s.commands[4].in_substitution);
    }

    #[test]
    fn case_patterns_are_not_pipes() {
        let s = Script::parse(
            "case \"$arch\" in\n  x86_64|aarch64) apk add nginx ;;\n  (*) make | tee log ;;\nesac; echo done",
            0,
        );
        assert_eq!(names(&s), ["apk", "make", "tee", "echo"]);
        assert_eq!(s.commands[0].pipe_index, 0);
        assert_eq!(s.commands[2].pipe_index, 1);
    }

    #[test]
    fn command_v_is_not_a_wrapper() {
        let s = Script::parse("command -v curl", 0);
        assert_eq!(s.commands[0].name(), Some("command"));
    }

    #[test]
    fn malformed_input_never_panics() {
        for t in [
            "'unterminated",
            "\"x",
            "$(",
            "`",
            "a |",
            "<<",
            "\\",
            "&& ||",
            "${",
            "2>",
            "(((",
            "$'\\",
        ] {
            let _ = Script::parse(t, 0);
        }
    }
}
