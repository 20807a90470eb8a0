//! DF0055 `invalid-default-arg-in-from`: FROM gives an invalid image with the ARG defaults.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image, expanded with the default values of the global ARGs
    /// (empty when an ARG has none), is not a valid image reference (`alpine:` or empty).
    ///
    /// ## Why is this bad?
    /// The build fails unless every user passes the right `--build-arg`; a default should build.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG TAG
    /// FROM alpine:${TAG}
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG TAG=3.20
    /// FROM alpine:${TAG}
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/>
    pub static META = {
        id: "DF0055",
        name: "invalid-default-arg-in-from",
        pack: Pack::Dockerfile,
        aliases: &["InvalidDefaultArgInFrom"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "FROM gives an invalid image with the ARG defaults",
        remediation: "Give the ARG a default that makes a valid image reference.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let Some(w) = stage.image_word else { continue };
        if !stage.image_dynamic || stage.image_unresolved {
            continue; // DF0048 reports undeclared ARGs
        }
        let crate::model::Base::Invalid(why) = &stage.base else { continue };
        let msg = format!(
            "with the ARG defaults, `{}` gives `{}`: {why}",
            w.value, stage.image_text
        );
        out.report(&META, facts, stage.from, w.span, msg);
    }
}
