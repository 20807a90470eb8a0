//! The Pod Security Standards, decided exactly as pod-security-admission decides them.
//!
//! Every PSA check is one rule here (`PSS001`…`PSS019`), in its own file, with
//! the PSA check id as an alias. A check has one or more versioned
//! implementations (the one with the newest `since` not after the evaluated
//! version applies), a level, and, for restricted checks, the baseline checks it
//! replaces at the restricted level ([`CheckVersion::overrides`]), as PSA's
//! registry does:
//!
//! - baseline at `v1.N` runs every baseline check that exists at `v1.N`;
//! - restricted at `v1.N` runs every restricted check that exists at `v1.N`, plus
//!   every baseline check that no restricted check overrides at `v1.N`;
//! - `latest`, and any version newer than the newest known one, run the newest
//!   versions ([`NEWEST_MINOR`]);
//! - the privileged level runs nothing.
//!
//! A check returns [`Violation`]s: one per offending node, so that every finding
//! points at its own place. Its `reason` and `detail` functions render PSA's
//! forbidden reason and detail for any set of violations: for all of them
//! ([`evaluate`], byte-for-byte PSA's message) or for one ([`violation_message`],
//! the message of the finding at that node).

use std::collections::BTreeSet;
use std::fmt;

use crate::podspec::{Loc, Pod};
use stockade_source::rule::RuleMeta;
use stockade_source::settings::PssLevel;

pub(crate) mod allow_privilege_escalation;
pub(crate) mod app_armor_profile;
pub(crate) mod capabilities_baseline;
pub(crate) mod capabilities_restricted;
pub(crate) mod host_namespaces;
pub(crate) mod host_path_volumes;
pub(crate) mod host_ports;
pub(crate) mod host_probes_and_host_lifecycle;
pub(crate) mod privileged;
pub(crate) mod proc_mount;
pub(crate) mod proc_mount_restricted;
pub(crate) mod restricted_volumes;
pub(crate) mod run_as_non_root;
pub(crate) mod run_as_user;
pub(crate) mod se_linux_options;
pub(crate) mod seccomp_profile_baseline;
pub(crate) mod seccomp_profile_restricted;
pub(crate) mod sysctls;
pub(crate) mod windows_host_process;

/// The newest Kubernetes minor version whose policy Stockade knows; `latest`
/// and every newer version evaluate as this one (as PSA does).
pub const NEWEST_MINOR: u32 = 37;

/// A Pod Security level that has checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Baseline,
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    /// The checked level for a configured level (`None` for privileged).
    pub fn from_config(level: PssLevel) -> Option<Level> {
        match level {
            PssLevel::Privileged => None,
            PssLevel::Baseline => Some(Level::Baseline),
            PssLevel::Restricted => Some(Level::Restricted),
        }
    }
}

/// A policy version: `v1.N` or `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Version {
    /// `None` is `latest`.
    minor: Option<u32>,
}

impl Version {
    pub const LATEST: Version = Version { minor: None };

    pub const fn v1(minor: u32) -> Version {
        Version { minor: Some(minor) }
    }

    /// Parse `latest` or `v1.N`, as PSA does (`v1.01` and `1.2` are invalid).
    pub fn parse(text: &str) -> Result<Version, String> {
        if text == "latest" {
            return Ok(Version::LATEST);
        }
        let digits = text
            .strip_prefix("v1.")
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .filter(|d| d.len() == 1 || !d.starts_with('0'));
        digits
            .and_then(|d| d.parse::<u32>().ok())
            .map(Version::v1)
            .ok_or_else(|| {
                format!("invalid Pod Security version `{text}`: must be \"latest\" or \"v1.x\"")
            })
    }

    /// The minor version whose checks apply.
    pub fn effective_minor(self) -> u32 {
        self.minor.map_or(NEWEST_MINOR, |m| m.min(NEWEST_MINOR))
    }

    pub fn is_latest(self) -> bool {
        self.minor.is_none()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            None => f.write_str("latest"),
            Some(m) => write!(f, "v1.{m}"),
        }
    }
}

/// Who set an offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setter {
    Pod,
    /// A container, by its index in visit order and its name.
    Container(usize, String),
    /// An annotation, rendered as PSA renders it (`key="value"`).
    Annotation(String),
    Volume(String),
    /// A free-form item (`hostNetwork=true`, a sysctl name).
    Item(String),
}

/// One offending node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The node the finding points at.
    pub loc: Loc,
    pub setter: Setter,
    /// The offending value (a capability, a profile type, a port …).
    pub value: Option<String>,
    /// Which of the check's messages applies (check-specific).
    pub variant: u8,
}

impl Violation {
    pub fn new(loc: &Loc, setter: Setter) -> Self {
        Self {
            loc: loc.clone(),
            setter,
            value: None,
            variant: 0,
        }
    }

    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    #[must_use]
    pub fn variant(mut self, variant: u8) -> Self {
        self.variant = variant;
        self
    }
}

