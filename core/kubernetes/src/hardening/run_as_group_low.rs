//! K8S018: containers should run with a group ID above 10000.

use super::{low_ids, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every container whose effective `securityContext.runAsGroup` (its own,
    /// else the pod's) is 10000 or lower, or is not set at all (then the image's
    /// group ID applies). A low pod-level value is reported once, at the value, naming
    /// the containers that inherit it. Pods in a user namespace (`hostUsers: false`,
    /// where IDs are remapped) and Windows pods are exempt.
    ///
    /// ## Why is this bad?
    /// Low GIDs are the host's system groups (`0` is root's, others own devices and
    /// sockets): a process that escapes the container with such a GID gets the
    /// group's access on the node. A GID above 10000 matches no host group.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsGroup: 1000
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   runAsGroup: 10001
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    /// - Trivy KSV-0021, kubesec `RunAsGroup`
    pub static META = {
        id: "K8S018",
        name: "run-as-group-low",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0021", "RunAsGroup"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Container runs with a GID of 10000 or lower",
        remediation: "Set `securityContext.runAsGroup` above 10000 (pod or container).",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    let pod = w.extra.run_as_group.as_ref();
    low_ids(w, out, "runAsGroup", pod, |_, x| x.run_as_group.clone());
}
