//! From YAML nodes to the typed [`Pod`](super::Pod), as the API server decodes JSON
//! into Go structs.
//!
//! - `null` is the same as an absent field (Go leaves the field nil/zero);
//! - a value of the wrong type (a string where a boolean belongs, a scalar where
//!   an object belongs, a non-integral number for an integer, an integer out of
//!   `int32` range for a port) is a [`DecodeError`]: the API server rejects the whole
//!   object (`json: cannot unmarshal string into Go struct field … of type bool`),
//!   so the object never runs and Pod Security is not evaluated for it; the caller
//!   reports a located error instead;
//! - an integral float (`1000.0`, `1e3`) is an integer, as after sigs.k8s.io/yaml's
//!   JSON round trip;
//! - unknown fields are ignored, and field names are case-sensitive
//!   (`Privileged: true` is not `privileged`);
//! - only the fields Pod Security reads are decoded (plus every annotation, since a
//!   non-string annotation value is a common reason for rejection);
//! - the API server's defaulting that changes what Pod Security sees is applied:
//!   a volume with no source is an `emptyDir` (`SetDefaults_Volume`), and in a Pod
//!   (not a template, where the defaulting is off since Kubernetes 1.28) with
//!   `hostNetwork: true` a port without `hostPort` gets `hostPort = containerPort`.

use super::model::{
    Capabilities, CommonSecurity, Container, ContainerList, ContainerSecurity, Loc, Pod, PodMeta,
    PodSecurity, PodSpec, Profile, SeLinux, Spanned, Volume,
};
use stockade_source::source::Span;
use stockade_yaml::{escape_pointer_token, Node, Value};

/// The volume source fields of `VolumeSource`, as Kubernetes names them.
pub const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// A value the API server could not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub span: Span,
    pub pointer: String,
    pub message: String,
}

/// Collects decode errors while reading typed fields.
#[derive(Debug, Default)]
pub struct Decoder {
    pub errors: Vec<DecodeError>,
    /// Apply the Pod defaulting of host ports under `hostNetwork: true` (Pods only).
    pub default_host_network_ports: bool,
    /// Set while decoding the containers of a pod with `hostNetwork: true`.
    host_network: bool,
}

