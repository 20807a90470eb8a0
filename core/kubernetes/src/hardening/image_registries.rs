//! K8S008: images must come from allowed registries (with the `registries` option).

use serde::{Deserialize, Serialize};

use super::{image_ref, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// With the option `registries` (glob patterns), flags every container whose
    /// image repository matches none of them. The image is matched by its fully
    /// qualified repository name, without tag or digest, as Docker normalises it:
    /// `nginx:1.27` is `docker.io/library/nginx`, `ghcr.io/acme/api:2` is
    /// `ghcr.io/acme/api`. `*` also matches `/`, so `ghcr.io/acme/*` allows every
    /// repository under `ghcr.io/acme/`. Without the option the rule does nothing.
    /// The finding points at the `image` value.
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

/// Options of K8S008.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Allowed image repositories, as glob patterns over the fully qualified
    /// repository name (`ghcr.io/acme/*`, `docker.io/library/*`, `*.gcr.io/*`).
    #[serde(default)]
    pub registries: Vec<String>,
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    let Some(opts) = w.config.options::<Options>(&META) else {
        return;
    };
    let Some(set) = stockade_source::glob::glob_set(&opts.registries) else {
        return;
    };
    for (c, x) in w.containers() {
        let Some(image) = &x.image else { continue };
        let Some(r) = image_ref(&image.value) else {
            continue;
        };
        let name = r.full_name();
        if set.is_match(&name) {
            continue;
        }
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
