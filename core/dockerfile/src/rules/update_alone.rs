//! DF0057 `package-update-alone`: Package index update in a RUN without an install.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `apt-get update`/`apt update`/`apk update` in a `RUN` that does nothing else with
    /// that package manager (no install, reinstall, upgrade, removal).
    ///
    /// ## Why is this bad?
    /// The update is cached in its own layer: later installs reuse the stale index from the
    /// cache and fail or install outdated packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## References
    /// - <https://avd.aquasec.com/misconfig/ds017>
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub static META = {
        id: "DF0057",
        name: "package-update-alone",
        pack: Pack::Dockerfile,
        aliases: &["DS-0017", "CKV_DOCKER_5"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Package index update in a RUN without an install",
        remediation: "Update and install in the same RUN: `apt-get update && apt-get install -y …`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for run in &facts.runs {
        for cmd in &run.script {
            let family: &[&str] = if cmd.is(&["apt-get", "apt"]) {
                &["apt-get", "apt"]
            } else if cmd.is(&["apk"]) {
                &["apk"]
            } else {
                continue;
            };
            let Some(update) = super::sub_is(cmd, super::APT_VALUE_OPTS, &["update"]) else { continue };
            // Any other use of the manager in the same RUN (install, reinstall, purge, …)
            let installed = run.script.iter().any(|c| {
                c.is(family)
                    && c.subcommand(super::APT_VALUE_OPTS).is_some_and(|s| {
                        !matches!(s.value.as_str(), "update" | "clean" | "autoclean" | "cache")
                    })
            });
            if !installed {
                let msg = format!("`{} update` without an install in the same RUN", cmd.name().unwrap_or(""));
                out.report(&META, facts, run.ins, super::cmd_span(cmd, Some(update)), msg);
            }
        }
    }
}
