//! PSA check `procMount` (baseline, v1.0+; pods with `hostUsers: false` exempt
//! from v1.35; replaced by `procMount_restricted` at the restricted level from v1.35).

use super::{
    container_names, containers_phrase, join_quote, sorted_values, CheckVersion, Level, PssCheck,
    Setter, Violation,
};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod when a container sets `securityContext.procMount` to anything
    /// but `Default`: pod-security-admission's `procMount` check of the
    /// **baseline** level. From v1.35 a pod in a user namespace
    /// (`spec.hostUsers: false`) may use any value at the baseline level; the
    /// restricted level keeps the unconditional rule (PSS019).
    ///
    /// ## Why is this bad?
    /// `Unmasked` exposes the host's `/proc` paths that the runtime normally
    /// masks (kernel memory, sysrq triggers), helping an escape.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   procMount: Default
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_procMount_baseline.go`
    pub static META = {
        id: "PSS008",
        name: "pss-proc-mount",
        pack: Pack::PodSecurity,
        aliases: &["procMount", "KSV-0027", "unsafe-proc-mount"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Unmasked /proc mount",
        remediation: "Remove `securityContext.procMount` or set it to `Default`.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "procMount",
    level: Level::Baseline,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 0,
            eval: proc_mount_1_0,
            overrides: &[],
        },
        CheckVersion {
            since: 35,
            eval: proc_mount_1_35_baseline,
            overrides: &[],
        },
    ],
    reason: |_| "procMount".to_string(),
    detail,
};

pub(super) fn detail(v: &[&Violation]) -> String {
    format!(
        "{} must not set securityContext.procMount to {}",
        containers_phrase(&container_names(v, None)),
        join_quote(&sorted_values(v, None))
    )
}

/// Any `procMount` other than `Default` is forbidden.
pub(super) fn proc_mount_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if let Some(pm) = c.security.as_ref().and_then(|s| s.proc_mount.as_ref()) {
            if pm.value != "Default" {
                out.push(
                    Violation::new(&pm.loc, Setter::Container(i, c.name.clone()))
                        .value(pm.value.clone()),
                );
            }
        }
    }
    out
}

fn proc_mount_1_35_baseline(pod: &Pod) -> Vec<Violation> {
    if pod.spec.in_user_namespace() {
        return Vec::new();
    }
    proc_mount_1_0(pod)
}
