//! The objects the analysis reads from a set of manifests: namespaces, workloads
//! (grouped by owner), Services and NetworkPolicies, each with where it was read.

use std::collections::BTreeMap;

use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::source::{Source, Span};
use stockade_yaml::objects::{self, pod_path, read_root, Manifest, Object, Read};
use stockade_yaml::{Limits, Node, Value};

use super::ip::{parse_cidr, IpRange, IpSet};
use super::ports::Protocol;
use super::selector::{Labels, Selector};

/// The label the API server sets on every Namespace.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Where an object or a field was read: a source (index into
/// [`Cluster::paths`]), a document, a span and a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    pub source: usize,
    pub document: usize,
    pub span: Span,
    pub pointer: String,
}

impl Loc {
    fn at(&self, span: Span, pointer: impl Into<String>) -> Loc {
        Loc {
            source: self.source,
            document: self.document,
            span,
            pointer: pointer.into(),
        }
    }
}

/// A container port of a workload's pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: i64,
    pub protocol: Protocol,
}

/// Pods grouped by owner: a Deployment, StatefulSet, DaemonSet, ReplicaSet,
/// ReplicationController, Job or CronJob from its pod template, the controller
/// named in a Pod's `ownerReferences`, or a bare Pod.
#[derive(Debug, Clone)]
pub struct Workload {
    pub namespace: String,
    pub name: String,
    pub kind: String,
    pub labels: Labels,
    pub ports: Vec<ContainerPort>,
    /// The object (for an owner of Pods: its first Pod) and its name.
    pub loc: Loc,
    /// `Kind/namespace/name` as every pack names objects (the namespace as
    /// written, left out when absent; see `Object::display_name`).
    pub object: String,
}

impl Workload {
    /// `ns/name[Kind]`, as netpol-analyzer names workloads.
    pub fn id(&self) -> String {
        format!("{}/{}[{}]", self.namespace, self.name, self.kind)
    }

    /// `ns/name`.
    pub fn ns_name(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// The container port named `name` (container port names are unique in a pod).
    pub fn named_port(&self, name: &str) -> Option<&ContainerPort> {
        self.ports.iter().find(|p| p.name.as_deref() == Some(name))
    }
}

#[derive(Debug, Clone)]
pub struct Namespace {
    pub name: String,
    /// Labels, with `kubernetes.io/metadata.name` set to the name.
    pub labels: Labels,
    /// The Namespace object, when the manifests have one.
    pub loc: Option<Loc>,
}

/// A Service (read for the protocols of its ports).
#[derive(Debug, Clone)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    pub selector: Labels,
    /// `(port, targetPort when numeric, protocol)`.
    pub ports: Vec<(i64, Option<i64>, Protocol)>,
}

/// A rule's `port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortValue {
    Number(i64),
    Name(String),
}

/// One item of a rule's `ports`.
#[derive(Debug, Clone)]
pub struct PolicyPort {
    pub protocol: Protocol,
    /// Whether `protocol` was written (else TCP by default).
    pub protocol_given: bool,
    pub port: Option<PortValue>,
    pub end_port: Option<i64>,
    pub loc: Loc,
    pub port_span: Option<Span>,
    pub end_port_span: Option<Span>,
    /// An unknown protocol, or a port or endPort the API server rejects (see
    /// `intstr`); the item then matches nothing.
    pub invalid: Option<String>,
    /// Where the rejected value is.
    pub invalid_span: Option<Span>,
}

/// An `ipBlock`.
#[derive(Debug, Clone)]
pub struct IpBlock {
    pub cidr: String,
    pub cidr_span: Span,
    /// `except` entries with their spans.
    pub except: Vec<(String, Span)>,
    /// The CIDR's range, when it parses.
    pub range: Option<IpRange>,
    /// CIDR minus the excepts that parse; empty when the CIDR does not parse.
    pub set: IpSet,
}

/// What a peer (an item of `from`/`to`) selects.
#[derive(Debug, Clone)]
pub enum PeerKind {
    /// `namespaceSelector` and/or `podSelector` (in one item: both must match). A
    /// lone `podSelector` selects in the policy's namespace; a lone
    /// `namespaceSelector` every pod of the matching namespaces.
    Selectors {
        namespace: Option<Selector>,
        pod: Option<Selector>,
    },
    IpBlock(IpBlock),
    /// Rejected by the API server (no field, or `ipBlock` with a selector); matches
    /// nothing.
    Invalid(String),
}

