//! Helm charts: rendered as `helm template` renders them ([`stockade_helm`]),
//! then every rendered manifest scanned with every pack as a rendered source
//! whose findings name the template line and, for values, the values line.

use std::collections::BTreeMap;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::Arc;

pub use stockade_helm::template;
pub use stockade_helm::values::{HelmLine, ValuesFile};
pub use stockade_helm::{
    ArchiveLimits, Chart, HelmArgs, HelmError, HelmErrorKind, HelmOptions, Render, RenderSettings,
};

use crate::{Engine, Kind, Limits, Report, ScanError, Source};

/// What a chart renders to, ready to scan: its rendered sources and the
/// located errors of templates that failed (the rest is rendered anyway).
#[derive(Debug, Default)]
pub struct ChartSources {
    /// One rendered source per template with output, then the `crds/` files.
    pub sources: Vec<Source>,
    /// Located errors: templates that failed, or the render as a whole.
    pub errors: Vec<ScanError>,
}

/// Render `chart` and turn its output into sources named under `display_root`
/// (the chart folder as the caller shows it; the chart's name when empty). A
/// render that stops before any template runs (values, schema, a template
/// that does not parse) is one located error.
pub fn chart_sources(chart: &Chart, options: &HelmOptions, display_root: &str) -> ChartSources {
    chart_sources_within(chart, options, display_root, &Limits::default())
}

/// [`chart_sources`] for a scan within `limits`: a template renders at most
/// `max-file-size` bytes (the largest source the scan reads); past it, its
/// render stops with a located error and the rest of the chart is rendered.
pub fn chart_sources_within(
    chart: &Chart,
    options: &HelmOptions,
    display_root: &str,
    limits: &Limits,
) -> ChartSources {
    // A scan reads no rendered manifest larger than `max-file-size`, so it
    // renders none (a three-line `range until` makes gigabytes otherwise).
    let engine_limits = stockade_helm::default_limits();
    let settings = RenderSettings {
        limits: Some(stockade_helm::TemplateLimits {
            max_output: engine_limits.max_output.min(limits.file_bytes()),
            ..engine_limits
        }),
        display_root: display_root.to_string(),
        // Scanned, not deployed: generated keys need not be RSA (see
        // `EngineMode::scan_keys`); `template` keeps Helm's keys.
        mode: stockade_helm::funcs::EngineMode {
            scan_keys: true,
            ..stockade_helm::funcs::EngineMode::default()
        },
    };
    let root = if display_root.is_empty() {
        chart.name()
    } else {
        display_root
    };
    if let Err(e) = stockade_helm::check_installable(chart) {
        return ChartSources {
            sources: Vec::new(),
            errors: vec![fatal_error(chart, &e, root)],
        };
    }
    // `helm template` stops here; a scan reports it and goes on with the
    // subcharts that are there, so the chart's own templates are not lost.
    let missing = stockade_helm::missing_dependencies_error(chart, options.helm_line)
        .map(|e| fatal_error(chart, &e, root));
    let yaml_limits = crate::engine::yaml_limits(limits);
    let render_sources = || match stockade_helm::render(chart, options, &settings) {
        Ok(render) => {
            let out = stockade_helm::origins::to_sources(&render, root, &yaml_limits);
            // The render's pieces and values are thousands of allocations:
            // freed while the scan goes on (or left to the end of a command).
            crate::parallel::dispose(render);
            ChartSources {
                sources: out.sources,
                errors: missing.into_iter().chain(out.errors).collect(),
            }
        }
        Err(e) => ChartSources {
            sources: Vec::new(),
            errors: vec![fatal_error(chart, &e, root)],
        },
    };
    // The `crds/` files are scanned as they are: they parse on a thread of
    // their own while the templates render (every chart's, since which
    // subcharts are enabled is known only inside the render; a large chart
    // has megabytes of CRDs), and the streams go with their sources to the
    // scan (`Engine::for_scan`), which then does not parse them again.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let crds = crd_texts(chart);
        if crds.iter().map(|t| t.len()).sum::<usize>() < PREPARSE_MIN_BYTES {
            return render_sources();
        }
        let (mut out, streams) = parse_beside(&crds, &yaml_limits, render_sources);
        if let Some(streams) = streams {
            out.sources = attach_parsed(out.sources, &crds, &streams, yaml_limits);
        }
        out
    }
    #[cfg(target_arch = "wasm32")]
    render_sources()
}

