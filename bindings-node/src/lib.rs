//! Node.js bindings (napi): `scan`, `Engine`, `rules`, `explain`. Every behaviour
//! lives in the `stockade` crate; this module converts types and errors only.
//! Positions carry UTF-16 columns and offsets (JavaScript string indices) besides
//! the JSON's line, column and byte offset.
#![allow(clippy::needless_pass_by_value)] // napi passes arguments by value

use std::collections::HashMap;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use stockade::{Kind, Source};

/// Defines the error classes once per JavaScript realm and returns them.
const ERROR_CLASSES: &str = include_str!("errors.js");

/// A Stockade error as an instance of its JavaScript class (`ConfigError`, …),
/// carrying `code`, `kind`, `path`, `line`, `column`.
fn js_error(env: Env, e: &stockade::ScanError) -> Error {
    js_error_in(env, e, None)
}

/// [`js_error`] with UTF-16 positions taken from the source the error is in.
fn js_error_in(env: Env, e: &stockade::ScanError, source: Option<&Source>) -> Error {
    let info = ErrorInfo::from_error(e, source);
    let make = || -> Result<Error> {
        let classes: Object = env.run_script(ERROR_CLASSES)?;
        let create: Function<FnArgs<(String, ErrorInfo)>, Unknown> =
            classes.get_named_property("create")?;
        Ok(Error::from(create.call((e.to_string(), info).into())?))
    };
    make().unwrap_or_else(|err| err)
}

fn first_error(env: Env, errors: &[stockade::ScanError]) -> Error {
    errors
        .first()
        .map_or_else(|| Error::from_reason("unknown error"), |e| js_error(env, e))
}

fn kind_arg(env: Env, kind: Option<String>) -> Result<Option<Kind>> {
    kind.map(|k| {
        k.parse::<Kind>().map_err(|message| {
            js_error(
                env,
                &stockade::ScanError::file(stockade::ErrorKind::Config, "-", message),
            )
        })
    })
    .transpose()
}

/// A configuration given as the text of a `stockade.yaml` or as an object (read as JSON).
fn engine_from(env: Env, config: Option<serde_json::Value>) -> Result<stockade::Engine> {
    let text = match config {
        None | Some(serde_json::Value::Null) => return Ok(stockade::Engine::default()),
        Some(serde_json::Value::String(text)) => text,
        Some(value) => value.to_string(),
    };
    stockade::Engine::from_config_text(&text, "stockade.yaml").map_err(|e| first_error(env, &e))
}

/// A place in the text: 1-based line and column (Unicode code points), 0-based byte
/// offset, and the same place in UTF-16 code units (1-based column, 0-based offset).
#[napi(object)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
    pub utf16_column: Option<u32>,
    pub utf16_offset: Option<u32>,
}

impl Position {
    fn new(p: stockade::Position, source: Option<&Source>) -> Self {
        let utf16 = source.map(|s| s.utf16_position(p.offset));
        Self {
            line: p.line.get(),
            column: p.column.get(),
            offset: p.offset,
            utf16_column: utf16.map(|u| u.column.get()),
            utf16_offset: utf16.map(|u| u.offset),
        }
    }
}

/// Where a suppressed finding was suppressed.
#[napi(object)]
pub struct Suppression {
    pub line: u32,
    pub kind: String,
}

#[napi(object)]
pub struct Finding {
    pub rule: String,
    pub aliases: Vec<String>,
    #[napi(ts_type = "'critical' | 'high' | 'medium' | 'low' | 'info'")]
    pub severity: String,
    pub category: String,
    pub title: String,
    pub message: String,
    pub remediation: String,
    pub help: String,
    pub path: String,
    pub document: u32,
    pub object: Option<String>,
    pub pointer: Option<String>,
    pub start: Position,
    pub end: Position,
    pub suppression: Option<Suppression>,
}

