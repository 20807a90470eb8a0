//! DF0015 `workdir-relative`: Relative WORKDIR.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` with a relative path when no absolute `WORKDIR` was set before it in
    /// the stage (the path is then relative to whatever the base image uses).
    ///
    /// ## Why is this bad?
    /// The resulting directory depends on the base image's working directory, which can change
    /// between versions of the base image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3000>
    /// - <https://avd.aquasec.com/misconfig/ds009>
    /// - <https://docs.docker.com/reference/build-checks/workdir-relative-path/>
    pub static META = {
        id: "DF0015",
        name: "workdir-relative",
        pack: Pack::Dockerfile,
        aliases: &["DL3000", "DS-0009", "CKV_DOCKER_10", "WorkdirRelativePath"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Relative WORKDIR",
        remediation: "Use an absolute path in `WORKDIR`.",
    };
}

use crate::ast::Keyword;

pub fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('\\')
        || (b.get(1) == Some(&b':') && b.first().is_some_and(u8::is_ascii_alphabetic))
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let mut absolute_seen = false;
        for ins in stage.with(Keyword::Workdir) {
            let Some((value, span)) = facts.text_arg(ins) else { continue };
            if is_absolute(&value) || value.is_empty() {
                absolute_seen = true;
                continue;
            }
            if !absolute_seen {
                let msg = format!("WORKDIR `{value}` is relative to the base image's working directory");
                out.report(&META, facts, ins, span, msg);
            }
        }
    }
}
