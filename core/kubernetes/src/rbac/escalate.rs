//! K8S028: the `escalate` verb on roles.

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `escalate` (or `*`) on
    /// `roles` or `clusterroles` of `rbac.authorization.k8s.io`, or `escalate` on
    /// any resource. The finding points at the verb. A rule restricted with
    /// `resourceNames` is not reported.
    ///
    /// ## Why is this bad?
    /// The API server refuses to let a user write a role granting more than the
    /// user holds, unless the user has `escalate`: with it, a subject edits its own
    /// role to grant itself anything, up to `cluster-admin`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: role-editor
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["roles"]
    ///     verbs: ["update", "escalate"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: role-editor
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["roles"]
    ///     verbs: ["update"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb>
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update>
    /// - CIS Kubernetes Benchmark 5.1.8, Trivy KSV-0050, Checkov `CKV_K8S_158`
    pub static META = {
        id: "K8S028",
        name: "rbac-escalate",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0050", "CKV_K8S_158"],
        severity: Severity::High,
        category: Category::Security,
        title: "Role grants the escalate verb",
        remediation: "Remove `escalate`; let an administrator grant permissions instead.",
    };
}

static GRANT: Grant = Grant {
    targets: &[(super::GROUP, &["roles", "clusterroles"])],
    verbs: &["escalate"],
};

static ANY: Grant = Grant {
    targets: &[(super::GROUP, &[])],
    verbs: &["escalate"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    let why = ": it can write roles granting more than it holds, up to cluster-admin";
    super::explicit_or(&GRANT, &ANY, "escalate", r.object, why, out);
}
