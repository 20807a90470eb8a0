//! Python bindings: `stockade.scan`, `stockade.Engine` (with Gatekeeper, conftest
//! and Kyverno policies), `stockade.rules`, `stockade.explain`, `verify_suite`,
//! `netpol_connectivity`, `netpol_explain`, `netpol_diff`, `kyverno_test`,
//! `render_chart`/`scan_chart` (Helm) and `build_kustomization`/`scan_kustomization`. Every behaviour lives in the `stockade` crate; this module
//! converts types and errors only.
#![allow(clippy::needless_pass_by_value)] // pyo3 extracts arguments by value

use std::path::PathBuf;

use pyo3::basic::CompareOp;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use stockade::{wire, ErrorKind, Kind, RuleMeta, ScanError, Severity};

create_exception!(
    stockade,
    StockadeError,
    PyException,
    "Base of every Stockade error."
);
create_exception!(
    stockade,
    ParseError,
    StockadeError,
    "Input that is not valid in its format."
);
create_exception!(
    stockade,
    ConfigError,
    StockadeError,
    "An invalid configuration or argument."
);
create_exception!(
    stockade,
    PolicyError,
    StockadeError,
    "A policy that cannot be compiled or evaluated."
);
create_exception!(
    stockade,
    LimitError,
    StockadeError,
    "A size, depth or time limit was hit."
);
create_exception!(
    stockade,
    ReadError,
    StockadeError,
    "A file that could not be read."
);
create_exception!(
    stockade,
    UnsupportedError,
    StockadeError,
    "Input of a kind Stockade does not read."
);

/// A Stockade error as a Python exception carrying `kind`, `path`, `line`, `column`.
fn to_exception(py: Python<'_>, e: &ScanError) -> PyResult<PyErr> {
    to_exception_at(py, e, [None, None])
}

/// `to_exception`, its `start` and `end` with their UTF-16 places.
fn to_exception_at(
    py: Python<'_>,
    e: &ScanError,
    [start, end]: [Option<wire::Utf16Place>; 2],
) -> PyResult<PyErr> {
    let message = e.to_string();
    let err = match e.kind {
        ErrorKind::Parse => ParseError::new_err(message),
        ErrorKind::Config => ConfigError::new_err(message),
        ErrorKind::Policy => PolicyError::new_err(message),
        ErrorKind::Limit => LimitError::new_err(message),
        ErrorKind::Io => ReadError::new_err(message),
        ErrorKind::Unsupported => UnsupportedError::new_err(message),
        _ => StockadeError::new_err(message),
    };
    let value = err.value(py);
    value.setattr("kind", e.kind.as_str())?;
    value.setattr(
        "code",
        format!("STOCKADE_{}", e.kind.as_str().to_ascii_uppercase()),
    )?;
    value.setattr("path", &e.path)?;
    value.setattr("message", &e.message)?;
    value.setattr("document", e.document)?;
    value.setattr("line", e.start.map(|p| p.line.get()))?;
    value.setattr("column", e.start.map(|p| p.column.get()))?;
    value.setattr("start", e.start.map(|p| Position(p, start)))?;
    value.setattr("end", e.end.map(|p| Position(p, end)))?;
    // Deprecated: `end.line` and `end.column`.
    value.setattr("end_line", e.end.map(|p| p.line.get()))?;
    value.setattr("end_column", e.end.map(|p| p.column.get()))?;
    Ok(err)
}

/// The first error raised, with every error in its `errors` attribute.
fn raise_all(py: Python<'_>, errors: &[ScanError]) -> PyErr {
    raise_all_in(py, errors, &[])
}

/// `raise_all`, positions with their UTF-16 places in `sources` (by path).
fn raise_all_in(py: Python<'_>, errors: &[ScanError], sources: &[stockade::Source]) -> PyErr {
    let all: PyResult<Vec<PyErr>> = errors
        .iter()
        .map(|e| {
            let places = wire::Utf16Place::of_error(e, wire::source_for(sources, &e.path));
            to_exception_at(py, e, places)
        })
        .collect();
    let all = match all {
        Ok(all) => all,
        Err(err) => return err,
    };
    let values: Vec<Bound<'_, PyAny>> =
        all.iter().map(|e| e.value(py).clone().into_any()).collect();
    match all.first() {
        Some(first) => match first.value(py).setattr("errors", values) {
            Ok(()) => first.clone_ref(py),
            Err(err) => err,
        },
        None => argument_error("unknown error"),
    }
}

/// A bad argument as a `ConfigError` with every documented attribute
/// (`kind`, `path` `-`, no position).
fn argument_error(message: impl Into<String>) -> PyErr {
    Python::attach(|py| {
        let e = ScanError::file(ErrorKind::Config, "-", message);
        to_exception(py, &e).unwrap_or_else(|err| err)
    })
}

fn kind_arg(kind: Option<&str>) -> PyResult<Option<Kind>> {
    kind.map(|k| k.parse::<Kind>().map_err(argument_error))
        .transpose()
}

