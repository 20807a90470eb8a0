//! K8S042: a Service with `externalIPs` (CVE-2020-8554).

use super::string_items;
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use crate::podspec::decode::child;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags each address in a Service's `spec.externalIPs` (the finding points at
    /// the address).
    ///
    /// ## Why is this bad?
    /// Kubernetes does not own or check external IPs: whoever may create a Service
    /// can set any address there, and kube-proxy then sends the cluster's traffic for
    /// that address, including traffic meant for an outside server, to the
    /// Service's pods (CVE-2020-8554, a man-in-the-middle that cannot be patched,
    /// only forbidden by admission policy). A manifest that uses the field needs
    /// that policy's exception, and every address in it should be one the cluster
    /// really owns.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     app: web
    ///   ports:
    ///     - port: 80
    ///   externalIPs: ["198.51.100.7"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: ["203.0.113.0/24"]
    ///   selector:
    ///     app: web
    ///   ports:
    ///     - port: 80
    /// ```
    ///
    /// ## References
    /// - <https://github.com/kubernetes/kubernetes/issues/97076> (CVE-2020-8554)
    /// - Trivy KSV-0108
    pub static META = {
        id: "K8S042",
        name: "service-external-ips",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0108"],
        severity: Severity::High,
        category: Category::Security,
        title: "Service with externalIPs",
        remediation: "Remove spec.externalIPs; expose the Service through a LoadBalancer, an Ingress or a Gateway.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[("", "Service")],
};

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    let spec = s.object.root.get("spec");
    let ptr = child(&child(&s.object.pointer, "spec"), "externalIPs");
    for (ip, loc) in string_items(spec.and_then(|n| n.get("externalIPs")), &ptr) {
        out.push(Hit::new(
            &loc,
            format!(
                "{} sets externalIP {ip}: the cluster's traffic to that address goes to this Service (CVE-2020-8554)",
                s.object.display_name()
            ),
        ));
    }
}
