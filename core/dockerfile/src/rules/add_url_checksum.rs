//! DF0010 `add-url-without-checksum`: ADD downloads a URL without `--checksum`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `ADD` with an `http(s)://` source and no `--checksum` flag. Git sources
    /// (`https://…/repo.git#ref`) are not reported.
    ///
    /// ## Why is this bad?
    /// The file is trusted blindly: whoever controls the server (or the network path) decides
    /// what lands in the image, and the build is not reproducible.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#add---checksum>
    pub static META = {
        id: "DF0010",
        name: "add-url-without-checksum",
        pack: Pack::Dockerfile,
        aliases: &[],
        severity: Severity::Medium,
        category: Category::Security,
        title: "ADD downloads a URL without `--checksum`",
        remediation: "Add `--checksum=sha256:…` to the ADD, or download with curl/wget and verify the checksum.",
    };
}

use crate::ast::Keyword;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions().filter(|i| i.keyword == Keyword::Add) {
        if ins.flag("checksum").is_some() {
            continue;
        }
        for w in super::copy_sources(ins) {
            let v = w.value.to_ascii_lowercase();
            let git = super::has_ext(&v, "git") || v.contains(".git#");
            if (v.starts_with("http://") || v.starts_with("https://")) && !git {
                let msg = format!("ADD downloads `{}` without `--checksum`", w.value);
                out.report(&META, facts, ins, w.span, msg);
            }
        }
    }
}
