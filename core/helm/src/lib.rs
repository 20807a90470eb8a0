//! Helm charts rendered as `helm template` renders them, in memory.
//!
//! - [`Chart`]: a chart loaded from the files of its folder
//!   ([`Chart::from_dir_files`], `.helmignore` applied) or from `.tgz` bytes
//!   ([`Chart::from_archive`], every budget explicit: [`ArchiveLimits`]).
//! - [`HelmOptions`]: what `helm template`'s flags set (values files, `--set`
//!   and its variants, release name, namespace, Kubernetes version, API
//!   versions, `--show-only`, CRDs, tests).
//! - Values are coalesced exactly as Helm does ([`coalesce`], [`deps`]), and
//!   every value keeps the file and range it was read from ([`ValueOrigin`]),
//!   so that a rendered manifest can name the values line behind a node.
//!
//! The library does no I/O: the caller hands in files (the CLI reads folders
//! and archives; `--set-file` contents come through [`HelmOptions::set_file`]).

// Pedantic lints left as warnings in the workspace that this crate's ports of
// Go code trip on purpose: Go's shapes are kept where that makes the port
// checkable against upstream (long match-per-keyword functions, `format!`
// into output buffers, tuple-typed tables, single-letter loop names).
#![allow(
    clippy::format_push_string,
    clippy::many_single_char_names,
    clippy::struct_excessive_bools,
    clippy::match_same_arms,
    clippy::too_many_lines,
    clippy::type_complexity,
    clippy::unnecessary_wraps,
    clippy::result_unit_err,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::needless_pass_by_value,
    clippy::assigning_clones,
    clippy::unreadable_literal
)]

pub mod archive;
pub mod args;
pub mod chart;
pub mod coalesce;
pub mod deps;
pub mod durations;
pub mod engine;
pub mod error;
pub mod funcs;
pub mod ignore;
pub mod objects;
pub mod origins;
pub mod output;
pub mod render;
pub mod schema;
pub mod semver;
pub mod strvals;
pub mod toml;
pub mod value;
pub mod values;
pub mod yamlout;
pub mod yamlvalues;

pub use archive::ArchiveLimits;
pub use args::HelmArgs;
pub use chart::{Chart, ChartFile, Dependency, Metadata};
pub use error::{HelmError, HelmErrorKind};
pub use render::{default_limits, render, Render, RenderSettings, RenderedFile};
/// The template engine's budgets ([`RenderSettings::limits`]).
pub use stockade_gotemplate::Limits as TemplateLimits;
pub use value::{Data, Map, Value, ValueOrigin};
pub use values::{HelmLine, HelmOptions, ValuesSource, ValuesSources};

/// Every function a chart's templates can call: Sprig's (without `env` and
/// `expandenv`, as Helm removes them), then Helm's.
pub fn engine_funcs(mode: funcs::EngineMode) -> stockade_gotemplate::FuncMap {
    let mut f = stockade_sprig::helm_base_funcs();
    f.extend(funcs::static_funcs());
    f.extend(durations::funcs());
    f.extend(funcs::render_funcs(mode));
    if mode.scan_keys {
        f.extend(stockade_sprig::scan_key_funcs());
    }
    f
}

/// `helm template`: render `chart` and print as Helm prints. `Err` holds what
/// was printed before the error (with `--debug`) and the error.
pub fn template(chart: &Chart, opts: &HelmOptions) -> Result<String, (String, HelmError)> {
    check_installable(chart).map_err(|e| (String::new(), e))?;
    if let Some(e) = missing_dependencies_error(chart, opts.helm_line) {
        return Err((String::new(), e));
    }
    let rendered =
        render::render(chart, opts, &RenderSettings::default()).map_err(|e| (String::new(), e))?;
    output::template_output(&rendered, opts)
}

/// Helm's `checkIfInstallable`: only application charts (`type` empty or
/// `application`) render; a library chart is an error.
pub fn check_installable(chart: &Chart) -> Result<(), HelmError> {
    match chart.metadata.chart_type.as_str() {
        "" | "application" => Ok(()),
        other => Err(HelmError::new(
            HelmErrorKind::Chart,
            format!("{other} charts are not installable"),
        )),
    }
}

/// The dependencies of `Chart.yaml` (or `requirements.yaml`) with no chart of
/// that name in `charts/`, as Helm's `CheckDependencies` finds them: names
/// only (versions and aliases play no part), the root chart only.
pub fn missing_dependencies(chart: &Chart) -> Vec<&str> {
    chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect()
}

/// The error `helm template` stops with when [`missing_dependencies`] finds
/// any, in the wording of `line` (about `Chart.yaml`).
pub fn missing_dependencies_error(chart: &Chart, line: HelmLine) -> Option<HelmError> {
    let missing = missing_dependencies(chart);
    if missing.is_empty() {
        return None;
    }
    let check = format!(
        "found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    );
    let message = match line {
        HelmLine::V3 => format!(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: {check}"
        ),
        HelmLine::V4 => format!(
            "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: {check}"
        ),
    };
    Some(HelmError::new(HelmErrorKind::Chart, message))
}

/// A release name from `--name-template` (executed with Helm's functions and no data).
pub fn release_name_from_template(text: &str) -> Result<String, HelmError> {
    let mut set = stockade_gotemplate::Template::new("name-template");
    set.funcs(engine_funcs(funcs::EngineMode::default()));
    set.parse("name-template", text)
        .map_err(|e| HelmError::new(HelmErrorKind::Template, e.to_string()))?;
    let mut out = String::new();
    set.execute("name-template", &stockade_gotemplate::Value::Nil, &mut out)
        .map_err(|e| HelmError::new(HelmErrorKind::Template, e.to_string()))?;
    Ok(out)
}
