//! DF0022 `apt-get-install-recommends`: `apt-get install` without `--no-install-recommends`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` without `--no-install-recommends` (or
    /// `-o APT::Install-Recommends=false`). A dry run (`-s`, `--simulate`, `--dry-run`,
    /// `--just-print`, `--no-act`, `--recon`) installs nothing and is not reported.
    ///
    /// ## Why is this bad?
    /// Recommended packages are not needed to run the software: they bloat the image and add
    /// attack surface.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3015>
    /// - <https://avd.aquasec.com/misconfig/ds029>
    pub static META = {
        id: "DF0022",
        name: "apt-get-install-recommends",
        pack: Pack::Dockerfile,
        aliases: &["DL3015", "DS-0029"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`apt-get install` without `--no-install-recommends`",
        remediation: "Add `--no-install-recommends` to `apt-get install`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, sub) in facts.package_commands(&super::APT_GET_INSTALL) {
        let off = cmd.has_option(&["--no-install-recommends"])
            || cmd.args().iter().any(|w| {
                let v = w.value.to_ascii_lowercase();
                v.contains("apt::install-recommends=false") || v.contains("apt::install-recommends=0")
            });
        if !off && !super::apt_dry_run(cmd) {
            let msg = "`apt-get install` without `--no-install-recommends`".to_string();
            // Recommended packages are sometimes needed at run time (`ca-certificates`
            // for `curl https://…`): the image may change, so the fix is unsafe.
            let fix = crate::fixes::insert_after_word(facts, sub, "--no-install-recommends", "Add `--no-install-recommends`")
                .map(|f| f.with_applicability(stockade_source::fix::Applicability::Unsafe));
            out.report_fix(&META, facts, run.ins, super::cmd_span(cmd, Some(sub)), msg, fix);
        }
    }
}
