use stockade_source::rule::{Category, Pack, Severity};

use super::{has, policy_object, Hit, Lint};
use crate::model::Direction;
use crate::ports::Protocol;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a NetworkPolicy that isolates workloads for egress when no egress
    /// rule of any policy selecting them allows DNS: port 53 over UDP and over TCP
    /// (to any destination). Reported once per workload, on the first such policy.
    ///
    /// ## Why is this bad?
    /// Once a pod is isolated for egress, everything not allowed is dropped,
    /// including its name lookups: the pod cannot resolve Service names and fails
    /// in confusing ways. DNS falls back to TCP for large answers, so UDP alone is
    /// not enough either.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    ///   egress:
    ///   - to:
    ///     - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    ///       podSelector: {matchLabels: {k8s-app: kube-dns}}
    ///     ports:
    ///     - {port: 53, protocol: UDP}
    ///     - {port: 53, protocol: TCP}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic>
    pub static META = {
        id: "NP004",
        name: "netpol-egress-without-dns",
        pack: Pack::NetworkPolicy,
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Egress isolation without DNS",
        remediation: "Add an egress rule allowing port 53 over UDP and TCP to the cluster DNS (kube-dns in kube-system).",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    let mut reported: std::collections::BTreeMap<usize, Vec<String>> =
        std::collections::BTreeMap::new();
    for (wi, w) in l.cluster.workloads.iter().enumerate() {
        let Some(policies) = l.analysis.egress_policies.get(wi).filter(|p| !p.is_empty()) else {
            continue;
        };
        let (mut udp, mut tcp) = (false, false);
        for &pi in policies {
            let Some(p) = l.cluster.policies.get(pi) else {
                continue;
            };
            for r in &p.egress {
                let c = l.rule_conns_anywhere(pi, Direction::Egress, r);
                udp |= has(&c, Protocol::Udp, 53);
                tcp |= has(&c, Protocol::Tcp, 53);
            }
        }
        if udp && tcp {
            continue;
        }
        let missing = match (udp, tcp) {
            (false, false) => "UDP and TCP",
            (false, true) => "UDP",
            _ => "TCP",
        };
        if let Some(&first) = policies.first() {
            reported
                .entry(first)
                .or_default()
                .push(format!("{} (no {missing})", w.id()));
        }
    }
    for (pi, workloads) in reported {
        let Some(p) = l.cluster.policies.get(pi) else {
            continue;
        };
        let span = p
            .policy_types
            .iter()
            .flatten()
            .find(|(t, _)| t == "Egress")
            .map(|(_, s)| *s)
            .or(p.egress_key)
            .unwrap_or(p.loc.span);
        let shown: Vec<&str> = workloads.iter().take(3).map(String::as_str).collect();
        let more = if workloads.len() > 3 {
            format!(" and {} more", workloads.len() - 3)
        } else {
            String::new()
        };
        out.push(l.hit(
            &META,
            super::at(
                &p.loc,
                span,
                p.loc.pointer.replace("/metadata/name", "/spec/policyTypes"),
            ),
            policy_object(p),
            format!(
                "NetworkPolicy {} isolates egress but DNS (port 53) is not allowed for {}{more}",
                p.id(),
                shown.join(", ")
            ),
        ));
    }
}