impl Finding {
    fn new(f: stockade::Finding, source: Option<&Source>) -> Self {
        Self {
            rule: f.rule,
            aliases: f.aliases,
            severity: f.severity.as_str().to_string(),
            category: f.category.as_str().to_string(),
            title: f.title,
            message: f.message,
            remediation: f.remediation,
            help: f.help,
            path: f.path,
            document: f.document as u32,
            object: f.object,
            pointer: f.pointer,
            start: Position::new(f.start, source),
            end: Position::new(f.end, source),
            suppression: f.suppression.map(|s| Suppression {
                line: s.line,
                kind: s.kind,
            }),
        }
    }
}

/// An error inside a report (the same fields thrown errors carry).
#[napi(object)]
pub struct ErrorInfo {
    #[napi(ts_type = "'parse' | 'config' | 'policy' | 'limit' | 'io' | 'unsupported'")]
    pub kind: String,
    /// `STOCKADE_PARSE`, `STOCKADE_CONFIG`, …
    pub code: String,
    pub path: String,
    pub message: String,
    pub document: Option<u32>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub start: Option<Position>,
    pub end: Option<Position>,
}

impl ErrorInfo {
    fn from_error(e: &stockade::ScanError, source: Option<&Source>) -> Self {
        Self {
            kind: e.kind.as_str().to_string(),
            code: format!("STOCKADE_{}", e.kind.as_str().to_ascii_uppercase()),
            path: e.path.clone(),
            message: e.message.clone(),
            document: e.document.map(|d| d as u32),
            line: e.start.map(|p| p.line.get()),
            column: e.start.map(|p| p.column.get()),
            start: e.start.map(|p| Position::new(p, source)),
            end: e.end.map(|p| Position::new(p, source)),
        }
    }
}

#[napi(object)]
pub struct SeverityCounts {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub info: u32,
}

#[napi(object)]
pub struct Skipped {
    pub path: String,
    pub document: u32,
    pub kind: String,
    pub reason: String,
}

#[napi(object)]
pub struct Summary {
    pub files: u32,
    pub documents: u32,
    pub findings: SeverityCounts,
    pub kinds: HashMap<String, u32>,
    pub skipped: Vec<Skipped>,
}

#[napi(object)]
pub struct Report {
    pub version: String,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ErrorInfo>,
    pub summary: Summary,
}

impl Report {
    /// Convert, taking UTF-16 positions from the sources the findings point into.
    fn new(r: stockade::Report, sources: &[Source]) -> Self {
        let source = |path: &str| sources.iter().find(|s| s.path() == path);
        let findings = |list: Vec<stockade::Finding>| -> Vec<Finding> {
            list.into_iter()
                .map(|f| {
                    let src = source(&f.path);
                    Finding::new(f, src)
                })
                .collect()
        };
        let s = r.summary;
        Self {
            version: r.version,
            errors: r
                .errors
                .iter()
                .map(|e| ErrorInfo::from_error(e, source(&e.path)))
                .collect(),
            findings: findings(r.findings),
            suppressed: findings(r.suppressed),
            summary: Summary {
                files: s.files as u32,
                documents: s.documents as u32,
                findings: SeverityCounts {
                    critical: s.findings.critical as u32,
                    high: s.findings.high as u32,
                    medium: s.findings.medium as u32,
                    low: s.findings.low as u32,
                    info: s.findings.info as u32,
                },
                kinds: s.kinds.into_iter().map(|(k, n)| (k, n as u32)).collect(),
                skipped: s
                    .skipped
                    .into_iter()
                    .map(|k| Skipped {
                        path: k.path,
                        document: k.document as u32,
                        kind: k.kind,
                        reason: k.reason,
                    })
                    .collect(),
            },
        }
    }
}

/// A rule's metadata and Markdown documentation.
#[napi(object)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    pub pack: String,
    pub aliases: Vec<String>,
    #[napi(ts_type = "'critical' | 'high' | 'medium' | 'low' | 'info'")]
    pub severity: String,
    pub category: String,
    pub title: String,
    pub remediation: String,
    pub docs: String,
    pub help: String,
    pub default_enabled: bool,
}

