//! Kubernetes hardening rules beyond the Pod Security Standards (`K8S001`…).
//!
//! Each rule covers one concept that kube-linter, Polaris, kubesec, Trivy (KSV) or
//! Checkov (`CKV_K8S`) check, with their ids as aliases. Concepts the Pod Security
//! Standards already decide (privileged, host namespaces, capabilities,
//! `allowPrivilegeEscalation`, seccomp, `runAsNonRoot` …) are not repeated here:
//! the peers' ids for them are aliases of the `PSS` rules.
//!
//! The rules run on every object that carries a pod (the kinds of
//! [`objects::pod_path`](super::objects::pod_path)), whatever the Pod Security level,
//! and read the pod as the API server decodes it ([`model::decode`]). A finding names
//! the object (`Kind/ns/name`) and the container, and points at the offending value;
//! a missing field points at the nearest node that exists, with the convention of
//! the Pod Security checks: the container's `securityContext` key for a missing
//! security field (else the container's `name` value), the `resources`,
//! `requests`/`limits` key for a missing resource, the container's `name` for a
//! missing probe, the pod's `spec` key for a missing pod field.
//!
//! Windows pods (`spec.os.name: windows`) are exempt from the Linux-only rules
//! (`readOnlyRootFilesystem`, `runAsUser`/`runAsGroup`), as Pod Security exempts them.

use std::collections::HashMap;

use crate::objects::{read_root, Object, Read};
use crate::podspec::{Container, ContainerList, Loc, Pod};
use stockade_source::context::Context;
use stockade_source::finding::Diagnostic;
use stockade_source::rule::RuleMeta;
use stockade_source::settings::Settings;
use stockade_yaml::{Stream, Value};

pub mod model;

pub(crate) mod automount_token;
pub(crate) mod cpu_limits;
pub(crate) mod cpu_requests;
pub(crate) mod dangerous_capabilities;
// Public for their `Options`, which a Rust user builds in code.
pub mod default_namespace;
pub(crate) mod image_digest;
pub(crate) mod image_latest_tag;
pub(crate) mod image_pull_policy;
pub mod image_registries;
pub(crate) mod invalid_image;
pub(crate) mod liveness_probe;
pub(crate) mod memory_limits;
pub(crate) mod memory_requests;
pub(crate) mod read_only_root_filesystem;
pub(crate) mod readiness_probe;
pub(crate) mod run_as_group_low;
pub(crate) mod run_as_user_low;
pub(crate) mod runtime_socket;
pub(crate) mod secret_env;
pub(crate) mod secret_env_ref;
pub(crate) mod sensitive_host_path;
pub(crate) mod share_process_namespace;

pub use model::{ContainerExtra, Extra};

/// A finding of a hardening rule, before it becomes a [`Diagnostic`].
#[derive(Debug, Clone)]
pub struct Hit {
    pub loc: Loc,
    pub message: String,
}

impl Hit {
    pub fn new(loc: &Loc, message: impl Into<String>) -> Self {
        Self {
            loc: loc.clone(),
            message: message.into(),
        }
    }
}

/// `ServiceAccounts` defined in the scanned file: `(namespace, name)` →
/// `automountServiceAccountToken` (`None` when not set).
#[derive(Debug, Clone, Default)]
pub struct ServiceAccounts {
    automount: HashMap<(Option<String>, String), Option<bool>>,
}

impl ServiceAccounts {
    /// Read every `ServiceAccount` of a stream.
    pub fn from_stream(stream: &Stream) -> Self {
        let mut out = Self::default();
        for doc in &stream.documents {
            let Some(root) = doc.node() else { continue };
            let Read::Objects(objects, _) = read_root(root) else {
                continue;
            };
            for o in objects
                .iter()
                .filter(|o| o.kind == "ServiceAccount" && o.group().is_empty())
            {
                let Some(name) = &o.name else { continue };
                let automount =
                    o.root
                        .get("automountServiceAccountToken")
                        .and_then(|n| match n.value {
                            Value::Bool(b) => Some(b),
                            _ => None,
                        });
                out.automount
                    .insert((o.namespace.clone(), name.clone()), automount);
            }
        }
        out
    }

