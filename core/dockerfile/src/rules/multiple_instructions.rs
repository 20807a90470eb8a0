//! DF0013 `multiple-cmd-entrypoint-healthcheck`: Several CMD, ENTRYPOINT or HEALTHCHECK in one stage.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports each `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that is followed by another of the same
    /// kind in the same stage: only the last one takes effect.
    ///
    /// ## Why is this bad?
    /// The earlier instructions are silently ignored; whoever reads the Dockerfile may believe
    /// they run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// CMD ["a"]
    /// CMD ["b"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// CMD ["b"]
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL4003>
    /// - <https://github.com/hadolint/hadolint/wiki/DL4004>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3012>
    /// - <https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/>
    pub static META = {
        id: "DF0013",
        name: "multiple-cmd-entrypoint-healthcheck",
        pack: Pack::Dockerfile,
        aliases: &["DL4003", "DL4004", "DL3012", "DS-0016", "DS-0007", "DS-0023", "MultipleInstructionsDisallowed"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Several CMD, ENTRYPOINT or HEALTHCHECK in one stage",
        remediation: "Keep one `CMD`, one `ENTRYPOINT` and one `HEALTHCHECK` per stage.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        for kw in [Keyword::Cmd, Keyword::Entrypoint, Keyword::Healthcheck] {
            let all: Vec<_> = stage.with(kw).collect();
            let Some((_, earlier)) = all.split_last() else { continue };
            for ins in earlier {
                let msg = format!(
                    "{kw} is overridden by a later {kw} in the same stage; only the last one is used"
                );
                out.report(&META, facts, ins, ins.keyword_span, msg);
            }
        }
    }
}
