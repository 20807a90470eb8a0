//! String functions with the semantics of the Go libraries Sprig calls:
//! `Masterminds/goutils` (`abbrev`, `abbrevboth`, `initials`, `nospace`,
//! `swapcase`, `untitle`, `wrap`, `wrapWith`), `huandu/xstrings` v1.5.0
//! (`snakecase`, `kebabcase`, `camelcase` = `ToPascalCase`, `shuffle`) and
//! Sprig's own (`trunc`, `substr`). Where Go slices bytes and may cut a UTF-8
//! sequence, the result keeps the cut bytes as U+FFFD (Rust strings are UTF-8).

/// Go's `unicode.IsSpace`.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsPunct` (Unicode `P*`): exact for ASCII and Latin-1, the
/// general-punctuation and CJK-symbol blocks beyond.
pub fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation()
            && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x37E | 0x387
        | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E
        | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFF01..=0xFF03
        | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Sprig's `trunc`: the first `c` bytes, or the last `-c` bytes when negative.
pub fn trunc(c: i64, s: &str) -> String {
    let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
    let b = s.as_bytes();
    if c < 0 && len + c > 0 {
        return lossy(
            b.get(usize::try_from(len + c).unwrap_or(0)..)
                .unwrap_or(b""),
        );
    }
    if c >= 0 && len > c {
        return lossy(b.get(..usize::try_from(c).unwrap_or(0)).unwrap_or(b""));
    }
    s.to_string()
}

/// Why `substr` failed: Go panics with a slice-bounds error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("runtime error: slice bounds out of range [{what}]")]
pub struct SliceBounds {
    /// Go's description, e.g. `:5] with length 3` or `3:1`.
    pub what: String,
}

/// Sprig's `substr start end s` (byte offsets; Go panics on bad bounds).
pub fn substr(start: i64, end: i64, s: &str) -> Result<String, SliceBounds> {
    let b = s.as_bytes();
    let len = i64::try_from(b.len()).unwrap_or(i64::MAX);
    let slice = |lo: i64, hi: i64| -> Result<String, SliceBounds> {
        if hi < 0 || hi > len {
            return Err(SliceBounds {
                what: format!(":{hi}] with length {len}"),
            });
        }
        if lo < 0 || lo > hi {
            return Err(SliceBounds {
                what: format!("{lo}:{hi}"),
            });
        }
        let (lo, hi) = (
            usize::try_from(lo).unwrap_or(0),
            usize::try_from(hi).unwrap_or(0),
        );
        Ok(lossy(b.get(lo..hi).unwrap_or(b"")))
    };
    if start < 0 {
        return slice(0, end);
    }
    if end < 0 || end > len {
        if start > len {
            return Err(SliceBounds {
                what: format!("{start}:{len}"),
            });
        }
        return slice(start, len);
    }
    slice(start, end)
}

/// goutils `AbbreviateFull` (byte offsets), with Sprig's guards in `abbrev`/`abbrevboth`.
pub fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> String {
    let b = s.as_bytes();
    let len = i64::try_from(b.len()).unwrap_or(i64::MAX);
    if s.is_empty() || max_width < 4 {
        return String::new();
    }
    if len <= max_width {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let at = |i: i64| usize::try_from(i).unwrap_or(0);
    if offset <= 4 {
        return format!("{}...", lossy(b.get(..at(max_width - 3)).unwrap_or(b"")));
    }
    if max_width < 7 {
        return String::new();
    }
    if offset + max_width - 3 < len {
        let rest = lossy(b.get(at(offset)..).unwrap_or(b""));
        return format!("...{}", abbreviate_full(&rest, 0, max_width - 3));
    }
    format!(
        "...{}",
        lossy(b.get(at(len - (max_width - 3))..).unwrap_or(b""))
    )
}

/// Sprig's `abbrev width s`.
pub fn abbrev(width: i64, s: &str) -> String {
    if width < 4 {
        return s.to_string();
    }
    abbreviate_full(s, 0, width)
}

/// Sprig's `abbrevboth left right s`.
pub fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || (left > 0 && right < 7) {
        return s.to_string();
    }
    abbreviate_full(s, left, right)
}

