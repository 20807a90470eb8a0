//! DF0025 `package-upgrade`: Whole-system package upgrade in the image.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `apt-get upgrade`, `apt-get dist-upgrade`/`full-upgrade` (also with `apt`) and
    /// `zypper dist-upgrade`/`dup`.
    ///
    /// ## Why is this bad?
    /// Upgrading everything makes the image depend on the day of the build and can break the
    /// base image's assumptions; the base image's maintainers already ship updates.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get dist-upgrade -y
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12.8
    /// RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20230311
    /// ```
    ///
    /// ## References
    /// - <https://avd.aquasec.com/misconfig/ds024>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3035>
    pub static META = {
        id: "DF0025",
        name: "package-upgrade",
        pack: Pack::Dockerfile,
        aliases: &["DS-0024", "DL3035"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "Whole-system package upgrade in the image",
        remediation: "Use a newer base image instead of upgrading every package; pin individual packages if needed.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        let sub = if cmd.is(&["apt-get", "apt"]) {
            super::sub_is(cmd, super::APT_VALUE_OPTS, &["upgrade", "dist-upgrade", "full-upgrade"])
        } else if cmd.is(&["zypper"]) {
            super::sub_is(cmd, &["--root", "-R", "--config", "-c"], &["dist-upgrade", "dup"])
        } else {
            None
        };
        if let Some(sub) = sub {
            let msg = format!("`{} {}` upgrades every package of the image", cmd.name().unwrap_or(""), sub.value);
            out.report(&META, facts, run.ins, sub.span, msg);
        }
    }
}
