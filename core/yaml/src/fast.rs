//! A fast reader for the plain block YAML that nearly all manifests, CRDs, values
//! files and rendered charts are written in: block mappings and sequences, plain
//! and quoted scalars over one line or more, literal and folded block scalars,
//! flow collections on one line, comments and `---` between documents.
//!
//! It produces the events `saphyr-parser` produces for the same text, with the same
//! spans (as byte offsets), and the tree builder reads them as it reads the
//! parser's. On anything else (anchors, aliases, tags, flow collections over
//! several lines, `|+` and indentation indicators, tabs in indentation, `?` keys,
//! directives, `...`, and every syntax error) it stops with [`Next::Restart`]: the builder drops the
//! document in progress and reads the rest of the stream, from that document's
//! start, with the parser. So this reader decides nothing about what is valid
//! YAML: it only reads faster what it is sure of. Tests compare its events with
//! the parser's on every corpus file and on generated texts.

use std::borrow::Cow;
use std::collections::VecDeque;

use saphyr_parser::{Event, ScalarStyle};

/// What the reader gives next.
pub(super) enum Next<'a> {
    /// An event and its byte span.
    Event(Event<'a>, usize, usize),
    /// This reader cannot go on: read the stream with the parser from this byte
    /// (the start of the document in progress, or of the next one).
    Restart(usize),
    /// After `StreamEnd`.
    End,
}

/// Deepest nesting read here; deeper documents go to the parser (and its limits).
const MAX_LEVELS: usize = 128;
/// Most events one line may queue (a flow collection on one line): beyond,
/// the parser reads the document, one event at a time, so that a megabyte
/// `[1,1,1,…]` never holds millions of events at once.
const MAX_QUEUED: usize = 4096;
/// Longest implicit key YAML allows (1024 characters; checked in bytes here).
const MAX_KEY: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Level {
    map: bool,
    /// Column of the collection's keys or `-` entries.
    indent: usize,
    /// A sequence at its mapping key's column (`key:` then `- a` below it).
    indentless: bool,
    /// A value (mapping) or item (sequence) announced but not yet read: where its
    /// empty scalar sits if none comes.
    pending: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before the first document.
    Start,
    /// In a document; whether its root node has started.
    InDoc {
        has_root: bool,
    },
    Ended,
}

/// Not readable here: hand over to the parser.
struct Bail;

/// An implicit key of a block mapping, read from its line.
struct Key<'a> {
    value: Cow<'a, str>,
    style: ScalarStyle,
    /// Where the key's scalar ends, and where its `:` is.
    end: usize,
    colon: usize,
}

/// What a new block collection starts with.
enum Opening<'a> {
    /// A `-` entry.
    Entry,
    /// A mapping key, already read.
    Key(Key<'a>),
}

type Step = Result<(), Bail>;

pub(super) struct Fast<'a> {
    text: &'a str,
    b: &'a [u8],
    /// Start of the next line to read.
    pos: usize,
    stack: Vec<Level>,
    queue: VecDeque<(Event<'a>, usize, usize)>,
    stage: Stage,
    /// Where the document in progress starts, for [`Next::Restart`].
    doc_start: usize,
    /// Set when the events queued end a document and the next one must be read by
    /// the parser.
    restart_after_queue: Option<usize>,
    /// Where a scalar over several lines is put together (kept between
    /// scalars): each one is then copied out once at its exact length, rather
    /// than grown line by line into a buffer up to twice its size.
    scratch: String,
}

/// Whether the fast reader can read `text` at all: no byte-order mark, carriage
/// return or control character (the parser's reading of those is left to it).
pub(super) fn eligible(text: &str) -> bool {
    let b = text.as_bytes();
    if memchr::memchr(b'\r', b).is_some() {
        return false;
    }
    for (block, chunk) in b.chunks(64).enumerate() {
        // Nearly every block has no byte that could start one; only a block
        // with one is looked at.
        if !super::build::may_hold_refused(chunk) {
            continue;
        }
        for (i, &c) in chunk.iter().enumerate() {
            let at = block * 64 + i;
            let next = |k: usize| b.get(at + k).copied();
            let refused = match c {
                b'\t' | b'\n' => false,
                0..=0x1f | 0x7f => true,
                // C1 controls (U+0080..U+009F).
                0xc2 => matches!(next(1), Some(0x80..=0x9f)),
                // U+FFFE, U+FFFF and the byte-order mark U+FEFF.
                0xef => {
                    (next(1) == Some(0xbf) && matches!(next(2), Some(0xbe | 0xbf)))
                        || (next(1) == Some(0xbb) && next(2) == Some(0xbf))
                }
                _ => false,
            };
            if refused {
                return false;
            }
        }
    }
    true
}

fn blank_or_end(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\n'))
}

impl<'a> Fast<'a> {
    pub(super) fn new(text: &'a str, base: usize) -> Self {
        let mut queue = VecDeque::new();
        queue.push_back((Event::StreamStart, base, base));
        Fast {
            text,
            b: text.as_bytes(),
            pos: base,
            stack: Vec::new(),
            queue,
            stage: Stage::Start,
            doc_start: base,
            restart_after_queue: None,
            scratch: String::new(),
        }
    }

