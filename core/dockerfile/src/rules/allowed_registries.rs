//! DF0003 `image-registry-not-allowed`: Base image comes from a registry that is not allowed.
use super::{Facts, Out};
use serde::{Deserialize, Serialize};
use stockade_source::glob::PatternError;
use stockade_source::image::RegistryPatterns;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// With the option `registries`, reports a `FROM` whose image comes from a
    /// registry, or a repository, that no pattern allows. The option means the same
    /// as in K8S008: a glob pattern without `/` (`docker.io`, `*.gcr.io`,
    /// `registry.example.com`) allows a registry host, matched against the image's
    /// normalised registry (images without a registry come from `docker.io`); a
    /// pattern with `/` (`ghcr.io/acme/*`, `docker.io/library/*`) allows
    /// repositories, matched against `registry/repository` without tag or digest.
    /// `*` also matches `/`. Does nothing without the option. Stage references and
    /// `scratch` are never reported.
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

/// Options of DF0003, compiled: read from `stockade.yaml`
/// (`options: {registries: [...]}`) or built in code with [`Options::new`] and
/// given to the facade's `Config::with_rule_options("DF0003", options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Options {
    /// Allowed registries (`docker.io`, `*.example.com`) and repositories
    /// (`ghcr.io/acme/*`); see [`RegistryPatterns`].
    #[serde(default)]
    pub registries: RegistryPatterns,
}

impl Options {
    /// Options allowing these registry or repository patterns; the error names the
    /// first invalid pattern.
    ///
    /// ```
    /// use stockade_dockerfile::rules::allowed_registries::Options;
    /// let options = Options::new(["registry.example.com", "ghcr.io/acme/*"])?;
    /// assert_eq!(options.registries.patterns().len(), 2);
    /// assert!(Options::new(["docker.io/[unclosed"]).is_err());
    /// # Ok::<(), stockade_source::glob::PatternError>(())
    /// ```
    pub fn new<I, S>(registries: I) -> Result<Self, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Ok(Self {
            registries: RegistryPatterns::new(registries)?,
        })
    }
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    let Some(opts) = out.options::<Options>(&META) else { return };
    if opts.registries.is_empty() {
        return;
    }
    for stage in &facts.stages {
        if stage.image_unresolved {
            continue;
        }
        let Some(img) = stage.image() else { continue };
        if opts.registries.matches(img) {
            continue;
        }
        let (span, msg) = if opts.registries.has_repository_patterns() {
            // Repositories may be allowed: the whole name is what failed.
            (
                stage.image_sub_span(Some(img.name_range.clone())),
                format!(
                    "base image {} (`{}`) comes from a registry or repository that is not allowed",
                    stage.image_display(),
                    img.full_name()
                ),
            )
        } else {
            let range = img
                .registry_explicit
                .then(|| 0..stage.image_text.find('/').unwrap_or(0));
            (
                stage.image_sub_span(range),
                format!(
                    "base image {} comes from registry `{}`, which is not allowed",
                    stage.image_display(),
                    img.registry
                ),
            )
        };
        out.report(&META, facts, stage.from, span, msg);
    }
}
