//! DF0030 `rpm-missing-yes`: yum/dnf/zypper install without a non-interactive switch.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `yum install`, `dnf install`, `microdnf install`, `tdnf install` without `-y`/
    /// `--assumeyes`, and `zypper install` without `-n`/`--non-interactive` (or `-y`/
    /// `--no-confirm` after the subcommand).
    ///
    /// ## Why is this bad?
    /// The build has no terminal: the install waits for an answer or aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3030>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3038>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3034>
    pub static META = {
        id: "DF0030",
        name: "rpm-missing-yes",
        pack: Pack::Dockerfile,
        aliases: &["DL3030", "DL3038", "DL3034"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "yum/dnf/zypper install without a non-interactive switch",
        remediation: "Add `-y` (`yum`/`dnf`) or `-n`/`--non-interactive` (`zypper`).",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, sub) in facts.package_commands(&super::RPM_INSTALL) {
        let mgr = cmd.name().unwrap_or("");
        let ok = if mgr == "zypper" {
            cmd.has_option(&["-n", "--non-interactive", "-y", "--no-confirm"])
        } else {
            cmd.has_option(&["-y", "--assumeyes"])
        };
        if !ok {
            let flag = if mgr == "zypper" { "-n" } else { "-y" };
            let msg = format!("`{mgr} {}` without `{flag}`", sub.value);
            out.report(&META, facts, run.ins, super::cmd_span(cmd, Some(sub)), msg);
        }
    }
}
