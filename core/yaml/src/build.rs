//! Events from `saphyr-parser` → our node tree, with go-yaml v2 semantics, limits
//! and recovery at document boundaries.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput, Tag};

use super::comments;
use super::fast::{self, Fast, Next};
use super::fixes::{self, Fixes};
use super::node::{Node, NodeTag, Style, Value};
use super::offsets::CharOffsets;
use super::resolve::{resolve_plain_owned, resolve_tagged, CORE_HANDLE};
use super::{Document, Limits, Stream};
use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::source::{LineIndex, Span};

struct Ctx<'a> {
    /// The text given to the parser (the original one, or a copy edited by
    /// [`Fixes`]): spans, comments and boundaries are read from it, then mapped back
    /// to the original text by [`Ctx::finish`].
    text: &'a str,
    fixes: &'a Fixes,
    /// Whether the parser stopped at a tab after `:` (see [`parse`]).
    tab_after_colon: bool,
    /// Opening quotes of quoted scalars the parser refused for their continuation
    /// lines' indentation, and tabs it refused in those lines' leading blanks.
    quoted_indent: Vec<usize>,
    /// (With where the last event before the error ended: the scalar opens after it.)
    quoted_tabs: Vec<(usize, usize)>,
    /// Tokens inside flow collections the parser refused for their indentation, with
    /// the column that is enough and how many flow collections the parser has seen
    /// open around them.
    flow_indent: Vec<(usize, usize, usize)>,
    limits: &'a Limits,
    /// Character indices to bytes, for the parser's spans: made when the parser
    /// first reads (a text the fast reader reads whole never needs it).
    offsets: std::cell::OnceCell<CharOffsets>,
    /// Where the text's lines start: made when first needed (resuming after
    /// a problem, the flow-indent fix), so most texts are not indexed here
    /// (their source indexes them if a finding needs a line).
    lines: std::cell::OnceCell<LineIndex>,
    docs: Vec<DocOut>,
    /// Byte ranges of quoted and block scalars, for the comment scanner.
    opaque: Vec<(usize, usize)>,
    /// Nodes copied by aliases so far in the whole stream: the budget of
    /// [`Limits::max_alias_nodes`] is per stream, so that documents each just under
    /// it cannot pile up.
    alias_nodes: usize,
    /// Emptied buffers of finished collections, reused by the next ones (see
    /// [`Spare`]).
    spare: Spare,
    /// Whether the original text is [`fast::eligible`]: then the fast reader may
    /// be tried first, and the text has no control character to look for (the
    /// fast reader refuses every one libyaml refuses, and the edits of later
    /// rounds add none).
    fast: bool,
}

/// Buffers that collect a collection's children while it is read. A finished
/// collection moves its children into a vector of exactly their number and
/// hands the buffer back here: the tree holds no spare capacity (a vector grown
/// by pushes holds up to twice its length, four entries at least, which for
/// the many one- and two-key mappings of Kubernetes objects was most of the
/// tree's memory), and reading allocates each vector once.
#[derive(Default)]
struct Spare {
    seqs: Vec<Vec<Node>>,
    maps: Vec<Vec<(Node, Node)>>,
    seen: Vec<HashMap<KeyId, usize>>,
}

impl Spare {
    /// `buffer`'s items in a vector of exactly their number; the emptied
    /// buffer is kept for the next collection.
    fn exact<T>(pool: &mut Vec<Vec<T>>, mut buffer: Vec<T>) -> Vec<T> {
        // Not `mem::take`, which would hand over the spare capacity too:
        // `split_off` moves the items in one copy into a vector of their
        // length (`collections_hold_exactly_their_children` holds it to
        // that) and leaves the buffer empty, its capacity kept.
        let exact = buffer.split_off(0);
        pool.push(buffer);
        exact
    }
}

struct DocOut {
    start: usize,
    explicit: bool,
    root: Result<Node, Problem>,
}

/// Where [`Ctx::run`] takes its events from.
enum Source<'a> {
    Fast(Fast<'a>),
    Parser {
        parser: Box<Parser<'a, StrInput<'a>>>,
        base: usize,
        base_char: usize,
    },
}

enum Outcome {
    Done,
    ResumeAt(usize),
}

/// Rounds of reading again after edits (each one fixes at least one place per
/// document: a whole quoted scalar or flow collection)...
const MAX_ROUNDS: usize = 16;
/// ... and more while the text read again in all rounds stays under this many
/// bytes (small texts with many places to fix), so the work is at most
/// `16 × size + 32 MiB`: linear in the input...
const EXTRA_ROUND_BYTES: usize = 32 << 20;
/// ... but never more rounds than this: a round has a cost of its own whatever
/// the text's size, and edits that undo each other (a 392-byte text found by
/// the fuzzer) would otherwise take the 32 MiB budget in 85,000 rounds, minutes.
const MAX_TOTAL_ROUNDS: usize = 64;

pub(super) fn parse(text: &str, limits: &Limits) -> Stream {
    parse_with(text, limits, fast::eligible(text))
}

