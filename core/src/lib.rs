//! # Stockade
//!
//! An embeddable container-security policy engine. Give it the text of a
//! Dockerfile or a Kubernetes manifest and it returns a [`Report`]: findings with
//! a stable rule id, severity, message, remediation and the exact span of the
//! offending node, plus located errors for input it could not read.
//!
//! ```
//! let report = stockade::scan("FROM node:latest\n", Some("Dockerfile"), None);
//! assert!(report.findings.iter().any(|f| f.rule == "DF0001"));
//! ```
//!
//! Build an [`Engine`] once from a [`Config`] to scan many documents.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod config;
pub mod dockerfile;
mod engine;
pub mod finding;
pub mod kubernetes;
pub mod kyverno;
pub mod netpol;
pub mod output;
pub mod registry;
pub mod rego;
pub mod rule;
pub mod source;
pub mod suppress;
pub mod wire;
pub mod yaml;

use std::path::Path;

pub use config::{Config, Limits};
pub use engine::Context;
pub use finding::{Diagnostic, ErrorKind, Finding, Problem, Report, ScanError};
pub use rule::{Category, Pack, RuleMeta, Severity};
pub use source::{LineIndex, Position, Source, Span, Utf16Position};

/// The crate version, reported in every [`Report`].
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a source is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Dockerfile,
    /// Kubernetes manifests: a YAML or JSON stream of objects.
    Kubernetes,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Dockerfile => "dockerfile",
            Kind::Kubernetes => "kubernetes",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "dockerfile" | "containerfile" => Ok(Kind::Dockerfile),
            "kubernetes" | "k8s" | "yaml" | "yml" => Ok(Kind::Kubernetes),
            other => Err(format!(
                "unknown kind `{other}` (expected dockerfile or kubernetes)"
            )),
        }
    }
}

/// Detect a source's kind from its file name (and, where the name does not tell,
/// its content). `None` means Stockade has no pack for it.
///
/// `.yaml`/`.yml` files are read as Kubernetes manifests (documents that are not
/// Kubernetes objects are listed as skipped, not errors); `.json` files only when
/// their content has both an `"apiVersion"` and a `"kind"` key.
pub fn detect_kind(path: &str, text: &str) -> Option<Kind> {
    let name = Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
    {
        return Some(Kind::Dockerfile);
    }
    let extension = Path::new(&lower).extension().and_then(|e| e.to_str());
    match extension {
        Some("yaml" | "yml") => Some(Kind::Kubernetes),
        Some("json") if text.contains("\"apiVersion\"") && text.contains("\"kind\"") => {
            Some(Kind::Kubernetes)
        }
        // A custom seccomp profile: checked by the Kubernetes pack.
        Some("json") if kubernetes::seccomp::looks_like_profile(text) => Some(Kind::Kubernetes),
        _ => None,
    }
}

/// A configured scanner: build once, scan many sources (it is `Send + Sync`).
///
/// Rules that look across files (Namespace labels deciding Pod Security levels,
/// the NetworkPolicy analysis, Gatekeeper's `data.inventory`) need every source of
/// a scan first: [`Engine::scan_sources`] does that pre-pass and scans, and
/// [`Engine::for_scan`] gives the prepared engine to callers that scan the sources
/// themselves (the CLI, in parallel). [`Engine::scan_source`] alone sees one source.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    config: Config,
    /// Namespace labels of the whole scan (Pod Security levels per namespace).
    namespaces: std::sync::Arc<kubernetes::NamespaceIndex>,
    /// NetworkPolicy findings of the whole scan (cross-object rules).
    netpol: std::sync::Arc<netpol::ScanIndex>,
    /// Gatekeeper constraints and conftest policies as compiled, with the inventory
    /// given beside the scanned sources.
    policies: Option<std::sync::Arc<(rego::Policies, rego::Inventory)>>,
    /// The same, prepared (inventory added to every template) for this scan.
    prepared: Option<std::sync::Arc<rego::PreparedPolicies>>,
    /// Kyverno policies applied to every Kubernetes object.
    kyverno: std::sync::Arc<kyverno::Policies>,
}

