//! `stockade`: scan Dockerfiles (and, as packs land, Kubernetes manifests) for
//! security-policy violations; list and explain the rules.
//!
//! Exit status of `scan`: `2` when any input could not be scanned (unreadable
//! path, parse error, invalid configuration, bad usage) — this takes precedence;
//! otherwise the `--exit-code` value (default `0`, as Trivy) when findings remain
//! after `--severity` filtering; otherwise `0`.

// Doc comments of the argument structs are clap's help text, read in a terminal.
#![allow(clippy::doc_markdown)]

mod config;
mod fix;
mod inputs;
mod kyverno;
mod netpol;
mod policy;
mod render;
mod render_kustomize;
mod scan;
mod server;
mod verify;

/// The command's allocator. The library allocates through whatever its host
/// uses (Python, Node, an editor); this binary is its own host, and its work is
/// millions of small, short-lived allocations on several threads (parsed YAML,
/// template trees, rendered pieces), where mimalloc is about 1.3x faster
/// whole-process than glibc's malloc (`benches/README.md`). Version 2 of
/// mimalloc (version 3 holds more memory at peak for no measurable speed),
/// with its default of asking for transparent huge pages where the system
/// gives them on request: a large chart then takes about 400 page faults
/// instead of 9,600, for about 10% less CPU and a third more peak memory,
/// within the budgets of `benches/budgets.py`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use stockade::output::{self, docs, Format, RenderOptions};
use stockade::{Config, Kind, Report, Severity};