/// [`parse`], with the fast reader tried first or not at all.
pub(super) fn parse_with(text: &str, limits: &Limits, fast: bool) -> Stream {
    // `saphyr-parser` refuses some input go-yaml v2 reads; when it stops on one, the
    // text is edited without changing the values read (see `fixes`) and read again:
    // - a tab right after `:` (`key:\tvalue`): the tabs after every `:` are read as
    //   spaces (tabs that turn out to sit inside quoted or block scalars are put back);
    // - continuation lines of a quoted scalar indented less than the enclosing block
    //   (or with tabs in that indentation): spaces are inserted at their start (tabs
    //   there are read as spaces).
    let mut fixes = Fixes::default();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let edited = (!fixes.is_empty()).then(|| fixes.apply(text));
        let source = edited.as_deref().unwrap_or(text);
        let mut ctx = Ctx::new(source, &fixes, limits, fast);
        let mut base = 0;
        while let Outcome::ResumeAt(next) = ctx.run(base) {
            if next <= base || next >= source.len() {
                break;
            }
            base = next;
        }
        if rounds < MAX_ROUNDS
            || (rounds < MAX_TOTAL_ROUNDS && rounds.saturating_mul(text.len()) < EXTRA_ROUND_BYTES)
        {
            if let Some(next) = next_fixes(text, &ctx) {
                fixes = next;
                continue;
            }
        }
        let stream = ctx.finish();
        return if fixes.is_empty() {
            stream
        } else {
            map_stream(stream, &fixes, text)
        };
    }
}

/// The edits for the next round, when this one found something to fix.
fn next_fixes(text: &str, ctx: &Ctx<'_>) -> Option<Fixes> {
    let mut fixes = ctx.fixes.clone();
    let mut changed = false;
    if ctx.tab_after_colon && fixes.colon_tabs.is_empty() {
        fixes.colon_tabs = tabs_after_colons(text);
        changed = !fixes.colon_tabs.is_empty();
    } else if !fixes.colon_tabs.is_empty() {
        let mut opaque = ctx.opaque.clone();
        opaque.sort_unstable();
        let inside = |p: &usize| {
            let p = ctx.fixes.to_edited(*p);
            let i = opaque.partition_point(|&(start, _)| start <= p);
            i.checked_sub(1)
                .and_then(|i| opaque.get(i))
                .is_some_and(|&(_, end)| p < end)
        };
        let before = fixes.colon_tabs.len();
        fixes.colon_tabs.retain(|p| !inside(p));
        changed |= fixes.colon_tabs.len() != before;
    }
    let mut tabs: std::collections::HashSet<usize> = fixes.blank_tabs.iter().copied().collect();
    // Quotes whose continuation lines had tabs: padded in the same round (the
    // padding counts a tab in the leading blanks as the indentation it ends).
    let mut tab_quotes = Vec::new();
    for &(at, after) in &ctx.quoted_tabs {
        let (found, quote) = fixes::scalar_leading_tabs(ctx.text, at, after, ctx.fixes);
        for tab in found {
            if tabs.insert(tab) {
                fixes.blank_tabs.push(tab);
                changed = true;
            }
        }
        tab_quotes.extend(quote);
    }
    // Inserted spaces are budgeted per document (at most 4 times its own size),
    // so that the edited text stays within 5 times the original one and a
    // document is read the same wherever it sits in the stream.
    let starts: Vec<usize> = ctx.docs.iter().map(|d| d.start).collect();
    let doc_of = |at: usize| starts.partition_point(|&s| s <= at).saturating_sub(1);
    let doc_len = |d: usize| {
        let start = if d == 0 {
            0
        } else {
            starts.get(d).copied().unwrap_or(0)
        };
        let end = starts.get(d + 1).copied().unwrap_or(ctx.text.len());
        end.saturating_sub(start)
    };
    let mut spent: HashMap<usize, usize> = HashMap::new();
    for &(at, n) in &ctx.fixes.inserts_edited() {
        *spent.entry(doc_of(at)).or_default() += n;
    }
    let mut pads_all = Vec::new();
    let mut add = |at: usize, pads: Vec<(usize, usize)>| {
        let total: usize = pads.iter().map(|&(_, n)| n).sum();
        let doc = doc_of(at);
        let used = spent.entry(doc).or_default();
        if total == 0 || *used + total > doc_len(doc).saturating_mul(4) {
            return false;
        }
        *used += total;
        pads_all.extend(pads.into_iter().map(|(p, n)| (ctx.fixes.to_original(p), n)));
        true
    };
    for &quote in ctx.quoted_indent.iter().chain(&tab_quotes) {
        changed |= add(quote, fixes::pad_quoted(ctx.text, quote));
    }
    for &(at, need, levels) in &ctx.flow_indent {
        changed |= add(at, fixes::pad_flow(ctx.text, at, need, levels));
    }
    fixes.insert_all(pads_all);
    changed.then_some(fixes)
}