impl From<&stockade::RuleMeta> for RuleInfo {
    fn from(m: &stockade::RuleMeta) -> Self {
        Self {
            id: m.id.to_string(),
            name: m.name.to_string(),
            pack: m.pack.as_str().to_string(),
            aliases: m.aliases.iter().map(|a| (*a).to_string()).collect(),
            severity: m.severity.as_str().to_string(),
            category: m.category.as_str().to_string(),
            title: m.title.to_string(),
            remediation: m.remediation.to_string(),
            docs: m.docs_markdown(),
            help: m.help_url(),
            default_enabled: m.default_enabled,
        }
    }
}

#[napi(object)]
pub struct ScanOptions {
    /// The path the text is reported under (and its kind detected from).
    pub path: Option<String>,
    /// `dockerfile`, `kubernetes`, …; detected from the path when absent.
    pub kind: Option<String>,
    /// The text of a `stockade.yaml` (YAML or JSON) or the configuration as an object.
    #[napi(ts_type = "string | Record<string, unknown>")]
    pub config: Option<serde_json::Value>,
}

/// A text to scan in a batch.
#[napi(object)]
pub struct SourceText {
    pub path: String,
    pub text: String,
}

/// Policies for an [`Engine`].
#[napi(object)]
pub struct EngineOptions {
    /// Gatekeeper templates and constraints, conftest `.rego` modules and Kyverno
    /// policies, by path (`.rego` paths are Rego modules).
    pub policies: Option<Vec<SourceText>>,
    /// Cluster objects for Gatekeeper's `data.inventory`.
    pub inventory: Option<Vec<SourceText>>,
}

fn to_sources(list: Vec<SourceText>) -> Vec<Source> {
    list.into_iter()
        .map(|s| Source::new(s.path, s.text))
        .collect()
}

fn pairs(list: &[Source]) -> Vec<(&str, &str)> {
    list.iter().map(|s| (s.path(), s.text())).collect()
}

/// A configured scanner: build once, scan many texts or files.
#[napi]
pub struct Engine {
    inner: stockade::Engine,
}

#[napi]
impl Engine {
    /// `config`: the text of a `stockade.yaml` (YAML or JSON) or an object;
    /// `options.policies`: policy texts. A policy that does not compile throws a
    /// `PolicyError` (positioned, with every error in `errors`).
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "string | Record<string, unknown> | null")] config: Option<
            serde_json::Value,
        >,
        options: Option<EngineOptions>,
    ) -> Result<Self> {
        let engine = engine_from(env, config)?;
        let (policies, inventory) = options.map_or((Vec::new(), Vec::new()), |o| {
            (
                to_sources(o.policies.unwrap_or_default()),
                to_sources(o.inventory.unwrap_or_default()),
            )
        });
        if policies.is_empty() {
            return Ok(Self { inner: engine });
        }
        let inner = engine
            .with_policy_texts(&pairs(&policies), &pairs(&inventory))
            .map_err(|errors| policy_errors(env, &errors, &policies))?;
        Ok(Self { inner })
    }

    #[napi]
    pub fn scan(&self, env: Env, text: String, options: Option<ScanOptions>) -> Result<Report> {
        let (path, kind) = options.map_or((None, None), |o| (o.path, o.kind));
        let source = Source::new(path.unwrap_or_else(|| "-".to_string()), text);
        let report = self.inner.scan_source(&source, kind_arg(env, kind)?);
        Ok(Report::new(report, std::slice::from_ref(&source)))
    }

    /// Scan several texts into one report.
    #[napi]
    pub fn scan_batch(
        &self,
        env: Env,
        sources: Vec<SourceText>,
        kind: Option<String>,
    ) -> Result<Report> {
        let sources: Vec<Source> = sources
            .into_iter()
            .map(|s| Source::new(s.path, s.text))
            .collect();
        let report = self.inner.scan_sources(&sources, kind_arg(env, kind)?);
        Ok(Report::new(report, &sources))
    }

    /// Read and scan files into one report; unreadable files are `io` errors in it.
    #[napi]
    pub fn scan_files(&self, env: Env, paths: Vec<String>, kind: Option<String>) -> Result<Report> {
        let (report, sources) = self
            .inner
            .scan_files_keeping_sources(&paths, kind_arg(env, kind)?);
        Ok(Report::new(report, &sources))
    }

    /// `scanFiles` on a worker thread.
    #[napi(ts_return_type = "Promise<Report>")]
    pub fn scan_files_async(
        &self,
        env: Env,
        paths: Vec<String>,
        kind: Option<String>,
    ) -> Result<AsyncTask<ScanFiles>> {
        Ok(AsyncTask::new(ScanFiles {
            engine: self.inner.clone(),
            kind: kind_arg(env, kind)?,
            paths,
        }))
    }
}