    pub(super) fn next(&mut self) -> Next<'a> {
        loop {
            if let Some((event, s, e)) = self.queue.pop_front() {
                return Next::Event(event, s, e);
            }
            if let Some(at) = self.restart_after_queue.take() {
                self.stage = Stage::Ended;
                return Next::Restart(at);
            }
            if self.stage == Stage::Ended {
                return Next::End;
            }
            if self.step().is_err() {
                // Only this document's events are queued by a failing step.
                self.queue.clear();
                self.stage = Stage::Ended;
                return Next::Restart(self.doc_start);
            }
        }
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', self.b.get(from..).unwrap_or_default())
            .map_or(self.b.len(), |i| from + i)
    }

    fn spaces(&self, from: usize) -> usize {
        let rest = self.b.get(from..).unwrap_or_default();
        // Indentation is most of a deeply nested document's bytes (a CRD's
        // schema): eight spaces at a time.
        let mut n = 0;
        for chunk in rest.chunks_exact(8) {
            if chunk != b"        " {
                break;
            }
            n += 8;
        }
        n + rest
            .get(n..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&c| c == b' ')
            .count()
    }

    /// A scalar put together in `out` (the scratch buffer), copied out at
    /// its exact length; `out` is kept as the scratch buffer for the next.
    fn exact(&mut self, out: String) -> String {
        let value = String::from(out.as_str());
        self.scratch = out;
        value
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn push(&mut self, event: Event<'a>, s: usize, e: usize) {
        self.queue.push_back((event, s, e));
    }

    fn empty_scalar(&mut self, at: usize) {
        self.push(
            Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
            at,
            at,
        );
    }

    /// Close the innermost collection at `at` (the next token).
    fn close_top(&mut self, at: usize) {
        if let Some(level) = self.stack.pop() {
            if let Some(p) = level.pending {
                self.empty_scalar(p);
            }
            let event = if level.map {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            };
            self.push(event, at, at);
        }
    }

    /// End the document in progress at the next token `s..e` (a `---` or the end).
    fn end_doc(&mut self, s: usize, e: usize) {
        while !self.stack.is_empty() {
            self.close_top(s);
        }
        if self.stage == (Stage::InDoc { has_root: false }) {
            self.push(
                Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                s,
                e,
            );
        }
        if matches!(self.stage, Stage::InDoc { .. }) {
            self.push(Event::DocumentEnd, s, e);
        }
    }

    /// Read the next line with content (one event or more).
    fn step(&mut self) -> Step {
        let len = self.b.len();
        // Blank and comment lines.
        let (p, c, line_end) = loop {
            if self.pos >= len {
                self.end_doc(len, len);
                self.push(Event::StreamEnd, len, len);
                self.stage = Stage::Ended;
                return Ok(());
            }
            let line_end = self.line_end(self.pos);
            let c = self.spaces(self.pos);
            let p = self.pos + c;
            match self.at(p) {
                None | Some(b'\n' | b'#') => self.pos = line_end + 1,
                Some(b'\t') => return Err(Bail),
                Some(_) => break (p, c, line_end),
            }
        };
        if c == 0 {
            let marker = self.b.get(p..p + 3);
            if marker == Some(b"---") && blank_or_end(self.b.get(p + 3)) {
                return self.document_marker(p, line_end);
            }
            if marker == Some(b"...") || self.at(p) == Some(b'%') {
                return Err(Bail);
            }
        }
        if self.stage == Stage::Start {
            self.push(Event::DocumentStart(false), p, p);
            self.stage = Stage::InDoc { has_root: false };
        }
        let dash = self.at(p) == Some(b'-') && blank_or_end(self.b.get(p + 1));
        while let Some(top) = self.stack.last() {
            if top.indent > c || (top.indent == c && top.indentless && !dash) {
                self.close_top(p);
            } else {
                break;
            }
        }
        let Some(top) = self.stack.last().copied() else {
            if self.stage != (Stage::InDoc { has_root: false }) {
                return Err(Bail);
            }
            self.stage = Stage::InDoc { has_root: true };
            return if dash {
                self.open(c, p, line_end, Opening::Entry)
            } else {
                let key = self.key(p, line_end)?.ok_or(Bail)?;
                self.open(c, p, line_end, Opening::Key(key))
            };
        };
        if top.indent == c {
            if !top.map && !dash {
                return Err(Bail);
            }
            if let Some(at) = top.pending {
                if top.map && dash {
                    // `key:` then `- a` at the key's column.
                    self.set_pending(None);
                    self.stack.push(Level {
                        map: false,
                        indent: c,
                        indentless: true,
                        pending: None,
                    });
                    let first = self.item_start(p, line_end);
                    self.push(Event::SequenceStart(0, None), first, first);
                    return self.seq_item(c, p, line_end);
                }
                self.empty_scalar(at);
                self.set_pending(None);
            } else if top.map && dash {
                return Err(Bail);
            }
            return if dash {
                self.seq_item(c, p, line_end)
            } else {
                let key = self.key(p, line_end)?.ok_or(Bail)?;
                self.map_entry(p, line_end, key)
            };
        }
        // Deeper than the innermost collection: the value it announced.
        if top.pending.is_none() {
            return Err(Bail);
        }
        self.set_pending(None);
        self.node(c, p, line_end, dash)
    }

    /// A node starting at `p` (column `c`) that opens its line's content: a new
    /// sequence (`dash`), a new mapping (a key), or a scalar or flow collection.
    fn node(&mut self, c: usize, p: usize, line_end: usize, dash: bool) -> Step {
        if dash {
            return self.open(c, p, line_end, Opening::Entry);
        }
        match self.key(p, line_end)? {
            Some(key) => self.open(c, p, line_end, Opening::Key(key)),
            None => self.value(p, line_end),
        }
    }

    fn set_pending(&mut self, pending: Option<usize>) {
        if let Some(top) = self.stack.last_mut() {
            top.pending = pending;
        }
    }

    /// `---` at `p`: the document in progress ends, the next one starts.
    fn document_marker(&mut self, p: usize, line_end: usize) -> Step {
        let rest_ok = self.ends_line(p + 3);
        if matches!(self.stage, Stage::InDoc { .. }) {
            self.end_doc(p, p + 3);
            if !rest_ok {
                self.restart_after_queue = Some(p);
                return Ok(());
            }
        } else if !rest_ok {
            self.doc_start = p;
            return Err(Bail);
        }
        self.doc_start = p;
        self.push(Event::DocumentStart(true), p, p + 3);
        self.stage = Stage::InDoc { has_root: false };
        self.pos = line_end + 1;
        Ok(())
    }

    /// Where a sequence item starting with `-` at `p` starts: its first token, or
    /// the end of the line when the item is empty.
    fn item_start(&self, p: usize, line_end: usize) -> usize {
        let q = p + 1 + self.spaces(p + 1);
        match self.at(q) {
            None | Some(b'\n' | b'#') => line_end,
            _ => q,
        }
    }

    /// A new block collection at column `c`, its first token at `p`.
    fn open(&mut self, c: usize, p: usize, line_end: usize, opening: Opening<'a>) -> Step {
        if self.stack.len() >= MAX_LEVELS {
            return Err(Bail);
        }
        self.stack.push(Level {
            map: matches!(opening, Opening::Key(_)),
            indent: c,
            indentless: false,
            pending: None,
        });
        match opening {
            Opening::Entry => {
                self.push(Event::SequenceStart(0, None), p, p);
                self.seq_item(c, p, line_end)
            }
            Opening::Key(key) => {
                self.push(Event::MappingStart(0, None), p, p);
                self.map_entry(p, line_end, key)
            }
        }
    }

    /// A sequence item: `-` at `p` (column `c`).
    fn seq_item(&mut self, c: usize, p: usize, line_end: usize) -> Step {
        let q = p + 1 + self.spaces(p + 1);
        match self.at(q) {
            None | Some(b'\n' | b'#') => {
                self.set_pending(Some(line_end));
                self.pos = line_end + 1;
                return Ok(());
            }
            Some(b'\t') => return Err(Bail),
            _ => {}
        }
        let dash = self.at(q) == Some(b'-') && blank_or_end(self.b.get(q + 1));
        self.node(c + (q - p), q, line_end, dash)
    }

    /// A mapping entry: its key `key`, read from `k`, then its value.
    fn map_entry(&mut self, k: usize, line_end: usize, key: Key<'a>) -> Step {
        let colon = key.colon;
        self.push(Event::Scalar(key.value, key.style, 0, None), k, key.end);
        if self.ends_line(colon + 1) {
            self.set_pending(Some(colon));
            self.pos = line_end + 1;
            return Ok(());
        }
        self.value(colon + 1 + self.spaces(colon + 1), line_end)
    }

    /// Whether only blanks follow `from` on its line, then a comment (after a
    /// blank) or the line's end.
    fn ends_line(&self, from: usize) -> bool {
        let j = from + self.spaces(from);
        match self.at(j) {
            None | Some(b'\n') => true,
            Some(b'#') => j > 0 && self.at(j - 1) == Some(b' '),
            _ => false,
        }
    }

    /// The key starting at `k`, when the line has one there. `Ok(None)`: not a
    /// key (a scalar).
    fn key(&self, k: usize, line_end: usize) -> Result<Option<Key<'a>>, Bail> {
        match self.at(k) {
            Some(q @ (b'"' | b'\'')) => {
                let (value, end) = self.quoted(k, q, None)?;
                if self.at(end) == Some(b':') && blank_or_end(self.b.get(end + 1)) {
                    if end - k > MAX_KEY {
                        return Err(Bail);
                    }
                    Ok(Some(Key {
                        value,
                        style: quote_style(q),
                        end,
                        colon: end,
                    }))
                } else {
                    Ok(None)
                }
            }
            Some(c) if !plain_first(c) || matches!(c, b'-' | b'?' | b':') => Ok(None),
            _ => {
                let line = self.b.get(k..line_end).unwrap_or_default();
                let mut i = 0;
                while let Some(&c) = line.get(i) {
                    match c {
                        b':' if blank_or_end(line.get(i + 1)) => {
                            // `key :` is the key `key`.
                            let n = line.get(..i).unwrap_or_default().trim_ascii_end().len();
                            if i > MAX_KEY || n == 0 {
                                return Err(Bail);
                            }
                            let text = self.text.get(k..k + n).ok_or(Bail)?;
                            return Ok(Some(Key {
                                value: Cow::Borrowed(text),
                                style: ScalarStyle::Plain,
                                end: k + n,
                                colon: k + i,
                            }));
                        }
                        b'#' if line.get(i.wrapping_sub(1)) == Some(&b' ') => return Ok(None),
                        b'\t' | b'[' | b']' | b'{' | b'}' | b',' => return Err(Bail),
                        _ => {}
                    }
                    i += 1;
                }
                Ok(None)
            }
        }
    }

    /// A value starting at `v`, alone on the rest of its line.
    fn value(&mut self, v: usize, line_end: usize) -> Step {
        match self.at(v) {
            Some(q @ (b'"' | b'\'')) => {
                let parent = self.stack.last().map_or(0, |l| l.indent);
                let (value, end) = self.quoted(v, q, Some(parent))?;
                if !self.ends_line(end) {
                    return Err(Bail);
                }
                // The parser's span runs on over trailing blanks and a comment.
                let line_end = self.line_end(end);
                self.push(Event::Scalar(value, quote_style(q), 0, None), v, line_end);
                self.pos = line_end + 1;
                Ok(())
            }
            Some(b'|') => self.block_scalar(v, line_end, false),
            Some(b'>') => self.block_scalar(v, line_end, true),
            Some(b'{' | b'[') => {
                let after = self.flow_collection(v, line_end, 0)?;
                if !self.ends_line(after) {
                    return Err(Bail);
                }
                self.pos = line_end + 1;
                Ok(())
            }
            Some(first)
                if plain_first(first)
                    && !(matches!(first, b'-' | b'?' | b':')
                        && blank_or_end(self.b.get(v + 1))) =>
            {
                self.plain(v, line_end)
            }
            _ => Err(Bail),
        }
    }

    /// The next token from `i` on its line: past blanks, and to the end of the
    /// line over a comment. The parser's spans of quoted scalars and of flow
    /// brackets run on to it.
    fn token_after(&self, i: usize, line_end: usize) -> usize {
        let j = i + self.spaces(i);
        match self.at(j) {
            Some(b'#') if j > i => line_end,
            None | Some(b'\n') => line_end,
            _ => j,
        }
    }

    /// A flow collection on one line, its `[` or `{` at `v`, holding scalars on
    /// one line and flow collections: where the next token after it starts.
    fn flow_collection(&mut self, v: usize, line_end: usize, depth: usize) -> Result<usize, Bail> {
        if depth >= 16 || self.stack.len() + depth >= MAX_LEVELS {
            return Err(Bail);
        }
        let map = self.at(v) == Some(b'{');
        let close = if map { b'}' } else { b']' };
        let mut i = v + 1 + self.spaces(v + 1);
        let start = if map {
            Event::MappingStart(0, None)
        } else {
            Event::SequenceStart(0, None)
        };
        self.push(start, v, i);
        if self.at(i) != Some(close) {
            loop {
                if map {
                    i = self.flow_key(i, line_end)?;
                    if self.at(i) != Some(b':') {
                        return Err(Bail);
                    }
                    i += 1 + self.spaces(i + 1);
                    if matches!(self.at(i), Some(b',' | b'}' | b']')) {
                        return Err(Bail);
                    }
                }
                i = self.flow_value(i, line_end, depth)?;
                if self.queue.len() > MAX_QUEUED {
                    return Err(Bail);
                }
                match self.at(i) {
                    Some(b',') => {
                        i += 1 + self.spaces(i + 1);
                        if matches!(self.at(i), Some(b',' | b'}' | b']')) {
                            return Err(Bail);
                        }
                    }
                    Some(c) if c == close => break,
                    _ => return Err(Bail),
                }
            }
        }
        let end = self.token_after(i + 1, line_end);
        let event = if map {
            Event::MappingEnd
        } else {
            Event::SequenceEnd
        };
        self.push(event, i, end);
        Ok(i + 1 + self.spaces(i + 1))
    }

    /// A key in a flow mapping at `i`: where the token after it starts.
    fn flow_key(&mut self, i: usize, line_end: usize) -> Result<usize, Bail> {
        match self.at(i) {
            Some(q @ (b'"' | b'\'')) => self.flow_quoted(i, q, line_end),
            _ => self.flow_plain(i, line_end, true),
        }
    }

    /// A value in a flow collection at `i`: where the token after it starts.
    fn flow_value(&mut self, i: usize, line_end: usize, depth: usize) -> Result<usize, Bail> {
        match self.at(i) {
            Some(b'[' | b'{') => self.flow_collection(i, line_end, depth + 1),
            Some(q @ (b'"' | b'\'')) => self.flow_quoted(i, q, line_end),
            _ => self.flow_plain(i, line_end, false),
        }
    }

    /// A quoted scalar in a flow collection, opening at `i` with `quote`: where
    /// the token after it starts (its span runs on to that token).
    fn flow_quoted(&mut self, i: usize, quote: u8, line_end: usize) -> Result<usize, Bail> {
        let (value, after) = self.quoted(i, quote, None)?;
        let next = self.token_after(after, line_end);
        self.push(Event::Scalar(value, quote_style(quote), 0, None), i, next);
        Ok(after + self.spaces(after))
    }

    /// A plain scalar in a flow collection at `i` (a mapping key when `key`):
    /// where the token after it starts.
    fn flow_plain(&mut self, i: usize, line_end: usize, key: bool) -> Result<usize, Bail> {
        match self.at(i) {
            Some(first) if plain_first(first) && !matches!(first, b'-' | b'?' | b':') => {}
            _ => return Err(Bail),
        }
        let line = self.b.get(i..line_end).unwrap_or_default();
        let stop = line
            .iter()
            .position(|c| {
                matches!(
                    c,
                    b',' | b']' | b'[' | b'{' | b'}' | b'#' | b':' | b'\t' | b'"' | b'\''
                )
            })
            .ok_or(Bail)?;
        let ends = if key {
            // `key: value`: a `:` and a blank.
            line.get(stop) == Some(&b':') && blank_or_end(line.get(stop + 1))
        } else {
            matches!(line.get(stop), Some(b',' | b']' | b'}'))
        };
        if !ends {
            return Err(Bail);
        }
        let n = line.get(..stop).unwrap_or_default().trim_ascii_end().len();
        let text = self.text.get(i..i + n).ok_or(Bail)?;
        self.push(
            Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None),
            i,
            i + n,
        );
        Ok(i + stop)
    }

    /// A plain scalar starting at `v`, over its continuation lines.
    fn plain(&mut self, v: usize, line_end: usize) -> Step {
        let (first_len, comment) = self.plain_line(v, line_end)?;
        if first_len == 0 {
            return Err(Bail);
        }
        let first = self.text.get(v..v + first_len).ok_or(Bail)?;
        let mut end = v + first_len;
        let mut next = line_end + 1;
        // Continuation lines are folded into the scratch buffer (see
        // `scratch`); `folded` says whether there were any.
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let mut folded = false;
        if !comment {
            // Continuation lines: deeper than the innermost collection.
            let parent = self.stack.last().map_or(0, |l| l.indent);
            let len = self.b.len();
            loop {
                let mut blanks = 0;
                let mut l = next;
                let (sp, c) = loop {
                    if l >= len {
                        break (0, None);
                    }
                    let sp = self.spaces(l);
                    match self.at(l + sp) {
                        Some(b'\n') => {
                            blanks += 1;
                            l += sp + 1;
                        }
                        Some(b'\t') => return Err(Bail),
                        c => break (sp, c),
                    }
                };
                match c {
                    None | Some(b'#') => break,
                    Some(_) if sp <= parent => break,
                    Some(_) => {}
                }
                let start = l + sp;
                let le = self.line_end(start);
                let (part_len, comment) = self.plain_line(start, le)?;
                let part = self.text.get(start..start + part_len).ok_or(Bail)?;
                if !folded {
                    out.push_str(first);
                    folded = true;
                }
                if blanks == 0 {
                    out.push(' ');
                }
                for _ in 0..blanks {
                    out.push('\n');
                }
                out.push_str(part);
                end = start + part_len;
                next = le + 1;
                if comment {
                    break;
                }
            }
        }
        let value = if folded {
            Cow::Owned(self.exact(out))
        } else {
            self.scratch = out;
            Cow::Borrowed(first)
        };
        self.push(Event::Scalar(value, ScalarStyle::Plain, 0, None), v, end);
        self.pos = next;
        Ok(())
    }

    /// The plain scalar text on the line from `v` to `line_end`: its length without
    /// trailing blanks, and whether a comment follows it.
    fn plain_line(&self, v: usize, line_end: usize) -> Result<(usize, bool), Bail> {
        let line = self.b.get(v..line_end).unwrap_or_default();
        let mut end = line.len();
        let mut comment = false;
        let mut i = 0;
        while let Some(&c) = line.get(i) {
            match c {
                b':' if blank_or_end(line.get(i + 1)) => return Err(Bail),
                b'#' if line.get(i.wrapping_sub(1)) == Some(&b' ') => {
                    end = i;
                    comment = true;
                    break;
                }
                b'\t' => return Err(Bail),
                _ => {}
            }
            i += 1;
        }
        let n = line.get(..end).unwrap_or_default().trim_ascii_end().len();
        Ok((n, comment))
    }

    /// A quoted scalar opening at `q0` with `quote`: its value and the byte after
    /// the closing quote. With `parent` (the innermost collection's column) it may
    /// run over several lines, folded as YAML folds them; without, it must close on
    /// its line.
    fn quoted(
        &self,
        q0: usize,
        quote: u8,
        parent: Option<usize>,
    ) -> Result<(Cow<'a, str>, usize), Bail> {
        let b = self.b;
        let double = quote == b'"';
        let mut owned: Option<String> = None;
        let mut from = q0 + 1;
        let mut i = q0 + 1;
        let flush = |owned: &mut Option<String>, from: usize, to: usize| -> Result<(), Bail> {
            owned
                .get_or_insert_with(String::new)
                .push_str(self.text.get(from..to).ok_or(Bail)?);
            Ok(())
        };
        loop {
            match b.get(i) {
                None => return Err(Bail),
                Some(&c) if c == quote => {
                    if !double && b.get(i + 1) == Some(&b'\'') {
                        flush(&mut owned, from, i + 1)?;
                        i += 2;
                        from = i;
                        continue;
                    }
                    let tail = self.text.get(from..i).ok_or(Bail)?;
                    let value = match owned {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    };
                    return Ok((value, i + 1));
                }
                Some(b'\\') if double && b.get(i + 1) == Some(&b'\n') => {
                    // An escaped line break: the lines join without a space.
                    let parent = parent.ok_or(Bail)?;
                    flush(&mut owned, from, i)?;
                    let (next, empty) = self.quoted_continuation(i + 2, parent)?;
                    let s = owned.get_or_insert_with(String::new);
                    for _ in 0..empty {
                        s.push('\n');
                    }
                    i = next;
                    from = i;
                }
                Some(b'\\') if double => {
                    flush(&mut owned, from, i)?;
                    let (ch, used) = escape(b.get(i + 1..).unwrap_or_default())?;
                    owned.get_or_insert_with(String::new).push(ch);
                    i += 1 + used;
                    from = i;
                }
                Some(b'\n') => {
                    let parent = parent.ok_or(Bail)?;
                    // Blanks before a line break are not part of the value.
                    let kept = self.text.get(from..i).ok_or(Bail)?;
                    if kept.ends_with('\t') {
                        return Err(Bail);
                    }
                    let kept_len = kept.trim_end_matches(' ').len();
                    flush(&mut owned, from, from + kept_len)?;
                    let (next, empty) = self.quoted_continuation(i + 1, parent)?;
                    let s = owned.get_or_insert_with(String::new);
                    if empty == 0 {
                        s.push(' ');
                    }
                    for _ in 0..empty {
                        s.push('\n');
                    }
                    i = next;
                    from = i;
                }
                Some(_) => i += 1,
            }
        }
    }

    /// After a line break inside a quoted scalar, from the start of the next line
    /// `l`: the first byte of content and the number of empty lines before it. A
    /// line with content must be deeper than `parent`.
    fn quoted_continuation(&self, mut l: usize, parent: usize) -> Result<(usize, usize), Bail> {
        let mut empty = 0;
        loop {
            let sp = self.spaces(l);
            match self.at(l + sp) {
                Some(b'\n') => {
                    empty += 1;
                    l += sp + 1;
                }
                None | Some(b'\t') => return Err(Bail),
                Some(_) if sp <= parent => return Err(Bail),
                Some(_) => return Ok((l + sp, empty)),
            }
        }
    }

    /// The lines after a block scalar's header, from `line`, up to the first with
    /// content: how many blank lines, the widest of them, that line's indentation
    /// and start (`None` at the end of the text), and where the search stopped.
    fn literal_leading(
        &self,
        mut line: usize,
    ) -> Result<(usize, usize, usize, Option<usize>, usize), Bail> {
        let len = self.b.len();
        let mut leading = 0usize;
        let mut widest_blank = 0;
        loop {
            if line >= len {
                return Ok((leading, widest_blank, 0, None, line));
            }
            let n = self.spaces(line);
            match self.at(line + n) {
                None => return Ok((leading, widest_blank, 0, None, line)),
                Some(b'\n') => {
                    widest_blank = widest_blank.max(n);
                    leading += 1;
                    line += n + 1;
                }
                Some(b'\t') => return Err(Bail),
                Some(_) => return Ok((leading, widest_blank, n, Some(line), line)),
            }
        }
    }

    /// A block scalar's header at `h` (`|`, `|-`, `>`, `>-`, then blanks and a
    /// comment or the line's end): whether it strips the final line break.
    fn block_header(&self, h: usize) -> Result<bool, Bail> {
        let mut i = h + 1;
        let strip = match self.at(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b' ' | b'\n') | None => false,
            // `|+`, indentation indicators: the parser's.
            _ => return Err(Bail),
        };
        if self.ends_line(i) {
            Ok(strip)
        } else {
            Err(Bail)
        }
    }

    /// A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar whose header is
    /// at `h`.
    fn block_scalar(&mut self, h: usize, line_end: usize, folded: bool) -> Step {
        let strip = self.block_header(h)?;
        let style = if folded {
            ScalarStyle::Folded
        } else {
            ScalarStyle::Literal
        };
        let parent = self.stack.last().map_or(0, |l| l.indent);
        let len = self.b.len();
        let (leading, widest_blank, indent, first, line) = self.literal_leading(line_end + 1)?;
        let Some(first) = first.filter(|_| indent > parent) else {
            // Empty: the parser reads `|+` differently; anything else is "".
            let end = if line >= len {
                len
            } else {
                line + self.spaces(line)
            };
            if leading > 0 || first.is_none() {
                // Blank lines or the end of the text: the parser's own reading.
                return Err(Bail);
            }
            self.push(Event::Scalar(Cow::Borrowed(""), style, 0, None), end, end);
            self.pos = line;
            return Ok(());
        };
        if widest_blank > indent {
            return Err(Bail);
        }
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        for _ in 0..leading {
            out.push('\n');
        }
        let start = first + indent;
        let mut line = first;
        let mut breaks = 0usize; // blank lines since the last content line
        let mut content_lines = 0usize;
        let mut last_had_break = false;
        // Whether the last content line was more indented than the scalar (a
        // folded scalar keeps the line breaks around such lines).
        let mut last_more = false;
        let (end, next_line) = loop {
            if line >= len {
                break (len, len);
            }
            let n = self.spaces(line);
            let le = self.line_end(line);
            if n >= indent {
                let body = self.text.get(line + indent..le).ok_or(Bail)?;
                if body.is_empty() {
                    breaks += 1;
                } else {
                    let more = body.starts_with([' ', '\t']);
                    if content_lines > 0 {
                        if folded && !last_more && !more {
                            if breaks == 0 {
                                out.push(' ');
                            }
                        } else {
                            out.push('\n');
                        }
                        for _ in 0..breaks {
                            out.push('\n');
                        }
                    }
                    last_more = more;
                    breaks = 0;
                    out.push_str(body);
                    content_lines += 1;
                    last_had_break = le < len;
                }
            } else {
                match self.at(line + n) {
                    None => break (line + n, len),
                    Some(b'\n') => breaks += 1,
                    Some(b'\t') => return Err(Bail),
                    Some(_) => break (line + n, line),
                }
            }
            line = le + 1;
        };
        if end >= len && !self.text.ends_with('\n') {
            // The parser's reading of a last line without a line break differs.
            return Err(Bail);
        }
        if !strip && last_had_break {
            out.push('\n');
        }
        let value = self.exact(out);
        self.push(Event::Scalar(Cow::Owned(value), style, 0, None), start, end);
        self.pos = next_line;
        Ok(())
    }
}

