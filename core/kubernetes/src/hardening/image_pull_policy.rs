//! K8S009: a mutable image reference must be pulled with `imagePullPolicy: Always`.

use super::{image_ref, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every container whose image is referenced by tag (no digest) and whose
    /// effective `imagePullPolicy` is not `Always`. When the field is absent the API
    /// server defaults it as Kubernetes does: `Always` for the tag `latest` or no
    /// tag, `IfNotPresent` otherwise. An image pinned by digest passes with any
    /// policy (it cannot change). The finding points at the `imagePullPolicy` value,
    /// or at the `image` value when the policy is defaulted.
    ///
    /// ## Why is this bad?
    /// With `IfNotPresent` (or `Never`) a node runs whatever image it cached under
    /// the tag: a re-pushed tag runs different code on different nodes, and the
    /// registry's access control (`imagePullSecrets`) is not checked again, so any
    /// pod scheduled on that node can use a private image another pod pulled.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    ///     imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    ///     imagePullPolicy: Always
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy>
    /// - Polaris `pullPolicyNotAlways`, Checkov `CKV_K8S_15`
    pub static META = {
        id: "K8S009",
        name: "image-pull-policy-not-always",
        pack: Pack::Kubernetes,
        aliases: &["pullPolicyNotAlways", "CKV_K8S_15"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Mutable image not pulled with imagePullPolicy Always",
        remediation: "Set `imagePullPolicy: Always`, or pin the image by digest.",
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
        match &x.pull_policy {
            Some(p) if p.value == "Always" => {}
            Some(p) => out.push(Hit::new(
                &p.loc,
                format!(
                    "{} pulls the mutable image \"{}\" with imagePullPolicy {}; nodes run whatever they cached for the tag",
                    w.who(c),
                    image.value,
                    p.value
                ),
            )),
            None => {
                if matches!(r.tag.as_deref(), None | Some("latest")) {
                    continue;
                }
                out.push(Hit::new(
                    &image.loc,
                    format!(
                        "{} pulls the mutable image \"{}\" with the default imagePullPolicy IfNotPresent; nodes run whatever they cached for the tag",
                        w.who(c),
                        image.value
                    ),
                ));
            }
        }
    }
}