/// Offsets of the tabs in the blank run after each `:`.
fn tabs_after_colons(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut positions = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) == Some(&b':') {
            let mut j = i + 1;
            while let Some(&c @ (b' ' | b'\t')) = bytes.get(j) {
                if c == b'\t' {
                    positions.push(j);
                }
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    positions
}

/// Spans of an edited text's stream, mapped back to the original `text`; comments
/// read from it.
fn map_stream(mut stream: Stream, fixes: &Fixes, text: &str) -> Stream {
    let map = |s: &mut Span| {
        *s = Span::from_range(
            fixes.to_original(s.start as usize)..fixes.to_original(s.end as usize),
        );
    };
    for doc in &mut stream.documents {
        map(&mut doc.span);
        match &mut doc.root {
            Ok(node) => map_node(node, &map),
            Err(p) => map(&mut p.span),
        }
        for c in &mut doc.comments {
            map(&mut c.span);
            let (start, end) = (c.span.start as usize, c.span.end as usize);
            c.text = text.get(start + 1..end).unwrap_or_default().to_string();
        }
    }
    stream
}

fn map_node(node: &mut Node, map: &impl Fn(&mut Span)) {
    map(&mut node.span);
    match &mut node.value {
        Value::Seq(items) => {
            for item in items {
                map_node(item, map);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                map_node(k, map);
                map_node(v, map);
            }
        }
        _ => {}
    }
}

impl<'a> Ctx<'a> {
    fn new(text: &'a str, fixes: &'a Fixes, limits: &'a Limits, fast: bool) -> Self {
        Ctx {
            text,
            fixes,
            tab_after_colon: false,
            quoted_indent: Vec::new(),
            quoted_tabs: Vec::new(),
            flow_indent: Vec::new(),
            limits,
            offsets: std::cell::OnceCell::new(),
            lines: std::cell::OnceCell::new(),
            docs: Vec::new(),
            opaque: Vec::new(),
            alias_nodes: 0,
            spare: Spare::default(),
            fast,
        }
    }

    fn finish(mut self) -> Stream {
        self.opaque.sort_unstable();
        let comments = comments::scan(self.text, &self.opaque);
        let n = self.docs.len();
        let starts: Vec<usize> = self.docs.iter().map(|d| d.start).collect();
        let mut comments = comments.into_iter().peekable();
        let controls_in = if self.fast { "" } else { self.text };
        let mut controls = control_characters(controls_in).peekable();
        let mut documents = Vec::with_capacity(n);
        for (index, doc) in self.docs.into_iter().enumerate() {
            let start = if index == 0 { 0 } else { doc.start };
            let end = starts.get(index + 1).copied().unwrap_or(self.text.len());
            let end = end.max(start);
            let mut mine = Vec::new();
            while let Some(c) = comments.peek() {
                if (c.span.start as usize) < end || index + 1 == n {
                    mine.extend(comments.next());
                } else {
                    break;
                }
            }
            // go-yaml's reader rejects control characters anywhere in the stream.
            let mut control = None;
            while let Some(&(at, ch)) = controls.peek() {
                if at >= end && index + 1 < n {
                    break;
                }
                controls.next();
                control = control.or(Some((at, ch)));
            }
            let mut root = doc.root;
            if let Some((at, ch)) = control {
                let earlier = root
                    .as_ref()
                    .err()
                    .is_some_and(|p| (p.span.start as usize) < at);
                if !earlier {
                    root = Err(Problem::parse(
                        Span::from_range(at..at + ch.len_utf8()),
                        format!(
                            "control characters are not allowed (U+{:04X})",
                            u32::from(ch)
                        ),
                    ));
                }
            }
            documents.push(Document {
                index,
                span: Span::from_range(start..end),
                root: root.map_err(|p| p.in_document(index)),
                comments: mine,
                explicit_start: doc.explicit,
            });
        }
        Stream { documents }
    }

    fn line_of(&self, byte: usize) -> u32 {
        self.lines()
            .line_of(u32::try_from(byte).unwrap_or(u32::MAX))
    }

    /// The text's line index, made on first use.
    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.text))
    }

    /// A span covering the character at `at` (empty at the end of a line or the text).
    fn char_span(&self, at: usize) -> Span {
        let len = self
            .text
            .get(at..)
            .and_then(|s| s.chars().next())
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8);
        Span::from_range(at..at + len)
    }

    /// Where reading may resume after a problem at `at` in a document starting at
    /// `doc_start`: the next line at or after `at`'s line that starts with `---` (the
    /// line itself) or `...` (the line after it), past `doc_start`.
    fn next_boundary(&self, at: usize, doc_start: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut line = self.line_of(at);
        loop {
            let start = self.lines().line_start(line) as usize;
            if line as usize >= self.lines().line_count() || (line > 0 && start == 0) {
                return None;
            }
            if start > doc_start {
                let rest = bytes.get(start..).unwrap_or(&[]);
                let marker = rest.get(..3);
                let after = rest.get(3).copied();
                let ends = matches!(after, None | Some(b' ' | b'\t' | b'\r' | b'\n'));
                if marker == Some(b"---") && ends {
                    return Some(start);
                }
                if marker == Some(b"...") && ends {
                    let next = self.lines().line_start(line + 1) as usize;
                    return (next > start).then_some(next);
                }
            }
            line += 1;
        }
    }

    /// Read from byte `base` until the stream ends or an error stops the parser:
    /// with the fast reader while it can (see [`fast`]), then with a fresh parser.
    fn run(&mut self, base: usize) -> Outcome {
        if self.text.get(base..).is_none() {
            return Outcome::Done;
        }
        let mut source = if self.fast && self.fixes.is_empty() {
            Source::Fast(Fast::new(self.text, base))
        } else {
            self.parser_at(base)
        };
        let mut doc: Option<DocBuilder> = None;
        let mut last_end = base;
        // The state at the last document boundary, which a hand-over from the fast
        // reader returns to: its partial document is read again by the parser.
        let mut mark = (self.opaque.len(), last_end);
        loop {
            let (event, s, e) = match &mut source {
                Source::Fast(fast) => match fast.next() {
                    Next::End => return Outcome::Done,
                    Next::Restart(at) => {
                        doc = None;
                        self.opaque.truncate(mark.0);
                        last_end = mark.1;
                        source = self.parser_at(at);
                        continue;
                    }
                    Next::Event(event, s, e) => (event, s, e),
                },
                Source::Parser {
                    parser,
                    base,
                    base_char,
                } => match self.parser_event(parser, *base, *base_char, doc.as_ref(), last_end) {
                    Ok(Some(triple)) => triple,
                    Ok(None) => return Outcome::Done,
                    Err((start, explicit, problem, at)) => {
                        return self.abandon(start, explicit, problem, at)
                    }
                },
            };
            match event {
                Event::Nothing | Event::StreamStart => {}
                Event::StreamEnd => {
                    if let Some(d) = doc.take() {
                        let out = d.finish(s);
                        self.docs.push(out);
                    }
                    return Outcome::Done;
                }
                Event::DocumentStart(explicit) => {
                    mark = (self.opaque.len(), last_end);
                    if self.docs.len() >= self.limits.max_documents {
                        let problem = Problem::new(
                            ErrorKind::Limit,
                            Span::empty_at(u32::try_from(s).unwrap_or(u32::MAX)),
                            format!(
                                "more than {} documents in the stream; the rest is not read",
                                self.limits.max_documents
                            ),
                        );
                        self.docs.push(DocOut {
                            start: s,
                            explicit,
                            root: Err(problem),
                        });
                        return Outcome::Done;
                    }
                    doc = Some(DocBuilder::new(s, explicit, last_end));
                }
                Event::DocumentEnd => {
                    if let Some(d) = doc.take() {
                        let out = d.finish(s);
                        self.docs.push(out);
                    }
                    last_end = e;
                    mark = (self.opaque.len(), last_end);
                }
                other => {
                    let Some(d) = doc.as_mut() else { continue };
                    let size = self
                        .fixes
                        .to_original(e)
                        .saturating_sub(self.fixes.to_original(d.start));
                    if size > self.limits.max_document_bytes {
                        let problem = Problem::new(
                            ErrorKind::Limit,
                            self.char_span(d.start),
                            format!(
                                "document is larger than the limit of {} bytes",
                                self.limits.max_document_bytes
                            ),
                        );
                        let (start, explicit) = (d.start, d.explicit);
                        return self.abandon(start, explicit, problem, e);
                    }
                    if let Err(problem) = d.event(other, s, e, self) {
                        let (start, explicit) = (d.start, d.explicit);
                        return self.abandon(start, explicit, problem, e);
                    }
                    last_end = e;
                }
            }
        }
    }

    /// The parser's next event with its byte span; `Ok(None)` at the end; on a
    /// syntax error, what [`Ctx::abandon`] takes.
    #[allow(clippy::type_complexity)]
    fn parser_event<'e>(
        &mut self,
        parser: &mut Parser<'e, StrInput<'e>>,
        base: usize,
        base_char: usize,
        doc: Option<&DocBuilder>,
        last_end: usize,
    ) -> Result<Option<(Event<'e>, usize, usize)>, (usize, bool, Problem, usize)> {
        let (event, span) = match parser.next_event() {
            None => return Ok(None),
            Some(Ok(pair)) => pair,
            Some(Err(err)) => {
                let at = self
                    .offsets()
                    .byte_of_char(base_char + err.marker().index())
                    .max(base);
                let start = doc.map_or(last_end, |d| d.start);
                let info = err.info();
                self.note_flow_indent(info, at, doc);
                let problem = self.syntax_problem(info, at, last_end);
                return Err((start, doc.is_some_and(|d| d.explicit), problem, at));
            }
        };
        let s = self.offsets().byte_of_char(base_char + span.start.index());
        let e = self
            .offsets()
            .byte_of_char(base_char + span.end.index())
            .max(s);
        Ok(Some((event, s, e)))
    }

    fn offsets(&self) -> &CharOffsets {
        self.offsets.get_or_init(|| CharOffsets::new(self.text))
    }

    /// A fresh parser reading from byte `base`.
    fn parser_at(&self, base: usize) -> Source<'a> {
        Source::Parser {
            parser: Box::new(Parser::new_from_str(
                self.text.get(base..).unwrap_or_default(),
            )),
            base,
            base_char: self.offsets().char_of_byte(base),
        }
    }

    /// Notes a token the parser refused for its indentation inside a flow collection
    /// (see [`parse`]), with the innermost block's column, which the collection's
    /// lines must get past.
    fn note_flow_indent(&mut self, info: &str, at: usize, doc: Option<&DocBuilder>) {
        // Both errors are only raised inside flow collections.
        if info != "invalid indentation" && info != "invalid indentation in flow construct" {
            return;
        }
        let stack = doc.map_or(&[][..], |d| d.stack.as_slice());
        let Some(block) = stack.iter().rposition(|f| f.style == Style::Block) else {
            return;
        };
        let Some(frame) = stack.get(block) else {
            return;
        };
        let ls = self.lines().line_start(self.line_of(frame.start)) as usize;
        let col = self
            .text
            .get(ls..frame.start)
            .map_or(0, |t| t.chars().count());
        self.flow_indent
            .push((at, col + 1, stack.len() - block - 1));
    }

    /// The problem for a parser error at byte `at`; notes a tab after `:` (see [`parse`]).
    fn syntax_problem(&mut self, info: &str, at: usize, last_end: usize) -> Problem {
        if info.contains("must be followed by a valid YAML whitespace")
            && self.text.get(..at).is_some_and(|t| {
                t.trim_end_matches([' ', '\t']).ends_with(':')
                    && t.ends_with([' ', '\t'])
                    && t.rsplit(':').next().is_some_and(|b| b.contains('\t'))
            })
        {
            self.tab_after_colon = true;
        }
        if info.contains("invalid indentation in quoted scalar") {
            self.quoted_indent.push(at);
        }
        if info.contains("tab cannot be used as indentation") {
            self.quoted_tabs.push((at, last_end));
        }
        if info.contains("recursion limit") {
            // saphyr-parser's own nesting guard (flow collections).
            Problem::new(
                ErrorKind::Limit,
                self.char_span(at),
                "nesting is too deep for the YAML parser",
            )
        } else {
            Problem::parse(self.char_span(at), format!("invalid YAML: {info}"))
        }
    }

    /// Record the current document as failed and find where to resume.
    fn abandon(&mut self, start: usize, explicit: bool, problem: Problem, at: usize) -> Outcome {
        self.docs.push(DocOut {
            start,
            explicit,
            root: Err(problem),
        });
        match self.next_boundary(at, start) {
            Some(next) => Outcome::ResumeAt(next),
            None => Outcome::Done,
        }
    }
}

