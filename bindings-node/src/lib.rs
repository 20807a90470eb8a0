//! Node.js bindings (napi): `scan`, `Engine`, `rules`, `explain`, `verifySuite`,
//! `kyvernoTest`, the netpol functions, `renderChart`/`scanChart` (Helm) and
//! `buildKustomization`/`scanKustomization`. Every behaviour lives in the `stockade`
//! crate; this module converts only: options are read into, and results built
//! from, the shapes of `stockade::wire` (shared with the WebAssembly build, and
//! the source of the result and option types in `index.d.ts`). Positions carry
//! UTF-16 columns and offsets (JavaScript string indices) besides the JSON's line,
//! column and byte offset.
#![allow(clippy::needless_pass_by_value)] // napi passes arguments by value

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde_json::Value;

use stockade::wire;
use stockade::{Kind, Source};

/// Defines the error classes once per JavaScript realm and returns them: the
/// script `build.rs` makes from `bindings-wasm/src/errors.mjs`.
const ERROR_CLASSES: &str = include_str!(concat!(env!("OUT_DIR"), "/errors.js"));

/// A wire value as JavaScript (through its JSON, as the WebAssembly build does).
fn to_js<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::from_reason(e.to_string()))
}

/// An options argument read into its wire shape (`undefined` and `null` are `None`).
fn arg<T: DeserializeOwned>(env: Env, value: Option<Unknown>) -> Result<Option<T>> {
    value.map(|v| env.from_js_value(v)).transpose()
}

/// A list of `{path, text}` read into sources.
fn sources_arg(env: Env, value: Unknown) -> Result<Vec<Source>> {
    let list: Vec<wire::SourceText> = env.from_js_value(value)?;
    Ok(list.into_iter().map(Source::from).collect())
}

/// An instance of the error class for `info.kind`, thrown with `message`.
fn throw(env: Env, message: String, info: Value) -> Error {
    let make = || -> Result<Error> {
        let classes: Object = env.run_script(ERROR_CLASSES)?;
        let create: Function<FnArgs<(String, Value)>, Unknown> =
            classes.get_named_property("create")?;
        Ok(Error::from(create.call((message, info).into())?))
    };
    make().unwrap_or_else(|err| err)
}

/// A Stockade error as an instance of its JavaScript class (`ConfigError`, …),
/// carrying `code`, `kind`, `path`, `line`, `column`.
fn js_error(env: Env, e: &stockade::ScanError) -> Error {
    let info = wire::thrown_error_info(wire::ErrorInfo::new(e, None), None);
    throw(env, e.to_string(), info)
}

/// The first policy error thrown, UTF-16 positioned in its source, with every
/// error in its `errors`.
fn policy_errors(env: Env, errors: &[stockade::ScanError], sources: &[Source]) -> Error {
    match wire::thrown_policy_errors(errors, sources) {
        Some((message, info)) => throw(env, message, info),
        None => Error::from_reason("unknown error"),
    }
}

fn kind_arg(env: Env, kind: Option<String>) -> Result<Option<Kind>> {
    wire::kind_arg(kind).map_err(|e| js_error(env, &e))
}

/// A configuration given as the text of a `stockade.yaml` or as an object (read as JSON).
fn engine_from(env: Env, config: Option<wire::ConfigInput>) -> Result<stockade::Engine> {
    wire::ConfigInput::engine(config).map_err(|e| js_error(env, &e))
}

fn pairs(list: &[Source]) -> Vec<(&str, &str)> {
    list.iter().map(|s| (s.path(), s.text())).collect()
}

