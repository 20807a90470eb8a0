//! WebAssembly bindings (wasm-bindgen): `scan`, `Engine` (with policies), `rules`,
//! `explain`, `verifySuite`, `kyvernoTest`, `netpolConnectivity`, `netpolExplain`,
//! `netpolDiff`, `renderChart`, `scanChart`, `buildKustomization`,
//! `scanKustomization`: the same API as the Node addon. Every behaviour lives in the
//! `stockade` crate; this module converts only: options are read into, and
//! results built from, the shapes of `stockade::wire` (shared with the Node addon;
//! `src/types.d.ts` is generated from them). Positions carry UTF-16 columns and
//! offsets (JavaScript string indices) besides the JSON's line, column and byte offset.
#![allow(clippy::needless_pass_by_value)] // wasm-bindgen passes arguments by value

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use stockade::wire;
use stockade::{Kind, ScanError, Source};

// The error classes, defined in plain JavaScript shipped with the package (a
// wasm-bindgen module snippet: no eval), shared with the Node addon per realm, and
// exported by name from this module as the addon exports them. Their declarations
// are in `types.d.ts` (`stockade::wire::ERROR_CLASSES`).
#[wasm_bindgen(module = "/src/errors.mjs")]
#[allow(dead_code)]
extern "C" {
    #[wasm_bindgen(js_name = errorClasses)]
    fn error_classes_js() -> JsValue;

    // Re-exported as they are (never called from Rust): the classes themselves.
    #[wasm_bindgen(reexport, skip_typescript, js_name = StockadeError)]
    fn stockade_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = ParseError)]
    fn parse_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = ConfigError)]
    fn config_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = PolicyError)]
    fn policy_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = LimitError)]
    fn limit_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = ReadError)]
    fn read_error_class();
    #[wasm_bindgen(reexport, skip_typescript, js_name = UnsupportedError)]
    fn unsupported_error_class();
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

// `VERSION`, as the Node addon exports it: a constant in a module snippet
// (`version.mjs`, written from `stockade::VERSION` by `cargo run -p stockade-dts`).
#[wasm_bindgen(module = "/src/version.mjs")]
#[allow(dead_code)]
extern "C" {
    #[wasm_bindgen(reexport, skip_typescript, js_name = VERSION)]
    fn version_constant();
}

#[wasm_bindgen(typescript_custom_section)]
const VERSION_TYPE: &'static str =
    "/** The version of the Stockade engine. */\nexport const VERSION: string;\n";

/// A wire value as JavaScript (through its JSON, as the Node addon does).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    serde_json::to_value(value)
        .map_err(|e| JsValue::from_str(&e.to_string()))?
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// An options argument read into its wire shape (`undefined` and `null` are the default).
fn options<T: DeserializeOwned + Default>(value: JsValue) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(JsValue::from)
}

/// A list of `{path, text}` read into sources.
fn sources_arg(value: JsValue) -> Result<Vec<Source>, JsValue> {
    let list: Vec<wire::SourceText> =
        serde_wasm_bindgen::from_value(value).map_err(JsValue::from)?;
    Ok(list.into_iter().map(Source::from).collect())
}

/// An instance of the error class for `info.kind`, thrown with `message`.
fn throw(message: String, info: &Value) -> JsValue {
    let make = || -> Result<JsValue, JsValue> {
        let create: js_sys::Function =
            js_sys::Reflect::get(&error_classes()?, &"create".into())?.dyn_into()?;
        create.call2(&JsValue::NULL, &message.into(), &to_js(info)?)
    };
    make().unwrap_or_else(|err| err)
}

/// A Stockade error as an instance of its JavaScript class (`ConfigError`, …).
fn js_error(e: &ScanError) -> JsValue {
    let info = wire::thrown_error_info(wire::ErrorInfo::new(e, None), None);
    throw(e.to_string(), &info)
}

/// The first policy error thrown, UTF-16 positioned in its source, with every
/// error in its `errors`.
fn policy_errors(errors: &[ScanError], sources: &[Source]) -> JsValue {
    match wire::thrown_policy_errors(errors, sources) {
        Some((message, info)) => throw(message, &info),
        None => JsValue::from_str("unknown error"),
    }
}

fn document<T: Serialize>(value: Result<T, serde_json::Error>) -> Result<JsValue, JsValue> {
    to_js(&value.map_err(|e| JsValue::from_str(&e.to_string()))?)
}

fn pairs(list: &[Source]) -> Vec<(&str, &str)> {
    list.iter().map(|s| (s.path(), s.text())).collect()
}