    /// The `automountServiceAccountToken` of a `ServiceAccount` of this file.
    pub fn automount(&self, namespace: Option<&str>, name: &str) -> Option<bool> {
        self.automount
            .get(&(namespace.map(str::to_string), name.to_string()))
            .copied()
            .flatten()
    }
}

/// What a pod rule sees.
pub struct Workload<'a> {
    pub object: &'a Object<'a>,
    /// `Kind/namespace/name`.
    pub name: String,
    pub pod: &'a Pod,
    pub extra: &'a Extra,
    pub config: &'a Settings,
    pub accounts: &'a ServiceAccounts,
}

impl Workload<'_> {
    /// Every container with its hardening fields, in visit order.
    pub fn containers(&self) -> impl Iterator<Item = (&Container, &ContainerExtra)> {
        self.pod
            .spec
            .containers
            .iter()
            .zip(self.extra.containers.iter())
    }

    /// `container "app" of Deployment/ns/web` (`init container`, `ephemeral container`).
    pub fn who(&self, c: &Container) -> String {
        format!("{} {}", container_label(c), self.of())
    }

    /// `of Deployment/ns/web`.
    pub fn of(&self) -> String {
        format!("of {}", self.name)
    }

    /// Whether the object is a run-to-completion workload (Job, `CronJob`).
    pub fn is_batch(&self) -> bool {
        self.object.group() == "batch" && matches!(self.object.kind.as_str(), "Job" | "CronJob")
    }

    /// The rule's options, or their defaults.
    pub fn options<T: Default + Clone + 'static>(&self, meta: &RuleMeta) -> T {
        self.config.options::<T>(meta).cloned().unwrap_or_default()
    }
}

/// `container "app"`, `init container "setup"`, `ephemeral container "debug"`.
pub fn container_label(c: &Container) -> String {
    let list = match c.list {
        ContainerList::Init => "init container",
        ContainerList::Regular => "container",
        ContainerList::Ephemeral => "ephemeral container",
    };
    if c.name.is_empty() {
        format!("{list} without a name")
    } else {
        format!("{list} \"{}\"", c.name)
    }
}

/// A pod rule.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Workload<'_>, &mut Vec<Hit>),
}

/// The pod rules, in id order.
pub static POD_RULES: &[Rule] = &[
    Rule {
        meta: &read_only_root_filesystem::META,
        check: read_only_root_filesystem::check,
    },
    Rule {
        meta: &cpu_requests::META,
        check: cpu_requests::check,
    },
    Rule {
        meta: &cpu_limits::META,
        check: cpu_limits::check,
    },
    Rule {
        meta: &memory_requests::META,
        check: memory_requests::check,
    },
    Rule {
        meta: &memory_limits::META,
        check: memory_limits::check,
    },
    Rule {
        meta: &image_latest_tag::META,
        check: image_latest_tag::check,
    },
    Rule {
        meta: &image_digest::META,
        check: image_digest::check,
    },
    Rule {
        meta: &image_registries::META,
        check: image_registries::check,
    },
    Rule {
        meta: &image_pull_policy::META,
        check: image_pull_policy::check,
    },
    Rule {
        meta: &automount_token::META,
        check: automount_token::check,
    },
    Rule {
        meta: &liveness_probe::META,
        check: liveness_probe::check,
    },
    Rule {
        meta: &readiness_probe::META,
        check: readiness_probe::check,
    },
    Rule {
        meta: &secret_env::META,
        check: secret_env::check,
    },
    Rule {
        meta: &runtime_socket::META,
        check: runtime_socket::check,
    },
    Rule {
        meta: &sensitive_host_path::META,
        check: sensitive_host_path::check,
    },
    Rule {
        meta: &run_as_user_low::META,
        check: run_as_user_low::check,
    },
    Rule {
        meta: &run_as_group_low::META,
        check: run_as_group_low::check,
    },
    Rule {
        meta: &share_process_namespace::META,
        check: share_process_namespace::check,
    },
    Rule {
        meta: &dangerous_capabilities::META,
        check: dangerous_capabilities::check,
    },
    Rule {
        meta: &secret_env_ref::META,
        check: secret_env_ref::check,
    },
    Rule {
        meta: &invalid_image::META,
        check: invalid_image::check,
    },
];