/// A path given as `str` or `os.PathLike` (`pathlib.Path`).
fn path_arg(path: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    path.map(|p| {
        let fs = p.py().import("os")?.call_method1("fspath", (p,))?;
        fs.extract::<String>()
    })
    .transpose()
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Python's `repr` of a string (quotes and escapes as Python writes them).
fn py_repr(py: Python<'_>, s: &str) -> PyResult<String> {
    PyString::new(py, s).repr()?.extract()
}

/// `json.loads(text)`.
fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// A configuration given as the text of a `stockade.yaml` or as a dict (read as JSON).
fn engine_from(py: Python<'_>, config: Option<&Bound<'_, PyAny>>) -> PyResult<stockade::Engine> {
    let Some(config) = config else {
        return Ok(stockade::Engine::default());
    };
    if config.is_instance_of::<PyString>() {
        let text: String = config.extract()?;
        return stockade::Engine::from_config_text(&text, "stockade.yaml")
            .map_err(|e| raise_all(py, &e));
    }
    // A dict: its errors are named by key (`config["rules"]["DF0001"]`).
    let json: String = py
        .import("json")?
        .call_method1("dumps", (config,))?
        .extract()?;
    stockade::Engine::from_config_mapping(&json).map_err(|e| raise_all(py, &e))
}

/// A line, column (1-based, Unicode code points) and byte offset (0-based), and
/// the same place in UTF-16 code units (`utf16_column` 1-based, `utf16_offset`
/// 0-based; `None` when the text is not known), as editors and JavaScript count.
#[pyclass(module = "stockade", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash, Clone, Copy)]
struct Position(stockade::Position, Option<wire::Utf16Place>);

#[pymethods]
impl Position {
    #[getter]
    fn line(&self) -> u32 {
        self.0.line.get()
    }
    #[getter]
    fn column(&self) -> u32 {
        self.0.column.get()
    }
    #[getter]
    fn offset(&self) -> u32 {
        self.0.offset
    }
    #[getter]
    fn utf16_column(&self) -> Option<u32> {
        self.1.map(|u| u.column)
    }
    #[getter]
    fn utf16_offset(&self) -> Option<u32> {
        self.1.map(|u| u.offset)
    }
    fn __repr__(&self) -> String {
        let utf16 = self.1.map_or_else(String::new, |u| {
            format!(", utf16_column={}, utf16_offset={}", u.column, u.offset)
        });
        format!(
            "Position(line={}, column={}, offset={}{utf16})",
            self.0.line, self.0.column, self.0.offset
        )
    }
}

/// One finding: immutable, comparable (ordered by path, position and rule).
/// Its positions carry their UTF-16 places when its text was known.
#[pyclass(module = "stockade", frozen)]
struct Finding(stockade::Finding, wire::Utf16Places);

/// Warns with a `DeprecationWarning` (an old name kept as an alias).
fn deprecated(py: Python<'_>, message: &str) -> PyResult<()> {
    let category = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
    PyErr::warn(py, &category, &std::ffi::CString::new(message)?, 1)
}

/// `(path, text)` pairs, or `{"path": …, "text": …}` mappings (the `SourceText`
/// objects of the Node and WebAssembly bindings), in any iterable.
fn source_pairs(list: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let refused =
        || argument_error("sources must be (path, text) pairs or {\"path\", \"text\"} mappings");
    list.try_iter()
        .map_err(|_| refused())?
        .map(|item| {
            let item = item?;
            if item.is_instance_of::<PyDict>() || item.hasattr("keys")? {
                let field = |key: &str| -> PyResult<String> {
                    item.get_item(key)
                        .and_then(|v| v.extract::<String>())
                        .map_err(|_| refused())
                };
                Ok((field("path")?, field("text")?))
            } else {
                item.extract::<(String, String)>().map_err(|_| refused())
            }
        })
        .collect()
}

/// `source_pairs` of an optional argument (empty when absent).
fn optional_pairs(list: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    list.map(source_pairs)
        .transpose()
        .map(Option::unwrap_or_default)
}

/// Adds `utf16_column`/`utf16_offset` to a position object of a finding's JSON.
fn put_utf16(position: Option<&mut serde_json::Value>, place: Option<wire::Utf16Place>) {
    if let (Some(serde_json::Value::Object(p)), Some(u)) = (position, place) {
        p.insert("utf16_column".into(), u.column.into());
        p.insert("utf16_offset".into(), u.offset.into());
    }
}

/// The UTF-16 place of a position object of a finding's JSON (see `put_utf16`).
fn get_utf16(position: Option<&serde_json::Value>) -> Option<wire::Utf16Place> {
    let number = |key: &str| {
        position
            .and_then(|p| p.get(key))
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    Some(wire::Utf16Place {
        column: number("utf16_column")?,
        offset: number("utf16_offset")?,
    })
}

/// A finding's JSON with its UTF-16 places in its positions and fix edits'.
fn finding_value(f: &stockade::Finding, places: &wire::Utf16Places) -> serde_json::Value {
    let mut value = serde_json::to_value(f).unwrap_or_default();
    put_utf16(value.get_mut("start"), places.start);
    put_utf16(value.get_mut("end"), places.end);
    if let Some(serde_json::Value::Array(edits)) = value.pointer_mut("/fix/edits") {
        for (edit, [start, end]) in edits.iter_mut().zip(&places.edits) {
            put_utf16(edit.get_mut("start"), *start);
            put_utf16(edit.get_mut("end"), *end);
        }
    }
    value
}

/// A finding and its UTF-16 places read back from `finding_value`'s JSON.
fn finding_from_value(
    value: serde_json::Value,
) -> Result<(stockade::Finding, wire::Utf16Places), serde_json::Error> {
    let edits = value
        .pointer("/fix/edits")
        .and_then(serde_json::Value::as_array)
        .map_or_else(Vec::new, |edits| {
            edits
                .iter()
                .map(|e| [get_utf16(e.get("start")), get_utf16(e.get("end"))])
                .collect()
        });
    let places = wire::Utf16Places {
        start: get_utf16(value.get("start")),
        end: get_utf16(value.get("end")),
        edits,
    };
    Ok((serde_json::from_value(value)?, places))
}

#[pymethods]
impl Finding {
    #[getter]
    fn rule(&self) -> &str {
        &self.0.rule
    }
    #[getter]
    fn aliases(&self) -> Vec<String> {
        self.0.aliases.clone()
    }
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }
    #[getter]
    fn category(&self) -> &'static str {
        self.0.category.as_str()
    }
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }
    #[getter]
    fn remediation(&self) -> &str {
        &self.0.remediation
    }
    #[getter]
    fn help(&self) -> &str {
        &self.0.help
    }
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }
    #[getter]
    fn document(&self) -> usize {
        self.0.document
    }
    #[getter]
    fn object(&self) -> Option<&str> {
        self.0.object.as_deref()
    }
    #[getter]
    fn pointer(&self) -> Option<&str> {
        self.0.pointer.as_deref()
    }
    #[getter]
    fn start(&self) -> Position {
        Position(self.0.start, self.1.start)
    }
    #[getter]
    fn end(&self) -> Position {
        Position(self.0.end, self.1.end)
    }
    /// Where the offending text of a rendered document came from (a template, a
    /// values file, a base, a patch): `{path, start, end, role}` dicts; empty for
    /// plain files.
    #[getter]
    fn origins<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &to_json(&self.0.origins))
    }
    /// Deprecated: `start.line` (the name the Node and WebAssembly findings share).
    #[getter]
    fn line(&self, py: Python<'_>) -> PyResult<u32> {
        deprecated(py, "Finding.line is deprecated; use Finding.start.line")?;
        Ok(self.0.start.line.get())
    }
    /// Deprecated: `start.column`.
    #[getter]
    fn column(&self, py: Python<'_>) -> PyResult<u32> {
        deprecated(py, "Finding.column is deprecated; use Finding.start.column")?;
        Ok(self.0.start.column.get())
    }
    /// The edits that resolve the finding (`applicability`, `message`, `edits`;
    /// each edit's `start`/`end` with its UTF-16 place), or `None`.
    #[getter]
    fn fix<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match finding_value(&self.0, &self.1).get("fix") {
            Some(fix) => json_loads(py, &fix.to_string()).map(Some),
            None => Ok(None),
        }
    }
    fn to_json(&self) -> String {
        finding_value(&self.0, &self.1).to_string()
    }
    /// Rebuild a finding from `to_json()` (pickling).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str(text)
            .and_then(finding_from_value)
            .map(|(f, places)| Finding(f, places))
            .map_err(|e| argument_error(format!("not a finding: {e}")))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.getattr("from_json")?, (slf.get().to_json(),)))
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.to_json())
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let f = &self.0;
        Ok(format!(
            "Finding(rule={}, severity={}, path={}, line={}, column={}, message={})",
            py_repr(py, &f.rule)?,
            py_repr(py, f.severity.as_str())?,
            py_repr(py, &f.path)?,
            f.start.line,
            f.start.column,
            py_repr(py, &f.message)?
        ))
    }
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<Finding>() else {
            return Ok(py.NotImplemented());
        };
        let other = other.get();
        let result = match op {
            CompareOp::Eq => (&self.0, &self.1) == (&other.0, &other.1),
            CompareOp::Ne => (&self.0, &self.1) != (&other.0, &other.1),
            _ => op.matches(self.0.sort_key().cmp(&other.0.sort_key())),
        };
        Ok(result.into_pyobject(py)?.to_owned().into_any().unbind())
    }
    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.to_json().hash(&mut h);
        h.finish()
    }
}

