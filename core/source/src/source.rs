//! Sources, byte spans and the line index that turns offsets into positions.
//!
//! Everything inside the engine keeps byte offsets ([`Span`]); line and column
//! are computed once, when a finding leaves the engine, through a [`LineIndex`].
//! Lines and columns are 1-based ([`OneIndexed`]); columns count Unicode scalar
//! values. Bindings that need UTF-16 columns (JavaScript editors) get them from
//! [`LineIndex::utf16_column`].

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::origin::{OriginError, OriginFiles, OriginMap, Rendering};

/// A half-open byte range `start..end` into a source text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// Span from `usize` offsets, saturating at `u32::MAX` (inputs are bounded well below).
    pub fn from_range(range: std::ops::Range<usize>) -> Self {
        Self {
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
        }
    }

    pub const fn empty_at(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The text this span covers, or `""` when the span is out of bounds or splits a character.
    pub fn text(self, source: &str) -> &str {
        source.get(self.range()).unwrap_or("")
    }
}

/// A 1-based number (line or column). Zero cannot be represented, so 0- and 1-based
/// values never mix.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OneIndexed(NonZeroU32);

impl OneIndexed {
    pub const MIN: OneIndexed = OneIndexed(NonZeroU32::MIN);

    /// From a 0-based value.
    pub fn from_zero_indexed(value: u32) -> Self {
        Self(NonZeroU32::MIN.saturating_add(value))
    }

    /// From a 1-based value; `0` becomes `1`.
    pub fn new(value: u32) -> Self {
        Self(NonZeroU32::new(value).unwrap_or(NonZeroU32::MIN))
    }

    pub const fn get(self) -> u32 {
        self.0.get()
    }

    pub const fn to_zero_indexed(self) -> u32 {
        self.0.get() - 1
    }
}

impl fmt::Debug for OneIndexed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0.get(), f)
    }
}

impl fmt::Display for OneIndexed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.get(), f)
    }
}

impl Serialize for OneIndexed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.get())
    }
}

impl<'de> Deserialize<'de> for OneIndexed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(d)?;
        NonZeroU32::new(v)
            .map(OneIndexed)
            .ok_or_else(|| serde::de::Error::custom("expected a 1-based number"))
    }
}

/// A position as reported to users: 1-based line and column (Unicode scalar values),
/// plus the byte offset it was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub line: OneIndexed,
    pub column: OneIndexed,
    /// Byte offset into the source (0-based).
    pub offset: u32,
}

/// The characters of `text` outside ASCII with their byte offsets, in order;
/// runs of ASCII are skipped without decoding (most of a manifest is ASCII).
pub fn non_ascii_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let at = i + first_non_ascii(bytes.get(i..)?)?;
        let c = text.get(at..)?.chars().next()?;
        i = at + c.len_utf8();
        Some((at, c))
    })
}

/// Where the first byte over 127 of `bytes` is. Whole blocks are checked at
/// once (`is_ascii` reads a word at a time): a long ASCII stretch between two
/// wide characters is not read byte by byte.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut base = 0;
    for block in bytes.chunks(BLOCK) {
        if !block.is_ascii() {
            return block.iter().position(|b| !b.is_ascii()).map(|i| base + i);
        }
        base += block.len();
    }
    None
}

/// Offsets of line starts, for offset → (line, column) conversion.
///
/// Lines end at `\n`; a `\r` before it belongs to the line ending. A lone `\r`
/// is not a line break (`BuildKit` and YAML readers split on `\n`).
///
/// Besides line starts, the index keeps every non-ASCII character with running
/// totals of how many more bytes than code points and than UTF-16 units the text
/// has up to and including it, so every conversion (code-point column, UTF-16
/// column, UTF-16 offset) is two binary searches, O(log n), whatever the
/// position: nothing is counted from the start of the text or of the line. An
/// ASCII text stores nothing extra.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    wide: Vec<WideChar>,
    len: u32,
}

/// A non-ASCII character: where it starts, its UTF-8 length, and the running
/// totals of `bytes - code points` and `bytes - UTF-16 units` through it.
#[derive(Debug, Clone, Copy)]
struct WideChar {
    start: u32,
    len: u8,
    extra_chars: u32,
    extra_utf16: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(
            memchr_newlines(text.as_bytes()).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let (mut extra_chars, mut extra_utf16) = (0u32, 0u32);
            for (i, c) in non_ascii_chars(text) {
                let len = c.len_utf8();
                // len ≤ 4 and len_utf16 ≤ 2: these never underflow.
                extra_chars = extra_chars.saturating_add(len as u32 - 1);
                extra_utf16 = extra_utf16.saturating_add((len - c.len_utf16()) as u32);
                wide.push(WideChar {
                    start: u32::try_from(i).unwrap_or(u32::MAX),
                    len: len as u8,
                    extra_chars,
                    extra_utf16,
                });
            }
        }
        Self {
            line_starts,
            wide,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line as u32,
            Err(next) => next.saturating_sub(1) as u32,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: u32) -> u32 {
        self.line_starts.get(line as usize).copied().unwrap_or(0)
    }

