//! DF0007 `expose-ssh-port`: Port 22 (SSH) is exposed.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE 22` (also `22/tcp` and port ranges that include 22).
    ///
    /// ## Why is this bad?
    /// An SSH daemon in a container is an extra service with its own credentials to manage and
    /// attack; containers are entered with `exec`.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// - <https://avd.aquasec.com/misconfig/ds004>
    pub static META = {
        id: "DF0007",
        name: "expose-ssh-port",
        pack: Pack::Dockerfile,
        aliases: &["DS-0004", "CKV_DOCKER_1"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Port 22 (SSH) is exposed",
        remediation: "Do not run an SSH server in the container; use `docker exec` / `kubectl exec` instead.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Expose) {
        for w in ins.words() {
            let (v, _) = facts.expand_at(ins, &w.value);
            let Some((lo, hi, _)) = super::parse_port(&v) else { continue };
            if lo <= 22 && 22 <= hi {
                let shown = if w.value == v { format!("`{v}`") } else { format!("`{}` (resolved `{v}`)", w.value) };
                out.report(&META, facts, ins, w.span, format!("port 22 (SSH) is exposed by {shown}"));
            }
        }
    }
}
