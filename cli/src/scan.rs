//! Reading and scanning the inputs, in parallel, with a deterministic result.
//!
//! Three steps: read every input (in parallel) and decide its kind; build the
//! index of Namespace labels from every Kubernetes source (Pod Security levels
//! can be set by a Namespace defined in another file of the same scan); scan
//! every source (in parallel) with that index. Results are merged in input
//! order, whatever the threads' timing.
//!
//! Reads are bounded by the configuration's `limits: max-file-size` (16 MiB by
//! default): a regular file over it is not read (its length is known), a pipe or
//! standard input is read up to the limit and then given up; either way the
//! file gets one `limit` error at 1:1.
//!
//! A YAML file found by walking that does not parse and does not look like a
//! Kubernetes manifest (no top-level `apiVersion:` and `kind:` keys) is not
//! ours: an Ansible playbook with `{{ }}`, a Helm values file, a compose file. It
//! is listed in `summary.skipped` (kind `not Kubernetes`) with the parser's
//! message, not reported as an error. A named file, or one that looks like
//! Kubernetes, that does not parse is still an error.
//!
//! Text must be UTF-8. A file of a kind Stockade scans that is not gets one
//! located `parse` error at the first invalid byte (or about the whole file for
//! UTF-16) and is not scanned: decoding it lossily would invent characters that
//! rules could report on. A file of unknown kind found by walking is passed over
//! whatever its bytes.

use std::collections::BTreeMap;
use std::io::Read;

use stockade::{
    detect_kind, Config, Engine, ErrorKind, Kind, LineIndex, Report, ScanError, Source, Span,
};

use stockade::source::walk::{self, ReadError};

use crate::inputs::Input;

/// An input after reading.
enum Loaded {
    /// Text to scan, with its kind (`None`: let the engine report it
    /// unsupported), and whether the user named it.
    Source(Source, Option<Kind>, bool),
    /// A report without scanning (unreadable, not UTF-8).
    Report(Report),
    /// A file found by walking a folder that is of no kind Stockade knows.
    Skipped,
    /// A Helm chart: its rendered manifests (Kubernetes) and its errors.
    Chart(Vec<Source>, Report),
}

use stockade::parallel::map as parallel;

/// Scan every input with `threads` workers. `kind` applies to stdin and named
/// files; `stdin` holds the bytes of standard input, read beforehand. Returns the
/// merged report and the text of every scanned source, by path. `built` are
/// the rendered outputs of kustomizations, scanned as Kubernetes; chart inputs
/// are rendered with `helm`.
///
/// The text of an input is read from `overlay` (by its reported path) instead of
/// its file when it is there: `scan --fix` rescans fixed texts before writing
/// them, `--diff` without writing them.
///
/// The texts are returned only when `texts` asks for them (the text and SARIF
/// reports quote them, `--fix` edits them): a chart's are megabytes, its
/// templates and values files copied out of its render.
#[allow(clippy::too_many_arguments, clippy::too_many_lines)] // the scan's parts, each its own concern
pub fn scan_all(
    config: Config,
    inputs: &[Input],
    kind: Option<Kind>,
    stdin: Option<&[u8]>,
    threads: usize,
    policies: Option<(stockade::rego::Policies, stockade::rego::Inventory)>,
    kyverno: stockade::kyverno::Policies,
    built: Vec<Source>,
    helm: &stockade::helm::HelmOptions,
    overlay: &BTreeMap<String, String>,
    texts: bool,
) -> (Report, BTreeMap<String, String>) {
    let mut engine = Engine::new(config).with_kyverno(kyverno);
    if let Some((policies, inventory)) = policies {
        engine = engine.with_policies(&policies, inventory);
    }
    let mut loaded = parallel(inputs, threads, |input| match input {
        Input::Chart { path, display } => {
            let (sources, errors) = crate::render::chart_sources(
                path,
                display,
                helm,
                &engine.config().settings().limits,
            );
            let mut report = Report::default();
            report.errors = errors;
            Loaded::Chart(sources, report)
        }
        _ => load(&engine, input, kind, stdin, overlay),
    });
    // Built kustomizations (`render_kustomize`): Kubernetes, scanned as named.
    loaded.extend(
        built
            .into_iter()
            .map(|s| Loaded::Source(s, Some(Kind::Kubernetes), true)),
    );

    // The scan-wide pre-pass (Namespace labels, NetworkPolicy analysis, Gatekeeper
    // inventory) over every loaded source; each source is then scanned in parallel.
    let scanned = loaded.iter().flat_map(|l| match l {
        Loaded::Source(source, k, _) if resolved_kind(source, *k) == Some(Kind::Kubernetes) => {
            std::slice::from_ref(source)
        }
        Loaded::Chart(sources, _) => sources.as_slice(),
        _ => &[],
    });
    let engine = engine.for_scan(scanned, Some(Kind::Kubernetes));

    let reports = parallel(&loaded, threads, |l| match l {
        Loaded::Source(source, k, named) => {
            let report = engine.scan_source(source, *k);
            Some(if *named {
                report
            } else {
                not_ours(source, report)
            })
        }
        Loaded::Report(report) => Some(report.clone()),
        Loaded::Skipped => None,
        Loaded::Chart(sources, errors) => {
            let mut report = errors.clone();
            // A chart renders to many sources: those are scanned in parallel too
            // (merged in order, so the report does not depend on the threads).
            for one in parallel(sources, threads, |source| {
                engine.scan_source(source, Some(Kind::Kubernetes))
            }) {
                report.merge(one);
            }
            Some(report)
        }
    });

    let mut report = Report::default();
    for r in reports.into_iter().flatten() {
        report.merge(r);
    }
    // The prepared engine keeps every parsed stream and shares the texts: let
    // them go, so that the texts move out below instead of being copied.
    drop(engine);
    if !texts {
        // Nothing of the sources is wanted any more: the command ends after
        // printing, and they are left to the end of the process.
        std::mem::forget(loaded);
        return (report, BTreeMap::new());
    }
    // The command ends after printing: the parsed YAML of every source (a
    // large chart's is millions of small allocations, several milliseconds to
    // free one by one) is left to the end of the process. Each scan of a
    // `--fix` round leaves its own, a few rounds at most.
    let mut parsed = Vec::new();
    let sources = loaded
        .into_iter()
        .flat_map(|l| match l {
            Loaded::Source(mut source, _, _) => {
                parsed.extend(source.take_prepared());
                vec![(source.path().to_string(), source.into_text())]
            }
            // Rendered manifests, and the templates and values files they came from.
            Loaded::Chart(sources, _) => {
                // One render's sources share their origin files: list them once.
                let mut texts: Vec<(String, String)> = Vec::new();
                if let Some(rendering) = sources.iter().find_map(Source::rendering) {
                    for (_, file) in rendering.files().iter() {
                        texts.push((file.path().to_string(), file.text().to_string()));
                    }
                }
                texts.extend(sources.into_iter().map(|mut s| {
                    parsed.extend(s.take_prepared());
                    (s.path().to_string(), s.into_text())
                }));
                texts
            }
            _ => Vec::new(),
        })
        .collect();
    std::mem::forget(parsed);
    (report, sources)
}

