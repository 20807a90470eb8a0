//! WebAssembly bindings (wasm-bindgen): `scan`, `Engine` (with policies), `rules`,
//! `explain`, `verifySuite`, `kyvernoTest`, `netpolConnectivity`, `netpolExplain`,
//! `netpolDiff`: the same API as the Node addon. Every behaviour lives in the `stockade` crate; this
//! module converts types and errors only. Positions carry UTF-16 columns and
//! offsets (JavaScript string indices) besides the JSON's line, column and byte offset.
#![allow(clippy::needless_pass_by_value)] // wasm-bindgen passes arguments by value

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use stockade::{Kind, ScanError, Source};

// The error classes, defined in plain JavaScript shipped with the package (a
// wasm-bindgen module snippet: no eval), shared with the Node addon per realm.
#[wasm_bindgen(module = "/src/errors.mjs")]
extern "C" {
    #[wasm_bindgen(js_name = errorClasses)]
    fn error_classes_js() -> JsValue;
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

fn position(p: stockade::Position, source: Option<&Source>) -> Value {
    let utf16 = source.map(|s| s.utf16_position(p.offset));
    json!({
        "line": p.line.get(),
        "column": p.column.get(),
        "offset": p.offset,
        "utf16Column": utf16.map(|u| u.column.get()),
        "utf16Offset": utf16.map(|u| u.offset),
    })
}

fn error_info(e: &ScanError, source: Option<&Source>) -> Value {
    json!({
        "kind": e.kind.as_str(),
        "code": format!("STOCKADE_{}", e.kind.as_str().to_ascii_uppercase()),
        "path": e.path,
        "message": e.message,
        "document": e.document,
        "line": e.start.map(|p| p.line.get()),
        "column": e.start.map(|p| p.column.get()),
        "start": e.start.map(|p| position(p, source)),
        "end": e.end.map(|p| position(p, source)),
    })
}

/// A Stockade error as an instance of its JavaScript class (`ConfigError`, …).
fn js_error(e: &ScanError) -> JsValue {
    js_error_with(e, &error_info(e, None))
}

fn js_error_with(e: &ScanError, info: &Value) -> JsValue {
    let make = || -> Result<JsValue, JsValue> {
        let create: js_sys::Function =
            js_sys::Reflect::get(&error_classes()?, &"create".into())?.dyn_into()?;
        create.call2(&JsValue::NULL, &e.to_string().into(), &to_js(info)?)
    };
    make().unwrap_or_else(|err| err)
}

/// The first policy error thrown, UTF-16 positioned in its source, with every
/// error in its `errors`.
fn policy_errors(errors: &[ScanError], sources: &[Source]) -> JsValue {
    let source = |path: &str| sources.iter().find(|s| s.path() == path);
    let Some(first) = errors.first() else {
        return JsValue::from_str("unknown error");
    };
    let mut info = error_info(first, source(&first.path));
    if let Some(fields) = info.as_object_mut() {
        let all: Vec<Value> = errors
            .iter()
            .map(|e| error_info(e, source(&e.path)))
            .collect();
        fields.insert("errors".to_string(), Value::Array(all));
    }
    js_error_with(first, &info)
}

fn config_error(message: String) -> JsValue {
    js_error(&ScanError::file(stockade::ErrorKind::Config, "-", message))
}

fn with_fields<T: Serialize>(value: &T, extra: Vec<(&str, Value)>) -> Result<JsValue, JsValue> {
    let mut value = serde_json::to_value(value).map_err(|e| JsValue::from_str(&e.to_string()))?;
    if let Some(fields) = value.as_object_mut() {
        for (k, v) in extra {
            fields.insert(k.to_string(), v);
        }
    }
    to_js(&value)
}

fn sources_arg(value: JsValue) -> Result<Vec<Source>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let list: Vec<SourceText> = serde_wasm_bindgen::from_value(value).map_err(JsValue::from)?;
    Ok(list
        .into_iter()
        .map(|s| Source::new(s.path, s.text))
        .collect())
}

fn pairs(list: &[Source]) -> Vec<(&str, &str)> {
    list.iter().map(|s| (s.path(), s.text())).collect()
}

fn conn_format(format: Option<String>) -> Result<stockade::netpol::ConnFormat, JsValue> {
    format
        .as_deref()
        .unwrap_or("text")
        .parse()
        .map_err(config_error)
}

#[derive(Deserialize, Default)]
struct FilesOptions {
    files: Option<std::collections::BTreeMap<String, String>>,
    verbose: Option<bool>,
}

