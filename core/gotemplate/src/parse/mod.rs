//! Go's `text/template/parse`: lexer, parser, parse trees and their `String()` form.

mod lex;
mod node;
mod parser;

pub use node::{
    BranchKind, BranchNode, ChainNode, CommandNode, Fmt, Name, Node, NumberNode, PipeNode,
    TemplateNode, TextRef, Tree, VariableNode,
};
pub use parser::{parse, parse_tree, Options};
