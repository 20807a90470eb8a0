//! DF0019 `duplicate-stage-name`: Two stages have the same name.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `FROM … AS name` whose name (compared case-insensitively, as BuildKit does) was
    /// already used by an earlier stage.
    ///
    /// ## Why is this bad?
    /// BuildKit rejects the file; older builders silently used one of the stages.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// FROM debian:12 AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// FROM debian:12 AS test
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3024>
    /// - <https://avd.aquasec.com/misconfig/ds012>
    /// - <https://docs.docker.com/reference/build-checks/duplicate-stage-name/>
    pub static META = {
        id: "DF0019",
        name: "duplicate-stage-name",
        pack: Pack::Dockerfile,
        aliases: &["DL3024", "DS-0012", "CKV_DOCKER_11", "DuplicateStageName"],
        severity: Severity::High,
        category: Category::BestPractice,
        title: "Two stages have the same name",
        remediation: "Give every stage a unique name.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (i, stage) in facts.stages.iter().enumerate() {
        let Some(name) = stage.name else { continue };
        let lower = name.value.to_ascii_lowercase();
        let dup = facts.stages_named(&lower).first().is_some_and(|first| *first < i);
        if dup {
            let msg = format!("stage name `{}` is already used by an earlier stage", name.value);
            out.report(&META, facts, stage.from, name.span, msg);
        }
    }
}
