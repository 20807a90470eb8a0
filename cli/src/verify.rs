//! `stockade verify`: run `gator verify` suites, with gator's output and exit
//! status (0 when every suite passes, 1 when any fails).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stockade::rego::gator::{render, verify_suite_file, SuiteResult};
use stockade::source::walk::{self, Entry, Folders, Walker};

/// Suite files under `paths`: named files as they are; folders walked for
/// `.yaml`/`.yml` files (only `kind: Suite` files are run, as gator does) with
/// the shared walker, so link loops end and FIFOs and devices are never opened.
/// A suite-like entry that cannot be read (a dangling link, a FIFO) is a failed
/// suite naming it; a path or folder that cannot be read stops the command.
fn suites(paths: &[PathBuf]) -> Result<Vec<Result<PathBuf, SuiteResult>>, String> {
    let mut walker = Walker::new(Folders::Visible, |name| {
        Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
    });
    let mut out = Vec::new();
    for p in paths {
        // gator's `path/...` means "recursively"; folders are always walked here.
        let p = p.to_string_lossy();
        let p = Path::new(p.strip_suffix("/...").unwrap_or(&p));
        for entry in walker.walk(p, &walk::display_path(p)) {
            match entry {
                Entry::File { path, .. } => out.push(Ok(path)),
                Entry::Skipped { path, reason, .. } => out.push(Err(SuiteResult::unreadable(
                    walk::display_path(&path),
                    format!("reading {:?}: {reason}", walk::display_path(&path)),
                ))),
                Entry::Error { path, error, .. } => {
                    return Err(format!("{}: {error}", path.display()));
                }
            }
        }
    }
    Ok(out)
}

/// Run the suites; print gator's report.
pub fn run(paths: &[PathBuf], verbose: bool) -> Result<(String, bool), String> {
    let results: Vec<SuiteResult> = suites(paths)?
        .into_iter()
        .filter_map(|s| match s {
            Ok(file) => verify_suite_file(&file),
            Err(unreadable) => Some(unreadable),
        })
        .collect();
    let failed = results.iter().any(SuiteResult::is_failure);
    Ok((render(&results, verbose), failed))
}

pub fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
