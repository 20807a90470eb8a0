//! K8S025: reading Secrets (`get`, `list`, `watch`).

use super::{Grant, Hit, PolicyRule, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `get`, `list` or `watch`
    /// (or `*`) on `secrets` of the core group (the finding points at the verb). A
    /// rule restricted with `resourceNames` is not reported; `resources: ["*"]` is
    /// reported by `K8S024`.
    ///
    /// ## Why is this bad?
    /// Secrets hold service account tokens, registry credentials and TLS keys:
    /// reading them is reading the credentials of everything else in the namespace
    /// (or, for a ClusterRole bound cluster-wide, the cluster). `list` and `watch`
    /// return the values as `get` does.
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
    ///     verbs: ["get", "list"]
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
    ///     resources: ["secrets"]
    ///     resourceNames: ["web-tls"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets>
    /// - kube-linter `access-to-secrets`, Trivy KSV-0041, KSV-0113
    pub static META = {
        id: "K8S025",
        name: "rbac-read-secrets",
        pack: Pack::Kubernetes,
        aliases: &["access-to-secrets", "KSV-0041", "KSV-0113"],
        severity: Severity::High,
        category: Category::Security,
        title: "Role reads Secrets",
        remediation: "Remove `get`/`list`/`watch` on `secrets`, or restrict the rule to the Secrets needed with `resourceNames`.",
    };
}

pub(crate) static GRANT: Grant = Grant {
    targets: &[("", &["secrets"])],
    verbs: &["get", "list", "watch"],
};

/// "`get` on `secrets`" when the rule grants it (for the binding rules).
pub(crate) fn describe(rule: &PolicyRule<'_>) -> Option<String> {
    GRANT
        .find(rule)
        .map(|g| format!("`{}` on `{}`", g.verb.value, g.resource))
}

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    GRANT.hits(
        r.object,
        ": it can read every Secret (tokens, keys, passwords) in its scope",
        out,
    );
}
