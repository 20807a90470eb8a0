//! PSA check `capabilities_restricted` (restricted, v1.22+; Windows pods exempt
//! from v1.25; replaces `capabilities_baseline`).

use super::{
    container_names, containers_phrase, join_quote, sorted_values, CheckVersion, Level, PssCheck,
    Setter, Violation,
};
use crate::podspec::Pod;
use stockade_source::rule::{Category, Pack, Severity};

const MISSING_DROP_ALL: u8 = 0;
const ADDS_FORBIDDEN: u8 = 1;

stockade_source::declare_rule! {
    /// ## What it does
    /// Requires every container to drop `ALL` capabilities
    /// (`securityContext.capabilities.drop: ["ALL"]`) and to add none but
    /// `NET_BIND_SERVICE`: pod-security-admission's `capabilities_restricted`
    /// check of the **restricted** level (v1.22 on; from v1.25 pods with
    /// `spec.os.name: windows` are exempt). It replaces `capabilities_baseline`
    /// (PSS005) at the restricted level.
    ///
    /// ## Why is this bad?
    /// The runtime's default capability set (e.g. `NET_RAW`, `SETUID`,
    /// `DAC_OVERRIDE`) is far more than most applications need, and each is
    /// attack surface after a compromise.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["NET_ADMIN"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["ALL"]
    ///     add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>
    /// - kubernetes/pod-security-admission `policy/check_capabilities_restricted.go`
    /// - Trivy KSV-0003 (no `drop: ["ALL"]`), KSV-0004 (no `drop` at all), KSV-0106
    pub static META = {
        id: "PSS018",
        name: "pss-capabilities-restricted",
        pack: Pack::PodSecurity,
        aliases: &["capabilities_restricted", "KSV-0106", "CKV_K8S_37", "CKV_K8S_25", "CKV_K8S_28", "KSV-0003", "KSV-0004", "insecureCapabilities", "CapDropAll", "drop-net-raw-capability"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Capabilities not dropped",
        remediation: "Set `securityContext.capabilities.drop: [\"ALL\"]` and add back at most `NET_BIND_SERVICE`.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "capabilities_restricted",
    level: Level::Restricted,
    meta: &META,
    versions: &[
        CheckVersion {
            since: 22,
            eval: capabilities_restricted_1_22,
            overrides: &["capabilities_baseline"],
        },
        CheckVersion {
            since: 25,
            eval: capabilities_restricted_1_25,
            overrides: &["capabilities_baseline"],
        },
    ],
    reason: |_| "unrestricted capabilities".to_string(),
    detail: |v| {
        let mut parts = Vec::new();
        let missing = container_names(v, Some(MISSING_DROP_ALL));
        if !missing.is_empty() {
            parts.push(format!(
                "{} must set securityContext.capabilities.drop=[\"ALL\"]",
                containers_phrase(&missing)
            ));
        }
        let adding = container_names(v, Some(ADDS_FORBIDDEN));
        if !adding.is_empty() {
            parts.push(format!(
                "{} must not include {} in securityContext.capabilities.add",
                containers_phrase(&adding),
                join_quote(&sorted_values(v, Some(ADDS_FORBIDDEN)))
            ));
        }
        parts.join("; ")
    },
};

fn capabilities_restricted_1_22(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        let setter = Setter::Container(i, c.name.clone());
        let Some(caps) = c.security.as_ref().and_then(|s| s.capabilities.as_ref()) else {
            out.push(Violation::new(c.security_anchor(), setter).variant(MISSING_DROP_ALL));
            continue;
        };
        if !caps.drop.iter().any(|d| d.value == "ALL") {
            let loc = caps.drop_key.as_ref().unwrap_or(&caps.key);
            out.push(Violation::new(loc, setter.clone()).variant(MISSING_DROP_ALL));
        }
        for cap in &caps.add {
            if cap.value != "NET_BIND_SERVICE" {
                out.push(
                    Violation::new(&cap.loc, setter.clone())
                        .value(cap.value.clone())
                        .variant(ADDS_FORBIDDEN),
                );
            }
        }
    }
    out
}

fn capabilities_restricted_1_25(pod: &Pod) -> Vec<Violation> {
    if pod.spec.is_windows() {
        return Vec::new();
    }
    capabilities_restricted_1_22(pod)
}