fn quote_style(quote: u8) -> ScalarStyle {
    if quote == b'"' {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::SingleQuoted
    }
}

/// Whether a plain scalar may start with `c` (not an indicator; `-`, `?` and `:`
/// may when a non-blank follows, which callers check).
fn plain_first(c: u8) -> bool {
    !matches!(
        c,
        b'[' | b']'
            | b'{'
            | b'}'
            | b','
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
            | b'\t'
            | b'\n'
    )
}

/// A double-quoted scalar's escape after `\`: the character and the bytes used.
fn escape(rest: &[u8]) -> Result<(char, usize), Bail> {
    let hex = |n: usize| -> Result<(char, usize), Bail> {
        let digits = rest.get(1..=n).ok_or(Bail)?;
        let digits = std::str::from_utf8(digits).map_err(|_| Bail)?;
        if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Bail);
        }
        let code = u32::from_str_radix(digits, 16).map_err(|_| Bail)?;
        char::from_u32(code).map(|c| (c, n + 1)).ok_or(Bail)
    };
    let c = match rest.first().ok_or(Bail)? {
        b'0' => '\0',
        b'a' => '\u{7}',
        b'b' => '\u{8}',
        b't' | b'\t' => '\t',
        b'n' => '\n',
        b'v' => '\u{b}',
        b'f' => '\u{c}',
        b'r' => '\r',
        b'e' => '\u{1b}',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex(2),
        b'u' => return hex(4),
        b'U' => return hex(8),
        _ => return Err(Bail),
    };
    Ok((c, 1))
}

