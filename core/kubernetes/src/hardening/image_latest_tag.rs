//! K8S006: images must name a fixed tag (not `latest`, not missing).

use super::{image_ref, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every container whose `image` has the tag `latest`, or no tag and no
    /// digest (which pulls `latest`). An image pinned by digest passes whatever its
    /// tag. The finding points at the `image` value.
    ///
    /// ## Why is this bad?
    /// `latest` moves: two nodes can run different code for the same pod, a
    /// rollback does not roll back, and an attacker who can push `latest` gets their
    /// image run at the next restart. With no tag, Kubernetes also defaults
    /// `imagePullPolicy` to `Always`.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: nginx
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: nginx:1.27.3
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/#image-names>
    /// - kube-linter `latest-tag`, Polaris `tagNotSpecified`, Trivy KSV-0013,
    ///   Checkov `CKV_K8S_14`
    pub static META = {
        id: "K8S006",
        name: "k8s-image-latest-tag",
        pack: Pack::Kubernetes,
        aliases: &["latest-tag", "tagNotSpecified", "KSV-0013", "CKV_K8S_14"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Image uses the latest tag or no tag",
        remediation: "Use a fixed version tag (or pin the image by digest).",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for (c, x) in w.containers() {
        let Some(image) = &x.image else { continue };
        let Some(r) = image_ref(&image.value) else {
            continue;
        };
        if r.digest.is_some() {
            continue;
        }
        let message = match r.tag.as_deref() {
            None => format!(
                "{} uses image \"{}\" without a tag (pulls the mutable `latest`)",
                w.who(c),
                image.value
            ),
            Some("latest") => format!(
                "{} uses image \"{}\" with the mutable tag `latest`",
                w.who(c),
                image.value
            ),
            Some(_) => continue,
        };
        out.push(Hit::new(&image.loc, message));
    }
}
