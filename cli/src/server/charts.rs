//! Helm charts in the language server: a template, values file or `Chart.yaml`
//! of a chart is scanned by rendering the whole chart (with the open text in
//! place of the file's) as `stockade scan` renders it, then showing, in the
//! open file, each finding that one of its origins places there (the template
//! line that wrote the node, the values line that supplied it).

use std::path::{Path, PathBuf};

use stockade::{Engine, Report, ScanError};

use crate::render::{self, HelmFlags};

/// The chart `file` is part of, when it is one the render reads: `Chart.yaml`,
/// a `values*.yaml` at the chart's root, or a file under `templates/`. A
/// subchart's file (`charts/sub/templates/x.yaml`) belongs to the chart above
/// it, which is what gets installed.
pub fn chart_of(file: &Path) -> Option<PathBuf> {
    let mut found: Option<PathBuf> = None;
    for dir in file.ancestors().skip(1) {
        if !dir.join("Chart.yaml").is_file() {
            if found.is_some() {
                break;
            }
            continue;
        }
        match &found {
            None => {
                let rel = file.strip_prefix(dir).ok()?;
                let first = rel.components().next()?.as_os_str().to_string_lossy();
                let name = rel.to_string_lossy();
                let rendered = first == "templates"
                    || name == "Chart.yaml"
                    || (rel.components().count() == 1
                        && name.starts_with("values")
                        && (name.ends_with(".yaml") || name.ends_with(".yml")));
                if !rendered {
                    return None;
                }
                found = Some(dir.to_path_buf());
            }
            // A chart inside `charts/` of this one: keep going up.
            Some(sub)
                if sub.parent().is_some_and(|p| {
                    p.file_name().is_some_and(|n| n == "charts") && p.parent() == Some(dir)
                }) =>
            {
                found = Some(dir.to_path_buf());
            }
            Some(_) => break,
        }
    }
    found
}

/// Render and scan `chart` with `text` as the content of `file`, and keep
/// what lands in `file`: findings relocated to their origin there, and errors
/// located in it.
pub fn scan(
    engine: &Engine,
    config_dir: &Path,
    chart: &Path,
    file: &Path,
    text: &str,
) -> Result<Report, Vec<ScanError>> {
    let display = chart.to_string_lossy().to_string();
    let options = render::helm_options(
        engine.config().helm(),
        config_dir,
        &HelmFlags::default(),
        &[],
    )
    .map_err(|e| vec![e])?;
    let mut input = render::read_chart(chart, &display).map_err(|e| vec![e])?;
    if let (stockade::helm::ChartInput::Files(files), Ok(rel)) =
        (&mut input, file.strip_prefix(chart))
    {
        files.insert(
            rel.to_string_lossy().replace('\\', "/"),
            text.as_bytes().to_vec(),
        );
    }
    let report = engine.scan_chart_input(input, &options, &display);
    Ok(report.in_file(&file.to_string_lossy()))
}