fn conn_format(format: Option<String>) -> Result<stockade::netpol::ConnFormat, JsValue> {
    wire::conn_format_arg(format.as_deref()).map_err(|e| js_error(&e))
}

/// Run a `gator verify` suite over `options.files` (`path → text`, paths relative
/// to the suite's folder as it names them).
#[wasm_bindgen(js_name = verifySuite, unchecked_return_type = "Verification")]
pub fn verify_suite(
    path: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "FilesOptions | null")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let o: wire::FilesOptions = self::options(options.unwrap_or(JsValue::NULL))?;
    let suite = stockade::rego::verify_suite_texts(path, &o.files.unwrap_or_default());
    let verification =
        stockade::rego::Verification::new(suite.into_iter().collect(), o.verbose.unwrap_or(false));
    document(wire::Verification::new(&verification))
}

/// Run a `kyverno-test.yaml` over `options.files` (`path → text`).
#[wasm_bindgen(js_name = kyvernoTest, unchecked_return_type = "KyvernoTestRun")]
pub fn kyverno_test(
    path: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "FilesOptions | null")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let o: wire::FilesOptions = self::options(options.unwrap_or(JsValue::NULL))?;
    let run = stockade::kyverno::run_test_texts(path, &o.files.unwrap_or_default());
    document(wire::KyvernoTestRun::new(&run))
}

/// Allowed connections between the workloads of the manifests, with `output`
/// rendered in `format` (`text`, `json`, `csv`, `md`, `dot`).
#[wasm_bindgen(js_name = netpolConnectivity, unchecked_return_type = "Connectivity")]
pub fn netpol_connectivity(
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] sources: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ConnFormat | null")] format: Option<String>,
) -> Result<JsValue, JsValue> {
    let format = conn_format(format)?;
    let list = stockade::netpol::connlist(&sources_arg(sources)?);
    document(wire::Connectivity::new(&list, format))
}

/// Why `src` may or may not connect to `dst`, optionally on `port` (`8080/TCP`).
#[wasm_bindgen(js_name = netpolExplain, unchecked_return_type = "NetpolExplanation")]
pub fn netpol_explain(
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] sources: JsValue,
    src: &str,
    dst: &str,
    port: Option<String>,
) -> Result<JsValue, JsValue> {
    let e = stockade::netpol::explain(&sources_arg(sources)?, src, dst, port.as_deref())
        .map_err(|message| js_error(&wire::argument_error(message)))?;
    document(wire::NetpolExplanation::new(&e))
}

/// What a text is (`dockerfile`, `kubernetes` or `policy`), by its `path` when
/// that tells, else by its content; `undefined` when neither tells.
#[wasm_bindgen(js_name = detectKind, unchecked_return_type = "TextKind | undefined")]
pub fn detect_kind(text: &str, path: Option<String>) -> JsValue {
    stockade::detect_text_kind(path.as_deref(), text)
        .map_or(JsValue::UNDEFINED, |k| JsValue::from_str(k.as_str()))
}

/// The connections that change between two sets of manifests.
#[wasm_bindgen(js_name = netpolDiff, unchecked_return_type = "ConnectivityDiff")]
pub fn netpol_diff(
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] before: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] after: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ConnFormat | null")] format: Option<String>,
) -> Result<JsValue, JsValue> {
    let format = conn_format(format)?;
    let d = stockade::netpol::diff(&sources_arg(before)?, &sources_arg(after)?);
    document(wire::ConnectivityDiff::new(&d, format))
}

fn kind_arg(kind: Option<String>) -> Result<Option<Kind>, JsValue> {
    wire::kind_arg(kind).map_err(|e| js_error(&e))
}

/// A configuration given as the text of a `stockade.yaml` or as an object (read as JSON).
fn engine_from(config: Option<wire::ConfigInput>) -> Result<stockade::Engine, JsValue> {
    wire::ConfigInput::engine(config).map_err(|e| js_error(&e))
}

fn report(r: stockade::Report, sources: &[Source]) -> Result<JsValue, JsValue> {
    to_js(&wire::Report::new(r, sources))
}

