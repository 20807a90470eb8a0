//! Finds comments: `saphyr-parser` skips them, so we scan the text between the
//! scalars it reported. A `#` starts a comment at the start of a line or after a
//! space or tab, unless it lies inside a quoted or block scalar (`opaque` spans).

use super::Comment;
use stockade_source::source::Span;

/// Comments in `text`, skipping the sorted, non-overlapping `opaque` byte
/// ranges. Line numbers are counted from one comment to the next (no line
/// index of the text is made: most texts have a comment or two, and a large
/// one is then not indexed only for them).
pub(super) fn scan(text: &str, opaque: &[(usize, usize)]) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    // Newlines counted up to `counted_to`: `line` of them.
    let (mut counted_to, mut line) = (0usize, 0u32);
    let mut opaque = opaque.iter().peekable();
    let mut i = 0;
    while i < bytes.len() {
        // Jump over scalars the parser read.
        while let Some(&&(start, end)) = opaque.peek() {
            if end <= i {
                opaque.next();
            } else if start <= i {
                i = end;
                opaque.next();
            } else {
                break;
            }
        }
        let Some(&b) = bytes.get(i) else { break };
        let next_opaque = opaque.peek().map_or(usize::MAX, |&&(s, _)| s);
        if b == b'#' {
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
            // U+FEFF (EF BB BF) before `#` at the start of the text counts as the line start.
            let after_bom = i == 3 && text.starts_with('\u{feff}');
            if matches!(prev, None | Some(b' ' | b'\t' | b'\n' | b'\r')) || after_bom {
                let rel_end = bytes
                    .get(i..)
                    .and_then(|rest| memchr::memchr(b'\n', rest))
                    .map_or(bytes.len(), |p| i + p);
                let mut end = rel_end;
                if end > i && bytes.get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
                let newlines = bytes
                    .get(counted_to..i)
                    .map_or(0, |b| memchr::memchr_iter(b'\n', b).count());
                line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
                counted_to = i;
                let line_start = bytes
                    .get(..i)
                    .and_then(|b| memchr::memrchr(b'\n', b))
                    .map_or(0, |p| p + 1);
                let own_line = text
                    .get(line_start..i)
                    .is_some_and(|p| p.chars().all(|c| c == ' ' || c == '\t' || c == '\u{feff}'));
                comments.push(Comment {
                    text: text.get(i + 1..end).unwrap_or("").to_string(),
                    span: Span::from_range(i..end),
                    line,
                    own_line,
                });
                i = rel_end;
                continue;
            }
        }
        i += 1;
        // Skip to the next `#` before the next opaque range (or to that range).
        let stop = next_opaque.min(bytes.len());
        if let Some(rest) = bytes.get(i..stop) {
            i = memchr::memchr(b'#', rest).map_or(stop, |p| i + p);
        }
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;
    use stockade_source::source::LineIndex;

    /// The scan with no skipping ahead: every byte outside an opaque range is
    /// looked at. `scan` jumps from `#` to `#` and must find the same comments.
    fn scan_every_byte(
        text: &str,
        opaque: &[(usize, usize)],
        lines: &LineIndex,
    ) -> Vec<(usize, usize, u32, bool)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if let Some(&(_, end)) = opaque.iter().find(|&&(s, e)| s <= i && i < e) {
                i = end;
                continue;
            }
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
            let at_start = matches!(prev, None | Some(b' ' | b'\t' | b'\n' | b'\r'))
                || (i == 3 && text.starts_with('\u{feff}'));
            if bytes.get(i) == Some(&b'#') && at_start {
                let line_end = text[i..].find('\n').map_or(text.len(), |p| i + p);
                let end = if text[..line_end].ends_with('\r') && line_end > i {
                    line_end - 1
                } else {
                    line_end
                };
                // Line and own-line as the text's line index gives them.
                let line = lines.line_of(u32::try_from(i).unwrap());
                let line_start = lines.line_start(line) as usize;
                let own_line = text[line_start..i]
                    .chars()
                    .all(|c| c == ' ' || c == '\t' || c == '\u{feff}');
                out.push((i, end, line, own_line));
                i = line_end;
                continue;
            }
            i += 1;
        }
        out
    }

    #[test]
    fn jumping_to_each_hash_finds_what_reading_every_byte_finds() {
        let alphabet = [b'#', b' ', b'\t', b'\n', b'\r', b'a', b'a', b'a', b'"'];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        for _ in 0..2000 {
            let len = 1 + next(120);
            let text: String = (0..len)
                .map(|_| alphabet[next(alphabet.len())] as char)
                .collect();
            // Sorted, non-overlapping opaque ranges.
            let mut opaque = Vec::new();
            let mut at = next(len);
            while at < len && opaque.len() < 4 {
                let end = (at + 1 + next(20)).min(len);
                opaque.push((at, end));
                at = end + next(30);
            }
            let lines = LineIndex::new(&text);
            let fast: Vec<(usize, usize, u32, bool)> = scan(&text, &opaque)
                .iter()
                .map(|c| {
                    (
                        c.span.start as usize,
                        c.span.end as usize,
                        c.line,
                        c.own_line,
                    )
                })
                .collect();
            assert_eq!(
                fast,
                scan_every_byte(&text, &opaque, &lines),
                "{text:?} {opaque:?}"
            );
        }
    }

    #[test]
    fn finds_comments_outside_opaque_ranges() {
        let text = "# a\nk: v # b\nq: \"x # no\"\nz: a#b\n";
        let q = text.find('"').unwrap();
        let q_end = text[q + 1..].find('"').unwrap() + q + 2;
        let found = scan(text, &[(q, q_end)]);
        let texts: Vec<_> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" a", " b"]);
        assert_eq!(found[0].line, 0);
        assert!(found[0].own_line);
        assert_eq!(found[1].line, 1);
        assert!(!found[1].own_line);
        assert_eq!(found[1].span.text(text), "# b");
    }
}
