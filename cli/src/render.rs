//! Helm charts in the CLI (reading one is `stockade::helm::read_chart`):
//! `helm template`'s flags (`--values`, `--set`, …,
//! also settable in `stockade.yaml`'s `helm:` section), the sources a scan
//! gets from a chart, and `stockade render PATH`, which prints what
//! `helm template` prints.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use stockade::helm::{self, Chart, HelmConfig, HelmOptions, ValuesFile};
use stockade::source::walk::{self, Reader};
use stockade::{ScanError, Source};

/// `helm template`'s value flags, shared by `scan` and `render`.
#[derive(Args, Debug, Clone, Default)]
pub struct HelmFlags {
    /// Helm charts: a values file (YAML), after the chart's values.yaml and the
    /// configuration's `helm.values`. Repeatable, in order.
    #[arg(long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Helm charts: set a value (`a.b=c,d[0]=e`, Helm's syntax). Repeatable.
    #[arg(long = "set", value_name = "VALUES")]
    pub set: Vec<String>,
    /// Helm charts: set a string value. Repeatable.
    #[arg(long = "set-string", value_name = "VALUES")]
    pub set_string: Vec<String>,
    /// Helm charts: set a value to the contents of a file (`key=path`). Repeatable.
    #[arg(long = "set-file", value_name = "VALUES")]
    pub set_file: Vec<String>,
    /// Helm charts: set a JSON value (`key=<json>`). Repeatable.
    #[arg(long = "set-json", value_name = "VALUES")]
    pub set_json: Vec<String>,
    /// Helm charts: the release name (`release-name` by default).
    #[arg(long = "release-name", value_name = "NAME")]
    pub release_name: Option<String>,
    /// Helm charts: the release namespace (`default` by default).
    #[arg(long = "namespace", value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Helm charts: Kubernetes version for `.Capabilities.KubeVersion`.
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Helm charts: API versions added to `.Capabilities.APIVersions` (comma-separated, repeatable).
    #[arg(long = "api-versions", value_name = "VERSIONS", value_delimiter = ',')]
    pub api_versions: Vec<String>,
}

/// `stockade render PATH [helm flags]`.
// Each bool is an independent command-line switch.
#[allow(clippy::struct_excessive_bools)]
#[derive(Args, Debug)]
pub struct RenderArgs {
    /// A Helm chart folder (with Chart.yaml), a .tgz chart archive, or a folder
    /// holding a kustomization (printed as `kubectl kustomize DIR` prints it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub helm: HelmFlags,
    /// A values file (`-f`, as in `helm template`). Repeatable.
    #[arg(short = 'f', value_name = "FILE", hide = true)]
    pub values_short: Vec<PathBuf>,
    /// Only show manifests rendered from these templates (`templates/x.yaml`, globs). Repeatable.
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Print the chart's CRDs too.
    #[arg(long)]
    pub include_crds: bool,
    /// Leave out test hooks.
    #[arg(long)]
    pub skip_tests: bool,
    /// On a YAML error, print what was rendered first.
    #[arg(long)]
    pub debug: bool,
    /// Match Helm 3.21's output instead of Helm 4's.
    #[arg(long)]
    pub helm3: bool,
    /// Kustomizations: as kustomize's `--load-restrictor`,
    /// LoadRestrictionsRootOnly (default) or LoadRestrictionsNone.
    #[arg(long, default_value = "LoadRestrictionsRootOnly", value_name = "RULE")]
    pub load_restrictor: String,
    /// Kustomizations: as kustomize's `--reorder`, legacy (default) or none.
    #[arg(long, default_value = "legacy", value_name = "ORDER")]
    pub reorder: String,
    /// Configuration file for its `helm:` section (default: discovered as for `scan`).
    #[arg(short, long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long)]
    pub no_config: bool,
}

pub use stockade::helm::{is_chart, read_chart};

