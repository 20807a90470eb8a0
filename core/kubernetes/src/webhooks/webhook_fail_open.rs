//! K8S048: an admission webhook that fails open on security-relevant resources.

use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};
use stockade_yaml::Node;

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags each webhook of a ValidatingWebhookConfiguration or
    /// MutatingWebhookConfiguration with `failurePolicy: Ignore` whose `rules`
    /// cover a security-relevant resource: pods and the workload kinds, Secrets,
    /// ServiceAccounts, Namespaces, RBAC objects, NetworkPolicies, other webhook
    /// configurations, or `*`. The finding points at `Ignore` and names the
    /// webhook and the resource. (The `admissionregistration.k8s.io/v1` default is
    /// `Fail`; `v1beta1` defaulted to `Ignore`, so a `v1beta1` webhook without a
    /// `failurePolicy` is reported at its `name`.)
    ///
    /// ## Why is this bad?
    /// A webhook that enforces policy (image signatures, Pod Security, tenancy)
    /// and fails open lets every request through whenever it is down, slow or
    /// unreachable, which an attacker can arrange (exhaust it, block its network
    /// path) before creating what the policy forbids.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: admissionregistration.k8s.io/v1
    /// kind: ValidatingWebhookConfiguration
    /// metadata:
    ///   name: policy
    /// webhooks:
    ///   - name: pods.policy.example.com
    ///     failurePolicy: Ignore
    ///     sideEffects: None
    ///     admissionReviewVersions: ["v1"]
    ///     clientConfig:
    ///       service: {name: policy, namespace: policy}
    ///     rules:
    ///       - apiGroups: [""]
    ///         apiVersions: ["v1"]
    ///         operations: ["CREATE", "UPDATE"]
    ///         resources: ["pods"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: admissionregistration.k8s.io/v1
    /// kind: ValidatingWebhookConfiguration
    /// metadata:
    ///   name: policy
    /// webhooks:
    ///   - name: pods.policy.example.com
    ///     failurePolicy: Fail
    ///     sideEffects: None
    ///     admissionReviewVersions: ["v1"]
    ///     clientConfig:
    ///       service: {name: policy, namespace: policy}
    ///     namespaceSelector:
    ///       matchExpressions:
    ///         - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
    ///     rules:
    ///       - apiGroups: [""]
    ///         apiVersions: ["v1"]
    ///         operations: ["CREATE", "UPDATE"]
    ///         resources: ["pods"]
    /// ```
    /// (exempting the namespaces the webhook itself needs, so it cannot lock the
    /// cluster out).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy>
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/admission-webhooks-good-practices/>
    pub static META = {
        id: "K8S048",
        name: "webhook-fails-open",
        pack: Pack::Kubernetes,
        aliases: &[],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Admission webhook fails open on security-relevant resources",
        remediation: "Set failurePolicy: Fail (exempting the namespaces the webhook needs to run), or accept the risk with a suppression.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[
        (
            "admissionregistration.k8s.io",
            "ValidatingWebhookConfiguration",
        ),
        (
            "admissionregistration.k8s.io",
            "MutatingWebhookConfiguration",
        ),
    ],
};

/// Resources whose admission is a security decision.
const SENSITIVE: &[&str] = &[
    "*",
    "*/*",
    "pods",
    "pods/*",
    "pods/exec",
    "pods/attach",
    "pods/ephemeralcontainers",
    "deployments",
    "daemonsets",
    "statefulsets",
    "replicasets",
    "replicationcontrollers",
    "jobs",
    "cronjobs",
    "secrets",
    "serviceaccounts",
    "namespaces",
    "roles",
    "rolebindings",
    "clusterroles",
    "clusterrolebindings",
    "networkpolicies",
    "validatingwebhookconfigurations",
    "mutatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
];

fn sensitive_resource(webhook: &Node) -> Option<&str> {
    webhook
        .get("rules")?
        .as_seq()?
        .iter()
        .filter_map(|r| r.get("resources").and_then(Node::as_seq))
        .flatten()
        .filter_map(Node::as_str)
        .find(|r| SENSITIVE.contains(r))
}

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    let v1beta1 = s.object.api_version.ends_with("/v1beta1");
    let list_ptr = child(&s.object.pointer, "webhooks");
    let hooks = s
        .object
        .root
        .get("webhooks")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (i, hook) in hooks.iter().enumerate() {
        let Some(resource) = sensitive_resource(hook) else {
            continue;
        };
        let ptr = format!("{list_ptr}/{i}");
        let name = hook
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or("without a name");
        let (loc, policy) = match hook.get("failurePolicy") {
            Some(p) if p.as_str() == Some("Ignore") => (
                Loc::new(p.span, child(&ptr, "failurePolicy")),
                "failurePolicy Ignore",
            ),
            None if v1beta1 => {
                let loc = match hook.get_entry("name") {
                    Some((_, n)) => Loc::new(n.span, child(&ptr, "name")),
                    None => Loc::new(hook.span, ptr.clone()),
                };
                (loc, "failurePolicy Ignore, the v1beta1 default")
            }
            _ => continue,
        };
        out.push(Hit::new(
            &loc,
            format!(
                "{} webhook {name} covers `{resource}` and fails open ({policy}): requests are admitted unchecked whenever it is unavailable",
                s.object.display_name()
            ),
        ));
    }
}
