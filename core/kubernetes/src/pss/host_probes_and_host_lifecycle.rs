//! PSA check `hostProbesAndHostLifecycle` (baseline, v1.34+).

use std::collections::BTreeSet;

use super::{
    join_quote, pluralize, sorted_values, CheckVersion, Level, PssCheck, Setter, Violation,
};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod when a container's probe (`livenessProbe`, `readinessProbe`,
    /// `startupProbe`) or lifecycle handler (`postStart`, `preStop`) sets a
    /// non-empty `httpGet.host` or `tcpSocket.host`: pod-security-admission's
    /// `hostProbesAndHostLifecycle` check of the **baseline** level (v1.34 on).
    ///
    /// ## Why is this bad?
    /// The kubelet, not the pod, performs probes and lifecycle calls: a `host`
    /// lets a pod make the node send requests to arbitrary addresses, e.g. the
    /// node's own services or cloud metadata endpoints.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     host: 169.254.169.254
    ///     port: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     path: /healthz
    ///     port: 8080
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_hostProbesAndhostLifecycle.go`
    pub static META = {
        id: "PSS012",
        name: "pss-host-probes-and-lifecycle",
        pack: Pack::PodSecurity,
        aliases: &["hostProbesAndHostLifecycle"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Probe or lifecycle handler with a host",
        remediation: "Remove `host` from the probe or lifecycle handler; the kubelet then targets the pod's IP.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "hostProbesAndHostLifecycle",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 34,
        eval: host_probes_1_34,
        overrides: &[],
    }],
    reason: |_| "probe or lifecycle host".to_string(),
    detail: |v| {
        // PSA collects container names in a set: sorted, unique.
        let names: Vec<String> = v
            .iter()
            .filter_map(|v| match &v.setter {
                Setter::Container(_, name) => Some(name.clone()),
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let hosts = sorted_values(v, None);
        format!(
            "{} {} {} {} {}",
            pluralize("container", "containers", names.len()),
            join_quote(&names),
            pluralize("uses", "use", names.len()),
            pluralize(
                "probe or lifecycle host",
                "probe or lifecycle hosts",
                hosts.len()
            ),
            join_quote(&hosts)
        )
    },
};

fn host_probes_1_34(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        for host in &c.probe_hosts {
            out.push(
                Violation::new(&host.loc, Setter::Container(i, c.name.clone()))
                    .value(host.value.clone()),
            );
        }
    }
    out
}
