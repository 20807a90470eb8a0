//! DF0041 `from-platform-constant`: FROM --platform with a constant value.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=<value>` where the value is a constant (`linux/amd64`) rather
    /// than a variable such as `$BUILDPLATFORM`.
    ///
    /// ## Why is this bad?
    /// A fixed platform makes the build ignore `--platform` given by the user: a multi-platform
    /// build silently produces the same architecture for every target, or runs under emulation.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 node:22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM node:22 AS build
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3029>
    /// - <https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/>
    pub static META = {
        id: "DF0041",
        name: "from-platform-constant",
        pack: Pack::Dockerfile,
        aliases: &["DL3029", "FromPlatformFlagConstDisallowed"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "FROM --platform with a constant value",
        remediation: "Drop `--platform`, or use `$BUILDPLATFORM`/`$TARGETPLATFORM` for cross-compilation stages.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let Some(flag) = stage.from.flag("platform") else { continue };
        let Some(value) = flag.value.as_deref() else { continue };
        if value.contains('$') || value.is_empty() {
            continue;
        }
        let span = flag.value_span.unwrap_or(flag.span);
        let msg = format!("FROM --platform is the constant `{value}`");
        out.report(&META, facts, stage.from, span, msg);
    }
}
