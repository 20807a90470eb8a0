//! K8S020: a seccomp profile's default action must deny.

use super::ALLOWING;
use crate::hardening::Hit;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};
use stockade_yaml::Node;

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a custom seccomp profile (a JSON file with `defaultAction` and
    /// `syscalls`) whose `defaultAction` does not deny: anything other than
    /// `SCMP_ACT_ERRNO`, `SCMP_ACT_KILL`, `SCMP_ACT_KILL_PROCESS`,
    /// `SCMP_ACT_KILL_THREAD` or `SCMP_ACT_TRAP`. `SCMP_ACT_ALLOW` and
    /// `SCMP_ACT_LOG` let every syscall run; `SCMP_ACT_TRACE` and
    /// `SCMP_ACT_NOTIFY` hand the decision to another process. The finding points
    /// at the `defaultAction` value.
    ///
    /// ## Why is this bad?
    /// A seccomp profile is an allow-list: with an allowing default every syscall
    /// that is not listed — `mount`, `bpf`, `keyctl`, `unshare`, and the next one a
    /// kernel exploit needs — is available, which is what `Unconfined` gives.
    ///
    /// ## Example
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ALLOW",
    ///  "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"defaultAction": "SCMP_ACT_ERRNO",
    ///  "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tutorials/security/seccomp/>
    /// - <https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md#seccomp>
    pub static META = {
        id: "K8S020",
        name: "seccomp-profile-default-allow",
        pack: Pack::Kubernetes,
        severity: Severity::High,
        category: Category::Security,
        title: "Seccomp profile allows syscalls by default",
        remediation: "Set `defaultAction` to `SCMP_ACT_ERRNO` (or a KILL action) and list the syscalls the workload needs with `SCMP_ACT_ALLOW`.",
    };
}

/// Default actions that deny.
pub const DENYING: &[&str] = &[
    "SCMP_ACT_ERRNO",
    "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",
];

pub fn check(root: &Node, out: &mut Vec<Hit>) {
    let Some((_, value)) = root.get_entry("defaultAction") else {
        return;
    };
    let Some(action) = value.as_str() else { return };
    if DENYING.contains(&action) {
        return;
    }
    let why = if ALLOWING.contains(&action) {
        "every syscall the profile does not list is allowed"
    } else if matches!(action, "SCMP_ACT_TRACE" | "SCMP_ACT_NOTIFY") {
        "every syscall the profile does not list is decided by another process"
    } else {
        "it is not a seccomp action that denies"
    };
    out.push(Hit::new(
        &Loc::new(value.span, "/defaultAction"),
        format!("seccomp profile has defaultAction {action}: {why}"),
    ));
}
