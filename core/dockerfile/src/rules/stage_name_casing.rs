//! DF0049 `stage-name-casing`: Stage name is not lower-case.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a stage name (`FROM … AS Name`) with upper-case letters.
    ///
    /// ## Why is this bad?
    /// Stage names are compared case-insensitively but image references must be lower-case;
    /// mixed case invites confusion between the two in `COPY --from` and `--target`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS Builder
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS builder
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/stage-name-casing/>
    pub static META = {
        id: "DF0049",
        name: "stage-name-casing",
        pack: Pack::Dockerfile,
        aliases: &["StageNameCasing"],
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "Stage name is not lower-case",
        remediation: "Write stage names in lower case.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let Some(name) = stage.name else { continue };
        if name.value.chars().any(|c| c.is_ascii_uppercase()) {
            let msg = format!("stage name `{}` should be lower-case", name.value);
            out.report_fix(&META, facts, stage.from, name.span, msg, crate::fixes::lower_stage_name(facts, name));
        }
    }
}
