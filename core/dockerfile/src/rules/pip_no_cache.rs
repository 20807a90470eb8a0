//! DF0032 `pip-missing-no-cache-dir`: `pip install` without `--no-cache-dir`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `python -m pip`) without `--no-cache-dir`, unless
    /// `PIP_NO_CACHE_DIR` is set (ENV or on the command) or the RUN has a cache mount.
    ///
    /// ## Why is this bad?
    /// pip's wheel cache stays in the layer and bloats the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install requests==2.32.3
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests==2.32.3
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3042>
    pub static META = {
        id: "DF0032",
        name: "pip-missing-no-cache-dir",
        pack: Pack::Dockerfile,
        aliases: &["DL3042"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`pip install` without `--no-cache-dir`",
        remediation: "Add `--no-cache-dir`, set `PIP_NO_CACHE_DIR=1`, or use a cache mount for `/root/.cache/pip`.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        let Some((install, args)) = super::pip_install(cmd) else { continue };
        if args.iter().any(|w| w.value == "--no-cache-dir" || w.value.starts_with("--no-cache-dir=")) {
            continue;
        }
        let env_set = cmd.assignments.iter().any(|w| w.value.starts_with("PIP_NO_CACHE_DIR="))
            || facts.vars_before(run.ins).contains_key("PIP_NO_CACHE_DIR");
        let cached = run.ins.flags.iter().any(|f| f.name == "mount" && f.value.as_deref().is_some_and(|v| v.contains("type=cache")));
        if !env_set && !cached {
            let name = cmd.name().unwrap_or("pip");
            let shown = if name.starts_with("python") { format!("{name} -m pip") } else { name.to_string() };
            let msg = format!("`{shown} install` without `--no-cache-dir`");
            let fix = crate::fixes::insert_after_word(facts, install, "--no-cache-dir", "Add `--no-cache-dir`");
            out.report_fix(&META, facts, run.ins, super::cmd_span(cmd, Some(install)), msg, fix);
        }
    }
}
