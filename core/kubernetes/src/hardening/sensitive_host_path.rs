//! K8S016: sensitive host directories must not be mounted.

use super::{mounted_by, normalize_host_path, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a `hostPath` volume whose path (normalised: repeated slashes, `.` and
    /// `..` resolved) is a sensitive host directory: `/`, `/etc`, `/usr`, `/lib`,
    /// `/var/run`, `/run` (exactly), or `/proc`, `/sys`, `/dev`, `/boot`, `/root`,
    /// `/var/lib/kubelet`, `/var/lib/docker`, `/var/lib/containerd`,
    /// `/etc/kubernetes` or anything below them (except the syslog socket
    /// `/dev/log`). Runtime sockets are K8S015's. The
    /// finding points at the `path` value and names the containers that mount the
    /// volume. Pod Security's baseline (PSS003) forbids every `hostPath`; this rule
    /// singles out the paths that hand over the node, at any level.
    ///
    /// ## Why is this bad?
    /// These paths hold the node's credentials (kubelet and cluster PKI, `/root`),
    /// its kernel interfaces (`/proc`, `/sys`, `/dev`: cgroup release agents, raw
    /// devices, kernel memory), its binaries and boot files, and the runtime's
    /// sockets and container data: mounting one is a known container escape.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: host-etc
    ///     hostPath:
    ///       path: /etc
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// volumes:
    ///   - name: config
    ///     configMap:
    ///       name: app-config
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#hostpath>
    /// - kube-linter `sensitive-host-mounts`, Trivy KSV-0121 (kubesec's `ProcMount`, a
    ///   `hostPath` of `/proc`, shares its name with the Pod Security check
    ///   `procMount`, PSS008, and resolves to it)
    pub static META = {
        id: "K8S016",
        name: "sensitive-host-path-mounted",
        pack: Pack::Kubernetes,
        aliases: &["sensitive-host-mounts", "KSV-0121"],
        severity: Severity::High,
        category: Category::Security,
        title: "Sensitive host directory mounted",
        remediation: "Remove the `hostPath` volume; use a ConfigMap, Secret, `emptyDir` or a CSI volume instead.",
    };
}

/// `(path, whether paths below it count too)`.
const SENSITIVE: &[(&str, bool)] = &[
    ("/", false),
    ("/etc", false),
    ("/usr", false),
    ("/lib", false),
    ("/var/run", false),
    ("/run", false),
    ("/proc", true),
    ("/sys", true),
    ("/dev", true),
    ("/boot", true),
    ("/root", true),
    ("/var/lib/kubelet", true),
    ("/var/lib/docker", true),
    ("/var/lib/containerd", true),
    ("/etc/kubernetes", true),
];

/// Paths below a sensitive directory that are commonly mounted and harmless
/// enough: the host's syslog socket.
const BENIGN: &[&str] = &["/dev/log"];

/// The sensitive directory a host path is (or is below), if any.
pub fn sensitive_dir(path: &str) -> Option<&'static str> {
    let path = normalize_host_path(path);
    if BENIGN.contains(&path.as_str()) {
        return None;
    }
    SENSITIVE
        .iter()
        .find(|(dir, below)| {
            path == *dir
                || (*below
                    && path
                        .strip_prefix(dir)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
        .map(|(dir, _)| *dir)
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for hp in &w.extra.host_paths {
        if super::runtime_socket::runtime_socket(&hp.path.value).is_some() {
            continue;
        }
        let Some(dir) = sensitive_dir(&hp.path.value) else {
            continue;
        };
        let shown = normalize_host_path(&hp.path.value);
        let place = if shown == dir {
            format!("the sensitive host directory {dir}")
        } else {
            format!("{shown}, inside the sensitive host directory {dir}")
        };
        out.push(Hit::new(
            &hp.path.loc,
            format!(
                "hostPath volume \"{}\" {} exposes {place} {}",
                hp.volume,
                w.of(),
                mounted_by(w, &hp.volume)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_dirs() {
        assert_eq!(sensitive_dir("/"), Some("/"));
        assert_eq!(sensitive_dir("//etc/"), Some("/etc"));
        assert_eq!(sensitive_dir("/etc/ssl/certs"), None);
        assert_eq!(
            sensitive_dir("/etc/kubernetes/pki"),
            Some("/etc/kubernetes")
        );
        assert_eq!(sensitive_dir("/proc/1/ns"), Some("/proc"));
        assert_eq!(sensitive_dir("/data/../proc"), Some("/proc"));
        assert_eq!(sensitive_dir("/procfs"), None);
        assert_eq!(sensitive_dir("/var/log"), None);
        assert_eq!(sensitive_dir("/dev/log"), None);
        assert_eq!(sensitive_dir("/dev/kmsg"), Some("/dev"));
        assert_eq!(
            sensitive_dir("/var/lib/kubelet/pods"),
            Some("/var/lib/kubelet")
        );
    }
}