/// Whether `chunk` has a byte that could start a character libyaml's reader
/// refuses (a C0 control but tab, LF and CR; DEL; 0xC2, the lead byte of C1
/// controls; 0xEF, of U+FFFE/U+FFFF), in one branch-free pass.
pub(super) fn may_hold_refused(chunk: &[u8]) -> bool {
    #[allow(clippy::needless_bitwise_bool)] // bitwise on purpose: no branch per byte
    chunk.iter().fold(false, |any, &b| {
        any | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
            | (b == 0x7f)
            | (b == 0xc2)
            | (b == 0xef)
    })
}

/// Characters libyaml's reader refuses (YAML's non-printable set: C0 controls but tab,
/// LF and CR; DEL; C1 controls but NEL; U+FFFE and U+FFFF).
fn control_characters(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    // Nearly every text has none: only then are the characters decoded.
    let suspect = text.as_bytes().chunks(64).any(may_hold_refused);
    let text = if suspect { text } else { "" };
    text.char_indices().filter(|&(_, c)| {
        matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}')
            || (('\u{80}'..='\u{9f}').contains(&c) && c != '\u{85}')
            || c == '\u{fffe}'
            || c == '\u{ffff}'
    })
}

/// Recursive walks over the tree (drop, JSON conversion) must fit the stack: whatever
/// [`Limits::max_depth`] says, nesting stops here.
pub(super) const MAX_DEPTH_CAP: usize = 1000;

