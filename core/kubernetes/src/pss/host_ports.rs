//! PSA check `hostPorts` (baseline, v1.0+).

use super::{
    container_names, join_quote, pluralize, sorted_values, CheckVersion, Level, PssCheck, Setter,
    Violation,
};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod when a container port sets a `hostPort` other than 0:
    /// pod-security-admission's `hostPorts` check of the **baseline** level
    /// (every version from v1.0). In a Pod with `hostNetwork: true` the API server
    /// defaults every missing `hostPort` to its `containerPort` before admission, so
    /// such ports are reported too, at their `containerPort` (pod templates are not
    /// defaulted this way since Kubernetes 1.28).
    ///
    /// ## Why is this bad?
    /// A host port binds the node's network interface, bypassing network
    /// policies and limiting where the pod can be scheduled.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    ///     hostPort: 8080
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_hostPorts.go`
    pub static META = {
        id: "PSS004",
        name: "pss-host-ports",
        pack: Pack::PodSecurity,
        aliases: &["hostPorts", "KSV-0024", "CKV_K8S_26", "hostPortSet"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Host port",
        remediation: "Remove `hostPort` and expose the port through a Service.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "hostPorts",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: host_ports_1_0,
        overrides: &[],
    }],
    reason: |_| "hostPort".to_string(),
    detail: |v| {
        let names = container_names(v, None);
        let ports = sorted_values(v, None);
        format!(
            "{} {} {} {} {}",
            pluralize("container", "containers", names.len()),
            join_quote(&names),
            pluralize("uses", "use", names.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        )
    },
};

fn host_ports_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        for port in &c.host_ports {
            if port.value != 0 {
                out.push(
                    Violation::new(&port.loc, Setter::Container(i, c.name.clone()))
                        .value(port.value.to_string()),
                );
            }
        }
    }
    out
}