fn report(r: stockade::Report, sources: &[Source]) -> Result<Value> {
    to_js(&wire::Report::new(r, sources))
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
        #[napi(ts_arg_type = "string | Record<string, unknown> | null")] config: Option<Value>,
        #[napi(ts_arg_type = "EngineOptions | undefined | null")] options: Option<Unknown>,
    ) -> Result<Self> {
        let engine = engine_from(env, config.map(wire::ConfigInput))?;
        let options: wire::EngineOptions = arg(env, options)?.unwrap_or_default();
        let to_sources = |list: Option<Vec<wire::SourceText>>| -> Vec<Source> {
            list.unwrap_or_default()
                .into_iter()
                .map(Source::from)
                .collect()
        };
        let policies = to_sources(options.policies);
        if policies.is_empty() {
            return Ok(Self { inner: engine });
        }
        let inventory = to_sources(options.inventory);
        let inner = engine
            .with_policy_texts(&pairs(&policies), &pairs(&inventory))
            .map_err(|errors| policy_errors(env, &errors, &policies))?;
        Ok(Self { inner })
    }

    #[napi(ts_return_type = "Report")]
    pub fn scan(
        &self,
        env: Env,
        text: String,
        #[napi(ts_arg_type = "ScanOptions | undefined | null")] options: Option<Unknown>,
    ) -> Result<Value> {
        let options: wire::ScanOptions = arg(env, options)?.unwrap_or_default();
        let source = Source::new(options.path.unwrap_or_else(|| "-".to_string()), text);
        let report = self
            .inner
            .scan_source(&source, kind_arg(env, options.kind)?);
        self::report(report, std::slice::from_ref(&source))
    }

    /// Scan several texts into one report (Python's `scan_texts`).
    #[napi(ts_return_type = "Report")]
    pub fn scan_texts(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<SourceText>")] sources: Unknown,
        kind: Option<String>,
    ) -> Result<Value> {
        let sources = sources_arg(env, sources)?;
        let report = self.inner.scan_sources(&sources, kind_arg(env, kind)?);
        self::report(report, &sources)
    }

    /// Deprecated: the old name of `scanTexts`.
    #[napi(ts_return_type = "Report")]
    pub fn scan_batch(
        &self,
        env: Env,
        #[napi(ts_arg_type = "Array<SourceText>")] sources: Unknown,
        kind: Option<String>,
    ) -> Result<Value> {
        self.scan_texts(env, sources, kind)
    }

    /// Render a Helm chart (its folder's files, or a `.tgz`) as `helm template`
    /// does and scan the manifests; findings name the template and values lines.
    #[napi(ts_return_type = "Report")]
    pub fn scan_chart(
        &self,
        env: Env,
        #[napi(ts_arg_type = "FileMap | Uint8Array")] chart: ChartArg,
        #[napi(ts_arg_type = "ChartOptions | undefined | null")] options: Option<Unknown>,
    ) -> Result<Value> {
        let options: wire::ChartOptions = arg(env, options)?.unwrap_or_default();
        let (report, sources) = self.inner.scan_chart_input_keeping_sources(
            chart_input(chart),
            &options.helm_options(),
            "",
        );
        self::report(report, &sources)
    }

    /// Build the kustomization in folder `dir` (default the root) of `files` as
    /// `kubectl kustomize` does and scan the output; findings name the base and
    /// patch lines. A build error is the report's error.
    #[napi(ts_return_type = "Report")]
    pub fn scan_kustomization(
        &self,
        #[napi(ts_arg_type = "FileMap")] files: FileMapArg,
        dir: Option<String>,
    ) -> Result<Value> {
        let (report, sources) = self
            .inner
            .scan_kustomization_keeping_sources(&file_map(files), dir.as_deref().unwrap_or("."));
        self::report(report, &sources)
    }

    /// Read and scan files into one report; unreadable files are `io` errors in it.
    #[napi(ts_return_type = "Report")]
    pub fn scan_files(&self, env: Env, paths: Vec<String>, kind: Option<String>) -> Result<Value> {
        let (report, sources) = self
            .inner
            .scan_files_keeping_sources(&paths, kind_arg(env, kind)?);
        self::report(report, &sources)
    }

    /// `scanFiles` on a worker thread. An `AbortSignal` rejects the promise
    /// with an `AbortError` (`code` `ABORT_ERR`) once aborted.
    #[napi(ts_return_type = "Promise<Report>")]
    pub fn scan_files_async(
        &self,
        env: Env,
        paths: Vec<String>,
        kind: Option<String>,
        #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<Object>,
    ) -> Result<AsyncTask<Scan>> {
        let work = Work::Files {
            engine: self.inner.clone(),
            kind: kind_arg(env, kind)?,
            paths,
        };
        Scan::task(work, signal)
    }

    /// `scan` on a worker thread. An `AbortSignal` rejects the promise with an
    /// `AbortError` (`code` `ABORT_ERR`) once aborted.
    #[napi(ts_return_type = "Promise<Report>")]
    pub fn scan_async(
        &self,
        env: Env,
        text: String,
        #[napi(ts_arg_type = "ScanOptions | undefined | null")] options: Option<Unknown>,
        #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<Object>,
    ) -> Result<AsyncTask<Scan>> {
        let options: wire::ScanOptions = arg(env, options)?.unwrap_or_default();
        Scan::task(Work::text(env, self.inner.clone(), options, text)?, signal)
    }
}