    /// Byte span of 0-based `line`, without its line ending.
    pub fn line_span(&self, line: u32, text: &str) -> Span {
        let start = self.line_start(line);
        let next = self
            .line_starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let bytes = text.as_bytes();
        let mut end = next;
        if end > start && bytes.get(end as usize - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end as usize - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// `offset` clamped to the text and moved back to the start of the character
    /// it is inside, with the number of non-ASCII characters before it.
    fn snap(&self, offset: u32) -> (u32, usize) {
        let offset = offset.min(self.len);
        let k = self.wide.partition_point(|w| w.start < offset);
        match k.checked_sub(1).and_then(|i| self.wide.get(i)) {
            Some(w) if w.start.saturating_add(u32::from(w.len)) > offset => (w.start, k - 1),
            _ => (offset, k),
        }
    }

    /// Running totals (`bytes - code points`, `bytes - UTF-16 units`) of the
    /// first `k` non-ASCII characters.
    fn extra_before(&self, k: usize) -> (u32, u32) {
        k.checked_sub(1)
            .and_then(|i| self.wide.get(i))
            .map_or((0, 0), |w| (w.extra_chars, w.extra_utf16))
    }

    /// Code points and UTF-16 units before a snapped `offset` that has `k`
    /// non-ASCII characters before it.
    fn counts(&self, offset: u32, k: usize) -> (u32, u32) {
        let (chars, utf16) = self.extra_before(k);
        (offset.saturating_sub(chars), offset.saturating_sub(utf16))
    }

    /// Code points and UTF-16 units before the start of 0-based `line`.
    fn line_counts(&self, line: u32) -> (u32, u32) {
        let start = self.line_start(line);
        // A line starts after `\n`, never inside a character.
        let k = self.wide.partition_point(|w| w.start < start);
        self.counts(start, k)
    }

    /// Position of `offset`; offsets past the end clamp to the end, offsets inside a
    /// multi-byte character count that character. Text must be the indexed text.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let _ = text;
        let (offset, k) = self.snap(offset);
        let line = self.line_of(offset);
        let (chars, _) = self.counts(offset, k);
        let (line_chars, _) = self.line_counts(line);
        Position {
            line: OneIndexed::from_zero_indexed(line),
            column: OneIndexed::from_zero_indexed(chars.saturating_sub(line_chars)),
            offset,
        }
    }

    /// 0-based UTF-16 column of `offset` within its line (for JavaScript editors).
    pub fn utf16_column(&self, text: &str, offset: u32) -> u32 {
        self.utf16_position(text, offset).column.to_zero_indexed()
    }

    /// Position of `offset` in UTF-16 code units, as JavaScript strings and editors
    /// count them. Offsets are clamped and snapped to a character start like
    /// [`LineIndex::position`].
    pub fn utf16_position(&self, text: &str, offset: u32) -> Utf16Position {
        let _ = text;
        let (offset, k) = self.snap(offset);
        let line = self.line_of(offset);
        let (_, units) = self.counts(offset, k);
        let (_, line_units) = self.line_counts(line);
        Utf16Position {
            line: OneIndexed::from_zero_indexed(line),
            column: OneIndexed::from_zero_indexed(units.saturating_sub(line_units)),
            offset: units,
        }
    }

    /// The byte offset of a 0-based UTF-16 `(line, character)` position, as
    /// editors send them (LSP). A character past the end of its line clamps to
    /// the line's end (without its line ending), a line past the end of the
    /// text to the text's end; a position inside a surrogate pair moves to the
    /// start of that character.
    pub fn offset_of_utf16(&self, text: &str, line: u32, character: u32) -> u32 {
        if line as usize >= self.line_starts.len() {
            return self.len;
        }
        let span = self.line_span(line, text);
        // The `\n` ending the line (or the end of the text): a lone `\r` and the
        // `\r` of a CRLF are addressable, past them clamps to the line's end.
        let last = self
            .line_starts
            .get(line as usize + 1)
            .map_or(self.len, |next| next.saturating_sub(1));
        let (_, line_units) = self.line_counts(line);
        let target = line_units.saturating_add(character);
        // The last byte offset in the line whose UTF-16 count is ≤ target.
        let (mut lo, mut hi) = (span.start, last.max(span.start));
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            let (snapped, k) = self.snap(mid);
            let (_, units) = self.counts(snapped, k);
            if units <= target {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let (found, k) = self.snap(lo);
        let (_, units) = self.counts(found, k);
        if lo == last && units < target {
            span.end
        } else {
            found
        }
    }

    /// Line and column of both ends of a span.
    pub fn range(&self, text: &str, span: Span) -> (Position, Position) {
        (
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }
}

/// A position in UTF-16 code units (JavaScript string indices): 1-based line and
/// column, 0-based offset from the start of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Utf16Position {
    pub line: OneIndexed,
    pub column: OneIndexed,
    pub offset: u32,
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

/// A document to scan: its text and the path it is reported under; for a
/// rendered document, also where its text came from ([`crate::origin`]).
#[derive(Debug, Clone)]
pub struct Source {
    path: String,
    /// Shared, so that a scan's pre-pass can remember which text it parsed
    /// without a copy ([`Source::shared_text`]).
    text: Arc<String>,
    /// Made when first asked for: a rendered chart's template and values files
    /// are sources too, and most are never positioned in.
    index: std::sync::OnceLock<LineIndex>,
    rendering: Option<Arc<Rendering>>,
    prepared: Option<Prepared>,
}

/// What a layer above computed from a source's very text ahead of the scan
/// ([`Source::with_prepared`]): the facade parses a chart's `crds/` files
/// while the chart's templates render, and hands the streams on this way.
#[derive(Clone)]
pub struct Prepared(Arc<dyn std::any::Any + Send + Sync>);

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prepared(..)")
    }
}

impl Source {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self::from_shared(path, Arc::new(text.into()))
    }