/// `other` (the render) on this thread while another thread parses
/// `texts`, largest first, and then this thread too parses what is left of
/// them rather than wait: `other`'s result, and every text's stream in the
/// order of `texts` (`None` when one was not parsed: a thread stopped short,
/// and the scan parses the texts itself then).
#[cfg(not(target_arch = "wasm32"))]
fn parse_beside<R: Send>(
    texts: &[Arc<String>],
    limits: &crate::yaml::Limits,
    other: impl FnOnce() -> R + Send,
) -> (R, Option<Vec<Arc<crate::yaml::Stream>>>) {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(texts.get(i).map_or(0, |t| t.len())));
    let jobs = crate::parallel::Shared::new(&order);
    let parse = |&i: &usize| {
        texts
            .get(i)
            .map(|t| Arc::new(crate::yaml::parse_stream(t, limits)))
    };
    let out = crate::parallel::beside(
        crate::parallel::WORKER_STACK,
        || jobs.work(parse),
        || {
            let out = other();
            jobs.work(parse);
            out
        },
    );
    let mut streams = vec![None; texts.len()];
    for (&i, stream) in order.iter().zip(jobs.into_results()) {
        if let Some(slot) = streams.get_mut(i) {
            *slot = stream.flatten();
        }
    }
    (out, streams.into_iter().collect())
}

/// Parse `crds/` ahead only when there is this much of them (a thread costs
/// more than a few small files take to parse).
#[cfg(not(target_arch = "wasm32"))]
const PREPARSE_MIN_BYTES: usize = 256 << 10;

/// The text of every `crds/` file Helm would install, of the chart and of
/// every subchart (enabled or not).
#[cfg(not(target_arch = "wasm32"))]
fn crd_texts(chart: &Chart) -> Vec<Arc<String>> {
    chart
        .all_crd_files()
        .into_iter()
        .map(stockade_helm::ChartFile::shared_text)
        .collect()
}

/// Each plain (not rendered) source whose text is one of `texts` (the very
/// text, shared), with the stream parsed from it.
#[cfg(not(target_arch = "wasm32"))]
fn attach_parsed(
    sources: Vec<Source>,
    texts: &[Arc<String>],
    streams: &[Arc<crate::yaml::Stream>],
    limits: crate::yaml::Limits,
) -> Vec<Source> {
    sources
        .into_iter()
        .map(|source| {
            let ahead = (source.rendering().is_none())
                .then(|| {
                    let text = source.shared_text();
                    texts.iter().position(|t| Arc::ptr_eq(t, &text))
                })
                .flatten()
                .and_then(|i| streams.get(i));
            match ahead {
                Some(stream) => source.with_prepared(Arc::new(crate::yaml::Parsed {
                    limits,
                    stream: Arc::clone(stream),
                })),
                None => source,
            }
        })
        .collect()
}

fn fatal_error(chart: &Chart, e: &HelmError, root: &str) -> ScanError {
    let texts: BTreeMap<String, String> = chart
        .templates
        .iter()
        .map(|t| (format!("{root}/{}", t.name), t.text()))
        .collect();
    let refs: BTreeMap<String, &str> = texts.iter().map(|(k, v)| (k.clone(), v.as_str())).collect();
    stockade_helm::origins::scan_error(e, &format!("{root}/Chart.yaml"), &refs)
}

