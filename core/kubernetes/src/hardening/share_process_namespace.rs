//! K8S019: containers of a pod should not share one process namespace.

use super::{Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a pod with `shareProcessNamespace: true` (the finding points at the
    /// value). Sharing the *host's* process namespace (`hostPID`) is Pod Security's
    /// `hostNamespaces` (PSS002); this is the pod-internal variant.
    ///
    /// ## Why is this bad?
    /// In a shared process namespace every container sees and can signal the
    /// processes of the others, and can read their environment and filesystem
    /// through `/proc/<pid>/root` when it runs as the same user or has
    /// `SYS_PTRACE`: a compromised sidecar reaches the application's secrets.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   shareProcessNamespace: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   shareProcessNamespace: false
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/>
    pub static META = {
        id: "K8S019",
        name: "share-process-namespace",
        pack: Pack::Kubernetes,
        severity: Severity::Medium,
        category: Category::Security,
        title: "Containers share a process namespace",
        remediation: "Remove `shareProcessNamespace: true` unless a container must see the others' processes (then keep that container minimal).",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    if let Some(v) = &w.extra.share_process_namespace {
        if v.value {
            out.push(Hit::new(
                &v.loc,
                format!(
                    "pod {} sets shareProcessNamespace: true; its containers see and can signal each other's processes",
                    w.of()
                ),
            ));
        }
    }
}
