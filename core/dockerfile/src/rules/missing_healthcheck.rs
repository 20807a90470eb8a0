//! DF0012 `missing-healthcheck`: Final image has no HEALTHCHECK.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a final stage with no `HEALTHCHECK` instruction (also none in an earlier stage it
    /// is built `FROM`).
    ///
    /// ## Why is this bad?
    /// Without a health check the runtime only knows whether the process exists, not whether it
    /// serves; a hung service is never restarted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// HEALTHCHECK CMD curl -fs http://localhost/ || exit 1
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3057>
    /// - <https://avd.aquasec.com/misconfig/ds026>
    /// - <https://docs.docker.com/reference/dockerfile/#healthcheck>
    pub static META = {
        id: "DF0012",
        name: "missing-healthcheck",
        pack: Pack::Dockerfile,
        aliases: &["DL3057", "DS-0026", "CKV_DOCKER_2"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "Final image has no HEALTHCHECK",
        remediation: "Add a `HEALTHCHECK` to the final stage (or `HEALTHCHECK NONE` to state there is none on purpose).",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    let Some(last) = facts.final_stage() else { return };
    let mut stage = Some(last);
    let mut hops = 0;
    while let Some(s) = stage {
        if s.with(Keyword::Healthcheck).next().is_some() {
            return;
        }
        hops += 1;
        if hops > facts.stages.len() {
            break;
        }
        stage = s.base_stage.and_then(|i| facts.stages.get(i));
    }
    let msg = format!("the final stage ({}) has no HEALTHCHECK", last.label());
    out.report(&META, facts, last.from, last.from.keyword_span, msg);
}
