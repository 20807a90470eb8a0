//! K8S034: changing admission webhook configurations.

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `create`, `update`,
    /// `patch`, `delete` or `deletecollection` (or `*`) on
    /// `mutatingwebhookconfigurations` or `validatingwebhookconfigurations` of
    /// `admissionregistration.k8s.io` (the finding points at the verb). A rule
    /// restricted with `resourceNames` (a controller managing its own webhook) is
    /// not reported.
    ///
    /// ## Why is this bad?
    /// Admission webhooks see, and mutating webhooks rewrite, every object they
    /// match: whoever may register one reads Secrets as they are written and
    /// injects containers into pods; whoever may delete or loosen one turns off the
    /// policy it enforces.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: cert-injector
    /// rules:
    ///   - apiGroups: ["admissionregistration.k8s.io"]
    ///     resources: ["mutatingwebhookconfigurations"]
    ///     verbs: ["get", "list", "update"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: cert-injector
    /// rules:
    ///   - apiGroups: ["admissionregistration.k8s.io"]
    ///     resources: ["mutatingwebhookconfigurations"]
    ///     resourceNames: ["cert-injector-webhook"]
    ///     verbs: ["get", "update"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks>
    /// - Trivy KSV-0114, Checkov `CKV_K8S_155`
    pub static META = {
        id: "K8S034",
        name: "rbac-webhook-config",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0114", "CKV_K8S_155"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Role can change admission webhook configurations",
        remediation: "Grant only read verbs on webhook configurations, or restrict writes with `resourceNames` to the controller's own webhook.",
    };
}

static GRANT: Grant = Grant {
    targets: &[(
        "admissionregistration.k8s.io",
        &[
            "mutatingwebhookconfigurations",
            "validatingwebhookconfigurations",
        ],
    )],
    verbs: &["create", "update", "patch", "delete", "deletecollection"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    GRANT.hits(
        r.object,
        ": an admission webhook sees or rewrites every object it matches, and removing one turns off its policy",
        out,
    );
}