/// What a worker thread scans.
pub enum Work {
    Text {
        engine: stockade::Engine,
        kind: Option<Kind>,
        source: Source,
    },
    Files {
        engine: stockade::Engine,
        kind: Option<Kind>,
        paths: Vec<String>,
    },
}

impl Work {
    /// Scanning `text` as `scan` does, with `engine`.
    fn text(
        env: Env,
        engine: stockade::Engine,
        options: wire::ScanOptions,
        text: String,
    ) -> Result<Work> {
        Ok(Work::Text {
            engine,
            kind: kind_arg(env, options.kind)?,
            source: Source::new(options.path.unwrap_or_else(|| "-".to_string()), text),
        })
    }
}

/// A scan on a worker thread, abortable: the promise rejects with an
/// `AbortError` when the signal was aborted before the work started (the work
/// is skipped) or before its result is handed back (the result is dropped).
pub struct Scan {
    work: Work,
    /// The `AbortSignal`, read on the JavaScript thread only.
    signal: Option<ObjectRef<false>>,
    aborted: bool,
}

impl Scan {
    fn task(work: Work, signal: Option<Object>) -> Result<AsyncTask<Scan>> {
        let aborted = match &signal {
            Some(s) => s
                .get_named_property::<Option<bool>>("aborted")?
                .unwrap_or(false),
            None => false,
        };
        let signal = signal.map(|s| s.create_ref::<false>()).transpose()?;
        Ok(AsyncTask::new(Scan {
            work,
            signal,
            aborted,
        }))
    }

    fn aborted_now(&self, env: Env) -> Result<bool> {
        match &self.signal {
            Some(s) => Ok(s
                .get_value(&env)?
                .get_named_property::<Option<bool>>("aborted")?
                .unwrap_or(false)),
            None => Ok(false),
        }
    }

    /// The rejection: an `Error` named `AbortError` with `code` `ABORT_ERR` (as
    /// Node's own aborted operations) and the signal's `reason` as `cause`.
    fn abort_error(&self, env: Env) -> Error {
        let make = || -> Result<Error> {
            let mut e = env.create_error(Error::new(
                Status::Cancelled,
                "The operation was aborted".to_string(),
            ))?;
            e.set_named_property("name", "AbortError")?;
            e.set_named_property("code", "ABORT_ERR")?;
            if let Some(s) = &self.signal {
                let reason: Unknown = s.get_value(&env)?.get_named_property("reason")?;
                e.set_named_property("cause", reason)?;
            }
            Ok(Error::from(e.to_unknown()))
        };
        make().unwrap_or_else(|err| err)
    }
}

impl Task for Scan {
    type Output = wire::Report;
    // A report is an object: its fields (a `serde_json::Value` is no `TypeName`).
    type JsValue = std::collections::BTreeMap<String, Value>;

