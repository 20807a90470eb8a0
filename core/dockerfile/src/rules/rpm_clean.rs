//! DF0029 `rpm-cache-not-cleaned`: yum/dnf/microdnf/zypper cache not cleaned.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that installs with `yum`, `dnf`, `microdnf`, `tdnf` or `zypper` and does
    /// not clean that manager's cache (`clean all`, `zypper clean`/`cc`, or removing
    /// `/var/cache/<manager>`) in the same `RUN`, unless the cache is a cache mount.
    ///
    /// ## Why is this bad?
    /// The package cache stays in the layer and bloats the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.62
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3032>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3040>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3036>
    /// - <https://avd.aquasec.com/misconfig/ds015>
    /// - <https://avd.aquasec.com/misconfig/ds019>
    /// - <https://avd.aquasec.com/misconfig/ds020>
    pub static META = {
        id: "DF0029",
        name: "rpm-cache-not-cleaned",
        pack: Pack::Dockerfile,
        aliases: &["DL3032", "DL3040", "DL3036", "DS-0015", "DS-0019", "DS-0020", "DS-0027"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "yum/dnf/microdnf/zypper cache not cleaned",
        remediation: "End the same RUN with `yum clean all` / `dnf clean all` / `microdnf clean all` / `zypper clean`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, sub) in facts.package_commands(&super::RPM_INSTALL) {
        let mgr = cmd.name().unwrap_or("");
        let cached = run.ins.flags.iter().any(|f| {
            f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("type=cache") && v.contains("/var/cache"))
        });
        // `yum` is `dnf` on every distribution that still ships dnf (RHEL/Fedora
        // 8+): either one's `clean all` cleans the cache the other filled.
        let family: &[&str] = if matches!(mgr, "yum" | "dnf") { &["yum", "dnf"] } else { &[mgr] };
        let cleaned = run.script.iter().any(|c| {
            (c.is(family) && super::sub_is(c, super::RPM_VALUE_OPTS, &["clean", "cc"]).is_some())
                || (c.is(&["rm"])
                    && c.args().iter().any(|w| {
                        let v = w.value.trim_end_matches('/');
                        v == "/var/cache" || w.value.starts_with("/var/cache/")
                    }))
        });
        if !cached && !cleaned {
            let fix = if mgr == "zypper" { "zypper clean".to_string() } else { format!("{mgr} clean all") };
            let msg = format!("`{mgr} {}` without `{fix}` in the same RUN", sub.value);
            out.report(&META, facts, run.ins, super::cmd_span(cmd, Some(sub)), msg);
        }
    }
}
