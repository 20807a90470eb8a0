//! DF0001 `image-latest-tag`: Base image uses the `latest` tag or no tag.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image, after `ARG` substitution, has the tag `latest` or no tag
    /// at all (which means `latest`). Images pinned by digest are not reported.
    ///
    /// ## Why is this bad?
    /// `latest` moves: the same Dockerfile builds a different image tomorrow, builds are not
    /// reproducible, and a breaking or compromised release of the base image is pulled in
    /// without review.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG TAG=latest
    /// FROM node:${TAG}
    /// FROM alpine
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22.11-alpine3.20
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3007>
    /// - <https://github.com/hadolint/hadolint/wiki/DL3006>
    /// - <https://avd.aquasec.com/misconfig/ds001>
    /// - <https://docs.docker.com/reference/build-checks/>
    pub static META = {
        id: "DF0001",
        name: "image-latest-tag",
        pack: Pack::Dockerfile,
        aliases: &["DL3006", "DL3007", "DS-0001", "CKV_DOCKER_7"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Base image uses the `latest` tag or no tag",
        remediation: "Pin the base image to a specific version tag (and ideally a digest).",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        if stage.image_unresolved {
            continue;
        }
        let Some(img) = stage.image() else { continue };
        if img.digest.is_some() {
            continue;
        }
        match img.tag.as_deref() {
            Some("latest") => {
                let span = stage.image_sub_span(img.tag_range.clone());
                let msg = format!("base image {} uses the `latest` tag", stage.image_display());
                out.report(&META, facts, stage.from, span, msg);
            }
            None => {
                let span = stage.image_sub_span(Some(img.name_range.clone()));
                let msg = format!(
                    "base image {} has no tag, so it is `latest`",
                    stage.image_display()
                );
                out.report(&META, facts, stage.from, span, msg);
            }
            Some(_) => {}
        }
    }
}
