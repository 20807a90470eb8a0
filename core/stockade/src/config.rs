//! Scan configuration: which rules run, at what severity, with which options.
//!
//! Built in code ([`Config::default`], the builder methods) or read from a
//! `stockade.yaml` file ([`Config::from_yaml`]), where unknown keys and bad values
//! are errors carrying their position.
//!
//! # `stockade.yaml`
//!
//! ```yaml
//! rules:
//!   DF0001: off              # on | off | true | false (also yes/no: YAML 1.1 booleans)
//!   DL3008: off              # an alias (hadolint, Trivy, kube-linter …) means the rule
//!                            # that answers to it; the setting is stored under its id
//!   DF0003:
//!     enabled: true          # turns an opt-in rule on
//!     severity: high         # critical | high | medium | low | info
//!     options:               # checked and compiled by the rule's own options type
//!       registries: ["docker.io/library/*", "ghcr.io/acme/*"]
//! pod-security:
//!   level: restricted        # privileged | baseline | restricted (default restricted)
//!   version: latest          # latest | v1.N (default latest)
//! limits:
//!   max-file-size: 16777216  # bytes; a larger file is one `limit` error, not parsed
//!   max-findings: 10000      # per file; past it, one `limit` error counts the rest
//!   policy-eval-time: 2000   # ms per Rego evaluation (one rule on one object)
//!   max-message-size: 4096   # bytes of a policy's message; longer ones are cut
//! exclude: [target/, node_modules/]  # replaces these default exclusions
//! extend-exclude: [vendor/, "*.generated.yaml"]  # added to them
//! pod-templates:             # pod templates of custom resources Stockade does not know
//!   - kind: Pipeline
//!     api-group: example.com # optional: any group when absent
//!     paths: [spec.runner.template, "spec.stages[].template", "spec.roles.*.template"]
//! ```
//!
//! A `pod-templates` path leads from the object to the mapping that holds the
//! pod's `metadata` and `spec` (keys separated by `.`, `[]` after a list for each
//! of its items, `*` for each value of a mapping); every pod rule checks the pods
//! found there.
//!
//! `exclude` and `extend-exclude` are `.gitignore`-style patterns, relative to
//! the configuration file's folder: a pattern without `/` matches a file or
//! folder name anywhere, one with a `/` is anchored, a trailing `/` matches
//! folders only, `!` re-includes. They apply to files and folders found by
//! walking, never to a path named on the command line.
//!
//! Every key is optional; an empty file is the default configuration. Errors
//! (`ErrorKind::Config`, located at the offending key or value; YAML syntax errors
//! are `ErrorKind::Parse`) are all collected, not only the first:
//! - an unknown top-level, `pod-security` or rule-setting key;
//! - a rule id or alias no rule answers to (a Stockade-shaped id such as
//!   `DF0999`, or a name of no known shape), or two entries naming the same
//!   rule; another tool's id that Stockade does not implement (`DL3059`,
//!   `SC2086`, `CKV_K8S_99`: see [`crate::suppress::foreign_tool`]) is not an
//!   error but a notice ([`Config::notices`], shown in the report's summary);
//! - a rule value that is neither a boolean nor a mapping, a non-boolean `enabled`,
//!   an unknown severity, a bad level or version;
//! - `options` for a rule without options, or options its `OptionsSpec::parse`
//!   rejects: an unknown field is located at that field's key, a bad value or an
//!   invalid glob pattern at that value or list item (patterns are compiled here,
//!   once, never per scanned file);
//! - an `exclude` or `extend-exclude` that is not a list of strings, or a
//!   pattern that is empty or not a valid glob (located at that item);
//! - an unknown `limits` key, a `max-file-size` that is not a whole number of
//!   bytes from 1 to 4 GiB − 1, a `max-findings` that is not a positive number, a
//!   `policy-eval-time` that is not a number of milliseconds from 1 to 600 000, or
//!   a `max-message-size` under 64 bytes.

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::{ErrorKind, Problem};
use crate::rule::{OptionsError, OptionsPathSegment, RuleMeta, RuleOptions, Severity};
use crate::source::{LineIndex, Span};
use crate::yaml::{self, Node, Value};

pub use stockade_source::settings::{
    Limits, PathStep, PodTemplatePaths, PssLevel, RuleSetting, Settings,
};

/// Everything that shapes a scan: the [`Settings`] every pack reads (rules, Pod
/// Security level and version, limits) and where they were read from. Cheap to
/// clone (shared options). Read the settings through `Deref` (`config.limits`,
/// `config.is_enabled(meta)`); build a configuration in code with the `with_…`
/// methods, which name rules by id or by any alias.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Config {
    settings: Settings,
    /// The file the configuration was read from ([`Config::from_yaml`]), if any.
    path: Option<String>,
    /// `exclude`: replaces [`Config::DEFAULT_EXCLUDE`] when set.
    exclude: Option<Vec<String>>,
    /// `extend-exclude`: added to the exclusions.
    extend_exclude: Vec<String>,
    /// Notices about `rules` entries naming another tool's rule that Stockade
    /// does not implement (`DL3059: off`): not errors, said once in the report.
    notices: Vec<String>,
    /// `helm:`: how charts are rendered (values files, `--set`, …).
    helm: crate::helm::HelmConfig,
}

impl std::ops::Deref for Config {
    type Target = Settings;
    fn deref(&self) -> &Settings {
        &self.settings
    }
}

impl std::ops::DerefMut for Config {
    fn deref_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }
}

impl Config {
    /// The `helm:` section: how charts are rendered.
    pub fn helm(&self) -> &crate::helm::HelmConfig {
        &self.helm
    }