/// The options a chart is rendered with: the configuration's `helm:` section
/// (paths relative to `config_dir`), then the command line. Files named by
/// `--values`/`--set-file` are read here.
pub fn helm_options(
    config: &HelmConfig,
    config_dir: &Path,
    flags: &HelmFlags,
    extra_values: &[PathBuf],
) -> Result<HelmOptions, ScanError> {
    let mut opts = HelmOptions::default();
    let reader = Reader::new(helm::MAX_CHART_FILE_BYTES).pipes(true);
    let read = |p: &Path| -> Result<String, ScanError> {
        reader
            .read_to_string(p)
            .map_err(|e| e.to_scan_error(walk::display_path(p)))
    };
    let config_values = config.values.iter().map(|v| config_dir.join(v));
    for p in config_values
        .chain(flags.values.iter().cloned())
        .chain(extra_values.iter().cloned())
    {
        let text = read(&p)?;
        opts.values_files.push(ValuesFile {
            name: walk::display_path(&p),
            text,
        });
    }
    opts.set = config.set.iter().chain(&flags.set).cloned().collect();
    opts.set_string = config
        .set_string
        .iter()
        .chain(&flags.set_string)
        .cloned()
        .collect();
    opts.set_json = config
        .set_json
        .iter()
        .chain(&flags.set_json)
        .cloned()
        .collect();
    opts.set_file = config
        .set_file
        .iter()
        .chain(&flags.set_file)
        .cloned()
        .collect();
    for spec in &opts.set_file {
        for part in spec.split(',') {
            if let Some((_, file)) = part.split_once('=') {
                let text = read(Path::new(file))?;
                opts.set_file_contents.push((file.to_string(), text));
            }
        }
    }
    if let Some(n) = flags.release_name.as_ref().or(config.release_name.as_ref()) {
        opts.release_name.clone_from(n);
    }
    if let Some(n) = flags.namespace.as_ref().or(config.namespace.as_ref()) {
        opts.namespace.clone_from(n);
    }
    opts.kube_version = flags
        .kube_version
        .clone()
        .or_else(|| config.kube_version.clone());
    opts.api_versions = config
        .api_versions
        .iter()
        .chain(&flags.api_versions)
        .cloned()
        .collect();
    Ok(opts)
}

/// What a scan gets from one chart: its rendered sources and errors.
pub fn chart_sources(
    path: &Path,
    display: &str,
    options: &HelmOptions,
    limits: &stockade::Limits,
) -> (Vec<Source>, Vec<ScanError>) {
    let chart = match read_chart(path, display).and_then(|input| helm::load_chart(input, display)) {
        Ok(c) => c,
        Err(e) => return (Vec::new(), vec![e]),
    };
    let out = helm::chart_sources_within(&chart, options, display, limits);
    (out.sources, out.errors)
}

fn load(path: &Path) -> Result<(Chart, String), ScanError> {
    let display = walk::display_path(path);
    let display = display.trim_end_matches('/').to_string();
    let input = read_chart(path, &display)?;
    Ok((helm::load_chart(input, &display)?, display))
}

/// `stockade render`: what `helm template` prints, and its errors as Helm
/// prints them (`Error: …` on standard error, exit status 1).
pub fn run(args: &RenderArgs, config: &HelmConfig, config_dir: &Path) -> ExitCode {
    if !is_chart(&args.path) {
        eprintln!(
            "Error: {} is not a Helm chart (a folder with Chart.yaml, or a .tgz)",
            walk::display_path(&args.path)
        );
        return ExitCode::from(2);
    }
    let mut options = match helm_options(config, config_dir, &args.helm, &args.values_short) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("Error: {e}");
            return ExitCode::from(1);
        }
    };
    options.show_only.clone_from(&args.show_only);
    options.include_crds = args.include_crds;
    options.skip_tests = args.skip_tests;
    options.debug = args.debug;
    if args.helm3 {
        options.helm_line = stockade::helm::HelmLine::V3;
    }
    let (chart, _) = match load(&args.path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Error: {}", e.message);
            return ExitCode::from(1);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stockade_helm_template(&chart, &options) {
        Ok(out) => {
            let _ = stdout.write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err((printed, message)) => {
            let _ = stdout.write_all(printed.as_bytes());
            let _ = stdout.flush();
            eprintln!("Error: {message}");
            ExitCode::from(1)
        }
    }
}

fn stockade_helm_template(
    chart: &Chart,
    options: &HelmOptions,
) -> Result<String, (String, String)> {
    stockade::helm::template(chart, options).map_err(|(printed, e)| (printed, e.message))
}

/// `stockade render`: the configuration's `helm:` section (discovered as for
/// `scan`, or `--config`), then [`run`].
pub fn run_command(args: &RenderArgs) -> ExitCode {
    if args.path.is_dir() && !is_chart(&args.path) {
        return crate::render_kustomize::run(&args.path, &args.load_restrictor, &args.reorder);
    }
    let path = if args.no_config {
        None
    } else {
        args.config.clone().or_else(|| {
            std::env::current_dir()
                .ok()
                .and_then(|cwd| crate::config::discover(&cwd))
        })
    };
    let config = match path {
        Some(path) => match crate::config::load(&path) {
            Ok(c) => c,
            Err(failed) => {
                for e in failed.errors {
                    eprintln!("stockade: error[{}]: {e}", e.kind.as_str());
                }
                return ExitCode::from(2);
            }
        },
        None => stockade::Config::default(),
    };
    let dir = config
        .path()
        .and_then(|p| Path::new(p).parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    run(args, config.helm(), &dir)
}
