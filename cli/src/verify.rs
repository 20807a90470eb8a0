//! `stockade verify`: run `gator verify` suites, with gator's output and exit
//! status (0 when every suite passes, 1 when any fails).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stockade::rego::gator::{render, verify_suite_file, SuiteResult};

/// Suite files: named files as they are; folders walked for `.yaml`/`.yml` files
/// (only `kind: Suite` files are run, as gator does).
fn suite_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_ascii_lowercase();
        if p.is_dir() {
            if !name.starts_with('.') {
                suite_files(&p, out)?;
            }
        } else if Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Run the suites; print gator's report.
pub fn run(paths: &[PathBuf], verbose: bool) -> Result<(String, bool), String> {
    let mut files = Vec::new();
    for p in paths {
        // gator's `path/...` means "recursively"; folders are always walked here.
        let p = p.to_string_lossy();
        let p = p.strip_suffix("/...").unwrap_or(&p);
        suite_files(Path::new(p), &mut files)?;
    }
    let results: Vec<SuiteResult> = files.iter().filter_map(|f| verify_suite_file(f)).collect();
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
