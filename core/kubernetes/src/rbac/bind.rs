//! K8S029: the `bind` verb on roles.

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `bind` (or `*`) on `roles`
    /// or `clusterroles` of `rbac.authorization.k8s.io`, or `bind` on any resource.
    /// The finding points at the verb. A rule restricted with `resourceNames` (the
    /// roles that may be bound) is not reported.
    ///
    /// ## Why is this bad?
    /// The API server refuses a binding to a role that grants more than its author
    /// holds, unless the author has `bind` on that role: with `bind` on every role,
    /// a subject that may write bindings binds itself to `cluster-admin`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: binder
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["bind"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: binder
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     resourceNames: ["view"]
    ///     verbs: ["bind"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb>
    /// - CIS Kubernetes Benchmark 5.1.8, Checkov `CKV_K8S_157`
    pub static META = {
        id: "K8S029",
        name: "rbac-bind",
        pack: Pack::Kubernetes,
        aliases: &["CKV_K8S_157"],
        severity: Severity::High,
        category: Category::Security,
        title: "Role grants the bind verb",
        remediation: "Remove `bind`, or restrict it with `resourceNames` to the roles that may be handed out.",
    };
}

static GRANT: Grant = Grant {
    targets: &[(super::GROUP, &["roles", "clusterroles"])],
    verbs: &["bind"],
};

static ANY: Grant = Grant {
    targets: &[(super::GROUP, &[])],
    verbs: &["bind"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    let why = ": it can bind any role, cluster-admin included, to the subjects it chooses";
    super::explicit_or(&GRANT, &ANY, "bind", r.object, why, out);
}
