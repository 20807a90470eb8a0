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

/// Offsets of line starts, for offset → (line, column) conversion.
///
/// Lines end at `\n`; a `\r` before it belongs to the line ending. A lone `\r`
/// is not a line break (BuildKit and YAML readers split on `\n`).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(
            memchr_newlines(text.as_bytes()).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Self { line_starts }
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

    /// Position of `offset`; offsets past the end clamp to the end, offsets inside a
    /// multi-byte character count that character.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        // An offset inside a multi-byte character counts as that character.
        let mut end = offset as usize;
        while end > start as usize && !text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = text
            .get(start as usize..end)
            .map_or(0, |s| s.chars().count());
        Position {
            line: OneIndexed::from_zero_indexed(line),
            column: OneIndexed::from_zero_indexed(u32::try_from(prefix).unwrap_or(u32::MAX)),
            offset,
        }
    }

    /// 0-based UTF-16 column of `offset` within its line (for JavaScript editors).
    pub fn utf16_column(&self, text: &str, offset: u32) -> u32 {
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        text.get(start..offset as usize)
            .map_or(0, |s| s.encode_utf16().count() as u32)
    }

    /// Position of `offset` in UTF-16 code units, as JavaScript strings and editors
    /// count them. Offsets are clamped and snapped to a character start like
    /// [`LineIndex::position`].
    pub fn utf16_position(&self, text: &str, offset: u32) -> Utf16Position {
        let pos = self.position(text, offset);
        let line_start = self.line_start(pos.line.to_zero_indexed()) as usize;
        let mut end = pos.offset as usize;
        while end > line_start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let units = |s: &str| u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX);
        let before_line = text.get(..line_start).map_or(0, units);
        let in_line = text.get(line_start..end).map_or(0, units);
        Utf16Position {
            line: pos.line,
            column: OneIndexed::from_zero_indexed(in_line),
            offset: before_line.saturating_add(in_line),
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
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| (*b == b'\n').then_some(i))
}

/// A document to scan: its text and the path it is reported under; for a
/// rendered document, also where its text came from ([`crate::origin`]).
#[derive(Debug, Clone)]
pub struct Source {
    path: String,
    text: String,
    index: LineIndex,
    rendering: Option<Arc<Rendering>>,
}

impl Source {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let index = LineIndex::new(&text);
        Self {
            path: path.into(),
            text,
            index,
            rendering: None,
        }
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

    pub fn line_index(&self) -> &LineIndex {
        &self.index
    }

    pub fn position(&self, offset: u32) -> Position {
        self.index.position(&self.text, offset)
    }

    /// The UTF-16 position of a byte offset (for the JavaScript bindings).
    pub fn utf16_position(&self, offset: u32) -> Utf16Position {
        self.index.utf16_position(&self.text, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(idx.utf16_column("a😀b", 5), 3);
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
}
