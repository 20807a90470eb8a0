//! Where the pods of custom resources are: the pod templates of workload kinds
//! that operators define (Argo Rollouts, Knative, Ray, `JobSet`, `LeaderWorkerSet`,
//! Kubeflow training jobs, `OpenKruise`, Volcano, KEDA, Flink …), found by known
//! paths, by the paths `stockade.yaml` names (`pod-templates`), or generically.
//!
//! The built-in workload kinds keep their pod at one path
//! ([`objects::pod_path`](crate::objects::pod_path)); this module answers for
//! every other kind:
//!
//! 1. **Configured** paths (`pod-templates` in `stockade.yaml`, see
//!    [`PodTemplatePaths`]) for the object's kind (and group, when given).
//! 2. **Known** paths of the operators' kinds below ([`KNOWN`]).
//! 3. **Generic** detection: a mapping under a key named `template` or ending in
//!    `Template` (`podTemplate`, `leaderTemplate`, `submitterPodTemplate`), at most
//!    [`MAX_DEPTH`] levels under the object's `spec`, whose `spec.containers` is a
//!    non-empty list of mappings that all have a string `name` and at least one a
//!    string `image`; or the object itself when its own `spec.containers` has that
//!    shape (a Knative `Revision`). Nothing is searched under a pod found, nor in
//!    `metadata` or `status`. An arbitrary custom resource does not have that shape;
//!    the groups in [`NOT_PODS`] (Prometheus Operator's `containers` patches) are
//!    never searched.
//!
//! A pod found by known or configured paths is decoded as the API server decodes a
//! `PodTemplateSpec` (a wrongly typed field is a located error); one found
//! generically that does not decode is listed as skipped with the reason instead,
//! since its schema is not known.

use std::fmt::Write as _;

use stockade_source::settings::{PathStep, PodTemplatePaths};
use stockade_yaml::Node;

use crate::objects::Object;
use crate::podspec::decode::child;

/// How deep under an object's `spec` generic detection looks for a pod template.
pub const MAX_DEPTH: usize = 8;

/// A pod template inside an object: the mapping holding its `metadata` and
/// `spec`, with its JSON pointer.
#[derive(Debug, Clone)]
pub struct PodAt<'a> {
    pub holder: &'a Node,
    pub pointer: String,
}

/// How the pods of an object were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// `pod-templates` in the configuration.
    Configured,
    /// A path of [`KNOWN`].
    Known,
    /// The generic shape.
    Generic,
}

/// Known pod-template paths of operators' workload kinds: `(group, kind, paths)`.
pub const KNOWN: &[(&str, &str, &[&str])] = &[
    ("argoproj.io", "Rollout", &["spec.template"]),
    ("serving.knative.dev", "Service", &["spec.template"]),
    ("serving.knative.dev", "Configuration", &["spec.template"]),
    ("serving.knative.dev", "Revision", &[""]),
    (
        "ray.io",
        "RayCluster",
        &[
            "spec.headGroupSpec.template",
            "spec.workerGroupSpecs[].template",
        ],
    ),
    (
        "ray.io",
        "RayService",
        &[
            "spec.rayClusterConfig.headGroupSpec.template",
            "spec.rayClusterConfig.workerGroupSpecs[].template",
        ],
    ),
    (
        "ray.io",
        "RayJob",
        &[
            "spec.rayClusterSpec.headGroupSpec.template",
            "spec.rayClusterSpec.workerGroupSpecs[].template",
            "spec.submitterPodTemplate",
        ],
    ),
    (
        "jobset.x-k8s.io",
        "JobSet",
        &["spec.replicatedJobs[].template.spec.template"],
    ),
    (
        "leaderworkerset.x-k8s.io",
        "LeaderWorkerSet",
        &[
            "spec.leaderWorkerTemplate.leaderTemplate",
            "spec.leaderWorkerTemplate.workerTemplate",
        ],
    ),
    ("kubeflow.org", "TFJob", &["spec.tfReplicaSpecs.*.template"]),
    (
        "kubeflow.org",
        "PyTorchJob",
        &["spec.pytorchReplicaSpecs.*.template"],
    ),
    (
        "kubeflow.org",
        "MPIJob",
        &["spec.mpiReplicaSpecs.*.template"],
    ),
    (
        "kubeflow.org",
        "XGBoostJob",
        &["spec.xgbReplicaSpecs.*.template"],
    ),
    (
        "kubeflow.org",
        "PaddleJob",
        &["spec.paddleReplicaSpecs.*.template"],
    ),
    (
        "kubeflow.org",
        "JAXJob",
        &["spec.jaxReplicaSpecs.*.template"],
    ),
    ("kubeflow.org", "Notebook", &["spec.template"]),
    ("apps.kruise.io", "CloneSet", &["spec.template"]),
    ("apps.kruise.io", "StatefulSet", &["spec.template"]),
    ("apps.kruise.io", "DaemonSet", &["spec.template"]),
    ("apps.kruise.io", "BroadcastJob", &["spec.template"]),
    ("batch.volcano.sh", "Job", &["spec.tasks[].template"]),
    ("keda.sh", "ScaledJob", &["spec.jobTargetRef.template"]),
    (
        "flink.apache.org",
        "FlinkDeployment",
        &[
            "spec.podTemplate",
            "spec.jobManager.podTemplate",
            "spec.taskManager.podTemplate",
        ],
    ),
];

