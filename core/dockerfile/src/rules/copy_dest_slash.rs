//! DF0020 `copy-multiple-sources-dest-slash`: COPY of several sources to a destination without a trailing `/`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` with more than one source whose destination does not end with
    /// `/`.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses to build: with several sources the destination must be a directory,
    /// written with a trailing slash.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3021>
    /// - <https://avd.aquasec.com/misconfig/ds011>
    pub static META = {
        id: "DF0020",
        name: "copy-multiple-sources-dest-slash",
        pack: Pack::Dockerfile,
        aliases: &["DL3021", "DS-0011"],
        severity: Severity::High,
        category: Category::BestPractice,
        title: "COPY of several sources to a destination without a trailing `/`",
        remediation: "End the destination with `/` when copying several sources.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts
        .instructions()
        .filter(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add))
    {
        let sources = super::copy_sources(ins);
        if sources.len() < 2 {
            continue;
        }
        let Some(dest) = super::copy_dest(ins) else { continue };
        let (d, _) = facts.expand_at(ins, &dest.value);
        if !d.ends_with('/') && !d.ends_with('\\') {
            let msg = format!(
                "{} of {} sources to `{d}`, which does not end with `/`",
                ins.keyword,
                sources.len()
            );
            out.report(&META, facts, ins, dest.span, msg);
        }
    }
}
