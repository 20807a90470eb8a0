//! DF0014 `maintainer-deprecated`: MAINTAINER is deprecated.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports the deprecated `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13; labels carry the same information in a
    /// standard, queryable way.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane <jane@example.com>
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="jane@example.com"
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL4000>
    /// - <https://avd.aquasec.com/misconfig/ds022>
    /// - <https://docs.docker.com/reference/build-checks/maintainer-deprecated/>
    pub static META = {
        id: "DF0014",
        name: "maintainer-deprecated",
        pack: Pack::Dockerfile,
        aliases: &["DL4000", "DS-0022", "CKV_DOCKER_6", "MaintainerDeprecated"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "MAINTAINER is deprecated",
        remediation: "Use `LABEL org.opencontainers.image.authors=\"…\"` instead.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Maintainer) {
        let who = ins.text.as_str();
        let msg = format!("MAINTAINER `{who}` is deprecated; use a LABEL");
        out.report_fix(&META, facts, ins, ins.keyword_span, msg, crate::fixes::maintainer_to_label(facts, ins));
    }
}
