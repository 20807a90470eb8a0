//! DF0031 `rpm-unpinned`: yum/dnf/zypper install of a package without a version.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports each package of `yum`/`dnf`/`microdnf`/`tdnf install` written without a version
    /// (`name-<version>`), and of `zypper install` without `=`, `<` or `>`. Groups (`@x`,
    /// `groupinstall "Development Tools"`, `zypper install -t pattern`), `.rpm` files, URLs
    /// and variables are not reported.
    ///
    /// ## Why is this bad?
    /// The package version then depends on the day of the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3033>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3041>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3037>
    pub static META = {
        id: "DF0031",
        name: "rpm-unpinned",
        pack: Pack::Dockerfile,
        aliases: &["DL3033", "DL3041", "DL3037"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "yum/dnf/zypper install of a package without a version",
        remediation: "Pin the version: `yum install -y httpd-2.4.6`, `zypper install -y httpd=2.4.62`.",
    };
}

fn has_version(pkg: &str, zypper: bool) -> bool {
    if zypper {
        return pkg.contains(['=', '<', '>']);
    }
    // name-version: a dash followed by a digit (`httpd-2.4.6`), or a module stream `nodejs:18`
    pkg.contains(':') || pkg.as_bytes().windows(2).any(|w| w.first() == Some(&b'-') && w.get(1).is_some_and(u8::is_ascii_digit))
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, sub) in facts.package_commands(&super::RPM_INSTALL) {
        let zypper = cmd.is(&["zypper"]);
        // `groupinstall "Development Tools"`, `zypper install -t pattern devel_basis`:
        // groups and patterns have no version to pin.
        let pattern = |t: &crate::command::Word| !t.value.ends_with("package");
        let groups = sub.value == "groupinstall"
            || (zypper && cmd.option_value(&["-t", "--type"]).is_some_and(pattern));
        if groups {
            continue;
        }
        for pkg in super::resolved_packages(facts, run, cmd, super::RPM_VALUE_OPTS) {
            let v = &pkg.name;
            if v.starts_with('@') || super::has_ext(v, "rpm") || has_version(v, zypper) {
                continue;
            }
            let hint = if zypper { format!("{v}=<version>") } else { format!("{v}-<version>") };
            let msg = format!("package {} is not pinned (`{hint}`)", super::package_display(&pkg));
            let fix = if zypper {
                format!("Pin the version of `{v}`: `zypper install -y {v}=<version>` (`zypper search -s {v}` lists the versions available).")
            } else {
                let mgr = cmd.name().unwrap_or("dnf");
                format!("Pin the version of `{v}`: `{mgr} install -y {v}-<version>` (`{mgr} --showduplicates list {v}` lists the versions available).")
            };
            out.report_with_remediation(&META, facts, run.ins, pkg.span, msg, fix);
        }
    }
}