    /// The settings the packs read.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The file the configuration was read from ([`Config::from_yaml`]), if any.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Notices for the report's summary (`summary.notices`): the `rules`
    /// entries naming another tool's rule that no Stockade rule answers to.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// The folders a scan's walk passes over when `exclude` is not set.
    pub const DEFAULT_EXCLUDE: &'static [&'static str] = &["target/", "node_modules/"];

    /// Whether `exclude` replaced the default exclusions.
    pub fn replaces_default_exclude(&self) -> bool {
        self.exclude.is_some()
    }

    /// Every exclusion pattern (`.gitignore` syntax, relative to the
    /// configuration's folder): `exclude` (or [`Config::DEFAULT_EXCLUDE`]), then
    /// `extend-exclude`.
    pub fn exclusions(&self) -> Vec<String> {
        let base = self.exclude.clone().unwrap_or_else(|| {
            Self::DEFAULT_EXCLUDE
                .iter()
                .map(ToString::to_string)
                .collect()
        });
        base.into_iter()
            .chain(self.extend_exclude.iter().cloned())
            .collect()
    }

    /// Add exclusion patterns (as `extend-exclude`); each is checked as the
    /// configuration file's are.
    pub fn with_extend_exclude<I, S>(mut self, patterns: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for pattern in patterns {
            let pattern = pattern.into();
            check_exclude(&pattern).map_err(|e| format!("exclusion `{pattern}`: {e}"))?;
            self.extend_exclude.push(pattern);
        }
        Ok(self)
    }

    /// The id of the built-in rule that answers to `name` (id, name or alias), or
    /// `name` upper-cased when none does (a rule an embedder registers itself).
    fn rule_key(name: &str) -> String {
        crate::registry::find_rule(name)
            .map_or_else(|| name.trim().to_ascii_uppercase(), |m| m.id.to_string())
    }

    /// Turn a rule on or off, named by id, name or any alias (`DL3007` is DF0001).
    #[must_use]
    pub fn with_rule_enabled(mut self, rule: &str, enabled: bool) -> Self {
        self.settings
            .rules
            .entry(Self::rule_key(rule))
            .or_default()
            .enabled = Some(enabled);
        self
    }

    /// Report a rule (named by id, name or alias) at another severity.
    #[must_use]
    pub fn with_rule_severity(mut self, rule: &str, severity: Severity) -> Self {
        self.settings
            .rules
            .entry(Self::rule_key(rule))
            .or_default()
            .severity = Some(severity);
        self
    }

    /// Give a rule (named by id, name or alias) its typed options: the options
    /// struct the rule declares, built with its `new` constructor, which compiles
    /// the options (glob patterns) once and rejects invalid ones, as reading them
    /// from `stockade.yaml` does. The rules with options:
    ///
    /// - DF0003: [`stockade_dockerfile::rules::allowed_registries::Options`]
    /// - DF0004: [`stockade_dockerfile::rules::allowed_images::Options`]
    /// - K8S008: [`stockade_kubernetes::hardening::image_registries::Options`]
    /// - K8S011: [`stockade_kubernetes::hardening::default_namespace::Options`]
    ///
    /// Options of another type are not the rule's and are ignored by it.
    ///
    /// ```
    /// use stockade::dockerfile::rules::allowed_registries::Options;
    /// use stockade::{Config, Engine};
    ///
    /// // `registries` means the same in DF0003 and K8S008: a host pattern
    /// // (`registry.example.com`, `*.gcr.io`) or, with a `/`, a repository
    /// // pattern (`docker.io/library/*`).
    /// let options = Options::new(["registry.example.com", "docker.io/library/*"])?;
    /// let engine = Engine::new(Config::default().with_rule_options("DL3026", options));
    /// let report = engine.scan("FROM quay.io/org/tool:1.0\n", Some("Dockerfile"), None);
    /// assert!(report.findings.iter().any(|f| f.rule == "DF0003"));
    /// let report = engine.scan("FROM node:22\n", Some("Dockerfile"), None);
    /// assert!(report.findings.iter().all(|f| f.rule != "DF0003"));
    /// # Ok::<(), stockade::source::glob::PatternError>(())
    /// ```
    #[must_use]
    pub fn with_rule_options<T: std::any::Any + Send + Sync>(
        mut self,
        rule: &str,
        options: T,
    ) -> Self {
        self.settings
            .rules
            .entry(Self::rule_key(rule))
            .or_default()
            .options = Some(Arc::new(Box::new(options) as RuleOptions));
        self
    }

    /// The Pod Security Standards level applied where no Namespace label decides.
    #[must_use]
    pub fn with_pss_level(mut self, level: PssLevel) -> Self {
        self.settings.pss_level = level;
        self
    }

    /// The Pod Security Standards version: `latest` or `v1.N`. Anything else is an
    /// error naming the value.
    pub fn with_pss_version(mut self, version: &str) -> Result<Self, String> {
        if version == "latest" {
            self.settings.pss_version = None;
            return Ok(self);
        }
        if !is_pss_version(version) {
            return Err(format!(
                "unknown Pod Security version `{version}` (expected `latest` or `v1.N`, e.g. `v1.30`)"
            ));
        }
        self.settings.pss_version = Some(version.to_string());
        Ok(self)
    }

    /// Bounds on the input a scan accepts.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.settings.limits = limits;
        self
    }
}