/// A walked YAML file's report, or, when it does not parse and does not look
/// like Kubernetes, a report that lists it as skipped.
fn not_ours(source: &Source, report: Report) -> Report {
    let is_yaml = std::path::Path::new(source.path())
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let Some(parse) = report.errors.iter().find(|e| e.kind == ErrorKind::Parse) else {
        return report;
    };
    let kubernetes = looks_like_kubernetes(source.text());
    let template = kubernetes && is_template(source.text());
    if !is_yaml || (kubernetes && !template) {
        return report;
    }
    let at = parse
        .start
        .map(|p| format!(" at {}:{}", p.line, p.column))
        .unwrap_or_default();
    let mut skipped = Report::default();
    skipped.summary.files = report.summary.files;
    let (kind, why) = if template {
        (
            "template",
            "holds `{{ … }}` template markers: a template, not scanned until rendered (name the file to see the error)",
        )
    } else {
        (
            "not Kubernetes",
            "has no top-level `apiVersion` and `kind`: not a Kubernetes manifest (name the file to see the error)",
        )
    };
    skipped.summary.skipped.push(stockade::Skipped::new(
        source.path(),
        0,
        kind,
        format!("does not parse as YAML ({}{at}) and {why}", parse.message),
    ));
    skipped
}

/// Whether the text has Go-template or Jinja markers (`{{ … }}`, `{%- … %}`) on
/// some line: a walked file that does not parse and has them is a template.
fn is_template(text: &str) -> bool {
    text.lines()
        .any(|l| (l.contains("{{") && l.contains("}}")) || (l.contains("{%") && l.contains("%}")))
}

