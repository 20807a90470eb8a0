//! PSA check `seLinuxOptions` (baseline, v1.0+; `container_engine_t` allowed from v1.31).

use super::{
    join_quote, pluralize, setters_phrase, sorted_values, CheckVersion, Level, PssCheck, Setter,
    Violation,
};
use crate::podspec::{Pod, SeLinux};
use stockade_source::rule::{Category, Pack, Severity};

const TYPE: u8 = 0;
const USER: u8 = 1;
const ROLE: u8 = 2;

/// Allowed `seLinuxOptions.type` values up to v1.30 (`""` is unset).
pub const TYPES_1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
/// Allowed from v1.31.
pub const TYPES_1_31: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod whose pod or container `securityContext.seLinuxOptions` sets a
    /// `type` outside `container_t`, `container_init_t`, `container_kvm_t` (and,
    /// from v1.31, `container_engine_t`), or sets `user` or `role`:
    /// pod-security-admission's `seLinuxOptions` check of the **baseline** level.
    ///
    /// ## Why is this bad?
    /// A custom SELinux type, user or role can lift the confinement SELinux puts
    /// on containers (e.g. `spc_t` is unconfined).
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions:
    ///     type: spc_t
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions:
    ///     level: "s0:c123,c456"
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_seLinuxOptions.go`
    pub static META = {
        id: "PSS007",
        name: "pss-selinux-options",
        pack: Pack::PodSecurity,
        aliases: &["seLinuxOptions", "KSV-0025"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Forbidden SELinux options",
        remediation: "Remove `seLinuxOptions.user` and `.role`, and use an allowed container type (or none).",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "seLinuxOptions",
    level: Level::Baseline,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 0,
            eval: se_linux_1_0,
            overrides: &[],
        },
        CheckVersion {
            since: 31,
            eval: se_linux_1_31,
            overrides: &[],
        },
    ],
    reason: |_| "seLinuxOptions".to_string(),
    detail: |v| {
        let mut data = Vec::new();
        let types = sorted_values(v, Some(TYPE));
        if v.iter().any(|v| v.variant == TYPE) {
            data.push(format!(
                "{} {}",
                pluralize("type", "types", types.len()),
                join_quote(&types)
            ));
        }
        if v.iter().any(|v| v.variant == USER) {
            data.push("user may not be set".to_string());
        }
        if v.iter().any(|v| v.variant == ROLE) {
            data.push("role may not be set".to_string());
        }
        format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters_phrase(v, None),
            data.join("; ")
        )
    },
};

fn se_linux_1_0(pod: &Pod) -> Vec<Violation> {
    se_linux(pod, TYPES_1_0)
}

fn se_linux_1_31(pod: &Pod) -> Vec<Violation> {
    se_linux(pod, TYPES_1_31)
}

fn check_options(opts: &SeLinux, setter: &Setter, allowed: &[&str], out: &mut Vec<Violation>) {
    let kind = opts.kind.as_ref().map_or("", |t| t.value.as_str());
    if !allowed.contains(&kind) {
        let loc = opts.kind.as_ref().map_or(&opts.key, |t| &t.loc);
        out.push(
            Violation::new(loc, setter.clone())
                .value(kind)
                .variant(TYPE),
        );
    }
    if let Some(user) = opts.user.as_ref().filter(|u| !u.value.is_empty()) {
        out.push(Violation::new(&user.loc, setter.clone()).variant(USER));
    }
    if let Some(role) = opts.role.as_ref().filter(|r| !r.value.is_empty()) {
        out.push(Violation::new(&role.loc, setter.clone()).variant(ROLE));
    }
}

fn se_linux(pod: &Pod, allowed: &[&str]) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(opts) = pod.spec.pod_common().and_then(|s| s.se_linux.as_ref()) {
        check_options(opts, &Setter::Pod, allowed, &mut out);
    }
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if let Some(opts) = c.security.as_ref().and_then(|s| s.common.se_linux.as_ref()) {
            check_options(
                opts,
                &Setter::Container(i, c.name.clone()),
                allowed,
                &mut out,
            );
        }
    }
    out
}
