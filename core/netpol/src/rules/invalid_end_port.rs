use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};
use crate::model::PortValue;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `endPort` given with a named port, without a `port`, or lower
    /// than `port`.
    ///
    /// ## Why is this bad?
    /// `endPort` makes `port` the start of a numeric range; the API server rejects
    /// it with a named port or without a port, and a range that ends before it
    /// starts. Such a policy is never admitted, so the traffic it meant to allow
    /// stays blocked (or the deployment of the manifests fails).
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    /// - port: 32000
    ///   endPort: 31000
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// ports:
    /// - port: 31000
    ///   endPort: 32000
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports>
    pub static META = {
        id: "NP009",
        name: "netpol-invalid-end-port",
        pack: Pack::NetworkPolicy,
        severity: Severity::High,
        category: Category::Security,
        title: "endPort with a named port, or below port",
        remediation: "Use endPort only with a numeric port, and make it at least port.",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    for (_, p, d, r) in l.rules() {
        for port in &r.ports {
            let Some(end) = port.end_port else { continue };
            let problem = match &port.port {
                None => Some("endPort is set without a port".to_string()),
                Some(PortValue::Name(n)) => {
                    Some(format!("endPort {end} is used with the named port `{n}`"))
                }
                Some(PortValue::Number(n)) if end < *n => {
                    Some(format!("endPort {end} is below port {n}"))
                }
                Some(PortValue::Number(_)) => None,
            };
            if let Some(problem) = problem {
                out.push(l.hit(
                    &META,
                    super::at(
                        &port.loc,
                        port.end_port_span.unwrap_or(port.loc.span),
                        format!("{}/endPort", port.loc.pointer),
                    ),
                    policy_object(p),
                    format!(
                        "{} rule {} of NetworkPolicy {}: {problem}",
                        d.key(),
                        r.index,
                        p.id()
                    ),
                ));
            }
        }
    }
}
