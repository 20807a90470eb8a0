//! PSA check `runAsUser` (restricted, v1.23+; pods with `hostUsers: false` exempt from v1.35).

use super::{setters_phrase, CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Forbids `securityContext.runAsUser: 0` on the pod and on every container:
    /// pod-security-admission's `runAsUser` check of the **restricted** level
    /// (v1.23 on; from v1.35 pods in a user namespace, `spec.hostUsers: false`,
    /// are exempt).
    ///
    /// ## Why is this bad?
    /// UID 0 is root; `runAsNonRoot: true` cannot hold when the UID is set to 0
    /// explicitly.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - kubernetes/pod-security-admission `policy/check_runAsUser.go`
    pub static META = {
        id: "PSS016",
        name: "pss-run-as-user",
        pack: Pack::PodSecurity,
        aliases: &["runAsUser", "KSV-0105"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Container runs as UID 0",
        remediation: "Set `runAsUser` to a non-zero UID, or remove it and set `runAsNonRoot: true`.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "runAsUser",
    level: Level::Restricted,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 23,
            eval: run_as_user_1_23,
            overrides: &[],
        },
        CheckVersion {
            since: 35,
            eval: run_as_user_1_35,
            overrides: &[],
        },
    ],
    reason: |_| "runAsUser=0".to_string(),
    detail: |v| format!("{} must not set runAsUser=0", setters_phrase(v, None)),
};

fn run_as_user_1_23(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(u) = pod.spec.pod_common().and_then(|s| s.run_as_user.as_ref()) {
        if u.value == 0 {
            out.push(Violation::new(&u.loc, Setter::Pod));
        }
    }
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if let Some(u) = c
            .security
            .as_ref()
            .and_then(|s| s.common.run_as_user.as_ref())
        {
            if u.value == 0 {
                out.push(Violation::new(&u.loc, Setter::Container(i, c.name.clone())));
            }
        }
    }
    out
}

fn run_as_user_1_35(pod: &Pod) -> Vec<Violation> {
    if pod.spec.in_user_namespace() {
        return Vec::new();
    }
    run_as_user_1_23(pod)
}