#[derive(Debug, Clone)]
pub struct Peer {
    pub kind: PeerKind,
    pub loc: Loc,
}

/// Traffic direction, seen from the pods a policy selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    /// The key of the rules list (`ingress`, `egress`).
    pub fn key(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The key of a rule's peers (`from`, `to`).
    pub fn peers_key(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// An ingress or egress rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub index: usize,
    /// Empty: every peer, in and outside the cluster.
    pub peers: Vec<Peer>,
    /// Empty: every port and protocol.
    pub ports: Vec<PolicyPort>,
    pub loc: Loc,
}

/// A NetworkPolicy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub namespace: String,
    pub name: String,
    pub pod_selector: Selector,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    /// The effective `policyTypes` (defaulted as the API server does).
    pub affects_ingress: bool,
    pub affects_egress: bool,
    /// `policyTypes` as written, with their spans; `None` when absent.
    pub policy_types: Option<Vec<(String, Span)>>,
    /// The key spans of `policyTypes`, `ingress`, `egress` when present.
    pub policy_types_key: Option<Span>,
    pub ingress_key: Option<Span>,
    pub egress_key: Option<Span>,
    /// The object; `loc.span` is the name (or the object when it has none).
    pub loc: Loc,
    /// `NetworkPolicy/namespace/name` as every pack names objects (namespace as
    /// written, left out when absent).
    pub object: String,
}

impl Policy {
    /// `ns/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub fn affects(&self, direction: Direction) -> bool {
        match direction {
            Direction::Ingress => self.affects_ingress,
            Direction::Egress => self.affects_egress,
        }
    }

    pub fn rules(&self, direction: Direction) -> &[Rule] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }

    /// Whether the policy applies to `w` in `direction`.
    pub fn selects(&self, w: &Workload, direction: Direction) -> bool {
        self.affects(direction)
            && w.namespace == self.namespace
            && self.pod_selector.matches(&w.labels)
    }
}

/// Everything read from a set of manifests.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    /// Paths of the sources, by index.
    pub paths: Vec<String>,
    pub namespaces: BTreeMap<String, Namespace>,
    /// In the order first seen.
    pub workloads: Vec<Workload>,
    pub services: Vec<Service>,
    /// In the order read.
    pub policies: Vec<Policy>,
    /// What could not be read, by source index.
    pub problems: Vec<(usize, Problem)>,
    /// `(namespace, name, kind)` of the workloads, with their index in
    /// `workloads`, to join the pods of one owner.
    seen: std::collections::HashMap<(String, String, String), usize>,
    /// The same workload defined again in another source (a copy of a sample in
    /// another folder): its index in `workloads` and where the copy is, so that
    /// findings about the workload are reported in every file that defines it.
    pub repeats: Vec<(usize, Loc)>,
}

const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

impl Cluster {
    /// Read every source (YAML or JSON streams of Kubernetes objects; documents that
    /// are not objects are ignored).
    pub fn from_sources(sources: &[Source]) -> Cluster {
        let mut c = Cluster::default();
        for (i, s) in sources.iter().enumerate() {
            c.paths.push(s.path().to_string());
            c.read_text(i, s.text());
        }
        c.finish();
        c
    }