#[cfg(test)]
#[allow(
    clippy::range_plus_one,
    clippy::format_push_string,
    clippy::semicolon_if_nothing_returned,
    clippy::cast_possible_truncation
)]
mod tests {
    use super::*;
    use crate::offsets::CharOffsets;
    use crate::Limits;
    use saphyr_parser::Parser;

    type Events = Vec<(String, usize, usize)>;

    /// The fast reader's events, and where it handed over (if it did).
    fn fast_events(text: &str) -> (Events, Option<usize>) {
        let mut out = Vec::new();
        let mut fast = Fast::new(text, 0);
        loop {
            match fast.next() {
                Next::Event(e, s, end) => out.push((format!("{e:?}"), s, end)),
                Next::Restart(at) => return (out, Some(at)),
                Next::End => return (out, None),
            }
        }
    }

    /// The parser's events with byte spans, up to its first error.
    fn parser_events(text: &str) -> (Events, bool) {
        let offsets = CharOffsets::new(text);
        let mut out = Vec::new();
        for item in Parser::new_from_str(text) {
            match item {
                Ok((e, span)) => out.push((
                    format!("{e:?}"),
                    offsets.byte_of_char(span.start.index()),
                    offsets.byte_of_char(span.end.index()),
                )),
                Err(_) => return (out, false),
            }
        }
        (out, true)
    }

