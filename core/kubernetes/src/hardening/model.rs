//! The pod fields the hardening rules read beyond those Pod Security reads, decoded
//! with the same [`Decoder`] (so a value of the wrong type makes the API server
//! reject the object, exactly as for the Pod Security fields).
//!
//! Containers are visited in the order of [`PodSpec::containers`](crate::podspec::PodSpec)
//! (init, regular, ephemeral; items that are not mappings skipped), so
//! `Extra::containers[i]` belongs to `pod.spec.containers[i]`.

use crate::podspec::decode::child;
use crate::podspec::{ContainerList, Decoder, Loc, Spanned};
use stockade_yaml::Node;

/// `resources.requests` or `resources.limits`: its key and the resource names set
/// (non-null values).
#[derive(Debug, Clone, Default)]
pub struct ResourceList {
    pub key: Option<Loc>,
    pub names: Vec<String>,
}

impl ResourceList {
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

/// A container's `resources`.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// The `resources:` key.
    pub key: Option<Loc>,
    pub requests: ResourceList,
    pub limits: ResourceList,
}

/// One `env` item with a literal `value`.
#[derive(Debug, Clone)]
pub struct EnvValue {
    pub name: String,
    pub value: Spanned<String>,
}

/// A Secret read into the environment: `env[*].valueFrom.secretKeyRef` or
/// `envFrom[*].secretRef`.
#[derive(Debug, Clone)]
pub struct SecretRef {
    /// The `secretKeyRef` / `secretRef` key.
    pub key: Loc,
    /// The variable's name (`env`), or `""` for `envFrom`.
    pub variable: String,
    /// The Secret's `name` (`""` when absent).
    pub secret: String,
}

/// The hardening fields of one container.
#[derive(Debug, Clone, Default)]
pub struct ContainerExtra {
    pub image: Option<Spanned<String>>,
    pub pull_policy: Option<Spanned<String>>,
    pub read_only_root_fs: Option<Spanned<bool>>,
    pub run_as_group: Option<Spanned<i64>>,
    pub resources: Resources,
    pub liveness_probe: bool,
    pub readiness_probe: bool,
    /// Every `env` item with a non-null `value`.
    pub env: Vec<EnvValue>,
    /// Every Secret read into the environment.
    pub secret_refs: Vec<SecretRef>,
    /// Names of the volumes the container mounts (`volumeMounts[*].name`).
    pub mounts: Vec<String>,
}

/// A `hostPath` volume.
#[derive(Debug, Clone)]
pub struct HostPath {
    pub volume: String,
    /// The `path` value; `""` located at the `hostPath` key when absent.
    pub path: Spanned<String>,
}

/// The hardening fields of a pod.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    pub automount_token: Option<Spanned<bool>>,
    pub share_process_namespace: Option<Spanned<bool>>,
    /// `serviceAccountName`, else the deprecated `serviceAccount`.
    pub service_account: Option<Spanned<String>>,
    /// `securityContext.runAsGroup` of the pod.
    pub run_as_group: Option<Spanned<i64>>,
    pub host_paths: Vec<HostPath>,
    /// Pod-level `resources` (`PodLevelResources`, Kubernetes 1.32+): a bound set
    /// there bounds every container.
    pub resources: Resources,
    pub containers: Vec<ContainerExtra>,
}

fn resource_list(
    decoder: &mut Decoder,
    resources: &Node,
    pointer: &str,
    key: &str,
) -> ResourceList {
    let Some((loc, node, _)) = decoder.object(resources, pointer, key) else {
        return ResourceList::default();
    };
    let names = node
        .as_map()
        .unwrap_or_default()
        .iter()
        .filter(|(_, v)| !v.is_null())
        .filter_map(|(k, _)| k.key_string())
        .collect();
    ResourceList {
        key: Some(loc),
        names,
    }
}

fn resources(decoder: &mut Decoder, node: &Node, pointer: &str) -> Resources {
    match decoder.object(node, pointer, "resources") {
        Some((key, res, ptr)) => Resources {
            key: Some(key),
            requests: resource_list(decoder, res, &ptr, "requests"),
            limits: resource_list(decoder, res, &ptr, "limits"),
        },
        None => Resources::default(),
    }
}

