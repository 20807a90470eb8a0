//! DF0027 `apk-missing-no-cache`: `apk add` without `--no-cache`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache`, unless `/var/cache/apk` is a cache mount.
    ///
    /// ## Why is this bad?
    /// The package index stays in `/var/cache/apk` in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add curl=8.11.0-r2
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.11.0-r2
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3019>
    /// - <https://avd.aquasec.com/misconfig/ds025>
    pub static META = {
        id: "DF0027",
        name: "apk-missing-no-cache",
        pack: Pack::Dockerfile,
        aliases: &["DL3019", "DS-0025"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`apk add` without `--no-cache`",
        remediation: "Use `apk add --no-cache` (no `apk update` needed), or a cache mount for `/var/cache/apk`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, sub) in facts.package_commands(&super::APK_ADD) {
        let cached = run.ins.flags.iter().any(|f| {
            f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("type=cache") && v.contains("/var/cache/apk"))
        });
        // `--no-network` fetches no index, so there is nothing to cache.
        if !cached && !cmd.has_option(&["--no-cache", "--no-network"]) {
            let fix = crate::fixes::insert_after_word(facts, sub, "--no-cache", "Add `--no-cache`");
            out.report_fix(&META, facts, run.ins, super::cmd_span(cmd, Some(sub)), "`apk add` without `--no-cache`", fix);
        }
    }
}
