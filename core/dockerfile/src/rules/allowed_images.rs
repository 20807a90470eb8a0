//! DF0004 `image-not-allowed`: Base image is not in the allowed list.
use super::{Facts, Out};
use serde::{Deserialize, Serialize};
use stockade_source::glob::{Globs, PatternError};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// With the option `images` (glob patterns matched against the fully qualified name, such
    /// as `docker.io/library/alpine` or `ghcr.io/org/*`, or against the familiar name such as `alpine`),
    /// reports a `FROM` whose image matches none. Does nothing without the option. Stage
    /// references and `scratch` are never reported.
    ///
    /// ## Why is this bad?
    /// Organisations curate a small set of hardened, patched base images; anything else escapes
    /// that maintenance.
    ///
    /// ## Example
    /// ```dockerfile
    /// # options: {"images": ["docker.io/library/alpine", "ghcr.io/org/*"]}
    /// FROM ubuntu:24.04
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image>
    pub static META = {
        id: "DF0004",
        name: "image-not-allowed",
        pack: Pack::Dockerfile,
        aliases: &[],
        severity: Severity::High,
        category: Category::Security,
        title: "Base image is not in the allowed list",
        remediation: "Use one of the base images listed in the rule's `images` option.",
        options: Some(stockade_source::options_spec!(Options)),
    };
}

/// Options of DF0004, compiled: read from `stockade.yaml`
/// (`options: {images: [...]}`) or built in code with [`Options::new`] and given
/// to the facade's `Config::with_rule_options("DF0004", options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Options {
    /// Allowed images, as glob patterns over the full name (`docker.io/library/alpine`)
    /// or the familiar name (`alpine`, `ghcr.io/org/app`).
    #[serde(default)]
    pub images: Globs,
}

impl Options {
    /// Options allowing these image patterns; the error names the first invalid one.
    ///
    /// ```
    /// use stockade_dockerfile::rules::allowed_images::Options;
    /// let options = Options::new(["docker.io/library/alpine", "ghcr.io/org/*"])?;
    /// assert!(options.images.is_match("ghcr.io/org/app"));
    /// # Ok::<(), stockade_source::glob::PatternError>(())
    /// ```
    pub fn new<I, S>(images: I) -> Result<Self, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Ok(Self {
            images: Globs::new(images)?,
        })
    }
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    let Some(opts) = out.options::<Options>(&META) else { return };
    let set = &opts.images;
    if set.is_empty() {
        return;
    }
    for stage in &facts.stages {
        if stage.image_unresolved {
            continue;
        }
        let Some(img) = stage.image() else { continue };
        if set.is_match(&img.full_name()) || set.is_match(&img.familiar_name()) {
            continue;
        }
        let span = stage.image_sub_span(Some(img.name_range.clone()));
        let msg = format!(
            "base image {} (`{}`) is not in the allowed list",
            stage.image_display(),
            img.full_name()
        );
        out.report(&META, facts, stage.from, span, msg);
    }
}
