//! # Stockade
//!
//! An embeddable container-security policy engine. Give it the text of a
//! Dockerfile or a Kubernetes manifest and it returns a [`Report`]: findings with
//! a stable rule id, severity, message, remediation and the exact span of the
//! offending node, plus located errors for input it could not read.
//!
//! There are three ways in.
//!
//! **One call**, [`scan`], with the default configuration:
//!
//! ```
//! let report = stockade::scan("FROM node:latest\n", Some("Dockerfile"), None);
//! assert!(report.findings.iter().any(|f| f.rule == "DF0001"));
//! ```
//!
//! **An [`Engine`]**, built once from a [`Config`] (in code, or from a
//! `stockade.yaml` with [`Config::from_yaml`]) and policies, then used for many
//! sources; [`Engine::scan_sources`] reads several sources as one scan so that
//! cross-file rules (Namespace levels, `NetworkPolicies`, Gatekeeper inventory) see
//! all of them:
//!
//! ```
//! use stockade::{Config, Engine, PssLevel, Severity};
//!
//! let config = Config::default()
//!     .with_rule_enabled("DL3007", false) // any alias names its rule: DF0001
//!     .with_rule_severity("DF0005", Severity::Critical)
//!     .with_pss_level(PssLevel::Baseline);
//! let engine = Engine::new(config);
//! let report = engine.scan("FROM node:latest\nUSER root\n", Some("Dockerfile"), None);
//! assert!(report.findings.iter().all(|f| f.rule != "DF0001"));
//! assert!(report.findings.iter().any(|f| f.rule == "DF0005" && f.severity == Severity::Critical));
//! ```
//!
//! Gatekeeper templates and constraints (and conftest modules, and Kyverno
//! policies) apply through the engine too:
//!
//! ```
//! use stockade::rego::{Inventory, Policies};
//! use stockade::{Engine, Kind};
//!
//! let template = r#"
//! apiVersion: templates.gatekeeper.sh/v1
//! kind: ConstraintTemplate
//! metadata: {name: k8snolatest}
//! spec:
//!   crd: {spec: {names: {kind: K8sNoLatest}}}
//!   targets:
//!   - target: admission.k8s.gatekeeper.sh
//!     rego: |
//!       package k8snolatest
//!       violation[{"msg": msg}] {
//!         c := input.review.object.spec.containers[_]
//!         endswith(c.image, ":latest")
//!         msg := sprintf("container %v uses :latest", [c.name])
//!       }
//! ---
//! apiVersion: constraints.gatekeeper.sh/v1beta1
//! kind: K8sNoLatest
//! metadata: {name: no-latest}
//! "#;
//! let policies = Policies::from_texts([("policies.yaml", template)]);
//! assert!(policies.errors().is_empty());
//! let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: 'nginx:latest'}]\n";
//! let engine = Engine::default().with_policies(&policies, Inventory::from_texts([pod]));
//! let report = engine.scan(pod, Some("pod.yaml"), Some(Kind::Kubernetes));
//! assert!(report.findings.iter().any(|f| f.rule == "K8sNoLatest/no-latest" && f.message == "container c uses :latest"));
//! ```
//!
//! **The packs' own APIs**, for tools that need one layer: the BuildKit-faithful
//! Dockerfile parser ([`dockerfile`]), the span-preserving Kubernetes YAML reader
//! ([`yaml`]), Pod Security and hardening ([`kubernetes`]), `NetworkPolicy`
//! connectivity ([`netpol`]), Gatekeeper and conftest ([`rego`]), Kyverno
//! ([`kyverno`]), and the shared vocabulary of sources, spans and findings
//! ([`source`]). Each is its own crate, re-exported here; `ARCHITECTURE.md`
//! draws the layers.
#![deny(missing_docs)]
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
mod discover;
mod engine;
pub mod helm;
pub mod kustomize;
pub mod output;
mod registry;
pub mod sniff;
pub mod wire;

// The lower layers and the packs, for the lower-level APIs (parsers, analyses,
// policy engines). Each is its own crate; none depends on another pack.
pub use stockade_dockerfile as dockerfile;
pub use stockade_kubernetes as kubernetes;
pub use stockade_kyverno as kyverno;
pub use stockade_netpol as netpol;
pub use stockade_rego as rego;
pub use stockade_source as source;
/// Work over a list on every core, results in list order.
pub use stockade_source::parallel;
pub use stockade_yaml as yaml;

