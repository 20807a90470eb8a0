//! PSA check `hostNamespaces` (baseline, v1.0+).

use super::{CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod that shares the host's network, PID or IPC namespace
    /// (`spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC` set to `true`):
    /// pod-security-admission's `hostNamespaces` check of the **baseline** level
    /// (every version from v1.0).
    ///
    /// ## Why is this bad?
    /// Host namespaces let the pod see and talk to every process, socket and
    /// shared-memory segment of the node, bypassing the container's isolation.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   hostNetwork: false
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_hostNamespaces.go`
    pub static META = {
        id: "PSS002",
        name: "pss-host-namespaces",
        pack: Pack::PodSecurity,
        aliases: &["hostNamespaces", "KSV-0008", "KSV-0009", "KSV-0010", "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "host-ipc", "host-network", "host-pid", "hostIPCSet", "hostNetworkSet", "hostPIDSet", "HostIPC", "HostNetwork", "HostPID"],
        severity: Severity::High,
        category: Category::Security,
        title: "Host namespaces shared",
        remediation: "Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to false).",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "hostNamespaces",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: host_namespaces_1_0,
        overrides: &[],
    }],
    reason: |_| "host namespaces".to_string(),
    detail: |v| {
        v.iter()
            .filter_map(|v| match &v.setter {
                Setter::Item(item) => Some(item.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", ")
    },
};

fn host_namespaces_1_0(pod: &Pod) -> Vec<Violation> {
    let spec = &pod.spec;
    [
        (&spec.host_network, "hostNetwork=true"),
        (&spec.host_pid, "hostPID=true"),
        (&spec.host_ipc, "hostIPC=true"),
    ]
    .into_iter()
    .filter_map(|(field, item)| {
        field
            .as_ref()
            .filter(|f| f.value)
            .map(|f| Violation::new(&f.loc, Setter::Item(item.to_string())))
    })
    .collect()
}
