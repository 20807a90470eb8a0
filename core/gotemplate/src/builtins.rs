//! Go's builtin template functions.

/// Whether `name` is one of Go's builtin template functions.
pub fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "and"
            | "call"
            | "html"
            | "index"
            | "slice"
            | "js"
            | "len"
            | "not"
            | "or"
            | "print"
            | "printf"
            | "println"
            | "urlquery"
            | "eq"
            | "ge"
            | "gt"
            | "le"
            | "lt"
            | "ne"
    )
}
