//! K8S030: the `impersonate` verb.

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `impersonate` (or `*`) on
    /// `users`, `groups` or `serviceaccounts` (core group), or on `uids` and
    /// `userextras/…` (`authentication.k8s.io`), or `impersonate` on any resource.
    /// The finding points at the verb. A rule restricted with `resourceNames` is
    /// not reported.
    ///
    /// ## Why is this bad?
    /// Impersonation (`kubectl --as`, `--as-group`) makes every request run as
    /// another user, group or service account: impersonating `system:masters` is
    /// `cluster-admin`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: support
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["users", "groups"]
    ///     verbs: ["impersonate"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: support
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["users"]
    ///     resourceNames: ["readonly-user"]
    ///     verbs: ["impersonate"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb>
    /// - CIS Kubernetes Benchmark 5.1.8, Trivy KSV-0043, Checkov `CKV2_K8S_3`
    pub static META = {
        id: "K8S030",
        name: "rbac-impersonate",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0043", "CKV2_K8S_3"],
        severity: Severity::High,
        category: Category::Security,
        title: "Role grants the impersonate verb",
        remediation: "Remove `impersonate`, or restrict it with `resourceNames` to the identities that may be assumed.",
    };
}

static GRANT: Grant = Grant {
    targets: &[
        ("", &["users", "groups", "serviceaccounts"]),
        (
            "authentication.k8s.io",
            &["uids", "userextras/scopes", "userextras/remote-client-ip"],
        ),
    ],
    verbs: &["impersonate"],
};

static ANY: Grant = Grant {
    targets: &[("", &[]), ("authentication.k8s.io", &[])],
    verbs: &["impersonate"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    let why = ": it can act as other users, groups and service accounts, system:masters included";
    super::explicit_or(&GRANT, &ANY, "impersonate", r.object, why, out);
}
