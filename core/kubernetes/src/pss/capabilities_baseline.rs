//! PSA check `capabilities_baseline` (baseline, v1.0+; replaced by
//! `capabilities_restricted` at the restricted level from v1.22).

use super::{
    container_names, containers_phrase, join_quote, sorted_values, CheckVersion, Level, PssCheck,
    Setter, Violation,
};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

/// The capabilities a container may add at the baseline level (the container
/// runtime's default set).
pub const ALLOWED_1_0: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod when a container adds a capability outside the runtime's
    /// default set (`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`,
    /// `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`,
    /// `SETUID`, `SYS_CHROOT`; compared case-sensitively, as PSA does):
    /// pod-security-admission's `capabilities_baseline` check of the **baseline**
    /// level (every version from v1.0). At the restricted level from v1.22,
    /// `capabilities_restricted` (PSS018) takes its place.
    ///
    /// ## Why is this bad?
    /// Capabilities such as `SYS_ADMIN`, `NET_ADMIN` or `SYS_PTRACE` give a
    /// container most of root's power over the node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["SYS_ADMIN"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["ALL"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_capabilities_baseline.go`
    pub static META = {
        id: "PSS005",
        name: "pss-capabilities-baseline",
        pack: Pack::PodSecurity,
        aliases: &["capabilities_baseline", "KSV-0022"],
        severity: Severity::High,
        category: Category::Security,
        title: "Non-default capability added",
        remediation: "Remove the capability from `securityContext.capabilities.add`.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "capabilities_baseline",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: capabilities_baseline_1_0,
        overrides: &[],
    }],
    reason: |_| "non-default capabilities".to_string(),
    detail: |v| {
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&container_names(v, None)),
            join_quote(&sorted_values(v, None))
        )
    },
};

fn capabilities_baseline_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        let Some(caps) = c.security.as_ref().and_then(|s| s.capabilities.as_ref()) else {
            continue;
        };
        for cap in &caps.add {
            if !ALLOWED_1_0.contains(&cap.value.as_str()) {
                out.push(
                    Violation::new(&cap.loc, Setter::Container(i, c.name.clone()))
                        .value(cap.value.clone()),
                );
            }
        }
    }
    out
}
