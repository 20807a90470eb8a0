//! PSA check `seccompProfile_restricted` (restricted, v1.19+; Windows pods exempt
//! from v1.25; replaces `seccompProfile_baseline`).

use super::seccomp_profile_baseline::{explicit_bad_types, field_detail, valid_type};
use super::{container_names, containers_phrase, CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

const IMPLICIT: u8 = 2;

stockade_source::declare_rule! {
    /// ## What it does
    /// Requires a seccomp profile of type `RuntimeDefault` or `Localhost` for
    /// every container, set on the pod or on the container:
    /// pod-security-admission's `seccompProfile_restricted` check of the
    /// **restricted** level (v1.19 on; from v1.25 pods with `spec.os.name:
    /// windows` are exempt). It replaces `seccompProfile_baseline` (PSS009) at the
    /// restricted level.
    ///
    /// ## Why is this bad?
    /// Without a seccomp profile the container runs `Unconfined` by default on
    /// most clusters, with the whole system-call surface of the kernel.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: app:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: app
    ///       image: app:1.0
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - kubernetes/pod-security-admission `policy/check_seccompProfile_restricted.go`
    /// - Trivy KSV-0030 (profile not `RuntimeDefault` or `Localhost`), KSV-0104 (profile
    ///   unset or `Unconfined`)
    pub static META = {
        id: "PSS017",
        name: "pss-seccomp-profile-restricted",
        pack: Pack::PodSecurity,
        aliases: &["seccompProfile_restricted", "KSV-0030", "KSV-0104", "CKV_K8S_31", "SeccompAny"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Seccomp profile not set",
        remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or on every container).",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "seccompProfile_restricted",
    level: Level::Restricted,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 19,
            eval: seccomp_restricted_1_19,
            overrides: &["seccompProfile_baseline"],
        },
        CheckVersion {
            since: 25,
            eval: seccomp_restricted_1_25,
            overrides: &["seccompProfile_baseline"],
        },
    ],
    reason: |_| "seccompProfile".to_string(),
    detail: |v| {
        if v.iter().any(|v| v.variant != IMPLICIT) {
            field_detail(v)
        } else {
            format!(
                "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                containers_phrase(&container_names(v, Some(IMPLICIT)))
            )
        }
    },
};

fn seccomp_restricted_1_19(pod: &Pod) -> Vec<Violation> {
    let explicit = explicit_bad_types(pod);
    if !explicit.is_empty() {
        return explicit;
    }
    let pod_set = pod
        .spec
        .pod_common()
        .and_then(|s| s.seccomp.as_ref())
        .is_some_and(valid_type);
    if pod_set {
        return Vec::new();
    }
    pod.spec
        .containers
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.security
                .as_ref()
                .and_then(|s| s.common.seccomp.as_ref())
                .is_none()
        })
        .map(|(i, c)| {
            Violation::new(c.security_anchor(), Setter::Container(i, c.name.clone()))
                .variant(IMPLICIT)
        })
        .collect()
}

fn seccomp_restricted_1_25(pod: &Pod) -> Vec<Violation> {
    if pod.spec.is_windows() {
        return Vec::new();
    }
    seccomp_restricted_1_19(pod)
}