use stockade_source::{finding, rule, suppress};

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub use stockade_pack as pack;

pub use config::{Config, Limits, PssLevel, Settings};
pub use discover::{discover_config, load_config, parse_config, ConfigFileError, CONFIG_NAMES};
pub use sniff::{detect_text_kind, TextKind};
pub use stockade_source::context::Context;
pub use stockade_source::finding::{
    Diagnostic, ErrorKind, Finding, OriginLocation, Problem, Report, ScanError, Skipped, Summary,
};
pub use stockade_source::fix;
pub use stockade_source::origin::{OriginFiles, OriginMap, OriginRole, OriginSpan};
pub use stockade_source::rule::{Category, Pack, RuleMeta, Severity};
pub use stockade_source::source::{LineIndex, Position, Source, Span, Utf16Position};

/// The crate version, reported in every [`Report`].
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a source is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Kind {
    /// A Dockerfile (or Containerfile).
    Dockerfile,
    /// Kubernetes manifests: a YAML or JSON stream of objects.
    Kubernetes,
}

impl Kind {
    /// The kind's name, as `--kind` takes it.
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
/// the `NetworkPolicy` analysis, Gatekeeper's `data.inventory`) need every source of
/// a scan first: [`Engine::scan_sources`] does that pre-pass and scans, and
/// [`Engine::for_scan`] gives the prepared engine to callers that scan the sources
/// themselves (the CLI, in parallel). [`Engine::scan_source`] alone sees one source.
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    /// Every pack, in the order they check a source ([`Engine::PACKS`]); each
    /// prepared for the scan by [`Engine::for_scan`].
    packs: [Arc<dyn pack::Pack>; 5],
    /// Said once in every report's summary: policy rules outside the supported
    /// subset ([`unsupported_notices`]).
    notices: Vec<String>,
    /// The Kubernetes sources [`Engine::for_scan`] parsed, by path, with the
    /// text they were parsed from (shared with the source, not copied):
    /// scanning one of them again reuses its stream instead of parsing it a
    /// second time.
    parsed: Arc<HashMap<String, ParsedText>>,
}

/// A text [`Engine::for_scan`] parsed (shared with its source) and its stream.
type ParsedText = (Arc<String>, Arc<yaml::Stream>);

impl Default for Engine {
    fn default() -> Self {
        Self::new(Config::default())
    }
}

