//! DF0008 `expose-port-out-of-range`: Exposed port is out of range.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port (or port range bound) above 65535.
    ///
    /// ## Why is this bad?
    /// Such a port cannot exist; the build or the run fails, or the instruction is a typo.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80000
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 8000
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3011>
    /// - <https://avd.aquasec.com/misconfig/ds008>
    pub static META = {
        id: "DF0008",
        name: "expose-port-out-of-range",
        pack: Pack::Dockerfile,
        aliases: &["DL3011", "DS-0008"],
        severity: Severity::High,
        category: Category::BestPractice,
        title: "Exposed port is out of range",
        remediation: "Use a port between 0 and 65535.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Expose) {
        for w in ins.words() {
            let (v, _) = facts.expand_at(ins, &w.value);
            let Some((lo, hi, _)) = super::parse_port(&v) else { continue };
            if lo > 65535 || hi > 65535 {
                out.report(&META, facts, ins, w.span, format!("port `{v}` is outside 0-65535"));
            }
        }
    }
}
