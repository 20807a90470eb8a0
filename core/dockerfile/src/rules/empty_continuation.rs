//! DF0058 `empty-continuation-line`: Empty line inside a line continuation.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an empty line inside an instruction continued with `\\` (BuildKit ignores it today
    /// and warns that it will become an error).
    ///
    /// ## Why is this bad?
    /// An empty line looks like the end of the instruction but is not: the next line silently
    /// becomes part of it, and future BuildKit versions reject the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && \\
    ///
    ///     apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && \\
    ///     apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/no-empty-continuation/>
    pub static META = {
        id: "DF0058",
        name: "empty-continuation-line",
        pack: Pack::Dockerfile,
        aliases: &["NoEmptyContinuation"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "Empty line inside a line continuation",
        remediation: "Remove the empty line, or end the instruction before it.",
    };
}

use stockade_source::source::Span;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for &line in &facts.file.empty_continuation_lines {
        let Some(ins) = facts.instructions().find(|i| i.lines().contains(&line)) else { continue };
        // Start of the 0-based `line` in the text.
        let start = facts
            .text
            .match_indices('\n')
            .nth((line as usize).wrapping_sub(1))
            .map_or(0, |(i, _)| i + 1);
        let start = if line == 0 { 0 } else { start };
        let end = facts.text.get(start..).and_then(|r| r.find('\n')).map_or(facts.text.len(), |n| start + n);
        let span = Span::from_range(start..end);
        let msg = format!("empty line {} inside the continued {}", line + 1, ins.keyword);
        out.report(&META, facts, ins, span, msg);
    }
}
