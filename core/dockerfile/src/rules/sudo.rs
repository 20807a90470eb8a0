//! DF0006 `run-sudo`: RUN uses `sudo`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `sudo` in a `RUN` command, shell or exec form (`["sudo", …]`), also inside
    /// `sh -c '…'`.
    ///
    /// ## Why is this bad?
    /// `sudo` behaves unpredictably without a TTY and a configured sudoers; it also means the
    /// image ships `sudo`, an easy privilege escalation at runtime.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3004>
    /// - <https://avd.aquasec.com/misconfig/ds010>
    pub static META = {
        id: "DF0006",
        name: "run-sudo",
        pack: Pack::Dockerfile,
        aliases: &["DL3004", "DS-0010", "CKV2_DOCKER_1"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "RUN uses `sudo`",
        remediation: "Drop `sudo`: RUN already runs as the current USER; switch with `USER` or use `gosu` at runtime.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        let sudo = cmd
            .wrappers
            .iter()
            .filter_map(|&i| cmd.words.get(i))
            .find(|w| crate::command::basename(&w.value) == "sudo")
            .or_else(|| cmd.name_word().filter(|_| cmd.is(&["sudo"])));
        if let Some(w) = sudo {
            let what = cmd
                .name()
                .filter(|n| *n != "sudo")
                .map_or_else(|| "`sudo`".to_string(), |n| format!("`sudo {n}`"));
            out.report(&META, facts, run.ins, w.span, format!("RUN uses {what}"));
        }
    }
}