impl Config {
    /// Read a `stockade.yaml` configuration (see the module docs for its shape).
    ///
    /// `path` is the file's name (core does no file I/O; the CLI reads the file); it
    /// is kept in [`Config::path`]. Every problem found is returned, each located at
    /// the offending key or value.
    pub fn from_yaml(text: &str, path: &str) -> Result<Config, Vec<Problem>> {
        Self::from_yaml_with(text, path, crate::registry::find_rule)
    }

    /// [`Config::from_yaml`] with another rule lookup (for embedders with extra rules,
    /// and tests).
    pub fn from_yaml_with(
        text: &str,
        path: &str,
        find_rule: impl Fn(&str) -> Option<&'static RuleMeta>,
    ) -> Result<Config, Vec<Problem>> {
        let root = yaml::parse_single(text, &yaml::Limits::default())?;
        let mut loader = Loader {
            text,
            problems: Vec::new(),
            config: Config {
                path: Some(path.to_string()),
                ..Config::default()
            },
        };
        loader.root(&root, &find_rule);
        if loader.problems.is_empty() {
            Ok(loader.config)
        } else {
            Err(loader.problems)
        }
    }
}

struct Loader<'a> {
    text: &'a str,
    problems: Vec<Problem>,
    config: Config,
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::String(s) => format!("`{s}`"),
        Value::Null => "nothing".to_string(),
        Value::Seq(_) | Value::Map(_) => format!("a {}", node.value.type_name()),
        _ => format!("`{}`", node.to_json()),
    }
}

fn key_name(key: &Node) -> String {
    key.key_string()
        .unwrap_or_else(|| key.value.type_name().to_string())
}

