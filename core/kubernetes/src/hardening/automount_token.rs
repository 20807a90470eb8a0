//! K8S010: the service account token should not be mounted unless needed.

use super::{Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a pod that gets its service account's API token mounted:
    /// `automountServiceAccountToken` is `true`, or is not set and the pod's
    /// `ServiceAccount` (when it is defined in the same file) does not set it to
    /// `false` either. As the API server decides, the pod's field wins over the
    /// `ServiceAccount`'s. The finding points at the `true` value, else at the pod's
    /// `spec` key.
    ///
    /// ## Why is this bad?
    /// Every process of the pod can read the token and call the Kubernetes API with
    /// the service account's permissions; most workloads never call the API, and a
    /// stolen token is the usual first step of lateral movement in a cluster.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: false
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.2
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting>
    /// - kube-linter `automount-service-account-token`, Polaris
    ///   `automountServiceAccountToken`, kubesec `AutomountServiceAccountToken`,
    ///   Trivy KSV-0036, Checkov `CKV_K8S_38`
    pub static META = {
        id: "K8S010",
        name: "service-account-token-automount",
        pack: Pack::Kubernetes,
        aliases: &[
            "automount-service-account-token",
            "automountServiceAccountToken",
            "KSV-0036",
            "CKV_K8S_38",
        ],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Service account token mounted automatically",
        remediation: "Set `automountServiceAccountToken: false` in the pod spec (or on its ServiceAccount) unless the pod calls the Kubernetes API.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    let account = w
        .extra
        .service_account
        .as_ref()
        .map_or("default", |s| s.value.as_str());
    match &w.extra.automount_token {
        Some(v) if !v.value => {}
        Some(v) => out.push(Hit::new(
            &v.loc,
            format!(
                "pod {} sets automountServiceAccountToken: true; the token of service account \"{account}\" is mounted into every container",
                w.of()
            ),
        )),
        None => {
            let namespace = w.object.namespace.as_deref();
            if w.accounts.automount(namespace, account) == Some(false) {
                return;
            }
            out.push(Hit::new(
                &w.pod.spec.anchor,
                format!(
                    "pod {} does not set automountServiceAccountToken: false; the token of service account \"{account}\" is mounted into every container",
                    w.of()
                ),
            ));
        }
    }
}
