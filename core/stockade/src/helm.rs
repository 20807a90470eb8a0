//! Helm charts: rendered as `helm template` renders them ([`stockade_helm`]),
//! then every rendered manifest scanned with every pack as a rendered source
//! whose findings name the template line and, for values, the values line.

use std::collections::BTreeMap;

pub use stockade_helm::values::ValuesFile;
pub use stockade_helm::{
    ArchiveLimits, Chart, HelmArgs, HelmError, HelmErrorKind, HelmOptions, Render, RenderSettings,
};

use crate::{Engine, Kind, Report, ScanError, Source};

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
    let settings = RenderSettings {
        display_root: display_root.to_string(),
        ..RenderSettings::default()
    };
    let root = if display_root.is_empty() { chart.name() } else { display_root };
    match stockade_helm::render(chart, options, &settings) {
        Ok(render) => {
            let out = stockade_helm::origins::to_sources(&render, root);
            ChartSources {
                sources: out.sources,
                errors: out.errors,
            }
        }
        Err(e) => ChartSources {
            sources: Vec::new(),
            errors: vec![fatal_error(chart, &e, root)],
        },
    }
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

/// Load a chart from the files of its folder (`path → bytes`, relative to the
/// chart folder) or from `.tgz` bytes; errors located at `display_root`.
pub fn load_chart(files: ChartInput, display_root: &str) -> Result<Chart, ScanError> {
    let limits = ArchiveLimits::default();
    let loaded = match files {
        ChartInput::Files(map) => Chart::from_dir_files(map, &limits),
        ChartInput::Archive(bytes) => Chart::from_archive(&bytes, &limits),
    };
    loaded.map_err(|e| {
        let path = match &e.file {
            Some(f) => format!("{display_root}/{f}"),
            None => display_root.to_string(),
        };
        let kind = if e.kind.is_limit() { crate::ErrorKind::Limit } else { crate::ErrorKind::Parse };
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

impl Engine {
    /// Render a chart and scan every rendered manifest as one scan; templates
    /// that fail are located errors in the report, the rest is scanned.
    pub fn scan_chart(&self, chart: &Chart, options: &HelmOptions, display_root: &str) -> Report {
        let rendered = chart_sources(chart, options, display_root);
        let mut report = self.scan_sources(&rendered.sources, Some(Kind::Kubernetes));
        report.errors.extend(rendered.errors);
        report.sort();
        report
    }

    /// [`Engine::scan_chart`] of a chart given as files or `.tgz` bytes.
    pub fn scan_chart_input(&self, input: ChartInput, options: &HelmOptions, display_root: &str) -> Report {
        match load_chart(input, display_root) {
            Ok(chart) => self.scan_chart(&chart, options, display_root),
            Err(e) => {
                let mut report = self.scan_sources(&[], None);
                report.errors.push(e);
                report
            }
        }
    }
}
