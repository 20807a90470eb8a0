//! Exposure rules: Services reachable from outside the cluster (`NodePort`, a
//! `LoadBalancer` open to every address, `externalIPs`), Ingresses without TLS,
//! and Ingress or Gateway API routes to Services the scan does not define.
//!
//! A finding points at the offending value (`type: NodePort` → `NodePort`, an
//! `externalIPs` item, a backend's Service name) or, for something missing, at the
//! key of the mapping that should hold it (`spec`). Object names are
//! [`Object::display_name`].

use std::collections::{HashMap, HashSet};

use crate::objects::Object;
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_yaml::Node;

pub(crate) mod external_ips;
pub(crate) mod ingress_tls;
pub(crate) mod load_balancer_source_ranges;
pub(crate) mod node_port;
pub(crate) mod route_missing_service;

/// Whether the object is a core `Service`.
pub fn is_service(object: &Object<'_>) -> bool {
    object.kind == "Service" && object.group().is_empty()
}

/// Whether the object is an `Ingress` (`networking.k8s.io` or the legacy `extensions`).
pub fn is_ingress(object: &Object<'_>) -> bool {
    object.kind == "Ingress" && matches!(object.group(), "networking.k8s.io" | "extensions")
}

/// The Gateway API route kinds whose `rules[].backendRefs` name Services.
pub const ROUTE_KINDS: &[&str] = &["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

/// Whether the object is a Gateway API route.
pub fn is_route(object: &Object<'_>) -> bool {
    object.group() == "gateway.networking.k8s.io" && ROUTE_KINDS.contains(&object.kind.as_str())
}

/// A Service's `spec.type` value with where it is (`ClusterIP` when absent).
pub fn service_type<'a>(object: &Object<'a>) -> Option<(&'a str, Loc)> {
    let spec = object.root.get("spec")?;
    let (_, v) = spec.get_entry("type")?;
    Some((
        v.as_str()?,
        Loc::new(v.span, child(&child(&object.pointer, "spec"), "type")),
    ))
}

/// A string annotation of the object.
pub fn annotation<'a>(object: &Object<'a>, key: &str) -> Option<&'a str> {
    object
        .root
        .get("metadata")?
        .get("annotations")?
        .get(key)?
        .as_str()
}

/// The Services of a scan by `(namespace, name)`, for the route rule.
#[derive(Debug, Clone, Default)]
pub struct ServiceIndex {
    /// Each Service name with the namespaces it is defined in (`None`: unset).
    services: HashMap<String, HashSet<Option<String>>>,
}

impl ServiceIndex {
    /// Record every Service of `objects`.
    pub fn add_objects<'o, 'a: 'o>(&mut self, objects: impl IntoIterator<Item = &'o Object<'a>>) {
        for o in objects {
            if let (true, Some(name)) = (is_service(o), &o.name) {
                self.services
                    .entry(name.clone())
                    .or_default()
                    .insert(o.namespace.clone());
            }
        }
    }

    /// Add the Services of `other`.
    pub fn extend(&mut self, other: &ServiceIndex) {
        for (name, namespaces) in &other.services {
            self.services
                .entry(name.clone())
                .or_default()
                .extend(namespaces.iter().cloned());
        }
    }

    /// Whether the scan defines no Service at all (the route rule then says nothing).
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    /// Whether a Service named `name` exists in `namespace`; an unset namespace on
    /// either side matches any (the namespace is chosen when the files are applied).
    pub fn contains(&self, namespace: Option<&str>, name: &str) -> bool {
        self.services.get(name).is_some_and(|namespaces| {
            namespace.is_none()
                || namespaces.contains(&None)
                || namespaces.contains(&namespace.map(str::to_string))
        })
    }
}

/// The `spec` key of an object, for findings about something missing from it
/// (the object's root when it has no `spec`).
pub fn spec_loc(object: &Object<'_>) -> Loc {
    match object.root.get_entry("spec") {
        Some((k, _)) => Loc::new(k.span, child(&object.pointer, "spec")),
        None => Loc::new(object.root.span, object.pointer.clone()),
    }
}

/// Every string item of a list, with where it is.
pub fn string_items<'a>(node: Option<&'a Node>, pointer: &str) -> Vec<(&'a str, Loc)> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Some((n.as_str()?, Loc::new(n.span, format!("{pointer}/{i}")))))
        .collect()
}
