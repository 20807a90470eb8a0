//! DF0022 `apt-get-install-recommends`: `apt-get install` without `--no-install-recommends`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` without `--no-install-recommends` (or
    /// `-o APT::Install-Recommends=false`).
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

fn apt_installs<'f>(
    facts: &'f Facts<'_>,
) -> impl Iterator<Item = (&'f super::Run<'f>, &'f crate::command::Command, &'f crate::command::Word)> + 'f {
    facts.commands().filter_map(|(run, cmd)| {
        if !cmd.is(&["apt-get"]) {
            return None;
        }
        let sub = super::sub_is(cmd, super::APT_VALUE_OPTS, &["install"])?;
        Some((run, cmd, sub))
    })
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd, sub) in apt_installs(facts) {
        let off = cmd.has_option(&["--no-install-recommends"])
            || cmd.args().iter().any(|w| {
                let v = w.value.to_ascii_lowercase();
                v.contains("apt::install-recommends=false") || v.contains("apt::install-recommends=0")
            });
        if !off {
            let msg = "`apt-get install` without `--no-install-recommends`".to_string();
            out.report(&META, facts, run.ins, super::cmd_span(cmd, Some(sub)), msg);
        }
    }
}
