//! DF0024 `apt-lists-not-removed`: apt lists are not removed after `apt-get install`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that runs `apt-get update` but does not remove `/var/lib/apt/lists` in the
    /// same `RUN` (`rm -rf /var/lib/apt/lists/*` or `apt-get dist-clean`), unless `/var/lib/apt`
    /// is a cache mount (`RUN --mount=type=cache,…`).
    ///
    /// ## Why is this bad?
    /// The package lists stay in the layer: tens of megabytes for nothing, and stale lists for
    /// anyone who installs later from the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3009>
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub static META = {
        id: "DF0024",
        name: "apt-lists-not-removed",
        pack: Pack::Dockerfile,
        aliases: &["DL3009"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "apt lists are not removed after `apt-get install`",
        remediation: "End the same RUN with `rm -rf /var/lib/apt/lists/*`, or use a cache mount for `/var/lib/apt`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for run in &facts.runs {
        let cached = run
            .ins
            .flags
            .iter()
            .any(|f| f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("type=cache") && v.contains("/var/lib/apt")));
        if cached {
            continue;
        }
        let Some(update) = run
            .script
            .iter()
            .find(|c| c.is(&["apt-get", "apt"]) && super::sub_is(c, super::APT_VALUE_OPTS, &["update"]).is_some())
        else {
            continue;
        };
        let removed = run.script.iter().any(|c| {
            (c.is(&["rm"]) && c.args().iter().any(|w| w.value.starts_with("/var/lib/apt/lists")))
                || (c.is(&["apt-get", "apt"]) && super::sub_is(c, super::APT_VALUE_OPTS, &["dist-clean"]).is_some())
        });
        if !removed {
            let sub = super::sub_is(update, super::APT_VALUE_OPTS, &["update"]);
            let msg = "`apt-get update` lists are left in the layer (no `rm -rf /var/lib/apt/lists/*`)".to_string();
            out.report_fix(&META, facts, run.ins, super::cmd_span(update, sub), msg, crate::fixes::remove_apt_lists(facts, run.ins));
        }
    }
}