pub struct ScanFiles {
    engine: stockade::Engine,
    kind: Option<Kind>,
    paths: Vec<String>,
}

impl Task for ScanFiles {
    type Output = (stockade::Report, Vec<Source>);
    type JsValue = Report;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self
            .engine
            .scan_files_keeping_sources(&self.paths, self.kind))
    }

    fn resolve(&mut self, _env: Env, (report, sources): Self::Output) -> Result<Report> {
        Ok(Report::new(report, &sources))
    }
}

/// The first error thrown, with every error (as [`ErrorInfo`]) in its `errors`.
fn policy_errors(env: Env, errors: &[stockade::ScanError], sources: &[Source]) -> Error {
    let source = |path: &str| sources.iter().find(|s| s.path() == path);
    let Some(first) = errors.first() else {
        return Error::from_reason("unknown error");
    };
    let all: Vec<ErrorInfo> = errors
        .iter()
        .map(|e| ErrorInfo::from_error(e, source(&e.path)))
        .collect();
    let make = || -> Result<Error> {
        let classes: Object = env.run_script(ERROR_CLASSES)?;
        let create: Function<FnArgs<(String, ErrorInfo)>, Unknown> =
            classes.get_named_property("create")?;
        let error = create.call(
            (
                first.to_string(),
                ErrorInfo::from_error(first, source(&first.path)),
            )
                .into(),
        )?;
        let mut object: Object = error.coerce_to_object()?;
        object.set_named_property("errors", all)?;
        Ok(Error::from(object.into_unknown(&env)?))
    };
    make().unwrap_or_else(|err| err)
}

fn with_fields(
    mut value: serde_json::Value,
    extra: Vec<(&str, serde_json::Value)>,
) -> serde_json::Value {
    if let Some(fields) = value.as_object_mut() {
        for (k, v) in extra {
            fields.insert(k.to_string(), v);
        }
    }
    value
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| Error::from_reason(e.to_string()))
}

fn conn_format(env: Env, format: Option<String>) -> Result<stockade::netpol::ConnFormat> {
    format
        .as_deref()
        .unwrap_or("text")
        .parse()
        .map_err(|message| {
            js_error(
                env,
                &stockade::ScanError::file(stockade::ErrorKind::Config, "-", message),
            )
        })
}

/// Files for [`verify_suite`] and [`kyverno_test`].
#[napi(object)]
pub struct FilesOptions {
    /// Files by path (`path → text`) instead of the file system.
    pub files: Option<HashMap<String, String>>,
    /// Every test and case in `text`, as `gator verify -v`.
    pub verbose: Option<bool>,
}

/// Run a `gator verify` suite (files relative to it, from the file system or
/// `options.files`).
#[napi(ts_return_type = "Verification")]
pub fn verify_suite(path: String, options: Option<FilesOptions>) -> Result<serde_json::Value> {
    let (files, verbose) = options.map_or((None, false), |o| (o.files, o.verbose.unwrap_or(false)));
    let suite = match files {
        Some(files) => stockade::rego::verify_suite_texts(&path, &files.into_iter().collect()),
        None => stockade::rego::verify_suite_file(std::path::Path::new(&path)),
    };
    to_value(&stockade::rego::Verification::new(
        suite.into_iter().collect(),
        verbose,
    ))
}

/// Run a `kyverno-test.yaml` (files relative to it, from the file system or
/// `options.files`).
#[napi(ts_return_type = "KyvernoTestRun")]
pub fn kyverno_test(path: String, options: Option<FilesOptions>) -> Result<serde_json::Value> {
    let run = match options.and_then(|o| o.files) {
        Some(files) => stockade::kyverno::run_test_texts(&path, &files.into_iter().collect()),
        None => stockade::kyverno::run_test(std::path::Path::new(&path)),
    };
    Ok(with_fields(
        to_value(&run)?,
        vec![("passed", run.passed().into())],
    ))
}