    fn compute(&mut self) -> Result<Self::Output> {
        if self.aborted {
            return Err(Error::new(Status::Cancelled, "aborted".to_string()));
        }
        Ok(match &self.work {
            Work::Text {
                engine,
                kind,
                source,
            } => wire::Report::new(
                engine.scan_source(source, *kind),
                std::slice::from_ref(source),
            ),
            Work::Files {
                engine,
                kind,
                paths,
            } => {
                let (report, sources) = engine.scan_files_keeping_sources(paths, *kind);
                wire::Report::new(report, &sources)
            }
        })
    }

    fn resolve(&mut self, env: Env, report: Self::Output) -> Result<Self::JsValue> {
        if self.aborted_now(env)? {
            return Err(self.abort_error(env));
        }
        match to_js(&report)? {
            Value::Object(fields) => Ok(fields.into_iter().collect()),
            _ => Err(Error::from_reason("a report is an object")),
        }
    }

    fn reject(&mut self, env: Env, err: Error) -> Result<Self::JsValue> {
        if self.aborted || self.aborted_now(env)? {
            return Err(self.abort_error(env));
        }
        Err(err)
    }

    fn finally(self, env: Env) -> Result<()> {
        match self.signal {
            Some(s) => s.unref(&env),
            None => Ok(()),
        }
    }
}

/// A file's contents: a string or bytes.
type Contents = Either<String, Uint8Array>;
/// Files by path (`FileMap`).
type FileMapArg = std::collections::HashMap<String, Contents>;
/// A chart: the `.tgz` bytes or its folder's files.
type ChartArg = Either<Uint8Array, FileMapArg>;

fn file_map(files: FileMapArg) -> stockade::kustomize::FileMap {
    stockade::kustomize::file_map(files.into_iter().map(|(path, contents)| {
        let bytes = match contents {
            Either::A(text) => text.into_bytes(),
            Either::B(bytes) => bytes.to_vec(),
        };
        (path, bytes)
    }))
}

fn chart_input(chart: ChartArg) -> stockade::helm::ChartInput {
    match chart {
        Either::A(bytes) => stockade::helm::ChartInput::Archive(bytes.to_vec()),
        Either::B(files) => {
            stockade::helm::ChartInput::Files(file_map(files).into_iter().collect())
        }
    }
}

/// What `helm template` prints for a chart (its folder's files, or a `.tgz`),
/// with `helm template`'s flags as `options`. A template error throws with
/// Helm's message, located at its template line.
#[napi]
pub fn render_chart(
    env: Env,
    #[napi(ts_arg_type = "FileMap | Uint8Array")] chart: ChartArg,
    #[napi(ts_arg_type = "ChartOptions | undefined | null")] options: Option<Unknown>,
) -> Result<String> {
    let options: wire::ChartOptions = arg(env, options)?.unwrap_or_default();
    stockade::helm::render_chart_input(chart_input(chart), &options.helm_options())
        .map_err(|e| js_error(env, &e))
}

/// Render and scan a Helm chart (see `renderChart`); `options.config` as for `scan`.
#[napi(ts_return_type = "Report")]
pub fn scan_chart(
    env: Env,
    #[napi(ts_arg_type = "FileMap | Uint8Array")] chart: ChartArg,
    #[napi(ts_arg_type = "ChartOptions | undefined | null")] options: Option<Unknown>,
) -> Result<Value> {
    let mut options: wire::ChartOptions = arg(env, options)?.unwrap_or_default();
    let engine = engine_from(env, options.config.take())?;
    let (report, sources) =
        engine.scan_chart_input_keeping_sources(chart_input(chart), &options.helm_options(), "");
    self::report(report, &sources)
}