impl Engine {
    /// The packs' names, in the order they check a source: the Dockerfile pack
    /// first (it publishes conftest's input), the policy packs last.
    pub const PACKS: [&'static str; 5] = ["dockerfile", "kubernetes", "netpol", "rego", "kyverno"];

    /// An engine with this configuration and every built-in pack.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            packs: [
                Arc::new(dockerfile::DockerfilePack),
                Arc::new(kubernetes::KubernetesPack::default()),
                Arc::new(netpol::NetpolPack::default()),
                Arc::new(rego::RegoPack::default()),
                Arc::new(kyverno::KyvernoPack::default()),
            ],
            notices: Vec::new(),
            parsed: Arc::default(),
        }
    }

    /// The pack of type `P`.
    fn pack<P: pack::Pack + 'static>(&self) -> Option<&P> {
        self.packs
            .iter()
            .find_map(|p| p.as_any().downcast_ref::<P>())
    }

    /// Replace the pack of `P`'s type.
    fn set_pack<P: pack::Pack + 'static>(&mut self, pack: P) {
        if let Some(slot) = self
            .packs
            .iter_mut()
            .find(|p| p.as_any().downcast_ref::<P>().is_some())
        {
            *slot = Arc::new(pack);
        }
    }

    /// Use the `NetworkPolicy` findings of a whole scan ([`netpol::ScanIndex::from_sources`]
    /// over every Kubernetes source): the cross-object rules (`NP…`) then see every
    /// workload and policy of the scan, and each source gets the findings located
    /// in it. Without it, each source is linted alone.
    #[must_use]
    pub fn with_netpol(mut self, index: netpol::ScanIndex) -> Self {
        self.set_pack(netpol::NetpolPack::new(index));
        self
    }

    /// Also apply these Gatekeeper templates/constraints and conftest policies,
    /// with `inventory` (objects of the cluster that are not scanned) as part of
    /// `data.inventory`; [`Engine::for_scan`] adds the scanned objects to it. The
    /// templates are prepared here for single-source scans, and once more per
    /// multi-source scan.
    #[must_use]
    pub fn with_policies(mut self, policies: &rego::Policies, inventory: rego::Inventory) -> Self {
        self.set_pack(rego::RegoPack::new(policies, inventory));
        self
    }

    /// The prepared policies, when any.
    pub fn policies(&self) -> Option<&rego::PreparedPolicies> {
        self.pack::<rego::RegoPack>()
            .and_then(rego::RegoPack::prepared)
    }

    /// The engine for one scan of `sources`: every pack prepares once for the
    /// Kubernetes sources of the scan (Namespace labels, the `NetworkPolicy`
    /// analysis, Gatekeeper's inventory), each source parsed once for all of them
    /// (`kind` overrides detection, as for [`Engine::scan_source`]).
    #[must_use]
    pub fn for_scan<'s>(
        &self,
        sources: impl IntoIterator<Item = &'s Source>,
        kind: Option<Kind>,
    ) -> Engine {
        let kube: Vec<&Source> = sources
            .into_iter()
            .filter(|s| kind.or_else(|| detect_kind(s.path(), s.text())) == Some(Kind::Kubernetes))
            .collect();
        let mut engine = self.clone();
        if kube.is_empty() {
            return engine;
        }
        let limits = engine::yaml_limits(&self.config.limits);
        let streams: Vec<Arc<yaml::Stream>> =
            parallel::map(&kube, parallel::default_threads(), |source| {
                engine::stream_of(source, &limits)
            });
        let manifests: Vec<pack::Manifest<'_>> = kube
            .iter()
            .zip(&streams)
            .map(|(source, stream)| pack::Manifest::new(source, stream))
            .collect();
        let scan = pack::Scan {
            manifests: &manifests,
        };
        // Each pack reads the whole scan on its own (Namespaces and roles,
        // the NetworkPolicy lint, Gatekeeper's inventory): on every core.
        let prepared = parallel::map(&engine.packs, parallel::default_threads(), |slot| {
            slot.prepare(scan)
        });
        for (slot, prepared) in engine.packs.iter_mut().zip(prepared) {
            if let Some(prepared) = prepared {
                *slot = prepared;
            }
        }
        drop(manifests);
        let mut parsed = HashMap::with_capacity(kube.len());
        for (source, stream) in kube.iter().zip(streams) {
            parsed
                .entry(source.path().to_string())
                .or_insert_with(|| (source.shared_text(), stream));
        }
        engine.parsed = Arc::new(parsed);
        engine
    }

    /// The stream [`Engine::for_scan`] parsed for `source`, when it parsed
    /// this very text.
    fn parsed(&self, source: &Source) -> Option<&yaml::Stream> {
        self.parsed
            .get(source.path())
            .filter(|(text, _)| source.has_text(text))
            .map(|(_, stream)| &**stream)
    }

    /// Scan several sources as one scan (see [`Engine::for_scan`]) into one
    /// report, on every core ([`parallel::map`]; the report does not depend on
    /// the threads' timing).
    pub fn scan_sources(&self, sources: &[Source], kind: Option<Kind>) -> Report {
        let engine = self.for_scan(sources, kind);
        let mut report = Report::default();
        let threads = parallel::default_threads();
        for one in parallel::map(sources, threads, |source| engine.scan_source(source, kind)) {
            report.merge(one);
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
    /// constraint without its template) comes back positioned, and no engine is
    /// built. A Kyverno rule or policy kind outside the supported subset (`mutate`,
    /// `generate`, `validate.cel`, `ValidatingPolicy` …) is not an error: it is
    /// said once in every report's `summary.notices` and not evaluated.
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
                .filter(|(path, _)| Path::new(path).extension().is_none_or(|e| e != "rego")),
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
        let (errors, notices) = unsupported_notices(errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut engine = self;
        engine.notices.extend(notices);
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
        self.set_pack(kyverno::KyvernoPack::new(policies));
        self
    }

    /// The Kyverno policies applied.
    pub fn kyverno(&self) -> &kyverno::Policies {
        static NONE: std::sync::OnceLock<kyverno::Policies> = std::sync::OnceLock::new();
        self.pack::<kyverno::KyvernoPack>().map_or_else(
            || NONE.get_or_init(kyverno::Policies::default),
            kyverno::KyvernoPack::policies,
        )
    }

    /// Use these Namespace labels (from a pre-pass over every source of a scan,
    /// [`kubernetes::NamespaceIndex::from_texts`]) to decide the Pod Security level
    /// of pods by namespace. Namespaces defined in the scanned source itself win.
    #[must_use]
    pub fn with_namespaces(mut self, namespaces: kubernetes::NamespaceIndex) -> Self {
        self.set_pack(kubernetes::KubernetesPack::new(namespaces));
        self
    }

    /// The Namespace labels Pod Security levels are decided with.
    pub fn namespaces(&self) -> &kubernetes::NamespaceIndex {
        static NONE: std::sync::OnceLock<kubernetes::NamespaceIndex> = std::sync::OnceLock::new();
        self.pack::<kubernetes::KubernetesPack>().map_or_else(
            || NONE.get_or_init(kubernetes::NamespaceIndex::default),
            kubernetes::KubernetesPack::namespaces,
        )
    }

    /// Every pack, in the order they check a source.
    pub fn packs(&self) -> impl Iterator<Item = &dyn pack::Pack> {
        self.packs.iter().map(AsRef::as_ref)
    }

    /// The configuration the engine scans with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Scan one source. A rendered source ([`Source::rendered`]) scans like any
    /// other; its findings also carry their origins, and comments in its origin
    /// files suppress. `kind` overrides detection; a source whose kind cannot be
    /// detected yields a report with one `unsupported` error, never an empty report.
    /// A source over [`Limits::max_file_bytes`] yields one `limit` error at 1:1 and
    /// is not parsed.
    pub fn scan_source(&self, source: &Source, kind: Option<Kind>) -> Report {
        match kind.or_else(|| detect_kind(source.path(), source.text())) {
            Some(_) if source.text().len() > self.config.limits.file_bytes() => {
                self.oversized(source.path(), source.text().len(), false)
            }
            Some(kind) => {
                let mut report = engine::scan_source(
                    &self.config,
                    &self.packs,
                    source,
                    kind,
                    self.parsed(source),
                );
                report.summary.notices.extend(self.notices.iter().cloned());
                report
                    .summary
                    .notices
                    .extend(self.config.notices().iter().cloned());
                report.summary.notices.sort();
                report.summary.notices.dedup();
                report
            }
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

    /// An engine configured by a mapping (a Python dict, a JavaScript object)
    /// given as its JSON text. Each error names the key it is about
    /// (`config["rules"]["DF0001"]`) instead of a line of a text the caller
    /// never wrote.
    pub fn from_config_mapping(json: &str) -> Result<Self, Vec<ScanError>> {
        Self::from_config_text(json, "config").map_err(|errors| config::keyed_errors(json, errors))
    }

    /// Read and scan one file; a file that cannot be read gives an `io` error, a
    /// file over `limits: max-file-size` a `limit` error (it is not read).
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
        // Named files: regular files and pipes, within `limits: max-file-size`;
        // a device or socket is not opened.
        let reader =
            stockade_source::walk::Reader::new(self.config.limits.file_bytes()).pipes(true);
        for path in paths {
            let path = path.as_ref();
            let shown = path.to_string_lossy();
            match reader.read_to_string(path) {
                Ok(text) => sources.push(Source::new(shown, text)),
                Err(stockade_source::walk::ReadError::Limit { len, at_least, .. }) => {
                    unreadable.merge(self.oversized(&shown, len, at_least));
                }
                Err(err) => {
                    unreadable.summary.files += 1;
                    unreadable.errors.push(err.to_scan_error(shown));
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

/// Split policy-reading errors into real errors and notices: an `unsupported`
/// error (a Kyverno rule outside the offline subset, a CEL-based policy kind) is
/// not a failure of the scan but something to say once (`summary.notices`), as
/// `path:line:column: message`.
pub fn unsupported_notices(errors: Vec<ScanError>) -> (Vec<ScanError>, Vec<String>) {
    let (unsupported, errors): (Vec<_>, Vec<_>) = errors
        .into_iter()
        .partition(|e| e.kind == ErrorKind::Unsupported);
    let notices = unsupported.iter().map(ToString::to_string).collect();
    (errors, notices)
}

/// Metadata of every built-in rule.
pub fn rules() -> &'static [&'static RuleMeta] {
    registry::all_rules()
}

/// The rule with this id or alias.
pub fn explain(rule: &str) -> Option<&'static RuleMeta> {
    registry::find_rule(rule)
}