/// Evaluates a pod; returns nothing when the pod is allowed.
pub type EvalFn = fn(&Pod) -> Vec<Violation>;
/// Renders PSA's forbidden reason or detail for a set of violations.
pub type RenderFn = fn(&[&Violation]) -> String;

/// One versioned implementation of a check.
#[derive(Debug, Clone, Copy)]
pub struct CheckVersion {
    /// The first minor version (`1.since`) this implementation applies to.
    pub since: u32,
    pub eval: EvalFn,
    /// Baseline check ids this (restricted) check replaces at the restricted level.
    pub overrides: &'static [&'static str],
}

/// A pod-security-admission check.
#[derive(Debug)]
pub struct PssCheck {
    /// PSA's check id (`allowPrivilegeEscalation`).
    pub id: &'static str,
    pub level: Level,
    pub meta: &'static RuleMeta,
    /// Strictly increasing `since`.
    pub versions: &'static [CheckVersion],
    pub reason: RenderFn,
    pub detail: RenderFn,
}

impl PssCheck {
    /// The implementation that applies at `minor`, if the check exists then.
    pub fn at(&self, minor: u32) -> Option<&'static CheckVersion> {
        self.versions.iter().rev().find(|v| v.since <= minor)
    }
}

/// Every check, baseline first, each level in PSA's (byte-wise) id order.
pub static CHECKS: &[&PssCheck] = &[
    &app_armor_profile::CHECK,
    &capabilities_baseline::CHECK,
    &host_namespaces::CHECK,
    &host_path_volumes::CHECK,
    &host_ports::CHECK,
    &host_probes_and_host_lifecycle::CHECK,
    &privileged::CHECK,
    &proc_mount::CHECK,
    &se_linux_options::CHECK,
    &seccomp_profile_baseline::CHECK,
    &sysctls::CHECK,
    &windows_host_process::CHECK,
    &allow_privilege_escalation::CHECK,
    &capabilities_restricted::CHECK,
    &proc_mount_restricted::CHECK,
    &restricted_volumes::CHECK,
    &run_as_non_root::CHECK,
    &run_as_user::CHECK,
    &seccomp_profile_restricted::CHECK,
];

/// The check with this PSA id (case-insensitive) or rule id.
pub fn check_by_id(id: &str) -> Option<&'static PssCheck> {
    CHECKS
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id) || c.meta.id.eq_ignore_ascii_case(id))
        .copied()
}

/// The checks that run at this level and version, each with the implementation
/// that applies, in PSA's order.
pub fn checks_for(
    level: Level,
    version: Version,
) -> Vec<(&'static PssCheck, &'static CheckVersion)> {
    let minor = version.effective_minor();
    let restricted: Vec<_> = if level == Level::Restricted {
        CHECKS
            .iter()
            .filter(|c| c.level == Level::Restricted)
            .filter_map(|c| c.at(minor).map(|v| (*c, v)))
            .collect()
    } else {
        Vec::new()
    };
    let overridden = |id: &str| restricted.iter().any(|(_, v)| v.overrides.contains(&id));
    let mut out: Vec<_> = CHECKS
        .iter()
        .filter(|c| c.level == Level::Baseline && !overridden(c.id))
        .filter_map(|c| c.at(minor).map(|v| (*c, v)))
        .collect();
    out.extend(restricted);
    out
}

/// The baseline checks that the restricted level replaces at this version (PSA
/// does not run them at restricted), each with the implementation that applies.
/// The findings layer still runs them, so that a baseline violation keeps its own
/// rule and severity under the restricted level.
pub fn replaced_at_restricted(version: Version) -> Vec<(&'static PssCheck, &'static CheckVersion)> {
    let active = checks_for(Level::Restricted, version);
    let minor = version.effective_minor();
    CHECKS
        .iter()
        .filter(|c| c.level == Level::Baseline)
        .filter(|c| active.iter().any(|(_, v)| v.overrides.contains(&c.id)))
        .filter_map(|c| c.at(minor).map(|v| (*c, v)))
        .collect()
}

/// A failed check: PSA's reason and detail for all its violations, and the violations.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub check: &'static PssCheck,
    pub reason: String,
    pub detail: String,
    pub violations: Vec<Violation>,
}

impl CheckResult {
    /// `reason (detail)`, as PSA joins them.
    pub fn message(&self) -> String {
        join_reason(&self.reason, &self.detail)
    }
}

fn join_reason(reason: &str, detail: &str) -> String {
    if detail.is_empty() {
        reason.to_string()
    } else {
        format!("{reason} ({detail})")
    }
}

/// Evaluate a pod at a level and version: the checks that deny it, in PSA's order.
pub fn evaluate(pod: &Pod, level: Level, version: Version) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for (check, implementation) in checks_for(level, version) {
        let violations = (implementation.eval)(pod);
        if violations.is_empty() {
            continue;
        }
        let all: Vec<&Violation> = violations.iter().collect();
        out.push(CheckResult {
            check,
            reason: (check.reason)(&all),
            detail: (check.detail)(&all),
            violations,
        });
    }
    out
}

