//! K8S003: CPU limit not set.

use super::{missing_resource, Bound, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every init and regular container that does not set
    /// `resources.limits.cpu`. The finding points at the `limits` key, else the
    /// `resources` key, else the container's `name`. A pod-level `spec.resources`
    /// (Kubernetes 1.32+) that sets it covers every container.
    ///
    /// ## Why is this bad?
    /// A container without a CPU limit can use every core of its node: a bug or a
    /// compromised process (a crypto miner) starves the other pods of the node.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    ///     resources:
    ///       requests:
    ///         cpu: 250m
    ///         memory: 256Mi
    ///       limits:
    ///         cpu: "1"
    ///         memory: 256Mi
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
    /// - Polaris `cpuLimitsMissing`, kubesec `LimitsCPU`, Trivy KSV-0011, Checkov `CKV_K8S_11`
    pub static META = {
        id: "K8S003",
        name: "cpu-limits-missing",
        pack: Pack::Kubernetes,
        aliases: &["cpuLimitsMissing", "LimitsCPU", "KSV-0011", "CKV_K8S_11"],
        severity: Severity::Low,
        category: Category::Security,
        title: "CPU limit not set",
        remediation: "Set `resources.limits.cpu` for every container.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    missing_resource(w, out, "cpu", "CPU", Bound::Limit);
}