/// A configured scanner: build once, scan many texts.
#[wasm_bindgen]
pub struct Engine {
    inner: stockade::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// `config`: the text of a `stockade.yaml` (YAML or JSON) or an object.
    /// `options.policies`: policy texts (Gatekeeper, conftest `.rego`, Kyverno); a
    /// policy that does not compile throws a `PolicyError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "string | Record<string, unknown> | null")]
        config: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "EngineOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<Engine, JsValue> {
        let config: Option<wire::ConfigInput> =
            serde_wasm_bindgen::from_value(config.unwrap_or(JsValue::NULL))
                .map_err(JsValue::from)?;
        let engine = engine_from(config)?;
        let o: wire::EngineOptions = self::options(options.unwrap_or(JsValue::NULL))?;
        let to_sources = |list: Option<Vec<wire::SourceText>>| -> Vec<Source> {
            list.unwrap_or_default()
                .into_iter()
                .map(Source::from)
                .collect()
        };
        let policies = to_sources(o.policies);
        if policies.is_empty() {
            return Ok(Engine { inner: engine });
        }
        let inventory = to_sources(o.inventory);
        let inner = engine
            .with_policy_texts(&pairs(&policies), &pairs(&inventory))
            .map_err(|errors| policy_errors(&errors, &policies))?;
        Ok(Engine { inner })
    }

    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn scan(
        &self,
        text: String,
        #[wasm_bindgen(unchecked_optional_param_type = "ScanOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let o: wire::ScanOptions = self::options(options.unwrap_or(JsValue::NULL))?;
        let source = Source::new(o.path.unwrap_or_else(|| "-".to_string()), text);
        let r = self.inner.scan_source(&source, kind_arg(o.kind)?);
        report(r, std::slice::from_ref(&source))
    }

    /// Render a Helm chart (its folder's files, or a `.tgz`) as `helm template`
    /// does and scan the manifests; findings name the template and values lines.
    #[wasm_bindgen(js_name = scanChart, unchecked_return_type = "Report")]
    pub fn scan_chart(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FileMap | Uint8Array")] chart: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ChartOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let o: wire::ChartOptions = self::options(options.unwrap_or(JsValue::NULL))?;
        let (r, sources) = self.inner.scan_chart_input_keeping_sources(
            chart_input(&chart)?,
            &o.helm_options(),
            "",
        );
        report(r, &sources)
    }

    /// Build the kustomization in folder `dir` (default the root) of `files` as
    /// `kubectl kustomize` does and scan the output; findings name the base and
    /// patch lines. A build error is the report's error.
    #[wasm_bindgen(js_name = scanKustomization, unchecked_return_type = "Report")]
    pub fn scan_kustomization(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FileMap")] files: JsValue,
        dir: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let (r, sources) = self
            .inner
            .scan_kustomization_keeping_sources(&file_map(&files)?, dir.as_deref().unwrap_or("."));
        report(r, &sources)
    }

    /// Scan several texts into one report (Python's `scan_texts`).
    #[wasm_bindgen(js_name = scanTexts, unchecked_return_type = "Report")]
    pub fn scan_texts(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] sources: JsValue,
        kind: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let sources = sources_arg(sources)?;
        let r = self.inner.scan_sources(&sources, kind_arg(kind)?);
        report(r, &sources)
    }

    /// Deprecated: the old name of `scanTexts`.
    #[wasm_bindgen(js_name = scanBatch, unchecked_return_type = "Report")]
    pub fn scan_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] sources: JsValue,
        kind: Option<String>,
    ) -> Result<JsValue, JsValue> {
        self.scan_texts(sources, kind)
    }
}

/// A `FileMap`: an object of path → string or `Uint8Array`.
fn file_map(value: &JsValue) -> Result<stockade::kustomize::FileMap, JsValue> {
    if !value.is_object() || value.is_instance_of::<js_sys::Uint8Array>() {
        return Err(js_error(&wire::argument_error(
            "files must be an object of path → string or Uint8Array".to_string(),
        )));
    }
    let mut files = Vec::new();
    for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let path = pair.get(0).as_string().unwrap_or_default();
        let contents = pair.get(1);
        let bytes = if let Some(text) = contents.as_string() {
            text.into_bytes()
        } else if contents.is_instance_of::<js_sys::Uint8Array>() {
            js_sys::Uint8Array::new(&contents).to_vec()
        } else {
            return Err(js_error(&wire::argument_error(format!(
                "{path}: a file's contents must be a string or a Uint8Array"
            ))));
        };
        files.push((path, bytes));
    }
    Ok(stockade::kustomize::file_map(files))
}