/// PSA's message for one violation on its own (`reason (detail)`).
pub fn violation_message(check: &PssCheck, violation: &Violation) -> String {
    let one = [violation];
    join_reason(&(check.reason)(&one), &(check.detail)(&one))
}

// ---------------------------------------------------------------------------
// Rendering helpers shared by the checks (PSA's wording).

pub(crate) fn pluralize<'a>(singular: &'a str, plural: &'a str, count: usize) -> &'a str {
    if count == 1 {
        singular
    } else {
        plural
    }
}

/// `"a", "b"` (no escaping, as PSA's `joinQuote`).
pub(crate) fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

pub(crate) use stockade_source::go::go_quote;

/// Sorted, de-duplicated values (PSA's `sets.String.List()`).
pub(crate) fn sorted_values(violations: &[&Violation], variant: Option<u8>) -> Vec<String> {
    violations
        .iter()
        .filter(|v| variant.is_none_or(|want| v.variant == want))
        .filter_map(|v| v.value.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Names of the containers among the setters, once per container, in visit order.
pub(crate) fn container_names(violations: &[&Violation], variant: Option<u8>) -> Vec<String> {
    // A set, not a list: a pod with thousands of containers stays linear.
    let mut seen: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut names = Vec::new();
    for v in violations {
        if variant.is_some_and(|want| v.variant != want) {
            continue;
        }
        if let Setter::Container(index, name) = &v.setter {
            if seen.insert(*index) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// `container "a"` / `containers "a", "b"`.
pub(crate) fn containers_phrase(names: &[String]) -> String {
    format!(
        "{} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names)
    )
}

/// PSA's "bad setters": `pod` first when the pod sets it, then the containers,
/// joined with ` and `.
pub(crate) fn setters_phrase(violations: &[&Violation], variant: Option<u8>) -> String {
    let mut parts = Vec::new();
    if violations
        .iter()
        .any(|v| v.setter == Setter::Pod && variant.is_none_or(|want| v.variant == want))
    {
        parts.push("pod".to_string());
    }
    let names = container_names(violations, variant);
    if !names.is_empty() {
        parts.push(containers_phrase(&names));
    }
    parts.join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_as_psa_parses_them() {
        assert_eq!(Version::parse("latest"), Ok(Version::LATEST));
        assert_eq!(Version::parse("v1.0"), Ok(Version::v1(0)));
        assert_eq!(Version::parse("v1.25"), Ok(Version::v1(25)));
        assert!(Version::parse("v1.01").is_err());
        assert!(Version::parse("1.25").is_err());
        assert!(Version::parse("v2.0").is_err());
        assert!(Version::parse("v1.").is_err());
        assert_eq!(Version::v1(99).effective_minor(), NEWEST_MINOR);
    }

    #[test]
    fn registry_applies_overrides_per_version() {
        let ids = |level, minor| -> Vec<&str> {
            checks_for(level, Version::v1(minor))
                .iter()
                .map(|(c, _)| c.id)
                .collect()
        };
        // Before 1.19 restricted still runs the seccomp annotation check.
        assert!(ids(Level::Restricted, 18).contains(&"seccompProfile_baseline"));
        assert!(!ids(Level::Restricted, 19).contains(&"seccompProfile_baseline"));
        assert!(ids(Level::Restricted, 19).contains(&"seccompProfile_restricted"));
        assert!(ids(Level::Restricted, 21).contains(&"capabilities_baseline"));
        assert!(!ids(Level::Restricted, 22).contains(&"capabilities_baseline"));
        assert!(!ids(Level::Restricted, 0).contains(&"hostPathVolumes"));
        assert!(ids(Level::Baseline, 0).contains(&"hostPathVolumes"));
        assert!(!ids(Level::Baseline, 33).contains(&"hostProbesAndHostLifecycle"));
        assert!(ids(Level::Baseline, 34).contains(&"hostProbesAndHostLifecycle"));
        assert!(ids(Level::Restricted, 34).contains(&"procMount"));
        assert!(!ids(Level::Restricted, 35).contains(&"procMount"));
        assert!(ids(Level::Restricted, 35).contains(&"procMount_restricted"));
        assert!(!ids(Level::Baseline, 37).contains(&"runAsNonRoot"));
    }

    #[test]
    fn every_check_is_a_rule_with_its_psa_id_as_alias() {
        let rules: Vec<_> = crate::RULES
            .iter()
            .filter(|r| r.pack == stockade_source::rule::Pack::PodSecurity)
            .collect();
        assert_eq!(CHECKS.len(), rules.len());
        for check in CHECKS {
            assert!(check.meta.aliases.contains(&check.id), "{}", check.meta.id);
            assert!(rules.iter().any(|r| r.id == check.meta.id));
            let sinces: Vec<u32> = check.versions.iter().map(|v| v.since).collect();
            assert!(sinces.windows(2).all(|w| w[0] < w[1]), "{}", check.id);
        }
    }

    #[test]
    fn go_quote_escapes_like_go() {
        assert_eq!(go_quote("unconfined"), "\"unconfined\"");
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
        assert_eq!(go_quote("é"), "\"é\"");
    }
}
