//! DF0037 `pipe-without-pipefail`: Pipe in RUN without `set -o pipefail`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a pipe (`a | b`) in a `RUN` run by the default shell, when no `SHELL` with
    /// `-o pipefail` is in effect and the script does not run `set -o pipefail` before the pipe.
    ///
    /// ## Why is this bad?
    /// The exit status of a pipeline is the last command's: `wget … | tar x` succeeds even when
    /// the download fails, and the build goes on with a broken layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -qO- https://example.com/x.tar.gz | tar xz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN wget -qO- https://example.com/x.tar.gz | tar xz
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL4006>
    /// - <https://docs.docker.com/build/building/best-practices/#using-pipes>
    pub static META = {
        id: "DF0037",
        name: "pipe-without-pipefail",
        pack: Pack::Dockerfile,
        aliases: &["DL4006"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "Pipe in RUN without `set -o pipefail`",
        remediation: "Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start the script with `set -o pipefail`.",
    };
}

fn sets_pipefail(words: &[crate::command::Word]) -> bool {
    words.windows(2).any(|w| {
        matches!(w, [a, b] if a.value.starts_with('-') && !a.value.starts_with("--") && a.value.ends_with('o') && b.value == "pipefail")
    })
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for run in &facts.runs {
        if let Some(shell) = &run.shell {
            if shell.iter().any(|w| w == "pipefail") {
                continue;
            }
        }
        let mut set = false;
        let pipelines = run.script.by_pipeline();
        for cmd in run.script.iter().filter(|c| c.depth == 0) {
            if cmd.is(&["set"]) && sets_pipefail(cmd.args()) {
                set = true;
            }
            if set || cmd.pipe_index != 1 {
                continue;
            }
            let Some(first) = pipelines.get(&cmd.pipeline).and_then(|p| p.first()) else {
                continue;
            };
            let msg = format!(
                "`{}` is piped into `{}` without `set -o pipefail`; a failure of `{}` is ignored",
                first.name().unwrap_or(""),
                cmd.name().unwrap_or(""),
                first.name().unwrap_or("")
            );
            out.report(&META, facts, run.ins, first.span.cover(cmd.span), msg);
        }
    }
}
