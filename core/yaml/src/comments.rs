//! Finds comments: `saphyr-parser` skips them, so we scan the text between the
//! scalars it reported. A `#` starts a comment at the start of a line or after a
//! space or tab, unless it lies inside a quoted or block scalar (`opaque` spans).

use super::Comment;
use stockade_source::source::{LineIndex, Span};

/// Comments in `text`, skipping the sorted, non-overlapping `opaque` byte ranges.
pub(super) fn scan(text: &str, opaque: &[(usize, usize)], lines: &LineIndex) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
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
                    .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
                    .map_or(bytes.len(), |p| i + p);
                let mut end = rel_end;
                if end > i && bytes.get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
                let line = lines.line_of(u32::try_from(i).unwrap_or(u32::MAX));
                let line_start = lines.line_start(line) as usize;
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
        // Skip quickly to the next interesting byte.
        while i < bytes.len() && i < next_opaque && bytes.get(i) != Some(&b'#') {
            i += 1;
        }
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_opaque_ranges() {
        let text = "# a\nk: v # b\nq: \"x # no\"\nz: a#b\n";
        let q = text.find('"').unwrap();
        let q_end = text[q + 1..].find('"').unwrap() + q + 2;
        let lines = LineIndex::new(text);
        let found = scan(text, &[(q, q_end)], &lines);
        let texts: Vec<_> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" a", " b"]);
        assert_eq!(found[0].line, 0);
        assert!(found[0].own_line);
        assert_eq!(found[1].line, 1);
        assert!(!found[1].own_line);
        assert_eq!(found[1].span.text(text), "# b");
    }
}
