//! DF0046 `workdir-system-directory`: WORKDIR is a system directory.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` that is the root directory or a system directory (`/bin`, `/sbin`,
    /// `/etc`, `/usr`, `/lib`, …) or lies inside `/proc`, `/sys`, `/dev`, `/boot`. `WORKDIR /`
    /// is not reported in a stage built on `scratch` or a distroless image, where the
    /// application usually sits at the root.
    ///
    /// ## Why is this bad?
    /// Files written relative to the working directory then land among system files, where
    /// they can shadow or overwrite binaries and configuration.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /usr/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// ```
    ///
    /// ## References
    /// - <https://avd.aquasec.com/misconfig/ds030>
    pub static META = {
        id: "DF0046",
        name: "workdir-system-directory",
        pack: Pack::Dockerfile,
        aliases: &["DS-0030"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "WORKDIR is a system directory",
        remediation: "Use a dedicated application directory such as `/app`.",
    };
}

use crate::ast::Keyword;

const EXACT: &[&str] = &["/", "/bin", "/sbin", "/etc", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/lib", "/lib32", "/lib64", "/var", "/var/lib", "/run"];
const UNDER: &[&str] = &["/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"];

/// A stage built on `scratch` or on a distroless image (`gcr.io/distroless/…`,
/// `cgr.dev/chainguard/static`).
fn minimal_base(stage: &super::Stage<'_>) -> bool {
    match &stage.base {
        crate::model::Base::Scratch => true,
        crate::model::Base::Image(r) => {
            r.repository.split('/').any(|c| c == "distroless")
                || (r.registry == "cgr.dev" && r.repository.ends_with("/static"))
        }
        _ => false,
    }
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Workdir) {
        let Some((value, span)) = facts.text_arg(ins) else { continue };
        let mut p = value.trim().to_string();
        while p.len() > 1 && p.ends_with('/') {
            p.pop();
        }
        // Distroless and scratch images have no shell and almost no files: `/` is where
        // their one binary usually lives.
        let minimal = p == "/" && facts.stage_of(ins).is_some_and(minimal_base);
        let hit = !minimal && EXACT.contains(&p.as_str())
            || UNDER.iter().any(|u| p == *u || p.starts_with(&format!("{u}/")));
        if hit {
            let msg = format!("WORKDIR `{value}` is a system directory");
            out.report(&META, facts, ins, span, msg);
        }
    }
}