    /// Read `(path, text)` pairs.
    pub fn from_texts<'a, I: IntoIterator<Item = (&'a str, &'a str)>>(texts: I) -> Cluster {
        let mut c = Cluster::default();
        for (i, (path, text)) in texts.into_iter().enumerate() {
            c.paths.push(path.to_string());
            c.read_text(i, text);
        }
        c.finish();
        c
    }

    /// [`Cluster::from_sources`] on sources already read.
    pub fn from_manifests<'m, 'a: 'm>(
        manifests: impl IntoIterator<Item = &'m Manifest<'a>>,
    ) -> Cluster {
        let mut c = Cluster::default();
        for m in manifests {
            c.add_manifest(m);
        }
        c.finish();
        c
    }

    /// Read one more source, already read (its index is the number of sources
    /// read before it). [`Cluster::finish`] once all are read.
    pub fn add_manifest(&mut self, manifest: &Manifest<'_>) {
        let source = self.paths.len();
        self.paths.push(manifest.source.path().to_string());
        for (doc, read) in manifest.documents() {
            if let (Some(root), Some(read)) = (doc.node(), read) {
                self.read_document(source, doc.index, root, read);
            }
        }
    }

    fn read_text(&mut self, source: usize, text: &str) {
        let stream = stockade_yaml::parse_stream(text, &Limits::default());
        for doc in &stream.documents {
            let Some(root) = doc.node() else { continue };
            self.read_document(source, doc.index, root, &read_root(root));
        }
    }

    /// Read the objects of one document (`read`: [`read_root`] of `root`).
    fn read_document(&mut self, source: usize, document: usize, root: &Node, read: &Read<'_>) {
        let Read::Objects(objects, untyped) = read else {
            return;
        };
        // Typed lists (`PodList`, `NamespaceList`) as the API returns them: items
        // without apiVersion and kind are of the list's item kind.
        let mut typed = Vec::new();
        if let Some(list) = objects::object_at(root, String::new(), false) {
            if let Some(kind) = list.kind.strip_suffix("List").filter(|k| !k.is_empty()) {
                for pointer in untyped {
                    let Some(item) = root.pointer(pointer) else {
                        continue;
                    };
                    if item.as_map().is_none() {
                        continue;
                    }
                    let metadata = item.get("metadata");
                    let text = |k: &str| {
                        metadata
                            .and_then(|m| m.get(k))
                            .and_then(Node::as_str)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                    };
                    typed.push(Object {
                        root: item,
                        pointer: pointer.clone(),
                        api_version: list.api_version.clone(),
                        kind: kind.to_string(),
                        name: text("name").or_else(|| text("generateName")),
                        namespace: text("namespace"),
                        in_list: true,
                    });
                }
            }
        }
        for o in objects.iter().chain(&typed) {
            let loc = Loc {
                source,
                document,
                span: o.root.span,
                pointer: o.pointer.clone(),
            };
            self.read_object(o, &loc);
        }
    }

    /// Add implied namespaces (those of workloads and policies without a Namespace object).
    pub fn finish(&mut self) {
        let mut names: Vec<String> = self.workloads.iter().map(|w| w.namespace.clone()).collect();
        names.extend(self.policies.iter().map(|p| p.namespace.clone()));
        for n in names {
            self.namespaces
                .entry(n.clone())
                .or_insert_with(|| Namespace {
                    labels: Labels::from([(NAMESPACE_NAME_LABEL.to_string(), n.clone())]),
                    name: n,
                    loc: None,
                });
        }
    }

    fn read_object(&mut self, o: &Object<'_>, loc: &Loc) {
        let group = o.group();
        let name_loc = name_loc(o, loc);
        let namespace = o.namespace.clone().unwrap_or_else(|| "default".to_string());
        match (group, o.kind.as_str()) {
            ("", "Namespace") => {
                let Some(name) = o.name.clone() else { return };
                let mut labels = labels_at(o.root.get("metadata").and_then(|m| m.get("labels")));
                labels.insert(NAMESPACE_NAME_LABEL.to_string(), name.clone());
                self.namespaces.insert(
                    name.clone(),
                    Namespace {
                        name,
                        labels,
                        loc: Some(name_loc),
                    },
                );
            }
            ("", "Pod") => {
                let Some(name) = o.name.clone() else { return };
                let metadata = o.root.get("metadata");
                let labels = labels_at(metadata.and_then(|m| m.get("labels")));
                let (owner_name, owner_kind) =
                    controller_owner(metadata).unwrap_or((name, String::new()));
                let kind = if owner_kind.is_empty() {
                    "Pod".to_string()
                } else {
                    owner_kind
                };
                let ports = container_ports(o.root.get("spec"));
                let object = written_name(&kind, o.namespace.as_deref(), &owner_name);
                self.add_workload(Workload {
                    namespace,
                    name: owner_name,
                    kind,
                    labels,
                    ports,
                    loc: name_loc,
                    object,
                });
            }
            ("", "Service") => {
                let Some(name) = o.name.clone() else { return };
                let spec = o.root.get("spec");
                let selector = labels_at(spec.and_then(|s| s.get("selector")));
                let ports = spec
                    .and_then(|s| s.get("ports"))
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| {
                        let port = p.get("port")?.as_i64()?;
                        let target = p.get("targetPort").and_then(Node::as_i64);
                        let protocol = p
                            .get("protocol")
                            .and_then(Node::as_str)
                            .and_then(Protocol::parse)
                            .unwrap_or(Protocol::Tcp);
                        Some((port, target, protocol))
                    })
                    .collect();
                self.services.push(Service {
                    namespace,
                    name,
                    selector,
                    ports,
                });
            }
            ("networking.k8s.io" | "extensions", "NetworkPolicy") => {
                let name = o.name.clone().unwrap_or_default();
                let mut policy = read_policy(o.root, namespace, name, name_loc, &mut self.problems);
                policy.object = o.display_name();
                self.policies.push(policy);
            }
            (_, kind) if WORKLOAD_KINDS.contains(&kind) => {
                let Some(path) = pod_path(group, kind) else {
                    return;
                };
                let Some(name) = o.name.clone() else { return };
                let mut node = Some(o.root);
                for key in path {
                    node = node.and_then(|n| n.get(key));
                }
                let Some(template) = node else { return };
                let labels = labels_at(template.get("metadata").and_then(|m| m.get("labels")));
                let ports = container_ports(template.get("spec"));
                self.add_workload(Workload {
                    namespace,
                    name,
                    kind: kind.to_string(),
                    labels,
                    ports,
                    loc: name_loc,
                    object: o.display_name(),
                });
            }
            _ => {}
        }
    }

    /// Add a workload; pods of an owner already seen join it (netpol-analyzer
    /// represents an owner by one of its pods).
    fn add_workload(&mut self, w: Workload) {
        let next = self.workloads.len();
        let i = *self
            .seen
            .entry((w.namespace.clone(), w.name.clone(), w.kind.clone()))
            .or_insert(next);
        if i == next {
            self.workloads.push(w);
        } else {
            let elsewhere = self
                .workloads
                .get(i)
                .is_some_and(|o| o.loc.source != w.loc.source)
                && !self
                    .repeats
                    .iter()
                    .any(|(j, l)| *j == i && l.source == w.loc.source);
            if elsewhere {
                self.repeats.push((i, w.loc));
            }
        }
    }

    /// Where workload `index` is defined: its first definition, then its copies in
    /// other sources.
    pub fn workload_locations(&self, index: usize) -> Vec<Loc> {
        self.workloads
            .get(index)
            .map(|w| w.loc.clone())
            .into_iter()
            .chain(
                self.repeats
                    .iter()
                    .filter(|(i, _)| *i == index)
                    .map(|(_, l)| l.clone()),
            )
            .collect()
    }

    /// The namespace's labels (implied ones for namespaces without an object).
    pub fn namespace_labels(&self, name: &str) -> Labels {
        self.namespaces.get(name).map_or_else(
            || Labels::from([(NAMESPACE_NAME_LABEL.to_string(), name.to_string())]),
            |n| n.labels.clone(),
        )
    }

    /// The path of a source.
    pub fn path(&self, source: usize) -> &str {
        self.paths.get(source).map_or("-", String::as_str)
    }

    /// The workload called `ns/name` (or `ns/name[Kind]`, or `name` in `default`).
    pub fn find_workload(&self, text: &str) -> Option<usize> {
        let (base, kind) = match text.strip_suffix(']').and_then(|t| t.split_once('[')) {
            Some((b, k)) => (b, Some(k)),
            None => (text, None),
        };
        let (ns, name) = base.split_once('/').unwrap_or(("default", base));
        self.workloads.iter().position(|w| {
            w.namespace == ns
                && w.name == name
                && kind.is_none_or(|k| k.eq_ignore_ascii_case(&w.kind))
        })
    }
}

