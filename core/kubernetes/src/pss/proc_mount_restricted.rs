//! PSA check `procMount_restricted` (restricted, v1.35+; replaces `procMount`).

use super::{proc_mount, CheckVersion, Level, PssCheck};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod when a container sets `securityContext.procMount` to anything
    /// but `Default`, whether or not the pod runs in a user namespace:
    /// pod-security-admission's `procMount_restricted` check of the **restricted**
    /// level (v1.35 on, where it replaces the baseline `procMount` check, which
    /// from v1.35 exempts pods with `hostUsers: false`).
    ///
    /// ## Why is this bad?
    /// An unmasked `/proc` exposes kernel interfaces; the restricted profile
    /// does not rely on user namespaces to contain that.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostUsers: false
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         procMount: Unmasked
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   hostUsers: false
    ///   containers:
    ///     - name: app
    ///       securityContext:
    ///         procMount: Default
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - kubernetes/pod-security-admission `policy/check_procMount_restricted.go`
    pub static META = {
        id: "PSS019",
        name: "pss-proc-mount-restricted",
        pack: Pack::PodSecurity,
        aliases: &["procMount_restricted"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Unmasked /proc mount (restricted)",
        remediation: "Remove `securityContext.procMount` or set it to `Default`.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "procMount_restricted",
    level: Level::Restricted,
    meta: &META,
    versions: &[CheckVersion {
        since: 35,
        eval: proc_mount::proc_mount_1_0,
        overrides: &["procMount"],
    }],
    reason: |_| "procMount".to_string(),
    detail: proc_mount::detail,
};
