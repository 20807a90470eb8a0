//! K8S036: bindings to `system:anonymous` or `system:unauthenticated`.

use super::{subject_hits, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a subject `system:anonymous` (the user of unauthenticated requests) or
    /// `system:unauthenticated` (their group) in a RoleBinding or
    /// ClusterRoleBinding (the finding points at the subject's `name`). The
    /// built-in binding to `system:public-info-viewer` (version and health
    /// endpoints) is not reported.
    ///
    /// ## Why is this bad?
    /// Whatever the role grants, it grants to anyone who can reach the API server,
    /// without credentials. Clusters have been taken over through a single
    /// binding of this kind.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: public
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: Group
    ///     name: system:unauthenticated
    ///     apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: public
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: Group
    ///     name: observers
    ///     apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests>
    /// - <https://blog.aquasec.com/kubernetes-exposed-one-yaml-away-from-disaster>
    /// - Trivy KSV-0122
    pub static META = {
        id: "K8S036",
        name: "rbac-anonymous-binding",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0122"],
        severity: Severity::Critical,
        category: Category::Security,
        title: "Binding grants a role to unauthenticated users",
        remediation: "Remove the `system:anonymous` / `system:unauthenticated` subject; bind the role to authenticated users or groups.",
    };
}

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    if super::role_ref(r.object)
        .is_some_and(|role| role.kind == "ClusterRole" && role.name == "system:public-info-viewer")
    {
        return;
    }
    let name = r.object.display_name();
    subject_hits(r.object, out, |s, role| {
        matches!(s.name, "system:anonymous" | "system:unauthenticated").then(|| {
            format!(
                "{name} binds {role} to {}: anyone who reaches the API server, without credentials, gets it",
                s.label()
            )
        })
    });
}