/// The result of a scan: findings, suppressed findings, errors and a summary.
/// Iterating a report iterates its findings.
#[pyclass(module = "stockade", frozen)]
#[allow(clippy::struct_field_names)] // `report`: the core report
struct Report {
    report: stockade::Report,
    /// The UTF-16 places of `report.findings` and `report.suppressed`, in order.
    places: Places,
    /// The `Finding` objects, built on first access and shared after.
    findings: pyo3::sync::PyOnceLock<Vec<Py<Finding>>>,
}

/// The UTF-16 places of a report's findings and suppressed findings.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Places {
    findings: Vec<wire::Utf16Places>,
    suppressed: Vec<wire::Utf16Places>,
    errors: Vec<[Option<wire::Utf16Place>; 2]>,
}

impl Report {
    /// `report`, its findings positioned in UTF-16 too in `sources` (by path).
    fn new(report: stockade::Report, sources: &[stockade::Source]) -> Self {
        let places = Places {
            findings: wire::Utf16Places::of_all(&report.findings, sources),
            suppressed: wire::Utf16Places::of_all(&report.suppressed, sources),
            errors: report
                .errors
                .iter()
                .map(|e| wire::Utf16Place::of_error(e, wire::source_for(sources, &e.path)))
                .collect(),
        };
        Self {
            report,
            places,
            findings: pyo3::sync::PyOnceLock::new(),
        }
    }

