//! Dockerfiles: a parser faithful to BuildKit's frontend, and the rule pack.

pub mod ast;
pub mod command;
pub mod expand;
pub mod model;
pub mod parser;
pub mod rules;

use crate::engine::Context;
use crate::rule::RuleMeta;
use crate::source::Source;

/// Every Dockerfile rule.
pub static RULES: &[&RuleMeta] = &[];

/// Parse and check one Dockerfile.
pub fn check(_source: &Source, ctx: &mut Context<'_>) {
    ctx.documents += 1;
    ctx.count_kind("Dockerfile");
}
