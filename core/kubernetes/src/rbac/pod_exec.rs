//! K8S026: `pods/exec` and `pods/attach` (`create`, `get`).

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `create` or `get` (or `*`)
    /// on `pods/exec` or `pods/attach` (the finding points at the verb). A rule
    /// restricted with `resourceNames` is not reported.
    ///
    /// ## Why is this bad?
    /// `kubectl exec` and `kubectl attach` run commands in a container: whoever may
    /// do so holds every credential the container holds (its service account token,
    /// mounted Secrets, environment) and whatever the container may reach. `get` is
    /// enough over WebSocket connections.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: debug
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/exec"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: debug
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "pods/log"]
    ///     verbs: ["get", "list"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#exec-into-pods>
    /// - Trivy KSV-0053, KSV-0054, Polaris `clusterrolePodExecAttach`, `rolePodExecAttach`
    pub static META = {
        id: "K8S026",
        name: "rbac-pod-exec",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0053", "KSV-0054", "clusterrolePodExecAttach", "rolePodExecAttach"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Role can exec or attach into pods",
        remediation: "Remove `pods/exec` and `pods/attach`; grant them only to a break-glass role bound when needed.",
    };
}

static GRANT: Grant = Grant {
    targets: &[("", &["pods/exec", "pods/attach"])],
    verbs: &["create", "get"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    GRANT.hits(
        r.object,
        ": it can run commands in any container of its scope, with the container's credentials",
        out,
    );
}
