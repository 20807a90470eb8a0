//! K8S039: a binding to a role of the scan that grants Secrets or wildcards.

use super::{is_binding, role_ref, subject_list, subjects, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a RoleBinding or ClusterRoleBinding whose `roleRef` names a Role or
    /// ClusterRole *of the same scan* that reads Secrets (`K8S025`) or uses a
    /// wildcard (`K8S024`). The finding points at the `roleRef` name and names the
    /// subjects and what the role grants, so the grant is visible where it is
    /// handed out. For an aggregated ClusterRole the rules of the ClusterRoles of
    /// the scan its `matchLabels` selectors select count too (`matchExpressions`
    /// are not evaluated).
    ///
    /// The engine collects the roles of every file of a scan before checking, so
    /// the role may be in another file than the binding; checking one source alone
    /// sees the roles of that source only. A role that is not in the scan (a
    /// built-in role, one installed by another tool) is not reported here; bindings
    /// to `cluster-admin`, `admin` and `edit` are `K8S035`.
    ///
    /// ## Why is this bad?
    /// The role's own finding says what it allows; the binding says who gets it. A
    /// service account bound to a role that reads Secrets holds every credential of
    /// the namespace, and any pod running as it does too.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: reader
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     verbs: ["get"]
    /// ---
    /// kind: RoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: web-reader
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: reader
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: web
    ///     namespace: shop
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: reader
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    /// - Checkov `CKV2_K8S_5`
    pub static META = {
        id: "K8S039",
        name: "rbac-binding-sensitive-role",
        pack: Pack::Kubernetes,
        aliases: &["CKV2_K8S_5"],
        severity: Severity::High,
        category: Category::Security,
        title: "Binding hands out Secrets or wildcard access",
        remediation: "Narrow the role (see its K8S024/K8S025 findings) or bind it to fewer subjects.",
    };
}

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    if !is_binding(r.object) {
        return;
    }
    let Some(role) = role_ref(r.object) else {
        return;
    };
    let subjects = subjects(r.object);
    if subjects.is_empty() {
        return;
    }
    let Some(grants) =
        r.roles
            .sensitive_grants(role.kind, r.object.namespace.as_deref(), role.name)
    else {
        return;
    };
    if grants.is_empty() {
        return;
    }
    let role_name = role.display_name(r.object.namespace.as_deref());
    out.push(Hit {
        loc: role.loc.clone(),
        message: format!(
            "{} binds {role_name}, which grants {}, to {}",
            r.object.display_name(),
            grants.join(", "),
            subject_list(&subjects)
        ),
    });
}
