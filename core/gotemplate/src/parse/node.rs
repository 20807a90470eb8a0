//! Parse tree nodes (Go's `parse.Node` types) and their `String()` form.

use std::fmt;

/// A name in a parsed template (a field, variable, function or literal):
/// short ones are stored inline, so parsing one allocates nothing.
pub type Name = smol_str::SmolStr;

/// A slice of a template's text, sharing it (a text node costs no copy and
/// no allocation).
#[derive(Clone)]
pub struct TextRef {
    text: std::sync::Arc<str>,
    range: std::ops::Range<usize>,
}

impl TextRef {
    /// `range` of `text`.
    pub fn new(text: std::sync::Arc<str>, range: std::ops::Range<usize>) -> TextRef {
        TextRef { text, range }
    }

    /// The text (empty when the range is not a slice of it).
    pub fn as_str(&self) -> &str {
        self.text.get(self.range.clone()).unwrap_or_default()
    }
}

impl std::ops::Deref for TextRef {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for TextRef {
    fn eq(&self, other: &TextRef) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for TextRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A parsed template: Go's `parse.Tree`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tree {
    /// The template's name (a `define` name, or the name given to `parse`).
    pub name: String,
    /// Go's `ParseName`: the name of the top-level template the text was parsed
    /// under (error positions use it).
    pub parse_name: String,
    /// The body.
    pub root: Vec<Node>,
    /// The whole text it was parsed from (positions index into it).
    pub text: std::sync::Arc<str>,
    /// The delimiters it was parsed with (`String()` uses them).
    pub left: String,
    pub right: String,
    /// Byte offsets where the lines of `text` start (shared by the trees of one text).
    pub(crate) line_starts: std::sync::Arc<[usize]>,
}

/// How [`Node::write_to`] prints: Go's `textFormat` (`%s` or, in Go's parse
/// tests, `%q`) and the tree's delimiters.
#[derive(Clone, Copy, Debug)]
pub struct Fmt<'a> {
    pub quote_text: bool,
    pub left: &'a str,
    pub right: &'a str,
}

impl Fmt<'_> {
    /// `%s` text with `{{`/`}}`.
    pub const PLAIN: Fmt<'static> = Fmt {
        quote_text: false,
        left: "{{",
        right: "}}",
    };
}

impl Tree {
    /// The position of byte `offset` of the text (line and Go's column) without
    /// rescanning the text.
    pub fn pos_of(&self, offset: usize) -> crate::error::Pos {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        crate::error::Pos {
            offset,
            line,
            col: offset.saturating_sub(start),
        }
    }

    /// Go's `IsEmptyTree`: only whitespace text and comments (and no actions).
    pub fn is_empty(&self) -> bool {
        self.root.iter().all(|n| match n {
            Node::Text { text, .. } => text.trim_matches([' ', '\t', '\n', '\r']).is_empty(),
            Node::Comment { .. } => true,
            _ => false,
        })
    }

    /// Go's `Tree.Root.String()` with text nodes formatted as `text_format` says
    /// (`%s` normally, `%q` in Go's parse tests).
    pub fn to_string_with(&self, quote_text: bool) -> String {
        let f = self.fmt(quote_text);
        let mut s = String::new();
        for n in &self.root {
            n.write_to(&mut s, &f);
        }
        s
    }

    /// The [`Fmt`] of this tree.
    pub fn fmt(&self, quote_text: bool) -> Fmt<'_> {
        Fmt {
            quote_text,
            left: &self.left,
            right: &self.right,
        }
    }
}

impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_with(false))
    }
}

/// A number literal with every interpretation Go's parser found for it.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, PartialEq)]
pub struct NumberNode {
    pub pos: usize,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int64: i64,
    pub uint64: u64,
    pub float64: f64,
    pub complex: (f64, f64),
    /// The literal as written.
    pub text: Name,
}

/// A `$x` or `$x.Field.Chain` reference.
#[derive(Clone, Debug, PartialEq)]
pub struct VariableNode {
    pub pos: usize,
    /// `$x` then the field names.
    pub ident: Vec<Name>,
}

/// A command: its arguments (the first is the function or operand).
#[derive(Clone, Debug, PartialEq)]
pub struct CommandNode {
    pub pos: usize,
    pub args: Vec<Node>,
}

/// A pipeline with optional variable declarations.
#[derive(Clone, Debug, PartialEq)]
pub struct PipeNode {
    pub pos: usize,
    pub line: usize,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub decl: Vec<VariableNode>,
    pub cmds: Vec<CommandNode>,
}

/// `(pipeline).Field.Chain` or `$x.F` style chains on non-field operands.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainNode {
    pub pos: usize,
    pub node: Box<Node>,
    pub field: Vec<Name>,
}

/// Which control structure a [`BranchNode`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BranchKind {
    If,
    Range,
    With,
}

/// `if`, `range`, `with`.
#[derive(Clone, Debug, PartialEq)]
pub struct BranchNode {
    pub kind: BranchKind,
    pub pos: usize,
    pub line: usize,
    pub pipe: PipeNode,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

/// `{{template "name" pipeline}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateNode {
    pub pos: usize,
    pub line: usize,
    pub name: String,
    pub pipe: Option<PipeNode>,
}

