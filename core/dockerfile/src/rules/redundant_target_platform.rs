//! DF0056 `redundant-target-platform`: FROM --platform=$TARGETPLATFORM is redundant.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
    ///
    /// ## Why is this bad?
    /// The target platform is already the default platform of every stage; the flag only adds
    /// noise.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3065>
    /// - <https://docs.docker.com/reference/build-checks/redundant-target-platform/>
    pub static META = {
        id: "DF0056",
        name: "redundant-target-platform",
        pack: Pack::Dockerfile,
        aliases: &["DL3065", "RedundantTargetPlatform"],
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "FROM --platform=$TARGETPLATFORM is redundant",
        remediation: "Remove `--platform=$TARGETPLATFORM`; it is the default.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let Some(flag) = stage.from.flag("platform") else { continue };
        let Some(v) = flag.value.as_deref() else { continue };
        if v == "$TARGETPLATFORM" || v == "${TARGETPLATFORM}" {
            let msg = format!("`--platform={v}` is the default and can be removed");
            out.report(&META, facts, stage.from, flag.span, msg);
        }
    }
}