/// Groups whose kinds have `containers` lists that are not pods (patches merged
/// into a pod the operator writes): never searched generically.
pub const NOT_PODS: &[&str] = &["monitoring.coreos.com"];

/// The pod templates of an object that is not a built-in workload, and how they
/// were found; empty when it has none.
pub fn locate<'a>(object: &Object<'a>, configured: &[PodTemplatePaths]) -> (Vec<PodAt<'a>>, Found) {
    let group = object.group();
    let mut paths: Vec<Vec<PathStep>> = configured
        .iter()
        .filter(|c| c.kind == object.kind && c.group.as_deref().is_none_or(|g| g == group))
        .flat_map(|c| c.paths.iter().cloned())
        .collect();
    let mut found = Found::Configured;
    if paths.is_empty() {
        found = Found::Known;
        paths = KNOWN
            .iter()
            .filter(|(g, k, _)| *g == group && *k == object.kind)
            .flat_map(|(_, _, ps)| ps.iter())
            .filter_map(|p| {
                if p.is_empty() {
                    Some(Vec::new())
                } else {
                    PathStep::parse(p).ok()
                }
            })
            .collect();
    }
    if !paths.is_empty() {
        let mut out = Vec::new();
        for path in &paths {
            follow(object.root, object.pointer.clone(), path, &mut out);
        }
        return (out, found);
    }
    if NOT_PODS.contains(&group) {
        return (Vec::new(), Found::Generic);
    }
    let mut out = Vec::new();
    if has_pod_shape(object.root) {
        out.push(PodAt {
            holder: object.root,
            pointer: object.pointer.clone(),
        });
    } else if let Some(spec) = object.root.get("spec") {
        let mut pointer = child(&object.pointer, "spec");
        search(spec, &mut pointer, 0, &mut out);
    }
    (out, Found::Generic)
}

/// Every mapping `path` leads to from `node`.
fn follow<'a>(node: &'a Node, pointer: String, path: &[PathStep], out: &mut Vec<PodAt<'a>>) {
    let Some((step, rest)) = path.split_first() else {
        if node.as_map().is_some() {
            out.push(PodAt {
                holder: node,
                pointer,
            });
        }
        return;
    };
    match step {
        PathStep::Key(key) => {
            if let Some(next) = node.get(key) {
                follow(next, child(&pointer, key), rest, out);
            }
        }
        PathStep::Items => {
            for (i, item) in node.as_seq().unwrap_or_default().iter().enumerate() {
                follow(item, format!("{pointer}/{i}"), rest, out);
            }
        }
        PathStep::Values => {
            for (k, v) in node.as_map().unwrap_or_default() {
                if let Some(key) = k.key_string() {
                    follow(v, child(&pointer, &key), rest, out);
                }
            }
        }
    }
}

/// Whether `holder.spec.containers` is a non-empty list of named containers, at
/// least one with a string `image`.
pub fn has_pod_shape(holder: &Node) -> bool {
    let Some(containers) = holder
        .get("spec")
        .and_then(|s| s.get("containers"))
        .and_then(Node::as_seq)
    else {
        return false;
    };
    !containers.is_empty()
        && containers
            .iter()
            .all(|c| c.get("name").and_then(Node::as_str).is_some())
        && containers
            .iter()
            .any(|c| c.get("image").and_then(Node::as_str).is_some())
}

fn is_template_key(key: &str) -> bool {
    key == "template" || key.ends_with("Template")
}

/// Pod templates below `node`, at most [`MAX_DEPTH`] levels down. `pointer`
/// (`node`'s JSON pointer) is extended in place for each child and put back
/// after it: a pointer is copied out only for a template found, not made for
/// every entry walked (a CRD's schema is thousands of them).
fn search<'a>(node: &'a Node, pointer: &mut String, depth: usize, out: &mut Vec<PodAt<'a>>) {
    if depth >= MAX_DEPTH {
        return;
    }
    let len = pointer.len();
    if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            let _ = write!(pointer, "/{i}");
            search(item, pointer, depth + 1, out);
            pointer.truncate(len);
        }
        return;
    }
    for (k, v) in node.as_map().unwrap_or_default() {
        // Only a mapping can hold a pod, and only a mapping or a list leads to one.
        if v.as_map().is_none() && v.as_seq().is_none() {
            continue;
        }
        let key = match k.as_str() {
            Some(key) => std::borrow::Cow::Borrowed(key),
            None => match k.key_string() {
                Some(key) => std::borrow::Cow::Owned(key),
                None => continue,
            },
        };
        pointer.push('/');
        pointer.push_str(&stockade_yaml::escape_pointer_token(&key));
        if is_template_key(&key) && has_pod_shape(v) {
            out.push(PodAt {
                holder: v,
                pointer: pointer.clone(),
            });
        } else {
            search(v, pointer, depth + 1, out);
        }
        pointer.truncate(len);
    }
}
