//! A small Rego tokenizer: enough structure (identifiers, literals, brackets,
//! operators, newlines) for Gatekeeper's template checks and the source shims,
//! which work on tokens, never on raw text.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Ident,
    Number,
    /// `"…"` or `` `…` ``.
    Str,
    /// Operators and brackets (`:=`, `==`, `{`, `.`, …).
    Punct,
    Newline,
    Comment,
}

/// One token: its kind and byte range in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }

    pub fn is(&self, src: &str, text: &str) -> bool {
        self.text(src) == text
    }

    /// Whether an expression can end with this token (a value, or a closing bracket).
    pub fn ends_value(&self, src: &str) -> bool {
        match self.kind {
            Tok::Ident => !matches!(
                self.text(src),
                "not" | "some" | "with" | "as" | "in" | "if" | "contains" | "else" | "every"
            ),
            Tok::Number | Tok::Str => true,
            Tok::Punct => matches!(self.text(src), ")" | "]" | "}"),
            Tok::Newline | Tok::Comment => false,
        }
    }
}

/// An unterminated string (the byte offset where it starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexError {
    pub offset: usize,
    pub message: &'static str,
}

const PUNCT2: &[&str] = &[":=", "==", "!=", "<=", ">="];

/// Tokenize Rego source.
#[allow(clippy::too_many_lines)] // one pass, easier to follow whole
pub fn tokenize(src: &str) -> Result<Vec<Token>, LexError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let kind = match b {
            b'\n' => {
                i += 1;
                Tok::Newline
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                Tok::Comment
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => {
                            return Err(LexError {
                                offset: start,
                                message: "unterminated string",
                            })
                        }
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                Tok::Str
            }
            b'`' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(LexError {
                                offset: start,
                                message: "unterminated raw string",
                            })
                        }
                        Some(b'`') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                Tok::Str
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while bytes
                    .get(i)
                    .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    i += 1;
                }
                Tok::Ident
            }
            c if c.is_ascii_digit() => {
                while bytes
                    .get(i)
                    .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
                {
                    // `1.e` never occurs; `e+5` exponents:
                    i += 1;
                    if matches!(bytes.get(i - 1), Some(b'e' | b'E'))
                        && matches!(bytes.get(i), Some(b'+' | b'-'))
                    {
                        i += 1;
                    }
                }
                Tok::Number
            }
            c if c >= 0x80 => {
                // Non-ASCII outside strings/comments: one whole character.
                let len = src
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                i += len;
                Tok::Punct
            }
            _ => {
                let two = src.get(i..i + 2).unwrap_or("");
                i += if PUNCT2.contains(&two) { 2 } else { 1 };
                Tok::Punct
            }
        };
        out.push(Token {
            kind,
            start,
            end: i,
        });
    }
    Ok(out)
}

/// Indices of the tokens that matter for structure (no comments).
pub fn significant(tokens: &[Token]) -> Vec<Token> {
    tokens
        .iter()
        .copied()
        .filter(|t| t.kind != Tok::Comment)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_a_rule() {
        let src = "violation[{\"msg\": m}] { # c\n  x := `a\nb`; y != 1.5e+3\n}";
        let toks = tokenize(src).unwrap();
        let texts: Vec<&str> = toks.iter().map(|t| t.text(src)).collect();
        assert_eq!(
            texts,
            [
                "violation",
                "[",
                "{",
                "\"msg\"",
                ":",
                "m",
                "}",
                "]",
                "{",
                "# c",
                "\n",
                "x",
                ":=",
                "`a\nb`",
                ";",
                "y",
                "!=",
                "1.5e+3",
                "\n",
                "}"
            ]
        );
        assert!(tokenize("x := \"abc").is_err());
    }
}
