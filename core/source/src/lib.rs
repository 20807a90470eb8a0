//! The bottom layer of Stockade: what every pack and the facade share.
//!
//! - [`source`]: a scanned text, byte [`Span`]s, the [`LineIndex`] that turns
//!   offsets into 1-based line/column (UTF-8 code points and UTF-16 units), and
//!   [`origin`]s for documents rendered from other files;
//! - [`finding`]: what rules emit ([`finding::Diagnostic`]) and located errors
//!   ([`finding::Problem`], [`finding::ErrorKind`]), and the report shape;
//! - [`fix`]: the text edits a rule proposes for its finding, and applying them;
//! - [`rule`]: rule metadata, declared once per rule with [`declare_rule!`];
//! - [`settings`] and [`context`]: what a pack reads of the configuration and
//!   reports into; [`suppress`]: inline suppressions;
//! - shared vocabulary: [`image`] references, [`glob`] sets, [`go`] formatting;
//! - [`walk`]: the one folder walker and bounded file reader every input goes
//!   through.
//!
//! This crate does no I/O beyond what a caller asks of [`walk`] (walking a
//! folder, reading a file it names).
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod context;
pub mod finding;
pub mod fix;
pub mod glob;
pub mod go;
pub mod image;
pub mod origin;
pub mod parallel;
pub mod rule;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod walk;

pub use source::{LineIndex, OneIndexed, Position, Source, Span, Utf16Position};

/// The version of Stockade, reported in every [`finding::Report`] (the layers are
/// versioned together).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
