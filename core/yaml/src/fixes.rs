//! Edits that let `saphyr-parser` read what go-yaml v2 reads, and the map from the
//! edited text back to the original one.
//!
//! Two kinds of edit, both invisible in the values read:
//! - a tab read as a space: after `:` (go-yaml's scanner takes tabs as blanks
//!   there) and in the leading blanks of a quoted scalar's continuation line (those
//!   blanks are dropped from the value anyway);
//! - spaces inserted at the start of a quoted scalar's continuation line. go-yaml v2
//!   (libyaml's scanner) does not check the indentation of those lines at all (only
//!   a `---` or `...` at column 0 ends the scalar with an error), where
//!   `saphyr-parser` wants them indented at least as much as the enclosing block
//!   collection ("invalid indentation in quoted scalar"). The leading blanks of a
//!   continuation line are not part of the value, so padding them changes nothing
//!   but the offsets, which [`Fixes::to_original`] maps back. Likewise at the start
//!   of a flow collection's lines: libyaml checks no indentation inside flow
//!   collections, and leading blanks there are never content.

/// The edits applied to a text before it is given to the parser.
#[derive(Debug, Default, Clone)]
pub(super) struct Fixes {
    /// Original offsets of tabs read as spaces, after `:`; put back when they turn
    /// out to be inside a quoted or block scalar.
    pub(super) colon_tabs: Vec<usize>,
    /// Original offsets of tabs read as spaces in the leading blanks of quoted
    /// scalars' continuation lines.
    pub(super) blank_tabs: Vec<usize>,
    /// `(original offset, spaces inserted before it)`, sorted by offset, offsets
    /// distinct.
    inserts: Vec<(usize, usize)>,
    /// For each insert: where its spaces start in the edited text.
    starts: Vec<usize>,
}

impl Fixes {
    pub(super) fn is_empty(&self) -> bool {
        self.colon_tabs.is_empty() && self.blank_tabs.is_empty() && self.inserts.is_empty()
    }

    /// Spaces inserted so far.
    fn inserted(&self) -> usize {
        self.inserts.iter().map(|&(_, n)| n).sum()
    }

    /// Insert `n` spaces before original offset `at`.
    #[cfg(test)]
    pub(super) fn insert(&mut self, at: usize, n: usize) {
        self.insert_all(vec![(at, n)]);
    }

    /// Insert spaces before original offsets (`(offset, spaces)` pairs, in any
    /// order): one sort and one pass, whatever the number of inserts, so that a
    /// round fixing thousands of documents stays linear.
    pub(super) fn insert_all(&mut self, mut pads: Vec<(usize, usize)>) {
        pads.retain(|&(_, n)| n > 0);
        if pads.is_empty() {
            return;
        }
        pads.append(&mut self.inserts);
        pads.sort_unstable_by_key(|&(p, _)| p);
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(pads.len());
        for (p, n) in pads {
            match merged.last_mut() {
                Some(last) if last.0 == p => last.1 += n,
                _ => merged.push((p, n)),
            }
        }
        self.inserts = merged;
        let mut shift = 0;
        self.starts = self
            .inserts
            .iter()
            .map(|&(p, n)| {
                let s = p + shift;
                shift += n;
                s
            })
            .collect();
    }

    /// `(edited offset, spaces)` of every insert.
    pub(super) fn inserts_edited(&self) -> Vec<(usize, usize)> {
        self.starts
            .iter()
            .zip(&self.inserts)
            .map(|(&s, &(_, n))| (s, n))
            .collect()
    }

    /// The edited text.
    pub(super) fn apply(&self, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for &p in self.colon_tabs.iter().chain(&self.blank_tabs) {
            if let Some(b @ b'\t') = bytes.get_mut(p) {
                *b = b' ';
            }
        }
        if !self.inserts.is_empty() {
            let mut out = Vec::with_capacity(bytes.len() + self.inserted());
            let mut from = 0;
            for &(p, n) in &self.inserts {
                out.extend(bytes.get(from..p).unwrap_or(&[]));
                out.resize(out.len() + n, b' ');
                from = p.max(from);
            }
            out.extend(bytes.get(from..).unwrap_or(&[]));
            bytes = out;
        }
        // Only ASCII bytes changed or were added, at character boundaries: still UTF-8.
        String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
    }

    /// The original offset of edited offset `p`; offsets inside inserted spaces map
    /// to the character they were inserted before.
    pub(super) fn to_original(&self, p: usize) -> usize {
        let i = self.starts.partition_point(|&s| s <= p);
        let Some(k) = i.checked_sub(1) else { return p };
        let (Some(&(orig, n)), Some(&start)) = (self.inserts.get(k), self.starts.get(k)) else {
            return p;
        };
        if p < start + n {
            orig
        } else {
            // Before this insert's spaces, edited and original differ by `start - orig`.
            p - (start - orig) - n
        }
    }

