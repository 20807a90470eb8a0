//! K8S017: containers should run with a user ID above 10000.

use super::{low_ids, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every container whose effective `securityContext.runAsUser` (its own,
    /// else the pod's) is 10000 or lower, or is not set at all (then the image's
    /// user ID applies). A low pod-level value is reported once, at the value, naming
    /// the containers that inherit it. Pods in a user namespace (`hostUsers: false`,
    /// where IDs are remapped) and Windows pods are exempt. Root (`0`) is also Pod Security's
    /// `runAsUser` (PSS016).
    ///
    /// ## Why is this bad?
    /// Low UIDs are the host's system users and regular accounts: a process that
    /// escapes the container with a UID that exists on the node gets that user's files
    /// and processes. A UID above 10000 matches no host user.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 1000
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    /// - Trivy KSV-0020, Checkov `CKV_K8S_40` (kubesec's `RunAsUser` shares its name with
    ///   the Pod Security check `runAsUser`, PSS016)
    pub static META = {
        id: "K8S017",
        name: "run-as-user-low",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0020", "CKV_K8S_40"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Container runs with a UID of 10000 or lower",
        remediation: "Set `securityContext.runAsUser` above 10000 (pod or container).",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    let pod = w.pod.spec.pod_common().and_then(|p| p.run_as_user.as_ref());
    low_ids(w, out, "runAsUser", pod, |c, _| {
        c.security
            .as_ref()
            .and_then(|s| s.common.run_as_user.clone())
    });
}