    /// The report's JSON, its findings' positions with their UTF-16 places.
    fn json_value(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(&self.report).unwrap_or_default();
        for (key, list, places) in [
            ("findings", &self.report.findings, &self.places.findings),
            (
                "suppressed",
                &self.report.suppressed,
                &self.places.suppressed,
            ),
        ] {
            if let Some(slot) = value.get_mut(key) {
                *slot = list
                    .iter()
                    .zip(places)
                    .map(|(f, p)| finding_value(f, p))
                    .collect();
            }
        }
        if let Some(serde_json::Value::Array(errors)) = value.get_mut("errors") {
            for (error, [start, end]) in errors.iter_mut().zip(&self.places.errors) {
                put_utf16(error.get_mut("start"), *start);
                put_utf16(error.get_mut("end"), *end);
            }
        }
        value
    }

    /// A report read back from `json_value`'s JSON.
    fn from_value(mut value: serde_json::Value) -> Result<Self, serde_json::Error> {
        let mut places = Places::default();
        for (key, out) in [
            ("findings", &mut places.findings),
            ("suppressed", &mut places.suppressed),
        ] {
            if let Some(serde_json::Value::Array(list)) = value.get_mut(key) {
                for item in list.iter_mut() {
                    let (f, p) = finding_from_value(item.take())?;
                    *item = serde_json::to_value(f)?;
                    out.push(p);
                }
            }
        }
        if let Some(serde_json::Value::Array(errors)) = value.get("errors") {
            places.errors = errors
                .iter()
                .map(|e| [get_utf16(e.get("start")), get_utf16(e.get("end"))])
                .collect();
        }
        let report: stockade::Report = serde_json::from_value(value)?;
        Ok(Self {
            report,
            places,
            findings: pyo3::sync::PyOnceLock::new(),
        })
    }

    fn finding_objects(&self, py: Python<'_>) -> PyResult<&Vec<Py<Finding>>> {
        self.findings.get_or_try_init(py, || {
            self.report
                .findings
                .iter()
                .zip(&self.places.findings)
                .map(|(f, p)| Py::new(py, Finding(f.clone(), p.clone())))
                .collect()
        })
    }
}

/// The severities in order, most severe first (`to_records`, `to_arrow`).
/// Severity names, most severe first (the order of the category columns).
fn severity_order() -> Vec<&'static str> {
    Severity::ALL.iter().map(|s| s.as_str()).collect()
}

#[pymethods]
impl Report {
    #[getter]
    fn version(&self) -> &str {
        &self.report.version
    }
    /// The findings (the same objects on every access).
    #[getter]
    fn findings(&self, py: Python<'_>) -> PyResult<Vec<Py<Finding>>> {
        Ok(self
            .finding_objects(py)?
            .iter()
            .map(|f| f.clone_ref(py))
            .collect())
    }
    #[getter]
    fn suppressed(&self) -> Vec<Finding> {
        self.report
            .suppressed
            .iter()
            .zip(&self.places.suppressed)
            .map(|(f, p)| Finding(f.clone(), p.clone()))
            .collect()
    }
    /// Errors as exception instances (`ParseError`, …), ready to raise.
    #[getter]
    fn errors(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        let none = [None, None];
        self.report
            .errors
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let places = self.places.errors.get(i).copied().unwrap_or(none);
                Ok(to_exception_at(py, e, places)?.into_value(py).into_any())
            })
            .collect()
    }
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &to_json(&self.report.summary))
    }
    /// The report as JSON; finding positions carry `utf16_column`/`utf16_offset`
    /// when the text was known.
    fn to_json(&self) -> String {
        self.json_value().to_string()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.to_json())
    }
    /// One flat dict per finding (`rule`, `severity`, `path`, `line`, `column`,
    /// `end_line`, `end_column`, `offset`, `end_offset`, `message`, `title`,
    /// `category`, `document`, `object`, `pointer`, `fixable`): straight into
    /// `pandas.DataFrame(...)`.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows = stockade::output::records::records(&self.report);
        json_loads(py, &serde_json::Value::Array(rows).to_string())
    }
    /// The records as a `pyarrow.Table`, `severity` a dictionary column whose
    /// order is critical → info (needs pyarrow).
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pa = py.import("pyarrow")?;
        let records = self.to_records(py)?;
        let table = pa
            .getattr("Table")?
            .call_method1("from_pylist", (records,))?;
        if self.report.findings.is_empty() {
            return Ok(table);
        }
        let order = pa.call_method1("array", (severity_order(),))?;
        let codes: Vec<i32> = self
            .report
            .findings
            .iter()
            .map(|f| {
                Severity::ALL
                    .iter()
                    .position(|s| *s == f.severity)
                    .map_or(0, |i| i32::try_from(i).unwrap_or(0))
            })
            .collect();
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("ordered", true)?;
        let column = pa.getattr("DictionaryArray")?.call_method(
            "from_arrays",
            (
                pa.call_method1("array", (codes, pa.call_method0("int32")?))?,
                order,
            ),
            Some(&kwargs),
        )?;
        let index = table
            .getattr("schema")?
            .call_method1("get_field_index", ("severity",))?;
        table.call_method1("set_column", (index, "severity", column))
    }
    /// The records as a `pandas.DataFrame`, `severity` an ordered categorical
    /// (critical first; needs pandas).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pd = py.import("pandas")?;
        let frame = pd.call_method1("DataFrame", (self.to_records(py)?,))?;
        if self.report.findings.is_empty() {
            return Ok(frame);
        }
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("categories", severity_order())?;
        kwargs.set_item("ordered", true)?;
        let severity =
            pd.call_method("Categorical", (frame.get_item("severity")?,), Some(&kwargs))?;
        frame.set_item("severity", severity)?;
        Ok(frame)
    }
    /// Rebuild a report from `to_json()` (pickling).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        serde_json::from_str(text)
            .and_then(Report::from_value)
            .map_err(|e| argument_error(format!("not a report: {e}")))
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.getattr("from_json")?, (slf.get().to_json(),)))
    }
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let list = pyo3::types::PyList::new(py, self.findings(py)?)?;
        list.try_iter().map(Bound::into_any)
    }
    fn __len__(&self) -> usize {
        self.report.findings.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "Report(findings={}, suppressed={}, errors={}, files={})",
            self.report.findings.len(),
            self.report.suppressed.len(),
            self.report.errors.len(),
            self.report.summary.files
        )
    }
}

