//! The pod spec as the API server would decode it, reduced to the fields the Pod
//! Security Standards read, with the place of every value in the source.
//!
//! Go's decoding rules carry over: `null` is the same as absent (a nil pointer),
//! a field of the wrong type makes the whole object invalid (see
//! [`super::decode`]), unknown fields are dropped, field names are case-sensitive.

use stockade_source::source::Span;

/// Where something is: the byte span of a node and its JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    pub span: Span,
    pub pointer: String,
}

impl Loc {
    pub fn new(span: Span, pointer: impl Into<String>) -> Self {
        Self {
            span,
            pointer: pointer.into(),
        }
    }
}

/// A decoded value and the node it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Spanned<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Self { value, loc }
    }
}

/// The metadata that carries the pod's annotations (the pod's own, or the
/// template's for a workload).
#[derive(Debug, Clone, Default)]
pub struct PodMeta {
    /// `(key, value)`; the key's location is the key node, the value's the value node.
    pub annotations: Vec<(Spanned<String>, Spanned<String>)>,
}

impl PodMeta {
    /// The annotation with this exact key.
    pub fn annotation(&self, key: &str) -> Option<&Spanned<String>> {
        self.annotations
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    }
}

/// `seccompProfile` or `appArmorProfile`: present (non-null) with a `type`
/// (`""` when the key is absent, as Go decodes it).
#[derive(Debug, Clone)]
pub struct Profile {
    /// The `seccompProfile:` / `appArmorProfile:` key.
    pub key: Loc,
    /// The type value; when absent, `""` located at the profile key.
    pub kind: Spanned<String>,
}

/// `seLinuxOptions`: absent strings decode as `""`.
#[derive(Debug, Clone)]
pub struct SeLinux {
    pub key: Loc,
    pub kind: Option<Spanned<String>>,
    pub user: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
}

/// Fields shared by the pod-level and container-level security contexts.
#[derive(Debug, Clone, Default)]
pub struct CommonSecurity {
    pub run_as_non_root: Option<Spanned<bool>>,
    pub run_as_user: Option<Spanned<i64>>,
    pub se_linux: Option<SeLinux>,
    pub seccomp: Option<Profile>,
    pub app_armor: Option<Profile>,
    /// `windowsOptions.hostProcess`
    pub host_process: Option<Spanned<bool>>,
}

/// `spec.securityContext`.
#[derive(Debug, Clone)]
pub struct PodSecurity {
    pub key: Loc,
    pub common: CommonSecurity,
    /// Each sysctl's `name` (`""` located at the item when absent).
    pub sysctls: Vec<Spanned<String>>,
}

/// `capabilities` of a container.
#[derive(Debug, Clone)]
pub struct Capabilities {
    pub key: Loc,
    /// The `drop:` key, when present.
    pub drop_key: Option<Loc>,
    pub add: Vec<Spanned<String>>,
    pub drop: Vec<Spanned<String>>,
}

/// A container's `securityContext`.
#[derive(Debug, Clone)]
pub struct ContainerSecurity {
    pub key: Loc,
    pub common: CommonSecurity,
    pub privileged: Option<Spanned<bool>>,
    pub allow_privilege_escalation: Option<Spanned<bool>>,
    pub capabilities: Option<Capabilities>,
    pub proc_mount: Option<Spanned<String>>,
}

/// Which list a container came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerList {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerList {
    pub fn field(self) -> &'static str {
        match self {
            ContainerList::Init => "initContainers",
            ContainerList::Regular => "containers",
            ContainerList::Ephemeral => "ephemeralContainers",
        }
    }
}

/// One container (init, regular or ephemeral).
#[derive(Debug, Clone)]
pub struct Container {
    pub list: ContainerList,
    /// `name` (`""` when absent).
    pub name: String,
    /// Where a finding about a missing field of this container points: the
    /// `name` value, or the first key of the container when it has no name.
    pub anchor: Loc,
    pub security: Option<ContainerSecurity>,
    /// Every `ports[*].hostPort` that is present.
    pub host_ports: Vec<Spanned<i64>>,
    /// Every non-empty `host` of a probe (`httpGet`/`tcpSocket` of the liveness,
    /// readiness and startup probes) or lifecycle handler (`postStart`/`preStop`).
    pub probe_hosts: Vec<Spanned<String>>,
}

impl Container {
    /// Where a finding about a missing security field points: the container's
    /// `securityContext` key when there is one, else the container's anchor.
    pub fn security_anchor(&self) -> &Loc {
        self.security.as_ref().map_or(&self.anchor, |s| &s.key)
    }
}

/// One volume, with the volume sources that are set (non-null).
#[derive(Debug, Clone)]
pub struct Volume {
    pub name: String,
    pub anchor: Loc,
    /// `(source field, location of its key)`, in the order written.
    pub sources: Vec<(String, Loc)>,
}

impl Volume {
    pub fn source(&self, field: &str) -> Option<&Loc> {
        self.sources
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, loc)| loc)
    }
}

/// The decoded pod spec.
#[derive(Debug, Clone, Default)]
pub struct PodSpec {
    /// The `spec` key (pod-level findings about missing fields point here).
    pub anchor: Loc,
    pub host_network: Option<Spanned<bool>>,
    pub host_pid: Option<Spanned<bool>>,
    pub host_ipc: Option<Spanned<bool>>,
    pub host_users: Option<Spanned<bool>>,
    /// `os.name`
    pub os_name: Option<Spanned<String>>,
    pub security: Option<PodSecurity>,
    pub volumes: Vec<Volume>,
    /// init containers, then containers, then ephemeral containers: the order in
    /// which pod-security-admission visits them.
    pub containers: Vec<Container>,
}

impl PodSpec {
    /// `spec.os.name == "windows"`.
    pub fn is_windows(&self) -> bool {
        self.os_name.as_ref().is_some_and(|n| n.value == "windows")
    }

    /// `spec.hostUsers == false`: the pod runs in a user namespace.
    pub fn in_user_namespace(&self) -> bool {
        self.host_users.as_ref().is_some_and(|h| !h.value)
    }

    pub fn pod_common(&self) -> Option<&CommonSecurity> {
        self.security.as_ref().map(|s| &s.common)
    }
}

/// A pod as Pod Security evaluates it.
#[derive(Debug, Clone, Default)]
pub struct Pod {
    pub meta: PodMeta,
    pub spec: PodSpec,
}
