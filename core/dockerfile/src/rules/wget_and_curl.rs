//! DF0036 `wget-and-curl`: Both `wget` and `curl` are used.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports the uses of whichever of `wget` and `curl` is used second in a stage that uses both.
    ///
    /// ## Why is this bad?
    /// Two tools for the same job means two packages to install, update and audit.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -q https://example.com/a
    /// RUN curl -fsSLO https://example.com/b
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN curl -fsSLO https://example.com/a
    /// RUN curl -fsSLO https://example.com/b
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL4001>
    /// - <https://avd.aquasec.com/misconfig/ds014>
    pub static META = {
        id: "DF0036",
        name: "wget-and-curl",
        pack: Pack::Dockerfile,
        aliases: &["DL4001", "DS-0014"],
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "Both `wget` and `curl` are used",
        remediation: "Use one download tool throughout the Dockerfile.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    // One pass over the commands, grouped by stage (linear in stages × RUNs:
    // scanning every command once per stage was quadratic).
    let mut by_stage: Vec<Vec<_>> = vec![Vec::new(); facts.stages.len()];
    for (run, cmd) in facts.commands().filter(|(_, c)| c.is(&["wget", "curl"])) {
        if let Some(cmds) = run.stage.and_then(|si| by_stage.get_mut(si)) {
            cmds.push((run, cmd));
        }
    }
    for cmds in &by_stage {
        let Some((_, first)) = cmds.first() else { continue };
        let first_tool = first.name().unwrap_or("");
        for (run, cmd) in cmds {
            let tool = cmd.name().unwrap_or("");
            if tool != first_tool {
                let msg = format!("`{tool}` is used although this stage already uses `{first_tool}`");
                out.report(&META, facts, run.ins, cmd.name_span(), msg);
            }
        }
    }
}