fn report(
    ctx: &mut Context<'_>,
    meta: &'static RuleMeta,
    document: usize,
    object: &str,
    hits: Vec<Hit>,
) {
    for hit in hits {
        ctx.report(
            Diagnostic::new(meta, hit.loc.span, hit.message)
                .in_document(document)
                .with_object(object.to_string())
                .with_pointer(hit.loc.pointer),
        );
    }
}

/// Run the object rules (any kind) on one object.
pub fn check_object(ctx: &mut Context<'_>, document: usize, object: &Object<'_>) {
    if !ctx.enabled(&default_namespace::META) {
        return;
    }
    let mut hits = Vec::new();
    default_namespace::check(object, ctx.config, &mut hits);
    report(
        ctx,
        &default_namespace::META,
        document,
        &object.display_name(),
        hits,
    );
}

/// Run the pod rules on one decoded pod.
pub fn check_pod(
    ctx: &mut Context<'_>,
    document: usize,
    object: &Object<'_>,
    pod: &Pod,
    extra: &Extra,
    accounts: &ServiceAccounts,
) {
    let name = object.display_name();
    for rule in POD_RULES {
        if !ctx.enabled(rule.meta) {
            continue;
        }
        let workload = Workload {
            object,
            name: name.clone(),
            pod,
            extra,
            config: ctx.config,
            accounts,
        };
        let mut hits = Vec::new();
        (rule.check)(&workload, &mut hits);
        report(ctx, rule.meta, document, &name, hits);
    }
}

/// The image reference of a container, parsed and normalised as Docker's
/// `distribution/reference`. A reference that is invalid only for upper-case
/// letters in its name (`us-docker.pkg.dev/PROJECT_ID/repo/app:latest`, `Nginx`)
/// is read lower-cased, so the tag rules still see its tag (`K8S050` reports it
/// as invalid); `None` for anything else that is not a reference (a template
/// `${IMAGE}`, an empty value): the image rules have nothing to read.
pub fn image_ref(image: &str) -> Option<stockade_source::image::ImageRef> {
    let image = image.trim();
    if let Ok(r) = stockade_source::image::ImageRef::parse(image) {
        return Some(r);
    }
    if invalid_image::is_template(image) {
        return None;
    }
    // Lower-case the name only: the tag and digest keep their case.
    let end = image
        .find('@')
        .unwrap_or(image.len())
        .min(match image.rfind(':') {
            Some(c) if !image.get(c..)?.contains('/') => c,
            _ => image.len(),
        });
    let (name, rest) = image.split_at(end);
    stockade_source::image::ImageRef::parse(&format!("{}{rest}", name.to_ascii_lowercase())).ok()
}

/// Which resource setting a resources rule requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    Request,
    Limit,
}

