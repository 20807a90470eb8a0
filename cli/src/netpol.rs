//! `stockade netpol`: connectivity of NetworkPolicies (connlist, explain, diff).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use stockade::netpol::{self, ConnFormat};
use stockade::output::sanitize;
use stockade::source::walk;
use stockade::{detect_kind, Kind, Source};

use crate::inputs::{self, Input};

#[derive(Args, Debug)]
pub struct NetpolArgs {
    #[command(subcommand)]
    command: NetpolCommand,
}

#[derive(Subcommand, Debug)]
enum NetpolCommand {
    /// List every allowed connection between workloads, and between workloads and
    /// IP ranges outside the cluster (`src => dst : conns`).
    Connlist(ConnlistArgs),
    /// Explain which policies and rules allow or deny one connection.
    Explain(NetpolExplainArgs),
    /// Connections added and removed between two sets of manifests.
    Diff(DiffArgs),
}

#[derive(Args, Debug)]
struct ConnlistArgs {
    /// Manifest files and folders (YAML or JSON; folders are walked).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ConnFormatArg::Text)]
    format: ConnFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct NetpolExplainArgs {
    /// Manifest files and folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Source: a workload (`ns/name` or `ns/name[Kind]`), or an IP address / CIDR.
    #[arg(long, value_name = "NS/NAME")]
    from: String,
    /// Destination: a workload (`ns/name`), or an IP address / CIDR.
    #[arg(long, value_name = "NS/NAME")]
    to: String,
    /// One port to decide, e.g. 8080/TCP or 53/UDP (TCP when no protocol is given).
    #[arg(long, value_name = "PORT[/PROTO]")]
    port: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormatArg::Text)]
    format: ExplainFormatArg,
}

#[derive(Args, Debug)]
struct DiffArgs {
    /// Manifests before the change (a file or a folder).
    #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
    before: Vec<PathBuf>,
    /// Manifests after the change.
    #[arg(long, value_name = "PATH", required = true, num_args = 1..)]
    after: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ConnFormatArg::Text)]
    format: ConnFormatArg,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when connections changed.
    #[arg(long)]
    exit_code: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ConnFormatArg {
    Text,
    Json,
    Csv,
    Md,
    Dot,
}

impl From<ConnFormatArg> for ConnFormat {
    fn from(f: ConnFormatArg) -> Self {
        match f {
            ConnFormatArg::Text => ConnFormat::Text,
            ConnFormatArg::Json => ConnFormat::Json,
            ConnFormatArg::Csv => ConnFormat::Csv,
            ConnFormatArg::Md => ConnFormat::Markdown,
            ConnFormatArg::Dot => ConnFormat::Dot,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExplainFormatArg {
    Text,
    Json,
}

/// Read the manifests under `paths`: named files always, files found in folders
/// when they are YAML or JSON Kubernetes manifests. The walk is the scan's; each
/// file is read within the default size limit (16 MiB). A manifest-like entry a
/// walk passed over (a FIFO, a dangling link) is a warning.
fn read_sources(paths: &[PathBuf]) -> Result<Vec<Source>, String> {
    let collected = inputs::collect(paths, &mut inputs::Selection::default());
    if let Some(e) = collected.errors.first() {
        return Err(e.to_string());
    }
    for s in &collected.skipped {
        eprintln!(
            "stockade: warning: {}: skipped: {}",
            sanitize(&s.path),
            sanitize(&s.reason)
        );
    }
    let mut sources = Vec::new();
    for input in collected.inputs {
        let Input::File {
            path,
            display,
            named,
        } = input
        else {
            return Err("standard input is not supported here; name files or folders".to_string());
        };
        let text = walk::Reader::default()
            .pipes(named)
            .read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {}", path.display(), e.message()))?;
        if named || detect_kind(&display, &text) == Some(Kind::Kubernetes) {
            sources.push(Source::new(display, text));
        }
    }
    Ok(sources)
}

fn write(output: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match output {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => crate::print(text),
    }
}

/// Print what could not be read in `sources` as errors: documents that are not
/// YAML (a repeated key, a limit) and NetworkPolicy fields the API server
/// rejects. Either leaves the analysis incomplete (a dropped deny-all policy
/// would read as "All Connections"), so the command then exits 2.
fn report_errors(sources: &[Source]) -> bool {
    let mut errors = Vec::new();
    for s in sources {
        let stream = stockade::yaml::parse_stream(s.text(), &stockade::yaml::Limits::default());
        errors.extend(stream.problems().map(|p| p.to_error(s)));
    }
    let cluster = netpol::Cluster::from_sources(sources);
    for (source, problem) in &cluster.problems {
        if let Some(s) = sources.get(*source) {
            errors.push(problem.to_error(s));
        }
    }
    for e in &errors {
        eprintln!("stockade: error: {}", sanitize(&e.to_string()));
    }
    !errors.is_empty()
}

/// The exit status: 2 when an input could not be read, else `code`.
fn status(failed: bool, code: u8) -> u8 {
    if failed {
        2
    } else {
        code
    }
}

pub fn run(args: &NetpolArgs) -> ExitCode {
    let result = match &args.command {
        NetpolCommand::Connlist(a) => read_sources(&a.paths).and_then(|sources| {
            let failed = report_errors(&sources);
            let list = netpol::connlist(&sources);
            write(a.output.as_ref(), &list.render(a.format.into())).map(|()| status(failed, 0))
        }),
        NetpolCommand::Explain(a) => read_sources(&a.paths).and_then(|sources| {
            let failed = report_errors(&sources);
            let e = netpol::explain(&sources, &a.from, &a.to, a.port.as_deref())?;
            let text = match a.format {
                ExplainFormatArg::Text => e.to_text(),
                ExplainFormatArg::Json => e.to_json(),
            };
            crate::print(&text).map(|()| status(failed, 0))
        }),
        NetpolCommand::Diff(a) => read_sources(&a.before).and_then(|before| {
            let after = read_sources(&a.after)?;
            let failed = report_errors(&before) | report_errors(&after);
            let d = netpol::diff(&before, &after);
            write(a.output.as_ref(), &d.render(a.format.into()))?;
            Ok(status(
                failed,
                u8::from(a.exit_code && !d.changes.is_empty()),
            ))
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => crate::fail(&e),
    }
}