fn name_loc(o: &Object<'_>, loc: &Loc) -> Loc {
    match o.root.get("metadata").and_then(|m| m.get("name")) {
        Some(n) => loc.at(n.span, format!("{}/metadata/name", o.pointer)),
        None => loc.clone(),
    }
}

fn labels_at(node: Option<&Node>) -> Labels {
    let mut out = Labels::new();
    for (k, v) in node.and_then(Node::as_map).unwrap_or_default() {
        let value = match &v.value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            _ => continue,
        };
        if let Some(k) = k.key_string() {
            out.insert(k, value);
        }
    }
    out
}

/// The controller in `ownerReferences` (not a Node): its name and kind.
fn controller_owner(metadata: Option<&Node>) -> Option<(String, String)> {
    let refs = metadata?.get("ownerReferences")?.as_seq()?;
    let r = refs
        .iter()
        .find(|r| r.get("controller").and_then(Node::as_bool) == Some(true))?;
    let kind = r
        .get("kind")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    if kind == "Node" {
        return None;
    }
    let name = r.get("name").and_then(Node::as_str)?.to_string();
    Some((name, kind))
}

fn container_ports(spec: Option<&Node>) -> Vec<ContainerPort> {
    let mut out = Vec::new();
    let containers = spec
        .and_then(|s| s.get("containers"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for c in containers {
        for p in c.get("ports").and_then(Node::as_seq).unwrap_or_default() {
            let Some(port) = p.get("containerPort").and_then(Node::as_i64) else {
                continue;
            };
            let protocol = p
                .get("protocol")
                .and_then(Node::as_str)
                .and_then(Protocol::parse)
                .unwrap_or(Protocol::Tcp);
            let name = p.get("name").and_then(Node::as_str).map(str::to_string);
            out.push(ContainerPort {
                name,
                port,
                protocol,
            });
        }
    }
    out
}

fn read_policy(
    root: &Node,
    namespace: String,
    name: String,
    loc: Loc,
    problems: &mut Vec<(usize, Problem)>,
) -> Policy {
    let base = loc
        .pointer
        .rsplit_once("/metadata/name")
        .map_or(loc.pointer.as_str(), |(b, _)| b)
        .to_string();
    let spec = root.get("spec");
    let spec_ptr = format!("{base}/spec");
    let mut problem = |span: Span, message: String| {
        problems.push((
            loc.source,
            Problem::new(
                ErrorKind::Parse,
                span,
                format!("NetworkPolicy {namespace}/{name}: {message}"),
            )
            .in_document(loc.document),
        ));
    };
    let pod_selector = spec
        .and_then(|s| s.get("podSelector"))
        .map_or_else(Selector::default, Selector::read);
    if let Some(e) = &pod_selector.invalid {
        problem(pod_selector.span, e.clone());
    }
    let rules =
        |dir: Direction, problem: &mut dyn FnMut(Span, String)| -> (Vec<Rule>, Option<Span>) {
            let Some((key, list)) = spec.and_then(|s| s.get_entry(dir.key())) else {
                return (Vec::new(), None);
            };
            let items = list.as_seq().unwrap_or_default();
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let ptr = format!("{spec_ptr}/{}/{i}", dir.key());
                out.push(read_rule(item, i, dir, &loc.at(item.span, ptr), problem));
            }
            (out, Some(key.span))
        };
    let (ingress, ingress_key) = rules(Direction::Ingress, &mut problem);
    let (egress, egress_key) = rules(Direction::Egress, &mut problem);
    let types_entry = spec.and_then(|s| s.get_entry("policyTypes"));
    let policy_types: Option<Vec<(String, Span)>> = types_entry.map(|(_, v)| {
        v.as_seq()
            .unwrap_or_default()
            .iter()
            .filter_map(|t| Some((t.as_str()?.to_string(), t.span)))
            .collect()
    });
    for (t, span) in policy_types.iter().flatten() {
        if t != "Ingress" && t != "Egress" {
            problem(
                *span,
                format!("policyTypes entry `{t}` is not Ingress or Egress"),
            );
        }
    }
    let (affects_ingress, affects_egress) = match &policy_types {
        Some(types) if !types.is_empty() => (
            types.iter().any(|(t, _)| t == "Ingress"),
            types.iter().any(|(t, _)| t == "Egress"),
        ),
        _ => (true, !egress.is_empty()),
    };
    Policy {
        namespace,
        name,
        pod_selector,
        ingress,
        egress,
        affects_ingress,
        affects_egress,
        policy_types,
        policy_types_key: types_entry.map(|(k, _)| k.span),
        ingress_key,
        egress_key,
        loc,
        object: String::new(),
    }
}

fn read_rule(
    node: &Node,
    index: usize,
    dir: Direction,
    loc: &Loc,
    problem: &mut dyn FnMut(Span, String),
) -> Rule {
    let peer_list = node.get(dir.peers_key()).and_then(Node::as_seq);
    let mut peers = Vec::with_capacity(peer_list.map_or(0, <[Node]>::len));
    if let Some(list) = peer_list {
        for (i, p) in list.iter().enumerate() {
            let ptr = format!("{}/{}/{i}", loc.pointer, dir.peers_key());
            let peer = read_peer(p, &loc.at(p.span, ptr));
            if let PeerKind::Invalid(e) = &peer.kind {
                problem(p.span, e.clone());
            }
            peers.push(peer);
        }
    }
    let port_list = node.get("ports").and_then(Node::as_seq);
    let mut ports = Vec::with_capacity(port_list.map_or(0, <[Node]>::len));
    if let Some(list) = port_list {
        for (i, p) in list.iter().enumerate() {
            let ptr = format!("{}/ports/{i}", loc.pointer);
            let port = read_port(p, &loc.at(p.span, ptr));
            if let Some(e) = &port.invalid {
                problem(port.invalid_span.unwrap_or(p.span), e.clone());
            }
            ports.push(port);
        }
    }
    Rule {
        index,
        peers,
        ports,
        loc: loc.clone(),
    }
}

fn read_peer(node: &Node, loc: &Loc) -> Peer {
    let ns = node
        .get("namespaceSelector")
        .filter(|n| !n.is_null())
        .map(Selector::read);
    let pod = node
        .get("podSelector")
        .filter(|n| !n.is_null())
        .map(Selector::read);
    let ip = node.get("ipBlock").filter(|n| !n.is_null());
    let kind = match (ns, pod, ip) {
        (None, None, None) => {
            PeerKind::Invalid("a peer needs podSelector, namespaceSelector or ipBlock".to_string())
        }
        (Some(_), _, Some(_)) | (_, Some(_), Some(_)) => PeerKind::Invalid(
            "ipBlock cannot be combined with podSelector or namespaceSelector in one peer"
                .to_string(),
        ),
        (None, None, Some(ip)) => PeerKind::IpBlock(read_ip_block(ip)),
        (namespace, pod, None) => PeerKind::Selectors { namespace, pod },
    };
    Peer {
        kind,
        loc: loc.clone(),
    }
}

fn read_ip_block(node: &Node) -> IpBlock {
    let cidr_node = node.get("cidr");
    let cidr = cidr_node.and_then(Node::as_str).unwrap_or("").to_string();
    let cidr_span = cidr_node.map_or(node.span, |n| n.span);
    let except: Vec<(String, Span)> = node
        .get("except")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e.as_str()?.to_string(), e.span)))
        .collect();
    let range = parse_cidr(&cidr).ok();
    let cuts = IpSet::from_ranges(
        except
            .iter()
            .filter_map(|(e, _)| parse_cidr(e).ok())
            .collect(),
    );
    let set = range
        .map(IpSet::from_range)
        .unwrap_or_default()
        .subtract(&cuts);
    IpBlock {
        cidr,
        cidr_span,
        except,
        range,
        set,
    }
}