/// Mappings with fewer entries than this are searched in place for a
/// duplicate key, without hashing (or copying) the key.
const LINEAR_KEYS: usize = 16;

/// Whether two keys are the same key as go-yaml compares them: what
/// [`KeyId`] equality says, without building one.
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Float(_), Value::Float(_)) => KeyId::of(a).is_some_and(|x| KeyId::of(b) == Some(x)),
        _ => false,
    }
}

/// A key as go-yaml compares keys (after resolution).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyId {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(String),
}

impl KeyId {
    fn of(node: &Node) -> Option<KeyId> {
        Some(match &node.value {
            Value::Null => KeyId::Null,
            Value::Bool(b) => KeyId::Bool(*b),
            Value::Int(i) => KeyId::Int(*i),
            Value::Float(f) if f.is_nan() => return None,
            // 1.0 and 1 are different keys in Go (float64 vs int).
            Value::Float(f) => KeyId::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
            Value::String(s) => KeyId::Str(s.clone()),
            Value::Seq(_) | Value::Map(_) => return None,
        })
    }
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// First occurrence of each explicit key: its start byte.
        seen: HashMap<KeyId, usize>,
        /// Merge values (`<<: …`) with the entry index they were written at.
        merges: Vec<(usize, Node)>,
    },
}

struct Frame {
    kind: FrameKind,
    start: usize,
    end: usize,
    anchor: usize,
    tag: Option<NodeTag>,
    style: Style,
    nodes_at_start: usize,
}

struct DocBuilder {
    start: usize,
    explicit: bool,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchored nodes by the parser's anchor id, with their size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    /// A problem that does not stop the parser (repeated key, bad tag): the rest of
    /// the document's events are read and dropped.
    problem: Option<Problem>,
    /// End of the previous event (where a block scalar's header is looked for).
    last_end: usize,
    /// Set while an alias's copy is being attached (go-yaml refuses `<<: *seq`).
    pushing_alias: bool,
}

fn tag_string(tag: &Tag) -> NodeTag {
    NodeTag::new(format!("{}{}", tag.handle, tag.suffix))
}

/// End of the quoted scalar starting at `start` (its closing quote included), at
/// most `limit`.
fn quoted_end(text: &str, start: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(&quote) = bytes.get(start) else {
        return limit;
    };
    if quote != b'"' && quote != b'\'' {
        return limit;
    }
    let mut i = start + 1;
    while i < limit {
        match bytes.get(i) {
            Some(b'\\') if quote == b'"' => i += 2,
            Some(b'\'') if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            Some(&c) if c == quote => return i + 1,
            Some(_) => i += 1,
            None => break,
        }
    }
    limit
}

