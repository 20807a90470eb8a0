//! Shared helpers for integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod invariants;
mod shared;

#[allow(unused_imports)] // not every test binary reads ../shared
pub use shared::shared;