fn files_options(value: JsValue) -> Result<FilesOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(FilesOptions::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(JsValue::from)
}

#[derive(Deserialize, Default)]
struct EngineOptions {
    policies: Option<Vec<SourceText>>,
    inventory: Option<Vec<SourceText>>,
}

/// Run a `gator verify` suite over `options.files` (`path → text`, paths relative
/// to the suite's folder as it names them).
#[wasm_bindgen(js_name = verifySuite, unchecked_return_type = "Verification")]
pub fn verify_suite(
    path: &str,
    #[wasm_bindgen(unchecked_param_type = "FilesOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let o = files_options(options)?;
    let files = o.files.unwrap_or_default();
    let suite = stockade::rego::verify_suite_texts(path, &files);
    to_js(&stockade::rego::Verification::new(
        suite.into_iter().collect(),
        o.verbose.unwrap_or(false),
    ))
}

/// Run a `kyverno-test.yaml` over `options.files` (`path → text`).
#[wasm_bindgen(js_name = kyvernoTest, unchecked_return_type = "KyvernoTestRun")]
pub fn kyverno_test(
    path: &str,
    #[wasm_bindgen(unchecked_param_type = "FilesOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let files = files_options(options)?.files.unwrap_or_default();
    let run = stockade::kyverno::run_test_texts(path, &files);
    with_fields(&run, vec![("passed", run.passed().into())])
}

/// Allowed connections between the workloads of the manifests, with `output`
/// rendered in `format` (`text`, `json`, `csv`, `md`, `dot`).
#[wasm_bindgen(js_name = netpolConnectivity, unchecked_return_type = "Connectivity")]
pub fn netpol_connectivity(
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] sources: JsValue,
    #[wasm_bindgen(unchecked_param_type = "'text' | 'json' | 'csv' | 'md' | 'dot' | null")]
    format: Option<String>,
) -> Result<JsValue, JsValue> {
    let format = conn_format(format)?;
    let list = stockade::netpol::connlist(&sources_arg(sources)?);
    with_fields(&list, vec![("output", list.render(format).into())])
}

/// Why `from` may or may not connect to `to`, optionally on `port` (`8080/TCP`).
#[wasm_bindgen(js_name = netpolExplain, unchecked_return_type = "NetpolExplanation")]
pub fn netpol_explain(
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] sources: JsValue,
    from: &str,
    to: &str,
    port: Option<String>,
) -> Result<JsValue, JsValue> {
    let e = stockade::netpol::explain(&sources_arg(sources)?, from, to, port.as_deref())
        .map_err(config_error)?;
    with_fields(&e, vec![("text", e.to_text().into())])
}

/// The connections that change between two sets of manifests.
#[wasm_bindgen(js_name = netpolDiff, unchecked_return_type = "ConnectivityDiff")]
pub fn netpol_diff(
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] before: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] after: JsValue,
    #[wasm_bindgen(unchecked_param_type = "'text' | 'json' | 'csv' | 'md' | 'dot' | null")]
    format: Option<String>,
) -> Result<JsValue, JsValue> {
    let format = conn_format(format)?;
    let d = stockade::netpol::diff(&sources_arg(before)?, &sources_arg(after)?);
    with_fields(&d, vec![("output", d.render(format).into())])
}

fn kind_arg(kind: Option<String>) -> Result<Option<Kind>, JsValue> {
    kind.map(|k| {
        k.parse::<Kind>().map_err(|message| {
            js_error(&ScanError::file(stockade::ErrorKind::Config, "-", message))
        })
    })
    .transpose()
}

/// A configuration given as the text of a `stockade.yaml` or as an object (read as JSON).
fn engine_from(config: Option<Value>) -> Result<stockade::Engine, JsValue> {
    let text = match config {
        None | Some(Value::Null) => return Ok(stockade::Engine::default()),
        Some(Value::String(text)) => text,
        Some(value) => value.to_string(),
    };
    stockade::Engine::from_config_text(&text, "stockade.yaml").map_err(|errors| {
        errors
            .first()
            .map_or_else(|| JsValue::from_str("unknown error"), js_error)
    })
}

