//! PSA check `restrictedVolumes` (restricted, v1.0+; replaces `hostPathVolumes`).

use super::{
    join_quote, pluralize, sorted_values, CheckVersion, Level, PssCheck, Setter, Violation,
};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

/// The volume sources the restricted level allows.
pub const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The restricted volume sources, in the order PSA names the first one it finds.
pub const RESTRICTED: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

stockade_source::declare_rule! {
    /// ## What it does
    /// Allows only the volume types `configMap`, `csi`, `downwardAPI`,
    /// `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` and
    /// `secret`: pod-security-admission's `restrictedVolumes` check of the
    /// **restricted** level (every version from v1.0). It replaces
    /// `hostPathVolumes` (PSS003) at the restricted level. A volume with no
    /// source Kubernetes knows is reported as type `unknown`, as PSA does.
    ///
    /// ## Why is this bad?
    /// Other volume types mount node paths or remote storage directly, with
    /// credentials and semantics the cluster administrator does not control
    /// through `PersistentVolume`s.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     nfs:
    ///       server: nfs.example.com
    ///       path: /exports
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// volumes:
    ///   - name: data
    ///     persistentVolumeClaim:
    ///       claimName: data
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - kubernetes/pod-security-admission `policy/check_restrictedVolumes.go`
    pub static META = {
        id: "PSS013",
        name: "pss-restricted-volumes",
        pack: Pack::PodSecurity,
        aliases: &["restrictedVolumes", "KSV-0028"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Restricted volume type",
        remediation: "Use a persistentVolumeClaim (or configMap, secret, emptyDir, projected, csi, ephemeral) volume instead.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "restrictedVolumes",
    level: Level::Restricted,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: restricted_volumes_1_0,
        overrides: &["hostPathVolumes"],
    }],
    reason: |_| "restricted volume types".to_string(),
    detail: |v| {
        let names: Vec<&str> = v
            .iter()
            .filter_map(|v| match &v.setter {
                Setter::Volume(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let types = sorted_values(v, None);
        format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names),
            pluralize("uses", "use", names.len()),
            pluralize(
                "restricted volume type",
                "restricted volume types",
                types.len()
            ),
            join_quote(&types)
        )
    },
};

fn restricted_volumes_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for vol in &pod.spec.volumes {
        if ALLOWED.iter().any(|a| vol.source(a).is_some()) {
            continue;
        }
        let found = RESTRICTED
            .iter()
            .find_map(|t| vol.source(t).map(|loc| (*t, loc)));
        let (kind, loc) = found.unwrap_or(("unknown", &vol.anchor));
        out.push(Violation::new(loc, Setter::Volume(vol.name.clone())).value(kind));
    }
    out
}
