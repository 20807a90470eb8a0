//! Resolved scan settings, as every pack reads them: which rules run, at what
//! severity and with which typed options, the Pod Security level and version, and
//! the input limits. The facade's `Config` builds them (in code or from
//! `stockade.yaml`); packs only read them, through their [`crate::context::Context`].

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::{ErrorKind, Problem};
use crate::rule::{RuleMeta, RuleOptions, Severity};
use crate::source::Span;

/// Per-rule settings.
#[derive(Debug, Clone, Default)]
pub struct RuleSetting {
    /// `Some(false)` turns the rule off, `Some(true)` turns an opt-in rule on.
    pub enabled: Option<bool>,
    /// Replaces the rule's severity.
    pub severity: Option<Severity>,
    /// Typed options, parsed by the rule's [`crate::rule::OptionsSpec`].
    pub options: Option<Arc<RuleOptions>>,
}

/// Pod Security Standards level.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Privileged,
    Baseline,
    #[default]
    Restricted,
}

/// Bounds on the input one scan accepts, checked before any pack reads it.
///
/// Each pack bounds its own work further (the YAML reader's YAML reader's limits on
/// depth, aliases, nodes and documents; `BuildKit`'s 64 KiB Dockerfile line limit;
/// the Dockerfile rules' budget on variable expansion): those give located
/// `limit` errors inside a file this limit lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest source scanned, in bytes (default 16 MiB, the YAML reader's stream
    /// limit; at most `u32::MAX`, as offsets are 32-bit). A larger source gives one
    /// [`ErrorKind::Limit`] error at 1:1 and is not parsed. `stockade.yaml`:
    /// `limits: {max-file-size: N}`.
    pub max_file_bytes: usize,
    /// Most findings (suppressed ones included) reported for one source (default
    /// 10 000). Past it, the findings earliest in the file are kept and one
    /// [`ErrorKind::Limit`] error, at the first finding left out, says how many
    /// were left out: memory and output stay bounded on generated or hostile
    /// input. `stockade.yaml`: `limits: {max-findings: N}`.
    pub max_findings: usize,
    /// Time one policy evaluation may take, in milliseconds (default 2000): a Rego
    /// template, constraint or conftest rule on one object. Past it the evaluation
    /// stops with an error (reported as the rule's result, as other evaluation
    /// errors are). `stockade.yaml`: `limits: {policy-eval-time: MS}`.
    pub policy_eval_millis: u64,
    /// Longest message a policy may report, in bytes (default 4 KiB); a longer one
    /// is cut at a character boundary and ends with `… (truncated)`.
    /// `stockade.yaml`: `limits: {max-message-size: N}`.
    pub max_message_bytes: usize,
}

impl Limits {
    /// The default `policy_eval_millis`: 2 s.
    pub const DEFAULT_POLICY_EVAL_MILLIS: u64 = 2_000;
    /// The largest `policy_eval_millis` accepted: 10 minutes.
    pub const MAX_POLICY_EVAL_MILLIS: u64 = 600_000;
    /// The default `max_message_bytes`: 4 KiB.
    pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 << 10;
    /// What ends a message cut at `max_message_bytes`.
    pub const TRUNCATED: &'static str = "… (truncated)";

    /// `message`, cut to at most `max_message_bytes` (plus [`Limits::TRUNCATED`]).
    pub fn cap_message(&self, message: String) -> String {
        let max = self.max_message_bytes;
        if message.len() <= max {
            return message;
        }
        let mut end = max;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        let mut out = message;
        out.truncate(end);
        out.push_str(Self::TRUNCATED);
        out
    }

    /// The default `max_findings`: 10 000.
    pub const DEFAULT_MAX_FINDINGS: usize = 10_000;

    /// The default `max_file_bytes`: 16 MiB.
    pub const DEFAULT_MAX_FILE_BYTES: usize = 16 << 20;
    /// The largest `max_file_bytes` honoured: spans are 32-bit byte offsets.
    pub const MAX_FILE_BYTES_CAP: usize = u32::MAX as usize;

    /// `max_file_bytes`, capped at [`Limits::MAX_FILE_BYTES_CAP`].
    pub fn file_bytes(&self) -> usize {
        self.max_file_bytes.min(Self::MAX_FILE_BYTES_CAP)
    }

