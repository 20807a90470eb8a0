//! K8S002: CPU request not set.

use super::{missing_resource, Bound, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every init and regular container that does not set
    /// `resources.requests.cpu`. The finding points at the `requests` key, else the
    /// `resources` key, else the container's `name`. A pod-level `spec.resources`
    /// (Kubernetes 1.32+) that sets it covers every container.
    /// A limit without a request counts: the API server defaults the request to
    /// the limit.
    ///
    /// ## Why is this bad?
    /// Without a CPU request the scheduler places the pod as if it needed no CPU:
    /// nodes get overcommitted and the pod is the first to starve under contention.
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
    /// - kube-linter `unset-cpu-requirements`, Polaris `cpuRequestsMissing`, kubesec
    ///   `RequestsCPU`, Trivy KSV-0015, Checkov `CKV_K8S_10`
    pub static META = {
        id: "K8S002",
        name: "cpu-requests-missing",
        pack: Pack::Kubernetes,
        aliases: &["unset-cpu-requirements", "cpuRequestsMissing", "RequestsCPU", "KSV-0015", "CKV_K8S_10"],
        severity: Severity::Low,
        category: Category::Security,
        title: "CPU request not set",
        remediation: "Set `resources.requests.cpu` for every container.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    missing_resource(w, out, "cpu", "CPU", Bound::Request);
}