/// Skip node properties (`&anchor`, `!tag`) and the blanks after them.
fn skip_properties(text: &str, mut at: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        match bytes.get(at) {
            Some(b'&' | b'!') if at < end => {
                while at < end
                    && !matches!(bytes.get(at), Some(b' ' | b'\t' | b'\r' | b'\n') | None)
                {
                    at += 1;
                }
                while at < end && matches!(bytes.get(at), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                    at += 1;
                }
            }
            _ => return at.min(end.max(at)),
        }
    }
}

impl DocBuilder {
    fn new(start: usize, explicit: bool, last_end: usize) -> Self {
        Self {
            start,
            explicit,
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            nodes: 0,
            problem: None,
            last_end: last_end.max(start),
            pushing_alias: false,
        }
    }

    fn finish(self, end: usize) -> DocOut {
        let root = match self.problem {
            Some(p) => Err(p),
            None => Ok(self.root.unwrap_or_else(|| {
                Node::new(
                    Value::Null,
                    Span::empty_at(u32::try_from(end.max(self.start)).unwrap_or(u32::MAX)),
                )
            })),
        };
        DocOut {
            start: self.start,
            explicit: self.explicit,
            root,
        }
    }

    fn count_node(&mut self, ctx: &Ctx<'_>, at: Span) -> Result<(), Problem> {
        self.nodes += 1;
        if self.nodes > ctx.limits.max_nodes {
            return Err(Problem::new(
                ErrorKind::Limit,
                at,
                format!("document has more than {} nodes", ctx.limits.max_nodes),
            ));
        }
        Ok(())
    }

    /// Handle one content event. `Err` is a problem that stops reading the document
    /// (a limit); other problems are kept in `self.problem`.
    fn event(
        &mut self,
        event: Event<'_>,
        s: usize,
        e: usize,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), Problem> {
        let result = if self.problem.is_some() {
            // Poisoned: only watch the limits.
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    self.nodes += 1;
                    Ok(())
                }
                _ => Ok(()),
            }
        } else {
            self.content(event, s, e, ctx)
        };
        self.last_end = e.max(self.last_end);
        match result {
            Ok(()) => Ok(()),
            Err(p) if p.kind == ErrorKind::Limit => Err(p),
            Err(p) => {
                self.problem.get_or_insert(p);
                Ok(())
            }
        }
    }

    fn content(
        &mut self,
        event: Event<'_>,
        s: usize,
        e: usize,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), Problem> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.as_deref(), s, e, ctx)
            }
            Event::Alias(id) => {
                let span = Span::from_range(s..e);
                let Some((anchored, size)) = self.anchors.get(&id) else {
                    return Err(Problem::parse(
                        span,
                        "unknown anchor referenced by this alias",
                    ));
                };
                let size = *size;
                // Checked before copying, against the whole stream's budget.
                ctx.alias_nodes = ctx.alias_nodes.saturating_add(size);
                if ctx.alias_nodes > ctx.limits.max_alias_nodes {
                    return Err(Problem::new(
                        ErrorKind::Limit,
                        span,
                        format!(
                            "aliases expand to more than {} nodes in this file (is this a \"billion laughs\" document?)",
                            ctx.limits.max_alias_nodes
                        ),
                    ));
                }
                self.nodes += size;
                if self.nodes > ctx.limits.max_nodes {
                    return Err(Problem::new(
                        ErrorKind::Limit,
                        span,
                        format!("document has more than {} nodes", ctx.limits.max_nodes),
                    ));
                }
                let mut node = anchored.clone();
                node.span = span;
                self.pushing_alias = true;
                let result = self.push(node, ctx);
                self.pushing_alias = false;
                result
            }
            Event::SequenceStart(anchor, tag) => {
                self.start_collection(false, s, e, anchor, tag.as_deref(), ctx)
            }
            Event::MappingStart(anchor, tag) => {
                self.start_collection(true, s, e, anchor, tag.as_deref(), ctx)
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_collection(e, ctx),
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => Ok(()),
        }
    }
}

impl DocBuilder {
    #[allow(clippy::too_many_arguments)]
    fn scalar(
        &mut self,
        value: std::borrow::Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        s: usize,
        e: usize,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), Problem> {
        let text = ctx.text;
        let (span, node_style) = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                // The event spans the content; the node starts at `|`/`>`.
                let header = text
                    .get(self.last_end..s)
                    .and_then(|t| t.find(['|', '>']))
                    .map_or(s, |i| self.last_end + i);
                let trimmed = text.get(header..e).map_or(e, |t| {
                    header + t.trim_end_matches([' ', '\t', '\r', '\n']).len()
                });
                ctx.opaque.push((s, e));
                let st = if matches!(style, ScalarStyle::Literal) {
                    Style::Literal
                } else {
                    Style::Folded
                };
                (
                    Span::from_range(header..trimmed.max(header + 1).min(text.len())),
                    st,
                )
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let start = skip_properties(text, s, e);
                // The event's span may run on over blanks and a comment.
                let e = quoted_end(text, start, e);
                ctx.opaque.push((start, e));
                let st = if matches!(style, ScalarStyle::SingleQuoted) {
                    Style::SingleQuoted
                } else {
                    Style::DoubleQuoted
                };
                (Span::from_range(start..e), st)
            }
            ScalarStyle::Plain => {
                let start = skip_properties(text, s, e);
                let span = if value.is_empty() {
                    Span::from_range(start..start)
                } else {
                    Span::from_range(start..e)
                };
                (span, Style::Plain)
            }
        };
        self.count_node(ctx, span)?;
        let resolved = match tag {
            // A scalar the reader built (over several lines, or with escapes)
            // is moved into the node, not copied.
            None if node_style == Style::Plain => resolve_plain_owned(value),
            Some(t) if t.handle == CORE_HANDLE => {
                resolve_tagged(&value, &t.suffix).map_err(|m| Problem::parse(span, m))?
            }
            // Quoted and block scalars, and custom tags: the text.
            _ => Value::String(value.into_owned()),
        };
        let node = Node {
            value: resolved,
            span,
            tag: tag.map(tag_string),
            style: node_style,
        };
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), 1));
        }
        self.push(node, ctx)
    }
}