/// A rule's metadata and documentation.
#[pyclass(module = "stockade", frozen, eq)]
struct Rule(&'static RuleMeta);

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

#[pymethods]
impl Rule {
    #[getter]
    fn id(&self) -> &'static str {
        self.0.id
    }
    #[getter]
    fn name(&self) -> &'static str {
        self.0.name
    }
    #[getter]
    fn pack(&self) -> &'static str {
        self.0.pack.as_str()
    }
    #[getter]
    fn aliases(&self) -> Vec<&'static str> {
        self.0.aliases.to_vec()
    }
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }
    #[getter]
    fn category(&self) -> &'static str {
        self.0.category.as_str()
    }
    #[getter]
    fn title(&self) -> &'static str {
        self.0.title
    }
    #[getter]
    fn remediation(&self) -> &'static str {
        self.0.remediation
    }
    /// Markdown documentation.
    #[getter]
    fn docs(&self) -> String {
        self.0.docs_markdown()
    }
    #[getter]
    fn help(&self) -> String {
        self.0.help_url()
    }
    #[getter]
    fn default_enabled(&self) -> bool {
        self.0.default_enabled
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Rule(id={}, name={}, severity={})",
            py_repr(py, self.0.id)?,
            py_repr(py, self.0.name)?,
            py_repr(py, self.0.severity.as_str())?
        ))
    }
}

/// A configured scanner: build once, scan many texts or files (thread-safe).
/// Pickles as the arguments it was built from (or the path it was built for).
#[pyclass(module = "stockade", frozen)]
struct Engine {
    engine: stockade::Engine,
    /// How to build it again: `(config, policies, inventory)` or `for_path(path)`.
    made_from: MadeFrom,
}

enum MadeFrom {
    Args(
        Option<Py<PyAny>>,
        Vec<(String, String)>,
        Vec<(String, String)>,
    ),
    Path(String),
}

#[pymethods]
impl Engine {
    /// `config`: the text of a `stockade.yaml` (YAML or JSON) or a dict.
    /// `policies`: `(path, text)` pairs of Gatekeeper templates and constraints,
    /// conftest `.rego` modules and Kyverno policies; `inventory`: `(path, text)`
    /// pairs of cluster objects for Gatekeeper's `data.inventory`. A policy that
    /// does not compile raises `PolicyError` (positioned; all in `errors`).
    #[new]
    #[pyo3(signature = (config=None, policies=None, inventory=None))]
    fn new(
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        policies: Option<&Bound<'_, PyAny>>,
        inventory: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let engine = engine_from(py, config)?;
        let (policies, inventory) = (optional_pairs(policies)?, optional_pairs(inventory)?);
        let engine = if policies.is_empty() {
            engine
        } else {
            engine
                .with_policy_texts(&pairs(&policies), &pairs(&inventory))
                .map_err(|e| {
                    raise_all_in(
                        py,
                        &e,
                        &to_sources([&policies[..], &inventory[..]].concat()),
                    )
                })?
        };
        Ok(Engine {
            engine,
            made_from: MadeFrom::Args(config.map(|c| c.clone().unbind()), policies, inventory),
        })
    }

