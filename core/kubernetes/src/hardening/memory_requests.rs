//! K8S004: Memory request not set.

use super::{missing_resource, Bound, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every init and regular container that does not set
    /// `resources.requests.memory`. The finding points at the `requests` key, else the
    /// `resources` key, else the container's `name`. A pod-level `spec.resources`
    /// (Kubernetes 1.32+) that sets it covers every container.
    /// A limit without a request counts: the API server defaults the request to
    /// the limit.
    ///
    /// ## Why is this bad?
    /// Without a memory request the scheduler places the pod as if it needed no
    /// memory; under memory pressure such a pod is evicted first.
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
    /// - Polaris `memoryRequestsMissing`, kubesec `RequestsMemory`, Trivy KSV-0016,
    ///   Checkov `CKV_K8S_12`
    pub static META = {
        id: "K8S004",
        name: "memory-requests-missing",
        pack: Pack::Kubernetes,
        aliases: &["memoryRequestsMissing", "RequestsMemory", "KSV-0016", "CKV_K8S_12"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Memory request not set",
        remediation: "Set `resources.requests.memory` for every container.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    missing_resource(w, out, "memory", "memory", Bound::Request);
}
