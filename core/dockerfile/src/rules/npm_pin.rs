//! DF0034 `npm-unpinned`: `npm install` of a package without a version.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports each package of `npm install`/`npm i`/`npm add` written without `@version`
    /// (for a scoped package, a second `@`). Paths, URLs, git and tarball sources are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The package version then depends on the day of the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN npm install -g typescript@5.6.3
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3016>
    pub static META = {
        id: "DF0034",
        name: "npm-unpinned",
        pack: Pack::Dockerfile,
        aliases: &["DL3016"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`npm install` of a package without a version",
        remediation: "Pin versions (`npm install express@4.21.1`) or install from a lock file with `npm ci`.",
    };
}

const VALUE_OPTS: &[&str] = &["--prefix", "--registry", "--cache", "--userconfig", "-w", "--workspace", "--tag", "--omit", "--include"];

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        if !cmd.is(&["npm"]) || super::sub_is(cmd, VALUE_OPTS, &["install", "i", "add", "isntall", "in"]).is_none() {
            continue;
        }
        for w in super::packages(cmd, VALUE_OPTS) {
            let v = w.value.as_str();
            let bare = v.strip_prefix('@').map_or(v, |s| s.split_once('/').map_or(s, |(_, n)| n));
            let lower = v.to_ascii_lowercase();
            let pinned = bare.contains('@') || v.contains(':') || v.contains('$')
                || v.starts_with('.') || v.starts_with('~')
                || [".tgz", ".tar.gz", ".tar"].iter().any(|e| lower.ends_with(e))
                || (!v.starts_with('@') && v.contains('/'));
            if !pinned {
                let msg = format!("package `{v}` is not pinned (`{v}@<version>`)");
                out.report(&META, facts, run.ins, w.span, msg);
            }
        }
    }
}
