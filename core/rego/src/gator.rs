//! `gator verify` suites: `kind: Suite` (`test.gatekeeper.sh`) files listing
//! tests of a template + constraint + cases, each case an object (or an
//! `AdmissionReview`), optional inventory files, and assertions
//! (`violations: <n>|yes|no`, `message: <Go regexp>` matched against each
//! violation's message). Every case is a fresh evaluation. Paths are relative to
//! the suite file; files are read through the caller's `read` function, so the
//! core does no file-system I/O unless [`verify_suite_file`] is called (which
//! reads through the shared bounded reader).
//!
//! Differences from gator: `expansion` (generated resources) is not supported (a
//! test that sets it fails with that reason); parameter validation against the
//! template schema checks types only (`invalid: true` tests rely on it).

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value as Json;

use super::constraint::{Constraint, GATOR_POINT};
use super::eval::{Backend, CompiledTemplate, Violation};
use super::inventory::Inventory;
use super::review::{self, Review};
use super::template::{apply_defaults, Template};
use stockade_source::walk;
use stockade_yaml::{Limits, Node};

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub skipped: bool,
    pub error: Option<String>,
    #[serde(skip)]
    pub runtime: Duration,
}

/// The result of one test (template + constraint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestResult {
    pub name: String,
    pub skipped: bool,
    pub error: Option<String>,
    pub cases: Vec<CaseResult>,
    /// Cases the test declares (run or not: a test that fails to load runs none).
    pub declared_cases: usize,
    #[serde(skip)]
    pub runtime: Duration,
}

/// The result of a suite file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteResult {
    pub path: String,
    pub skipped: bool,
    pub error: Option<String>,
    pub tests: Vec<TestResult>,
    #[serde(skip)]
    pub runtime: Duration,
}

impl CaseResult {
    pub fn is_failure(&self) -> bool {
        self.error.is_some()
    }
}

impl TestResult {
    pub fn is_failure(&self) -> bool {
        self.error.is_some() || self.cases.iter().any(CaseResult::is_failure)
    }
}

impl SuiteResult {
    /// A suite that could not be read or run at all: a failure, with the reason.
    pub fn unreadable(path: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            skipped: false,
            error: Some(error.into()),
            tests: Vec::new(),
            runtime: Duration::ZERO,
        }
    }

    pub fn is_failure(&self) -> bool {
        self.error.is_some() || self.tests.iter().any(TestResult::is_failure)
    }

    /// `(passed, total)` cases, skipped ones not counted; the cases of a test
    /// that failed to load count as failed.
    pub fn case_counts(&self) -> (usize, usize) {
        let mut passed = 0;
        let mut total = 0;
        for t in &self.tests {
            if t.skipped {
                continue;
            }
            if t.cases.is_empty() {
                total += t.declared_cases;
            }
            for c in &t.cases {
                if c.skipped {
                    continue;
                }
                total += 1;
                if !c.is_failure() && t.error.is_none() {
                    passed += 1;
                }
            }
        }
        (passed, total)
    }
}

#[allow(clippy::cast_precision_loss)] // durations of a test run fit easily
fn nanos_f64(ns: u128) -> f64 {
    ns as f64
}

/// Go's `time.Duration.String()`: `850ns`, `1.5µs`, `39.412ms`, `1.2s`.
fn fmt_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    let (value, unit) = if ns < 1_000 {
        return format!("{ns}ns");
    } else if ns < 1_000_000 {
        (nanos_f64(ns) / 1e3, "µs")
    } else if ns < 1_000_000_000 {
        (nanos_f64(ns) / 1e6, "ms")
    } else {
        (nanos_f64(ns) / 1e9, "s")
    };
    let mut s = format!("{value:.9}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    format!("{s}{unit}")
}