    /// The fast reader agrees with the parser on `text`: the same events wherever
    /// it reads, a hand-over at a document's start, and the same stream.
    pub(crate) fn check(text: &str) -> bool {
        if !eligible(text) {
            return false;
        }
        let (fast, restart) = fast_events(text);
        let (parser, ok) = parser_events(text);
        let read_all = restart.is_none();
        if std::env::var("FAST_WHY").is_ok() {
            if let Some(at) = restart {
                let (f, _) = fast_events(text);
                let last = f.last().map_or(0, |x| x.2);
                let ctx = text
                    .get(last.saturating_sub(40)..(last + 80).min(text.len()))
                    .unwrap_or("?");
                eprintln!("BAIL at {at} after {last}: {ctx:?}");
            }
        }
        if let Some(at) = restart {
            // Events of the document in progress are dropped by the builder.
            let keep = fast
                .iter()
                .rposition(|(e, _, _)| e == "DocumentEnd")
                .map_or(1, |i| i + 1)
                .min(fast.len());
            let prefix = fast.get(..keep).unwrap_or_default();
            assert_eq!(
                prefix,
                parser.get(..keep).unwrap_or_default(),
                "events differ before the hand-over in {text:?}"
            );
            // From the start, or from the `---` of the document it stopped in.
            let explicit_start = parser
                .get(keep)
                .filter(|(e, _, _)| e.starts_with("DocumentStart(true)"))
                .map(|(_, s, _)| *s);
            assert!(
                (keep == 1 && at == 0)
                    || explicit_start == Some(at)
                    || (!ok && explicit_start.is_none()),
                "hand-over at {at} in {text:?}"
            );
        } else {
            assert!(ok, "the parser refuses what the fast reader read: {text:?}");
            if fast != parser {
                let i = fast.iter().zip(&parser).take_while(|(a, b)| a == b).count();
                panic!(
                    "events differ at {i}: fast {:?} parser {:?} in {text:?}",
                    fast.get(i.saturating_sub(1)..(i + 2).min(fast.len())),
                    parser.get(i.saturating_sub(1)..(i + 2).min(parser.len()))
                );
            }
        }
        let limits = Limits::default();
        // Compared as text: a NaN is not equal to itself.
        assert_eq!(
            format!(
                "{:?}",
                crate::build::parse_with(text, &limits, eligible(text))
            ),
            format!("{:?}", crate::build::parse_with(text, &limits, false)),
            "streams differ for {text:?}"
        );
        read_all
    }

