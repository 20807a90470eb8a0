//! K8S037: bindings to `system:authenticated`.

use super::{subject_hits, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a subject `system:authenticated` (the group of every authenticated
    /// request) in a RoleBinding or ClusterRoleBinding (the finding points at the
    /// subject's `name`). The built-in bindings to `system:basic-user`,
    /// `system:discovery` and `system:public-info-viewer` are not reported.
    ///
    /// ## Why is this bad?
    /// Every user and every service account of every namespace is authenticated,
    /// and on managed clusters so may be any account of the cloud provider: the
    /// role is granted to every pod that runs, compromised ones included.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: everyone
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: Group
    ///     name: system:authenticated
    ///     apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: everyone
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: Group
    ///     name: developers
    ///     apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    pub static META = {
        id: "K8S037",
        name: "rbac-authenticated-binding",
        pack: Pack::Kubernetes,
        severity: Severity::High,
        category: Category::Security,
        title: "Binding grants a role to every authenticated user",
        remediation: "Replace the `system:authenticated` subject by the users, groups or service accounts that need the role.",
    };
}

const BUILT_IN: &[&str] = &[
    "system:basic-user",
    "system:discovery",
    "system:public-info-viewer",
];

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    if super::role_ref(r.object)
        .is_some_and(|role| role.kind == "ClusterRole" && BUILT_IN.contains(&role.name))
    {
        return;
    }
    let name = r.object.display_name();
    subject_hits(r.object, out, |s, role| {
        (s.name == "system:authenticated").then(|| {
            format!(
                "{name} binds {role} to {}: every user and service account of the cluster gets it",
                s.label()
            )
        })
    });
}
