//! DF0054 `consistent-instruction-casing`: Instruction keywords are cased inconsistently.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports instruction keywords whose case differs from the file's majority (upper or
    /// lower case); mixed-case keywords (`Run`) are always reported.
    ///
    /// ## Why is this bad?
    /// Inconsistent casing makes the file harder to read and grep.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run echo hi
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN echo hi
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/consistent-instruction-casing/>
    pub static META = {
        id: "DF0054",
        name: "consistent-instruction-casing",
        pack: Pack::Dockerfile,
        aliases: &["ConsistentInstructionCasing"],
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "Instruction keywords are cased inconsistently",
        remediation: "Write every instruction keyword in the same case (upper case is conventional).",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    let all: Vec<_> = facts.instructions().collect();
    let upper = all.iter().filter(|i| i.keyword_text == i.keyword_text.to_ascii_uppercase()).count();
    let lower = all.iter().filter(|i| i.keyword_text == i.keyword_text.to_ascii_lowercase()).count();
    let want_upper = upper >= lower;
    for ins in all {
        let ok = if want_upper {
            ins.keyword_text == ins.keyword_text.to_ascii_uppercase()
        } else {
            ins.keyword_text == ins.keyword_text.to_ascii_lowercase()
        };
        if !ok {
            let case = if want_upper { "upper" } else { "lower" };
            let msg = format!("`{}` should be {case} case like the other instructions", ins.keyword_text);
            out.report(&META, facts, ins, ins.keyword_span, msg);
        }
    }
}