    /// A flow collection of many items on one line goes to the parser, which
    /// reads it one event at a time, and reads the same.
    #[test]
    fn long_flow_lines_go_to_the_parser() {
        let text = format!("a: 1\n---\nb: [{}1]\n", "1, ".repeat(10_000));
        let (events, restart) = fast_events(&text);
        assert_eq!(restart, Some(5), "hands over at the second document");
        assert!(events.len() < 20, "{} events queued", events.len());
        assert!(!check(&text));
        let short = format!("b: [{}1]\n", "1, ".repeat(100));
        assert!(check(&short), "a short one is read");
    }

    /// Which texts the fast reader may read at all, byte for byte.
    #[test]
    fn eligible_texts() {
        for ok in ["a: \u{a9}\u{20ac}\u{ff}\u{efff}\u{fffd}", "a:\tb\n", ""] {
            assert!(eligible(ok), "{ok:?}");
        }
        for refused in [
            "\u{feff}a",
            "a\u{feff}",
            "a\r\n",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "\u{80}",
            "\u{9f}",
            "\u{fffe}",
            "\u{ffff}",
        ] {
            assert!(!eligible(refused), "{refused:?}");
            // At every offset within a 64-byte block, and across a block's end.
            for pad in [1, 61, 62, 63, 64, 127] {
                let text = format!("{}{refused}", "a".repeat(pad));
                assert!(!eligible(&text), "{pad} + {refused:?}");
            }
        }
        assert!(!eligible("a\u{85}"), "NEL is the parser's to read");
    }

