//! `stockade kyverno test DIR...` and the policies of `stockade scan --kyverno DIR`.
//!
//! `kyverno test` runs every `kyverno-test.yaml` found under the given paths
//! (hidden folders such as `.kyverno-test` included) as the Kyverno CLI does,
//! and prints one line per checked result. Exit status: `0` when every test
//! passed, `1` when a result differs from its expectation, `2` when a test
//! could not run (a missing file, an unreadable policy).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use stockade::kyverno::{run_test_dir, Policies, TestRun};
use stockade::source::walk::is_yaml_or_json;
use stockade::{ErrorKind, ScanError, Source};

use crate::inputs;

#[derive(Args, Debug)]
pub struct KyvernoArgs {
    #[command(subcommand)]
    command: KyvernoCommand,
}

#[derive(Subcommand, Debug)]
enum KyvernoCommand {
    /// Run kyverno-test.yaml files (Kyverno CLI `test` semantics).
    Test(TestArgs),
}

#[derive(Args, Debug)]
struct TestArgs {
    /// Folders (searched recursively) or kyverno-test.yaml files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TestFormat::Text)]
    format: TestFormat,

    /// Print only failing results (text format).
    #[arg(long)]
    failures_only: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum TestFormat {
    Text,
    Json,
}

pub fn run(args: &KyvernoArgs) -> ExitCode {
    match &args.command {
        KyvernoCommand::Test(t) => run_tests(t),
    }
}

fn run_tests(args: &TestArgs) -> ExitCode {
    let mut runs: Vec<TestRun> = Vec::new();
    for p in &args.paths {
        if !p.exists() {
            eprintln!("stockade: {}: no such file or folder", p.display());
            return ExitCode::from(2);
        }
        runs.extend(run_test_dir(p));
    }
    if runs.is_empty() {
        eprintln!("stockade: no kyverno-test.yaml found");
        return ExitCode::from(2);
    }
    let text = match args.format {
        TestFormat::Json => {
            let mut s = serde_json::to_string_pretty(&runs).unwrap_or_default();
            s.push('\n');
            s
        }
        TestFormat::Text => render_text(&runs, args.failures_only),
    };
    if let Err(e) = crate::print(&text) {
        eprintln!("stockade: {e}");
        return ExitCode::from(2);
    }
    if runs.iter().any(|r| r.error.is_some()) {
        ExitCode::from(2)
    } else if runs.iter().all(TestRun::passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn render_text(runs: &[TestRun], failures_only: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let (mut rows, mut rows_ok) = (0, 0);
    for run in runs {
        let passed = run.rows.iter().filter(|r| r.ok).count();
        rows += run.rows.len();
        rows_ok += passed;
        let _ = writeln!(
            out,
            "{} {} ({}): {passed}/{} results passed",
            if run.passed() { "PASS" } else { "FAIL" },
            run.name,
            run.path,
            run.rows.len()
        );
        if let Some(e) = &run.error {
            let _ = writeln!(out, "  error: {e}");
        }
        for r in &run.rows {
            if failures_only && r.ok {
                continue;
            }
            let _ = writeln!(
                out,
                "  {} {}/{} {} ({}): want {}, got {}{}",
                if r.ok { "ok  " } else { "FAIL" },
                r.policy,
                r.rule,
                r.resource,
                r.kind,
                r.expected,
                r.actual,
                if r.ok || r.message.is_empty() {
                    String::new()
                } else {
                    format!(": {}", r.message)
                }
            );
        }
    }
    let tests_ok = runs.iter().filter(|r| r.passed()).count();
    let _ = writeln!(
        out,
        "\n{tests_ok}/{} tests passed, {rows_ok}/{rows} results passed",
        runs.len()
    );
    out
}

/// Read the Kyverno policies of `paths` (files, or folders walked for
/// `.yaml`/`.yml`/`.json` files), each within `max` bytes. Non-policy documents
/// are ignored; a file that cannot be read is an error.
pub fn load_policies(paths: &[PathBuf], max: usize) -> (Policies, Vec<ScanError>, Vec<String>) {
    let (texts, mut errors) = inputs::read_texts(paths, is_yaml_or_json, max);
    let (policies, problems) =
        Policies::from_texts(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let mut rule_errors = Vec::new();
    for p in problems {
        let text = texts
            .iter()
            .find(|(path, _)| *path == p.path)
            .map_or("", |(_, t)| t.as_str());
        rule_errors.push(p.problem.to_error(&Source::new(p.path.clone(), text)));
    }
    // Rules outside the offline subset are notices, not errors (files that could
    // not be read stay errors).
    let (rule_errors, notices) = stockade::unsupported_notices(rule_errors);
    let unsupported_only = !notices.is_empty();
    errors.extend(rule_errors);
    if policies.is_empty() && errors.is_empty() && !unsupported_only {
        errors.push(ScanError::file(
            ErrorKind::Policy,
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "no Kyverno ClusterPolicy or Policy found",
        ));
    }
    (policies, errors, notices)
}
