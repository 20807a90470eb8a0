//! K8S021: a seccomp profile must not allow dangerous syscalls.

use super::ALLOWING;
use crate::hardening::Hit;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};
use stockade_yaml::{Node, Value};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every dangerous syscall a custom seccomp profile allows explicitly: a
    /// `syscalls` entry with action `SCMP_ACT_ALLOW` (or `SCMP_ACT_LOG`, which also
    /// lets it run) naming one of them in `names` (or the legacy `name`). The
    /// dangerous syscalls are those that reach kernel-wide state or other processes
    /// and that Docker's and containerd's default profiles deny or tie to a
    /// capability: `ptrace`, `process_vm_readv`/`writev`, `mount`, `umount`/`umount2`,
    /// the new mount API (`fsopen`, `fsmount`, `move_mount`, `open_tree`, …),
    /// `pivot_root`, `unshare`, `setns`, `bpf`, `perf_event_open`, `userfaultfd`,
    /// `keyctl`, `add_key`, `request_key`, `kexec_load`, `kexec_file_load`,
    /// `init_module`, `finit_module`, `delete_module`, `open_by_handle_at`,
    /// `name_to_handle_at`, `swapon`, `swapoff`, `reboot`, `acct`, `quotactl`,
    /// `syslog`, `iopl`, `ioperm`, `lookup_dcookie`, the clock setters and `uselib`.
    ///
    /// An entry with `includes.caps` applies only to containers that have one of
    /// those capabilities (as Docker's default profile does for `bpf` with
    /// `CAP_SYS_ADMIN`) and is not flagged: the capability rules decide. An entry
    /// with `args` conditions is flagged (the message says it is conditional).
    /// When the profile's default action already allows everything, K8S020 reports
    /// it instead. The finding points at the syscall's name.
    ///
    /// ## Why is this bad?
    /// These syscalls are the usual steps of container escapes and kernel exploits
    /// (mount namespaces and filesystems, eBPF and perf, keyrings, module loading,
    /// reading other processes' memory); a profile that allows them gives back most
    /// of what seccomp was for.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO",
    ///  "syscalls": [{"names": ["read", "write", "ptrace"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO",
    ///  "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/security/seccomp/#significant-syscalls-blocked-by-the-default-profile>
    /// - <https://kubernetes.io/docs/tutorials/security/seccomp/>
    pub static META = {
        id: "K8S021",
        name: "seccomp-profile-dangerous-syscall",
        pack: Pack::Kubernetes,
        severity: Severity::High,
        category: Category::Security,
        title: "Seccomp profile allows a dangerous syscall",
        remediation: "Remove the syscall from the allowed names (or deny it with `SCMP_ACT_ERRNO`).",
    };
}

/// Dangerous syscalls and what they give.
pub const DANGEROUS: &[(&str, &str)] = &[
    ("ptrace", "inspect and control other processes"),
    ("process_vm_readv", "read other processes' memory"),
    ("process_vm_writev", "write other processes' memory"),
    ("mount", "mount filesystems"),
    ("umount", "unmount filesystems"),
    ("umount2", "unmount filesystems"),
    ("mount_setattr", "change mount attributes"),
    ("fsopen", "mount filesystems (new mount API)"),
    ("fsconfig", "mount filesystems (new mount API)"),
    ("fsmount", "mount filesystems (new mount API)"),
    ("fspick", "reconfigure mounts (new mount API)"),
    ("move_mount", "move mounts (new mount API)"),
    ("open_tree", "clone mounts (new mount API)"),
    ("pivot_root", "change the root filesystem"),
    ("unshare", "create new namespaces"),
    ("setns", "join other namespaces"),
    ("bpf", "load eBPF programs into the kernel"),
    ("perf_event_open", "profile the kernel and other processes"),
    (
        "userfaultfd",
        "stall the kernel on page faults (a common exploit primitive)",
    ),
    ("keyctl", "use the kernel keyring, which is not namespaced"),
    ("add_key", "use the kernel keyring, which is not namespaced"),
    (
        "request_key",
        "use the kernel keyring, which is not namespaced",
    ),
    ("kexec_load", "load a new kernel"),
    ("kexec_file_load", "load a new kernel"),
    ("init_module", "load kernel modules"),
    ("finit_module", "load kernel modules"),
    ("delete_module", "unload kernel modules"),
    ("create_module", "load kernel modules"),
    (
        "open_by_handle_at",
        "open host files by handle (the \"shocker\" escape)",
    ),
    (
        "name_to_handle_at",
        "get file handles for open_by_handle_at",
    ),
    ("swapon", "change the host's swap"),
    ("swapoff", "change the host's swap"),
    ("reboot", "reboot the host or load a kernel"),
    ("acct", "switch process accounting on the host"),
    ("quotactl", "manage the host's disk quotas"),
    ("syslog", "read and clear the kernel log"),
    ("iopl", "access I/O ports"),
    ("ioperm", "access I/O ports"),
    ("lookup_dcookie", "read kernel directory entries"),
    ("settimeofday", "set the host's clock"),
    ("clock_settime", "set the host's clock"),
    ("clock_adjtime", "set the host's clock"),
    ("adjtimex", "set the host's clock"),
    ("stime", "set the host's clock"),
    ("uselib", "load shared libraries the obsolete way"),
    ("nfsservctl", "control the kernel NFS server"),
];

fn has_caps_condition(entry: &Node) -> bool {
    entry
        .get("includes")
        .and_then(|i| i.get("caps"))
        .and_then(Node::as_seq)
        .is_some_and(|caps| !caps.is_empty())
}

fn has_args(entry: &Node) -> bool {
    entry
        .get("args")
        .and_then(Node::as_seq)
        .is_some_and(|args| !args.is_empty())
}

pub fn check(root: &Node, out: &mut Vec<Hit>) {
    let default = root.get("defaultAction").and_then(Node::as_str);
    if default.is_some_and(|d| ALLOWING.contains(&d)) {
        return;
    }
    let Some(entries) = root.get("syscalls").and_then(Node::as_seq) else {
        return;
    };
    for (i, entry) in entries.iter().enumerate() {
        let Some(action) = entry.get("action").and_then(Node::as_str) else {
            continue;
        };
        if !ALLOWING.contains(&action) || has_caps_condition(entry) {
            continue;
        }
        let conditional = if has_args(entry) {
            " (when its argument conditions match)"
        } else {
            ""
        };
        let mut names: Vec<(&Node, String)> = Vec::new();
        if let Some(list) = entry.get("names").and_then(Node::as_seq) {
            for (j, n) in list.iter().enumerate() {
                names.push((n, format!("/syscalls/{i}/names/{j}")));
            }
        }
        if let Some(n) = entry.get("name") {
            names.push((n, format!("/syscalls/{i}/name")));
        }
        for (node, pointer) in names {
            let Value::String(name) = &node.value else {
                continue;
            };
            let Some((_, why)) = DANGEROUS.iter().find(|(d, _)| d == name) else {
                continue;
            };
            out.push(Hit::new(
                &Loc::new(node.span, pointer),
                format!(
                    "seccomp profile allows the dangerous syscall {name} with {action}{conditional}: it lets a container {why}"
                ),
            ));
        }
    }
}
