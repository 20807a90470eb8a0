//! DF0028 `apk-unpinned`: `apk add` of a package without a version.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports each package of `apk add` written without a version constraint (`=`, `~`, `<`,
    /// `>`); local `.apk` files, virtual package names (`--virtual NAME`), unset variables and
    /// command substitutions (`deps="$(scanelf …)"; apk add $deps`) are not reported.
    ///
    /// ## Why is this bad?
    /// The package version then depends on the day of the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.11.0-r2
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3018>
    pub static META = {
        id: "DF0028",
        name: "apk-unpinned",
        pack: Pack::Dockerfile,
        aliases: &["DL3018"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`apk add` of a package without a version",
        remediation: "Pin the version: `apk add curl=8.11.0-r2`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, _) in facts.package_commands(&super::APK_ADD) {
        for pkg in super::resolved_packages(facts, run, cmd, super::APK_VALUE_OPTS) {
            let v = &pkg.name;
            // `so:libc.so.6`, `cmd:git`, `pc:zlib`: dependencies by what they provide
            if v.contains(['=', '~', '<', '>', ':']) || super::has_ext(v, "apk") || v.starts_with('.') {
                continue;
            }
            let msg = format!("package {} is not pinned (`{v}=<version>`)", super::package_display(&pkg));
            let fix = format!(
                "Pin the version of `{v}`: `apk add {v}=<version>` (`apk policy {v}` lists the versions available)."
            );
            out.report_with_remediation(&META, facts, run.ins, pkg.span, msg, fix);
        }
    }
}
