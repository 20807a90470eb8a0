use stockade_source::rule::{Category, Pack, Severity};

use super::{Hit, Lint};
use crate::model::Direction;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a namespace of the scanned manifests (one with workloads, or a
    /// Namespace object) without a default-deny policy for ingress and egress: a
    /// NetworkPolicy with `podSelector: {}`, the direction in its `policyTypes`,
    /// and no rules of that direction. Judged when the manifests contain
    /// NetworkPolicies.
    ///
    /// ## Why is this bad?
    /// Allow-lists only protect the pods they select. With a default deny in
    /// place, every pod of the namespace, including those added later, starts
    /// isolated, and connections must be allowed on purpose ("default deny all").
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: allow-web, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: web}}
    ///   ingress: [{}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny-all, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-and-all-egress-traffic>
    pub static META = {
        id: "NP013",
        name: "namespace-without-default-deny",
        pack: Pack::NetworkPolicy,
        severity: Severity::Low,
        category: Category::Security,
        title: "Namespace without a default-deny NetworkPolicy",
        remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules, then allow the needed traffic explicitly.",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    if !l.has_policies() {
        return;
    }
    // Namespaces with a default deny, per direction, in one pass over the policies.
    let mut deny: [std::collections::HashSet<&str>; 2] = Default::default();
    for p in &l.cluster.policies {
        if !p.pod_selector.is_empty() {
            continue;
        }
        for (i, d) in [Direction::Ingress, Direction::Egress]
            .into_iter()
            .enumerate()
        {
            if p.affects(d) && p.rules(d).is_empty() {
                if let Some(set) = deny.get_mut(i) {
                    set.insert(p.namespace.as_str());
                }
            }
        }
    }
    for ns in l.cluster.namespaces.values() {
        let first_workload = l
            .analysis
            .workloads_in(&ns.name)
            .first()
            .and_then(|&wi| l.cluster.workloads.get(wi));
        let (loc, object) = match (&ns.loc, first_workload) {
            (Some(loc), _) => (loc.clone(), format!("Namespace/{}", ns.name)),
            (None, Some(w)) => (
                w.loc.clone(),
                w.object.clone(),
            ),
            (None, None) => continue,
        };
        let missing: Vec<&str> = [Direction::Ingress, Direction::Egress]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !deny.get(*i).is_some_and(|s| s.contains(ns.name.as_str())))
            .map(|(_, d)| d.as_str())
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.push(l.hit(
            &META,
            loc,
            object,
            format!(
                "namespace `{}` has no default-deny NetworkPolicy for {} (podSelector: {{}} with no rules)",
                ns.name,
                missing.join(" and ")
            ),
        ));
    }
}