impl DocBuilder {
    fn start_collection(
        &mut self,
        is_map: bool,
        s: usize,
        e: usize,
        anchor: usize,
        tag: Option<&Tag>,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), Problem> {
        let text = ctx.text;
        let start = skip_properties(text, s, e.max(s + 1).min(text.len()));
        let style = match text.as_bytes().get(start) {
            Some(b'[' | b'{') => Style::Flow,
            _ => Style::Block,
        };
        let start = if !is_map && style == Style::Block {
            self.block_entry_after_key(text).unwrap_or(start)
        } else {
            start
        };
        let span = Span::from_range(start..start);
        let max_depth = ctx.limits.max_depth.min(MAX_DEPTH_CAP);
        if self.stack.len() >= max_depth {
            return Err(Problem::new(
                ErrorKind::Limit,
                ctx.char_span(start),
                format!("nesting is deeper than the limit of {max_depth}"),
            ));
        }
        self.count_node(ctx, span)?;
        let kind = if is_map {
            FrameKind::Map {
                entries: ctx.spare.maps.pop().unwrap_or_default(),
                key: None,
                seen: ctx.spare.seen.pop().unwrap_or_default(),
                merges: Vec::new(),
            }
        } else {
            FrameKind::Seq(ctx.spare.seqs.pop().unwrap_or_default())
        };
        let end = if style == Style::Flow {
            start + 1
        } else {
            start
        };
        self.stack.push(Frame {
            kind,
            start,
            end,
            anchor,
            tag: tag.map(tag_string),
            style,
            nodes_at_start: self.nodes,
        });
        Ok(())
    }

    fn end_collection(&mut self, e: usize, ctx: &mut Ctx<'_>) -> Result<(), Problem> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let end = if frame.style == Style::Flow {
            e.max(frame.end)
        } else {
            frame.end
        };
        let span = Span::from_range(frame.start..end.max(frame.start));
        let value = match frame.kind {
            FrameKind::Seq(items) => Value::Seq(Spare::exact(&mut ctx.spare.seqs, items)),
            FrameKind::Map {
                entries,
                merges,
                mut seen,
                ..
            } => {
                seen.clear();
                ctx.spare.seen.push(seen);
                Value::Map(apply_merges(
                    Spare::exact(&mut ctx.spare.maps, entries),
                    merges,
                ))
            }
        };
        let node = Node {
            value,
            span,
            tag: frame.tag,
            style: frame.style,
        };
        if frame.anchor != 0 {
            let size = self.nodes.saturating_sub(frame.nodes_at_start) + 1;
            // The stored copy costs memory too: count it, so nested anchors stay bounded.
            self.nodes += size;
            if self.nodes > ctx.limits.max_nodes {
                return Err(Problem::new(
                    ErrorKind::Limit,
                    span,
                    format!("document has more than {} nodes", ctx.limits.max_nodes),
                ));
            }
            self.anchors.insert(frame.anchor, (node.clone(), size));
        }
        self.push(node, ctx)
    }

    /// The `-` opening a block sequence that is the value of the current block
    /// mapping's pending key. The parser places an indentless sequence (`key:` then
    /// `- a` at the key's column) after its first `-`; this finds that `-`: the first
    /// thing after the key's `:`, past blanks, comments and node properties.
    fn block_entry_after_key(&self, text: &str) -> Option<usize> {
        let frame = self.stack.last().filter(|f| f.style == Style::Block)?;
        let FrameKind::Map { key: Some(k), .. } = &frame.kind else {
            return None;
        };
        let bytes = text.as_bytes();
        let mut i = k.span.end as usize;
        let mut colon = false;
        loop {
            match bytes.get(i)? {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'#' => {
                    while !matches!(bytes.get(i), Some(b'\n') | None) {
                        i += 1;
                    }
                }
                b':' if !colon => {
                    colon = true;
                    i += 1;
                }
                b'&' | b'!' if colon => {
                    while !matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r' | b'\n') | None) {
                        i += 1;
                    }
                }
                b'-' if colon => {
                    let blank =
                        matches!(bytes.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n') | None);
                    return blank.then_some(i);
                }
                _ => return None,
            }
        }
    }

    /// Attach a completed node to its parent (or make it the root).
    fn push(&mut self, node: Node, ctx: &Ctx<'_>) -> Result<(), Problem> {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return Ok(());
        };
        if frame.style == Style::Block || node.span.end as usize > frame.end {
            frame.end = frame.end.max(node.span.end as usize);
        }
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map {
                entries,
                key,
                seen,
                merges,
            } => {
                let Some(k) = key.take() else {
                    *key = Some(node);
                    return Ok(());
                };
                match k.value {
                    Value::Seq(_) | Value::Map(_) => {
                        // go-yaml: "invalid map key"; JSON has no such keys.
                        return Err(Problem::parse(
                            k.span,
                            format!("invalid map key: a {} cannot be a key", k.value.type_name()),
                        ));
                    }
                    Value::Null => {
                        // sigs.k8s.io/yaml cannot turn a null key into a JSON key.
                        return Err(Problem::parse(
                            k.span,
                            "unsupported map key of type null (JSON object keys must be strings)",
                        ));
                    }
                    _ => {}
                }
                if is_merge_key(&k) {
                    check_merge_value(&node, self.pushing_alias)?;
                    merges.push((entries.len(), node));
                    return Ok(());
                }
                // A small mapping (nearly all of them) is searched in place; a
                // larger one through `seen`, filled once it is past that size.
                let earlier = if entries.len() < LINEAR_KEYS {
                    entries
                        .iter()
                        .find(|(e, _)| same_key(e, &k))
                        .map(|(e, _)| e.span.start as usize)
                } else {
                    if entries.len() == LINEAR_KEYS {
                        for (e, _) in entries.iter() {
                            if let Some(id) = KeyId::of(e) {
                                seen.entry(id).or_insert(e.span.start as usize);
                            }
                        }
                    }
                    KeyId::of(&k).and_then(|id| {
                        let found = seen.get(&id).copied();
                        if found.is_none() {
                            seen.insert(id, k.span.start as usize);
                        }
                        found
                    })
                };
                if let Some(first) = earlier {
                    let line = ctx.line_of(first) + 1;
                    let name = k
                        .key_string()
                        .unwrap_or_else(|| k.value.type_name().to_string());
                    return Err(Problem::parse(
                        k.span,
                        format!("key `{name}` already defined at line {line}"),
                    ));
                }
                entries.push((k, node));
            }
        }
        Ok(())
    }
}