/// gator's "go" output for a list of suites (`verbose` as `gator verify -v`),
/// ending with `PASS` or `FAIL`.
pub fn render(results: &[SuiteResult], verbose: bool) -> String {
    let mut out = String::new();
    let mut fail = false;
    for s in results {
        if s.skipped {
            continue;
        }
        for t in &s.tests {
            if verbose {
                if t.skipped {
                    let _ = writeln!(out, "=== SKIP  {}", t.name);
                    continue;
                }
                let _ = writeln!(out, "=== RUN   {}", t.name);
            }
            for c in &t.cases {
                if verbose {
                    if c.skipped {
                        let _ = writeln!(out, "    === SKIP  {}", c.name);
                        continue;
                    }
                    let _ = writeln!(out, "    === RUN   {}", c.name);
                }
                if let Some(e) = &c.error {
                    let _ = write!(
                        out,
                        "    --- FAIL: {}\t({})\n        {e}\n",
                        c.name,
                        fmt_duration(c.runtime)
                    );
                } else if verbose {
                    let _ = writeln!(
                        out,
                        "    --- PASS: {}\t({})",
                        c.name,
                        fmt_duration(c.runtime)
                    );
                }
            }
            if t.is_failure() {
                let _ = writeln!(out, "--- FAIL: {}\t({})", t.name, fmt_duration(t.runtime));
                if let Some(e) = &t.error {
                    let _ = writeln!(out, "  {e}");
                }
            } else if verbose {
                let _ = writeln!(out, "--- PASS: {}\t({})", t.name, fmt_duration(t.runtime));
            }
        }
        if s.is_failure() {
            fail = true;
            let _ = writeln!(out, "FAIL\t{}\t{}", s.path, fmt_duration(s.runtime));
            if let Some(e) = &s.error {
                let _ = writeln!(out, "  {e}");
            }
        } else {
            let _ = writeln!(out, "ok\t{}\t{}", s.path, fmt_duration(s.runtime));
        }
    }
    out.push_str(if fail { "FAIL\n" } else { "PASS\n" });
    out
}

/// A run-time stopwatch. `std::time::Instant` panics on wasm32-unknown-unknown
/// (no clock there), so the WebAssembly build reports zero run times.
#[derive(Clone, Copy)]
struct Stopwatch(
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))] std::time::Instant,
);

impl Stopwatch {
    fn start() -> Self {
        Self(
            #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
            std::time::Instant::now(),
        )
    }

    fn elapsed(self) -> Duration {
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        return self.0.elapsed();
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        Duration::ZERO
    }
}

pub(crate) use stockade_source::go::path_join as join;

/// Read the non-empty documents of a YAML file as nodes.
fn read_nodes(text: &str, path: &str) -> Result<Vec<Node>, String> {
    let stream = stockade_yaml::parse_stream(text, &Limits::default());
    let mut out = Vec::new();
    for d in stream.documents {
        match d.root {
            Ok(n) if n.is_null() => {}
            Ok(n) => out.push(n),
            Err(p) => return Err(format!("reading {path:?}: {}", p.message)),
        }
    }
    Ok(out)
}

type Reader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// A test's template and constraint, compiled.
struct Loaded {
    compiled: CompiledTemplate,
    constraint: Constraint,
    parameters: Json,
}

fn load_test(test: &Json, dir: &str, read: Reader<'_>) -> Result<Loaded, String> {
    let template_path = test.get("template").and_then(Json::as_str).unwrap_or("");
    if template_path.is_empty() {
        return Err("invalid test suite: missing template".into());
    }
    let tpath = join(dir, template_path);
    let text = read(&tpath)?;
    let nodes = read_nodes(&text, &tpath)?;
    let [node] = nodes.as_slice() else {
        return Err(format!(
            "reading template {tpath:?}: expected exactly one object, found {}",
            nodes.len()
        ));
    };
    if node.get("kind").and_then(Node::as_str) != Some("ConstraintTemplate") {
        return Err(format!(
            "reading template {tpath:?}: not a ConstraintTemplate"
        ));
    }
    let template =
        Template::from_node(node).map_err(|p| format!("adding template: {}", p.message))?;
    let compiled = CompiledTemplate::compile(template, Some(&text)).map_err(|ps| {
        let msgs: Vec<String> = ps.into_iter().map(|p| p.message).collect();
        format!("adding template: {}", msgs.join("; "))
    })?;
    let constraint_path = test.get("constraint").and_then(Json::as_str).unwrap_or("");
    if constraint_path.is_empty() {
        return Err("invalid test suite: missing constraint".into());
    }
    let cpath = join(dir, constraint_path);
    let ctext = read(&cpath)?;
    let cnodes = read_nodes(&ctext, &cpath)?;
    let [cnode] = cnodes.as_slice() else {
        return Err(format!(
            "reading constraint {cpath:?}: expected exactly one object, found {}",
            cnodes.len()
        ));
    };
    let constraint =
        Constraint::from_node(cnode).map_err(|p| format!("adding constraint: {}", p.message))?;
    if constraint.kind != compiled.kind() {
        return Err(format!(
            "adding constraint: template for constraint kind {:?} not found (the template defines {:?})",
            constraint.kind,
            compiled.kind()
        ));
    }
    let mut parameters = constraint.parameters.clone();
    if let Some(schema) = &compiled.template.schema {
        apply_defaults(schema, &mut parameters);
        if let Err(e) = validate_types(schema, &parameters, "spec.parameters") {
            return Err(format!("adding constraint: schema validation: {e}"));
        }
    }
    Ok(Loaded {
        compiled,
        constraint,
        parameters,
    })
}

