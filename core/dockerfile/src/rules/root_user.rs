//! DF0005 `user-root`: Final image runs as root.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports the last `USER` of the final stage when it is root (`root`, `0`, `root:root`,
    /// `0:0`, quoted or through an `ARG`; a UID is read as runc reads it, so `00`, `+0`
    /// and `-0` are root too), and a final stage that sets no `USER` at all (also
    /// not in an earlier stage it is built `FROM`). `USER root` in a builder stage does not
    /// matter: only the final stage becomes the image.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the host's kernel: a container
    /// escape or a mounted volume gives full control.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -r app
    /// USER root
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -r app
    /// USER app
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3002>
    /// - <https://avd.aquasec.com/misconfig/ds002>
    /// - <https://docs.docker.com/build/building/best-practices/#user>
    pub static META = {
        id: "DF0005",
        name: "user-root",
        pack: Pack::Dockerfile,
        aliases: &["DL3002", "DS-0002", "CKV_DOCKER_8", "CKV_DOCKER_3"],
        severity: Severity::High,
        category: Category::Security,
        title: "Final image runs as root",
        remediation: "Add a non-root `USER` (name or UID) at the end of the final stage.",
    };
}

use crate::ast::Keyword;
use crate::model::is_root_user as is_root;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    let Some(last) = facts.final_stage() else { return };
    // Walk the stage and the stages it is built from.
    let mut stage = Some(last);
    let mut seen = 0;
    while let Some(s) = stage {
        if let Some(user) = s.with(Keyword::User).last() {
            if let Some((value, span)) = facts.text_arg(user) {
                if is_root(&value) {
                    let written = span.text(facts.text);
                    let msg = if written == value {
                        format!("`USER {value}` makes the final image run as root")
                    } else {
                        format!("`USER {written}` (resolved `{value}`) makes the final image run as root")
                    };
                    out.report(&META, facts, user, span, msg);
                }
            }
            return;
        }
        seen += 1;
        if seen > facts.stages.len() {
            break;
        }
        stage = s.base_stage.and_then(|i| facts.stages.get(i));
    }
    let (span, _) = last.image_span();
    let msg = format!(
        "the final stage ({}) sets no USER, so the image runs as root unless its base image sets one",
        last.label()
    );
    out.report(&META, facts, last.from, span, msg);
}
