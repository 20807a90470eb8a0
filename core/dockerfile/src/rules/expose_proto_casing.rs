//! DF0052 `expose-protocol-casing`: EXPOSE protocol is not lower-case.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port whose protocol (`/TCP`, `/Udp`) is not lower-case.
    ///
    /// ## Why is this bad?
    /// Protocols are lower-case in the image configuration; other spellings are inconsistent and
    /// some tools do not recognise them.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80/TCP
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 80/tcp
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/expose-proto-casing/>
    pub static META = {
        id: "DF0052",
        name: "expose-protocol-casing",
        pack: Pack::Dockerfile,
        aliases: &["ExposeProtoCasing"],
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "EXPOSE protocol is not lower-case",
        remediation: "Write the protocol in lower case: `80/tcp`.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Expose) {
        for w in ins.words() {
            let Some((_, proto)) = w.value.split_once('/') else { continue };
            if proto.chars().any(|c| c.is_ascii_uppercase()) {
                let msg = format!("protocol of `{}` should be lower-case", w.value);
                out.report(&META, facts, ins, w.span, msg);
            }
        }
    }
}
