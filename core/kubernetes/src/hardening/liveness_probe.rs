//! K8S012: long-running containers should have a liveness probe.

use super::{Hit, Workload};
use crate::podspec::ContainerList;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every regular container without a `livenessProbe`. Init containers,
    /// ephemeral containers (which cannot have probes) and run-to-completion
    /// workloads (`Job`, `CronJob`) are exempt. The finding points at the
    /// container's `name`.
    ///
    /// ## Why is this bad?
    /// Without a liveness probe a hung process (deadlocked, or stuck after an
    /// exploited bug) keeps its pod forever; the kubelet only restarts containers
    /// that exit or fail their liveness probe.
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
    ///     livenessProbe:
    ///       httpGet:
    ///         path: /healthz
    ///         port: 8080
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    /// - kube-linter `no-liveness-probe`, Polaris `livenessProbeMissing`, Checkov `CKV_K8S_8`
    pub static META = {
        id: "K8S012",
        name: "liveness-probe-missing",
        pack: Pack::Kubernetes,
        aliases: &["no-liveness-probe", "livenessProbeMissing", "CKV_K8S_8"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "Liveness probe not configured",
        remediation: "Add a `livenessProbe` to the container.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    if w.is_batch() {
        return;
    }
    for (c, x) in w.containers() {
        if c.list != ContainerList::Regular || x.liveness_probe {
            continue;
        }
        out.push(Hit::new(
            &c.anchor,
            format!("{} has no livenessProbe", w.who(c)),
        ));
    }
}