/// What `kubectl kustomize DIR` prints for the kustomization in folder `dir`
/// (default the root) of `files`. A build error throws, located in the file it
/// concerns.
#[napi]
pub fn build_kustomization(
    env: Env,
    #[napi(ts_arg_type = "FileMap")] files: FileMapArg,
    dir: Option<String>,
) -> Result<String> {
    stockade::kustomize::build_text(&file_map(files), dir.as_deref().unwrap_or("."))
        .map_err(|e| js_error(env, &e))
}

/// Build and scan a kustomization (see `buildKustomization`); `config` as for `scan`.
#[napi(ts_return_type = "Report")]
pub fn scan_kustomization(
    env: Env,
    #[napi(ts_arg_type = "FileMap")] files: FileMapArg,
    dir: Option<String>,
    #[napi(ts_arg_type = "string | Record<string, unknown> | null")] config: Option<Value>,
) -> Result<Value> {
    let engine = engine_from(env, config.map(wire::ConfigInput))?;
    let (report, sources) =
        engine.scan_kustomization_keeping_sources(&file_map(files), dir.as_deref().unwrap_or("."));
    self::report(report, &sources)
}

fn conn_format(env: Env, format: Option<String>) -> Result<stockade::netpol::ConnFormat> {
    wire::conn_format_arg(format.as_deref()).map_err(|e| js_error(env, &e))
}

fn document<T: serde::Serialize>(
    value: std::result::Result<T, serde_json::Error>,
) -> Result<Value> {
    to_js(&value.map_err(|e| Error::from_reason(e.to_string()))?)
}

/// Run a `gator verify` suite (files relative to it, from the file system or
/// `options.files`).
#[napi(ts_return_type = "Verification")]
pub fn verify_suite(
    env: Env,
    path: String,
    #[napi(ts_arg_type = "FilesOptions | undefined | null")] options: Option<Unknown>,
) -> Result<Value> {
    let options: wire::FilesOptions = arg(env, options)?.unwrap_or_default();
    let suite = match options.files {
        Some(files) => stockade::rego::verify_suite_texts(&path, &files),
        None => stockade::rego::verify_suite_file(std::path::Path::new(&path)),
    };
    let verification = stockade::rego::Verification::new(
        suite.into_iter().collect(),
        options.verbose.unwrap_or(false),
    );
    document(wire::Verification::new(&verification))
}

/// Run a `kyverno-test.yaml` (files relative to it, from the file system or
/// `options.files`).
#[napi(ts_return_type = "KyvernoTestRun")]
pub fn kyverno_test(
    env: Env,
    path: String,
    #[napi(ts_arg_type = "FilesOptions | undefined | null")] options: Option<Unknown>,
) -> Result<Value> {
    let options: Option<wire::FilesOptions> = arg(env, options)?;
    let run = match options.and_then(|o| o.files) {
        Some(files) => stockade::kyverno::run_test_texts(&path, &files),
        None => stockade::kyverno::run_test(std::path::Path::new(&path)),
    };
    document(wire::KyvernoTestRun::new(&run))
}

/// Allowed connections between the workloads of the manifests, with `output`
/// rendered in `format` (`text`, `json`, `csv`, `md`, `dot`).
#[napi(ts_return_type = "Connectivity")]
pub fn netpol_connectivity(
    env: Env,
    #[napi(ts_arg_type = "Array<SourceText>")] sources: Unknown,
    #[napi(ts_arg_type = "ConnFormat | undefined | null")] format: Option<String>,
) -> Result<Value> {
    let format = conn_format(env, format)?;
    let list = stockade::netpol::connlist(&sources_arg(env, sources)?);
    document(wire::Connectivity::new(&list, format))
}

