//! DF0017 `copy-from-own-stage`: COPY --from refers to its own stage.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<name>` (or `--from=<index>`) naming the stage the instruction is in.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself; BuildKit treats the name as an image to pull, which fails
    /// or, worse, pulls an unrelated image of that name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// COPY --from=build /src /src
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// COPY . /src
    /// FROM alpine:3.20
    /// COPY --from=build /src /src
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3023>
    /// - <https://avd.aquasec.com/misconfig/ds006>
    pub static META = {
        id: "DF0017",
        name: "copy-from-own-stage",
        pack: Pack::Dockerfile,
        aliases: &["DL3023", "DS-0006"],
        severity: Severity::High,
        category: Category::BestPractice,
        title: "COPY --from refers to its own stage",
        remediation: "Copy from an earlier stage (or an image), not from the stage being built.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        for ins in stage.with(Keyword::Copy) {
            let Some(flag) = ins.flag("from") else { continue };
            let Some(value) = flag.value.as_deref() else { continue };
            let own = stage
                .name
                .is_some_and(|n| n.value.eq_ignore_ascii_case(value))
                || value.parse::<usize>().ok() == Some(stage.index);
            if own {
                let span = flag.value_span.unwrap_or(flag.span);
                let msg = format!("COPY --from=`{value}` refers to its own stage");
                out.report(&META, facts, ins, span, msg);
            }
        }
    }
}
