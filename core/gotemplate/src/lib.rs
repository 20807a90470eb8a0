//! Go's `text/template` (Go 1.26 semantics) in Rust, for rendering Helm charts.
//!
//! - [`parse`]: the lexer and parser (`text/template/parse`): [`Tree`], Go's parse
//!   errors, the tree's `String()` form.
//! - [`Template`]: a set of named templates with functions and options; `execute`
//!   runs one with data into a `String`, optionally telling a [`Tracer`] where
//!   every piece of output came from.
//! - [`Value`]: Go values as templates see them; [`gofmt`]: Go's `fmt` printing.
//! - [`Func`], [`FuncMap`], [`CallCtx`]: functions with Go's typed parameters.
//!
//! Every budget is explicit ([`Limits`]): nesting depth, output size, steps.

// `ExecError` carries Go's message, names and position; errors end an execution, so
// their size never matters on the hot path.
#![allow(clippy::result_large_err)]

pub mod error;
pub mod exec;
pub mod func;
pub mod gofmt;
pub mod parse;
pub mod trace;
pub mod value;

mod builtins;
mod set;

pub use builtins::{html_escape, js_escape, query_escape};
pub use error::{ExecError, ExecErrorKind, ParseError, Pos};
pub use exec::NestedError;
pub use func::{CallCtx, Func, FuncError, FuncMap, Param};
pub use parse::{Node, Tree};
pub use set::{Limits, MissingKey, OptionError, Template};
pub use trace::{DataPath, OwnedPiece, PathSeg, Piece, PieceKind, Recorder, Tracer};
pub use value::{Entries, FloatType, IntType, Kind, List, Map, Member, Object, UintType, Value};
