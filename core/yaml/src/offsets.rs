//! Character indices (what `saphyr-parser` markers count) to byte offsets.
//!
//! Only the non-ASCII characters are recorded, so ASCII text costs nothing and the
//! table grows with the number of multi-byte characters, not with the text.

/// Maps the character index of a position to its byte offset, in both directions.
pub(super) struct CharOffsets {
    /// For each multi-byte character: its character index, its byte offset, and the
    /// extra bytes (beyond one per character) of all multi-byte characters up to and
    /// including it.
    wide: Vec<(usize, usize, usize)>,
    len: usize,
}

impl CharOffsets {
    pub(super) fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let mut extra = 0;
        if !text.is_ascii() {
            for (bi, ch) in stockade_source::source::non_ascii_chars(text) {
                // Every character before this one is one char index and
                // `1 + its extra bytes` bytes.
                let ci = bi - extra;
                extra += ch.len_utf8() - 1;
                wide.push((ci, bi, extra));
            }
        }
        Self {
            wide,
            len: text.len(),
        }
    }

    /// Byte offset of the character at index `ci` (clamped to the text length).
    pub(super) fn byte_of_char(&self, ci: usize) -> usize {
        // Extra bytes of every wide char strictly before `ci`.
        let n = self.wide.partition_point(|&(c, _, _)| c < ci);
        let extra = n
            .checked_sub(1)
            .and_then(|i| self.wide.get(i))
            .map_or(0, |&(_, _, e)| e);
        (ci + extra).min(self.len)
    }

    /// Character index of byte offset `bi` (which must be a character boundary).
    pub(super) fn char_of_byte(&self, bi: usize) -> usize {
        let n = self.wide.partition_point(|&(_, b, _)| b < bi);
        let extra = n
            .checked_sub(1)
            .and_then(|i| self.wide.get(i))
            .map_or(0, |&(_, _, e)| e);
        bi.saturating_sub(extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_on_every_boundary() {
        let text = "a\u{feff}é€😀b\r\nc";
        let map = CharOffsets::new(text);
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(map.byte_of_char(ci), bi);
            assert_eq!(map.char_of_byte(bi), ci);
        }
        assert_eq!(map.byte_of_char(text.chars().count()), text.len());
        assert_eq!(map.byte_of_char(999), text.len());
        let ascii = CharOffsets::new("abc");
        assert_eq!(ascii.byte_of_char(2), 2);
    }
}