fn container(decoder: &mut Decoder, node: &Node, pointer: &str) -> ContainerExtra {
    let mut out = ContainerExtra {
        image: decoder.string(node, pointer, "image"),
        pull_policy: decoder.string(node, pointer, "imagePullPolicy"),
        liveness_probe: decoder.object(node, pointer, "livenessProbe").is_some(),
        readiness_probe: decoder.object(node, pointer, "readinessProbe").is_some(),
        ..ContainerExtra::default()
    };
    if let Some((_, sc, ptr)) = decoder.object(node, pointer, "securityContext") {
        out.read_only_root_fs = decoder.bool(sc, &ptr, "readOnlyRootFilesystem");
        out.run_as_group = decoder.int(sc, &ptr, "runAsGroup", i64::MIN, i64::MAX);
    }
    out.resources = resources(decoder, node, pointer);
    if let Some((_, env)) = decoder.entry(node, "env") {
        let eptr = child(pointer, "env");
        for (i, item) in decoder.seq(env, &eptr).iter().enumerate() {
            let iptr = format!("{eptr}/{i}");
            let Some(item) = decoder.map(item, &iptr) else {
                continue;
            };
            let name = decoder
                .string(item, &iptr, "name")
                .map(|n| n.value)
                .unwrap_or_default();
            if let Some(value) = decoder.string(item, &iptr, "value") {
                out.env.push(EnvValue {
                    name: name.clone(),
                    value,
                });
            }
            let secret = decoder
                .object(item, &iptr, "valueFrom")
                .and_then(|(_, vf, vptr)| decoder.object(vf, &vptr, "secretKeyRef"));
            if let Some((key, sref, sptr)) = secret {
                out.secret_refs.push(SecretRef {
                    key,
                    variable: name,
                    secret: decoder
                        .string(sref, &sptr, "name")
                        .map(|n| n.value)
                        .unwrap_or_default(),
                });
            }
        }
    }
    if let Some((_, env_from)) = decoder.entry(node, "envFrom") {
        let eptr = child(pointer, "envFrom");
        for (i, item) in decoder.seq(env_from, &eptr).iter().enumerate() {
            let iptr = format!("{eptr}/{i}");
            let Some(item) = decoder.map(item, &iptr) else {
                continue;
            };
            if let Some((key, sref, sptr)) = decoder.object(item, &iptr, "secretRef") {
                out.secret_refs.push(SecretRef {
                    key,
                    variable: String::new(),
                    secret: decoder
                        .string(sref, &sptr, "name")
                        .map(|n| n.value)
                        .unwrap_or_default(),
                });
            }
        }
    }
    if let Some((_, mounts)) = decoder.entry(node, "volumeMounts") {
        let mptr = child(pointer, "volumeMounts");
        for (i, item) in decoder.seq(mounts, &mptr).iter().enumerate() {
            let iptr = format!("{mptr}/{i}");
            let Some(item) = decoder.map(item, &iptr) else {
                continue;
            };
            if let Some(name) = decoder.string(item, &iptr, "name") {
                out.mounts.push(name.value);
            }
        }
    }
    out
}

/// Decode the hardening fields of a pod-like mapping (a Pod or a pod template)
/// holding `spec` at `pointer`.
pub fn decode(decoder: &mut Decoder, holder: &Node, pointer: &str) -> Extra {
    let mut out = Extra::default();
    let Some((_, spec, sptr)) = decoder.object(holder, pointer, "spec") else {
        return out;
    };
    out.automount_token = decoder.bool(spec, &sptr, "automountServiceAccountToken");
    out.share_process_namespace = decoder.bool(spec, &sptr, "shareProcessNamespace");
    out.service_account = decoder
        .string(spec, &sptr, "serviceAccountName")
        .filter(|s| !s.value.is_empty())
        .or_else(|| {
            decoder
                .string(spec, &sptr, "serviceAccount")
                .filter(|s| !s.value.is_empty())
        });
    out.resources = resources(decoder, spec, &sptr);
    if let Some((_, sc, ptr)) = decoder.object(spec, &sptr, "securityContext") {
        out.run_as_group = decoder.int(sc, &ptr, "runAsGroup", i64::MIN, i64::MAX);
    }
    if let Some((_, volumes)) = decoder.entry(spec, "volumes") {
        let vptr = child(&sptr, "volumes");
        for (i, item) in decoder.seq(volumes, &vptr).iter().enumerate() {
            let iptr = format!("{vptr}/{i}");
            let Some(item) = decoder.map(item, &iptr) else {
                continue;
            };
            let Some((key, hp, hptr)) = decoder.object(item, &iptr, "hostPath") else {
                continue;
            };
            let path = decoder
                .string(hp, &hptr, "path")
                .unwrap_or_else(|| Spanned::new(String::new(), key));
            let volume = decoder
                .string(item, &iptr, "name")
                .map(|n| n.value)
                .unwrap_or_default();
            out.host_paths.push(HostPath { volume, path });
        }
    }
    for list in [
        ContainerList::Init,
        ContainerList::Regular,
        ContainerList::Ephemeral,
    ] {
        let Some((_, items)) = decoder.entry(spec, list.field()) else {
            continue;
        };
        let cptr = child(&sptr, list.field());
        for (i, item) in decoder.seq(items, &cptr).iter().enumerate() {
            let iptr = format!("{cptr}/{i}");
            if let Some(node) = decoder.map(item, &iptr) {
                out.containers.push(container(decoder, node, &iptr));
            }
        }
    }
    out
}