    /// The edited offset of original offset `o` (the character itself, after any
    /// spaces inserted before it).
    pub(super) fn to_edited(&self, o: usize) -> usize {
        let i = self.inserts.partition_point(|&(p, _)| p <= o);
        let Some(k) = i.checked_sub(1) else { return o };
        let (Some(&(orig, n)), Some(&start)) = (self.inserts.get(k), self.starts.get(k)) else {
            return o;
        };
        o + (start - orig) + n
    }
}

/// Spaces to insert so that `saphyr-parser` accepts the continuation lines of the
/// quoted scalar opening at `quote` in `text` (the edited text), as go-yaml does:
/// `(edited offset of a line start, spaces)`. Lines already indented enough, and a
/// line starting with a document marker at column 0 (an error in go-yaml too), are
/// left alone. Empty when the scalar is not closed.
pub(super) fn pad_quoted(text: &str, quote: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let Some(&q) = bytes.get(quote) else {
        return Vec::new();
    };
    if q != b'"' && q != b'\'' {
        return Vec::new();
    }
    let end = quoted_close(bytes, quote);
    let Some(end) = end else { return Vec::new() };
    let line_start = text
        .get(..quote)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    // The enclosing block's indentation is below the quote's column: that is enough.
    let need = text.get(line_start..quote).map_or(0, |t| t.chars().count());
    let mut pads = Vec::new();
    let mut i = quote;
    while let Some(nl) = bytes
        .get(i..end)
        .and_then(|r| r.iter().position(|&c| c == b'\n'))
    {
        let ls = i + nl + 1;
        i = ls;
        // First tab or non-blank of the line's leading blanks.
        let mut j = ls;
        let mut first_tab = None;
        while let Some(&c @ (b' ' | b'\t')) = bytes.get(j) {
            if c == b'\t' && first_tab.is_none() {
                first_tab = Some(j);
            }
            j += 1;
        }
        let blank_line = matches!(bytes.get(j), Some(b'\r' | b'\n') | None);
        let marker = j == ls
            && matches!(bytes.get(ls..ls + 3), Some(b"---" | b"..."))
            && matches!(bytes.get(ls + 3), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
        if marker {
            continue;
        }
        let c = match (first_tab, blank_line) {
            (Some(t), _) => t - ls,
            (None, false) => j - ls,
            (None, true) => continue,
        };
        if c < need {
            pads.push((ls, need - c));
        }
    }
    pads
}

/// Spaces to insert so that the lines of a flow collection, from the one holding
/// the token at `at` to the one closing the `levels`-th collection around that
/// token, start at column `need` or more (go-yaml checks no indentation inside flow
/// collections). Blank lines and lines starting with a document marker are left
/// alone.
pub(super) fn pad_flow(text: &str, at: usize, need: usize, levels: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let ls = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    // Where the collection holding `at` closes (or the end of the text).
    let mut depth = 0usize;
    let mut open = levels.max(1);
    let mut i = at;
    let mut end = bytes.len();
    while let Some(&c) = bytes.get(i) {
        let token_start = i == 0
            || matches!(
                bytes.get(i - 1),
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'[' | b'{' | b',' | b':')
            );
        match c {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                if let Some(d) = depth.checked_sub(1) {
                    depth = d;
                } else {
                    open -= 1;
                    if open == 0 {
                        end = i;
                        break;
                    }
                }
            }
            b'"' | b'\'' if token_start => match quoted_close(bytes, i) {
                Some(close) => i = close,
                None => break,
            },
            b'#' if token_start && i > 0 => {
                while !matches!(bytes.get(i), Some(b'\n') | None) {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut pads = Vec::new();
    let mut line = Some(ls);
    while let Some(start) = line.filter(|&l| l <= end) {
        let mut j = start;
        while let Some(b' ' | b'\t') = bytes.get(j) {
            j += 1;
        }
        let blank = matches!(bytes.get(j), Some(b'\r' | b'\n') | None);
        let marker = j == start
            && matches!(bytes.get(start..start + 3), Some(b"---" | b"..."))
            && matches!(
                bytes.get(start + 3),
                None | Some(b' ' | b'\t' | b'\r' | b'\n')
            );
        if !blank && !marker && j - start < need {
            pads.push((start, need - (j - start)));
        }
        line = bytes
            .get(start..)
            .and_then(|r| r.iter().position(|&c| c == b'\n'))
            .map(|p| start + p + 1);
    }
    pads
}

/// Offset of the closing quote of the quoted scalar opening at `quote`.
fn quoted_close(bytes: &[u8], quote: usize) -> Option<usize> {
    let q = *bytes.get(quote)?;
    let mut i = quote + 1;
    loop {
        match bytes.get(i)? {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            &c if c == q => return Some(i),
            _ => i += 1,
        }
    }
}

/// Original offsets of the tabs in the leading blanks of the line holding edited
/// offset `at` and of the following continuation lines of the quoted scalar it
/// is in (up to its closing quote), so that a scalar with many tab-indented
/// lines is fixed in one round rather than one line per round; and the scalar's
/// opening quote, when found. The scalar opens after `after` (where the parser's
/// last event ended), past blanks, the indicators `:`, `-`, `?`, `,`, `[`, `{`,
/// anchors, tags and comments; when what follows is not a quote, only the line
/// of `at` is fixed.
pub(super) fn scalar_leading_tabs(
    text: &str,
    at: usize,
    after: usize,
    fixes: &Fixes,
) -> (Vec<usize>, Option<usize>) {
    let bytes = text.as_bytes();
    let ls = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let open = scalar_open(bytes, after, ls);
    let end = open
        .and_then(|open| quoted_close(bytes, open))
        .filter(|&close| close >= ls);
    let open = open.filter(|_| end.is_some());
    let end = end.unwrap_or(at);
    let mut out = Vec::new();
    let mut line = Some(ls);
    while let Some(start) = line.filter(|&l| l <= end) {
        out.extend(leading_tabs(text, start, fixes));
        line = bytes
            .get(start..)
            .and_then(|r| r.iter().position(|&c| c == b'\n'))
            .map(|p| start + p + 1);
    }
    (out, open)
}

/// The opening quote of the scalar that starts after `from`, when one does
/// before `limit` (see [`scalar_leading_tabs`]).
fn scalar_open(bytes: &[u8], from: usize, limit: usize) -> Option<usize> {
    let mut i = from;
    while i < limit {
        match *bytes.get(i)? {
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?' | b',' | b'[' | b'{' => i += 1,
            b'#' => {
                while !matches!(bytes.get(i), Some(b'\n') | None) {
                    i += 1;
                }
            }
            b'&' | b'!' => {
                while !matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r' | b'\n') | None) {
                    i += 1;
                }
            }
            b'"' | b'\'' => return Some(i),
            _ => return None,
        }
    }
    None
}

/// Original offsets of the tabs in the leading blanks of the line holding edited
/// offset `at`.
pub(super) fn leading_tabs(text: &str, at: usize, fixes: &Fixes) -> Vec<usize> {
    let bytes = text.as_bytes();
    let ls = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut j = ls;
    while let Some(&c @ (b' ' | b'\t')) = bytes.get(j) {
        if c == b'\t' {
            out.push(fixes.to_original(j));
        }
        j += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_both_ways() {
        let text = "ab\ncd\nef";
        let mut fixes = Fixes::default();
        fixes.insert(3, 2);
        fixes.insert(6, 1);
        let edited = fixes.apply(text);
        assert_eq!(edited, "ab\n  cd\n ef");
        for (o, ch) in text.char_indices() {
            let e = fixes.to_edited(o);
            assert_eq!(edited[e..].chars().next(), Some(ch), "at {o}");
            assert_eq!(fixes.to_original(e), o);
        }
        // Inside inserted spaces: the character they precede.
        assert_eq!(fixes.to_original(3), 3);
        assert_eq!(fixes.to_original(4), 3);
        assert_eq!(fixes.to_original(8), 6);
        assert_eq!(fixes.to_original(edited.len()), text.len());
        assert_eq!(fixes.to_edited(text.len()), edited.len());
        // Same offset twice: the spaces add up.
        fixes.insert(3, 1);
        assert_eq!(fixes.apply(text), "ab\n   cd\n ef");
        assert_eq!(fixes.to_original(fixes.to_edited(7)), 7);
    }

    #[test]
    fn pads_only_under_indented_lines() {
        let text = "a:\n  b: \"x\n y\n    z\n\t w\n\n---\n\"\n";
        let q = text.find('"').unwrap();
        let pads = pad_quoted(text, q);
        let lines: Vec<(usize, usize)> = pads
            .iter()
            .map(|&(p, n)| (text[..p].matches('\n').count(), n))
            .collect();
        // The quote is at column 5: ` y` (1) gets 4, `    z` 1, `\t w` (tab at 0) 5,
        // the blank line nothing, `---` at column 0 stays, `"` gets 5.
        assert_eq!(lines, [(2, 4), (3, 1), (4, 5), (7, 5)]);
        assert!(pad_quoted("a: \"x\n     y\"\n", 3).is_empty());
    }

    #[test]
    fn pads_flow_lines_up_to_the_closing_bracket() {
        let text = "a:\n  b: [1, [2,\n3], \"]\n\", # ]\n\n\t4,\n---\n]\nc\n";
        let at = text.find("3]").unwrap();
        let lines = |levels| -> Vec<(usize, usize)> {
            pad_flow(text, at, 3, levels)
                .iter()
                .map(|&(p, n)| (text[..p].matches('\n').count(), n))
                .collect()
        };
        // Inside `[2, 3]` only: up to its `]`.
        assert_eq!(lines(1), [(2, 3)]);
        // From `3],` (line 2) to the `]` closing `b` (line 7): the quoted `]` and the
        // comment's `]` do not close it; the blank line and `---` are left alone.
        assert_eq!(lines(2), [(2, 3), (3, 3), (5, 2), (7, 3)]);
        assert!(pad_quoted("a: \"x\ny\n", 3).is_empty(), "not closed");
        assert!(pad_quoted("a: x\n", 3).is_empty(), "not a quote");
    }
}
