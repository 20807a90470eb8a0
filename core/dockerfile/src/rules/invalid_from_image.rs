//! DF0060 `invalid-from-image`: FROM names an invalid image reference.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image, as written, is not a valid image reference as
    /// Docker's `distribution/reference` reads it: upper-case letters in the
    /// repository (`FROM Ubuntu:22.04`), a tag with a colon (`FROM a:b:c`), a
    /// digest without `@` (`FROM img:sha256:…`), an empty path component. The build
    /// fails at this line ("invalid reference format"). A `FROM` built from ARGs is
    /// `DF0055` (with the ARG defaults) or `DF0048` (undeclared ARGs) instead.
    ///
    /// ## Why is this bad?
    /// The image cannot be pulled, so nothing after it is built; and every rule on
    /// the base image (tags, digests, registries) has nothing it can read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM Ubuntu:22.04
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ubuntu:22.04
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#from>
    /// - <https://github.com/distribution/reference/blob/main/reference.go> (the grammar)
    pub static META = {
        id: "DF0060",
        name: "invalid-from-image",
        pack: Pack::Dockerfile,
        aliases: &[],
        severity: Severity::High,
        category: Category::BestPractice,
        title: "FROM names an invalid image reference",
        remediation: "Write the image as `[registry/]repository[:tag][@digest]`, lower-case.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let Some(w) = stage.image_word else { continue };
        if stage.image_dynamic {
            continue; // DF0055 / DF0048
        }
        let crate::model::Base::Invalid(why) = &stage.base else { continue };
        let msg = format!("`{}` is not a valid image reference: {why}", w.value);
        out.report(&META, facts, stage.from, w.span, msg);
    }
}
