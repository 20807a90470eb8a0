//! PSA check `seccompProfile_baseline` (baseline; annotations up to v1.18, fields
//! from v1.19; replaced by `seccompProfile_restricted` at the restricted level
//! from v1.19).

use super::{
    go_quote, join_quote, pluralize, setters_phrase, sorted_values, CheckVersion, Level, PssCheck,
    Setter, Violation,
};
use crate::podspec::{Pod, Profile};
use stockade_source::rule::{Category, Pack, Severity};

/// The deprecated pod-level seccomp annotation.
pub const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
/// Prefix of the deprecated per-container seccomp annotations.
pub const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

pub(super) const FIELD: u8 = 0;
const ANNOTATION: u8 = 1;

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod that sets the seccomp profile to `Unconfined` (or any type
    /// other than `RuntimeDefault` and `Localhost`): pod-security-admission's
    /// `seccompProfile_baseline` check of the **baseline** level. Up to v1.18 it
    /// reads the alpha annotations `seccomp.security.alpha.kubernetes.io/pod` and
    /// `container.seccomp.security.alpha.kubernetes.io/<container>` (allowed:
    /// `runtime/default`, `docker/default`, `localhost/*`); from v1.19 it reads
    /// the `securityContext.seccompProfile.type` fields instead.
    ///
    /// ## Why is this bad?
    /// Without a seccomp filter every system call of the kernel is reachable from
    /// the container, including those behind most container escapes.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seccompProfile:
    ///     type: Unconfined
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   seccompProfile:
    ///     type: RuntimeDefault
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_seccompProfile_baseline.go`
    pub static META = {
        id: "PSS009",
        name: "pss-seccomp-profile-baseline",
        pack: Pack::PodSecurity,
        aliases: &["seccompProfile_baseline", "SeccompUnconfined"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Seccomp profile disabled",
        remediation: "Set the seccomp profile type to `RuntimeDefault` or `Localhost`, or leave it unset.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "seccompProfile_baseline",
    level: Level::Baseline,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 0,
            eval: seccomp_baseline_1_0,
            overrides: &[],
        },
        CheckVersion {
            since: 19,
            eval: seccomp_baseline_1_19,
            overrides: &[],
        },
    ],
    reason: |_| "seccompProfile".to_string(),
    detail: |v| {
        if v.iter().any(|v| v.variant == ANNOTATION) {
            let forbidden = sorted_values(v, Some(ANNOTATION));
            format!(
                "forbidden {} {}",
                pluralize("annotation", "annotations", forbidden.len()),
                forbidden.join(", ")
            )
        } else {
            field_detail(v)
        }
    },
};

/// `pod and container "x" must not set securityContext.seccompProfile.type to "Unconfined"`.
pub(super) fn field_detail(v: &[&Violation]) -> String {
    format!(
        "{} must not set securityContext.seccompProfile.type to {}",
        setters_phrase(v, Some(FIELD)),
        join_quote(&sorted_values(v, Some(FIELD)))
    )
}

fn valid_annotation(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

pub(super) fn valid_type(profile: &Profile) -> bool {
    matches!(profile.kind.value.as_str(), "Localhost" | "RuntimeDefault")
}

fn seccomp_baseline_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut check = |key: &str, setter: Setter| {
        if let Some(value) = pod.meta.annotation(key) {
            if !valid_annotation(&value.value) {
                let rendered = format!("{key}={}", go_quote(&value.value));
                out.push(
                    Violation::new(&value.loc, setter)
                        .value(rendered)
                        .variant(ANNOTATION),
                );
            }
        }
    };
    check(POD_ANNOTATION, Setter::Pod);
    for (i, c) in pod.spec.containers.iter().enumerate() {
        check(
            &format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name),
            Setter::Container(i, c.name.clone()),
        );
    }
    out
}

/// Explicitly bad `seccompProfile.type` values of the pod and its containers.
pub(super) fn explicit_bad_types(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(p) = pod.spec.pod_common().and_then(|s| s.seccomp.as_ref()) {
        if !valid_type(p) {
            out.push(Violation::new(&p.kind.loc, Setter::Pod).value(p.kind.value.clone()));
        }
    }
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if let Some(p) = c.security.as_ref().and_then(|s| s.common.seccomp.as_ref()) {
            if !valid_type(p) {
                out.push(
                    Violation::new(&p.kind.loc, Setter::Container(i, c.name.clone()))
                        .value(p.kind.value.clone()),
                );
            }
        }
    }
    out
}

fn seccomp_baseline_1_19(pod: &Pod) -> Vec<Violation> {
    explicit_bad_types(pod)
}
