//! K8S015: the container runtime's socket must not be mounted.

use super::{mounted_by, normalize_host_path, Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a `hostPath` volume whose path (normalised: repeated slashes, `.` and
    /// `..` resolved) is a container runtime's API socket (`docker.sock`,
    /// `containerd.sock`, `crio.sock`, `cri-dockerd.sock`, `podman.sock`,
    /// `dockershim.sock`) or the directory that holds one (`/run/containerd`,
    /// `/var/run/crio`, `/run/podman` …). The finding points at the `path` value and
    /// names the containers that mount the volume.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the runtime socket can start a privileged container
    /// with the host's filesystem mounted: it is root on the node, whatever the
    /// pod's own security context says. A read-only mount does not help (connecting
    /// to a socket is not a write).
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
    /// # Build images with a daemonless builder (BuildKit rootless, kaniko) and talk
    /// # to the cluster through the Kubernetes API instead of the runtime.
    /// volumes:
    ///   - name: workspace
    ///     emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#hostpath>
    /// - kube-linter `docker-sock`, `container-runtime-sock`; kubesec `DockerSock`;
    ///   Trivy KSV-0006; Checkov `CKV_K8S_27`
    pub static META = {
        id: "K8S015",
        name: "container-runtime-socket-mounted",
        pack: Pack::Kubernetes,
        aliases: &["docker-sock", "container-runtime-sock", "DockerSock", "KSV-0006", "CKV_K8S_27"],
        severity: Severity::Critical,
        category: Category::Security,
        title: "Container runtime socket mounted",
        remediation: "Remove the `hostPath` volume of the runtime socket (and its volumeMounts).",
    };
}

const SOCKETS: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "cri-dockerd.sock",
    "podman.sock",
    "dockershim.sock",
];

const SOCKET_DIRS: &[&str] = &[
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
    "/run/docker",
    "/var/run/docker",
];

/// What runtime socket a host path exposes (described for a message), if any.
pub fn runtime_socket(path: &str) -> Option<String> {
    let path = normalize_host_path(path);
    let file = path.rsplit('/').next().unwrap_or_default();
    if SOCKETS.contains(&file) {
        return Some(format!("the container runtime socket {path}"));
    }
    SOCKET_DIRS
        .contains(&path.as_str())
        .then(|| format!("the directory {path}, which holds a container runtime socket"))
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for hp in &w.extra.host_paths {
        let Some(what) = runtime_socket(&hp.path.value) else {
            continue;
        };
        out.push(Hit::new(
            &hp.path.loc,
            format!(
                "hostPath volume \"{}\" {} exposes {what} {}",
                hp.volume,
                w.of(),
                mounted_by(w, &hp.volume)
            ),
        ));
    }
}
