//! PSA check `runAsNonRoot` (restricted, v1.0+; pods with `hostUsers: false`
//! exempt from v1.35).

use super::{
    container_names, containers_phrase, setters_phrase, CheckVersion, Level, PssCheck, Setter,
    Violation,
};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

const EXPLICIT: u8 = 0;
const IMPLICIT: u8 = 1;

stockade_source::declare_rule! {
    /// ## What it does
    /// Requires `securityContext.runAsNonRoot: true`, on the pod or on every
    /// container, and forbids `runAsNonRoot: false` anywhere:
    /// pod-security-admission's `runAsNonRoot` check of the **restricted** level
    /// (every version from v1.0; from v1.35 pods in a user namespace,
    /// `spec.hostUsers: false`, are exempt).
    ///
    /// ## Why is this bad?
    /// A container running as UID 0 is root on the node as soon as it escapes
    /// its namespaces, and can modify everything in its own file system.
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
    ///     runAsNonRoot: true
    ///   containers:
    ///     - name: app
    ///       image: app:1.0
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - kubernetes/pod-security-admission `policy/check_runAsNonRoot.go`
    pub static META = {
        id: "PSS015",
        name: "pss-run-as-non-root",
        pack: Pack::PodSecurity,
        aliases: &["runAsNonRoot", "KSV-0012", "CKV_K8S_23", "run-as-non-root", "runAsRootAllowed"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Container may run as root",
        remediation: "Set `securityContext.runAsNonRoot: true` on the pod and remove any `runAsNonRoot: false`.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "runAsNonRoot",
    level: Level::Restricted,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 0,
            eval: run_as_non_root_1_0,
            overrides: &[],
        },
        CheckVersion {
            since: 35,
            eval: run_as_non_root_1_35,
            overrides: &[],
        },
    ],
    reason: |_| "runAsNonRoot != true".to_string(),
    detail: |v| {
        if v.iter().any(|v| v.variant == EXPLICIT) {
            format!(
                "{} must not set securityContext.runAsNonRoot=false",
                setters_phrase(v, Some(EXPLICIT))
            )
        } else {
            format!(
                "pod or {} must set securityContext.runAsNonRoot=true",
                containers_phrase(&container_names(v, Some(IMPLICIT)))
            )
        }
    },
};

fn run_as_non_root_1_0(pod: &Pod) -> Vec<Violation> {
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    let mut pod_non_root = false;
    if let Some(r) = pod
        .spec
        .pod_common()
        .and_then(|s| s.run_as_non_root.as_ref())
    {
        if r.value {
            pod_non_root = true;
        } else {
            explicit.push(Violation::new(&r.loc, Setter::Pod));
        }
    }
    for (i, c) in pod.spec.containers.iter().enumerate() {
        match c
            .security
            .as_ref()
            .and_then(|s| s.common.run_as_non_root.as_ref())
        {
            Some(r) if !r.value => {
                explicit.push(Violation::new(&r.loc, Setter::Container(i, c.name.clone())));
            }
            None if !pod_non_root => implicit.push(
                Violation::new(c.security_anchor(), Setter::Container(i, c.name.clone()))
                    .variant(IMPLICIT),
            ),
            _ => {}
        }
    }
    if explicit.is_empty() {
        implicit
    } else {
        explicit
    }
}

fn run_as_non_root_1_35(pod: &Pod) -> Vec<Violation> {
    if pod.spec.in_user_namespace() {
        return Vec::new();
    }
    run_as_non_root_1_0(pod)
}