/// Whether some document has top-level `apiVersion:` and `kind:` keys.
fn looks_like_kubernetes(text: &str) -> bool {
    let top = |key: &str| {
        text.lines().any(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    };
    top("apiVersion") && top("kind")
}

fn resolved_kind(source: &Source, kind: Option<Kind>) -> Option<Kind> {
    kind.or_else(|| detect_kind(source.path(), source.text()))
}

/// Read one input and decide what to do with it.
fn load(
    engine: &Engine,
    input: &Input,
    kind: Option<Kind>,
    stdin: Option<&[u8]>,
    overlay: &BTreeMap<String, String>,
) -> Loaded {
    let (display, named, bytes) = match input {
        // Rendered by the caller (`scan_all`).
        Input::Chart { .. } => return Loaded::Skipped,
        Input::Stdin => ("-", true, stdin.unwrap_or_default().to_vec()),
        Input::File { display, named, .. } if overlay.contains_key(display) => (
            display.as_str(),
            *named,
            overlay
                .get(display)
                .map(|t| t.as_bytes().to_vec())
                .unwrap_or_default(),
        ),
        Input::File {
            path,
            display,
            named,
        } => match read_bounded(engine, path, *named) {
            Ok(bytes) => (display.as_str(), *named, bytes),
            Err(ReadError::Limit { len, at_least, .. }) => {
                // Over the size limit: not read (or not read to its end). A walked
                // file of unknown kind is passed over, as when it is small.
                if !*named && !oversized_is_scanned(display, path) {
                    return Loaded::Skipped;
                }
                return Loaded::Report(engine.oversized(display, len, at_least));
            }
            Err(e) => {
                let mut report = Report::default();
                report.errors.push(e.to_scan_error(display.clone()));
                return Loaded::Report(report);
            }
        },
    };
    let kind = if named { kind } else { None };
    let limit = engine.config().limits.file_bytes();
    if bytes.len() > limit {
        // Standard input, read up to the limit.
        return Loaded::Report(engine.oversized(display, bytes.len(), true));
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            if !named && detect_kind(display, &text).is_none() {
                return Loaded::Skipped;
            }
            Loaded::Source(Source::new(display, text), kind, named)
        }
        Err(err) => {
            let bytes = err.as_bytes();
            let lossy = String::from_utf8_lossy(bytes);
            let detected = kind.or_else(|| detect_kind(display, &lossy));
            match detected {
                None if !named => Loaded::Skipped,
                // As the engine reports any named file of unknown kind.
                None => Loaded::Source(Source::new(display, ""), None, true),
                Some(_) => {
                    let mut report = Report::default();
                    report.summary.files = 1;
                    report
                        .errors
                        .push(not_utf8(display, bytes, err.utf8_error().valid_up_to()));
                    Loaded::Report(report)
                }
            }
        }
    }
}

/// How much of a walked `.json` file over the size limit is read to decide its
/// kind.
const SNIFF_BYTES: u64 = 64 << 10;

/// Whether a walked file over the size limit is of a kind a scan reads (then it
/// is one `limit` error, not passed over). The name decides for Dockerfiles and
/// YAML; a `.json` file is judged by its content as when it is small, from its
/// first [`SNIFF_BYTES`] only (`"apiVersion"` and `"kind"` there make it a
/// manifest). One that cannot be read is reported too.
fn oversized_is_scanned(display: &str, path: &std::path::Path) -> bool {
    if detect_kind(display, "").is_some() {
        return true;
    }
    let is_json = std::path::Path::new(display)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        return false;
    }
    let mut prefix = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(SNIFF_BYTES).read_to_end(&mut prefix));
    match read {
        Ok(_) => detect_kind(display, &String::from_utf8_lossy(&prefix)).is_some(),
        Err(_) => true,
    }
}

/// A located error for text that is not UTF-8: at the first invalid byte, or
/// about the whole file when it starts with a UTF-16 byte-order mark.
fn not_utf8(display: &str, bytes: &[u8], valid_up_to: usize) -> ScanError {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return ScanError::file(
            ErrorKind::Parse,
            display,
            "the file is UTF-16 text; Stockade reads UTF-8 (convert it, e.g. with iconv)",
        );
    }
    let valid = String::from_utf8_lossy(bytes.get(..valid_up_to).unwrap_or_default());
    let index = LineIndex::new(&valid);
    let at = u32::try_from(valid.len()).unwrap_or(u32::MAX);
    let (start, end) = index.range(&valid, Span::empty_at(at));
    let byte = bytes.get(valid_up_to).copied().unwrap_or_default();
    ScanError::file(
        ErrorKind::Parse,
        display,
        format!(
            "not UTF-8 text: invalid byte 0x{byte:02X} at byte offset {valid_up_to} (a binary file?)"
        ),
    )
    .at(start, end)
}

/// Read standard input, up to one byte past `limit` (the caller reports a larger
/// input as over the limit).
pub fn read_stdin(limit: usize) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(bytes)
}

/// Read a file within the engine's size limit ([`walk::Reader`]): a regular file
/// over it is not read (its length is known), a named pipe is read up to one byte
/// past it. A walked file is read only if it is still a regular file.
fn read_bounded(
    engine: &Engine,
    path: &std::path::Path,
    named: bool,
) -> Result<Vec<u8>, ReadError> {
    walk::Reader::new(engine.config().limits.file_bytes())
        .pipes(named)
        .read(path)
}
