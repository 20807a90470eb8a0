//! K8S022: containers must not add dangerous capabilities.

use super::{Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every capability in `securityContext.capabilities.add` that gives a
    /// container power over the node or its neighbours: `ALL`, `SYS_ADMIN`,
    /// `NET_ADMIN`, `NET_RAW`, `SYS_PTRACE`, `SYS_MODULE`, `SYS_RAWIO`, `SYS_BOOT`,
    /// `SYS_TIME`, `DAC_READ_SEARCH`, `BPF`, `PERFMON`, `MAC_ADMIN`, `MAC_OVERRIDE`,
    /// `SYSLOG`, `LINUX_IMMUTABLE`, `CHECKPOINT_RESTORE` (compared
    /// case-insensitively, with or without the `CAP_` prefix). The finding points
    /// at the capability and says what it gives.
    ///
    /// Pod Security forbids these too, as part of a wider rule: at the baseline
    /// level every capability outside the runtime's default set (PSS005), at the
    /// restricted level every one but `NET_BIND_SERVICE` (PSS018). This rule runs
    /// whatever the Pod Security level of the namespace (including `privileged`),
    /// names the danger, and carries the peers' ids for these capabilities; with
    /// Pod Security at baseline or restricted the same item is reported by both.
    ///
    /// ## Why is this bad?
    /// `SYS_ADMIN` is most of root (mounts, namespaces, eBPF); `SYS_MODULE` loads
    /// kernel code; `SYS_PTRACE` reads other processes' memory; `NET_ADMIN` and
    /// `NET_RAW` reconfigure and spoof the pod network; `DAC_READ_SEARCH` enables the
    /// "shocker" escape. Any of them turns a compromised container into a
    /// compromised node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["SYS_ADMIN"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["ALL"]
    /// ```
    ///
    /// ## References
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html>
    /// - Polaris `dangerousCapabilities`, kubesec `CapSysAdmin`, Trivy KSV-0005
    ///   (`SYS_ADMIN`), KSV-0119 (`NET_RAW`), KSV-0120 (`SYS_MODULE`), Checkov `CKV_K8S_39`
    pub static META = {
        id: "K8S022",
        name: "dangerous-capability-added",
        pack: Pack::Kubernetes,
        aliases: &[
            "dangerousCapabilities",
            "CapSysAdmin",
            "KSV-0005",
            "KSV-0119",
            "KSV-0120",
            "CKV_K8S_39",
        ],
        severity: Severity::High,
        category: Category::Security,
        title: "Dangerous capability added",
        remediation: "Remove the capability from `securityContext.capabilities.add`; drop `ALL` and add back only what the process needs.",
    };
}

/// Dangerous capabilities (without `CAP_`) and what they give.
pub const DANGEROUS: &[(&str, &str)] = &[
    ("ALL", "every capability, which is root on the node"),
    (
        "SYS_ADMIN",
        "mounts, namespaces, eBPF and most of root's other powers",
    ),
    (
        "NET_ADMIN",
        "control of the pod's network (routes, firewall, interfaces)",
    ),
    (
        "NET_RAW",
        "raw sockets (spoofing, ARP and DNS poisoning of neighbours)",
    ),
    (
        "SYS_PTRACE",
        "tracing and reading the memory of other processes",
    ),
    ("SYS_MODULE", "loading kernel modules"),
    ("SYS_RAWIO", "raw I/O to devices and memory"),
    ("SYS_BOOT", "rebooting the node and loading kernels"),
    ("SYS_TIME", "setting the node's clock"),
    (
        "DAC_READ_SEARCH",
        "reading any file by handle (the \"shocker\" escape)",
    ),
    ("BPF", "loading eBPF programs into the kernel"),
    ("PERFMON", "profiling the kernel and other processes"),
    ("MAC_ADMIN", "changing the node's AppArmor/SELinux policy"),
    (
        "MAC_OVERRIDE",
        "bypassing the node's AppArmor/SELinux policy",
    ),
    ("SYSLOG", "reading the kernel log (kernel addresses)"),
    (
        "LINUX_IMMUTABLE",
        "changing immutable and append-only files",
    ),
    (
        "CHECKPOINT_RESTORE",
        "checkpointing and restoring other processes",
    ),
];

/// What a capability gives, when it is dangerous.
pub fn danger(cap: &str) -> Option<&'static str> {
    let upper = cap.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
    DANGEROUS
        .iter()
        .find(|(c, _)| *c == name)
        .map(|(_, why)| *why)
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for (c, _) in w.containers() {
        let Some(caps) = c.security.as_ref().and_then(|s| s.capabilities.as_ref()) else {
            continue;
        };
        for cap in &caps.add {
            let Some(why) = danger(&cap.value) else {
                continue;
            };
            out.push(Hit::new(
                &cap.loc,
                format!("{} adds the capability {}: {why}", w.who(c), cap.value),
            ));
        }
    }
}