impl Engine {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Use the NetworkPolicy findings of a whole scan ([`netpol::ScanIndex::from_sources`]
    /// over every Kubernetes source): the cross-object rules (`NP…`) then see every
    /// workload and policy of the scan, and each source gets the findings located
    /// in it. Without it, each source is linted alone.
    #[must_use]
    pub fn with_netpol(mut self, index: netpol::ScanIndex) -> Self {
        self.netpol = std::sync::Arc::new(index);
        self
    }

    /// Also apply these Gatekeeper templates/constraints and conftest policies,
    /// with `inventory` (objects of the cluster that are not scanned) as part of
    /// `data.inventory`; [`Engine::for_scan`] adds the scanned objects to it. The
    /// templates are prepared here for single-source scans, and once more per
    /// multi-source scan.
    #[must_use]
    pub fn with_policies(mut self, policies: &rego::Policies, inventory: rego::Inventory) -> Self {
        self.prepared = Some(std::sync::Arc::new(
            policies.prepare(inventory.clone(), rego::Backend::default()),
        ));
        self.policies = Some(std::sync::Arc::new((policies.clone(), inventory)));
        self
    }

    /// The prepared policies, when any.
    pub fn policies(&self) -> Option<&rego::PreparedPolicies> {
        self.prepared.as_deref()
    }

    /// The engine for one scan of `sources`: Namespace labels, the NetworkPolicy
    /// analysis and Gatekeeper's inventory are built once from every Kubernetes
    /// source (`kind` overrides detection, as for [`Engine::scan_source`]).
    #[must_use]
    pub fn for_scan(&self, sources: &[Source], kind: Option<Kind>) -> Engine {
        let kube: Vec<&Source> = sources
            .iter()
            .filter(|s| kind.or_else(|| detect_kind(s.path(), s.text())) == Some(Kind::Kubernetes))
            .collect();
        let mut engine = self.clone();
        if kube.is_empty() {
            return engine;
        }
        // Each source is parsed once; the three indexes read the same objects.
        let limits = engine::yaml_limits(&self.config);
        let lint_netpol = kube.iter().any(|s| s.text().contains("NetworkPolicy"));
        let mut found = kubernetes::NamespaceIndex::new();
        let mut cluster = netpol::Cluster::default();
        let mut inventory = self.policies.as_ref().map(|given| given.1.clone());
        for source in kube {
            let stream = yaml::parse_stream(source.text(), &limits);
            let manifest = kubernetes::Manifest::new(source, &stream);
            found.add_objects(manifest.objects().map(|(_, o)| o));
            if lint_netpol {
                cluster.add_manifest(&manifest);
            }
            if let Some(inventory) = &mut inventory {
                inventory.add_objects(manifest.objects().map(|(_, o)| o));
            }
        }
        let mut namespaces = (*self.namespaces).clone();
        namespaces.extend(&found);
        engine.namespaces = std::sync::Arc::new(namespaces);
        engine.netpol = std::sync::Arc::new(if lint_netpol {
            cluster.finish();
            netpol::ScanIndex::from_cluster(&cluster)
        } else {
            netpol::ScanIndex::default()
        });
        if let (Some(given), Some(inventory)) = (&self.policies, inventory) {
            engine.prepared = Some(std::sync::Arc::new(
                given.0.prepare(inventory, rego::Backend::default()),
            ));
        }
        engine
    }

    /// Scan several sources as one scan (see [`Engine::for_scan`]) into one report.
    pub fn scan_sources(&self, sources: &[Source], kind: Option<Kind>) -> Report {
        let engine = self.for_scan(sources, kind);
        let mut report = Report::default();
        for source in sources {
            report.merge(engine.scan_source(source, kind));
        }
        report.sort();
        report
    }

    /// Also apply policies given as `(path, text)` pairs, with `inventory` texts
    /// (Kubernetes objects of the cluster, for Gatekeeper's `data.inventory`): `.rego`
    /// files are conftest modules; YAML/JSON texts may hold Gatekeeper
    /// `ConstraintTemplate`s and Constraints and Kyverno `ClusterPolicy`/`Policy`
    /// documents (other documents are ignored). One call for the language bindings.
    ///
    /// Every problem met while reading or compiling (a Rego syntax error, a
    /// constraint without its template, a Kyverno rule outside the supported subset)
    /// comes back positioned, and no engine is built.
    pub fn with_policy_texts<'a>(
        self,
        policies: &[(&'a str, &'a str)],
        inventory: &[(&'a str, &'a str)],
    ) -> Result<Engine, Vec<ScanError>> {
        let rego = rego::Policies::from_texts(policies.iter().copied());
        let mut errors = rego.errors();
        let (kyverno, kyverno_errors) = kyverno::Policies::from_texts(
            policies
                .iter()
                .copied()
                .filter(|(path, _)| !Path::new(path).extension().is_some_and(|e| e == "rego")),
        );
        for e in kyverno_errors {
            let text = policies
                .iter()
                .find(|(path, _)| *path == e.path)
                .map_or("", |(_, text)| text);
            let error = e.problem.to_error(&Source::new(e.path.as_str(), text));
            // A YAML syntax error is met by both readers: report it once.
            if !errors.contains(&error) {
                errors.push(error);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut engine = self;
        if !rego.is_empty() {
            let mut objects = rego::Inventory::new();
            for (_, text) in inventory {
                objects.add_text(text);
            }
            engine = engine.with_policies(&rego, objects);
        }
        if !kyverno.is_empty() {
            engine = engine.with_kyverno(kyverno);
        }
        Ok(engine)
    }

    /// Apply these Kyverno policies to every Kubernetes object scanned: each
    /// failing rule is a finding with the dynamic rule id `<policy>/<rule>`.
    #[must_use]
    pub fn with_kyverno(mut self, policies: kyverno::Policies) -> Self {
        self.kyverno = std::sync::Arc::new(policies);
        self
    }

    pub fn kyverno(&self) -> &kyverno::Policies {
        &self.kyverno
    }

    /// Use these Namespace labels (from a pre-pass over every source of a scan,
    /// [`kubernetes::NamespaceIndex::from_texts`]) to decide the Pod Security level
    /// of pods by namespace. Namespaces defined in the scanned source itself win.
    #[must_use]
    pub fn with_namespaces(mut self, namespaces: kubernetes::NamespaceIndex) -> Self {
        self.namespaces = std::sync::Arc::new(namespaces);
        self
    }

    pub fn namespaces(&self) -> &kubernetes::NamespaceIndex {
        &self.namespaces
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Scan one source. `kind` overrides detection; a source whose kind cannot be
    /// detected yields a report with one `unsupported` error, never an empty report.
    /// A source over [`Limits::max_file_bytes`] yields one `limit` error at 1:1 and
    /// is not parsed.
    pub fn scan_source(&self, source: &Source, kind: Option<Kind>) -> Report {
        match kind.or_else(|| detect_kind(source.path(), source.text())) {
            Some(_) if source.text().len() > self.config.limits.file_bytes() => {
                self.oversized(source.path(), source.text().len(), false)
            }
            Some(kind) => engine::scan_source(
                &self.config,
                &self.namespaces,
                &self.netpol,
                self.prepared.as_deref(),
                &self.kyverno,
                source,
                kind,
            ),
            None => {
                let mut report = Report::default();
                report.summary.files = 1;
                report.errors.push(ScanError::file(
                    ErrorKind::Unsupported,
                    source.path(),
                    "cannot tell what kind of file this is; pass a kind (e.g. --kind dockerfile or --kind kubernetes)",
                ));
                report
            }
        }
    }

    /// The report for a source of `len` bytes that is over [`Limits::max_file_bytes`]
    /// (for callers that check the size before reading: a file's length, a pipe read
    /// up to the limit with `at_least`): one `limit` error at 1:1. A source within the
    /// limit gives an empty report for one file.
    pub fn oversized(&self, path: &str, len: usize, at_least: bool) -> Report {
        let mut report = Report::default();
        report.summary.files = 1;
        if let Some(problem) = self.config.limits.check_file_size(len, at_least) {
            report.errors.push(problem.to_error(&Source::new(path, "")));
        }
        report
    }

    /// Scan text given with an optional path (default `"-"`) and kind.
    pub fn scan(&self, text: &str, path: Option<&str>, kind: Option<Kind>) -> Report {
        self.scan_source(&Source::new(path.unwrap_or("-"), text), kind)
    }

    /// An engine configured by the text of a `stockade.yaml` (YAML, or JSON as its
    /// subset) read as from `path`. Every problem in the file comes back positioned.
    pub fn from_config_text(text: &str, path: &str) -> Result<Self, Vec<ScanError>> {
        let source = Source::new(path, text);
        Config::from_yaml(text, path)
            .map(Self::new)
            .map_err(|problems| problems.iter().map(|p| p.to_error(&source)).collect())
    }

    /// Read and scan one file; a file that cannot be read gives an `io` error.
    pub fn scan_file(&self, path: &Path, kind: Option<Kind>) -> Report {
        self.scan_files(&[path], kind)
    }

    /// Read and scan several files into one report.
    pub fn scan_files<P: AsRef<Path>>(&self, paths: &[P], kind: Option<Kind>) -> Report {
        self.scan_files_keeping_sources(paths, kind).0
    }

    /// [`Engine::scan_files`], also giving back the sources read, for callers that
    /// position findings in other units (the JavaScript bindings' UTF-16 columns).
    pub fn scan_files_keeping_sources<P: AsRef<Path>>(
        &self,
        paths: &[P],
        kind: Option<Kind>,
    ) -> (Report, Vec<Source>) {
        let mut unreadable = Report::default();
        let mut sources = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let shown = path.to_string_lossy();
            match std::fs::read_to_string(path) {
                Ok(text) => sources.push(Source::new(shown, text)),
                Err(err) => {
                    unreadable.summary.files += 1;
                    unreadable
                        .errors
                        .push(ScanError::file(ErrorKind::Io, shown, err.to_string()));
                }
            }
        }
        let mut report = self.scan_sources(&sources, kind);
        report.merge(unreadable);
        report.sort();
        (report, sources)
    }
}

/// Scan one text with the default configuration.
pub fn scan(text: &str, path: Option<&str>, kind: Option<Kind>) -> Report {
    Engine::default().scan(text, path, kind)
}

/// Metadata of every built-in rule.
pub fn rules() -> &'static [&'static RuleMeta] {
    registry::all_rules()
}

/// The rule with this id or alias.
pub fn explain(rule: &str) -> Option<&'static RuleMeta> {
    registry::find_rule(rule)
}
