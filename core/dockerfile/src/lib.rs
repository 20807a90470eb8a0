//! Dockerfiles: a parser faithful to `BuildKit`'s frontend, and the rule pack.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod ast;
pub mod command;
pub mod conftest;
pub mod expand;
pub mod fixes;
pub mod model;
mod pack;
pub mod parser;
pub mod rules;

use stockade_source::context::Context;
use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::source::{Source, Span};
use stockade_source::suppress::{self, parse_rule_list, Scope, Suppression};

pub use pack::DockerfilePack;

/// `n` as a 32-bit offset, count or index (saturating; sources are at most
/// 4 GiB, so offsets and counts within one fit).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
pub use rules::RULES;

/// Parse and check one Dockerfile; returns the parsed file, so that other packs
/// (conftest policies) read it without parsing again.
pub fn check(source: &Source, ctx: &mut Context<'_>) -> ast::Dockerfile {
    ctx.documents += 1;
    ctx.count_kind("Dockerfile");
    let parsed = parser::parse(source.text());
    for p in parsed.problems {
        ctx.error(p);
    }
    let file = &parsed.dockerfile;
    let facts = rules::Facts::new(source.text(), file);
    let mut out = rules::Out {
        config: ctx.config,
        diagnostics: stockade_source::context::Findings::new(ctx.config.limits.max_findings),
    };
    for rule in rules::ALL {
        if ctx.enabled(rule.meta) {
            (rule.check)(&facts, &mut out);
        }
    }
    let at = |idx: usize| {
        file.instructions
            .get(idx)
            .map_or(Span::new(0, 0), |i| i.span)
    };
    if let Some(at) = facts.commands_limit {
        ctx.error(Problem::new(
            ErrorKind::Limit,
            at,
            format!(
                "the scripts of this file have more than {} shell commands and words; commands from here on are not checked",
                command::MAX_COMMANDS
            ),
        ));
    }
    if let Some(idx) = facts.model.expansion_limit() {
        ctx.error(Problem::new(
            ErrorKind::Limit,
            at(idx),
            format!(
                "variables expand to more than {} bytes over this file (a variable doubled on every line?); values substituted from here on are incomplete",
                model::EXPANSION_BUDGET
            ),
        ));
    }
    if let Some(idx) = facts.model.depth_limit() {
        ctx.error(Problem::new(
            ErrorKind::Limit,
            at(idx),
            format!(
                "`${{…}}` substitutions nest more than {} levels deep here; the word is not expanded",
                expand::MAX_SUBSTITUTION_DEPTH
            ),
        ));
    }
    if let Some(idx) = facts.model.truncated_at {
        ctx.error(Problem::new(
            ErrorKind::Limit,
            at(idx),
            format!(
                "stages inherit more than {} variables over this file; stages from here on do not inherit variables from their base stage",
                model::INHERIT_BUDGET
            ),
        ));
    }
    ctx.diagnostics.append(out.diagnostics);
    ctx.suppressions.extend(suppressions(file));
    parsed.dockerfile
}

/// Suppression comments: `# stockade ignore=ID,…` (or `# hadolint ignore=…`,
/// `# trivy:ignore:ID`) on the comment lines right above an instruction covers
/// that instruction; `# stockade global ignore=…` (or `# hadolint global
/// ignore=…`, `# checkov:skip=ID[:reason]` anywhere) the whole file. Ids go
/// through the alias table; another tool's id Stockade does not implement is a
/// notice, not an unused suppression.
pub fn suppressions(file: &ast::Dockerfile) -> Vec<Suppression> {
    let mut out = Vec::new();
    for c in &file.comments {
        if c.in_continuation {
            continue;
        }
        let Some((global, list, list_start, kind)) = directive(&c.text) else {
            continue;
        };
        let offset = c.text_span.start + list_start as u32;
        let rules = parse_rule_list(list, offset);
        if rules.is_empty() {
            continue;
        }
        let scope = if global {
            Scope::File
        } else {
            // The first instruction after the comment, with only comments between
            // (instructions and comments are in line order: binary searches keep
            // files with thousands of comments linear).
            let after = file
                .instructions
                .partition_point(|i| i.start_line <= c.line);
            let Some(next) = file.instructions.get(after) else {
                continue;
            };
            let between_ok = (c.line + 1..next.start_line)
                .all(|l| file.comments.binary_search_by_key(&l, |k| k.line).is_ok());
            if !between_ok {
                continue;
            }
            Scope::Range {
                document: 0,
                span: Span::new(next.span.start, next.span.end),
            }
        };
        out.push(Suppression {
            rules,
            scope,
            span: c.span,
            line: c.line + 1,
            kind,
            document: 0,
        });
    }
    out
}

/// A suppression directive in a comment's text: `(global, rule list, offset of
/// the list in the text, kind)`. `stockade`/`hadolint` `[global] ignore=…`;
/// Trivy's `trivy:ignore:ID` covers the next instruction; Checkov's
/// `checkov:skip=ID[:reason]` covers the file, as Checkov reads it.
fn directive(text: &str) -> Option<(bool, &str, usize, &'static str)> {
    if let Some((scope, id, at)) = suppress::parse_foreign_directive(text) {
        return Some(match scope {
            suppress::ForeignScope::Next => (false, id, at, "trivy-comment"),
            suppress::ForeignScope::Object => (true, id, at, "checkov-comment"),
        });
    }
    let trimmed = text.trim_start();
    let rest = trimmed
        .strip_prefix("stockade")
        .or_else(|| trimmed.strip_prefix("hadolint"))?;
    let after_tool = rest.trim_start();
    let (global, body) = match after_tool.strip_prefix("global") {
        Some(r) if r.starts_with(char::is_whitespace) => (true, r.trim_start()),
        _ => (false, after_tool),
    };
    let list = body.strip_prefix("ignore=")?;
    let start = text.len() - list.len();
    let list = list.get(..rule_list_len(list)).unwrap_or("");
    let kind = if global { "global-comment" } else { "comment" };
    Some((global, list, start, kind))
}

/// Length of the rule list at the start of `s`: names separated by commas, with
/// spaces allowed after a comma; anything after (a reason) is not part of it.
fn rule_list_len(s: &str) -> usize {
    let mut after_comma = false;
    for (i, c) in s.char_indices() {
        if c == ',' {
            after_comma = true;
        } else if c.is_whitespace() {
            if !after_comma {
                return i;
            }
        } else {
            after_comma = false;
        }
    }
    s.len()
}