/// A parse tree node.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Text {
        pos: usize,
        text: TextRef,
    },
    Comment {
        pos: usize,
        text: String,
    },
    Action {
        pos: usize,
        line: usize,
        /// Boxed: a pipeline is the largest thing a node holds, and every
        /// command argument is a node too (a node is 56 bytes, not 96).
        pipe: Box<PipeNode>,
    },
    Branch(Box<BranchNode>),
    Break {
        pos: usize,
        line: usize,
    },
    Continue {
        pos: usize,
        line: usize,
    },
    Template(Box<TemplateNode>),
    // Operands (inside commands).
    Identifier {
        pos: usize,
        name: Name,
    },
    Variable(VariableNode),
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Field {
        pos: usize,
        ident: Vec<Name>,
    },
    Chain(ChainNode),
    Bool {
        pos: usize,
        value: bool,
    },
    Number(Box<NumberNode>),
    String {
        pos: usize,
        quoted: Name,
        /// The unquoted value, shared with every value made from it.
        text: std::sync::Arc<str>,
    },
    Pipe(Box<PipeNode>),
}

impl Node {
    /// Byte offset of the node in its text.
    pub fn pos(&self) -> usize {
        match self {
            Node::Text { pos, .. }
            | Node::Comment { pos, .. }
            | Node::Action { pos, .. }
            | Node::Break { pos, .. }
            | Node::Continue { pos, .. }
            | Node::Identifier { pos, .. }
            | Node::Dot { pos }
            | Node::Nil { pos }
            | Node::Field { pos, .. }
            | Node::Bool { pos, .. }
            | Node::String { pos, .. } => *pos,
            Node::Branch(b) => b.pos,
            Node::Template(t) => t.pos,
            Node::Variable(v) => v.pos,
            Node::Chain(c) => c.pos,
            Node::Number(n) => n.pos,
            Node::Pipe(p) => p.pos,
        }
    }

    /// Appends Go's `String()` of the node.
    pub fn write_to(&self, s: &mut String, f: &Fmt<'_>) {
        match self {
            Node::Text { text, .. } => {
                if f.quote_text {
                    s.push_str(&crate::gofmt::quote(text));
                } else {
                    s.push_str(text);
                }
            }
            Node::Comment { text, .. } => {
                s.push_str(f.left);
                s.push_str(text);
                s.push_str(f.right);
            }
            Node::Action { pipe, .. } => {
                s.push_str(f.left);
                pipe.write_to(s, f);
                s.push_str(f.right);
            }
            Node::Branch(b) => {
                let name = match b.kind {
                    BranchKind::If => "if",
                    BranchKind::Range => "range",
                    BranchKind::With => "with",
                };
                s.push_str(f.left);
                s.push_str(name);
                s.push(' ');
                b.pipe.write_to(s, f);
                s.push_str(f.right);
                for n in &b.list {
                    n.write_to(s, f);
                }
                if let Some(e) = &b.else_list {
                    s.push_str(f.left);
                    s.push_str("else");
                    s.push_str(f.right);
                    for n in e {
                        n.write_to(s, f);
                    }
                }
                s.push_str(f.left);
                s.push_str("end");
                s.push_str(f.right);
            }
            Node::Break { .. } => s.push_str("{{break}}"),
            Node::Continue { .. } => s.push_str("{{continue}}"),
            Node::Template(t) => {
                s.push_str(f.left);
                s.push_str("template ");
                s.push_str(&crate::gofmt::quote(&t.name));
                if let Some(p) = &t.pipe {
                    s.push(' ');
                    p.write_to(s, f);
                }
                s.push_str(f.right);
            }
            Node::Identifier { name, .. } => s.push_str(name),
            Node::Variable(v) => s.push_str(&v.ident.join(".")),
            Node::Dot { .. } => s.push('.'),
            Node::Nil { .. } => s.push_str("nil"),
            Node::Field { ident, .. } => {
                for i in ident {
                    s.push('.');
                    s.push_str(i);
                }
            }
            Node::Chain(c) => {
                if let Node::Pipe(p) = c.node.as_ref() {
                    s.push('(');
                    p.write_to(s, f);
                    s.push(')');
                } else {
                    c.node.write_to(s, f);
                }
                for f in &c.field {
                    s.push('.');
                    s.push_str(f);
                }
            }
            Node::Bool { value, .. } => s.push_str(if *value { "true" } else { "false" }),
            Node::Number(n) => s.push_str(&n.text),
            Node::String { quoted, .. } => s.push_str(quoted),
            Node::Pipe(p) => p.write_to(s, f),
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s, &Fmt::PLAIN);
        f.write_str(&s)
    }
}

impl PipeNode {
    /// Appends Go's `String()` of the pipeline.
    pub fn write_to(&self, s: &mut String, f: &Fmt<'_>) {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&v.ident.join("."));
            }
            s.push_str(if self.is_assign { " = " } else { " := " });
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                s.push_str(" | ");
            }
            c.write_to(s, f);
        }
    }
}

impl fmt::Display for PipeNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s, &Fmt::PLAIN);
        f.write_str(&s)
    }
}

impl CommandNode {
    /// Appends Go's `String()` of the command.
    pub fn write_to(&self, s: &mut String, f: &Fmt<'_>) {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            if let Node::Pipe(p) = a {
                s.push('(');
                p.write_to(s, f);
                s.push(')');
            } else {
                a.write_to(s, f);
            }
        }
    }
}

impl fmt::Display for CommandNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s, &Fmt::PLAIN);
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    /// A parsed template is hundreds of thousands of nodes (every command
    /// argument is one): the large parts of a node are boxed.
    #[test]
    fn a_node_stays_small() {
        assert!(std::mem::size_of::<super::Node>() <= 56);
    }
}
