//! K8S031: `nodes/proxy`.

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `get` or `create` (or `*`)
    /// on `nodes/proxy` (the finding points at the verb). A rule restricted with
    /// `resourceNames` is not reported.
    ///
    /// ## Why is this bad?
    /// `nodes/proxy` reaches the kubelet API of a node through the API server: the
    /// kubelet's `exec`, `run` and `attach` endpoints run commands in any pod of
    /// that node, and those requests bypass admission control and the audit log of
    /// pod exec.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: metrics
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/proxy"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: metrics
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/metrics", "nodes/stats"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#nodes-proxy>
    /// - Trivy KSV-0047
    pub static META = {
        id: "K8S031",
        name: "rbac-nodes-proxy",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0047"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Role can reach the kubelet through nodes/proxy",
        remediation: "Remove `nodes/proxy`; grant `nodes/metrics` or `nodes/stats` for monitoring.",
    };
}

static GRANT: Grant = Grant {
    targets: &[("", &["nodes/proxy"])],
    verbs: &["get", "create"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    GRANT.hits(
        r.object,
        ": it reaches the kubelet API, which runs commands in any pod of a node",
        out,
    );
}
