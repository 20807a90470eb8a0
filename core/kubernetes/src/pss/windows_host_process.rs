//! PSA check `windowsHostProcess` (baseline, v1.0+).

use super::{setters_phrase, CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod when the pod or a container sets
    /// `securityContext.windowsOptions.hostProcess: true`: pod-security-admission's
    /// `windowsHostProcess` check of the **baseline** level (every version from v1.0).
    ///
    /// ## Why is this bad?
    /// A Windows HostProcess container runs directly on the node with the host's
    /// network and file system: the Windows equivalent of a privileged container.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   windowsOptions:
    ///     hostProcess: true
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   windowsOptions:
    ///     runAsUserName: ContainerUser
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_windowsHostProcess.go`
    pub static META = {
        id: "PSS011",
        name: "pss-windows-host-process",
        pack: Pack::PodSecurity,
        aliases: &["windowsHostProcess", "KSV-0103", "hostProcess"],
        severity: Severity::Critical,
        category: Category::Security,
        title: "Windows HostProcess container",
        remediation: "Remove `windowsOptions.hostProcess: true`.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "windowsHostProcess",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: windows_host_process_1_0,
        overrides: &[],
    }],
    reason: |_| "hostProcess".to_string(),
    detail: |v| {
        format!(
            "{} must not set securityContext.windowsOptions.hostProcess=true",
            setters_phrase(v, None)
        )
    },
};

fn windows_host_process_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(hp) = pod.spec.pod_common().and_then(|s| s.host_process.as_ref()) {
        if hp.value {
            out.push(Violation::new(&hp.loc, Setter::Pod));
        }
    }
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if let Some(hp) = c
            .security
            .as_ref()
            .and_then(|s| s.common.host_process.as_ref())
        {
            if hp.value {
                out.push(Violation::new(
                    &hp.loc,
                    Setter::Container(i, c.name.clone()),
                ));
            }
        }
    }
    out
}
