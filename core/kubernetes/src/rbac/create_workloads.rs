//! K8S027: creating pods or workloads.

use super::{Grant, Hit, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a rule of a Role or ClusterRole that grants `create` (or `*`) on pods
    /// or on a kind that creates pods: `pods` and `replicationcontrollers` (core),
    /// `deployments`, `daemonsets`, `statefulsets`, `replicasets` (`apps`,
    /// `extensions`), `jobs` and `cronjobs` (`batch`). The finding points at the
    /// verb. A rule restricted with `resourceNames` is not reported. `update` and
    /// `patch` of a workload's template are as powerful but are what every
    /// deployment tool needs, so they are not reported.
    ///
    /// ## Why is this bad?
    /// Whoever creates a pod chooses its `serviceAccountName`, its volumes and its
    /// image: it can mount any Secret and run as any service account of the
    /// namespace, so it holds the union of their privileges, and, unless Pod
    /// Security forbids it, a privileged pod owns the node.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: runner
    ///   namespace: ci
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods"]
    ///     verbs: ["create", "delete"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: Role
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: runner
    ///   namespace: ci
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation>
    /// - kube-linter `access-to-create-pods`, Trivy KSV-0048
    pub static META = {
        id: "K8S027",
        name: "rbac-create-workloads",
        pack: Pack::Kubernetes,
        aliases: &["access-to-create-pods", "KSV-0048"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Role can create pods or workloads",
        remediation: "Remove `create` on pods and workloads, or keep the role to a namespace whose service accounts hold nothing more than it, under Pod Security `restricted`.",
    };
}

static GRANT: Grant = Grant {
    targets: &[
        ("", &["pods", "replicationcontrollers"]),
        (
            "apps",
            &["deployments", "daemonsets", "statefulsets", "replicasets"],
        ),
        ("extensions", &["deployments", "daemonsets", "replicasets"]),
        ("batch", &["jobs", "cronjobs"]),
    ],
    verbs: &["create"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    GRANT.hits(
        r.object,
        ": the pods it creates may run as any service account of their namespace and mount its Secrets",
        out,
    );
}
