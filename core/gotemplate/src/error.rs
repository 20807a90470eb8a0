//! Errors with Go's exact text and a structured position.

use std::fmt;

/// A position in a template text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pos {
    /// Byte offset in the text the template was parsed from (0-based).
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// Byte column as Go prints it in error positions: 0-based on every line
    /// (`{{nil}}` at the start of a text is `1:2`).
    pub col: usize,
}

impl Pos {
    /// The position of byte `offset` in `text`.
    pub fn of(text: &str, offset: usize) -> Pos {
        let before = text.get(..offset).unwrap_or(text);
        let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
        let col = match before.rfind('\n') {
            Some(nl) => offset - (nl + 1),
            None => offset,
        };
        Pos { offset, line, col }
    }
}

/// A template that did not parse. Displays as Go's `template: NAME:LINE: MSG`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("template: {name}:{line}: {message}")]
pub struct ParseError {
    /// Go's `ParseName`: the name of the template the text was given under.
    pub name: String,
    /// 1-based line of the token where the error was found.
    pub line: usize,
    /// Byte offset of that token.
    pub offset: usize,
    /// Go's message (`unexpected "}" in operand`).
    pub message: String,
}

/// What kind of execution error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecErrorKind {
    /// An error Go's executor reports (bad field, wrong type, function error...).
    Exec,
    /// A limit of [`crate::Limits`] was reached (output size, steps).
    Limit,
    /// `Execute` of a template name that is not in the set, or is empty.
    NoTemplate,
}

/// A template that failed to execute. Displays exactly as Go's error:
/// `template: NAME:LINE:COL: executing "NAME" at <CONTEXT>: MESSAGE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecError {
    pub kind: ExecErrorKind,
    /// Go's `ParseName` of the tree holding the node (the file name for Helm).
    pub parse_name: String,
    /// The name of the template executing (differs for `define`d templates).
    pub template: String,
    /// Position of the node being evaluated, if any.
    pub pos: Option<Pos>,
    /// The node being evaluated, as Go prints it (`String()` of the node).
    pub context: String,
    /// Go's message.
    pub message: String,
}

impl ExecError {
    /// True for budget errors (which pass through `include` unchanged).
    pub fn is_limit(&self) -> bool {
        self.kind == ExecErrorKind::Limit
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.pos) {
            (ExecErrorKind::NoTemplate, _) => write!(f, "template: {}", self.message),
            (_, Some(p)) => write!(
                f,
                "template: {}:{}:{}: executing {} at <{}>: {}",
                self.parse_name,
                p.line,
                p.col,
                crate::gofmt::quote(&self.template),
                self.context,
                self.message
            ),
            (_, None) => write!(f, "template: {}: {}", self.template, self.message),
        }
    }
}

impl std::error::Error for ExecError {}