    /// A source whose text is shared with its caller (a chart file, say)
    /// rather than copied.
    pub fn from_shared(path: impl Into<String>, text: Arc<String>) -> Self {
        Self {
            path: path.into(),
            text,
            index: std::sync::OnceLock::new(),
            rendering: None,
            prepared: None,
        }
    }

    /// This source with `value`, computed from its text by the caller (a
    /// parse of it, say), for whoever scans it to use instead of computing it
    /// again ([`Source::prepared`]). The text cannot change afterwards: a
    /// source's text is set once.
    #[must_use]
    pub fn with_prepared(mut self, value: Arc<dyn std::any::Any + Send + Sync>) -> Self {
        self.prepared = Some(Prepared(value));
        self
    }

    /// Takes away what [`Source::with_prepared`] attached (a program about to
    /// end can keep it from being freed piece by piece).
    pub fn take_prepared(&mut self) -> Option<Prepared> {
        self.prepared.take()
    }

    /// What [`Source::with_prepared`] attached, if it is a `T`.
    pub fn prepared<T: 'static>(&self) -> Option<&T> {
        self.prepared.as_ref().and_then(|p| p.0.downcast_ref::<T>())
    }

    /// A rendered document (a Helm template's output, a Kustomize build): `text`
    /// is what findings are positioned in, `origins` maps its ranges to ranges of
    /// `files` (shared by every document of one render). Fails when a segment
    /// lies outside `text` or an origin outside its file.
    pub fn rendered(
        path: impl Into<String>,
        text: impl Into<String>,
        origins: OriginMap,
        files: Arc<OriginFiles>,
    ) -> Result<Self, OriginError> {
        let mut source = Self::new(path, text);
        source.rendering = Some(Arc::new(Rendering::new(origins, files, source.text.len())?));
        Ok(source)
    }

    /// The origin map and files of a rendered document; `None` for a plain file.
    pub fn rendering(&self) -> Option<&Rendering> {
        self.rendering.as_deref()
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared with this source (and its clones) rather than copied:
    /// [`Source::has_text`] tells whether a source still has this very text.
    pub fn shared_text(&self) -> Arc<String> {
        Arc::clone(&self.text)
    }

    /// Whether the source's text is `text` (the same shared text, else an
    /// equal one).
    pub fn has_text(&self, text: &Arc<String>) -> bool {
        Arc::ptr_eq(&self.text, text) || *self.text == **text
    }

    /// The text, moved out when no clone of this source shares it.
    pub fn into_text(self) -> String {
        Arc::try_unwrap(self.text).unwrap_or_else(|shared| (*shared).clone())
    }

    pub fn line_index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn position(&self, offset: u32) -> Position {
        self.line_index().position(&self.text, offset)
    }

    /// The UTF-16 position of a byte offset (for the JavaScript bindings).
    pub fn utf16_position(&self, offset: u32) -> Utf16Position {
        self.line_index().utf16_position(&self.text, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wide characters are those `char_indices` finds, wherever they
    /// fall against the blocks `first_non_ascii` reads (first, last, across
    /// a block's end, none).
    #[test]
    fn non_ascii_chars_are_the_wide_char_indices() {
        let mut texts: Vec<String> = vec![String::new(), "plain".into(), "é".into()];
        for n in [0, 1, 62, 63, 64, 65, 127, 128, 200] {
            texts.push(format!("{}é{}€x😀", "a".repeat(n), "b".repeat(n)));
            texts.push(format!("{}\u{7f}{}ß", "a".repeat(n), "c".repeat(130)));
        }
        for text in &texts {
            let want: Vec<(usize, char)> =
                text.char_indices().filter(|(_, c)| !c.is_ascii()).collect();
            assert_eq!(non_ascii_chars(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }

    #[test]
    fn positions_are_one_based_and_count_scalars() {
        let text = "ab\ncé€d\r\nx";
        let idx = LineIndex::new(text);
        let p = idx.position(text, 0);
        assert_eq!((p.line.get(), p.column.get()), (1, 1));
        // 'd' on line 2: c(1) é(2 bytes) €(3 bytes)
        let d = text.find('d').unwrap() as u32;
        let p = idx.position(text, d);
        assert_eq!((p.line.get(), p.column.get()), (2, 4));
        let x = text.find('x').unwrap() as u32;
        let p = idx.position(text, x);
        assert_eq!((p.line.get(), p.column.get()), (3, 1));
        assert_eq!(idx.line_span(1, text).text(text), "cé€d");
    }

    #[test]
    fn offsets_past_end_and_inside_chars_do_not_panic() {
        let text = "€";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 99).column.get(), 2);
        assert_eq!(idx.position(text, 1).column.get(), 1);
        let text = "a😀b";
        assert_eq!(LineIndex::new(text).utf16_column(text, 5), 3);
    }

    #[test]
    fn utf16_positions_count_surrogate_pairs() {
        let text = "😀\na😀b";
        let src = Source::new("-", text);
        let b = text.rfind('b').unwrap() as u32;
        let p = src.utf16_position(b);
        assert_eq!((p.line.get(), p.column.get(), p.offset), (2, 4, 6));
        // inside the emoji: snaps to its start
        assert_eq!(src.utf16_position(2).offset, 0);
        assert_eq!(src.utf16_position(999).offset, 7);
    }

    /// The counting every conversion used to do, from the start of the text.
    fn naive(text: &str, offset: u32) -> (Position, Utf16Position) {
        let mut o = (offset as usize).min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        let before = &text[..o];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() as u32;
        let col = text[line_start..o].chars().count() as u32;
        let col16 = text[line_start..o].encode_utf16().count() as u32;
        let off16 = before.encode_utf16().count() as u32;
        (
            Position {
                line: OneIndexed::from_zero_indexed(line),
                column: OneIndexed::from_zero_indexed(col),
                offset: o as u32,
            },
            Utf16Position {
                line: OneIndexed::from_zero_indexed(line),
                column: OneIndexed::from_zero_indexed(col16),
                offset: off16,
            },
        )
    }

    /// xorshift64*: deterministic, no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn positions_match_naive_counting_on_random_multilingual_texts() {
        // ASCII, Latin-1, Greek, CJK, emoji (surrogate pairs), combining marks,
        // CRLF, lone CR, tabs, empty lines.
        let pieces = [
            "a",
            "key: value",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "é",
            "ß",
            "Ω",
            "ж",
            "中文",
            "日本",
            "😀",
            "🐳",
            "e\u{301}",
            "\u{10FFFF}",
            "—",
            "",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..300 {
            let mut text = String::new();
            for _ in 0..rng.below(200) {
                text.push_str(pieces[rng.below(pieces.len())]);
            }
            let idx = LineIndex::new(&text);
            for offset in 0..=text.len() as u32 + 2 {
                let (p, u) = naive(&text, offset);
                assert_eq!(
                    idx.position(&text, offset),
                    p,
                    "round {round} offset {offset} in {text:?}"
                );
                assert_eq!(
                    idx.utf16_position(&text, offset),
                    u,
                    "round {round} offset {offset} in {text:?}"
                );
                assert_eq!(idx.utf16_column(&text, offset), u.column.to_zero_indexed());
                // And back: the UTF-16 (line, character) of a character start is that start.
                assert_eq!(
                    idx.offset_of_utf16(
                        &text,
                        u.line.to_zero_indexed(),
                        u.column.to_zero_indexed()
                    ),
                    p.offset,
                    "round {round} offset {offset} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn utf16_offsets_from_editors_clamp() {
        let text = "a😀b\r\nxy";
        let idx = LineIndex::new(text);
        // inside the surrogate pair → the emoji's start
        assert_eq!(idx.offset_of_utf16(text, 0, 2), 1);
        // past the end of line 0 → before its CRLF
        assert_eq!(idx.offset_of_utf16(text, 0, 99), 6);
        assert_eq!(idx.offset_of_utf16(text, 1, 1), 9);
        assert_eq!(idx.offset_of_utf16(text, 7, 0), text.len() as u32);
    }
}
