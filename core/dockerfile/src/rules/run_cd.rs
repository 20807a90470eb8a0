//! DF0016 `run-cd`: RUN uses `cd` to change directory.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `cd` command in a `RUN`, also inside `sh -c '…'`. A `cd` inside a command
    /// substitution (`DIR=$(cd x && pwd)`) or inside `su USER -c '…'` (another user's shell,
    /// which `WORKDIR` cannot stand in for) is not reported.
    ///
    /// ## Why is this bad?
    /// `cd` only lasts for the one `RUN`; later instructions run somewhere else, which is easy to
    /// misread. `WORKDIR` is explicit and persists.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /app && make
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// RUN make
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3003>
    /// - <https://avd.aquasec.com/misconfig/ds013>
    pub static META = {
        id: "DF0016",
        name: "run-cd",
        pack: Pack::Dockerfile,
        aliases: &["DL3003", "DS-0013"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "RUN uses `cd` to change directory",
        remediation: "Use `WORKDIR` to change directory.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        // `DIR=$(cd x && pwd)` is an idiom, not a change of directory.
        // `su user -c 'cd x && …'` runs in another user's shell (`su -` starts in
        // that user's home): WORKDIR cannot stand in for that `cd`.
        let as_other_user = || {
            run.script
                .parent(cmd)
                .is_some_and(|p| p.is(&["su", "runuser"]))
        };
        if cmd.is(&["cd"]) && !cmd.in_substitution && !as_other_user() {
            let to = cmd.args().first().map_or(String::new(), |w| format!(" {}", w.value));
            let msg = format!("`cd{to}` in RUN; use WORKDIR");
            out.report(&META, facts, run.ins, cmd.name_span(), msg);
        }
    }
}
