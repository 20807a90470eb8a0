//! K8S011: objects should not live in the `default` namespace.

use serde::{Deserialize, Serialize};

use super::Hit;
use crate::objects::Object;
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};
use stockade_source::settings::Settings;

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags an object whose `metadata.namespace` is `default` (the finding points
    /// at the value). Cluster-scoped kinds, the `default` `ServiceAccount` and the
    /// `kubernetes` Service (which live in `default` by definition) are exempt.
    ///
    /// With the option `require_namespace: true`, a namespaced built-in object
    /// (workloads, Services, `ConfigMaps`, Secrets, `ServiceAccounts`, Roles,
    /// `RoleBindings`, Ingresses, `NetworkPolicies`, `PersistentVolumeClaims`,
    /// `HorizontalPodAutoscalers`, `PodDisruptionBudgets`, `LimitRanges`, `ResourceQuotas`)
    /// without `metadata.namespace` is flagged too (at the `metadata` key): it lands
    /// in whatever namespace `kubectl` is pointed at, which is `default` unless
    /// told otherwise. This is off by default because most manifests leave the
    /// namespace to the deploy tool (`kubectl -n`, Helm, Kustomize).
    ///
    /// ## Why is this bad?
    /// The `default` namespace is shared by everything deployed without thought:
    /// RBAC, `NetworkPolicies`, quotas and Pod Security labels are hard to scope there,
    /// so a compromise of one application reaches the others.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: web
    ///   namespace: default
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/>
    /// - kube-linter `use-namespace`, Trivy KSV-0110, Checkov `CKV_K8S_21`
    pub static META = {
        id: "K8S011",
        name: "default-namespace",
        pack: Pack::Kubernetes,
        aliases: &["use-namespace", "KSV-0110", "CKV_K8S_21"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Object in the default namespace",
        remediation: "Deploy the object into a dedicated namespace (`metadata.namespace`).",
        options: Some(stockade_source::options_spec!(Options)),
    };
}

/// Options of K8S011: read from `stockade.yaml`
/// (`options: {require_namespace: true}`) or built in code with [`Options::new`]
/// and given to the facade's `Config::with_rule_options("K8S011", options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Options {
    /// Also flag namespaced built-in objects without `metadata.namespace`.
    #[serde(default)]
    pub require_namespace: bool,
}

impl Options {
    /// Options with `require_namespace` set as given.
    pub fn new(require_namespace: bool) -> Self {
        Self { require_namespace }
    }
}

/// Built-in kinds that are cluster-scoped (`(group, kind)`).
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "ComponentStatus"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("scheduling.k8s.io", "PriorityClass"),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    ("apiregistration.k8s.io", "APIService"),
    ("node.k8s.io", "RuntimeClass"),
    ("networking.k8s.io", "IngressClass"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("policy", "PodSecurityPolicy"),
];

/// Namespaced built-in kinds (besides the pod-carrying ones).
const NAMESPACED: &[(&str, &str)] = &[
    ("", "Service"),
    ("", "ConfigMap"),
    ("", "Secret"),
    ("", "ServiceAccount"),
    ("", "Endpoints"),
    ("", "PersistentVolumeClaim"),
    ("", "LimitRange"),
    ("", "ResourceQuota"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("networking.k8s.io", "Ingress"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("extensions", "Ingress"),
    ("extensions", "NetworkPolicy"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("policy", "PodDisruptionBudget"),
    ("discovery.k8s.io", "EndpointSlice"),
];

pub fn check(object: &Object<'_>, config: &Settings, out: &mut Vec<Hit>) {
    let group = object.group();
    let kind = object.kind.as_str();
    if CLUSTER_SCOPED.contains(&(group, kind)) {
        return;
    }
    let name = object.name.as_deref().unwrap_or_default();
    if (group.is_empty() && kind == "ServiceAccount" && name == "default")
        || (group.is_empty() && kind == "Service" && name == "kubernetes")
    {
        return;
    }
    let metadata_ptr = child(&object.pointer, "metadata");
    let metadata = object.root.get_entry("metadata");
    let namespace = metadata.and_then(|(_, m)| m.get_entry("namespace"));
    if let Some((_, value)) = namespace {
        if value.as_str() == Some("default") {
            out.push(Hit::new(
                &Loc::new(value.span, child(&metadata_ptr, "namespace")),
                format!("{} is in the default namespace", object.display_name()),
            ));
        }
        return;
    }
    let require = config
        .options::<Options>(&META)
        .is_some_and(|o| o.require_namespace);
    let namespaced = NAMESPACED.contains(&(group, kind)) || object.pod_path().is_some();
    if !require || !namespaced {
        return;
    }
    let loc = match metadata {
        Some((key, _)) => Loc::new(key.span, metadata_ptr),
        None => match object.root.get_entry("kind") {
            Some((_, v)) => Loc::new(v.span, child(&object.pointer, "kind")),
            None => Loc::new(object.root.span, object.pointer.clone()),
        },
    };
    out.push(Hit::new(
        &loc,
        format!(
            "{} sets no namespace; it is created in the namespace kubectl points at (`default` unless told otherwise)",
            object.display_name()
        ),
    ));
}
