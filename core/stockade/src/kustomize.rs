//! Kustomizations: built in memory as `kubectl kustomize` builds them
//! ([`stockade_kustomize`]), and scanned as a rendered source whose findings
//! name the base resource line of each node and, when a patch, transformer or
//! generator set it, that instruction's line.
//!
//! ```
//! use stockade::kustomize::{FileMap, Options};
//! let mut files = FileMap::new();
//! files.insert("base/kustomization.yaml".into(), b"resources: [pod.yaml]\n".to_vec());
//! files.insert("base/pod.yaml".into(), b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n".to_vec());
//! files.insert("overlay/kustomization.yaml".into(), b"resources: [../base]\nnamePrefix: prod-\n".to_vec());
//! let source = stockade::kustomize::render(&files, "overlay", &Options::default()).unwrap();
//! assert!(source.text().contains("name: prod-web"));
//! ```

use std::sync::Arc;

pub use stockade_kustomize::{
    build, is_kustomization_name, join_path, Build, FileMap, FileSource, HelmChartRequest,
    HelmHook, HelmRenderer, KustomizeError, Options, Reorder, KUSTOMIZATION_NAMES,
};

use crate::{Engine, ErrorKind, Kind, Report, ScanError, Source, Span};
use stockade_source::origin::{FileId, OriginFiles, OriginMap, OriginSpan};

/// The path a build's rendered source is reported under:
/// `<folder>/kustomization.yaml#build` (the kustomization file's path).
pub fn build_path(build: &Build, dir: &str) -> String {
    let kust = build
        .files
        .first()
        .map_or_else(|| format!("{dir}/kustomization.yaml"), |(p, _)| p.clone());
    format!("{kust}#build")
}

/// A built kustomization as a rendered [`Source`]: its text is what
/// `kubectl kustomize` prints; its origin map names, for every node, the
/// resource file line it was read from (`base`) and the patch, transformer or
/// generator line that set it (`patch`, `transformer`, `generator`).
pub fn to_source(build: &Build, dir: &str) -> Source {
    let (text, placed) = build.render();
    let mut files = OriginFiles::new();
    let ids: Vec<FileId> = build
        .files
        .iter()
        .map(|(p, t)| files.add(Source::new(display_path(p), t.clone())))
        .collect();
    let mut map = OriginMap::builder();
    for p in &placed {
        let rendered = Span::new(p.start, p.end);
        let by = p.by.and_then(|(loc, role)| {
            ids.get(loc.file as usize)
                .map(|id| (OriginSpan::new(*id, loc.span, role), loc))
        });
        if let Some(base) = p.base {
            let same_as_by = by.is_some_and(|(_, loc)| loc == base);
            if let Some(id) = ids.get(base.file as usize) {
                if !same_as_by {
                    map.push(
                        rendered,
                        OriginSpan::new(*id, base.span, crate::OriginRole::Base),
                    );
                }
            }
        }
        if let Some((origin, _)) = by {
            map.push(rendered, origin);
        }
    }
    let path = build_path(build, dir);
    let files = Arc::new(files);
    match map.build() {
        Ok(map) => Source::rendered(&path, text.clone(), map, files)
            .unwrap_or_else(|_| Source::new(&path, text)),
        Err(_) => Source::new(&path, text),
    }
}

/// Inline patches are parsed as files named `<kustomization>#inline@<offset>`;
/// shown as the kustomization file.
fn display_path(p: &str) -> String {
    p.split_once("#inline@")
        .map_or_else(|| p.to_string(), |(k, _)| k.to_string())
}

/// `helmCharts` rendered with Stockade's Helm renderer ([`crate::helm`]), as
/// `kubectl kustomize --enable-helm` renders them with `helm template`. A chart
/// without `releaseName` gets `release-name` (Helm would make one up from the
/// time); `skipHooks` is not applied (the renderer prints hooks as `helm
/// template` does without `--no-hooks`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StockadeHelm;

impl HelmRenderer for StockadeHelm {
    fn template(&self, request: &HelmChartRequest) -> Result<String, String> {
        use crate::helm::{ArchiveLimits, Chart, HelmOptions, ValuesFile};
        let chart = Chart::from_dir_files(request.chart_files.clone(), &ArchiveLimits::default())
            .map_err(|e| e.to_string())?;
        let mut opts = HelmOptions::default();
        if let Some(t) = &request.name_template {
            opts.release_name =
                stockade_helm::release_name_from_template(t).map_err(|e| e.to_string())?;
        }
        if let Some(r) = &request.release_name {
            opts.release_name.clone_from(r);
        }
        if let Some(ns) = &request.namespace {
            opts.namespace.clone_from(ns);
        }
        opts.values_files = request
            .values_files
            .iter()
            .map(|(name, text)| ValuesFile {
                name: name.clone(),
                text: text.clone(),
            })
            .collect();
        opts.api_versions.clone_from(&request.api_versions);
        opts.kube_version.clone_from(&request.kube_version);
        opts.include_crds = request.include_crds;
        opts.skip_tests = request.skip_tests;
        crate::helm::template(&chart, &opts).map_err(|(_, e)| e.to_string())
    }
}

