//! K8S044: an Ingress or route whose backend Service is not in the scan.

use super::{is_ingress, is_route};
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};
use stockade_yaml::Node;

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags each backend of an Ingress (`spec.defaultBackend`, every
    /// `rules[].http.paths[].backend`; `serviceName` in the legacy
    /// `extensions/v1beta1` form) and of a Gateway API route (`HTTPRoute`,
    /// `GRPCRoute`, `TLSRoute`, `TCPRoute`, `UDPRoute`: every `rules[].backendRefs[]`
    /// of kind Service) that names a Service no file of the scan defines. The
    /// finding points at the Service name. This is information, not a risk.
    ///
    /// The engine collects the Services of every file of a scan before checking.
    /// When the scan defines no Service at all (a folder of Ingresses only) the rule
    /// says nothing. Namespaces match when both are set and equal, or when either
    /// is unset (it is chosen when the files are applied); a route's `backendRefs`
    /// may name another namespace.
    ///
    /// ## Why is this bad?
    /// A backend naming a missing Service is usually a typo or a leftover from a
    /// rename: the ingress controller answers 503 for those paths. Worse, anyone
    /// who may later create a Service of that name in the namespace receives the
    /// traffic of the Ingress's host.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: frontend
    /// spec:
    ///   selector:
    ///     app: frontend
    ///   ports:
    ///     - port: 80
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example.com]
    ///       secretName: shop-tls
    ///   defaultBackend:
    ///     service:
    ///       name: front-end
    ///       port:
    ///         number: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: frontend
    /// spec:
    ///   selector:
    ///     app: frontend
    ///   ports:
    ///     - port: 80
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   tls:
    ///     - hosts: [shop.example.com]
    ///       secretName: shop-tls
    ///   defaultBackend:
    ///     service:
    ///       name: frontend
    ///       port:
    ///         number: 80
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource>
    /// - <https://gateway-api.sigs.k8s.io/reference/spec/#backendref>
    /// - kube-linter `dangling-ingress`
    pub static META = {
        id: "K8S044",
        name: "route-to-missing-service",
        pack: Pack::Kubernetes,
        aliases: &["dangling-ingress"],
        severity: Severity::Info,
        category: Category::BestPractice,
        title: "Ingress or route backend names a Service not in the scan",
        remediation: "Fix the Service name, or add the Service's manifest to the scan.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[
        ("networking.k8s.io", "Ingress"),
        ("extensions", "Ingress"),
        ("gateway.networking.k8s.io", "HTTPRoute"),
        ("gateway.networking.k8s.io", "GRPCRoute"),
        ("gateway.networking.k8s.io", "TLSRoute"),
        ("gateway.networking.k8s.io", "TCPRoute"),
        ("gateway.networking.k8s.io", "UDPRoute"),
    ],
};

/// A backend's Service name and namespace (`None`: the route's own).
struct Backend<'a> {
    name: &'a str,
    namespace: Option<&'a str>,
    loc: Loc,
}

/// The Service of an Ingress backend (`service.name`, or legacy `serviceName`).
fn ingress_backend<'a>(node: &'a Node, pointer: &str, out: &mut Vec<Backend<'a>>) {
    let (name, ptr) = match node.get("service").and_then(|s| s.get("name")) {
        Some(n) => (n, child(&child(pointer, "service"), "name")),
        None => match node.get("serviceName") {
            Some(n) => (n, child(pointer, "serviceName")),
            None => return,
        },
    };
    if let Some(value) = name.as_str() {
        out.push(Backend {
            name: value,
            namespace: None,
            loc: Loc::new(name.span, ptr),
        });
    }
}

fn seq(node: Option<&Node>) -> &[Node] {
    node.and_then(Node::as_seq).unwrap_or_default()
}

fn backends<'a>(s: &Scanned<'a>) -> Vec<Backend<'a>> {
    let mut out = Vec::new();
    let Some(spec) = s.object.root.get("spec") else {
        return out;
    };
    let spec_ptr = child(&s.object.pointer, "spec");
    if is_ingress(s.object) {
        for key in ["defaultBackend", "backend"] {
            if let Some(b) = spec.get(key) {
                ingress_backend(b, &child(&spec_ptr, key), &mut out);
            }
        }
        for (i, rule) in seq(spec.get("rules")).iter().enumerate() {
            let paths = rule.get("http").and_then(|h| h.get("paths"));
            for (j, path) in seq(paths).iter().enumerate() {
                if let Some(b) = path.get("backend") {
                    let ptr = format!("{spec_ptr}/rules/{i}/http/paths/{j}/backend");
                    ingress_backend(b, &ptr, &mut out);
                }
            }
        }
    } else if is_route(s.object) {
        for (i, rule) in seq(spec.get("rules")).iter().enumerate() {
            for (j, r) in seq(rule.get("backendRefs")).iter().enumerate() {
                let kind = r.get("kind").and_then(Node::as_str).unwrap_or("Service");
                let group = r.get("group").and_then(Node::as_str).unwrap_or("");
                if kind != "Service" || !group.is_empty() {
                    continue;
                }
                let Some(name) = r.get("name") else { continue };
                let Some(value) = name.as_str() else { continue };
                out.push(Backend {
                    name: value,
                    namespace: r.get("namespace").and_then(Node::as_str),
                    loc: Loc::new(
                        name.span,
                        format!("{spec_ptr}/rules/{i}/backendRefs/{j}/name"),
                    ),
                });
            }
        }
    }
    out
}

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    if s.services.is_empty() {
        return;
    }
    for b in backends(s) {
        let namespace = b.namespace.or(s.object.namespace.as_deref());
        if s.services.contains(namespace, b.name) {
            continue;
        }
        let shown = match namespace {
            Some(ns) => format!("{ns}/{}", b.name),
            None => b.name.to_string(),
        };
        out.push(Hit::new(
            &b.loc,
            format!(
                "{} routes to Service {shown}, which no file of the scan defines",
                s.object.display_name()
            ),
        ));
    }
}
