//! K8S005: Memory limit not set.

use super::{missing_resource, Bound, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every init and regular container that does not set
    /// `resources.limits.memory`. The finding points at the `limits` key, else the
    /// `resources` key, else the container's `name`. A pod-level `spec.resources`
    /// (Kubernetes 1.32+) that sets it covers every container.
    ///
    /// ## Why is this bad?
    /// A container without a memory limit can exhaust its node's memory (a leak, or
    /// an attacker's denial of service) and get other pods OOM-killed.
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
    /// - kube-linter `unset-memory-requirements`, Polaris `memoryLimitsMissing`, kubesec
    ///   `LimitsMemory`, Trivy KSV-0018, Checkov `CKV_K8S_13`
    pub static META = {
        id: "K8S005",
        name: "memory-limits-missing",
        pack: Pack::Kubernetes,
        aliases: &["unset-memory-requirements", "memoryLimitsMissing", "LimitsMemory", "KSV-0018", "CKV_K8S_13"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Memory limit not set",
        remediation: "Set `resources.limits.memory` for every container.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    missing_resource(w, out, "memory", "memory", Bound::Limit);
}
