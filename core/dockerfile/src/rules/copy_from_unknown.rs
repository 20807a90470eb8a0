//! DF0018 `copy-from-unknown-stage`: COPY --from names no earlier stage.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<name>` where the name is a stage defined later in the file, an index
    /// that is not an earlier stage, or a bare name (no registry, path, tag or digest) that is no
    /// stage at all. Image references such as `nginx:1.27` or `ghcr.io/org/app` are fine.
    ///
    /// ## Why is this bad?
    /// BuildKit pulls any name that is not an earlier stage as an image: a typo in a stage name
    /// silently copies from an image from Docker Hub.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// FROM alpine:3.20
    /// COPY --from=buidler /out /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// FROM alpine:3.20
    /// COPY --from=builder /out /app
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3022>
    /// - <https://docs.docker.com/reference/dockerfile/#copy---from>
    pub static META = {
        id: "DF0018",
        name: "copy-from-unknown-stage",
        pack: Pack::Dockerfile,
        aliases: &["DL3022"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "COPY --from names no earlier stage",
        remediation: "Name a stage defined earlier in the file, or a full image reference.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        for ins in stage.with(Keyword::Copy) {
            let Some(flag) = ins.flag("from") else { continue };
            let Some(value) = flag.value.as_deref() else { continue };
            if value.contains('$') {
                continue;
            }
            let lower = value.to_ascii_lowercase();
            let named = facts.stages_named(&lower);
            if named.first().is_some_and(|first| *first <= stage.index) {
                continue;
            }
            let span = flag.value_span.unwrap_or(flag.span);
            let later = named.iter().any(|i| *i > stage.index);
            let msg = if later {
                format!("COPY --from=`{value}` names a stage defined later in the file")
            } else if let Ok(i) = value.parse::<usize>() {
                if i <= stage.index {
                    continue;
                }
                format!("COPY --from=`{value}` is not the index of an earlier stage")
            } else if value.contains(['/', ':', '@', '.']) {
                continue;
            } else {
                format!("COPY --from=`{value}` names no stage; BuildKit would pull an image `{value}`")
            };
            out.report(&META, facts, ins, span, msg);
        }
    }
}
