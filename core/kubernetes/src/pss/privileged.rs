//! PSA check `privileged` (baseline, v1.0+).

use super::{container_names, containers_phrase, CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod when any container (init, regular or ephemeral) sets
    /// `securityContext.privileged: true`: pod-security-admission's `privileged`
    /// check of the **baseline** level (every version from v1.0).
    ///
    /// ## Why is this bad?
    /// A privileged container has every capability and every device of the host;
    /// escaping to the node is trivial.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       privileged: false
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_privileged.go`
    pub static META = {
        id: "PSS001",
        name: "pss-privileged",
        pack: Pack::PodSecurity,
        aliases: &["privileged", "KSV-0017", "CKV_K8S_16", "privileged-container", "runAsPrivileged"],
        severity: Severity::Critical,
        category: Category::Security,
        title: "Privileged container",
        remediation: "Remove `securityContext.privileged: true` (or set it to false).",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "privileged",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: privileged_1_0,
        overrides: &[],
    }],
    reason: |_| "privileged".to_string(),
    detail: |v| {
        format!(
            "{} must not set securityContext.privileged=true",
            containers_phrase(&container_names(v, None))
        )
    },
};

fn privileged_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if let Some(p) = c.security.as_ref().and_then(|s| s.privileged.as_ref()) {
            if p.value {
                out.push(Violation::new(&p.loc, Setter::Container(i, c.name.clone())));
            }
        }
    }
    out
}
