//! DF0059 `expose-invalid-format`: EXPOSE with an IP address or a host port.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port written with an IP address or a host-port mapping
    /// (`127.0.0.1:8080:80`, `8080:80`).
    ///
    /// ## Why is this bad?
    /// EXPOSE documents the container's port; the host side is decided when the container runs.
    /// BuildKit ignores the host part and warns.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 127.0.0.1:8080:80
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 80
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/expose-invalid-format/>
    pub static META = {
        id: "DF0059",
        name: "expose-invalid-format",
        pack: Pack::Dockerfile,
        aliases: &["ExposeInvalidFormat"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "EXPOSE with an IP address or a host port",
        remediation: "Expose only the container port (`EXPOSE 80/tcp`); publish it with `docker run -p` or a Service.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Expose) {
        for w in ins.words() {
            if w.value.contains(':') {
                let msg = format!("`EXPOSE {}` names a host address or port; expose only the container port", w.value);
                out.report(&META, facts, ins, w.span, msg);
            }
        }
    }
}
