use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};
use crate::model::{PortValue, Workload};
use crate::ports::Protocol;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a rule port with a number and no `protocol` (so TCP) when a
    /// destination workload exposes that port only over UDP: a container port, or a
    /// Service port targeting its pods, declared with `protocol: UDP` and never TCP.
    ///
    /// ## Why is this bad?
    /// `protocol` defaults to TCP. `port: 53` next to a UDP-only DNS server, or
    /// `port: 514` next to a syslog receiver, allows TCP traffic nobody listens to
    /// and keeps the UDP traffic blocked.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    /// - port: 514
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// ports:
    /// - port: 514
    ///   protocol: UDP
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec>
    pub static META = {
        id: "NP006",
        name: "netpol-port-protocol-mismatch",
        pack: Pack::NetworkPolicy,
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Port without protocol (TCP) where the destination serves only UDP",
        remediation: "Set `protocol: UDP` on the port (or list both UDP and TCP).",
    };
}

fn exposed(l: &Lint<'_>, w: &Workload, port: i64) -> (bool, bool) {
    let (mut udp, mut tcp) = (false, false);
    let mut see = |p: Protocol| match p {
        Protocol::Udp => udp = true,
        Protocol::Tcp => tcp = true,
        Protocol::Sctp => {}
    };
    for cp in w.ports.iter().filter(|cp| cp.port == port) {
        see(cp.protocol);
    }
    for s in &l.cluster.services {
        if s.namespace != w.namespace
            || s.selector.is_empty()
            || !s.selector.iter().all(|(k, v)| w.labels.get(k) == Some(v))
        {
            continue;
        }
        for (p, target, proto) in &s.ports {
            if target.unwrap_or(*p) == port {
                see(*proto);
            }
        }
    }
    (udp, tcp)
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    for (pi, p, d, r) in l.rules() {
        for port in &r.ports {
            let Some(PortValue::Number(n)) = &port.port else {
                continue;
            };
            if port.protocol_given || port.end_port.is_some() {
                continue;
            }
            let udp_only: Vec<String> = l
                .destinations(pi, p, d, r)
                .into_iter()
                .filter_map(|wi| l.cluster.workloads.get(wi))
                .filter(|w| exposed(l, w, *n) == (true, false))
                .map(Workload::id)
                .collect();
            if let Some(first) = udp_only.first() {
                out.push(l.hit(
                    &META,
                    super::at(&port.loc, port.port_span.unwrap_or(port.loc.span), format!("{}/port", port.loc.pointer)),
                    policy_object(p),
                    format!(
                        "{} rule {} of NetworkPolicy {}: port {n} has no protocol, so it allows TCP, but {first} serves port {n} only over UDP",
                        d.key(),
                        r.index,
                        p.id()
                    ),
                ));
            }
        }
    }
}
