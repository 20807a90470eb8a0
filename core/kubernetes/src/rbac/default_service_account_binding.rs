//! K8S038: bindings to a namespace's `default` `ServiceAccount`.

use super::{subject_hits, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a subject `kind: ServiceAccount`, `name: default` in a RoleBinding or
    /// ClusterRoleBinding (the finding points at the subject's `name`).
    ///
    /// ## Why is this bad?
    /// Every pod of a namespace that names no `serviceAccountName` runs as its
    /// `default` ServiceAccount: a role bound to it is granted to all of them,
    /// including pods added later by anyone who may create pods there.
    ///
    /// ## Example
    /// ```yaml
    /// kind: RoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: app
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: app
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: default
    ///     namespace: shop
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: RoleBinding
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: app
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: app
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: app
    ///     namespace: shop
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege>
    pub static META = {
        id: "K8S038",
        name: "rbac-default-service-account-binding",
        pack: Pack::Kubernetes,
        severity: Severity::Medium,
        category: Category::Security,
        title: "Binding grants a role to a default ServiceAccount",
        remediation: "Create a ServiceAccount for the workload, set it as `serviceAccountName`, and bind the role to it.",
    };
}

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    let name = r.object.display_name();
    let ns = r.object.namespace.as_deref();
    subject_hits(r.object, out, |s, role| {
        (s.kind == "ServiceAccount" && s.name == "default").then(|| {
            let account = match s.namespace.or(ns) {
                Some(n) => format!("ServiceAccount {n}/default"),
                None => "ServiceAccount default".to_string(),
            };
            format!(
                "{name} binds {role} to {account}: every pod of the namespace without a serviceAccountName gets it"
            )
        })
    });
}
