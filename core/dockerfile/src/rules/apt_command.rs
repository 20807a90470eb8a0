//! DF0026 `apt-command`: `apt` used instead of `apt-get`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports the `apt` command in a `RUN`.
    ///
    /// ## Why is this bad?
    /// `apt` is an interactive front end whose command-line interface is not stable and warns
    /// when used in scripts; `apt-get` is the scripting interface.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3027>
    pub static META = {
        id: "DF0026",
        name: "apt-command",
        pack: Pack::Dockerfile,
        aliases: &["DL3027", "CKV_DOCKER_9"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`apt` used instead of `apt-get`",
        remediation: "Use `apt-get` (or `apt-cache`) in scripts.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        if cmd.is(&["apt"]) {
            let sub = cmd.subcommand(super::APT_VALUE_OPTS).map_or(String::new(), |w| format!(" {}", w.value));
            let msg = format!("`apt{sub}` in a script; use `apt-get`");
            out.report(&META, facts, run.ins, cmd.name_span(), msg);
        }
    }
}