    #[test]
    fn reads_what_it_knows_like_the_parser() {
        let cases = [
            "a: 1\nb:\n  c: \"x y\" # c\n  d: |\n    l1\n\n    l2\n  e:\n  - f\n  - g: h\n    i: j\n  -   - k\n  k: {}\n  l: []\n---\nm: n\n",
            "a:\nb: |-\n  x\n\n  y  \n   \n# c\nc: |\n\n  z\nd: |\n  w\n\n\ne: |\nf: \"\"\n",
            "a: \"x\" \nb: \"x\"  # c\n\"k\": v\nc: 'y'\nd:  \"z\"\ne: \"q\"",
            "- \"a\"\n- \"b\" # c\n-\n- x\n",
            "a: \nb:  # c\nc:\n  # d\ne:\n- \n-  # x\n-\n  # y\n- p  \n- q # z\nf: r  # w\ng: s t\n",
            "a: 1\n# c\n",
            "a: 1\n  # c\n",
            "a: 1\n# c",
            "a:\n  b: 1\n# c\n---\nc: 2\n",
            "# h\n---\na: 1\n",
            "# h\na: 1\n",
            "---\n",
            "",
            "# only\n",
            "a: 1\n---\n",
            "---\n# c\n---\na: 1\n",
            "--- # c\n# d\n---\na: 1\n",
            "a:\n- b\n- c: d\n  e: f\ng: 1\n",
            "- - a\n  - b\n- c\n",
            "a: 'it''s'\nb: \"\\t\\u00e9\\x41\\\"\"\nc: é\n",
            "a: |\n  x\nb: |-\n    y\n  \n",
            "a:\n  - |\n    x\n  - y\n",
            "a: b\n  c\n",
            "a: &x 1\nb: *x\n",
            "a: 1\n---\nb: [1, 2]\n---\nc: 3\n",
            "a: 1\n--- b\n",
            "a: 1\n...\n",
            "a: >\n  x\n",
            "a:\n  b: 1\n c: 2\n",
            "a: x:y\nb: http://x\n",
            "a: b: c\n",
            "a: -1\nb: - 1\n",
            "k: |\n  x\n# c\nz: 1\n",
            "- a: |\n    x\n  b: 1\n",
            "a:\n\n  b: 1\n\n\nc: 2\n",
            "a: \"unterminated\n",
            "a:\tb\n",
            "a: |\n\tx\n",
            "key with spaces: v\n",
            "a : 1\n",
            "<<: {}\n",
            "a: x y  \n  z  \n\n\n   w\nb: 1\n",
            "a: x\n  - y\n  [z] \"q\"\nb: 1\n",
            "- x\n  y\n- z\n",
            "a: x\n  # c\n  y\n",
            "a: x\n  y # c\nb: 1\n",
            "a: x\n  y: z\n",
            "a:\n  b: x\n   y\n  c: 1\n",
            "k:\n- x\n  y\n- z\n",
            "a: [] # c\nb: {}  \n",
            "a: |\n  x",
            "a: 'x y  \n  z''s  \n\n\n   w'  \nb: 1\n",
            "a: \"x\\\n  y \\\n   z\n\n  \\ w\" # c\nb: 1\n",
            "- 'a\n  b'\n- c\n",
            "a: { }\nb: {  }  # x\nc: [ ]\n",
            "a: 'x\n  '\n",
            "a: 'x\n\n'\n",
            "a:\n  b: 'x\n \n   y'\n",
            "a:\n  b: 'x\n  y'\n",
            "a: \"x \\\n\n\n  y\"\n",
            "a: 'x'\n  y\n",
            "a: [\"x\", y , 'z' ]  # c\nb: [a]\n",
            "a:\n  {}\nb:\n  [ ]  # c\nc:\n  - [x,y]\n",
            "a:\n  v\n  w\nb: 1\n",
            "a: [x, ]\nb: [x,,y]\nc: [a: b]\n",
            "a: [\"ALL\"]\nb: ['ALL']\nc: [metadata, name]\n",
            "a: \u{feff}x\nb: \u{85}\nc: \u{fffe}\n",
            "a: \u{a9} \u{20ac} \u{ff}\n",
            "\u{feff}a: 1\n",
            "a: 1\r\nb: 2\r\n",
            "a: \u{7}\n",
            "- {key: app, operator: In, values: [node-exporter, \"x\" ], e: {}}  # c\n",
            "a : 1\nb  :\n  c: 2\nr: :x:y\ns: ?x\nt: -x\n",
            "a: { \"k\":1, b: 2 }\nb: {a: [1, [2]], c: {d: e}}\n",
            "a: >\n  x\n  y\n\n  z\n   more\n  w\n",
            "a: >-\n  x\n\n\n  y\n",
            "a: {a b: c d, 'e': \"f\" }\nb: [a: b]\nc: {a}\nd: {a: }\ne: [a, {b: c}]x\n",
            "a :\nb:\n",
        ];
        let mut read = 0;
        for case in cases {
            read += usize::from(check(case));
        }
        assert!(read >= 25, "only {read} cases read by the fast reader");
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
            items[self.below(items.len())]
        }
    }

    /// Pieces of lines, mostly valid block YAML with the odd mistake.
    #[allow(clippy::too_many_lines)]
    fn generated(rng: &mut Rng) -> String {
        const KEYS: &[&str] = &[
            "a",
            "b",
            "key",
            "a b",
            "n",
            "yes",
            "1",
            "x:y",
            "\"q\"",
            "'s'",
            "\"a\\tb\"",
            "k#",
            "-k",
            "<<",
            "a\"b",
            "é",
            "[k]",
        ];
        const WORDS: &[&str] = &[
            "v", "1", "-1", "true", "~", "x y", "a:b", "http://h", "it's", "a #b", "é ü",
            "{{ x }}", "a,b", "- a", "a: b", "#", "*x", "&x y", "!t y", "@x", "%x", "a\tb", "0x1F",
            "1e3", "null",
        ];
        const QUOTED: &[&str] = &[
            "\"x\"",
            "''",
            "'it''s'",
            "\"a\\nb\"",
            "\"\\u00e9\\x41\"",
            "\"\\q\"",
            "'a\n   b'",
            "\"a \\\n   b\"",
            "\"a\n\n   b\"",
            "'a\nb'",
            "\"unclosed",
            "\"x\" y",
            "'x'  ",
        ];
        let mut out = String::new();
        let lines = 1 + rng.below(14);
        let mut indent = 0usize;
        for _ in 0..lines {
            match rng.below(20) {
                0 => {
                    out.push_str(rng.pick(&["---\n", "--- # c\n", "...\n", "--- a\n", "---\n\n"]));
                    indent = 0;
                    continue;
                }
                1 => {
                    out.push_str(rng.pick(&[
                        "\n",
                        "  \n",
                        "# c\n",
                        "    # c\n",
                        "\t\n",
                        " \t# c\n",
                    ]));
                    continue;
                }
                2 => indent = indent.saturating_sub(2 * (1 + rng.below(2))),
                3..=5 => indent += rng.pick(&["  ", "  ", " ", "    "]).len(),
                6 => indent = rng.below(7),
                _ => {}
            }
            out.push_str(&" ".repeat(indent));
            let dashes = if rng.below(3) == 0 {
                1 + rng.below(2)
            } else {
                0
            };
            for _ in 0..dashes {
                out.push_str(rng.pick(&["- ", "-  ", "-\n", "- "]));
            }
            let value = |rng: &mut Rng, out: &mut String| match rng.below(12) {
                5 | 6 => out.push_str(rng.pick(QUOTED)),
                7 => out.push_str(rng.pick(&[
                    "{}",
                    "[]",
                    "{ }",
                    "[ ]  # c",
                    "[1, 2]",
                    "{a: 1}",
                    "[\"a\", 'b' ]",
                    "[a b,c]  #",
                    "[a, ]",
                    "[a,,b]",
                    "[a:b]",
                    "[-1, - 1]",
                    "[ x ]x",
                    "[\"a\" b]",
                ])),
                8 => {
                    out.push_str(rng.pick(&["|", "|-", "|+", ">", "|2", "| # c", ">-", "> # c"]));
                    let deep = indent + 1 + rng.below(4);
                    for _ in 0..1 + rng.below(3) {
                        match rng.below(5) {
                            0 => out.push('\n'),
                            1 => out.push_str(&format!("\n{}", " ".repeat(deep + rng.below(3)))),
                            _ => {
                                out.push_str(&format!("\n{}{}", " ".repeat(deep), rng.pick(WORDS)))
                            }
                        }
                    }
                }
                9 => out.push_str(&format!(
                    "{}\n{}{}",
                    rng.pick(WORDS),
                    " ".repeat(indent + rng.below(4)),
                    rng.pick(WORDS)
                )),
                10 => out.push_str(rng.pick(&["", " # c", "  "])),
                _ => out.push_str(rng.pick(WORDS)),
            };
            if rng.below(4) == 0 {
                value(rng, &mut out);
            } else {
                out.push_str(rng.pick(KEYS));
                out.push_str(rng.pick(&[": ", ":", ":  ", " : ", ":\t"]));
                if rng.below(3) > 0 {
                    value(rng, &mut out);
                }
            }
            if rng.below(6) == 0 {
                out.push_str(rng.pick(&[" # c", "  ", " #", "#x"]));
            }
            out.push('\n');
        }
        if rng.below(5) == 0 {
            out.pop();
        }
        out
    }

    /// A valid block collection at `indent`, written out from a random tree.
    #[allow(clippy::too_many_lines)]
    fn clean(rng: &mut Rng, depth: usize, indent: usize, out: &mut String) {
        const KEYS: &[&str] = &[
            "a", "name", "a b", "x.y/z", "\"q\"", "'s'", "on", "0", "k-1",
        ];
        const SCALARS: &[&str] = &[
            "[\"ALL\"]",
            "[a, 'b', \"c\" ]",
            "{a: b, c: [d, 'e']}",
            ":x",
            "v",
            "1",
            "-1",
            "true",
            "~",
            "x y",
            "a:b",
            "it's",
            "é ü",
            "a,b",
            "0x1F",
            "'q'",
            "\"a\\nb\"",
            "''",
            "{}",
            "[]",
            "{ }",
            "\"\"",
            "a # c",
            "'a''b'",
        ];
        let pad = " ".repeat(indent);
        let is_map = rng.below(3) > 0;
        for _ in 0..1 + rng.below(4) {
            if rng.below(8) == 0 {
                out.push_str(rng.pick(&["\n", "# c\n", "  # c\n"]));
            }
            out.push_str(&pad);
            if is_map {
                out.push_str(rng.pick(KEYS));
                out.push(':');
            } else {
                out.push('-');
            }
            match rng.below(10) {
                0..=4 => {
                    out.push(' ');
                    out.push_str(rng.pick(SCALARS));
                    out.push('\n');
                }
                5 if depth < 4 => {
                    out.push('\n');
                    // A sequence under a key may sit at the key's column.
                    let deeper = if is_map && rng.below(2) == 0 {
                        indent
                    } else {
                        indent + 1 + rng.below(3)
                    };
                    let mut inner = String::new();
                    clean(rng, depth + 1, deeper, &mut inner);
                    if deeper == indent && !inner.trim_start().starts_with('-') {
                        inner = String::new();
                        clean(rng, depth + 1, indent + 2, &mut inner);
                    }
                    out.push_str(&inner);
                }
                6 => {
                    out.push_str(rng.pick(&[" |\n", " |-\n", " >\n", " >-\n"]));
                    let deep = indent + 1 + rng.below(3);
                    for _ in 0..1 + rng.below(3) {
                        if rng.below(4) == 0 {
                            out.push('\n');
                        }
                        out.push_str(&" ".repeat(deep + usize::from(rng.below(4) == 0)));
                        if rng.below(6) == 0 {
                            out.push_str("x\n");
                            out.push_str(&" ".repeat(deep));
                        }
                        out.push_str(rng.pick(SCALARS));
                        out.push('\n');
                    }
                }
                7 => {
                    // A plain or quoted scalar over several lines.
                    let (open, close) = *[("", ""), ("'", "'"), ("\"", "\"")]
                        .get(rng.below(3))
                        .unwrap();
                    out.push(' ');
                    out.push_str(open);
                    out.push_str("one two");
                    for _ in 0..1 + rng.below(2) {
                        out.push_str(rng.pick(&["\n", "\n\n", "  \n"]));
                        out.push_str(&" ".repeat(indent + 1 + rng.below(3)));
                        out.push_str(rng.pick(&["three", "- four", "five six"]));
                    }
                    out.push_str(close);
                    out.push('\n');
                }
                8 => {
                    // The value on a line of its own.
                    out.push('\n');
                    out.push_str(&" ".repeat(indent + 1 + rng.below(3)));
                    out.push_str(rng.pick(&["{}", "[ ]", "x", "[a, b]", "'q'"]));
                    out.push('\n');
                }
                _ => out.push_str(rng.pick(&["\n", " # c\n"])),
            }
        }
    }

    /// Generated texts read the same with the fast reader as with the parser
    /// alone, wherever the fast reader reads them to the end or hands over.
    /// `FAST_N` and `FAST_SEED` run more texts, or others, locally.
    #[test]
    fn generated_texts_read_like_the_parser() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut read, n) = (
            0,
            std::env::var("FAST_N")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(20_000),
        );
        if let Some(seed) = std::env::var("FAST_SEED").ok().and_then(|v| v.parse().ok()) {
            rng = Rng(seed);
        }
        for i in 0..n {
            let text = if i % 2 == 0 {
                generated(&mut rng)
            } else {
                let mut out = String::new();
                for d in 0..1 + rng.below(3) {
                    if d > 0 || rng.below(4) == 0 {
                        out.push_str("---\n");
                    }
                    clean(&mut rng, 0, 0, &mut out);
                }
                out
            };
            read += usize::from(check(&text));
        }
        // Enough of them are read without the parser for the comparison to mean
        // something.
        assert!(read > n / 3, "only {read} of {n} read to the end");
        eprintln!("{read} of {n} generated texts read to the end by the fast reader");
    }
}