    /// The error for a source of `len` bytes over the limit (`None` when within it).
    /// `at_least` says the source was read only up to the limit (a pipe), so its
    /// full length is unknown.
    pub fn check_file_size(&self, len: usize, at_least: bool) -> Option<Problem> {
        let max = self.file_bytes();
        if len <= max {
            return None;
        }
        let size = if at_least {
            format!("more than {max} bytes")
        } else {
            format!("{len} bytes")
        };
        Some(Problem::new(
            ErrorKind::Limit,
            Span::empty_at(0),
            format!(
                "the input is {size}, over the size limit of {max} bytes; it was not scanned (raise `limits: max-file-size` to scan it)"
            ),
        ))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            max_findings: Self::DEFAULT_MAX_FINDINGS,
            policy_eval_millis: Self::DEFAULT_POLICY_EVAL_MILLIS,
            max_message_bytes: Self::DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

/// Everything a pack reads of the configuration. Cheap to clone (shared options).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Settings {
    /// Settings by rule id (upper-case, as declared).
    pub rules: HashMap<String, RuleSetting>,
    /// Pod Security Standards level applied when no Namespace label decides.
    pub pss_level: PssLevel,
    /// Pod Security Standards version (`"latest"` or `"v1.N"`); `None` is latest.
    pub pss_version: Option<String>,
    /// Bounds on the input a scan accepts.
    pub limits: Limits,
    /// Where the pod templates of custom resource kinds are (`pod-templates` in
    /// `stockade.yaml`), besides the kinds Stockade knows.
    pub pod_templates: Vec<PodTemplatePaths>,
}

/// The pod templates of one custom resource kind: each path leads from the
/// object to a mapping holding the pod's `metadata` and `spec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTemplatePaths {
    /// The kind (`Pipeline`).
    pub kind: String,
    /// The API group (`example.com`); `None` matches the kind in any group.
    pub group: Option<String>,
    /// The paths, each parsed by [`PathStep::parse`].
    pub paths: Vec<Vec<PathStep>>,
}

/// One step of a pod-template path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// The value under this key of a mapping.
    Key(String),
    /// Every item of a list (`[]` after a key).
    Items,
    /// Every value of a mapping (`*`).
    Values,
}

impl PathStep {
    /// Parse `spec.workers[].template` or `spec.replicaSpecs.*.template`: keys
    /// separated by `.`, `[]` after a key for every item of that list, `*` for
    /// every value of a mapping. An empty path or key is an error.
    pub fn parse(path: &str) -> Result<Vec<PathStep>, String> {
        let mut out = Vec::new();
        if path.trim().is_empty() {
            return Err("the path is empty".to_string());
        }
        for part in path.split('.') {
            let (key, items) = match part.strip_suffix("[]") {
                Some(key) => (key, true),
                None => (part, false),
            };
            if key.is_empty() || key.contains(['[', ']']) {
                return Err(format!(
                    "`{part}` is not a key (write keys separated by `.`, `[]` after a list, `*` for every value of a mapping)"
                ));
            }
            out.push(if key == "*" {
                PathStep::Values
            } else {
                PathStep::Key(key.to_string())
            });
            if items {
                out.push(PathStep::Items);
            }
        }
        Ok(out)
    }
}

impl Settings {
    fn setting(&self, meta: &RuleMeta) -> Option<&RuleSetting> {
        self.rules.get(meta.id)
    }

    /// Whether the rule runs under these settings.
    pub fn is_enabled(&self, meta: &RuleMeta) -> bool {
        self.setting(meta)
            .and_then(|s| s.enabled)
            .unwrap_or(meta.default_enabled)
    }

    /// The severity findings of this rule are reported with.
    pub fn severity(&self, meta: &RuleMeta) -> Severity {
        self.setting(meta)
            .and_then(|s| s.severity)
            .unwrap_or(meta.severity)
    }

    /// Severity override, if configured.
    pub fn severity_override(&self, id: &str) -> Option<Severity> {
        self.rules.get(id).and_then(|s| s.severity)
    }

    /// The rule's typed options, when configured.
    pub fn options<T: 'static>(&self, meta: &RuleMeta) -> Option<&T> {
        self.setting(meta)?.options.as_deref()?.downcast_ref::<T>()
    }
}