/// goutils reads strings byte by byte as if each byte were a rune (Latin-1).
fn latin1(b: u8) -> char {
    char::from(b)
}

/// goutils `Initials` (whitespace-delimited, byte-wise as goutils is).
pub fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for &b in s.as_bytes() {
        let c = latin1(b);
        if is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// goutils `DeleteWhiteSpace` (byte-wise as goutils is: non-ASCII bytes come out as Latin-1).
pub fn nospace(s: &str) -> String {
    let bytes = s.as_bytes();
    if bytes.iter().all(|&b| !is_space(latin1(b))) {
        return s.to_string();
    }
    bytes
        .iter()
        .map(|&b| latin1(b))
        .filter(|c| !is_space(*c))
        .collect()
}

fn to_title(c: char) -> String {
    match c {
        'ǆ' | 'ǅ' | 'Ǆ' => "ǅ".to_string(),
        'ǉ' | 'ǈ' | 'Ǉ' => "ǈ".to_string(),
        'ǌ' | 'ǋ' | 'Ǌ' => "ǋ".to_string(),
        'ǳ' | 'ǲ' | 'Ǳ' => "ǲ".to_string(),
        c => simple_upper(c).to_string(),
    }
}

/// Go's `unicode.ToUpper` (simple mapping: one rune to one rune).
pub fn simple_upper(c: char) -> char {
    // Where the full mapping is several runes but a simple one exists.
    let simple = match c as u32 {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => Some(c as u32 + 8),
        0x1FB3 => Some(0x1FBC),
        0x1FC3 => Some(0x1FCC),
        0x1FF3 => Some(0x1FFC),
        _ => None,
    };
    if let Some(u) = simple.and_then(char::from_u32) {
        return u;
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower` (simple mapping).
pub fn simple_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.ToUpper`.
pub fn upper(s: &str) -> String {
    s.chars().map(simple_upper).collect()
}

/// Go's `strings.ToLower`.
pub fn lower(s: &str) -> String {
    s.chars().map(simple_lower).collect()
}

/// Go's deprecated `strings.Title`: the first letter of each word in title case
/// (a word starts after a rune that is not a letter, digit, `_` or mark).
pub fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        let sep = if prev.is_ascii() {
            !(prev.is_ascii_alphanumeric() || prev == '_')
        } else {
            !(prev.is_alphanumeric()) && is_space(prev)
        };
        if sep {
            out.push_str(&to_title(c));
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// goutils `Uncapitalize` (Sprig's `untitle`).
pub fn untitle(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut next = true;
    for c in s.chars() {
        if is_space(c) {
            next = true;
            out.push(c);
        } else if next {
            out.push(simple_lower(c));
            next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// goutils `SwapCase` (Sprig's `swapcase`).
pub fn swapcase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut whitespace = true;
    for c in s.chars() {
        if c.is_uppercase() || is_titlecase(c) {
            out.push(simple_lower(c));
            whitespace = false;
        } else if c.is_lowercase() {
            if whitespace {
                out.push_str(&to_title(c));
                whitespace = false;
            } else {
                out.push(simple_upper(c));
            }
        } else {
            whitespace = is_space(c);
            out.push(c);
        }
    }
    out
}

fn is_titlecase(c: char) -> bool {
    matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ')
        || matches!(c as u32, 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// goutils `WrapCustom(s, width, newline, wrapLong)` (byte offsets, `' '` as the only break).
pub fn wrap_custom(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = usize::try_from(width.max(1)).unwrap_or(1);
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::with_capacity(len + 8);
    while len - offset > width {
        if b.get(offset) == Some(&b' ') {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let window = b.get(offset..end).unwrap_or(b"");
        if let Some(space) = window.iter().rposition(|&c| c == b' ') {
            let at = offset + space;
            out.extend_from_slice(b.get(offset..at).unwrap_or(b""));
            out.extend_from_slice(newline.as_bytes());
            offset = at + 1;
        } else if wrap_long {
            let end = width + offset;
            out.extend_from_slice(b.get(offset..end).unwrap_or(b""));
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b.get(end..).unwrap_or(b"").iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(b.get(offset..).unwrap_or(b""));
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(b.get(offset..at).unwrap_or(b""));
                    out.extend_from_slice(newline.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(b.get(offset..).unwrap_or(b""));
    lossy(&out)
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    // xstrings treats common CJK ideographs as "other", not alphabet.
    !matches!(c as u32, 0x4E00..=0x9FCC | 0x3400..=0x4DB5 | 0x20000..=0x2A6D6 | 0xF900..=0xFAD9)
}

fn is_number(c: char) -> bool {
    c.is_numeric()
}

/// xstrings v1.5.0 `ToPascalCase` (Sprig's `camelcase`).
pub fn pascal_case(s: &str) -> String {
    let mut chars = s.chars();
    let mut out = String::with_capacity(s.len());
    let mut r0 = '\0';
    let mut found = false;
    let mut first_upper = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = simple_upper(c);
            found = true;
            break;
        }
        out.push(c);
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        if found {
            out.push(r0);
        }
        return out;
    }
    for c in rest {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = simple_upper(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = simple_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings `nextWord`: the type and text of the next word, and the rest.
fn next_word(s: &str) -> (Word, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else {
        return (Word::Invalid, "", "");
    };
    let mut end = r.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s.get(*end..).unwrap_or("").chars() {
            if !pred(c) {
                break;
            }
            *end += c.len_utf8();
        }
    };
    let wt = if is_connector(r) {
        take_while(&mut end, &is_connector);
        Word::Connector
    } else if is_punct(r) {
        take_while(&mut end, &is_punct);
        Word::Punct
    } else if r.is_uppercase() {
        let rest = s.get(end..).unwrap_or("");
        if let Some(n) = rest.chars().next() {
            if n.is_uppercase() {
                // A run of capitals; the last belongs to the next word when a lower-case letter follows.
                let mut prev_size = n.len_utf8();
                end += prev_size;
                let mut next = None;
                for c in s.get(end..).unwrap_or("").chars() {
                    if !c.is_uppercase() {
                        next = Some(c);
                        break;
                    }
                    prev_size = c.len_utf8();
                    end += prev_size;
                }
                if let Some(c) = next {
                    if is_alphabet(c) {
                        end -= prev_size;
                    }
                }
            } else if is_alphabet(n) {
                end += n.len_utf8();
                take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
            }
        }
        Word::Upper
    } else if is_alphabet(r) {
        take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
        Word::Alphabet
    } else if is_number(r) {
        take_while(&mut end, &is_number);
        Word::Number
    } else {
        take_while(&mut end, &|c| {
            !(is_connector(c) || is_alphabet(c) || is_number(c) || is_punct(c))
        });
        Word::Other
    };
    (wt, s.get(..end).unwrap_or(""), s.get(end..).unwrap_or(""))
}

fn push_lower(out: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(simple_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase` (`snakecase` with `_`, `kebabcase` with `-`).
pub fn to_lower_case(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

/// Go's `strings.Fields`-free `strings.Trim(s, cutset)`.
pub fn trim_set(s: &str, cutset: &str) -> String {
    s.trim_matches(|c| cutset.contains(c)).to_string()
}

/// `${name}` after the `$`: the name and how many bytes it takes (Go's
/// `getShellName` for a brace).
fn braced(rest: &[u8]) -> (&[u8], usize) {
    match rest.iter().skip(1).position(|&c| c == b'}') {
        Some(0) => (b"", 2),
        Some(p) => (rest.get(1..=p).unwrap_or(b""), p + 2),
        None => (b"", 1),
    }
}

/// Go's `os.Expand` with `mapping`.
#[allow(clippy::many_single_char_names)]
pub fn os_expand(s: &str, mapping: &dyn Fn(&str) -> String) -> String {
    let b = s.as_bytes();
    let special =
        |c: u8| matches!(c, b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-') || c.is_ascii_digit();
    let mut out: Vec<u8> = Vec::new();
    let mut used = false;
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b.get(j) == Some(&b'$') && j + 1 < b.len() {
            used = true;
            out.extend_from_slice(b.get(i..j).unwrap_or(b""));
            let rest = b.get(j + 1..).unwrap_or(b"");
            let (name, w): (&[u8], usize) = if rest.first() == Some(&b'{') {
                if let [_, c, b'}', ..] = rest {
                    if special(*c) {
                        (rest.get(1..2).unwrap_or(b""), 3)
                    } else {
                        braced(rest)
                    }
                } else {
                    braced(rest)
                }
            } else if rest.first().is_some_and(|&c| special(c)) {
                (rest.get(..1).unwrap_or(b""), 1)
            } else {
                let n = rest
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                (rest.get(..n).unwrap_or(b""), n)
            };
            if name.is_empty() && w > 0 {
                // Bad syntax: the characters are eaten.
            } else if name.is_empty() {
                out.push(b'$');
            } else {
                out.extend_from_slice(mapping(&String::from_utf8_lossy(name)).as_bytes());
            }
            j += w;
            i = j + 1;
        }
        j += 1;
    }
    if !used {
        return s.to_string();
    }
    out.extend_from_slice(b.get(i..).unwrap_or(b""));
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(to_lower_case("FirstName", '_'), "first_name");
        assert_eq!(to_lower_case("HTTPServer", '_'), "http_server");
        assert_eq!(to_lower_case("NoHTTPS", '_'), "no_https");
        assert_eq!(to_lower_case("GO_PATH", '_'), "go_path");
        assert_eq!(to_lower_case("GO PATH", '-'), "go-path");
        assert_eq!(to_lower_case("GO-PATH", '-'), "go-path");
        assert_eq!(to_lower_case("HTTP2XX", '_'), "http2_xx");
        assert_eq!(to_lower_case("ABC123xyz", '_'), "abc_123xyz");
        assert_eq!(pascal_case("_camel_case"), "_CamelCase");
        assert_eq!(pascal_case("no_https"), "NoHttps");
        assert_eq!(pascal_case("_complex__case_"), "_Complex_Case_");
        assert_eq!(pascal_case("all"), "All");
        assert_eq!(pascal_case("GOLANG_IS_GREAT"), "GolangIsGreat");
        assert_eq!(swapcase("This Is A.Test"), "tHIS iS a.tEST");
    }

    #[test]
    fn goutils() {
        assert_eq!(abbrev(5, "hello world"), "he...");
        assert_eq!(abbrevboth(5, 10, "1234 5678 9123"), "...5678...");
        assert_eq!(initials("First Try"), "FT");
        assert_eq!(nospace("h e l l o "), "hello");
        assert_eq!(untitle("First Try"), "first try");
        assert_eq!(wrap_custom("Hello World", 5, "", false), "Hello\nWorld");
        assert_eq!(wrap_custom("Hello World", 5, "\t", true), "Hello\tWorld");
        assert_eq!(
            wrap_custom("abcdefghij klm", 3, "\n", true),
            "abc\ndef\nghi\nj\nklm"
        );
        assert_eq!(title("hello wide-world"), "Hello Wide-World");
    }

    #[test]
    fn slicing() {
        assert_eq!(trunc(-3, "baaaaaar"), "aar");
        assert_eq!(trunc(-999, "baaaaaar"), "baaaaaar");
        assert_eq!(trunc(0, "baaaaaz"), "");
        assert_eq!(substr(0, 3, "fooo").ok().as_deref(), Some("foo"));
        assert_eq!(substr(0, 10, "foo").ok().as_deref(), Some("foo"));
        assert_eq!(substr(-1, 2, "foo").ok().as_deref(), Some("fo"));
        assert!(substr(2, 1, "foo").is_err());
    }
}