/// Shared by the CPU and memory rules: every init and regular container (ephemeral
/// containers cannot have resources) must set `resources.<requests|limits>.<resource>`.
/// A request is also set when only the limit is (the API server defaults the
/// request to the limit), and a bound set in the pod-level `spec.resources` covers
/// every container.
pub(crate) fn missing_resource(
    w: &Workload<'_>,
    out: &mut Vec<Hit>,
    resource: &str,
    label: &str,
    bound: Bound,
) {
    let pod = &w.extra.resources;
    let pod_bound = match bound {
        Bound::Request => pod.requests.has(resource) || pod.limits.has(resource),
        Bound::Limit => pod.limits.has(resource),
    };
    if pod_bound {
        return;
    }
    for (c, x) in w.containers() {
        if c.list == ContainerList::Ephemeral {
            continue;
        }
        let r = &x.resources;
        let (list, field) = match bound {
            Bound::Request => (&r.requests, "requests"),
            Bound::Limit => (&r.limits, "limits"),
        };
        if list.has(resource) || (bound == Bound::Request && r.limits.has(resource)) {
            continue;
        }
        let at = list.key.as_ref().or(r.key.as_ref()).unwrap_or(&c.anchor);
        let what = match bound {
            Bound::Request => "request",
            Bound::Limit => "limit",
        };
        out.push(Hit::new(
            at,
            format!(
                "{} has no {label} {what} (resources.{field}.{resource})",
                w.who(c)
            ),
        ));
    }
}

/// A host path as the kernel resolves it: repeated and trailing slashes dropped,
/// `.` and `..` components resolved (`..` of `/` is `/`).
pub fn normalize_host_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `(mounted by container "app")`, `(mounted by containers "a", "b")` or `(not mounted by any container)`.
pub(crate) fn mounted_by(w: &Workload<'_>, volume: &str) -> String {
    let names: Vec<String> = w
        .containers()
        .filter(|(_, x)| x.mounts.iter().any(|m| m == volume))
        .map(|(c, _)| format!("\"{}\"", c.name))
        .collect();
    match names.len() {
        0 => "(not mounted by any container)".to_string(),
        1 => format!("(mounted by container {})", names.join("")),
        _ => format!("(mounted by containers {})", names.join(", ")),
    }
}

/// IDs at or below this are "low" (they may collide with host users and groups).
pub const LOW_ID_MAX: i64 = 10000;

/// Shared by the runAsUser/runAsGroup rules: every container's effective ID (its
/// own, else the pod's) must be above [`LOW_ID_MAX`]. A low pod-level value is one
/// finding (at the value) naming the containers that inherit it; a low container
/// value is a finding at that value; no value at all is a finding at the
/// container's `securityContext` key (else its `name`). Pods in a user namespace
/// (`hostUsers: false`) and Windows pods are exempt.
pub(crate) fn low_ids(
    w: &Workload<'_>,
    out: &mut Vec<Hit>,
    field: &str,
    pod_value: Option<&crate::podspec::Spanned<i64>>,
    container_value: fn(&Container, &ContainerExtra) -> Option<crate::podspec::Spanned<i64>>,
) {
    if w.pod.spec.is_windows() || w.pod.spec.in_user_namespace() {
        return;
    }
    let mut inheriting = Vec::new();
    for (c, x) in w.containers() {
        match container_value(c, x) {
            Some(v) if v.value > LOW_ID_MAX => {}
            Some(v) => out.push(Hit::new(
                &v.loc,
                format!(
                    "{} sets securityContext.{field} {} (<= {LOW_ID_MAX}); it may share an ID with a user of the host",
                    w.who(c),
                    v.value
                ),
            )),
            None => match pod_value {
                Some(p) if p.value > LOW_ID_MAX => {}
                Some(_) => inheriting.push(format!("\"{}\"", c.name)),
                None => out.push(Hit::new(
                    c.security_anchor(),
                    format!(
                        "{} sets no {field} (in its own or the pod's securityContext); the image's default applies, often root or a low ID",
                        w.who(c)
                    ),
                )),
            },
        }
    }
    if let (Some(p), false) = (pod_value, inheriting.is_empty()) {
        let plural = if inheriting.len() == 1 { "" } else { "s" };
        out.push(Hit::new(
            &p.loc,
            format!(
                "pod {} sets securityContext.{field} {} (<= {LOW_ID_MAX}), used by container{plural} {}; it may share an ID with a user of the host",
                w.of(),
                p.value,
                inheriting.join(", ")
            ),
        ));
    }
}
