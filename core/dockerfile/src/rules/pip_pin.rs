//! DF0033 `pip-unpinned`: `pip install` of a package without a version.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports each package of `pip install` written without `==`, `===`, `~=`, an upper bound
    /// (`<`, `<=`) or a direct reference (`name @ url`); requirement files, local paths, URLs,
    /// wheels and archives are not reported. A lower bound alone (`>=1.0`) is not a pin.
    ///
    /// ## Why is this bad?
    /// The package version then depends on the day of the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir requests==2.32.3
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3013>
    pub static META = {
        id: "DF0033",
        name: "pip-unpinned",
        pack: Pack::Dockerfile,
        aliases: &["DL3013"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`pip install` of a package without a version",
        remediation: "Pin versions (`requests==2.32.3`) or install from a pinned requirements file (`-r requirements.txt`).",
    };
}

const VALUE_OPTS: &[&str] = &[
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-f", "--find-links", "--trusted-host", "-t", "--target", "--prefix",
    "--root", "--platform", "--python-version", "--implementation", "--abi", "--src",
    "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log", "--proxy", "--retries",
    "--timeout", "--exists-action", "--cert", "--client-cert", "--only-binary", "--no-binary",
];

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        let Some((_, args)) = super::pip_install(cmd) else { continue };
        let mut skip = false;
        for w in args {
            if skip {
                skip = false;
                continue;
            }
            let v = w.value.as_str();
            if w.is_option() {
                skip = !v.contains('=') && VALUE_OPTS.contains(&v);
                continue;
            }
            let lower = v.to_ascii_lowercase();
            // `==`, `===`, `~=` and upper bounds (`<`, `<=`) pin; `>=` alone does not.
            let pinned = v.contains("==") || v.contains("~=") || v.contains('@') || v.contains('<')
                || v.contains('$') || v.contains("://") || v.starts_with('.') || v.starts_with('/')
                || [".whl", ".tar.gz", ".zip", ".tar.bz2"].iter().any(|e| lower.ends_with(e));
            if !pinned {
                let name = v.split(['<', '>', '=', '!', '~', '[', ';', ' ']).next().unwrap_or(v);
                let msg = format!("package `{v}` is not pinned (`{name}==<version>`)");
                out.report(&META, facts, run.ins, w.span, msg);
            }
        }
    }
}
