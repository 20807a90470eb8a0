//! DF0003 `image-registry-not-allowed`: Base image comes from a registry that is not allowed.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};
use serde::{Deserialize, Serialize};

stockade_source::declare_rule! {
    /// ## What it does
    /// With the option `registries` (glob patterns such as `docker.io`, `*.gcr.io`,
    /// `registry.example.com`), reports a `FROM` whose image comes from another registry.
    /// Images without a registry come from `docker.io`. Does nothing without the option.
    /// Stage references and `scratch` are never reported.
    ///
    /// ## Why is this bad?
    /// Images from unvetted registries bypass the organisation's supply-chain controls (scanning,
    /// signing, mirroring).
    ///
    /// ## Example
    /// ```dockerfile
    /// # options: {"registries": ["registry.example.com"]}
    /// FROM quay.io/org/tool:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM registry.example.com/org/tool:1.0
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3026>
    pub static META = {
        id: "DF0003",
        name: "image-registry-not-allowed",
        pack: Pack::Dockerfile,
        aliases: &["DL3026"],
        severity: Severity::High,
        category: Category::Security,
        title: "Base image comes from a registry that is not allowed",
        remediation: "Pull base images only from the registries listed in the rule's `registries` option.",
        options: Some(stockade_source::options_spec!(Options)),
    };
}

/// Options of DF0003.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Allowed registries, as glob patterns (`docker.io`, `*.example.com`).
    #[serde(default)]
    pub registries: Vec<String>,
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    let Some(opts) = out.options::<Options>(&META) else { return };
    let Some(set) = super::glob_set(&opts.registries) else { return };
    for stage in &facts.stages {
        if stage.image_unresolved {
            continue;
        }
        let Some(img) = stage.image() else { continue };
        let registry = img.registry.clone();
        if set.is_match(&registry) {
            continue;
        }
        let range = img
            .registry_explicit
            .then(|| 0..stage.image_text.find('/').unwrap_or(0));
        let span = stage.image_sub_span(range);
        let msg = format!(
            "base image {} comes from registry `{registry}`, which is not allowed",
            stage.image_display()
        );
        out.report(&META, facts, stage.from, span, msg);
    }
}