impl Loader<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.problems
            .push(Problem::new(ErrorKind::Config, span, message));
    }

    fn line(&self, span: Span) -> u32 {
        LineIndex::new(self.text)
            .position(self.text, span.start)
            .line
            .get()
    }

    /// The entries of a mapping, or an error (null counts as empty).
    fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> &'n [(Node, Node)] {
        match &node.value {
            Value::Map(entries) => entries,
            Value::Null => &[],
            _ => {
                self.error(
                    node.span,
                    format!("{what} must be a mapping, found {}", describe(node)),
                );
                &[]
            }
        }
    }

    fn root(&mut self, root: &Node, find_rule: &dyn Fn(&str) -> Option<&'static RuleMeta>) {
        for (key, value) in self.mapping(root, "the configuration") {
            match key.as_str() {
                Some("rules") => self.rules(value, find_rule),
                Some("pod-security") => self.pod_security(value),
                Some("limits") => self.limits(value),
                Some("exclude") => self.config.exclude = Some(self.patterns(value, "exclude")),
                Some("extend-exclude") => {
                    self.config.extend_exclude = self.patterns(value, "extend-exclude");
                }
                Some("pod-templates") => self.pod_templates(value),
                Some("helm") => {
                    let entries = self.mapping(value, "`helm`");
                    match crate::helm::HelmConfig::from_entries(entries) {
                        Ok(helm) => self.config.helm = helm,
                        Err(errors) => {
                            for (span, message) in errors {
                                self.error(span, message);
                            }
                        }
                    }
                }
                _ => self.error(
                    key.span,
                    format!(
                        "unknown configuration key `{}` (expected `rules`, `pod-security`, `limits`, `exclude`, `extend-exclude`, `pod-templates` or `helm`)",
                        key_name(key)
                    ),
                ),
            }
        }
    }

    /// A list of exclusion patterns; each bad item is an error at that item.
    fn patterns(&mut self, node: &Node, what: &str) -> Vec<String> {
        let items = match &node.value {
            Value::Seq(items) => items.as_slice(),
            Value::Null => &[],
            _ => {
                self.error(
                    node.span,
                    format!(
                        "`{what}` must be a list of patterns, found {}",
                        describe(node)
                    ),
                );
                &[]
            }
        };
        let mut out = Vec::new();
        for item in items {
            match &item.value {
                Value::String(text) => match check_exclude(text) {
                    Ok(()) => out.push(text.clone()),
                    Err(e) => self.error(
                        item.span,
                        format!("invalid pattern `{text}` in `{what}`: {e}"),
                    ),
                },
                _ => self.error(
                    item.span,
                    format!(
                        "`{what}` patterns must be strings, found {}",
                        describe(item)
                    ),
                ),
            }
        }
        out
    }

    fn limits(&mut self, node: &Node) {
        for (key, value) in self.mapping(node, "`limits`") {
            match key.as_str() {
                Some("max-file-size") => match value
                    .as_i64()
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|n| (1..=Limits::MAX_FILE_BYTES_CAP).contains(n))
                {
                    Some(n) => self.config.limits.max_file_bytes = n,
                    _ => self.error(
                        value.span,
                        format!(
                            "`max-file-size` must be a number of bytes from 1 to {}, found {}",
                            Limits::MAX_FILE_BYTES_CAP,
                            describe(value)
                        ),
                    ),
                },
                Some("max-findings") => match value
                    .as_i64()
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|n| *n >= 1)
                {
                    Some(n) => self.config.limits.max_findings = n,
                    _ => self.error(
                        value.span,
                        format!(
                            "`max-findings` must be a positive number, found {}",
                            describe(value)
                        ),
                    ),
                },
                Some("policy-eval-time") => match value
                    .as_i64()
                    .and_then(|n| u64::try_from(n).ok())
                    .filter(|n| (1..=Limits::MAX_POLICY_EVAL_MILLIS).contains(n))
                {
                    Some(n) => self.config.limits.policy_eval_millis = n,
                    _ => self.error(
                        value.span,
                        format!(
                            "`policy-eval-time` must be a number of milliseconds from 1 to {}, found {}",
                            Limits::MAX_POLICY_EVAL_MILLIS,
                            describe(value)
                        ),
                    ),
                },
                Some("max-message-size") => match value
                    .as_i64()
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|n| *n >= 64)
                {
                    Some(n) => self.config.limits.max_message_bytes = n,
                    _ => self.error(
                        value.span,
                        format!(
                            "`max-message-size` must be a number of bytes of at least 64, found {}",
                            describe(value)
                        ),
                    ),
                },
                _ => self.error(
                    key.span,
                    format!(
                        "unknown key `{}` in `limits` (expected `max-file-size`, `max-findings`, `policy-eval-time` or `max-message-size`)",
                        key_name(key)
                    ),
                ),
            }
        }
    }

    fn rules(&mut self, node: &Node, find_rule: &dyn Fn(&str) -> Option<&'static RuleMeta>) {
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        for (key, value) in self.mapping(node, "`rules`") {
            let name = key_name(key);
            let Some(meta) = find_rule(&name) else {
                if let Some(tool) = crate::suppress::foreign_tool(&name) {
                    let notice = crate::finding::foreign_id_notice(&name, tool);
                    if !self.config.notices.contains(&notice) {
                        self.config.notices.push(notice);
                    }
                    continue;
                }
                self.error(
                    key.span,
                    format!("unknown rule `{name}` (not a rule id or alias; see `stockade rules`)"),
                );
                continue;
            };
            if let Some(first) = seen.get(meta.id) {
                let line = self.line(*first);
                self.error(
                    key.span,
                    format!("rule {} is already configured at line {line}", meta.id),
                );
                continue;
            }
            seen.insert(meta.id, key.span);
            if let Some(setting) = self.rule_setting(meta, value) {
                self.config.rules.insert(meta.id.to_string(), setting);
            }
        }
    }

    fn rule_setting(&mut self, meta: &'static RuleMeta, value: &Node) -> Option<RuleSetting> {
        let mut setting = RuleSetting::default();
        match &value.value {
            Value::Bool(b) => setting.enabled = Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("on") => setting.enabled = Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("off") => setting.enabled = Some(false),
            Value::Map(entries) => {
                let before = self.problems.len();
                for (key, v) in entries {
                    match key.as_str() {
                        Some("enabled") => match v.value {
                            Value::Bool(b) => setting.enabled = Some(b),
                            _ => self.error(
                                v.span,
                                format!("`enabled` must be true or false, found {}", describe(v)),
                            ),
                        },
                        Some("severity") => {
                            match v.as_str().map(str::parse::<Severity>) {
                                Some(Ok(sev)) => setting.severity = Some(sev),
                                _ => self.error(
                                    v.span,
                                    format!(
                                        "unknown severity {} (expected critical, high, medium, low or info)",
                                        describe(v)
                                    ),
                                ),
                            }
                        }
                        Some("options") => {
                            if let Some(options) = self.options(meta, key, v) {
                                setting.options = Some(Arc::new(options));
                            }
                        }
                        _ => self.error(
                            key.span,
                            format!(
                                "unknown key `{}` in the settings of rule {} (expected `enabled`, `severity` or `options`)",
                                key_name(key),
                                meta.id
                            ),
                        ),
                    }
                }
                if self.problems.len() > before {
                    return None;
                }
            }
            _ => {
                self.error(
                    value.span,
                    format!(
                        "the setting of rule {} must be on, off, true, false or a mapping, found {}",
                        meta.id,
                        describe(value)
                    ),
                );
                return None;
            }
        }
        Some(setting)
    }

    fn options(&mut self, meta: &RuleMeta, key: &Node, value: &Node) -> Option<RuleOptions> {
        let Some(spec) = meta.options else {
            self.error(key.span, format!("rule {} takes no options", meta.id));
            return None;
        };
        let json = match value.try_to_json() {
            Ok(json) => json,
            Err(p) => {
                self.error(p.span, p.message);
                return None;
            }
        };
        match (spec.parse)(&json) {
            Ok(options) => Some(options),
            Err(e) => {
                let span = locate_options_error(value, &e);
                let at = e.path_string();
                let message = if at.is_empty() || e.at_key {
                    format!("invalid options for rule {}: {}", meta.id, e.message)
                } else {
                    format!(
                        "invalid options for rule {} at `{at}`: {}",
                        meta.id, e.message
                    )
                };
                self.error(span, message);
                None
            }
        }
    }

    /// `pod-templates`: a list of `{kind, api-group?, paths}`.
    fn pod_templates(&mut self, node: &Node) {
        let items = match &node.value {
            Value::Seq(items) => items.as_slice(),
            Value::Null => &[],
            _ => {
                let found = describe(node);
                return self.error(
                    node.span,
                    format!("`pod-templates` must be a list of {{kind, api-group, paths}}, found {found}"),
                );
            }
        };
        for item in items {
            let (mut kind, mut group, mut paths) = (None, None, Vec::new());
            for (key, value) in self.mapping(item, "a `pod-templates` entry") {
                match (key.as_str(), value.as_str()) {
                    (Some("kind"), Some(v)) if !v.is_empty() => kind = Some(v.to_string()),
                    (Some("api-group"), Some(v)) => group = Some(v.to_string()),
                    (Some("paths"), _) => {
                        for p in value.as_seq().unwrap_or_default() {
                            match p.as_str().map(PathStep::parse) {
                                Some(Ok(steps)) => paths.push(steps),
                                Some(Err(e)) => self.error(p.span, format!("invalid pod-template path: {e}")),
                                None => self.error(p.span, format!("a pod-template path must be a string, found {}", describe(p))),
                            }
                        }
                        if value.as_seq().is_none() {
                            self.error(value.span, format!("`paths` must be a list of paths, found {}", describe(value)));
                        }
                    }
                    (Some("kind" | "api-group"), _) => self.error(
                        value.span,
                        format!("`{}` must be a non-empty string, found {}", key_name(key), describe(value)),
                    ),
                    _ => self.error(
                        key.span,
                        format!("unknown key `{}` in a `pod-templates` entry (expected `kind`, `api-group` or `paths`)", key_name(key)),
                    ),
                }
            }
            match kind {
                Some(kind) => {
                    self.config
                        .pod_templates
                        .push(PodTemplatePaths { kind, group, paths });
                }
                None => self.error(
                    item.span,
                    "a `pod-templates` entry needs a `kind`".to_string(),
                ),
            }
        }
    }

    fn pod_security(&mut self, node: &Node) {
        for (key, value) in self.mapping(node, "`pod-security`") {
            match key.as_str() {
                Some("level") => {
                    let level = match value.as_str() {
                        Some("privileged") => Some(PssLevel::Privileged),
                        Some("baseline") => Some(PssLevel::Baseline),
                        Some("restricted") => Some(PssLevel::Restricted),
                        _ => None,
                    };
                    match level {
                        Some(level) => self.config.pss_level = level,
                        None => self.error(
                            value.span,
                            format!(
                                "unknown Pod Security level {} (expected privileged, baseline or restricted)",
                                describe(value)
                            ),
                        ),
                    }
                }
                Some("version") => match value.as_str() {
                    Some(v) if is_pss_version(v) => {
                        self.config.pss_version =
                            (v != "latest").then(|| v.to_string());
                    }
                    _ => self.error(
                        value.span,
                        format!(
                            "unknown Pod Security version {} (expected `latest` or `v1.N`, e.g. `v1.30`)",
                            describe(value)
                        ),
                    ),
                },
                _ => self.error(
                    key.span,
                    format!(
                        "unknown key `{}` in `pod-security` (expected `level` or `version`)",
                        key_name(key)
                    ),
                ),
            }
        }
    }
}

