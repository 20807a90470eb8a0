//! DF0002 `image-unpinned-digest`: Base image is not pinned by digest.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image has no `@sha256:` digest. Off by default: turn it on where
    /// builds must be reproducible to the byte.
    ///
    /// ## Why is this bad?
    /// A tag can be moved to another image at any time by whoever controls the repository; only
    /// a digest names exactly one image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#from>
    /// - <https://docs.docker.com/build/building/best-practices/#pin-base-image-versions>
    pub static META = {
        id: "DF0002",
        name: "image-unpinned-digest",
        pack: Pack::Dockerfile,
        aliases: &[],
        severity: Severity::Low,
        category: Category::Security,
        title: "Base image is not pinned by digest",
        remediation: "Add the image digest: `FROM image:tag@sha256:…`.",
        default_enabled: false,
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        if stage.image_unresolved {
            continue;
        }
        let Some(img) = stage.image() else { continue };
        if img.digest.is_none() {
            let span = stage.image_sub_span(None);
            let msg = format!("base image {} is not pinned by digest", stage.image_display());
            out.report(&META, facts, stage.from, span, msg);
        }
    }
}
