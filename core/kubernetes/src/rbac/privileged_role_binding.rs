//! K8S035: bindings to `cluster-admin`, `admin` or `edit`.

use super::{is_binding, role_ref, subject_list, subjects, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a RoleBinding or ClusterRoleBinding whose `roleRef` is one of the
    /// built-in ClusterRoles `cluster-admin`, `admin` or `edit` (the finding points
    /// at the `roleRef` name and names the subjects). The built-in binding of
    /// `cluster-admin` to the `system:masters` group is not reported.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` is every permission on every resource; in a RoleBinding it is
    /// every permission in the namespace, RoleBindings included. `admin` and `edit`
    /// read Secrets, create workloads and exec into pods, so they reach every
    /// service account of the namespace. Such bindings are meant for people, for a
    /// time, not for applications.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: ci
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: RoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: ci
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: deployer
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles>
    /// - CIS Kubernetes Benchmark 5.1.1
    /// - kube-linter `cluster-admin-role-binding`, Trivy KSV-0111, Polaris `clusterrolebindingClusterAdmin`, `rolebindingClusterAdminClusterRole`
    pub static META = {
        id: "K8S035",
        name: "rbac-privileged-role-binding",
        pack: Pack::Kubernetes,
        aliases: &[
            "cluster-admin-role-binding",
            "KSV-0111",
            "clusterrolebindingClusterAdmin",
            "rolebindingClusterAdminClusterRole",
        ],
        severity: Severity::High,
        category: Category::Security,
        title: "Binding to cluster-admin, admin or edit",
        remediation: "Bind a role that grants only what the subjects need, in the namespace they need it.",
    };
}

fn what(role: &str, cluster_wide: bool) -> Option<&'static str> {
    Some(match (role, cluster_wide) {
        ("cluster-admin", true) => "every permission on every resource of the cluster",
        ("cluster-admin", false) => "every permission in the namespace, RoleBindings included",
        ("admin", _) => "read Secrets, create workloads, exec into pods and grant roles",
        ("edit", _) => "read Secrets, create workloads and exec into pods",
        _ => return None,
    })
}

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    if !is_binding(r.object) {
        return;
    }
    let Some(role) = role_ref(r.object) else {
        return;
    };
    if role.kind != "ClusterRole" {
        return;
    }
    let cluster_wide = r.object.kind == "ClusterRoleBinding";
    let Some(grants) = what(role.name, cluster_wide) else {
        return;
    };
    let subjects = subjects(r.object);
    if subjects
        .iter()
        .all(|s| s.kind == "Group" && s.name == "system:masters")
    {
        return;
    }
    out.push(Hit {
        loc: role.loc.clone(),
        message: format!(
            "{} binds ClusterRole/{} ({grants}) to {}",
            r.object.display_name(),
            role.name,
            subject_list(&subjects)
        ),
    });
}