/// Allowed connections between the workloads of the manifests, with `output`
/// rendered in `format` (`text`, `json`, `csv`, `md`, `dot`).
#[napi(ts_return_type = "Connectivity")]
pub fn netpol_connectivity(
    env: Env,
    sources: Vec<SourceText>,
    #[napi(ts_arg_type = "'text' | 'json' | 'csv' | 'md' | 'dot'")] format: Option<String>,
) -> Result<serde_json::Value> {
    let format = conn_format(env, format)?;
    let list = stockade::netpol::connlist(&to_sources(sources));
    Ok(with_fields(
        to_value(&list)?,
        vec![("output", list.render(format).into())],
    ))
}

/// Why `from` may or may not connect to `to` (`ns/name`, `ns/name[Kind]`, an IP or
/// CIDR), optionally on `port` (`8080/TCP`).
#[napi(ts_return_type = "NetpolExplanation")]
pub fn netpol_explain(
    env: Env,
    sources: Vec<SourceText>,
    from: String,
    to: String,
    port: Option<String>,
) -> Result<serde_json::Value> {
    let e = stockade::netpol::explain(&to_sources(sources), &from, &to, port.as_deref()).map_err(
        |message| {
            js_error(
                env,
                &stockade::ScanError::file(stockade::ErrorKind::Config, "-", message),
            )
        },
    )?;
    Ok(with_fields(
        to_value(&e)?,
        vec![("text", e.to_text().into())],
    ))
}

/// The connections that change between two sets of manifests.
#[napi(ts_return_type = "ConnectivityDiff")]
pub fn netpol_diff(
    env: Env,
    before: Vec<SourceText>,
    after: Vec<SourceText>,
    #[napi(ts_arg_type = "'text' | 'json' | 'csv' | 'md' | 'dot'")] format: Option<String>,
) -> Result<serde_json::Value> {
    let format = conn_format(env, format)?;
    let d = stockade::netpol::diff(&to_sources(before), &to_sources(after));
    Ok(with_fields(
        to_value(&d)?,
        vec![("output", d.render(format).into())],
    ))
}

/// Scan one text.
#[napi]
pub fn scan(env: Env, text: String, options: Option<ScanOptions>) -> Result<Report> {
    let config = options.as_ref().and_then(|o| o.config.clone());
    Engine::new(env, config, None)?.scan(env, text, options)
}

/// Every built-in rule.
#[napi]
pub fn rules() -> Vec<RuleInfo> {
    stockade::rules()
        .iter()
        .map(|m| RuleInfo::from(*m))
        .collect()
}

/// The rule with this id or alias, or `null`.
#[napi]
pub fn explain(rule: String) -> Option<RuleInfo> {
    stockade::explain(&rule).map(RuleInfo::from)
}

/// The version of the Stockade engine.
#[napi]
pub const VERSION: &str = stockade::VERSION;

/// The version of the Stockade engine (as the WebAssembly build gives it).
#[napi]
pub fn version() -> &'static str {
    stockade::VERSION
}

/// The error classes (`StockadeError`, `ConfigError`, …), also exported by name.
#[napi(
    ts_return_type = "{ StockadeError: typeof StockadeError, ParseError: typeof ParseError, ConfigError: typeof ConfigError, PolicyError: typeof PolicyError, LimitError: typeof LimitError, ReadError: typeof ReadError, UnsupportedError: typeof UnsupportedError }"
)]
pub fn error_classes(env: &Env) -> Result<Object<'_>> {
    env.run_script(ERROR_CLASSES)
}

/// Export the error classes next to the functions.
#[napi(module_exports)]
pub fn init(mut exports: Object, env: Env) -> Result<()> {
    let classes: Object = env.run_script(ERROR_CLASSES)?;
    for name in [
        "StockadeError",
        "ParseError",
        "ConfigError",
        "PolicyError",
        "LimitError",
        "ReadError",
        "UnsupportedError",
    ] {
        let class: Unknown = classes.get_named_property(name)?;
        exports.set_named_property(name, class)?;
    }
    Ok(())
}