/// Largest chart file read (Helm's `MaxDecompressedFileSize`).
pub const MAX_CHART_FILE_BYTES: usize = 5 << 20;
/// Largest chart read in all (Helm's `MaxDecompressedChartSize`).
pub const MAX_CHART_BYTES: usize = 100 << 20;
/// Most files read from one chart folder.
pub const MAX_CHART_FILES: usize = 20_000;

/// A thread more for reading a chart folder per this many files.
const READ_FILES_PER_THREAD: usize = 64;

/// Whether `path` is a chart [`read_chart`] reads: a folder with
/// `Chart.yaml`, or a `.tgz` file.
pub fn is_chart(path: &std::path::Path) -> bool {
    if path.is_dir() {
        return path.join("Chart.yaml").is_file();
    }
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tgz"))
}

/// Read a chart folder's files (every file: `.helmignore` is the loader's to
/// apply; `.git` is not entered) or a `.tgz`, within Helm's budgets, through
/// the shared walker and bounded reader; errors name `display`.
pub fn read_chart(path: &std::path::Path, display: &str) -> Result<ChartInput, ScanError> {
    use crate::source::walk::{Entry, Folders, Reader, Walker};
    if !path.is_dir() {
        let bytes = Reader::new(MAX_CHART_BYTES)
            .read(path)
            .map_err(|e| e.to_scan_error(display.to_string()))?;
        return Ok(ChartInput::Archive(bytes));
    }
    let reader = Reader::new(MAX_CHART_FILE_BYTES);
    let mut walker = Walker::new(Folders::AllButGit, |_| true);
    let found: Vec<(std::path::PathBuf, String)> = walker
        .walk(path, display)
        .into_iter()
        .filter_map(|entry| {
            let Entry::File { path: file, .. } = entry else {
                return None;
            };
            let rel = file.strip_prefix(path).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            Some((file, rel))
        })
        .take(MAX_CHART_FILES + 1)
        .collect();
    // Read on every core (a large chart is hundreds of files). Workers stop
    // reading once the files read add up to more than the chart's budget (so
    // at most a file per worker more is held); the first error in walk order
    // is the one reported.
    let too_large = || {
        ScanError::file(
            crate::ErrorKind::Limit,
            display.to_string(),
            format!("chart is larger than the maximum size {MAX_CHART_BYTES} bytes or {MAX_CHART_FILES} files"),
        )
    };
    let read_bytes = std::sync::atomic::AtomicUsize::new(0);
    let threads = crate::parallel::threads_for(found.len(), READ_FILES_PER_THREAD);
    let read = crate::parallel::map(&found, threads, |(file, _)| {
        if read_bytes.load(std::sync::atomic::Ordering::Relaxed) > MAX_CHART_BYTES {
            return None;
        }
        let bytes = reader.read(file);
        if let Ok(b) = &bytes {
            read_bytes.fetch_add(b.len(), std::sync::atomic::Ordering::Relaxed);
        }
        Some(bytes)
    });
    let mut files = BTreeMap::new();
    let mut total = 0usize;
    for ((_, rel), bytes) in found.into_iter().zip(read) {
        // Not read: the files read before it were over the budget already.
        let bytes = bytes.ok_or_else(too_large)?;
        let bytes = bytes.map_err(|e| e.to_scan_error(format!("{display}/{rel}")))?;
        total += bytes.len();
        if total > MAX_CHART_BYTES || files.len() >= MAX_CHART_FILES {
            return Err(too_large());
        }
        files.insert(rel, bytes);
    }
    if files.is_empty() {
        return Err(ScanError::file(
            crate::ErrorKind::Io,
            display.to_string(),
            "no files in the chart folder",
        ));
    }
    Ok(ChartInput::Files(files))
}