/// `options` with Stockade's Helm renderer for `helmCharts` (unless it has one).
pub fn with_helm(options: &Options) -> Options {
    let mut o = options.clone();
    if o.helm.is_none() {
        o.helm = Some(HelmHook(Arc::new(StockadeHelm)));
    }
    o
}

/// Build the kustomization in `dir` of `files` into a rendered source.
pub fn render(
    files: &dyn FileSource,
    dir: &str,
    options: &Options,
) -> Result<Source, KustomizeError> {
    let build = build(files, dir, options)?;
    Ok(to_source(&build, dir))
}

/// A build error as a scan error of the kustomization folder.
pub fn to_scan_error(e: &KustomizeError, dir: &str) -> ScanError {
    let kind = match e {
        KustomizeError::Parse { .. } => ErrorKind::Parse,
        KustomizeError::Limit { .. } => ErrorKind::Limit,
        KustomizeError::NotFound { .. } => ErrorKind::Io,
        KustomizeError::Remote { .. } | KustomizeError::Unsupported { .. } => {
            ErrorKind::Unsupported
        }
        _ => ErrorKind::Config,
    };
    let path = if e.path().is_empty() { dir } else { e.path() };
    ScanError::file(kind, path, format!("kustomize build {dir}: {e}"))
}

impl Engine {
    /// Build the kustomization in folder `dir` of `files` (paths relative to one
    /// root, `/`-separated) and scan the output with every pack. A build error is
    /// the report's one error, located in the kustomization or file it concerns.
    pub fn scan_kustomization(&self, files: &dyn FileSource, dir: &str) -> Report {
        match render(files, dir, &with_helm(&Options::default())) {
            Ok(source) => {
                let engine = self.for_scan(std::slice::from_ref(&source), Some(Kind::Kubernetes));
                engine.scan_source(&source, Some(Kind::Kubernetes))
            }
            Err(e) => {
                let mut report = Report::default();
                report.summary.files = 1;
                report.errors.push(to_scan_error(&e, dir));
                report
            }
        }
    }
}

/// A map of file names to contents as the bindings are given it (paths
/// relative to one root, `./` and `..` resolved lexically; a path that leaves
/// the root is dropped, as kustomize's load restriction would refuse it).
pub fn file_map<I, B>(files: I) -> FileMap
where
    I: IntoIterator<Item = (String, B)>,
    B: Into<Vec<u8>>,
{
    files
        .into_iter()
        .filter_map(|(p, t)| Some((join_path("", &p)?, t.into())))
        .collect()
}

/// The folder of a bindings' `dir` argument (`.` is the root).
fn root_dir(dir: &str) -> String {
    join_path("", dir).unwrap_or_default()
}

/// A build error of folder `dir` of a file map (the root shown as `.`).
fn file_map_error(e: &KustomizeError, dir: &str) -> ScanError {
    to_scan_error(e, if dir.is_empty() { "." } else { dir })
}

/// What `kubectl kustomize DIR` prints for the kustomization in folder `dir`
/// of `files` (what the bindings' `build_kustomization` returns), or the build
/// error, located in the kustomization or file it concerns.
pub fn build_text(files: &FileMap, dir: &str) -> Result<String, ScanError> {
    let dir = root_dir(dir);
    build(files, &dir, &Options::default())
        .map(|b| b.to_yaml())
        .map_err(|e| file_map_error(&e, &dir))
}

impl Engine {
    /// [`Engine::scan_kustomization`] of `files` given as the bindings give
    /// them ([`file_map`]; `dir` `.` is the root), also returning the built
    /// source the findings point into (for UTF-16 positions).
    pub fn scan_kustomization_keeping_sources(
        &self,
        files: &FileMap,
        dir: &str,
    ) -> (Report, Vec<Source>) {
        let dir = root_dir(dir);
        match render(files, &dir, &with_helm(&Options::default())) {
            Ok(source) => {
                let scan = self.for_scan(std::slice::from_ref(&source), Some(Kind::Kubernetes));
                let report = scan.scan_source(&source, Some(Kind::Kubernetes));
                (report, vec![source])
            }
            Err(e) => {
                let mut report = Report::default();
                report.summary.files = 1;
                report.errors.push(file_map_error(&e, &dir));
                (report, Vec::new())
            }
        }
    }
}

/// What the bindings call: a map of file names to texts (as JavaScript and
/// Python give them) built in folder `dir` and scanned; the report in the wire
/// shape, positioned in the built text (UTF-16 columns included).
pub fn scan_kustomization_texts(
    engine: &Engine,
    files: &std::collections::BTreeMap<String, String>,
    dir: &str,
) -> crate::wire::Report {
    let map = file_map(files.iter().map(|(p, t)| (p.clone(), t.clone())));
    let (report, sources) = engine.scan_kustomization_keeping_sources(&map, dir);
    crate::wire::Report::new(report, &sources)
}
