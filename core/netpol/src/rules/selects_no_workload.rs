use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a NetworkPolicy whose `podSelector` selects no workload of its
    /// namespace among the scanned manifests. Judged only when the scan has
    /// workloads; `podSelector: {}` always selects.
    ///
    /// ## Why is this bad?
    /// A policy that selects nothing protects nothing: usually its labels drifted
    /// from the workload's pod template (`app: api` against `app: api-server`), or
    /// it sits in the wrong namespace. The workload it was written for stays open.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: api-server}}   # pods are labelled app: api
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   podSelector: {matchLabels: {app: api}}
    /// ```
    ///
    /// ## References
    /// - kube-score `networkpolicy-targets-pod`
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/>
    pub static META = {
        id: "NP001",
        name: "netpol-selects-no-workload",
        pack: Pack::NetworkPolicy,
        aliases: &["networkpolicy-targets-pod"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "NetworkPolicy selects no workload",
        remediation: "Fix the podSelector labels or the policy's namespace so that it selects the pods it is meant for, or delete the policy.",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    if !l.has_workloads() {
        return;
    }
    for (pi, p) in l.policies() {
        if p.pod_selector.is_empty() {
            continue;
        }
        let any = l
            .analysis
            .policy_selects
            .get(pi)
            .is_some_and(|v| !v.is_empty());
        if !any {
            let loc = super::at(
                &p.loc,
                p.pod_selector.span,
                p.loc.pointer.replace("/metadata/name", "/spec/podSelector"),
            );
            out.push(l.hit(
                &META,
                loc,
                policy_object(p),
                format!(
                    "NetworkPolicy {} selects no workload: no pod template in namespace `{}` matches podSelector `{}`",
                    p.id(),
                    p.namespace,
                    p.pod_selector
                ),
            ));
        }
    }
}
