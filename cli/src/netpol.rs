//! `stockade netpol`: connectivity of NetworkPolicies (connlist, explain, diff).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use stockade::netpol::{self, ConnFormat};
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
        eprintln!("stockade: warning: {}: skipped: {}", s.path, s.reason);
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

fn warn_problems(sources: &[Source]) {
    let cluster = netpol::Cluster::from_sources(sources);
    for (source, problem) in &cluster.problems {
        if let Some(s) = sources.get(*source) {
            eprintln!("stockade: warning: {}", problem.to_error(s));
        }
    }
}

pub fn run(args: &NetpolArgs) -> ExitCode {
    let result = match &args.command {
        NetpolCommand::Connlist(a) => read_sources(&a.paths).and_then(|sources| {
            warn_problems(&sources);
            let list = netpol::connlist(&sources);
            write(a.output.as_ref(), &list.render(a.format.into())).map(|()| 0)
        }),
        NetpolCommand::Explain(a) => read_sources(&a.paths).and_then(|sources| {
            warn_problems(&sources);
            let e = netpol::explain(&sources, &a.from, &a.to, a.port.as_deref())?;
            let text = match a.format {
                ExplainFormatArg::Text => e.to_text(),
                ExplainFormatArg::Json => e.to_json(),
            };
            crate::print(&text).map(|()| 0)
        }),
        NetpolCommand::Diff(a) => read_sources(&a.before).and_then(|before| {
            let after = read_sources(&a.after)?;
            let d = netpol::diff(&before, &after);
            write(a.output.as_ref(), &d.render(a.format.into()))?;
            Ok(u8::from(a.exit_code && !d.changes.is_empty()))
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => crate::fail(&e),
    }
}
