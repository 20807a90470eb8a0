//! PSA check `appArmorProfile` (baseline, v1.0+).

use super::{
    go_quote, join_quote, pluralize, setters_phrase, sorted_values, CheckVersion, Level, PssCheck,
    Setter, Violation,
};
use crate::podspec::{Pod, Profile};
use stockade_source::rule::{Category, Pack, Severity};

/// Prefix of the deprecated per-container `AppArmor` annotations.
pub const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

const FIELD: u8 = 0;
const ANNOTATION: u8 = 1;

stockade_source::declare_rule! {
    /// ## What it does
    /// Denies a pod that overrides or disables the default AppArmor profile:
    /// pod-security-admission's `appArmorProfile` check of the **baseline** level
    /// (every version from v1.0, fields and annotations alike). Allowed are:
    /// `appArmorProfile.type` `RuntimeDefault` or `Localhost` (pod and every
    /// container), and annotations `container.apparmor.security.beta.kubernetes.io/*`
    /// with the value `runtime/default`, `localhost/*` or empty.
    ///
    /// ## Why is this bad?
    /// `Unconfined` turns off the mandatory-access-control layer that limits what
    /// a compromised container can do on the node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile:
    ///     type: Unconfined
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// securityContext:
    ///   appArmorProfile:
    ///     type: RuntimeDefault
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>
    /// - kubernetes/pod-security-admission `policy/check_appArmorProfile.go`
    pub static META = {
        id: "PSS006",
        name: "pss-apparmor-profile",
        pack: Pack::PodSecurity,
        aliases: &["appArmorProfile", "KSV-0002", "ApparmorUnconfined"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Forbidden AppArmor profile",
        remediation: "Use the `RuntimeDefault` or a `Localhost` AppArmor profile, or leave it unset.",
    };
}

pub static CHECK: PssCheck = PssCheck {
    id: "appArmorProfile",
    level: Level::Baseline,
    meta: &META,
    versions: &[CheckVersion {
        since: 0,
        eval: app_armor_1_0,
        overrides: &[],
    }],
    reason: |v| {
        pluralize(
            "forbidden AppArmor profile",
            "forbidden AppArmor profiles",
            bad_values(v).len(),
        )
        .to_string()
    },
    detail: |v| {
        let mut setters = vec![setters_phrase(v, Some(FIELD))];
        setters.retain(|s| !s.is_empty());
        let annotations = v.iter().filter(|v| v.variant == ANNOTATION).count();
        if annotations > 0 {
            setters.push(pluralize("annotation", "annotations", annotations).to_string());
        }
        format!(
            "{} must not set AppArmor profile type to {}",
            setters.join(" and "),
            join_quote(&bad_values(v))
        )
    },
};

/// Field values (sorted, unique), then annotations (sorted), as PSA lists them.
fn bad_values(v: &[&Violation]) -> Vec<String> {
    let mut values = sorted_values(v, Some(FIELD));
    let mut annotations: Vec<String> = v
        .iter()
        .filter(|v| v.variant == ANNOTATION)
        .filter_map(|v| v.value.clone())
        .collect();
    annotations.sort();
    values.extend(annotations);
    values
}

fn allowed_type(profile: &Profile) -> bool {
    matches!(profile.kind.value.as_str(), "RuntimeDefault" | "Localhost")
}

fn allowed_annotation(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

fn app_armor_1_0(pod: &Pod) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(p) = pod.spec.pod_common().and_then(|s| s.app_armor.as_ref()) {
        if !allowed_type(p) {
            out.push(Violation::new(&p.kind.loc, Setter::Pod).value(p.kind.value.clone()));
        }
    }
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if let Some(p) = c
            .security
            .as_ref()
            .and_then(|s| s.common.app_armor.as_ref())
        {
            if !allowed_type(p) {
                out.push(
                    Violation::new(&p.kind.loc, Setter::Container(i, c.name.clone()))
                        .value(p.kind.value.clone()),
                );
            }
        }
    }
    for (key, value) in &pod.meta.annotations {
        if key.value.starts_with(ANNOTATION_PREFIX) && !allowed_annotation(&value.value) {
            let rendered = format!("{}={}", key.value, go_quote(&value.value));
            out.push(
                Violation::new(&value.loc, Setter::Annotation(rendered.clone()))
                    .value(rendered)
                    .variant(ANNOTATION),
            );
        }
    }
    out
}
