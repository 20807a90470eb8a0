//! The parser (Go's `text/template/parse/parse.go`).

use super::node::Tree;
use crate::error::ParseError;

/// Parser settings.
pub struct Options<'a> {
    /// Left delimiter; empty means `{{`.
    pub left: &'a str,
    /// Right delimiter; empty means `}}`.
    pub right: &'a str,
    /// Whether a function name is defined (Go: `function %q not defined`).
    pub is_func: &'a dyn Fn(&str) -> bool,
    /// Maximum syntactic nesting.
    pub max_depth: usize,
}

/// Parses `text` as the template `name`: returns its tree first, then one tree
/// per `define`/`block` in it (Go's `parse.Parse`).
pub fn parse(name: &str, text: &str, opts: &Options<'_>) -> Result<Vec<Tree>, ParseError> {
    let _ = (text, opts);
    Err(ParseError {
        name: name.to_owned(),
        line: 1,
        offset: 0,
        message: "not implemented".to_owned(),
    })
}
