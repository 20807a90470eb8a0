//! WebAssembly bindings (wasm-bindgen): `scan`, `Engine`, `rules`, `explain`, the
//! same API as the Node addon. Every behaviour lives in the `stockade` crate; this
//! module converts types and errors only. Positions carry UTF-16 columns and
//! offsets (JavaScript string indices) besides the JSON's line, column and byte offset.
#![allow(clippy::needless_pass_by_value)] // wasm-bindgen passes arguments by value

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use stockade::{Kind, ScanError, Source};

/// The error classes, shared with the Node addon (one definition per JavaScript realm).
const ERROR_CLASSES: &str = include_str!("../../bindings-node/src/errors.js");

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
    let make = || -> Result<JsValue, JsValue> {
        let create: js_sys::Function =
            js_sys::Reflect::get(&error_classes()?, &"create".into())?.dyn_into()?;
        create.call2(
            &JsValue::NULL,
            &e.to_string().into(),
            &to_js(&error_info(e, None))?,
        )
    };
    make().unwrap_or_else(|err| err)
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
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | Record<string, unknown> | null")]
        config: JsValue,
    ) -> Result<Engine, JsValue> {
        let config = serde_wasm_bindgen::from_value(config).map_err(JsValue::from)?;
        Ok(Engine {
            inner: engine_from(config)?,
        })
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
    js_sys::eval(ERROR_CLASSES)
}

/// The version of the Stockade engine.
#[wasm_bindgen]
pub fn version() -> String {
    stockade::VERSION.to_string()
}