/// A chart: the bytes of a `.tgz` (`Uint8Array`) or a `FileMap` of its folder.
fn chart_input(value: &JsValue) -> Result<stockade::helm::ChartInput, JsValue> {
    if value.is_instance_of::<js_sys::Uint8Array>() {
        return Ok(stockade::helm::ChartInput::Archive(
            js_sys::Uint8Array::new(value).to_vec(),
        ));
    }
    Ok(stockade::helm::ChartInput::Files(
        file_map(value)?.into_iter().collect(),
    ))
}

/// What `helm template` prints for a chart (its folder's files, or a `.tgz`),
/// with `helm template`'s flags as `options`. A template error throws with
/// Helm's message, located at its template line.
#[wasm_bindgen(js_name = renderChart)]
pub fn render_chart(
    #[wasm_bindgen(unchecked_param_type = "FileMap | Uint8Array")] chart: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ChartOptions | null")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    let o: wire::ChartOptions = self::options(options.unwrap_or(JsValue::NULL))?;
    stockade::helm::render_chart_input(chart_input(&chart)?, &o.helm_options())
        .map_err(|e| js_error(&e))
}

/// Render and scan a Helm chart (see `renderChart`); `options.config` as for `scan`.
#[wasm_bindgen(js_name = scanChart, unchecked_return_type = "Report")]
pub fn scan_chart(
    #[wasm_bindgen(unchecked_param_type = "FileMap | Uint8Array")] chart: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ChartOptions | null")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let mut o: wire::ChartOptions = self::options(options.unwrap_or(JsValue::NULL))?;
    let engine = engine_from(o.config.take())?;
    let (r, sources) =
        engine.scan_chart_input_keeping_sources(chart_input(&chart)?, &o.helm_options(), "");
    report(r, &sources)
}

/// What `kubectl kustomize DIR` prints for the kustomization in folder `dir`
/// (default the root) of `files`. A build error throws, located in the file it
/// concerns.
#[wasm_bindgen(js_name = buildKustomization)]
pub fn build_kustomization(
    #[wasm_bindgen(unchecked_param_type = "FileMap")] files: JsValue,
    dir: Option<String>,
) -> Result<String, JsValue> {
    stockade::kustomize::build_text(&file_map(&files)?, dir.as_deref().unwrap_or("."))
        .map_err(|e| js_error(&e))
}

/// Build and scan a kustomization (see `buildKustomization`); `config` as for `scan`.
#[wasm_bindgen(js_name = scanKustomization, unchecked_return_type = "Report")]
pub fn scan_kustomization(
    #[wasm_bindgen(unchecked_param_type = "FileMap")] files: JsValue,
    dir: Option<String>,
    #[wasm_bindgen(unchecked_optional_param_type = "string | Record<string, unknown> | null")]
    config: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let config: Option<wire::ConfigInput> =
        serde_wasm_bindgen::from_value(config.unwrap_or(JsValue::NULL)).map_err(JsValue::from)?;
    let (r, sources) = engine_from(config)?
        .scan_kustomization_keeping_sources(&file_map(&files)?, dir.as_deref().unwrap_or("."));
    report(r, &sources)
}

/// Scan one text.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn scan(
    text: String,
    #[wasm_bindgen(unchecked_optional_param_type = "ScanOptions | null")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let o: wire::ScanOptions = self::options(options.unwrap_or(JsValue::NULL))?;
    let source = Source::new(o.path.unwrap_or_else(|| "-".to_string()), text);
    let r = engine_from(o.config)?.scan_source(&source, kind_arg(o.kind)?);
    report(r, std::slice::from_ref(&source))
}

/// Every built-in rule.
#[wasm_bindgen(unchecked_return_type = "Array<RuleInfo>")]
pub fn rules() -> Result<JsValue, JsValue> {
    to_js(
        &stockade::rules()
            .iter()
            .map(|m| wire::RuleInfo::from(*m))
            .collect::<Vec<_>>(),
    )
}

/// The rule with this id or alias, or `null`.
#[wasm_bindgen(unchecked_return_type = "RuleInfo | null")]
pub fn explain(rule: &str) -> Result<JsValue, JsValue> {
    stockade::explain(rule).map_or(Ok(JsValue::NULL), |m| to_js(&wire::RuleInfo::from(m)))
}

/// The error classes (`StockadeError`, `ConfigError`, …) thrown by this module,
/// also exported by name.
#[wasm_bindgen(js_name = errorClasses, unchecked_return_type = "ErrorClasses")]
pub fn error_classes() -> Result<JsValue, JsValue> {
    Ok(error_classes_js())
}

/// The version of the Stockade engine.
#[wasm_bindgen]
pub fn version() -> String {
    stockade::VERSION.to_string()
}
