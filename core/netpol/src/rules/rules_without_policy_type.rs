use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};
use crate::model::Direction;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `ingress` or `egress` rules in a NetworkPolicy whose explicit
    /// `policyTypes` does not list that direction.
    ///
    /// ## Why is this bad?
    /// Kubernetes ignores rules of a direction the policy does not declare: an
    /// `egress:` section under `policyTypes: [Ingress]` neither isolates nor allows
    /// anything. The author believes egress is restricted; it is not.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    ///   policyTypes: [Ingress]
    ///   egress:
    ///   - to: [{podSelector: {matchLabels: {app: db}}}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    ///   policyTypes: [Ingress, Egress]
    ///   egress:
    ///   - to: [{podSelector: {matchLabels: {app: db}}}]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/>
    pub static META = {
        id: "NP005",
        name: "netpol-rules-without-policy-type",
        pack: Pack::NetworkPolicy,
        severity: Severity::High,
        category: Category::Security,
        title: "Rules of a direction missing from policyTypes",
        remediation: "Add the direction to policyTypes, or remove the rules it ignores.",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    for (_, p) in l.policies() {
        let Some(types) = p.policy_types.as_ref().filter(|t| !t.is_empty()) else {
            continue;
        };
        for (d, key) in [
            (Direction::Ingress, p.ingress_key),
            (Direction::Egress, p.egress_key),
        ] {
            if p.rules(d).is_empty() || types.iter().any(|(t, _)| t == d.as_str()) {
                continue;
            }
            let span = key.unwrap_or(p.loc.span);
            out.push(l.hit(
                &META,
                super::at(&p.loc, span, p.loc.pointer.replace("/metadata/name", &format!("/spec/{}", d.key()))),
                policy_object(p),
                format!(
                    "NetworkPolicy {} has {} {} rule(s) but policyTypes does not list {}, so Kubernetes ignores them",
                    p.id(),
                    p.rules(d).len(),
                    d.key(),
                    d.as_str()
                ),
            ));
        }
    }
}
