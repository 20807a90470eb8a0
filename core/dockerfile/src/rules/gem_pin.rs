//! DF0035 `gem-unpinned`: `gem install` of a gem without a version.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports each gem of `gem install` written without `:version`, unless `-v`/`--version`
    /// is given. Local `.gem` files and variables are not reported.
    ///
    /// ## Why is this bad?
    /// The gem version then depends on the day of the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN gem install bundler:2.5.23
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3028>
    pub static META = {
        id: "DF0035",
        name: "gem-unpinned",
        pack: Pack::Dockerfile,
        aliases: &["DL3028"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "`gem install` of a gem without a version",
        remediation: "Pin versions: `gem install rails:8.0.0` or `gem install rails -v 8.0.0`.",
    };
}

const VALUE_OPTS: &[&str] = &["-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "-P", "--trust-policy", "--platform", "-g", "--file", "--document"];

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        if !cmd.is(&["gem"]) || super::sub_is(cmd, VALUE_OPTS, &["install", "i"]).is_none() {
            continue;
        }
        if cmd.has_option(&["-v", "--version"]) {
            continue;
        }
        for w in super::packages(cmd, VALUE_OPTS) {
            let v = &w.value;
            if v.contains(':') || super::has_ext(v, "gem") || v.contains('$') {
                continue;
            }
            let msg = format!("gem `{v}` is not pinned (`{v}:<version>`)");
            out.report(&META, facts, run.ins, w.span, msg);
        }
    }
}