/// Check a `.gitignore`-style exclusion pattern: not empty, and a valid glob
/// once its `!`, leading `/` and trailing `/` are set aside.
pub fn check_exclude(text: &str) -> Result<(), String> {
    let glob = text.strip_prefix('!').unwrap_or(text);
    let glob = glob.strip_prefix('/').unwrap_or(glob);
    let glob = glob.strip_suffix('/').unwrap_or(glob);
    if glob.trim().is_empty() {
        return Err("an empty pattern matches nothing".to_string());
    }
    stockade_source::glob::Pattern::new(glob).map(|_| ())
}

/// `latest` or `v1.N`, as the Kubernetes pack reads it when it scans
/// ([`stockade_kubernetes::pss::Version::parse`]): one parser, so that a version the
/// configuration accepts (`v1.4294967296` was) cannot fail later, unlocated.
fn is_pss_version(v: &str) -> bool {
    stockade_kubernetes::pss::Version::parse(v).is_ok()
}

/// Position an error about rule options by its path: an unknown field at its
/// key ([`OptionsError::at_key`]), anything else (a bad value, an invalid pattern in a list) at the value the
/// path leads to; the whole options value when the path is empty or cannot be
/// followed.
fn locate_options_error(options: &Node, e: &OptionsError) -> Span {
    let mut node = options;
    let mut span = options.span;
    for segment in &e.path {
        let next = match segment {
            OptionsPathSegment::Key(key) => node.get_entry(key),
            OptionsPathSegment::Index(i) => node.at(*i).map(|item| (item, item)),
        };
        let Some((key, value)) = next else { break };
        span = if e.at_key { key.span } else { value.span };
        node = value;
    }
    span
}

/// The keys (and list indexes) leading from the root of a configuration text
/// to the innermost entry holding byte `offset`: `["rules", "DF0001"]`.
pub fn key_path_at(text: &str, offset: u32) -> Vec<String> {
    let stream = yaml::parse_stream(text, &yaml::Limits::default());
    let root = stream.documents.first().and_then(|d| d.root.as_ref().ok());
    key_steps(root, offset)
        .into_iter()
        .map(|step| match step {
            KeyStep::Key(k) => k,
            KeyStep::Index(i) => i.to_string(),
        })
        .collect()
}

/// One step of a key path: a mapping key, or a list index.
enum KeyStep {
    Key(String),
    Index(usize),
}

fn key_steps(root: Option<&Node>, offset: u32) -> Vec<KeyStep> {
    let mut path = Vec::new();
    let Some(mut node) = root else {
        return path;
    };
    let inside = |span: Span| span.start <= offset && offset < span.end.max(span.start + 1);
    loop {
        let next = match &node.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, v)| inside(k.span) || inside(v.span))
                .map(|(k, v)| {
                    let key = k
                        .as_str()
                        .map_or_else(|| format!("{:?}", k.value), str::to_string);
                    (KeyStep::Key(key), v)
                }),
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .find(|(_, v)| inside(v.span))
                .map(|(i, v)| (KeyStep::Index(i), v)),
            _ => None,
        };
        let Some((step, child)) = next else {
            return path;
        };
        path.push(step);
        node = child;
    }
}

