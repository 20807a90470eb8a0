//! PSA check `sysctls` (baseline; the safe set grows at v1.27, v1.29, v1.32, v1.37).

use super::{CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

/// The safe sysctls up to v1.26.
pub const SAFE_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
/// Added in v1.27.
pub const ADDED_1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
/// Added in v1.29.
pub const ADDED_1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
/// Added in v1.32.
pub const ADDED_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
/// Added in v1.37.
pub const ADDED_1_37: &[&str] = &[
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod that sets a sysctl outside the safe set in
    /// `spec.securityContext.sysctls`: pod-security-admission's `sysctls` check of
    /// the **baseline** level. The safe set is `kernel.shm_rmid_forced`,
    /// `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`,
    /// `net.ipv4.ping_group_range`, `net.ipv4.ip_unprivileged_port_start`; from
    /// v1.27 also `net.ipv4.ip_local_reserved_ports`; from v1.29
    /// `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
    /// `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`; from v1.32
    /// `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`; from v1.37
    /// `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`.
    ///
    /// ## Why is this bad?
    /// Unsafe sysctls are not namespaced or not bounded: setting them affects
    /// every pod on the node, or the node itself.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///     - name: kernel.msgmax
    ///       value: "65536"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///     - name: net.ipv4.ip_local_port_range
    ///       value: "32768 60999"
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_sysctls.go`
    pub static META = {
        id: "PSS010",
        name: "pss-sysctls",
        pack: Pack::PodSecurity,
        aliases: &["sysctls", "KSV-0026", "unsafe-sysctls"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Unsafe sysctl",
        remediation: "Remove the sysctl, or set it on the node instead of in the pod.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "sysctls",
    level: Level::Baseline,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 0,
            eval: |p| sysctls(p, 0),
            overrides: &[],
        },
        CheckVersion {
            since: 27,
            eval: |p| sysctls(p, 27),
            overrides: &[],
        },
        CheckVersion {
            since: 29,
            eval: |p| sysctls(p, 29),
            overrides: &[],
        },
        CheckVersion {
            since: 32,
            eval: |p| sysctls(p, 32),
            overrides: &[],
        },
        CheckVersion {
            since: 37,
            eval: |p| sysctls(p, 37),
            overrides: &[],
        },
    ],
    reason: |_| "forbidden sysctls".to_string(),
    detail: |v| {
        v.iter()
            .filter_map(|v| match &v.setter {
                Setter::Item(name) => Some(name.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", ")
    },
};

/// Whether `name` is safe at `minor`.
pub fn is_safe(name: &str, minor: u32) -> bool {
    let sets: [(u32, &[&str]); 5] = [
        (0, SAFE_1_0),
        (27, ADDED_1_27),
        (29, ADDED_1_29),
        (32, ADDED_1_32),
        (37, ADDED_1_37),
    ];
    sets.iter()
        .any(|(since, names)| *since <= minor && names.contains(&name))
}

fn sysctls(pod: &Pod, minor: u32) -> Vec<Violation> {
    let Some(security) = &pod.spec.security else {
        return Vec::new();
    };
    security
        .sysctls
        .iter()
        .filter(|s| !is_safe(&s.value, minor))
        .map(|s| Violation::new(&s.loc, Setter::Item(s.value.clone())))
        .collect()
}
