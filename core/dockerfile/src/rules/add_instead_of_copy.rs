//! DF0009 `add-instead-of-copy`: ADD used where COPY serves.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `ADD` whose sources are all local files or directories that are not tar
    /// archives (which `ADD` would extract). URLs and git sources are left to DF0010.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy (it extracts archives and downloads URLs); using it for plain
    /// files hides that behaviour and surprises readers when a file happens to be an archive.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD app.py /app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY app.py /app/
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3020>
    /// - <https://avd.aquasec.com/misconfig/ds005>
    /// - <https://docs.docker.com/build/building/best-practices/#add-or-copy>
    pub static META = {
        id: "DF0009",
        name: "add-instead-of-copy",
        pack: Pack::Dockerfile,
        aliases: &["DL3020", "DS-0005", "CKV_DOCKER_4"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "ADD used where COPY serves",
        remediation: "Use `COPY` for local files and directories; keep `ADD` for archives to extract and checked remote sources.",
    };
}

use crate::ast::Keyword;

const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst",
    ".tzst", ".gz", ".bz2", ".xz", ".zst",
];

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Add) {
        let sources = super::copy_sources(ins);
        if sources.is_empty() {
            continue;
        }
        let all_plain = sources.iter().all(|w| {
            let v = w.value.to_ascii_lowercase();
            !(super::is_remote(&v) || ARCHIVES.iter().any(|a| v.ends_with(a)) || v.contains('$'))
        });
        if all_plain {
            let names: Vec<&str> = sources.iter().map(|w| w.value.as_str()).collect();
            let msg = format!("ADD copies local `{}`; use COPY", names.join(" "));
            out.report_fix(&META, facts, ins, ins.keyword_span, msg, crate::fixes::add_to_copy(ins));
        }
    }
}