#[cfg(test)]
mod corpus {
    use super::tests::check;
    use std::path::{Path, PathBuf};

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            {
                out.push(p);
            }
        }
    }

    /// Every YAML file of the shared Kubernetes corpus, and of the folders in
    /// `STOCKADE_YAML_DIRS` (`:`-separated, for local runs on charts), reads the
    /// same with the fast reader as with the parser alone. `FAST_WHY=1` prints
    /// where the fast reader handed over in each file.
    #[test]
    fn corpus_reads_the_same() {
        let mut dirs: Vec<PathBuf> = std::env::var("STOCKADE_YAML_DIRS")
            .map(|v| v.split(':').map(PathBuf::from).collect())
            .unwrap_or_default();
        let shared =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/kubernetes");
        if shared.exists() {
            dirs.push(shared);
        } else {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!ci, "CI=true but {} is missing", shared.display());
            eprintln!(
                "SKIPPED: {} not found (a plain clone has no ../shared)",
                shared.display()
            );
        }
        let mut files = Vec::new();
        for d in &dirs {
            yaml_files(d, &mut files);
        }
        files.sort();
        let (mut all, mut read) = (0, 0);
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            all += 1;
            if std::env::var("FAST_WHY").is_ok() {
                eprintln!("FILE {}", f.display());
            }
            read += usize::from(check(&text));
        }
        eprintln!("fast reader: {read} of {all} files read to the end without the parser");
    }
}
