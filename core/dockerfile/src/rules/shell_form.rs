//! DF0038 `shell-form-cmd-entrypoint`: CMD or ENTRYPOINT in shell form.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `CMD` and `ENTRYPOINT` written in shell form (plain text rather than a JSON
    /// array).
    ///
    /// ## Why is this bad?
    /// The shell form runs the command as a child of `/bin/sh -c`: the process is not PID 1 and
    /// does not receive `SIGTERM`, so the container is killed after the stop timeout instead of
    /// shutting down cleanly.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD node server.js
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3025>
    /// - <https://docs.docker.com/reference/build-checks/json-args-recommended/>
    pub static META = {
        id: "DF0038",
        name: "shell-form-cmd-entrypoint",
        pack: Pack::Dockerfile,
        aliases: &["DL3025", "JSONArgsRecommended"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "CMD or ENTRYPOINT in shell form",
        remediation: "Write `CMD`/`ENTRYPOINT` in exec form: `CMD [\"node\", \"server.js\"]`.",
    };
}

use crate::ast::{Args, Keyword};

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts
        .instructions()
        .filter(|i| matches!(i.keyword, Keyword::Cmd | Keyword::Entrypoint))
    {
        if let Args::Text(w) = &ins.args {
            let msg = format!("{} `{}` is in shell form; use the JSON exec form", ins.keyword, w.value);
            out.report_fix(&META, facts, ins, w.span, msg, crate::fixes::shell_to_exec(facts, ins, w));
        }
    }
}
