//! Rule metadata: declared once per rule, next to its check, with the doc comment
//! as its documentation. `stockade rules`, `stockade explain`, the SARIF rule list
//! and `docs/rules.md` are all generated from [`RuleMeta`].

use std::any::Any;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    /// Case-insensitive, as Trivy's `--severity HIGH,CRITICAL`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected critical, high, medium, low or info)")
            })
    }
}

/// What kind of concern a rule expresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Security,
    BestPractice,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::BestPractice => "best-practice",
        }
    }
}

/// Which rule pack a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pack {
    /// Rules about Stockade itself (unused suppressions, unsupported input).
    Meta,
    Dockerfile,
    Kubernetes,
    PodSecurity,
    NetworkPolicy,
    Gatekeeper,
    Rego,
    Kyverno,
}

impl Pack {
    pub fn as_str(self) -> &'static str {
        match self {
            Pack::Meta => "meta",
            Pack::Dockerfile => "dockerfile",
            Pack::Kubernetes => "kubernetes",
            Pack::PodSecurity => "pod-security",
            Pack::NetworkPolicy => "network-policy",
            Pack::Gatekeeper => "gatekeeper",
            Pack::Rego => "rego",
            Pack::Kyverno => "kyverno",
        }
    }
}

/// Parsed, typed rule options (see [`OptionsSpec`]).
pub type RuleOptions = Box<dyn Any + Send + Sync>;

/// One step of the path to a value inside a rule's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionsPathSegment {
    /// A mapping key (a field of the options struct).
    Key(String),
    /// A list item (0-based).
    Index(usize),
}

/// Why a rule's options were rejected, and where in them: the path to the
/// offending value (`registries`, `[2]`), empty when it is the options as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OptionsError {
    pub message: String,
    pub path: Vec<OptionsPathSegment>,
    /// The path ends at a key that is itself wrong (an unknown field), not at a
    /// value: the error belongs on the key.
    pub at_key: bool,
}

impl OptionsError {
    /// An error about the options as a whole.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            path: Vec::new(),
            at_key: false,
        }
    }

    /// The path as written in a configuration: `registries[2]` (empty for none).
    pub fn path_string(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                OptionsPathSegment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                OptionsPathSegment::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OptionsError {}

/// Deserialise a rule's options (what [`options_spec!`] uses), with the path to
/// the value that failed. Options types hold their compiled form (glob sets such
/// as [`crate::glob::Globs`]), so this is where patterns are compiled, once.
pub fn parse_options<T>(value: &serde_json::Value) -> Result<RuleOptions, OptionsError>
where
    T: serde::de::DeserializeOwned + Any + Send + Sync,
{
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(options) => Ok(Box::new(options)),
        Err(e) => {
            let path = e
                .path()
                .iter()
                .filter_map(|segment| match segment {
                    serde_path_to_error::Segment::Map { key } => {
                        Some(OptionsPathSegment::Key(key.clone()))
                    }
                    serde_path_to_error::Segment::Enum { variant } => {
                        Some(OptionsPathSegment::Key(variant.clone()))
                    }
                    serde_path_to_error::Segment::Seq { index } => {
                        Some(OptionsPathSegment::Index(*index))
                    }
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            let message = e.inner().to_string();
            Err(OptionsError {
                // serde's wording for `deny_unknown_fields`.
                at_key: message.starts_with("unknown field `"),
                message,
                path,
            })
        }
    }
}

/// The default options of a type, as JSON (for documentation).
pub fn options_defaults<T: Default + Serialize>() -> serde_json::Value {
    serde_json::to_value(T::default()).unwrap_or(serde_json::Value::Null)
}

/// How a rule reads its options from the configuration file.
///
/// `parse` deserialises the JSON value of `rules.<ID>.options` into the rule's typed
/// options struct (which derives `Deserialize` with `deny_unknown_fields`), so a typo
/// is an error with a position rather than a silently ignored key. The struct holds
/// the compiled form of its options (glob sets built once, not per file), so an
/// invalid pattern is an error here too, with the path to that pattern.
#[derive(Clone, Copy)]
pub struct OptionsSpec {
    pub parse: fn(&serde_json::Value) -> Result<RuleOptions, OptionsError>,
    /// The defaults, as JSON, for documentation.
    pub defaults: fn() -> serde_json::Value,
}

impl fmt::Debug for OptionsSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptionsSpec").finish_non_exhaustive()
    }
}

/// Builds an [`OptionsSpec`] for an options type (`Deserialize + Serialize +
/// Default`).
#[macro_export]
macro_rules! options_spec {
    ($ty:ty) => {
        $crate::rule::OptionsSpec {
            parse: $crate::rule::parse_options::<$ty>,
            defaults: $crate::rule::options_defaults::<$ty>,
        }
    };
}

/// Everything known about a rule, declared once.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Stable id, e.g. `DF0001`. Never reused.
    pub id: &'static str,
    /// Kebab-case name, e.g. `image-latest-tag`.
    pub name: &'static str,
    pub pack: Pack,
    /// Matching ids of other tools (hadolint, Trivy, Checkov, `BuildKit`, PSA, kube-linter …).
    pub aliases: &'static [&'static str],
    pub severity: Severity,
    pub category: Category,
    pub title: &'static str,
    /// One or two sentences telling how to fix a finding.
    pub remediation: &'static str,
    /// Markdown documentation: the rule's doc comment, with the sections
    /// `## What it does`, `## Why is this bad?`, `## Example`, `## Use instead`, `## References`.
    pub docs: &'static str,
    /// Off unless the configuration turns it on (opt-in rules such as digest pinning).
    pub default_enabled: bool,
    pub options: Option<OptionsSpec>,
}