    /// The engine `stockade scan` uses for `path` (a file or folder): the
    /// nearest `stockade.yaml`/`.stockade.yaml` (see `discover_config`), or
    /// the defaults. An invalid configuration raises its errors.
    #[staticmethod]
    fn for_path(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Self> {
        let path = path_arg(Some(path))?.unwrap_or_default();
        let engine = stockade::Engine::for_path(std::path::Path::new(&path))
            .map_err(|e| raise_all(py, &e.errors))?;
        Ok(Engine {
            engine,
            made_from: MadeFrom::Path(path),
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let py = slf.py();
        let this = slf.get();
        match &this.made_from {
            MadeFrom::Path(path) => Ok((
                slf.getattr("for_path")?,
                (path.clone(),).into_pyobject(py)?.into_any(),
            )),
            MadeFrom::Args(config, policies, inventory) => Ok((
                py.get_type::<Engine>().into_any(),
                (
                    config.as_ref().map(|c| c.clone_ref(py)),
                    policies.clone(),
                    inventory.clone(),
                )
                    .into_pyobject(py)?
                    .into_any(),
            )),
        }
    }

    /// Scan several `(path, text)` sources as one scan (`NetworkPolicy` analysis,
    /// Namespace labels and Gatekeeper inventory across them) into one report.
    #[pyo3(signature = (sources, kind=None))]
    fn scan_texts(
        &self,
        py: Python<'_>,
        sources: &Bound<'_, PyAny>,
        kind: Option<&str>,
    ) -> PyResult<Report> {
        let kind = kind_arg(kind)?;
        let sources = to_sources(source_pairs(sources)?);
        let report = py.detach(|| self.engine.scan_sources(&sources, kind));
        Ok(Report::new(report, &sources))
    }

    #[pyo3(signature = (text, path=None, kind=None))]
    fn scan(
        &self,
        py: Python<'_>,
        text: &str,
        path: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
    ) -> PyResult<Report> {
        let kind = kind_arg(kind)?;
        let source = stockade::Source::new(path_arg(path)?.unwrap_or_else(|| "-".into()), text);
        let report = py.detach(|| self.engine.scan_source(&source, kind));
        Ok(Report::new(report, std::slice::from_ref(&source)))
    }

    /// Render a Helm chart (`chart`: the files of its folder as a dict of
    /// path → `str`/`bytes`, or a `.tgz` as `bytes`) as `helm template` does,
    /// with `helm template`'s flags as keyword arguments (see `render_chart`),
    /// and scan the manifests; findings name the template and values lines.
    #[pyo3(signature = (chart, **options))]
    fn scan_chart(
        &self,
        py: Python<'_>,
        chart: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Report> {
        let input = chart_arg(chart)?;
        let options = chart_options(py, options)?;
        let (report, sources) = py.detach(|| {
            self.engine
                .scan_chart_input_keeping_sources(input, &options, "")
        });
        Ok(Report::new(report, &sources))
    }

    /// Build the kustomization in folder `dir` of `files` (path → `str`/`bytes`)
    /// as `kubectl kustomize` does and scan the output; findings name the base
    /// and patch lines. A build error is the report's error.
    #[pyo3(signature = (files, dir="."))]
    fn scan_kustomization(
        &self,
        py: Python<'_>,
        files: &Bound<'_, PyAny>,
        dir: &str,
    ) -> PyResult<Report> {
        let files = files_arg(files)?;
        let (report, sources) =
            py.detach(|| self.engine.scan_kustomization_keeping_sources(&files, dir));
        Ok(Report::new(report, &sources))
    }

    /// Read and scan files into one report; unreadable files are `ReadError`s in it.
    #[pyo3(signature = (paths, kind=None))]
    fn scan_files(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        kind: Option<&str>,
    ) -> PyResult<Report> {
        let kind = kind_arg(kind)?;
        let (report, sources) = py.detach(|| self.engine.scan_files_keeping_sources(&paths, kind));
        Ok(Report::new(report, &sources))
    }
}

/// Scan one text. `config` is the text of a `stockade.yaml` or a dict.
#[pyfunction]
#[pyo3(signature = (text, path=None, kind=None, config=None))]
fn scan(
    py: Python<'_>,
    text: &str,
    path: Option<&Bound<'_, PyAny>>,
    kind: Option<&str>,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    Engine::new(py, config, None, None)?.scan(py, text, path, kind)
}

/// What `helm template` prints for `chart` (the files of its folder as a
/// dict of path → `str`/`bytes`, or a `.tgz` as `bytes`). Keyword arguments are
/// `helm template`'s flags: `values` (`(name, text)` pairs), `set`,
/// `set_string`, `set_json`, `set_file` (lists of strings), `set_file_contents`
/// (path → text), `release_name`, `namespace`, `kube_version`, `api_versions`,
/// `show_only`, `include_crds`, `skip_tests`, `helm3`. A template error raises
/// with Helm's message, located at its template line.
#[pyfunction]
#[pyo3(signature = (chart, **options))]
fn render_chart(
    py: Python<'_>,
    chart: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let input = chart_arg(chart)?;
    let options = chart_options(py, options)?;
    py.detach(|| stockade::helm::render_chart_input(input, &options))
        .map_err(|e| to_exception(py, &e).unwrap_or_else(|err| err))
}

/// Render and scan a Helm chart (see `render_chart`); `config` as for `scan`.
#[pyfunction]
#[pyo3(signature = (chart, config=None, **options))]
fn scan_chart(
    py: Python<'_>,
    chart: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Report> {
    Engine::new(py, config, None, None)?.scan_chart(py, chart, options)
}

/// What `kubectl kustomize DIR` prints for the kustomization in folder `dir`
/// of `files` (path → `str`/`bytes`, relative to one root). A build error
/// raises, located in the file it concerns.
#[pyfunction]
#[pyo3(signature = (files, dir="."))]
fn build_kustomization(py: Python<'_>, files: &Bound<'_, PyAny>, dir: &str) -> PyResult<String> {
    let files = files_arg(files)?;
    py.detach(|| stockade::kustomize::build_text(&files, dir))
        .map_err(|e| to_exception(py, &e).unwrap_or_else(|err| err))
}

/// Build and scan a kustomization (see `build_kustomization`); `config` as for `scan`.
#[pyfunction]
#[pyo3(signature = (files, dir=".", config=None))]
fn scan_kustomization(
    py: Python<'_>,
    files: &Bound<'_, PyAny>,
    dir: &str,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<Report> {
    Engine::new(py, config, None, None)?.scan_kustomization(py, files, dir)
}

/// A dict of path → `str` or `bytes`.
fn files_arg(files: &Bound<'_, PyAny>) -> PyResult<stockade::kustomize::FileMap> {
    let refused = || argument_error("files must be a mapping of path → str or bytes");
    // Any mapping (or iterable of pairs) is read as `dict(files)` would read it.
    let dict = match files.cast::<PyDict>() {
        Ok(d) => d.clone(),
        Err(_) => files
            .py()
            .get_type::<PyDict>()
            .call1((files,))
            .map_err(|_| refused())?
            .cast_into::<PyDict>()
            .map_err(|_| refused())?,
    };
    let mut out = Vec::with_capacity(dict.len());
    for (path, content) in dict.iter() {
        let path: String = path_arg(Some(&path))?.unwrap_or_default();
        let bytes = if let Ok(b) = content.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(s) = content.extract::<String>() {
            s.into_bytes()
        } else {
            return Err(argument_error(format!(
                "{path}: a file's contents must be str or bytes"
            )));
        };
        out.push((path, bytes));
    }
    Ok(stockade::kustomize::file_map(out))
}

/// A chart: `bytes` (a `.tgz`) or a dict of its folder's files.
fn chart_arg(chart: &Bound<'_, PyAny>) -> PyResult<stockade::helm::ChartInput> {
    if let Ok(b) = chart.cast::<PyBytes>() {
        return Ok(stockade::helm::ChartInput::Archive(b.as_bytes().to_vec()));
    }
    if chart.is_instance_of::<PyString>() {
        return Err(argument_error(
            "chart must be a mapping of path → str or bytes (the chart folder's files) or the bytes of a .tgz",
        ));
    }
    Ok(stockade::helm::ChartInput::Files(
        files_arg(chart)?.into_iter().collect(),
    ))
}

/// `helm template`'s flags given as keyword arguments (read by core,
/// `ChartOptions::from_keywords`); an unknown one is a `ConfigError`.
fn chart_options(
    py: Python<'_>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<stockade::helm::HelmOptions> {
    let Some(options) = options else {
        return Ok(stockade::helm::HelmOptions::default());
    };
    let json: String = py
        .import("json")?
        .call_method1("dumps", (options,))
        .map_err(|_| argument_error("chart options must be JSON values".to_string()))?
        .extract()?;
    let keywords =
        serde_json::from_str(&json).map_err(|e| argument_error(format!("chart options: {e}")))?;
    stockade::wire::ChartOptions::from_keywords(keywords)
        .map(stockade::wire::ChartOptions::helm_options)
        .map_err(|e| to_exception(py, &e).unwrap_or_else(|err| err))
}

fn pairs(list: &[(String, String)]) -> Vec<(&str, &str)> {
    list.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect()
}

fn to_sources(list: Vec<(String, String)>) -> Vec<stockade::Source> {
    list.into_iter()
        .map(|(path, text)| stockade::Source::new(path, text))
        .collect()
}

/// A value as a Python object (through its JSON), with extra fields.
fn to_py<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
    extra: &[(&str, serde_json::Value)],
) -> PyResult<Bound<'py, PyAny>> {
    let mut json = serde_json::to_value(value).map_err(|e| argument_error(e.to_string()))?;
    if let Some(fields) = json.as_object_mut() {
        for (k, v) in extra {
            fields.insert((*k).to_string(), v.clone());
        }
    }
    json_loads(py, &json.to_string())
}

fn conn_format(format: &str) -> PyResult<stockade::netpol::ConnFormat> {
    format.parse().map_err(argument_error)
}

/// Run a `gator verify` suite file (paths in it relative to it, read from disk):
/// `{"ok", "passed", "total", "suites": [...], "text"}`.
#[pyfunction]
#[pyo3(signature = (path, verbose=false))]
fn verify_suite(py: Python<'_>, path: PathBuf, verbose: bool) -> PyResult<Bound<'_, PyAny>> {
    let suites: Vec<_> = py
        .detach(|| stockade::rego::verify_suite_file(&path))
        .into_iter()
        .collect();
    to_py(py, &stockade::rego::Verification::new(suites, verbose), &[])
}

/// Allowed connections between the workloads of `(path, text)` manifests:
/// `{"workloads", "connections", "output"}`, `output` rendered in `format`
/// (`text`, `json`, `csv`, `md`, `dot`).
#[pyfunction]
#[pyo3(signature = (sources, format="text"))]
fn netpol_connectivity<'py>(
    py: Python<'py>,
    sources: &Bound<'py, PyAny>,
    format: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let format = conn_format(format)?;
    let list = stockade::netpol::connlist(&to_sources(source_pairs(sources)?));
    to_py(py, &list, &[("output", list.render(format).into())])
}

/// Why `src` may or may not connect to `dst` (`ns/name`, `ns/name[Kind]`, an IP
/// or CIDR), optionally on `port` (`8080/TCP`); the explanation with its `text`.
#[pyfunction]
#[pyo3(signature = (sources, src, dst, port=None))]
fn netpol_explain<'py>(
    py: Python<'py>,
    sources: &Bound<'py, PyAny>,
    src: &str,
    dst: &str,
    port: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let e = stockade::netpol::explain(&to_sources(source_pairs(sources)?), src, dst, port)
        .map_err(argument_error)?;
    to_py(py, &e, &[("text", e.to_text().into())])
}

/// The connections that change between two sets of `(path, text)` manifests:
/// `{"changes", "output"}`.
#[pyfunction]
#[pyo3(signature = (before, after, format="text"))]
fn netpol_diff<'py>(
    py: Python<'py>,
    before: &Bound<'py, PyAny>,
    after: &Bound<'py, PyAny>,
    format: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let format = conn_format(format)?;
    let d = stockade::netpol::diff(
        &to_sources(source_pairs(before)?),
        &to_sources(source_pairs(after)?),
    );
    to_py(py, &d, &[("output", d.render(format).into())])
}

/// What a text is (`"dockerfile"`, `"kubernetes"` or `"policy"`), by its `path`
/// when that tells, else by its content; `None` when neither tells.
#[pyfunction]
#[pyo3(signature = (text, path=None))]
fn detect_kind(text: &str, path: Option<&Bound<'_, PyAny>>) -> PyResult<Option<&'static str>> {
    let path = path_arg(path)?;
    Ok(stockade::detect_text_kind(path.as_deref(), text).map(stockade::TextKind::as_str))
}

/// Run a `kyverno-test.yaml` (files it names read from disk, relative to it):
/// `{"path", "name", "error", "entries", "rows", "passed"}`.
#[pyfunction]
fn kyverno_test(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyAny>> {
    let run = py.detach(|| stockade::kyverno::run_test(&path));
    to_py(py, &run, &[("passed", run.passed().into())])
}

/// The configuration file `stockade scan` would use for `path` (a file or
/// folder): the first `stockade.yaml`/`.stockade.yaml` in its folder or a
/// parent, or `None`.
#[pyfunction]
fn discover_config(path: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let path = path_arg(Some(path))?.unwrap_or_default();
    Ok(stockade::discover_config(std::path::Path::new(&path))
        .map(|p| p.to_string_lossy().to_string()))
}

/// Every built-in rule.
#[pyfunction]
fn rules() -> Vec<Rule> {
    stockade::rules().iter().copied().map(Rule).collect()
}

/// The rule with this id or alias, or `None`.
#[pyfunction]
fn explain(rule: &str) -> Option<Rule> {
    stockade::explain(rule).map(Rule)
}

#[pymodule]
#[pyo3(name = "stockade")]
fn stockade_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", stockade::VERSION)?;
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(detect_kind, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(discover_config, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(verify_suite, m)?)?;
    m.add_function(wrap_pyfunction!(netpol_connectivity, m)?)?;
    m.add_function(wrap_pyfunction!(netpol_explain, m)?)?;
    m.add_function(wrap_pyfunction!(netpol_diff, m)?)?;
    m.add_function(wrap_pyfunction!(kyverno_test, m)?)?;
    m.add_function(wrap_pyfunction!(render_chart, m)?)?;
    m.add_function(wrap_pyfunction!(scan_chart, m)?)?;
    m.add_function(wrap_pyfunction!(build_kustomization, m)?)?;
    m.add_function(wrap_pyfunction!(scan_kustomization, m)?)?;
    m.add_class::<Engine>()?;
    m.add_class::<Report>()?;
    m.add_class::<Finding>()?;
    m.add_class::<Position>()?;
    m.add_class::<Rule>()?;
    m.add("StockadeError", py.get_type::<StockadeError>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    m.add("ReadError", py.get_type::<ReadError>())?;
    m.add("UnsupportedError", py.get_type::<UnsupportedError>())?;
    Ok(())
}
