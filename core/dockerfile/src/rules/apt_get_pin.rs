//! DF0023 `apt-get-unpinned`: `apt-get install` of a package without a version.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports each package of `apt-get install` written without `=version`, also when it comes
    /// from a variable (`deps='curl git'; apt-get install $deps`, or an ARG/ENV). Local `.deb`
    /// files, variables that cannot be resolved, command substitutions and dry runs (`-s`,
    /// `--simulate`, …) are not reported.
    ///
    /// ## Why is this bad?
    /// The package version then depends on the day of the build; a rebuild can pull a breaking
    /// change or a regression without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3008>
    pub static META = {
        id: "DF0023",
        name: "apt-get-unpinned",
        pack: Pack::Dockerfile,
        aliases: &["DL3008"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`apt-get install` of a package without a version",
        remediation: "Pin the version: `apt-get install curl=8.5.0-2ubuntu10.6`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, _) in facts.package_commands(&super::APT_GET_INSTALL) {
        if super::apt_dry_run(cmd) {
            continue;
        }
        for pkg in super::resolved_packages(facts, run, cmd, super::APT_VALUE_OPTS) {
            let v = &pkg.name;
            if v.contains('=') || super::has_ext(v, "deb") {
                continue;
            }
            let msg = format!("package {} is not pinned (`{v}=<version>`)", super::package_display(&pkg));
            let fix = format!(
                "Pin the version of `{v}`: `apt-get install {v}=<version>` (`apt-cache policy {v}` lists the versions available)."
            );
            out.report_with_remediation(&META, facts, run.ins, pkg.span, msg, fix);
        }
    }
}
