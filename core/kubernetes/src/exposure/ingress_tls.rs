//! K8S043: an Ingress without TLS.

use super::spec_loc;
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use stockade_source::rule::{Category, Pack, Severity};
use stockade_yaml::Node;

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags an Ingress whose `spec.tls` is missing or empty (the finding points at
    /// the `spec` key).
    ///
    /// ## Why is this bad?
    /// Without a `tls` entry the ingress controller serves the Ingress's hosts over
    /// plain HTTP: credentials, cookies and data cross the network readable and
    /// changeable by anyone on the path. TLS terminated elsewhere (a cloud load
    /// balancer in front, a service mesh) is the exception to write down with a
    /// suppression.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: web
    ///                 port:
    ///                   number: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example.com]
    ///       secretName: shop-tls
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: web
    ///                 port:
    ///                   number: 80
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress/#tls>
    pub static META = {
        id: "K8S043",
        name: "ingress-without-tls",
        pack: Pack::Kubernetes,
        aliases: &[],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Ingress without TLS",
        remediation: "Add spec.tls with the Ingress's hosts and a certificate Secret (cert-manager can issue it).",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[("networking.k8s.io", "Ingress"), ("extensions", "Ingress")],
};

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    let has_tls = s
        .object
        .root
        .get("spec")
        .and_then(|spec| spec.get("tls"))
        .and_then(Node::as_seq)
        .is_some_and(|t| !t.is_empty());
    if has_tls {
        return;
    }
    out.push(Hit::new(
        &spec_loc(s.object),
        format!(
            "{} has no spec.tls: its hosts are served over plain HTTP",
            s.object.display_name()
        ),
    ));
}
