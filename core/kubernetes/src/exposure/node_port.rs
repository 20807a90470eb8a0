//! K8S040: a Service of type `NodePort`.

use super::service_type;
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a Service with `spec.type: NodePort` (the finding points at
    /// `NodePort`).
    ///
    /// ## Why is this bad?
    /// A NodePort Service opens the same port on every node of the cluster, on
    /// every node address, bypassing whatever ingress controller, load balancer
    /// or firewall rule the cluster's traffic is meant to pass through. Nodes are
    /// often reachable from much wider networks than the Services' clients, and a
    /// NetworkPolicy does not see the client's address after the node's SNAT
    /// unless `externalTrafficPolicy: Local` is set.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: NodePort
    ///   selector:
    ///     app: web
    ///   ports:
    ///     - port: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: ClusterIP
    ///   selector:
    ///     app: web
    ///   ports:
    ///     - port: 80
    /// ```
    /// and expose it through an Ingress or Gateway.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport>
    /// - kube-linter `exposed-services` (which also forbids LoadBalancer Services)
    pub static META = {
        id: "K8S040",
        name: "service-node-port",
        pack: Pack::Kubernetes,
        aliases: &["exposed-services"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Service of type NodePort",
        remediation: "Use a ClusterIP Service behind an Ingress or Gateway, or a LoadBalancer restricted with loadBalancerSourceRanges.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[("", "Service")],
};

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    if let Some(("NodePort", loc)) = service_type(s.object) {
        out.push(Hit::new(
            &loc,
            format!(
                "{} is of type NodePort: its ports are open on every node of the cluster",
                s.object.display_name()
            ),
        ));
    }
}
