//! K8S001: containers should run with a read-only root filesystem.

use super::{Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every container (init, regular or ephemeral) whose
    /// `securityContext.readOnlyRootFilesystem` is not `true`: set to `false`
    /// (the finding points at the value) or not set (the finding points at the
    /// container's `securityContext` key, else its `name`). Windows pods are
    /// exempt (the field is ignored there).
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an attacker who gets code execution in the
    /// container drop tools, modify binaries or persist changes for the container's
    /// lifetime. A read-only root filesystem, with `emptyDir` volumes for the few
    /// paths that must be writable, makes the container immutable.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.4.2
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - name: tmp
    ///         mountPath: /tmp
    /// volumes:
    ///   - name: tmp
    ///     emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    /// - kube-linter `no-read-only-root-fs`, Polaris `notReadOnlyRootFilesystem`,
    ///   kubesec `ReadOnlyRootFilesystem`, Trivy KSV-0014, Checkov `CKV_K8S_22`
    pub static META = {
        id: "K8S001",
        name: "read-only-root-filesystem",
        pack: Pack::Kubernetes,
        aliases: &[
            "no-read-only-root-fs",
            "notReadOnlyRootFilesystem",
            "ReadOnlyRootFilesystem",
            "KSV-0014",
            "CKV_K8S_22",
        ],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Root filesystem is writable",
        remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount `emptyDir` volumes where the container must write.",
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    if w.pod.spec.is_windows() {
        return;
    }
    for (c, x) in w.containers() {
        match &x.read_only_root_fs {
            Some(v) if v.value => {}
            Some(v) => out.push(Hit::new(
                &v.loc,
                format!(
                    "{} sets securityContext.readOnlyRootFilesystem: false; its root filesystem is writable",
                    w.who(c)
                ),
            )),
            None => out.push(Hit::new(
                c.security_anchor(),
                format!(
                    "{} does not set securityContext.readOnlyRootFilesystem: true; its root filesystem is writable",
                    w.who(c)
                ),
            )),
        }
    }
}
