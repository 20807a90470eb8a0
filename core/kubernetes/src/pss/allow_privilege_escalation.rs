//! PSA check `allowPrivilegeEscalation` (restricted, v1.8+; Windows pods exempt from v1.25).

use super::{container_names, containers_phrase, CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Requires every container to set
    /// `securityContext.allowPrivilegeEscalation: false`: pod-security-admission's
    /// `allowPrivilegeEscalation` check of the **restricted** level (v1.8 on;
    /// from v1.25 pods with `spec.os.name: windows` are exempt). An unset field
    /// counts as `true`, as it does in the kernel's default.
    ///
    /// ## Why is this bad?
    /// Without `no_new_privs`, a process can gain privileges through set-user-ID
    /// binaries or file capabilities inside the image.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: app:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: app:1.0
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - kubernetes/pod-security-admission `policy/check_allowPrivilegeEscalation.go`
    pub static META = {
        id: "PSS014",
        name: "pss-allow-privilege-escalation",
        pack: Pack::PodSecurity,
        aliases: &["allowPrivilegeEscalation", "KSV-0001", "CKV_K8S_20", "privilege-escalation-container", "privilegeEscalationAllowed"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Privilege escalation allowed",
        remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "allowPrivilegeEscalation",
    level: Level::Restricted,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 8,
            eval: allow_privilege_escalation_1_8,
            overrides: &[],
        },
        CheckVersion {
            since: 25,
            eval: allow_privilege_escalation_1_25,
            overrides: &[],
        },
    ],
    reason: |_| "allowPrivilegeEscalation != false".to_string(),
    detail: |v| {
        format!(
            "{} must set securityContext.allowPrivilegeEscalation=false",
            containers_phrase(&container_names(v, None))
        )
    },
};

fn allow_privilege_escalation_1_8(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        let setting = c
            .security
            .as_ref()
            .and_then(|s| s.allow_privilege_escalation.as_ref());
        let loc = match setting {
            Some(s) if !s.value => continue,
            Some(s) => &s.loc,
            None => c.security_anchor(),
        };
        out.push(Violation::new(loc, Setter::Container(i, c.name.clone())));
    }
    out
}

fn allow_privilege_escalation_1_25(pod: &Pod) -> Vec<Violation> {
    if pod.spec.is_windows() {
        return Vec::new();
    }
    allow_privilege_escalation_1_8(pod)
}