fn report(r: stockade::Report, sources: &[Source]) -> Result<JsValue, JsValue> {
    let source = |path: &str| sources.iter().find(|s| s.path() == path);
    let findings = |list: Vec<stockade::Finding>| -> Result<Vec<Value>, JsValue> {
        list.into_iter()
            .map(|f| {
                let src = source(&f.path);
                let (start, end) = (position(f.start, src), position(f.end, src));
                let mut value = serde_json::to_value(f).map_err(|e| e.to_string())?;
                if let Some(fields) = value.as_object_mut() {
                    fields.insert("start".to_string(), start);
                    fields.insert("end".to_string(), end);
                }
                Ok(value)
            })
            .collect()
    };
    let errors: Vec<Value> = r
        .errors
        .iter()
        .map(|e| error_info(e, source(&e.path)))
        .collect();
    to_js(&json!({
        "version": r.version,
        "findings": findings(r.findings)?,
        "suppressed": findings(r.suppressed)?,
        "errors": errors,
        "summary": r.summary,
    }))
}

fn rule_info(m: &stockade::RuleMeta) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "pack": m.pack.as_str(),
        "aliases": m.aliases,
        "severity": m.severity.as_str(),
        "category": m.category.as_str(),
        "title": m.title,
        "remediation": m.remediation,
        "docs": m.docs_markdown(),
        "help": m.help_url(),
        "defaultEnabled": m.default_enabled,
    })
}

#[derive(Deserialize, Default)]
struct ScanOptions {
    path: Option<String>,
    kind: Option<String>,
    config: Option<Value>,
}

fn options(value: JsValue) -> Result<ScanOptions, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(ScanOptions::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(JsValue::from)
}

#[derive(Deserialize)]
struct SourceText {
    path: String,
    text: String,
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
        #[wasm_bindgen(unchecked_param_type = "string | Record<string, unknown> | null")]
        config: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EngineOptions | null")] options: JsValue,
    ) -> Result<Engine, JsValue> {
        let config = serde_wasm_bindgen::from_value(config).map_err(JsValue::from)?;
        let engine = engine_from(config)?;
        let o: EngineOptions = if options.is_undefined() || options.is_null() {
            EngineOptions::default()
        } else {
            serde_wasm_bindgen::from_value(options).map_err(JsValue::from)?
        };
        let to_sources = |list: Option<Vec<SourceText>>| -> Vec<Source> {
            list.unwrap_or_default()
                .into_iter()
                .map(|s| Source::new(s.path, s.text))
                .collect()
        };
        let (policies, inventory) = (to_sources(o.policies), to_sources(o.inventory));
        if policies.is_empty() {
            return Ok(Engine { inner: engine });
        }
        let inner = engine
            .with_policy_texts(&pairs(&policies), &pairs(&inventory))
            .map_err(|errors| policy_errors(&errors, &policies))?;
        Ok(Engine { inner })
    }

    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn scan(
        &self,
        text: String,
        #[wasm_bindgen(unchecked_param_type = "ScanOptions | null")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let o = self::options(options)?;
        let source = Source::new(o.path.unwrap_or_else(|| "-".to_string()), text);
        let r = self.inner.scan_source(&source, kind_arg(o.kind)?);
        report(r, std::slice::from_ref(&source))
    }

    /// Scan several texts into one report.
    #[wasm_bindgen(js_name = scanBatch, unchecked_return_type = "Report")]
    pub fn scan_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<SourceText>")] sources: JsValue,
        kind: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let sources: Vec<SourceText> =
            serde_wasm_bindgen::from_value(sources).map_err(JsValue::from)?;
        let sources: Vec<Source> = sources
            .into_iter()
            .map(|s| Source::new(s.path, s.text))
            .collect();
        let r = self.inner.scan_sources(&sources, kind_arg(kind)?);
        report(r, &sources)
    }
}

/// Scan one text.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn scan(
    text: String,
    #[wasm_bindgen(unchecked_param_type = "ScanOptions | null")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let o = self::options(options)?;
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
            .map(|m| rule_info(m))
            .collect::<Vec<_>>(),
    )
}

/// The rule with this id or alias, or `null`.
#[wasm_bindgen(unchecked_return_type = "RuleInfo | null")]
pub fn explain(rule: &str) -> Result<JsValue, JsValue> {
    stockade::explain(rule).map_or(Ok(JsValue::NULL), |m| to_js(&rule_info(m)))
}

/// The error classes (`StockadeError`, `ConfigError`, …) thrown by this module.
#[wasm_bindgen(js_name = errorClasses, unchecked_return_type = "ErrorClasses")]
pub fn error_classes() -> Result<JsValue, JsValue> {
    Ok(error_classes_js())
}

/// The version of the Stockade engine.
#[wasm_bindgen]
pub fn version() -> String {
    stockade::VERSION.to_string()
}