/// Type checks of the parameters against the schema (`type:` only).
pub fn validate_types(schema: &Json, value: &Json, path: &str) -> Result<(), String> {
    let ty = schema.get("type").and_then(Json::as_str);
    let ok = match (ty, value) {
        (None, _)
        | (_, Json::Null)
        | (Some("object"), Json::Object(_))
        | (Some("array"), Json::Array(_))
        | (Some("string"), Json::String(_))
        | (Some("boolean"), Json::Bool(_))
        | (Some("number"), Json::Number(_)) => true,
        (Some("integer"), Json::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    };
    let int_or_string = schema
        .get("x-kubernetes-int-or-string")
        .and_then(Json::as_bool)
        == Some(true);
    if !ok && !(int_or_string && (value.is_string() || value.is_i64())) {
        return Err(format!(
            "{path}: expected {}, got {value}",
            ty.unwrap_or("?")
        ));
    }
    match value {
        Json::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Json::as_object) {
                for (k, v) in map {
                    if let Some(p) = props.get(k) {
                        validate_types(p, v, &format!("{path}.{k}"))?;
                    }
                }
            }
        }
        Json::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    validate_types(item, v, &format!("{path}[{i}]"))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Review one object (or `AdmissionReview`) against the loaded test, with an
/// inventory: gator's results (messages).
fn review_case(
    loaded: &Loaded,
    object: &Json,
    inventory: &Inventory,
    backend: Backend,
) -> Result<Vec<Violation>, String> {
    let mut review: Review = if review::is_admission_review(object) {
        review::from_admission_review(object)?
    } else {
        review::from_object(object)
    };
    let Some(_actions) = loaded.constraint.actions_at(GATOR_POINT) else {
        return Ok(Vec::new());
    };
    let namespace = if review.namespace.is_empty() {
        None
    } else {
        inventory.namespace(&review.namespace)
    };
    review.set_namespace_object(None);
    let matched = loaded.constraint.matcher.matches_review(
        review.object(),
        review.old_object(),
        namespace,
        "Original",
    );
    match matched {
        Err(e) => Ok(vec![Violation {
            msg: format!("unable to match constraints: {e}"),
            details: Json::Object(serde_json::Map::new()),
        }]),
        Ok(false) => Ok(Vec::new()),
        Ok(true) => {
            let prepared = loaded.compiled.prepare(&inventory.to_json(), backend);
            match prepared.violations(&review.review, &loaded.parameters) {
                Ok(v) => Ok(v),
                Err(e) if e.starts_with("extracting message binding") => Err(e),
                Err(e) => Ok(vec![Violation {
                    msg: e,
                    details: Json::Object(serde_json::Map::new()),
                }]),
            }
        }
    }
}

/// Run one assertion over the results (gator's `Assertion.Run`).
fn run_assertion(a: &Json, results: &[Violation]) -> Result<(), String> {
    let message = a.get("message").and_then(Json::as_str);
    let re = match message {
        Some(m) => Some(regex::Regex::new(m).map_err(|e| format!("invalid regex: {e}"))?),
        None => None,
    };
    let matching = results
        .iter()
        .filter(|r| re.as_ref().is_none_or(|re| re.is_match(&r.msg)))
        .count();
    let messages: Vec<&str> = results.iter().map(|r| r.msg.as_str()).collect();
    let got = |want: &str| {
        match message {
        Some(m) => format!("unexpected number of violations: got {matching} violations containing {m:?} but want {want}: got messages {messages:?}"),
        None => format!("unexpected number of violations: got {matching} violations but want {want}: got messages {messages:?}"),
    }
    };
    match a.get("violations") {
        None => {
            if matching == 0 {
                return Err(got("at least 1"));
            }
        }
        Some(Json::Number(n)) => {
            let Some(want) = n.as_u64() else {
                return Err("invalid YAML: assertion.violation, if set, must be a nonnegative integer, \"yes\", or \"no\"".into());
            };
            if matching as u64 != want {
                return Err(got(&format!("exactly {want}")));
            }
        }
        Some(Json::String(s)) if s == "yes" => {
            if matching == 0 {
                return Err(got("at least 1"));
            }
        }
        Some(Json::String(s)) if s == "no" => {
            if matching > 0 {
                return Err(got("none"));
            }
        }
        Some(Json::Bool(b)) => {
            // YAML 1.1 reads a bare yes/no as a boolean; gator's YAML reader
            // keeps them as strings.
            if *b && matching == 0 {
                return Err(got("at least 1"));
            }
            if !*b && matching > 0 {
                return Err(got("none"));
            }
        }
        Some(_) => {
            return Err("invalid YAML: assertion.violation, if set, must be a nonnegative integer, \"yes\", or \"no\"".into())
        }
    }
    Ok(())
}

fn run_case(
    loaded: &Loaded,
    case: &Json,
    dir: &str,
    read: Reader<'_>,
    backend: Backend,
) -> Result<(), String> {
    let object_path = case.get("object").and_then(Json::as_str).unwrap_or("");
    if object_path.is_empty() {
        return Err("invalid test case: must define object".into());
    }
    let assertions = case
        .get("assertions")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    if assertions.is_empty() {
        return Err("invalid test case: assertions must be non-empty".into());
    }
    let opath = join(dir, object_path);
    let text = read(&opath)?;
    let nodes = read_nodes(&text, &opath)?;
    if nodes.is_empty() {
        return Err(format!(
            "no objects: path {opath:?} defines no YAML objects"
        ));
    }
    let [object] = nodes.as_slice() else {
        return Err(format!(
            "object file defines multiple objects: {opath:?} defines {} objects",
            nodes.len()
        ));
    };
    let mut inventory = Inventory::new();
    for p in case
        .get("inventory")
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let Some(p) = p.as_str() else { continue };
        let ipath = join(dir, p);
        let itext = read(&ipath)?;
        let inodes = read_nodes(&itext, &ipath)?;
        if inodes.is_empty() {
            return Err(format!(
                "no objects: path {ipath:?} defines no YAML objects"
            ));
        }
        for n in &inodes {
            inventory.add_object(&n.to_json());
        }
    }
    let results = review_case(loaded, &object.to_json(), &inventory, backend)?;
    for a in &assertions {
        run_assertion(a, &results)?;
    }
    Ok(())
}

