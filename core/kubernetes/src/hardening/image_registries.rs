//! K8S008: images must come from allowed registries (with the `registries` option).

use serde::{Deserialize, Serialize};

use super::{image_ref, Hit, Workload};
use stockade_source::glob::PatternError;
use stockade_source::image::RegistryPatterns;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// With the option `registries` (glob patterns), flags every container whose
    /// image no pattern allows. The option means the same as in DF0003: a pattern
    /// with `/` allows repositories, matched against the fully qualified
    /// repository name, without tag or digest, as Docker normalises it
    /// (`nginx:1.27` is `docker.io/library/nginx`, `ghcr.io/acme/api:2` is
    /// `ghcr.io/acme/api`); `*` also matches `/`, so `ghcr.io/acme/*` allows every
    /// repository under `ghcr.io/acme/`. A pattern without `/` (`docker.io`,
    /// `*.gcr.io`) allows a whole registry, matched against the image's registry
    /// host. Without the option the rule does nothing. The finding points at the
    /// `image` value.
    ///
    /// ## Why is this bad?
    /// Images from unvetted registries bypass the organisation's supply-chain
    /// controls (scanning, signing, mirroring), and a typo-squatted public image
    /// can run with the pod's service account.
    ///
    /// ## Example
    /// ```yaml
    /// # options: {"registries": ["ghcr.io/acme/*", "docker.io/library/*"]}
    /// containers:
    ///   - name: app
    ///     image: quay.io/someone/app:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: ghcr.io/acme/app:1.0
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/>
    /// - Trivy KSV-0125
    pub static META = {
        id: "K8S008",
        name: "k8s-image-registry-not-allowed",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0125"],
        severity: Severity::High,
        category: Category::Security,
        title: "Image from a registry that is not allowed",
        remediation: "Pull images only from the repositories listed in the rule's `registries` option.",
        options: Some(stockade_source::options_spec!(Options)),
    };
}

/// Options of K8S008, compiled: read from `stockade.yaml`
/// (`options: {registries: [...]}`) or built in code with [`Options::new`] and
/// given to the facade's `Config::with_rule_options("K8S008", options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Options {
    /// Allowed repositories (`ghcr.io/acme/*`, `docker.io/library/*`) and
    /// registries (`docker.io`, `*.gcr.io`); see [`RegistryPatterns`].
    #[serde(default)]
    pub registries: RegistryPatterns,
}

impl Options {
    /// Options allowing these registry or repository patterns; the error names the
    /// first invalid pattern.
    ///
    /// ```
    /// use stockade_kubernetes::hardening::image_registries::Options;
    /// let options = Options::new(["ghcr.io/acme/*", "docker.io/library/*"])?;
    /// assert_eq!(options.registries.patterns().len(), 2);
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

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    let Some(opts) = w.config.options::<Options>(&META) else {
        return;
    };
    if opts.registries.is_empty() {
        return;
    }
    for (c, x) in w.containers() {
        let Some(image) = &x.image else { continue };
        let Some(r) = image_ref(&image.value) else {
            continue;
        };
        if opts.registries.matches(&r) {
            continue;
        }
        let name = r.full_name();
        out.push(Hit::new(
            &image.loc,
            format!(
                "{} uses image \"{}\" ({name}), which no allowed registry pattern matches",
                w.who(c),
                image.value
            ),
        ));
    }
}
