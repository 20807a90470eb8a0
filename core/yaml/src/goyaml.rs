//! Pieces of go-yaml v2's emitter that every Go-faithful YAML writer here
//! shares (Helm's `toYaml`, Kustomize's output): which styles a scalar allows
//! (libyaml's scalar analysis) and the order of map keys (`keyList.Less`).
//! Whether a plain scalar reads back as a string is
//! [`crate::plain_reads_as_string`].

use std::cmp::Ordering;

/// Scalar analysis, as go-yaml's `yaml_emitter_analyze_scalar`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // libyaml's flags, one per style
pub struct Analysis {
    /// It holds a line break.
    pub multiline: bool,
    /// It may be written plain in a flow collection.
    pub flow_plain: bool,
    /// It may be written plain in block context.
    pub block_plain: bool,
    /// It may be written single-quoted.
    pub single_quoted: bool,
    /// It may be written as a literal or folded block.
    pub block: bool,
}

/// libyaml's `IS_PRINTABLE` as go-yaml's emitter applies it (no BOM; nothing
/// above U+FFFF).
pub fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

/// libyaml's `IS_BREAK`.
pub fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_break(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c) || c == '\0',
    }
}

/// What styles go-yaml's emitter (libyaml's `yaml_emitter_analyze_scalar`)
/// allows for the scalar `value`.
pub fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single_quoted: true,
            block: false,
        };
    }
    // ASCII, nearly every scalar, is read as its bytes; other text as chars.
    if value.is_ascii() {
        return analyze_chars(value, value.as_bytes());
    }
    let chars: Vec<char> = value.chars().collect();
    analyze_chars(value, &chars)
}

/// [`analyze`] of `value`, given as its characters.
#[allow(clippy::too_many_lines)] // libyaml's function, step by step
fn analyze_chars<C: Copy + Into<char>>(value: &str, chars: &[C]) -> Analysis {
    let at = |i: usize| chars.get(i).map(|&c| c.into());
    let (mut block_ind, mut flow_ind) = (false, false);
    if value.starts_with("---") || value.starts_with("...") {
        block_ind = true;
        flow_ind = true;
    }
    let mut preceded_ws = true;
    let mut followed_ws = is_blank_or_break(at(1));
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut prev_space, mut prev_break) =
        (false, false, false, false);
    let (mut line_breaks, mut special) = (false, false);
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let c: char = c.into();
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_ind = true;
                    block_ind = true;
                }
                '?' | ':' => {
                    flow_ind = true;
                    if followed_ws {
                        block_ind = true;
                    }
                }
                '-' if followed_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_ind = true,
                ':' => {
                    flow_ind = true;
                    if followed_ws {
                        block_ind = true;
                    }
                }
                '#' if preceded_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = is_blank_or_break(Some(c));
        if i + 1 < n {
            followed_ws = is_blank_or_break(at(i + 2));
        }
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single_quoted: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single_quoted = false;
    }
    if space_break || special {
        a = Analysis {
            multiline: a.multiline,
            flow_plain: false,
            block_plain: false,
            single_quoted: false,
            block: false,
        };
    }
    if line_breaks {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if flow_ind {
        a.flow_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

/// go-yaml v2's map key order (`keyList.Less`): runs of digits compare as
/// numbers, letters after other characters.
pub fn key_less(a: &str, b: &str) -> bool {
    // ASCII keys, nearly all, compare as their bytes; others as chars.
    if a.is_ascii() && b.is_ascii() {
        return key_less_chars(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    key_less_chars(&ar, &br)
}

/// [`key_less`] of two keys given as their characters.
#[allow(clippy::many_single_char_names)] // as go-yaml's keyList.Less
fn key_less_chars<C: Copy + Into<char>>(ar: &[C], br: &[C]) -> bool {
    let ch = |s: &[C], i: usize| s.get(i).map(|&c| -> char { c.into() });
    let mut i = 0;
    while let (Some(ca), Some(cb)) = (ch(ar, i), ch(br, i)) {
        if ca == cb {
            i += 1;
            continue;
        }
        let al = ca.is_alphabetic();
        let bl = cb.is_alphabetic();
        if al && bl {
            return ca < cb;
        }
        if al || bl {
            return bl;
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ca == '0' || cb == '0' {
            let mut j = i;
            while j > 0 {
                j -= 1;
                let c = ch(ar, j).unwrap_or('x');
                if !c.is_ascii_digit() {
                    break;
                }
                if c != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while let Some(d) = ch(ar, ai).and_then(|c| c.to_digit(10)) {
            an = an.wrapping_mul(10).wrapping_add(i64::from(d));
            ai += 1;
        }
        let mut bi = i;
        while let Some(d) = ch(br, bi).and_then(|c| c.to_digit(10)) {
            bn = bn.wrapping_mul(10).wrapping_add(i64::from(d));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ca < cb;
    }
    ar.len() < br.len()
}

/// [`key_less`] as an ordering, for `sort_by`.
pub fn key_cmp(a: &str, b: &str) -> Ordering {
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::{analyze_chars, key_less, key_less_chars, Analysis};

    fn fields(a: Analysis) -> (bool, bool, bool, bool, bool) {
        (
            a.multiline,
            a.flow_plain,
            a.block_plain,
            a.single_quoted,
            a.block,
        )
    }

    /// The byte path for ASCII text decides as the char path does.
    #[test]
    fn ascii_text_is_analysed_and_ordered_as_its_characters() {
        let samples = [
            "a", "a1", "a10", "a9", "a09", "a009", "b", "B", "_x", "-", "- a", "---x", "...", "#c",
            "a #c", "a: b", " lead", "trail ", "x\ny", "x \ny", "x\n y", "\ttab", "k8s", "k08s",
            "10", "9", "0", "00", "1.5", "http://h", "?", "? x", "a,b", "{x}", "", "a\u{7f}",
        ];
        for a in samples {
            let chars: Vec<char> = a.chars().collect();
            assert_eq!(
                fields(analyze_chars(a, a.as_bytes())),
                fields(analyze_chars(a, &chars)),
                "{a:?}"
            );
            for b in samples {
                let bc: Vec<char> = b.chars().collect();
                assert_eq!(key_less(a, b), key_less_chars(&chars, &bc), "{a:?} < {b:?}");
            }
        }
        // Digits runs compare as numbers; letters sort after other characters.
        assert!(key_less("a9", "a10") && !key_less("a10", "a9"));
        assert!(key_less("_x", "a") && key_less("1", "a"));
        assert!(key_less("é1", "é2"));
    }
}