/// Exit status when the scan could not read or parse some input.
const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(name = "stockade", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan files and folders (`-` reads standard input).
    Scan(ScanArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Show a rule's metadata and documentation (by id, name or alias, e.g. DL3007).
    Explain(ExplainArgs),
    /// Kyverno policies: run kyverno-test.yaml files.
    Kyverno(kyverno::KyvernoArgs),
    /// NetworkPolicy connectivity: connlist, explain, diff.
    Netpol(netpol::NetpolArgs),
    /// Run `gator verify` test suites (Gatekeeper ConstraintTemplates and Constraints).
    Verify(VerifyArgs),
    /// Render a Helm chart (folder or .tgz) exactly as `helm template` prints it,
    /// or build a kustomization exactly as `kubectl kustomize DIR` prints it.
    Render(render::RenderArgs),
    /// Run the language server (LSP over standard input and output) for editors.
    Server,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// Suite files, or folders walked for `kind: Suite` files (`path/...` also works).
    #[arg(required = true)]
    paths: Vec<PathBuf>,

    /// Print every test and case, as `gator verify -v`.
    #[arg(short, long)]
    verbose: bool,
}

// Each bool is an independent command-line switch.
#[allow(clippy::struct_excessive_bools)]
#[derive(Args, Debug)]
struct ScanArgs {
    /// Files and folders to scan. Folders are walked recursively (skipping hidden
    /// folders, the configuration's exclusions — target and node_modules by
    /// default — and what .gitignore, .ignore and .stockadeignore files ignore)
    /// and only files of a known kind in them are scanned. Named files are always
    /// scanned. `-` reads standard input and needs --kind.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// Pass over files and folders found by walking that match this
    /// .gitignore-style pattern (relative to the current folder), beside the
    /// configuration's `exclude`/`extend-exclude`. Repeatable.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,

    /// Do not read .gitignore, .ignore and .stockadeignore files.
    #[arg(long)]
    no_ignore: bool,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,

    /// Report only these severities (comma-separated, case-insensitive), e.g. HIGH,CRITICAL.
    #[arg(short, long, value_delimiter = ',', value_parser = parse_severity)]
    severity: Vec<Severity>,

    /// Exit with this status when findings remain after filtering (0 by default,
    /// as Trivy). Inputs that could not be scanned exit with 2 regardless.
    #[arg(long, default_value_t = 0, value_name = "N")]
    exit_code: u8,

    /// Configuration file (default: the first stockade.yaml or .stockade.yaml in
    /// the current folder or its parents).
    #[arg(short, long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,

    /// Ignore configuration files; use the defaults.
    #[arg(long)]
    no_config: bool,

    /// Read standard input and the named files as this kind (dockerfile or
    /// kubernetes) instead of detecting it; files found in folders are always detected.
    #[arg(short, long, value_parser = parse_kind)]
    kind: Option<Kind>,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Colour the text format: auto = when writing to a terminal and NO_COLOR is unset.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    color: ColorArg,

    /// Indent the json and sarif formats (compact by default).
    #[arg(long)]
    pretty: bool,

    /// The text formats list every skipped file, folder and document with the
    /// reason (by default the summary counts them by kind).
    #[arg(short, long)]
    verbose: bool,

    /// Folder (or file) of Gatekeeper ConstraintTemplates and Constraints to apply
    /// to the scanned Kubernetes objects, beside the built-in packs. Repeatable.
    #[arg(long, value_name = "DIR")]
    policy: Vec<PathBuf>,

    /// Folder (or file) of conftest-style Rego policies (`package main`, rules
    /// `deny`, `violation`, `warn`) applied to every scanned document. Repeatable.
    #[arg(long, value_name = "DIR")]
    rego: Vec<PathBuf>,

    #[command(flatten)]
    helm: render::HelmFlags,

    /// Folder (or file) of Kubernetes objects added to the Gatekeeper inventory
    /// (`data.inventory`, Namespaces for `namespaceSelector`) without being
    /// scanned, e.g. a dump of the cluster's state. Repeatable.
    #[arg(long, value_name = "DIR", requires = "policy")]
    inventory: Vec<PathBuf>,

    /// Also apply the Kyverno validate policies (ClusterPolicy/Policy) found in
    /// these files or folders to every Kubernetes object; failing rules are
    /// findings with the rule id `<policy>/<rule>`.
    #[arg(long, value_name = "PATH")]
    kyverno: Vec<PathBuf>,

    /// Do not build kustomizations: scan their files one by one (a patch file
    /// is then read as a whole object).
    #[arg(long)]
    no_kustomize: bool,

    /// Apply the safe fixes to the files (rescanning until nothing more applies),
    /// then report what remains; the count of fixes applied goes to stderr.
    #[arg(long)]
    fix: bool,

    /// With --fix or --diff, apply unsafe fixes too (they change behaviour:
    /// read each one).
    #[arg(long)]
    unsafe_fixes: bool,

    /// Print the fixes as a unified diff instead of writing them (implies the
    /// fix rounds of --fix, on the texts in memory).
    #[arg(long)]
    diff: bool,
}

#[derive(Args, Debug)]
struct RulesArgs {
    /// Output format; markdown is docs/rules.md.
    #[arg(short, long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// Rule id, name or alias (DF0001, image-latest-tag, DL3007, AVD-DS-0001, …).
    rule: String,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FormatArg {
    Text,
    Json,
    Sarif,
    Github,
    /// One line per finding: `path:line:col: ID [severity] title`.
    Concise,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Concise => Format::Concise,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExplainFormat {
    Text,
    Json,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The command owns its process and never forks: its parallel work runs
    // on threads kept for the process (and `server` on the same ones for
    // every scan it is asked for).
    stockade::parallel::use_worker_pool();
    // A scan or a render ends when its work is done: the parsed templates it
    // would free one by one are left to the end of the process (`server`
    // goes on, and frees them).
    if matches!(cli.command, Command::Scan(_) | Command::Render(_)) {
        stockade::parallel::leave_disposals_to_exit();
    }
    match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Rules(args) => run_rules(&args),
        Command::Explain(args) => run_explain(&args),
        Command::Kyverno(args) => kyverno::run(&args),
        Command::Netpol(args) => netpol::run(&args),
        Command::Verify(args) => run_verify(&args),
        Command::Render(args) => render::run_command(&args),
        Command::Server => server::run(),
    }
}

/// Print a message about the command itself (not about an input) and fail.
fn fail(message: &str) -> ExitCode {
    eprintln!("stockade: {}", output::sanitize(message));
    ExitCode::from(EXIT_ERROR)
}

/// Write to stdout; a closed pipe (`stockade … | head`) is not an error.
fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}

fn run_rules(args: &RulesArgs) -> ExitCode {
    let rules = stockade::rules();
    let text = match args.format {
        RulesFormat::Text => docs::rules_table(rules),
        RulesFormat::Json => docs::rules_json(rules),
        RulesFormat::Markdown => docs::rules_markdown(rules),
    };
    match print(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn run_explain(args: &ExplainArgs) -> ExitCode {
    let Some(rule) = stockade::explain(&args.rule) else {
        return fail(&format!(
            "no rule `{}`: not a Stockade id, name or alias (see `stockade rules`)",
            args.rule
        ));
    };
    let text = match args.format {
        ExplainFormat::Text => docs::explain_text(rule),
        ExplainFormat::Json => {
            let mut s = serde_json::to_string_pretty(&docs::rule_json(rule)).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    match print(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn run_verify(args: &VerifyArgs) -> ExitCode {
    match verify::run(&args.paths, args.verbose) {
        Ok((text, failed)) => match print(&text) {
            Ok(()) => verify::exit(failed),
            Err(e) => fail(&e),
        },
        Err(e) => fail(&e),
    }
}

/// The configuration for this run, or the errors that stop it.
fn scan_config(args: &ScanArgs) -> Result<Config, config::Failed> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| config::discover(&cwd)),
    };
    match path {
        Some(path) => config::load(&path),
        None => Ok(Config::default()),
    }
}

/// What the scan's walk passes over: the configuration's exclusions (rooted at
/// its folder), `--exclude` (rooted at the current folder), ignore files.
fn scan_selection(config: &Config, args: &ScanArgs) -> Result<inputs::Selection, String> {
    for pattern in &args.exclude {
        stockade::config::check_exclude(pattern)
            .map_err(|e| format!("--exclude `{pattern}`: {e}"))?;
    }
    let config_dir = config
        .path()
        .and_then(|p| std::path::Path::new(p).parent())
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    inputs::Selection::new(
        &config_dir,
        &config.exclusions(),
        &args.exclude,
        !args.no_ignore,
    )
}

#[allow(clippy::too_many_lines)] // one linear sequence of the scan's steps
fn run_scan(args: &ScanArgs) -> ExitCode {
    let format = Format::from(args.format);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let options = RenderOptions {
        color,
        pretty: args.pretty,
        verbose: args.verbose,
    };

    let wants_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if wants_stdin && args.kind.is_none() {
        return fail("`-` reads standard input, whose kind cannot be detected: pass --kind dockerfile or --kind kubernetes");
    }

    let (report, sources) = match scan_config(args) {
        Ok(config) => {
            let stdin = if wants_stdin {
                match scan::read_stdin(config.limits.file_bytes()) {
                    Ok(bytes) => Some(bytes),
                    Err(e) => return fail(&e),
                }
            } else {
                None
            };
            let (kyverno_policies, kyverno_errors, kyverno_notices) = if args.kyverno.is_empty() {
                (
                    stockade::kyverno::Policies::default(),
                    Vec::new(),
                    Vec::new(),
                )
            } else {
                kyverno::load_policies(&args.kyverno, config.limits.file_bytes())
            };
            let selection = match scan_selection(&config, args) {
                Ok(selection) => selection,
                Err(e) => return fail(&e),
            };
            let mut selection = selection.with_kustomize(!args.no_kustomize);
            let mut collected = inputs::collect(&args.paths, &mut selection);
            let built = render_kustomize::build_for_scan(
                &mut collected,
                &args.paths,
                config.limits.file_bytes(),
            );
            let threads = stockade::parallel::default_threads();
            let mut policy_errors = Vec::new();
            let policies = if args.policy.is_empty() && args.rego.is_empty() {
                None
            } else {
                let max = config.limits.file_bytes();
                let (policies, errors) = policy::load(&args.policy, &args.rego, max);
                policy_errors = errors;
                let mut inventory = stockade::rego::Inventory::new();
                policy_errors.extend(policy::add_inventory_files(
                    &args.inventory,
                    &mut inventory,
                    max,
                ));
                Some((policies, inventory))
            };
            // Kyverno rules outside the offline subset are said once, not errors.
            let mut notices = kyverno_notices;
            notices.extend(config.notices().iter().cloned());
            let config_dir = config
                .path()
                .and_then(|p| std::path::Path::new(p).parent())
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            let helm = match render::helm_options(config.helm(), &config_dir, &args.helm, &[]) {
                Ok(helm) => helm,
                Err(e) => {
                    policy_errors.push(e);
                    stockade::helm::HelmOptions::default()
                }
            };
            let fix_mode = fix::Mode::of(args.fix, args.unsafe_fixes, args.diff);
            // Some reports quote the sources; fixes edit them.
            let texts = fix_mode.is_some() || format.quotes_sources();
            let scan_once = |overlay: &fix::Overlay| {
                let (mut report, sources) = scan::scan_all(
                    config.clone(),
                    &collected.inputs,
                    args.kind,
                    stdin.as_deref(),
                    threads,
                    policies.clone(),
                    kyverno_policies.clone(),
                    built.sources.clone(),
                    &helm,
                    overlay,
                    texts,
                );
                let errors = [
                    &collected.errors,
                    &built.errors,
                    &policy_errors,
                    &kyverno_errors,
                ];
                report.errors.extend(errors.into_iter().flatten().cloned());
                let s = &mut report.summary;
                s.skipped.extend(collected.skipped.iter().cloned());
                s.notices.extend(notices.iter().cloned());
                s.notices.sort();
                s.notices.dedup();
                (report, sources)
            };
            match fix_mode {
                None => scan_once(&fix::Overlay::new()),
                Some(mode) => match fix::run(mode, scan_once, print) {
                    Ok(done) => (done.report, done.sources),
                    Err(e) => return fail(&e),
                },
            }
        }
        Err(failed) => {
            let mut report = Report::default();
            report.errors = failed.errors;
            let sources = failed.text.map(|t| (failed.path, t)).into_iter().collect();
            (report, sources)
        }
    };
    let report = finish(report, &args.severity);

    let rendered = output::render(&report, format, &sources, options);
    // Errors are in the report and on stderr, whatever the format, so a caller
    // piping the report elsewhere still sees them.
    for e in &report.errors {
        eprintln!(
            "stockade: error[{}]: {}",
            e.kind.as_str(),
            output::sanitize(&e.to_string())
        );
    }
    let written = match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        // `--diff` prints the diff alone (the report goes to --output when asked).
        None if args.diff => Ok(()),
        None => print(&rendered),
    };
    if let Err(e) = written {
        return fail(&e);
    }

    ExitCode::from(exit_status(&report, args.exit_code))
}

/// `2` when any input could not be scanned, else `exit_code` when findings
/// remain, else `0`.
fn exit_status(report: &Report, exit_code: u8) -> u8 {
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if !report.findings.is_empty() {
        exit_code
    } else {
        0
    }
}

/// Filter by severity and put everything in a stable order.
fn finish(mut report: Report, severities: &[Severity]) -> Report {
    if !severities.is_empty() {
        report.retain_severities(severities);
        report
            .suppressed
            .retain(|f| severities.contains(&f.severity));
    }
    report.sort();
    report.errors.sort_by(|a, b| {
        (&a.path, a.start.map(|p| p.offset)).cmp(&(&b.path, b.start.map(|p| p.offset)))
    });
    report.recount();
    report
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn finding(path: &str, line: u32, severity: Severity) -> stockade::Finding {
        let text = "FROM a\nFROM b\nFROM c\n";
        let source = stockade::Source::new(path, text);
        let start = source.line_index().line_start(line - 1);
        let d = stockade::Diagnostic::new(
            &stockade::source::suppress::UNUSED_SUPPRESSION,
            stockade::Span::new(start, start + 4),
            "m",
        );
        let mut f = d.to_finding(&source);
        f.severity = severity;
        f
    }

    #[test]
    fn severity_filter_keeps_listed_severities_and_recounts() {
        let mut report = Report::default();
        report.findings = vec![
            finding("b/Dockerfile", 1, Severity::High),
            finding("a/Dockerfile", 2, Severity::Low),
            finding("a/Dockerfile", 1, Severity::Critical),
        ];
        report.suppressed = vec![finding("a/Dockerfile", 3, Severity::Medium)];
        let kept = finish(report.clone(), &[Severity::High, Severity::Critical]);
        let got: Vec<(&str, u32)> = kept
            .findings
            .iter()
            .map(|f| (f.path.as_str(), f.start.line.get()))
            .collect();
        assert_eq!(got, [("a/Dockerfile", 1), ("b/Dockerfile", 1)]);
        assert!(kept.suppressed.is_empty());
        assert_eq!(kept.summary.findings.total(), 2);
        assert_eq!(kept.summary.findings.critical, 1);
        // No filter keeps everything, sorted.
        let all = finish(report, &[]);
        assert_eq!(all.findings.len(), 3);
        assert_eq!(all.suppressed.len(), 1);
        assert_eq!(all.findings[0].start.line.get(), 1);
        assert_eq!(all.findings[0].path, "a/Dockerfile");
    }

    #[test]
    fn exit_status_errors_win_then_findings_use_exit_code() {
        let mut report = Report::default();
        assert_eq!(exit_status(&report, 4), 0);
        report
            .findings
            .push(finding("Dockerfile", 1, Severity::Low));
        assert_eq!(exit_status(&report, 0), 0);
        assert_eq!(exit_status(&report, 4), 4);
        report.errors.push(stockade::ScanError::file(
            stockade::ErrorKind::Io,
            "x",
            "gone",
        ));
        assert_eq!(exit_status(&report, 4), 2);
        assert_eq!(exit_status(&report, 0), 2);
    }
}
