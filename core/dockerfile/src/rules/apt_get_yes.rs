//! DF0021 `apt-get-missing-yes`: `apt-get install` without `-y`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (also `upgrade`, `dist-upgrade`, `remove`, `purge`) without
    /// `-y`, `--yes`, `--assume-yes` or `-qq` (a simulation, `-s`, asks nothing).
    ///
    /// ## Why is this bad?
    /// The build has no terminal: apt-get waits for an answer that never comes, or aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3014>
    /// - <https://avd.aquasec.com/misconfig/ds021>
    pub static META = {
        id: "DF0021",
        name: "apt-get-missing-yes",
        pack: Pack::Dockerfile,
        aliases: &["DL3014", "DS-0021"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "`apt-get install` without `-y`",
        remediation: "Add `-y` (or `--yes`, `--assume-yes`, `-qq`) to `apt-get install`.",
    };
}

/// The apt-get commands that ask for confirmation.
const APT_GET_ASKS: super::PackageCommand = super::PackageCommand {
    programs: &["apt-get"],
    value_options: super::APT_VALUE_OPTS,
    subcommands: &["install", "upgrade", "dist-upgrade", "remove", "purge", "full-upgrade"],
};

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, sub) in facts.package_commands(&APT_GET_ASKS) {
        let yes = cmd.has_option(&["-y", "--yes", "--assume-yes"])
            || super::apt_dry_run(cmd)
            || cmd.args().iter().any(|w| w.value == "-qq" || w.value == "--quiet=2" || w.value.starts_with("-qq"));
        if !yes {
            let msg = format!("`apt-get {}` without `-y`", sub.value);
            let fix = crate::fixes::insert_after_word(facts, sub, "-y", "Add `-y`");
            out.report_fix(&META, facts, run.ins, super::cmd_span(cmd, Some(sub)), msg, fix);
        }
    }
}