fn read_port(node: &Node, loc: &Loc) -> PolicyPort {
    let proto_node = node.get("protocol").filter(|n| !n.is_null());
    let (protocol, invalid) = match proto_node.map(|n| n.as_str()) {
        None => (Protocol::Tcp, None),
        Some(Some(p)) => match Protocol::parse(p) {
            Some(p) => (p, None),
            None => (
                Protocol::Tcp,
                Some(format!("protocol `{p}` is not TCP, UDP or SCTP")),
            ),
        },
        Some(None) => (Protocol::Tcp, Some("protocol must be a string".to_string())),
    };
    let port_node = node.get("port").filter(|n| !n.is_null());
    let end_node = node.get("endPort").filter(|n| !n.is_null());
    // A port the API server rejects is a problem located at the value, and the
    // item then matches nothing (never "all ports").
    let mut invalid = invalid.map(|e| (e, proto_node.map_or(node.span, |n| n.span)));
    let port = port_node.and_then(|n| match super::intstr::read_port(n) {
        Ok(p) => Some(p),
        Err(e) => {
            invalid.get_or_insert((e, n.span));
            None
        }
    });
    let end_port = end_node.and_then(|n| match super::intstr::read_end_port(n) {
        Ok(p) => Some(p),
        Err(e) => {
            invalid.get_or_insert((e, n.span));
            None
        }
    });
    let (invalid, invalid_span) = invalid.map_or((None, None), |(e, s)| (Some(e), Some(s)));
    PolicyPort {
        protocol,
        protocol_given: proto_node.is_some(),
        port,
        end_port,
        loc: loc.clone(),
        port_span: port_node.map(|n| n.span),
        end_port_span: end_node.map(|n| n.span),
        invalid,
        invalid_span,
    }
}

/// `Kind/namespace/name` (namespace left out when not written), as
/// `Object::display_name` names objects.
fn written_name(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}
