use stockade_source::rule::{Category, Pack, Severity};

use super::{Hit, Lint};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
    /// CronJob, bare Pod) that no NetworkPolicy of its namespace selects for
    /// egress, when the scanned manifests contain NetworkPolicies.
    ///
    /// ## Why is this bad?
    /// A pod that no policy selects for egress is not isolated: all egress traffic
    /// is allowed, whatever the other policies say. One uncovered workload is the
    /// hole an attacker moves laterally through.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata: {name: api, namespace: shop}   # no policy in shop selects app=api
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    /// ```
    ///
    /// ## References
    /// - kube-linter `non-isolated-pod`, Polaris `missingNetworkPolicy`, Checkov `CKV2_K8S_6`
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation>
    pub static META = {
        id: "NP012",
        name: "pod-egress-not-isolated",
        pack: Pack::NetworkPolicy,

        severity: Severity::Medium,
        category: Category::Security,
        title: "Workload not isolated for egress",
        remediation: "Add a NetworkPolicy selecting the workload with Egress in policyTypes (a default-deny policy with podSelector: {} covers the whole namespace).",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    if !l.has_policies() {
        return;
    }
    for (wi, w) in l.cluster.workloads.iter().enumerate() {
        if l.analysis
            .egress_policies
            .get(wi)
            .is_some_and(|p| !p.is_empty())
        {
            continue;
        }
        // Reported in every file that defines the workload.
        for loc in l.cluster.workload_locations(wi) {
        out.push(l.hit(
            &META,
            loc,
            w.object.clone(),
            format!(
                "{} is not isolated for egress: no NetworkPolicy in namespace `{}` selects it with Egress in policyTypes, so all egress traffic is allowed",
                w.id(),
                w.namespace
            ),
        ));
        }
    }
}
