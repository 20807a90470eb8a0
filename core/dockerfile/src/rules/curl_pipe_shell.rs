//! DF0011 `curl-pipe-shell`: Downloaded script piped into a shell.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `curl …`/`wget …` piped into a shell (`| sh`, `| bash`, `| sudo bash`), and a
    /// shell running a downloaded script through `sh -c "$(curl …)"` or `bash <(curl …)`.
    ///
    /// ## Why is this bad?
    /// The script runs without any check of what it is: a compromised server, a truncated
    /// download or a man in the middle runs arbitrary code in the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://get.example.com | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/install.sh https://get.example.com \
    ///  && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#using-pipes>
    pub static META = {
        id: "DF0011",
        name: "curl-pipe-shell",
        pack: Pack::Dockerfile,
        aliases: &[],
        severity: Severity::High,
        category: Category::Security,
        title: "Downloaded script piped into a shell",
        remediation: "Download to a file, verify its checksum or signature, then run it.",
    };
}

const FETCH: &[&str] = &["curl", "wget"];
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh"];

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for run in &facts.runs {
        // The first fetching command of each pipeline (pipelines are in order):
        // one pass per RUN, so a 2 MB RUN stays linear.
        let mut first_fetch: std::collections::HashMap<
            usize,
            &crate::command::Command,
        > = std::collections::HashMap::new();
        for c in run.script.iter().filter(|c| c.is(FETCH)) {
            first_fetch.entry(c.pipeline).or_insert(c);
        }
        for cmd in &run.script {
            // `curl … | sh`
            if cmd.pipe_index > 0 && cmd.is(SHELLS) && !cmd.args().iter().any(|w| w.value.contains('c') && w.value.starts_with('-') && !w.value.starts_with("--")) {
                let fetcher = first_fetch
                    .get(&cmd.pipeline)
                    .filter(|c| c.pipe_index < cmd.pipe_index);
                if let Some(f) = fetcher {
                    let msg = format!(
                        "`{}` output is piped into `{}`",
                        f.name().unwrap_or(""),
                        cmd.name().unwrap_or("")
                    );
                    out.report(&META, facts, run.ins, f.name_span().cover(cmd.name_span()), msg);
                }
            }
            // `sh -c "$(curl …)"`, `bash <(curl …)`
            if cmd.is(SHELLS) {
                for w in cmd.args() {
                    let v = &w.value;
                    if (v.contains("$(") || v.contains('`'))
                        && FETCH.iter().any(|f| v.contains(&format!("{f} ")))
                    {
                        let msg = format!(
                            "`{}` runs a downloaded script (`{v}`)",
                            cmd.name().unwrap_or("")
                        );
                        out.report(&META, facts, run.ins, w.span, msg);
                    }
                }
            }
        }
    }
}