/// Load a chart from the files of its folder (`path → bytes`, relative to the
/// chart folder) or from `.tgz` bytes; errors located at `display_root`.
pub fn load_chart(files: ChartInput, display_root: &str) -> Result<Chart, ScanError> {
    let limits = ArchiveLimits::default();
    let loaded = match files {
        ChartInput::Files(map) => Chart::from_dir_files(map, &limits),
        ChartInput::Archive(bytes) => Chart::from_archive(&bytes, &limits),
    };
    loaded.map_err(|e| {
        let path = match (&e.file, display_root) {
            (Some(f), "") => f.clone(),
            (Some(f), root) => format!("{root}/{f}"),
            (None, "") => "Chart.yaml".to_string(),
            (None, root) => root.to_string(),
        };
        let kind = if e.kind.is_limit() {
            crate::ErrorKind::Limit
        } else {
            crate::ErrorKind::Parse
        };
        ScanError::file(kind, path, e.message)
    })
}

/// A chart as the caller has it.
#[derive(Debug, Clone)]
pub enum ChartInput {
    /// The files of the chart folder, by path relative to it.
    Files(BTreeMap<String, Vec<u8>>),
    /// A `.tgz` chart archive.
    Archive(Vec<u8>),
}

/// What `helm template` prints for a chart given as files or `.tgz` bytes
/// (what the bindings' `render_chart` returns), or the error Helm stops at,
/// located in the template (or values file) and line it names; paths are
/// shown under the chart's name, as Helm shows them.
pub fn render_chart_input(input: ChartInput, options: &HelmOptions) -> Result<String, ScanError> {
    let chart = load_chart(input, "")?;
    template(&chart, options).map_err(|(_, e)| fatal_error(&chart, &e, chart.name()))
}

impl Engine {
    /// Render a chart and scan every rendered manifest as one scan; templates
    /// that fail are located errors in the report, the rest is scanned.
    pub fn scan_chart(&self, chart: &Chart, options: &HelmOptions, display_root: &str) -> Report {
        self.scan_chart_keeping_sources(chart, options, display_root)
            .0
    }

    /// [`Engine::scan_chart`], also returning the rendered sources the
    /// findings point into (for positions in UTF-16, as the JavaScript
    /// bindings give them).
    pub fn scan_chart_keeping_sources(
        &self,
        chart: &Chart,
        options: &HelmOptions,
        display_root: &str,
    ) -> (Report, Vec<Source>) {
        let rendered = chart_sources_within(
            chart,
            options,
            display_root,
            &self.config().settings().limits,
        );
        let mut report = self.scan_sources(&rendered.sources, Some(Kind::Kubernetes));
        report.errors.extend(rendered.errors);
        report.sort();
        (report, rendered.sources)
    }

    /// [`Engine::scan_chart`] of a chart given as files or `.tgz` bytes.
    pub fn scan_chart_input(
        &self,
        input: ChartInput,
        options: &HelmOptions,
        display_root: &str,
    ) -> Report {
        self.scan_chart_input_keeping_sources(input, options, display_root)
            .0
    }

    /// [`Engine::scan_chart_input`] with the rendered sources (see
    /// [`Engine::scan_chart_keeping_sources`]); what the bindings' `scan_chart`
    /// calls.
    pub fn scan_chart_input_keeping_sources(
        &self,
        input: ChartInput,
        options: &HelmOptions,
        display_root: &str,
    ) -> (Report, Vec<Source>) {
        match load_chart(input, display_root) {
            Ok(chart) => self.scan_chart_keeping_sources(&chart, options, display_root),
            Err(e) => {
                let mut report = self.scan_sources(&[], None);
                report.summary.files = 1;
                report.errors.push(e);
                (report, Vec::new())
            }
        }
    }
}

/// The `helm:` section of `stockade.yaml`: the values and flags charts are
/// rendered with, as `helm template`'s flags name them (every key optional):
///
/// ```yaml
/// helm:
///   values: [values-prod.yaml]     # -f, relative to the configuration file
///   set: [image.tag=1.27]          # --set
///   set-string: []                 # --set-string
///   set-json: []                   # --set-json
///   set-file: []                   # --set-file
///   release-name: web
///   namespace: prod
///   kube-version: "1.31"
///   api-versions: [monitoring.coreos.com/v1]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HelmConfig {
    /// `values`: values files, in order.
    pub values: Vec<String>,
    /// `set`.
    pub set: Vec<String>,
    /// `set-string`.
    pub set_string: Vec<String>,
    /// `set-json`.
    pub set_json: Vec<String>,
    /// `set-file`.
    pub set_file: Vec<String>,
    /// `release-name`.
    pub release_name: Option<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `kube-version`.
    pub kube_version: Option<String>,
    /// `api-versions`.
    pub api_versions: Vec<String>,
}