/// Why `src` may or may not connect to `dst` (`ns/name`, `ns/name[Kind]`, an IP or
/// CIDR), optionally on `port` (`8080/TCP`).
#[napi(ts_return_type = "NetpolExplanation")]
pub fn netpol_explain(
    env: Env,
    #[napi(ts_arg_type = "Array<SourceText>")] sources: Unknown,
    src: String,
    dst: String,
    port: Option<String>,
) -> Result<Value> {
    let sources = sources_arg(env, sources)?;
    let e = stockade::netpol::explain(&sources, &src, &dst, port.as_deref())
        .map_err(|message| js_error(env, &wire::argument_error(message)))?;
    document(wire::NetpolExplanation::new(&e))
}

/// What a text is (`dockerfile`, `kubernetes` or `policy`), by its `path` when
/// that tells, else by its content; `undefined` when neither tells.
#[napi(ts_return_type = "TextKind | undefined")]
pub fn detect_kind(text: String, path: Option<String>) -> Option<&'static str> {
    stockade::detect_text_kind(path.as_deref(), &text).map(stockade::TextKind::as_str)
}

/// The connections that change between two sets of manifests.
#[napi(ts_return_type = "ConnectivityDiff")]
pub fn netpol_diff(
    env: Env,
    #[napi(ts_arg_type = "Array<SourceText>")] before: Unknown,
    #[napi(ts_arg_type = "Array<SourceText>")] after: Unknown,
    #[napi(ts_arg_type = "ConnFormat | undefined | null")] format: Option<String>,
) -> Result<Value> {
    let format = conn_format(env, format)?;
    let d = stockade::netpol::diff(&sources_arg(env, before)?, &sources_arg(env, after)?);
    document(wire::ConnectivityDiff::new(&d, format))
}

/// Scan one text.
#[napi(ts_return_type = "Report")]
pub fn scan(
    env: Env,
    text: String,
    #[napi(ts_arg_type = "ScanOptions | undefined | null")] options: Option<Unknown>,
) -> Result<Value> {
    let options: wire::ScanOptions = arg(env, options)?.unwrap_or_default();
    let engine = engine_from(env, options.config)?;
    let source = Source::new(options.path.unwrap_or_else(|| "-".to_string()), text);
    let report = engine.scan_source(&source, kind_arg(env, options.kind)?);
    self::report(report, std::slice::from_ref(&source))
}

/// `scan` on a worker thread; `signal` as for `Engine.scanAsync`.
#[napi(ts_return_type = "Promise<Report>")]
pub fn scan_async(
    env: Env,
    text: String,
    #[napi(ts_arg_type = "ScanOptions | undefined | null")] options: Option<Unknown>,
    #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<Object>,
) -> Result<AsyncTask<Scan>> {
    let mut options: wire::ScanOptions = arg(env, options)?.unwrap_or_default();
    let engine = engine_from(env, options.config.take())?;
    let work = Work::text(env, engine, options, text)?;
    Scan::task(work, signal)
}

/// Every built-in rule.
#[napi(ts_return_type = "Array<RuleInfo>")]
pub fn rules() -> Result<Vec<Value>> {
    stockade::rules()
        .iter()
        .map(|m| to_js(&wire::RuleInfo::from(*m)))
        .collect()
}

/// The rule with this id or alias, or `null`.
#[napi(ts_return_type = "RuleInfo | null")]
pub fn explain(rule: String) -> Result<Option<Value>> {
    stockade::explain(&rule)
        .map(|m| to_js(&wire::RuleInfo::from(m)))
        .transpose()
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
#[napi(ts_return_type = "ErrorClasses")]
pub fn error_classes(env: &Env) -> Result<Object<'_>> {
    env.run_script(ERROR_CLASSES)
}

/// Export the error classes next to the functions.
#[napi(module_exports)]
pub fn init(mut exports: Object, env: Env) -> Result<()> {
    let classes: Object = env.run_script(ERROR_CLASSES)?;
    let names =
        std::iter::once(wire::BASE_ERROR_CLASS).chain(wire::ERROR_CLASSES.iter().map(|c| c.name));
    for name in names {
        let class: Unknown = classes.get_named_property(name)?;
        exports.set_named_property(name, class)?;
    }
    Ok(())
}