/// Run a suite given its text and path; `read` reads the files it names.
/// `None` when the file is not a `test.gatekeeper.sh` Suite (gator skips it).
pub fn verify_suite(text: &str, path: &str, read: Reader<'_>) -> Option<SuiteResult> {
    verify_suite_with(text, path, read, Backend::default())
}

/// [`verify_suite`] with a chosen evaluation backend.
#[allow(clippy::too_many_lines)] // one pass, easier to follow whole
pub fn verify_suite_with(
    text: &str,
    path: &str,
    read: Reader<'_>,
    backend: Backend,
) -> Option<SuiteResult> {
    let start = Stopwatch::start();
    let mut result = SuiteResult {
        path: path.to_string(),
        skipped: false,
        error: None,
        tests: Vec::new(),
        runtime: Duration::ZERO,
    };
    let suite = match stockade_yaml::parse_single(text, &Limits::default()) {
        Ok(n) => n.to_json(),
        Err(ps) => {
            result.error = Some(format!(
                "invalid YAML: parsing yaml file {path:?}: {}",
                ps.first().map(|p| p.message.clone()).unwrap_or_default()
            ));
            return Some(result);
        }
    };
    let api_version = suite.get("apiVersion").and_then(Json::as_str).unwrap_or("");
    let kind = suite.get("kind").and_then(Json::as_str).unwrap_or("");
    if api_version.split('/').next() != Some("test.gatekeeper.sh") || kind != "Suite" {
        return None;
    }
    if suite.get("skip").and_then(Json::as_bool) == Some(true) {
        result.skipped = true;
        return Some(result);
    }
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    for test in suite
        .get("tests")
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let tstart = Stopwatch::start();
        let name = test
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let mut tr = TestResult {
            name,
            skipped: false,
            error: None,
            cases: Vec::new(),
            declared_cases: test
                .get("cases")
                .and_then(Json::as_array)
                .map_or(0, Vec::len),
            runtime: Duration::ZERO,
        };
        if test.get("skip").and_then(Json::as_bool) == Some(true) {
            tr.skipped = true;
            result.tests.push(tr);
            continue;
        }
        let invalid = test.get("invalid").and_then(Json::as_bool) == Some(true);
        if test
            .get("expansion")
            .and_then(Json::as_str)
            .is_some_and(|s| !s.is_empty())
        {
            tr.error = Some("expansion templates are not supported by stockade verify".into());
            result.tests.push(tr);
            continue;
        }
        match load_test(test, dir, read) {
            Err(e) if invalid && e.contains("schema validation") => {}
            Err(e) => tr.error = Some(e),
            Ok(_) if invalid => {
                tr.error = Some(
                    "constraint is valid: got no error but want a schema validation error".into(),
                );
            }
            Ok(loaded) => {
                for case in test
                    .get("cases")
                    .and_then(Json::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    let cstart = Stopwatch::start();
                    let cname = case
                        .get("name")
                        .and_then(Json::as_str)
                        .unwrap_or("")
                        .to_string();
                    if case.get("skip").and_then(Json::as_bool) == Some(true) {
                        tr.cases.push(CaseResult {
                            name: cname,
                            skipped: true,
                            error: None,
                            runtime: Duration::ZERO,
                        });
                        continue;
                    }
                    let error = run_case(&loaded, case, dir, read, backend).err();
                    tr.cases.push(CaseResult {
                        name: cname,
                        skipped: false,
                        error,
                        runtime: cstart.elapsed(),
                    });
                }
            }
        }
        tr.runtime = tstart.elapsed();
        result.tests.push(tr);
    }
    result.runtime = start.elapsed();
    Some(result)
}

