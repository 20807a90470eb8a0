//! K8S013: long-running containers should have a readiness probe.

use super::{Hit, Workload};
use crate::podspec::ContainerList;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every regular container without a `readinessProbe`. Init containers,
    /// ephemeral containers (which cannot have probes) and run-to-completion
    /// workloads (`Job`, `CronJob`) are exempt. The finding points at the
    /// container's `name`.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a pod receives Service traffic as soon as its
    /// containers start, before the application can serve it, and keeps receiving
    /// it while it cannot: requests fail during every rollout and overload.
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
    ///     readinessProbe:
    ///       httpGet:
    ///         path: /ready
    ///         port: 8080
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    /// - kube-linter `no-readiness-probe`, Polaris `readinessProbeMissing`, Checkov `CKV_K8S_9`
    pub static META = {
        id: "K8S013",
        name: "readiness-probe-missing",
        pack: Pack::Kubernetes,
        aliases: &["no-readiness-probe", "readinessProbeMissing", "CKV_K8S_9"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "Readiness probe not configured",
        remediation: "Add a `readinessProbe` to the container.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    if w.is_batch() {
        return;
    }
    for (c, x) in w.containers() {
        if c.list != ContainerList::Regular || x.readiness_probe {
            continue;
        }
        out.push(Hit::new(
            &c.anchor,
            format!("{} has no readinessProbe", w.who(c)),
        ));
    }
}
