//! DF0042 `world-writable-permissions`: Files made writable by every user.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `chmod` with a mode that lets every user write (`777`, `666`, `o+w`, `a+rwx`,
    /// `-R 777`), and `COPY`/`ADD --chmod` with such a mode.
    ///
    /// ## Why is this bad?
    /// Any process in the container, whatever its user, can then replace the files: a
    /// compromised low-privilege process can plant code that a privileged one runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod -R 777 /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN chown -R app:app /app && chmod -R 755 /app
    /// ```
    ///
    /// ## References
    /// - <https://cwe.mitre.org/data/definitions/732.html>
    pub static META = {
        id: "DF0042",
        name: "world-writable-permissions",
        pack: Pack::Dockerfile,
        aliases: &[],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Files made writable by every user",
        remediation: "Grant the least permissions needed (e.g. `chmod 755`, or `chown` to the app user).",
    };
}

use crate::ast::Keyword;

/// Whether a chmod mode grants write to others.
pub fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return mode.bytes().last().is_some_and(|d| (d - b'0') & 2 != 0);
    }
    mode.split(',').any(|clause| {
        let Some(op) = clause.find(['+', '=']) else { return false };
        let who = clause.get(..op).unwrap_or("");
        let perms = clause.get(op + 1..).unwrap_or("");
        (who.contains('o') || who.contains('a')) && perms.contains('w')
    })
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        if !cmd.is(&["chmod"]) {
            continue;
        }
        let pos = cmd.positionals(&["--reference"]);
        let Some((mode, paths)) = pos.split_first() else { continue };
        if world_writable(&mode.value) {
            let target = paths.iter().map(|w| w.value.as_str()).collect::<Vec<_>>().join(" ");
            let msg = format!("`chmod {}` makes `{target}` writable by every user", mode.value);
            out.report(&META, facts, run.ins, mode.span, msg);
        }
    }
    for ins in facts.instructions().filter(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add)) {
        let Some(flag) = ins.flag("chmod") else { continue };
        let Some(mode) = flag.value.as_deref() else { continue };
        if world_writable(mode) {
            let msg = format!("{} --chmod={mode} makes the files writable by every user", ins.keyword);
            out.report(&META, facts, ins, flag.value_span.unwrap_or(flag.span), msg);
        }
    }
}
