//! K8S032: creating service account tokens.

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `create` (or `*`) on
    /// `serviceaccounts/token` (the finding points at the verb). A rule restricted
    /// with `resourceNames` is not reported.
    ///
    /// ## Why is this bad?
    /// The TokenRequest API issues a token for a service account: whoever may call
    /// it acts as every service account of its scope, with their permissions, for
    /// as long as the token lives.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: token-issuer
    ///   namespace: ci
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["serviceaccounts/token"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: token-issuer
    ///   namespace: ci
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["serviceaccounts/token"]
    ///     resourceNames: ["deployer"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request>
    pub static META = {
        id: "K8S032",
        name: "rbac-service-account-token",
        pack: Pack::Kubernetes,
        severity: Severity::Medium,
        category: Category::Security,
        title: "Role can issue service account tokens",
        remediation: "Remove `create` on `serviceaccounts/token`, or restrict it with `resourceNames` to the accounts needed.",
    };
}

static GRANT: Grant = Grant {
    targets: &[("", &["serviceaccounts/token"])],
    verbs: &["create"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    GRANT.hits(
        r.object,
        ": it can obtain a token for any service account of its scope",
        out,
    );
}
