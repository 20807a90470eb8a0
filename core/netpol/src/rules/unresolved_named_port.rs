use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};
use crate::model::{PeerKind, PortValue};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a named rule port (`port: http`) that no destination workload's
    /// container exposes under that name and protocol, or that is used in a rule
    /// with an `ipBlock` peer.
    ///
    /// ## Why is this bad?
    /// A named port is resolved against the destination pod's container ports; a
    /// name no container declares (or declares with another protocol) allows
    /// nothing. Addresses outside the cluster have no container ports, so a named
    /// port never matches traffic to or from an `ipBlock`.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    /// - port: http     # the container port is named "web"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// ports:
    /// - port: web
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec>
    pub static META = {
        id: "NP007",
        name: "netpol-unresolved-named-port",
        pack: Pack::NetworkPolicy,
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Named port that no destination exposes",
        remediation: "Use the container port's name as declared (with its protocol), or a port number for ipBlock peers.",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    for (pi, p, d, r) in l.rules() {
        let has_ip_block = r
            .peers
            .iter()
            .any(|x| matches!(x.kind, PeerKind::IpBlock(_)));
        for port in &r.ports {
            let Some(PortValue::Name(name)) = &port.port else {
                continue;
            };
            let loc = super::at(
                &port.loc,
                port.port_span.unwrap_or(port.loc.span),
                format!("{}/port", port.loc.pointer),
            );
            if has_ip_block && d == crate::model::Direction::Egress {
                out.push(l.hit(
                    &META,
                    loc,
                    policy_object(p),
                    format!(
                        "egress rule {} of NetworkPolicy {}: named port `{name}` never matches an ipBlock peer (addresses outside the cluster have no container ports); use a port number",
                        r.index,
                        p.id()
                    ),
                ));
                continue;
            }
            let dests = l.destinations(pi, p, d, r);
            if dests.is_empty() {
                continue;
            }
            let resolved = dests
                .iter()
                .filter_map(|&wi| l.cluster.workloads.get(wi))
                .any(|w| {
                    w.named_port(name)
                        .is_some_and(|cp| cp.protocol == port.protocol)
                });
            if !resolved {
                out.push(l.hit(
                    &META,
                    loc,
                    policy_object(p),
                    format!(
                        "{} rule {} of NetworkPolicy {}: no destination workload has a container port named `{name}` with protocol {}, so this port allows nothing",
                        d.key(),
                        r.index,
                        p.id(),
                        port.protocol
                    ),
                ));
            }
        }
    }
}