impl RuleMeta {
    /// Defaults for the fields a declaration may leave out.
    pub const DEFAULT: RuleMeta = RuleMeta {
        id: "",
        name: "",
        pack: Pack::Meta,
        aliases: &[],
        severity: Severity::Medium,
        category: Category::Security,
        title: "",
        remediation: "",
        docs: "",
        default_enabled: true,
        options: None,
    };

    /// Link to the rule's documentation.
    pub fn help_url(&self) -> String {
        format!(
            "{}/blob/main/docs/rules.md#{}",
            env!("CARGO_PKG_REPOSITORY"),
            self.id.to_ascii_lowercase()
        )
    }

    /// Whether `name` is this rule's id or one of its aliases (case-insensitive).
    /// Trivy's `AVD-DS-0001` and `DS001` spellings match an alias `DS-0001`.
    pub fn answers_to(&self, name: &str) -> bool {
        let name = name.trim();
        self.id.eq_ignore_ascii_case(name)
            || self.name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| alias_matches(a, name))
    }

    /// The docs without the leading space rustdoc leaves on each line.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

fn alias_matches(alias: &str, name: &str) -> bool {
    if alias.eq_ignore_ascii_case(name) {
        return true;
    }
    // Trivy ids: DS-0001 == AVD-DS-0001 == DS001 (likewise KSV).
    let norm = |s: &str| -> Option<(String, u32)> {
        let s = s
            .strip_prefix("AVD-")
            .or_else(|| s.strip_prefix("avd-"))
            .unwrap_or(s);
        let split = s.find(|c: char| c.is_ascii_digit())?;
        let (prefix, digits) = s.split_at(split);
        let prefix = prefix.trim_end_matches('-');
        if !matches!(prefix.to_ascii_uppercase().as_str(), "DS" | "KSV") {
            return None;
        }
        Some((prefix.to_ascii_uppercase(), digits.parse().ok()?))
    };
    matches!((norm(alias), norm(name)), (Some(a), Some(b)) if a == b)
}

/// Declares a rule's [`RuleMeta`] as a `static`, taking its doc comment as the docs.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub static META = {
///         id: "DF0001", name: "image-latest-tag", pack: Pack::Dockerfile,
///         aliases: &["DL3007"], severity: Severity::Medium, category: Category::Security,
///         title: "…", remediation: "…",
///     };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis static $name:ident = { $($field:ident : $value:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
            docs: concat!($($doc, "\n"),*),
            $($field: $value,)*
            ..$crate::rule::RuleMeta::DEFAULT
        };
    };
}

/// A pack's registration list: the metadata of each rule module (each declares
/// its `META` with [`declare_rule!`]), as the one `static` the registry and the
/// pack's `Pack::rules` read. Every pack registers its rules with one such list.
///
/// ```ignore
/// stockade_source::register_rules! {
///     /// Every rule of the pack.
///     pub static RULES = [rules::latest_tag, rules::root_user];
/// }
/// ```
#[macro_export]
macro_rules! register_rules {
    ($(#[doc = $doc:literal])* $vis:vis static $name:ident = [$($($m:ident)::+),* $(,)?];) => {
        $(#[doc = $doc])*
        $vis static $name: &[&$crate::rule::RuleMeta] = &[$(&$($m)::+::META),*];
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivy_alias_spellings_match() {
        assert!(alias_matches("DS-0001", "AVD-DS-0001"));
        assert!(alias_matches("DS-0001", "DS001"));
        assert!(alias_matches("DS-0001", "ds-0001"));
        assert!(!alias_matches("DS-0001", "DS-0002"));
        assert!(!alias_matches("DL3007", "DL3008"));
        assert!(alias_matches("KSV-0017", "AVD-KSV-0017"));
    }

    #[derive(Debug, Default, Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Opts {
        #[serde(default)]
        registries: crate::glob::Globs,
    }

    #[test]
    fn options_errors_carry_the_path_to_the_value() {
        let spec = crate::options_spec!(Opts);
        let err = (spec.parse)(&serde_json::json!({"registries": ["a", "b/[x"]})).unwrap_err();
        assert_eq!(
            err.path,
            [
                OptionsPathSegment::Key("registries".into()),
                OptionsPathSegment::Index(1)
            ]
        );
        assert_eq!(err.path_string(), "registries[1]");
        assert!(
            err.message.starts_with("invalid glob pattern `b/[x`"),
            "{err}"
        );
        let err = (spec.parse)(&serde_json::json!({"registry": []})).unwrap_err();
        assert_eq!(err.path_string(), "registry");
        assert!(err.at_key);
        assert!(err.message.starts_with("unknown field `registry`"), "{err}");
        let parsed = (spec.parse)(&serde_json::json!({"registries": ["a/*"]})).unwrap();
        assert!(parsed
            .downcast_ref::<Opts>()
            .unwrap()
            .registries
            .is_match("a/b/c"));
        assert_eq!((spec.defaults)(), serde_json::json!({"registries": []}));
    }

    #[test]
    fn severity_parses_case_insensitively() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
    }
}
