//! DF0050 `reserved-stage-name`: Stage uses a reserved name.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a stage named `scratch` or `context`.
    ///
    /// ## Why is this bad?
    /// `scratch` is the empty image and `context` the build context: a stage with either name
    /// cannot be referred to as that stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3063>
    /// - <https://docs.docker.com/reference/build-checks/reserved-stage-name/>
    pub static META = {
        id: "DF0050",
        name: "reserved-stage-name",
        pack: Pack::Dockerfile,
        aliases: &["DL3063", "ReservedStageName"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Stage uses a reserved name",
        remediation: "Rename the stage; `scratch` and `context` are reserved.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let Some(name) = stage.name else { continue };
        let lower = name.value.to_ascii_lowercase();
        if lower == "scratch" || lower == "context" {
            let msg = format!("stage name `{}` is reserved", name.value);
            out.report(&META, facts, stage.from, name.span, msg);
        }
    }
}