/// A plain `<<` key (or one tagged `!!merge`).
fn is_merge_key(key: &Node) -> bool {
    let tagged_merge = key
        .tag
        .as_deref()
        .is_some_and(|t| t.strip_prefix(CORE_HANDLE) == Some("merge"));
    let plain = key.tag.is_none() && key.style == Style::Plain;
    key.as_str() == Some("<<") && (plain || tagged_merge)
}

/// A merge value is a mapping, an alias to one, or a sequence (written out, not an
/// alias) of mappings or aliases to mappings.
fn check_merge_value(value: &Node, from_alias: bool) -> Result<(), Problem> {
    let ok = match &value.value {
        Value::Map(_) => true,
        Value::Seq(items) => !from_alias && items.iter().all(|i| matches!(i.value, Value::Map(_))),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Problem::parse(
            value.span,
            "map merge requires map or sequence of maps as the value",
        ))
    }
}

/// Apply merge values where their `<<` was written, as go-yaml v2 decodes into a
/// map (`decoder.mapping` and `decoder.merge`): entries are set in the order they
/// are written, each one replacing an earlier value of its key. A `<<` therefore
/// overrides explicit keys written before it, and explicit keys written after it
/// override what it brought; in a sequence of mappings the items are applied last
/// to first, so earlier items win over later ones. That is the value kubectl reads
/// (sigs.k8s.io/yaml, not strict) and sends to the API server.
///
/// A replaced entry keeps its place in the mapping, with the key and value nodes
/// (and spans) of the entry that won.
fn apply_merges(entries: Vec<(Node, Node)>, merges: Vec<(usize, Node)>) -> Vec<(Node, Node)> {
    if merges.is_empty() {
        return entries;
    }
    let mut out = Ordered::default();
    let mut merges = merges.into_iter().peekable();
    for (i, (k, v)) in entries.into_iter().enumerate() {
        while let Some((_, source)) = merges.next_if(|(p, _)| *p == i) {
            out.merge(source);
        }
        out.set(k, v);
    }
    // Those written after the last entry.
    for (_, source) in merges {
        out.merge(source);
    }
    let mut entries = out.entries;
    entries.shrink_to_fit();
    entries
}

/// Mapping entries set in order, a later value of a key replacing the earlier one
/// in its place (go-yaml's `SetMapIndex`).
#[derive(Default)]
struct Ordered {
    entries: Vec<(Node, Node)>,
    index: HashMap<KeyId, usize>,
}

impl Ordered {
    fn set(&mut self, k: Node, v: Node) {
        let Some(id) = KeyId::of(&k) else {
            self.entries.push((k, v));
            return;
        };
        if let Some(slot) = self.index.get(&id).and_then(|&i| self.entries.get_mut(i)) {
            *slot = (k, v);
        } else {
            self.index.insert(id, self.entries.len());
            self.entries.push((k, v));
        }
    }

    /// One `<<` value: a mapping, or a sequence of mappings. go-yaml applies a
    /// sequence's mappings last to first, so that earlier ones take precedence: the
    /// same as the first one to bring a key winning.
    fn merge(&mut self, source: Node) {
        let maps: Vec<Node> = match source.value {
            Value::Map(_) => vec![source],
            Value::Seq(items) => items,
            _ => Vec::new(),
        };
        let mut brought: HashSet<KeyId> = HashSet::new();
        for map in maps {
            let Value::Map(pairs) = map.value else {
                continue;
            };
            for (k, v) in pairs {
                if KeyId::of(&k).is_none_or(|id| brought.insert(id)) {
                    self.set(k, v);
                }
            }
        }
    }
}