/// The errors of a configuration given as a mapping
/// ([`crate::Engine::from_config_mapping`]), each named by the key it is about
/// (`config["rules"]["DF0001"]`, list items by index) instead of a position in
/// the JSON text it was read from (read once for all of them).
pub fn keyed_errors(json: &str, errors: Vec<crate::ScanError>) -> Vec<crate::ScanError> {
    let stream = yaml::parse_stream(json, &yaml::Limits::default());
    let root = stream.documents.first().and_then(|d| d.root.as_ref().ok());
    errors
        .into_iter()
        .map(|mut e| {
            let steps = e
                .start
                .map(|p| key_steps(root, p.offset))
                .unwrap_or_default();
            e.path = steps
                .into_iter()
                .fold(String::from("config"), |path, step| {
                    let inner = match step {
                        KeyStep::Key(k) => serde_json::to_string(&k).unwrap_or_default(),
                        KeyStep::Index(i) => i.to_string(),
                    };
                    format!("{path}[{inner}]")
                });
            e.start = None;
            e.end = None;
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Pack;

    #[derive(Debug, Default, serde::Deserialize, serde::Serialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct RegistryOptions {
        registries: Vec<String>,
    }

    static PINNED: RuleMeta = RuleMeta {
        id: "DF0003",
        name: "image-from-allowed-registry",
        pack: Pack::Dockerfile,
        aliases: &["DL3026"],
        default_enabled: false,
        options: Some(stockade_source::options_spec!(RegistryOptions)),
        ..RuleMeta::DEFAULT
    };
    static LATEST: RuleMeta = RuleMeta {
        id: "DF0001",
        name: "image-latest-tag",
        pack: Pack::Dockerfile,
        aliases: &["DL3007"],
        ..RuleMeta::DEFAULT
    };
    static APT: RuleMeta = RuleMeta {
        id: "DF0010",
        name: "apt-pin-versions",
        pack: Pack::Dockerfile,
        aliases: &["DL3008"],
        ..RuleMeta::DEFAULT
    };

    fn find(name: &str) -> Option<&'static RuleMeta> {
        [&PINNED, &LATEST, &APT]
            .into_iter()
            .find(|r| r.answers_to(name))
    }

    fn load(text: &str) -> Result<Config, Vec<Problem>> {
        Config::from_yaml_with(text, "stockade.yaml", find)
    }

    /// The single problem of `text`: (kind, message, the text it points at).
    fn error(text: &str) -> (ErrorKind, String, String) {
        let problems = load(text).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let p = &problems[0];
        (p.kind, p.message.clone(), p.span.text(text).to_string())
    }

    #[test]
    fn full_valid_config() {
        let text = "\
rules:
  DF0001: off
  DL3008: off
  DF0003:
    enabled: true
    severity: high
    options: { registries: [\"docker.io/library/*\", \"ghcr.io/acme/*\"] }
pod-security:
  level: baseline
  version: v1.30
";
        let config = load(text).unwrap();
        assert!(!config.is_enabled(&LATEST));
        assert!(
            !config.is_enabled(&APT),
            "the alias DL3008 configures DF0010"
        );
        assert!(config.rules.contains_key("DF0010"));
        assert!(config.is_enabled(&PINNED));
        assert_eq!(config.severity(&PINNED), Severity::High);
        assert_eq!(
            config.options::<RegistryOptions>(&PINNED),
            Some(&RegistryOptions {
                registries: vec!["docker.io/library/*".into(), "ghcr.io/acme/*".into()]
            })
        );
        assert_eq!(config.pss_level, PssLevel::Baseline);
        assert_eq!(config.pss_version.as_deref(), Some("v1.30"));
        assert_eq!(config.path.as_deref(), Some("stockade.yaml"));
    }

    #[test]
    fn empty_and_boolean_spellings() {
        let config = load("").unwrap();
        assert!(config.rules.is_empty());
        assert_eq!(config.pss_level, PssLevel::Restricted);
        assert_eq!(config.pss_version, None);
        let config =
            load("rules:\n  DF0001: on\n  DF0010: false\n  DF0003: \"on\"\npod-security:\n  version: latest\n")
                .unwrap();
        assert!(config.is_enabled(&LATEST));
        assert!(!config.is_enabled(&APT));
        assert!(config.is_enabled(&PINNED));
        assert_eq!(config.pss_version, None);
    }

    #[test]
    fn the_real_registry_is_used_by_default() {
        let config = Config::from_yaml("rules:\n  ST0001: off\n", "s.yaml").unwrap();
        assert!(!config.is_enabled(&crate::suppress::UNUSED_SUPPRESSION));
        assert!(Config::from_yaml("rules:\n  XX9999: off\n", "s.yaml").is_err());
    }

    #[test]
    fn unknown_top_level_key() {
        let (kind, message, at) = error("rules: {}\nrule:\n  DF0001: off\n");
        assert_eq!(kind, ErrorKind::Config);
        assert_eq!(at, "rule");
        assert!(
            message.contains("unknown configuration key `rule`"),
            "{message}"
        );
    }

    #[test]
    fn another_tools_unimplemented_id_is_a_notice_not_an_error() {
        let config = load("rules:\n  DL3059: off\n  SC2086: off\n").unwrap();
        assert_eq!(config.notices().len(), 2);
        assert!(config.notices()[0].contains("`DL3059` is a hadolint rule"));
        // A Stockade-shaped typo is still an error.
        let (kind, message, _) = error("rules:\n  DF9999: off\n");
        assert_eq!(kind, ErrorKind::Config);
        assert!(message.contains("unknown rule `DF9999`"), "{message}");
    }

    #[test]
    fn unknown_rule_id() {
        let (kind, message, at) = error("rules:\n  DF9999: off\n");
        assert_eq!(kind, ErrorKind::Config);
        assert_eq!(at, "DF9999");
        assert!(message.contains("unknown rule `DF9999`"), "{message}");
    }

    #[test]
    fn rule_configured_twice_through_an_alias() {
        let (_, message, at) = error("rules:\n  DF0010: off\n  DL3008: on\n");
        assert_eq!(at, "DL3008");
        assert_eq!(message, "rule DF0010 is already configured at line 2");
    }

    #[test]
    fn bad_rule_values() {
        let (_, message, at) = error("rules:\n  DF0001: 3\n");
        assert_eq!(at, "3");
        assert!(
            message.contains("must be on, off, true, false or a mapping"),
            "{message}"
        );
        let (_, message, at) = error("rules:\n  DF0001: maybe\n");
        assert_eq!(at, "maybe");
        assert!(message.contains("found `maybe`"), "{message}");
        let (_, message, at) = error("rules:\n  DF0001:\n    enabled: sometimes\n");
        assert_eq!(at, "sometimes");
        assert!(
            message.contains("`enabled` must be true or false"),
            "{message}"
        );
        let (_, message, at) = error("rules:\n  DF0001:\n    severity: urgent\n");
        assert_eq!(at, "urgent");
        assert!(message.contains("unknown severity `urgent`"), "{message}");
        let (_, message, at) = error("rules:\n  DF0001:\n    level: high\n");
        assert_eq!(at, "level");
        assert!(
            message.contains("unknown key `level` in the settings of rule DF0001"),
            "{message}"
        );
        let (_, message, at) = error("rules: [DF0001]\n");
        assert_eq!(at, "[DF0001]");
        assert!(message.contains("`rules` must be a mapping"), "{message}");
    }

    #[test]
    fn options_are_checked_by_the_rule() {
        let (_, message, at) =
            error("rules:\n  DF0003:\n    options:\n      registries: [a]\n      registry: b\n");
        assert_eq!(at, "registry");
        assert!(
            message.starts_with("invalid options for rule DF0003: unknown field `registry`"),
            "{message}"
        );
        let (_, message, at) = error("rules:\n  DF0003:\n    options: {registries: 5}\n");
        assert_eq!(at, "5");
        assert!(
            message.starts_with("invalid options for rule DF0003 at `registries`: invalid type"),
            "{message}"
        );
        let (_, message, at) = error("rules:\n  DF0001:\n    options: {a: 1}\n");
        assert_eq!(at, "options");
        assert_eq!(message, "rule DF0001 takes no options");
    }

    #[test]
    fn an_invalid_glob_pattern_is_a_config_error_at_that_item() {
        let text =
            "rules:\n  DF0003: {options: {registries: [\"docker.io\", \"docker.io/[unclosed\"]}}\n";
        let problems = Config::from_yaml(text, "stockade.yaml").unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let p = &problems[0];
        assert_eq!(p.kind, ErrorKind::Config);
        assert_eq!(p.span.text(text), "\"docker.io/[unclosed\"");
        let pos = LineIndex::new(text).position(text, p.span.start);
        assert_eq!((pos.line.get(), pos.column.get()), (2, 48));
        assert!(
            p.message.starts_with(
                "invalid options for rule DF0003 at `registries[1]`: invalid glob pattern `docker.io/[unclosed`"
            ),
            "{}",
            p.message
        );
        // The same in block style, and in the other packs' pattern options.
        let text = "rules:\n  K8S008:\n    options:\n      registries:\n        - ghcr.io/acme/*\n        - \"*.{gcr.io\"\n  DF0004:\n    options: {images: [\"a[\"]}\n";
        let problems = Config::from_yaml(text, "stockade.yaml").unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| p.span.text(text)).collect();
        assert_eq!(at, ["\"*.{gcr.io\"", "\"a[\""]);
        assert!(problems.iter().all(|p| p.kind == ErrorKind::Config));
    }

    #[test]
    fn rule_options_are_compiled_when_the_configuration_is_read() {
        use stockade_dockerfile::rules::{allowed_images, allowed_registries};
        let text = "rules:\n  DF0003: {options: {registries: [\"*.example.com\", \"docker.io/library/*\"]}}\n";
        let config = Config::from_yaml(text, "stockade.yaml").unwrap();
        let options = config
            .options::<allowed_registries::Options>(&allowed_registries::META)
            .unwrap();
        assert_eq!(
            options,
            &allowed_registries::Options::new(["*.example.com", "docker.io/library/*"]).unwrap()
        );
        let node = stockade_source::image::ImageRef::parse("node:22").unwrap();
        assert!(options.registries.matches(&node));
        assert!(
            Config::from_yaml("rules: {DF0004: {options: {images: []}}}\n", "s.yaml")
                .unwrap()
                .options::<allowed_images::Options>(&allowed_images::META)
                .unwrap()
                .images
                .is_empty()
        );
    }

    #[test]
    fn bad_pod_security_settings() {
        let (_, message, at) = error("pod-security:\n  level: strict\n");
        assert_eq!(at, "strict");
        assert!(
            message.contains("unknown Pod Security level `strict`"),
            "{message}"
        );
        let (_, message, at) = error("pod-security:\n  version: 1.30\n");
        assert_eq!(at, "1.30");
        assert!(message.contains("expected `latest` or `v1.N`"), "{message}");
        let (_, _, at) = error("pod-security:\n  version: v1.030\n");
        assert_eq!(at, "v1.030");
        // Issue 14, item 21: a minor past the scanner's range is refused here,
        // at the value, not when the first manifest is scanned.
        let (_, message, at) = error("pod-security:\n  version: v1.4294967296\n");
        assert_eq!(at, "v1.4294967296");
        assert!(message.contains("expected `latest` or `v1.N`"), "{message}");
        assert!(Config::default().with_pss_version("v1.4294967296").is_err());
        let (_, message, at) = error("pod-security:\n  enforce: baseline\n");
        assert_eq!(at, "enforce");
        assert!(
            message.contains("unknown key `enforce` in `pod-security`"),
            "{message}"
        );
    }

    #[test]
    fn exclusions_replace_or_extend_the_defaults() {
        let config = load("extend-exclude: [vendor/, '*.tpl.yaml']\n").unwrap();
        assert!(!config.replaces_default_exclude());
        assert_eq!(
            config.exclusions(),
            ["target/", "node_modules/", "vendor/", "*.tpl.yaml"]
        );
        let config = load("exclude: [build/]\nextend-exclude: ['!keep/']\n").unwrap();
        assert!(config.replaces_default_exclude());
        assert_eq!(config.exclusions(), ["build/", "!keep/"]);
        let config = Config::default().with_extend_exclude(["charts/"]).unwrap();
        assert_eq!(
            config.exclusions().last().map(String::as_str),
            Some("charts/")
        );
        assert!(Config::default().with_extend_exclude(["a/[b"]).is_err());
    }

    #[test]
    fn bad_exclusions_are_located_errors() {
        let (kind, message, at) = error("exclude: [ok/, 'a/[b']\n");
        assert_eq!(kind, ErrorKind::Config);
        assert!(
            message.contains("invalid pattern `a/[b` in `exclude`"),
            "{message}"
        );
        assert_eq!(at, "'a/[b'");
        let (_, message, at) = error("extend-exclude: [x, 3]\n");
        assert!(message.contains("must be strings"), "{message}");
        assert_eq!(at, "3");
        let (_, message, _) = error("extend-exclude: vendor\n");
        assert!(message.contains("must be a list"), "{message}");
        let (_, message, _) = error("exclude: ['/']\n");
        assert!(message.contains("empty pattern"), "{message}");
    }

    #[test]
    fn file_size_limit() {
        assert_eq!(
            load("").unwrap().limits.max_file_bytes,
            Limits::DEFAULT_MAX_FILE_BYTES
        );
        let config = load("limits:\n  max-file-size: 1024\n").unwrap();
        assert_eq!(config.limits.max_file_bytes, 1024);
        assert!(config.limits.check_file_size(1024, false).is_none());
        let p = config.limits.check_file_size(1025, false).unwrap();
        assert_eq!(p.kind, ErrorKind::Limit);
        assert_eq!(p.span, Span::empty_at(0));
        assert!(p
            .message
            .contains("1025 bytes, over the size limit of 1024"));
        let p = config.limits.check_file_size(1025, true).unwrap();
        assert!(p.message.contains("more than 1024 bytes"), "{}", p.message);
        for bad in ["0", "-1", "1.5", "big", "4294967296", "[1]"] {
            let (kind, message, at) = error(&format!("limits:\n  max-file-size: {bad}\n"));
            assert_eq!(kind, ErrorKind::Config);
            assert_eq!(at, bad);
            assert!(message.contains("must be a number of bytes"), "{message}");
        }
        let (_, message, at) = error("limits:\n  max-depth: 3\n");
        assert_eq!(at, "max-depth");
        assert!(
            message.contains("unknown key `max-depth` in `limits`"),
            "{message}"
        );
        // Larger than 32-bit offsets can address: capped.
        let huge = Limits {
            max_file_bytes: usize::MAX,
            ..Limits::default()
        };
        assert_eq!(
            load("limits: {max-findings: 5}\n")
                .unwrap()
                .limits
                .max_findings,
            5
        );
        let (_, message, at) = error("limits: {max-findings: 0}\n");
        assert_eq!(at, "0");
        assert!(message.contains("`max-findings` must be a positive number"));
        assert_eq!(huge.file_bytes(), u32::MAX as usize);
        let limits = load("limits: {policy-eval-time: 50, max-message-size: 100}\n")
            .unwrap()
            .limits;
        assert_eq!(
            (limits.policy_eval_millis, limits.max_message_bytes),
            (50, 100)
        );
        let (_, message, at) = error("limits: {policy-eval-time: 0}\n");
        assert_eq!(at, "0");
        assert!(message.contains("`policy-eval-time` must be a number of milliseconds"));
        let (_, message, at) = error("limits: {max-message-size: 10}\n");
        assert_eq!(at, "10");
        assert!(message.contains("`max-message-size` must be a number of bytes of at least 64"));
        let capped = Limits {
            max_message_bytes: 4,
            ..Limits::default()
        };
        assert_eq!(capped.cap_message("héllo".to_string()), "hél… (truncated)");
    }

    #[test]
    fn every_problem_is_reported_and_yaml_errors_are_parse_errors() {
        let problems = load("rules:\n  DF9999: off\n  DF0001: 7\nextra: 1\n").unwrap_err();
        assert_eq!(problems.len(), 3);
        let problems = load("rules:\n  DF0001: off\n  DF0001: on\n").unwrap_err();
        assert_eq!(problems[0].kind, ErrorKind::Parse);
        assert!(problems[0].message.contains("already defined at line 2"));
        let problems = load("rules: [\n").unwrap_err();
        assert_eq!(problems[0].kind, ErrorKind::Parse);
        let problems = load("- a\n").unwrap_err();
        assert!(problems[0]
            .message
            .contains("the configuration must be a mapping"));
    }
}