impl HelmConfig {
    /// Read the section's entries; each problem is located at its node.
    pub fn from_entries(
        entries: &[(crate::yaml::Node, crate::yaml::Node)],
    ) -> Result<Self, Vec<(crate::Span, String)>> {
        use crate::yaml::Value;
        let mut out = HelmConfig::default();
        let mut errors = Vec::new();
        for (key, value) in entries {
            let name = key.as_str().unwrap_or_default();
            let list = |errors: &mut Vec<(crate::Span, String)>| -> Vec<String> {
                match &value.value {
                    Value::Seq(items) => items
                        .iter()
                        .filter_map(|i| {
                            if let Some(s) = i.as_str() {
                                return Some(s.to_string());
                            }
                            errors.push((i.span, format!("`helm.{name}` items must be strings")));
                            None
                        })
                        .collect(),
                    Value::String(s) => vec![s.clone()],
                    Value::Null => Vec::new(),
                    _ => {
                        errors.push((
                            value.span,
                            format!("`helm.{name}` must be a list of strings"),
                        ));
                        Vec::new()
                    }
                }
            };
            let scalar = |errors: &mut Vec<(crate::Span, String)>| -> Option<String> {
                match &value.value {
                    Value::String(s) => Some(s.clone()),
                    Value::Int(i) => Some(i.to_string()),
                    Value::Float(f) => Some(crate::yaml::go_format_float32_g(*f)),
                    _ => {
                        errors.push((value.span, format!("`helm.{name}` must be a string")));
                        None
                    }
                }
            };
            match name {
                "values" => out.values = list(&mut errors),
                "set" => out.set = list(&mut errors),
                "set-string" => out.set_string = list(&mut errors),
                "set-json" => out.set_json = list(&mut errors),
                "set-file" => out.set_file = list(&mut errors),
                "api-versions" => out.api_versions = list(&mut errors),
                "release-name" => out.release_name = scalar(&mut errors),
                "namespace" => out.namespace = scalar(&mut errors),
                "kube-version" => out.kube_version = scalar(&mut errors),
                other => errors.push((
                    key.span,
                    format!("unknown key `helm.{other}` (expected values, set, set-string, set-json, set-file, release-name, namespace, kube-version or api-versions)"),
                )),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A chart whose `crds/` (over [`PREPARSE_MIN_BYTES`]) hold a CRD, a
    /// privileged Pod and a document with a duplicate key; a template renders
    /// a privileged Pod too.
    fn chart_with_crds() -> Chart {
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        files.insert(
            "Chart.yaml".into(),
            b"apiVersion: v2\nname: c\nversion: 1.0.0\n".to_vec(),
        );
        files.insert(
            "templates/pod.yaml".into(),
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\nspec:\n  containers:\n  - name: a\n    image: nginx:1\n    securityContext:\n      privileged: true\n".to_vec(),
        );
        let description = "x".repeat(100);
        let mut crd = String::from("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n  names:\n");
        for i in 0..3000 {
            let _ = writeln!(crd, "    k{i}: {description}");
        }
        files.insert("crds/crd.yaml".into(), crd.into_bytes());
        files.insert(
            "crds/pod.yaml".into(),
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx:1\n    securityContext:\n      privileged: true\n".to_vec(),
        );
        files.insert(
            "crds/dup.yaml".into(),
            b"apiVersion: v1\nkind: ConfigMap\nkind: Secret\n".to_vec(),
        );
        load_chart(ChartInput::Files(files), "c").unwrap()
    }

    #[test]
    fn streams_parsed_ahead_scan_as_streams_parsed_by_the_scan() {
        let chart = chart_with_crds();
        let out = chart_sources_within(&chart, &HelmOptions::default(), "c", &Limits::default());
        let engine = Engine::default();
        let limits = crate::engine::yaml_limits(&engine.config().limits);
        assert_eq!(
            out.sources
                .iter()
                .filter(|s| s.path().contains("/crds/"))
                .count(),
            3
        );
        assert!(out.sources.iter().all(|s| s
            .prepared::<crate::yaml::Parsed>()
            .is_some_and(|p| p.limits == limits)));
        // The same chart's sources with no stream the scan can use: the CRDs
        // plain, the outputs' streams parsed within other limits.
        let other = crate::yaml::Limits {
            max_depth: limits.max_depth - 1,
            ..limits
        };
        let settings = RenderSettings {
            display_root: "c".into(),
            ..RenderSettings::default()
        };
        let render = stockade_helm::render(&chart, &HelmOptions::default(), &settings).unwrap();
        let plain = stockade_helm::origins::to_sources(&render, "c", &other).sources;
        assert_eq!(plain.len(), out.sources.len());
        let ahead = engine.scan_sources(&out.sources, Some(Kind::Kubernetes));
        let again = engine.scan_sources(&plain, Some(Kind::Kubernetes));
        assert_eq!(
            serde_json::to_value(&ahead).unwrap(),
            serde_json::to_value(&again).unwrap()
        );
        assert!(ahead
            .findings
            .iter()
            .any(|f| f.path.ends_with("crds/pod.yaml")));
        assert!(ahead
            .findings
            .iter()
            .any(|f| f.path.ends_with("templates/pod.yaml (rendered)")));
        assert!(ahead
            .errors
            .iter()
            .any(|e| e.path.ends_with("crds/dup.yaml")));
    }

    /// However the two threads share the CRD files, and in whatever order
    /// (the largest first), each text's stream is at that text's index.
    #[test]
    fn crds_parsed_beside_keep_each_stream_with_its_text() {
        let texts: Vec<Arc<String>> = [3usize, 40, 1, 900, 12]
            .iter()
            .map(|&n| Arc::new(format!("n: {n}\npad: {}\n", "x".repeat(n))))
            .collect();
        let limits = crate::engine::yaml_limits(&Limits::default());
        let (other, streams) = parse_beside(&texts, &limits, || 7);
        assert_eq!(other, 7);
        let streams = streams.expect("every file parsed");
        assert_eq!(streams.len(), texts.len());
        for (text, stream) in texts.iter().zip(&streams) {
            assert_eq!(**stream, crate::yaml::parse_stream(text, &limits));
        }
    }

    /// The scan takes a stream parsed ahead only when it was parsed within
    /// the scan's own limits (here a stream from another text stands in, so
    /// which one was read shows in the report).
    #[test]
    fn a_stream_parsed_within_other_limits_is_parsed_again() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx:1\n    securityContext:\n      privileged: true\n";
        let engine = Engine::default();
        let limits = crate::engine::yaml_limits(&engine.config().limits);
        let with = |limits: crate::yaml::Limits| {
            let pre = crate::yaml::Parsed {
                limits,
                stream: Arc::new(crate::yaml::parse_stream(pod, &limits)),
            };
            Source::new(
                "c/crds/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
            )
            .with_prepared(Arc::new(pre))
        };
        let used = engine.scan_sources(&[with(limits)], Some(Kind::Kubernetes));
        assert!(
            !used.findings.is_empty(),
            "the stream parsed ahead is the one scanned"
        );
        let other = crate::yaml::Limits {
            max_depth: limits.max_depth - 1,
            ..limits
        };
        let ignored = engine.scan_sources(&[with(other)], Some(Kind::Kubernetes));
        assert!(ignored.findings.is_empty(), "{:?}", ignored.findings);
    }
}
