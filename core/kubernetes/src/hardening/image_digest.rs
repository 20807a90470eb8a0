//! K8S007 (opt-in): images must be pinned by digest.

use super::{image_ref, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every container whose `image` has no `@sha256:…` digest. Off by
    /// default: enable it where every image is pinned (for example by a
    /// digest-resolving release pipeline). The finding points at the `image` value.
    ///
    /// ## Why is this bad?
    /// A tag is a movable pointer: whoever can push to the repository can change
    /// what a tag runs. A digest names exactly one image.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2@sha256:0d5c1b6f1b1d3f3b9f2a7c6e4d8e1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/#image-names>
    /// - kube-linter `image-not-pinned-by-digest`, Checkov `CKV_K8S_43`
    pub static META = {
        id: "K8S007",
        name: "k8s-image-not-pinned-by-digest",
        pack: Pack::Kubernetes,
        aliases: &["image-not-pinned-by-digest", "CKV_K8S_43"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Image not pinned by digest",
        remediation: "Reference the image by digest (`image:tag@sha256:…`).",
        default_enabled: false,
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for (c, x) in w.containers() {
        let Some(image) = &x.image else { continue };
        let Some(r) = image_ref(&image.value) else {
            continue;
        };
        if r.digest.is_none() {
            out.push(Hit::new(
                &image.loc,
                format!(
                    "{} uses image \"{}\", which is not pinned by digest",
                    w.who(c),
                    image.value
                ),
            ));
        }
    }
}