pub(crate) fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_pointer_token(key))
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::String(s) => {
            let shown: String = s.chars().take(40).collect();
            format!("the string \"{shown}\"")
        }
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Int(i) => format!("the integer {i}"),
        Value::Float(f) => format!("the number {f}"),
        other => format!("a {}", other.type_name()),
    }
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    fn wrong(&mut self, node: &Node, pointer: &str, expected: &str) {
        self.errors.push(DecodeError {
            span: node.span,
            pointer: pointer.to_string(),
            message: format!("{pointer}: expected {expected}, found {}", describe(node)),
        });
    }

    /// A mapping, or `None` for null (an error for anything else).
    pub fn map<'a>(&mut self, node: &'a Node, pointer: &str) -> Option<&'a Node> {
        match node.value {
            Value::Map(_) => Some(node),
            Value::Null => None,
            _ => {
                self.wrong(node, pointer, "an object");
                None
            }
        }
    }

    /// A sequence's items (empty for null; an error for anything else).
    pub fn seq<'a>(&mut self, node: &'a Node, pointer: &str) -> &'a [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                self.wrong(node, pointer, "an array");
                &[]
            }
        }
    }

    /// The non-null value under `key` of a mapping node, with its key node.
    pub fn entry<'a>(&mut self, map: &'a Node, key: &str) -> Option<(&'a Node, &'a Node)> {
        map.get_entry(key).filter(|(_, v)| !v.is_null())
    }

    /// A mapping field: `(key location, mapping node, its pointer)`.
    pub fn object<'a>(
        &mut self,
        map: &'a Node,
        pointer: &str,
        key: &str,
    ) -> Option<(Loc, &'a Node, String)> {
        let (k, v) = self.entry(map, key)?;
        let ptr = child(pointer, key);
        let node = self.map(v, &ptr)?;
        Some((Loc::new(k.span, ptr.clone()), node, ptr))
    }

    pub fn bool(&mut self, map: &Node, pointer: &str, key: &str) -> Option<Spanned<bool>> {
        let (_, v) = self.entry(map, key)?;
        let ptr = child(pointer, key);
        if let Value::Bool(b) = v.value {
            return Some(Spanned::new(b, Loc::new(v.span, ptr)));
        }
        self.wrong(v, &ptr, "a boolean");
        None
    }

    pub fn string(&mut self, map: &Node, pointer: &str, key: &str) -> Option<Spanned<String>> {
        let (_, v) = self.entry(map, key)?;
        let ptr = child(pointer, key);
        self.string_node(v, &ptr)
    }

    pub fn string_node(&mut self, v: &Node, ptr: &str) -> Option<Spanned<String>> {
        match &v.value {
            Value::String(s) => Some(Spanned::new(s.clone(), Loc::new(v.span, ptr))),
            Value::Null => None,
            _ => {
                self.wrong(v, ptr, "a string");
                None
            }
        }
    }

    /// An integer in `min..=max` (an integral float counts).
    pub fn int(
        &mut self,
        map: &Node,
        pointer: &str,
        key: &str,
        min: i64,
        max: i64,
    ) -> Option<Spanned<i64>> {
        let (_, v) = self.entry(map, key)?;
        let ptr = child(pointer, key);
        let value = match v.value {
            Value::Int(i) => Some(i),
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            Value::Float(f) if f.fract() == 0.0 && f >= min as f64 && f <= max as f64 => {
                Some(f as i64)
            }
            _ => None,
        };
        match value {
            Some(i) if (min..=max).contains(&i) => Some(Spanned::new(i, Loc::new(v.span, ptr))),
            Some(_) => {
                self.wrong(v, &ptr, &format!("an integer in {min}..={max}"));
                None
            }
            None => {
                self.wrong(v, &ptr, "an integer");
                None
            }
        }
    }

    /// A list of strings.
    pub fn strings(&mut self, map: &Node, pointer: &str, key: &str) -> Vec<Spanned<String>> {
        let Some((_, v)) = self.entry(map, key) else {
            return Vec::new();
        };
        let ptr = child(pointer, key);
        let items = self.seq(v, &ptr);
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_ptr = format!("{ptr}/{i}");
            match &item.value {
                Value::String(s) => {
                    out.push(Spanned::new(s.clone(), Loc::new(item.span, item_ptr)));
                }
                // A null item decodes as the empty string.
                Value::Null => out.push(Spanned::new(String::new(), Loc::new(item.span, item_ptr))),
                _ => self.wrong(item, &item_ptr, "a string"),
            }
        }
        out
    }

    /// A `map[string]string` field of a mapping (`labels`, `annotations`): every
    /// value must be a string (`null` is the empty string).
    pub fn string_map(
        &mut self,
        map: &Node,
        pointer: &str,
        field: &str,
    ) -> Vec<(Spanned<String>, Spanned<String>)> {
        let mut out = Vec::new();
        let Some((_, node, ptr)) = self.object(map, pointer, field) else {
            return out;
        };
        for (k, v) in node.as_map().unwrap_or_default() {
            let Some(key) = k.key_string() else {
                continue;
            };
            let vptr = child(&ptr, &key);
            let value = match &v.value {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                _ => {
                    let what = format!(
                        "a string ({} values must be strings; quote it)",
                        field.trim_end_matches('s')
                    );
                    self.wrong(v, &vptr, &what);
                    continue;
                }
            };
            out.push((
                Spanned::new(key, Loc::new(k.span, vptr.clone())),
                Spanned::new(value, Loc::new(v.span, vptr)),
            ));
        }
        out
    }

    /// `metadata.annotations` of a metadata mapping (every value must be a string).
    pub fn annotations(&mut self, metadata: &Node, pointer: &str) -> PodMeta {
        PodMeta {
            annotations: self.string_map(metadata, pointer, "annotations"),
        }
    }

    fn profile(&mut self, map: &Node, pointer: &str, key: &str) -> Option<Profile> {
        let (key_loc, node, ptr) = self.object(map, pointer, key)?;
        let kind = self
            .string(node, &ptr, "type")
            .unwrap_or_else(|| Spanned::new(String::new(), key_loc.clone()));
        Some(Profile { key: key_loc, kind })
    }

    fn common(&mut self, map: &Node, pointer: &str) -> CommonSecurity {
        let run_as_non_root = self.bool(map, pointer, "runAsNonRoot");
        let run_as_user = self.int(map, pointer, "runAsUser", i64::MIN, i64::MAX);
        let se_linux = self
            .object(map, pointer, "seLinuxOptions")
            .map(|(key, node, ptr)| SeLinux {
                key,
                kind: self.string(node, &ptr, "type"),
                user: self.string(node, &ptr, "user"),
                role: self.string(node, &ptr, "role"),
            });
        let seccomp = self.profile(map, pointer, "seccompProfile");
        let app_armor = self.profile(map, pointer, "appArmorProfile");
        let host_process = self
            .object(map, pointer, "windowsOptions")
            .and_then(|(_, node, ptr)| self.bool(node, &ptr, "hostProcess"));
        CommonSecurity {
            run_as_non_root,
            run_as_user,
            se_linux,
            seccomp,
            app_armor,
            host_process,
        }
    }

    fn pod_security(&mut self, spec: &Node, pointer: &str) -> Option<PodSecurity> {
        let (key, node, ptr) = self.object(spec, pointer, "securityContext")?;
        let common = self.common(node, &ptr);
        let mut sysctls = Vec::new();
        if let Some((_, v)) = self.entry(node, "sysctls") {
            let sptr = child(&ptr, "sysctls");
            for (i, item) in self.seq(v, &sptr).iter().enumerate() {
                let iptr = format!("{sptr}/{i}");
                let Some(item) = self.map(item, &iptr) else {
                    continue;
                };
                let name = self.string(item, &iptr, "name").unwrap_or_else(|| {
                    Spanned::new(String::new(), Loc::new(item.span, iptr.clone()))
                });
                sysctls.push(name);
            }
        }
        Some(PodSecurity {
            key,
            common,
            sysctls,
        })
    }

    fn container_security(&mut self, container: &Node, pointer: &str) -> Option<ContainerSecurity> {
        let (key, node, ptr) = self.object(container, pointer, "securityContext")?;
        let common = self.common(node, &ptr);
        let privileged = self.bool(node, &ptr, "privileged");
        let allow_privilege_escalation = self.bool(node, &ptr, "allowPrivilegeEscalation");
        let proc_mount = self.string(node, &ptr, "procMount");
        let capabilities = self
            .object(node, &ptr, "capabilities")
            .map(|(ckey, cnode, cptr)| {
                let drop_key = cnode
                    .get_entry("drop")
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, _)| Loc::new(k.span, child(&cptr, "drop")));
                Capabilities {
                    key: ckey,
                    drop_key,
                    add: self.strings(cnode, &cptr, "add"),
                    drop: self.strings(cnode, &cptr, "drop"),
                }
            });
        Some(ContainerSecurity {
            key,
            common,
            privileged,
            allow_privilege_escalation,
            capabilities,
            proc_mount,
        })
    }

    /// `httpGet.host` and `tcpSocket.host` of a probe or lifecycle handler.
    fn handler_hosts(&mut self, handler: &Node, pointer: &str, out: &mut Vec<Spanned<String>>) {
        for action in ["httpGet", "tcpSocket"] {
            if let Some((_, node, ptr)) = self.object(handler, pointer, action) {
                if let Some(host) = self.string(node, &ptr, "host") {
                    if !host.value.is_empty() {
                        out.push(host);
                    }
                }
            }
        }
    }

    fn container(&mut self, item: &Node, pointer: &str, list: ContainerList) -> Option<Container> {
        let node = self.map(item, pointer)?;
        let name_field = self.string(node, pointer, "name");
        let anchor = if let Some(n) = &name_field {
            n.loc.clone()
        } else {
            let first = node
                .as_map()
                .and_then(|m| m.first())
                .map_or(node.span, |(k, _)| k.span);
            Loc::new(first, pointer)
        };
        let security = self.container_security(node, pointer);
        let mut host_ports = Vec::new();
        if let Some((_, ports)) = self.entry(node, "ports") {
            let pptr = child(pointer, "ports");
            for (i, port) in self.seq(ports, &pptr).iter().enumerate() {
                let iptr = format!("{pptr}/{i}");
                if let Some(port) = self.map(port, &iptr) {
                    let (min, max) = (i64::from(i32::MIN), i64::from(i32::MAX));
                    let host = self.int(port, &iptr, "hostPort", min, max);
                    let container_port = self.int(port, &iptr, "containerPort", min, max);
                    match host {
                        Some(hp) if hp.value != 0 => host_ports.push(hp),
                        // defaultHostNetworkPorts: hostPort = containerPort.
                        _ if self.default_host_network_ports && self.host_network => {
                            host_ports.extend(container_port);
                        }
                        Some(hp) => host_ports.push(hp),
                        None => {}
                    }
                }
            }
        }
        let mut probe_hosts = Vec::new();
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            if let Some((_, pnode, pptr)) = self.object(node, pointer, probe) {
                self.handler_hosts(pnode, &pptr, &mut probe_hosts);
            }
        }
        if let Some((_, lnode, lptr)) = self.object(node, pointer, "lifecycle") {
            for handler in ["postStart", "preStop"] {
                if let Some((_, hnode, hptr)) = self.object(lnode, &lptr, handler) {
                    self.handler_hosts(hnode, &hptr, &mut probe_hosts);
                }
            }
        }
        Some(Container {
            list,
            name: name_field.map(|n| n.value).unwrap_or_default(),
            anchor,
            security,
            host_ports,
            probe_hosts,
        })
    }

    fn volume(&mut self, item: &Node, pointer: &str) -> Option<Volume> {
        let node = self.map(item, pointer)?;
        let name_field = self.string(node, pointer, "name");
        let anchor = name_field
            .as_ref()
            .map_or_else(|| Loc::new(node.span, pointer), |n| n.loc.clone());
        let mut sources: Vec<(String, Loc)> = Vec::new();
        for (k, v) in node.as_map().unwrap_or_default() {
            let Some(key) = k.key_string() else {
                continue;
            };
            if !VOLUME_SOURCES.contains(&key.as_str()) {
                continue;
            }
            let ptr = child(pointer, &key);
            if self.map(v, &ptr).is_some() {
                sources.push((key, Loc::new(k.span, ptr)));
            }
        }
        if sources.is_empty() {
            // SetDefaults_Volume: a volume with no source is an emptyDir.
            sources.push(("emptyDir".to_string(), anchor.clone()));
        }
        Some(Volume {
            name: name_field.map(|n| n.value).unwrap_or_default(),
            anchor,
            sources,
        })
    }

    /// Decode a pod spec mapping; `key` is the `spec` key node (for the anchor).
    pub fn pod_spec(&mut self, key: Option<&Node>, spec: &Node, pointer: &str) -> PodSpec {
        let anchor = Loc::new(key.map_or(spec.span, |k| k.span), pointer);
        let host_network = self.bool(spec, pointer, "hostNetwork");
        self.host_network = host_network.as_ref().is_some_and(|h| h.value);
        let mut out = PodSpec {
            anchor,
            host_network,
            host_pid: self.bool(spec, pointer, "hostPID"),
            host_ipc: self.bool(spec, pointer, "hostIPC"),
            host_users: self.bool(spec, pointer, "hostUsers"),
            os_name: self
                .object(spec, pointer, "os")
                .and_then(|(_, node, ptr)| self.string(node, &ptr, "name")),
            security: self.pod_security(spec, pointer),
            ..PodSpec::default()
        };
        if let Some((_, v)) = self.entry(spec, "volumes") {
            let vptr = child(pointer, "volumes");
            for (i, item) in self.seq(v, &vptr).iter().enumerate() {
                if let Some(vol) = self.volume(item, &format!("{vptr}/{i}")) {
                    out.volumes.push(vol);
                }
            }
        }
        for list in [
            ContainerList::Init,
            ContainerList::Regular,
            ContainerList::Ephemeral,
        ] {
            let Some((_, v)) = self.entry(spec, list.field()) else {
                continue;
            };
            let cptr = child(pointer, list.field());
            for (i, item) in self.seq(v, &cptr).iter().enumerate() {
                if let Some(c) = self.container(item, &format!("{cptr}/{i}"), list) {
                    out.containers.push(c);
                }
            }
        }
        out
    }

    /// Decode a pod-like mapping (a Pod, or a pod template) with `metadata` and `spec`.
    pub fn pod(&mut self, holder: &Node, pointer: &str) -> Pod {
        let meta = match self.object(holder, pointer, "metadata") {
            Some((_, node, ptr)) => self.annotations(node, &ptr),
            None => PodMeta::default(),
        };
        let spec_ptr = child(pointer, "spec");
        let spec = match self.entry(holder, "spec") {
            Some((k, v)) => match self.map(v, &spec_ptr) {
                Some(node) => self.pod_spec(Some(k), node, &spec_ptr),
                None => PodSpec::default(),
            },
            None => PodSpec {
                anchor: Loc::new(holder.span, pointer),
                ..PodSpec::default()
            },
        };
        Pod { meta, spec }
    }
}
