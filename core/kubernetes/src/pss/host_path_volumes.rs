//! PSA check `hostPathVolumes` (baseline, v1.0+; replaced by `restrictedVolumes`
//! at the restricted level).

use super::{join_quote, pluralize, CheckVersion, Level, PssCheck, Setter, Violation};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod with a `hostPath` volume: pod-security-admission's
    /// `hostPathVolumes` check of the **baseline** level (every version from
    /// v1.0). At the restricted level `restrictedVolumes` (PSS013) takes its place.
    ///
    /// ## Why is this bad?
    /// A hostPath volume exposes the node's file system to the container: its
    /// credentials, the container runtime's socket, other pods' data.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// volumes:
    ///   - name: scratch
    ///     emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_hostPathVolumes.go`
    pub static META = {
        id: "PSS003",
        name: "pss-host-path-volumes",
        pack: Pack::PodSecurity,
        aliases: &["hostPathVolumes", "KSV-0023", "hostPathSet"],
        severity: Severity::High,
        category: Category::Security,
        title: "hostPath volume",
        remediation: "Replace the hostPath volume with an emptyDir, configMap, secret or persistentVolumeClaim volume.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "hostPathVolumes",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: host_path_volumes_1_0,
        overrides: &[],
    }],
    reason: |_| "hostPath volumes".to_string(),
    detail: |v| {
        let names: Vec<&str> = v
            .iter()
            .filter_map(|v| match &v.setter {
                Setter::Volume(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        format!(
            "{} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names)
        )
    },
};

fn host_path_volumes_1_0(pod: &Pod) -> Vec<Violation> {
    pod.spec
        .volumes
        .iter()
        .filter_map(|vol| {
            vol.source("hostPath")
                .map(|loc| Violation::new(loc, Setter::Volume(vol.name.clone())))
        })
        .collect()
}
