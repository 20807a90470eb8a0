//! DF0053 `from-as-casing`: `FROM` and `AS` are cased differently.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `FROM … as name` (or `from … AS name`): the `AS` keyword in a different case
    /// from the `FROM` keyword.
    ///
    /// ## Why is this bad?
    /// Inconsistent keyword casing makes the file harder to read and grep.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 as build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/from-as-casing/>
    pub static META = {
        id: "DF0053",
        name: "from-as-casing",
        pack: Pack::Dockerfile,
        aliases: &["FromAsCasing"],
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "`FROM` and `AS` are cased differently",
        remediation: "Write `AS` in the same case as `FROM`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let Some(as_word) = stage.from.words().get(1) else { continue };
        if stage.name.is_none() {
            continue;
        }
        let from_upper = stage.from.keyword_text == stage.from.keyword_text.to_ascii_uppercase();
        let from_lower = stage.from.keyword_text == stage.from.keyword_text.to_ascii_lowercase();
        let bad = (from_upper && as_word.value != "AS") || (from_lower && as_word.value != "as");
        if bad {
            let msg = format!("`{}` does not match the casing of `{}`", as_word.value, stage.from.keyword_text);
            out.report(&META, facts, stage.from, as_word.span, msg);
        }
    }
}