/// Run the suite at `path` over files held in memory (`path → text`, paths as
/// written with `/`, `.` and `..` resolved), as the WebAssembly bindings do. A file
/// missing from `files` is reported as unreadable, the suite itself included.
pub fn verify_suite_texts(
    path: &str,
    files: &std::collections::BTreeMap<String, String>,
) -> Option<SuiteResult> {
    let files: std::collections::BTreeMap<String, &String> =
        files.iter().map(|(p, t)| (join(".", p), t)).collect();
    let read = |p: &str| {
        files
            .get(&join(".", p))
            .map(|t| (*t).clone())
            .ok_or_else(|| format!("reading {p:?}: no such file"))
    };
    match read(path) {
        Ok(text) => verify_suite(&text, path, &read),
        Err(e) => Some(SuiteResult::unreadable(path, e)),
    }
}

/// The outcome of `gator verify` over some suites, for the language bindings:
/// the structured results, the case counts and gator's text rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Whether every suite, test and case passed.
    pub ok: bool,
    /// Cases passed, and cases run (skipped ones not counted).
    pub passed: usize,
    pub total: usize,
    pub suites: Vec<SuiteResult>,
    /// gator's "go" output ([`render`]); it shows run times.
    pub text: String,
}

impl Verification {
    pub fn new(suites: Vec<SuiteResult>, verbose: bool) -> Self {
        let (mut passed, mut total) = (0, 0);
        for s in &suites {
            let (p, t) = s.case_counts();
            passed += p;
            total += t;
        }
        Self {
            ok: !suites.iter().any(SuiteResult::is_failure),
            passed,
            total,
            text: render(&suites, verbose),
            suites,
        }
    }
}

/// Run a suite file, reading it and the files it names from disk, each within
/// the default size limit and only if it is a regular file
/// ([`walk::Reader`]).
pub fn verify_suite_file(path: &std::path::Path) -> Option<SuiteResult> {
    verify_suite_file_with(path, Backend::default())
}

/// [`verify_suite_file`] with a chosen evaluation backend.
pub fn verify_suite_file_with(path: &std::path::Path, backend: Backend) -> Option<SuiteResult> {
    let display = path.to_string_lossy().replace('\\', "/");
    let reader = walk::Reader::default();
    let read = |p: &str| {
        reader
            .read_to_string(std::path::Path::new(p))
            .map_err(|e| format!("reading {p:?}: {}", e.message()))
    };
    match read(&display) {
        Ok(text) => verify_suite_with(&text, &display, &read, backend),
        Err(e) => Some(SuiteResult::unreadable(display, e)),
    }
}
