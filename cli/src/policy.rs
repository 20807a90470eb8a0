//! `scan --policy DIR` (Gatekeeper ConstraintTemplates and Constraints) and
//! `scan --rego DIR` (conftest-convention Rego): loading the folders, and the
//! `--inventory` files (the scanned manifests are added by `scan::scan_all`).

use std::path::{Path, PathBuf};

use stockade::rego::{Inventory, Policies};
use stockade::{ErrorKind, ScanError};

use crate::inputs::io_message;

/// Files under `dir` (recursively, name order) whose name satisfies `keep`.
fn files(
    dir: &Path,
    keep: &dyn Fn(&str) -> bool,
    out: &mut Vec<PathBuf>,
    errors: &mut Vec<ScanError>,
) {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) => {
            errors.push(ScanError::file(
                ErrorKind::Io,
                dir.display().to_string(),
                io_message(&e),
            ));
            return;
        }
    };
    if meta.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(ScanError::file(
                ErrorKind::Io,
                dir.display().to_string(),
                io_message(&e),
            ));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            if !name.starts_with('.') {
                files(&p, keep, out, errors);
            }
        } else if keep(&name) {
            out.push(p);
        }
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Load the policy folders; errors are located where possible.
pub fn load(policy_dirs: &[PathBuf], rego_dirs: &[PathBuf]) -> (Policies, Vec<ScanError>) {
    let mut policies = Policies::new();
    let mut errors = Vec::new();
    let mut yaml = Vec::new();
    for d in policy_dirs {
        files(
            d,
            &|n| {
                let ext = Path::new(n)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("");
                ["yaml", "yml", "json"]
                    .iter()
                    .any(|e| ext.eq_ignore_ascii_case(e))
            },
            &mut yaml,
            &mut errors,
        );
    }
    for p in &yaml {
        match std::fs::read_to_string(p) {
            Ok(text) => policies.add_text(&display(p), &text),
            Err(e) => errors.push(ScanError::file(ErrorKind::Io, display(p), io_message(&e))),
        }
    }
    let mut rego = Vec::new();
    for d in rego_dirs {
        // conftest skips test files; like conftest, the suffix is case-sensitive.
        #[allow(clippy::case_sensitive_file_extension_comparisons)]
        files(
            d,
            &|n| n.ends_with(".rego") && !n.ends_with("_test.rego"),
            &mut rego,
            &mut errors,
        );
    }
    for p in &rego {
        match std::fs::read_to_string(p) {
            Ok(text) => policies.add_rego(&display(p), &text),
            Err(e) => errors.push(ScanError::file(ErrorKind::Io, display(p), io_message(&e))),
        }
    }
    errors.extend(policies.errors());
    (policies, errors)
}

/// Add the objects of `--inventory` files and folders (`.yaml`, `.yml`, `.json`).
pub fn add_inventory_files(paths: &[PathBuf], inventory: &mut Inventory) -> Vec<ScanError> {
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for p in paths {
        files(
            p,
            &|n| {
                let ext = Path::new(n)
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("");
                ["yaml", "yml", "json"]
                    .iter()
                    .any(|e| ext.eq_ignore_ascii_case(e))
            },
            &mut found,
            &mut errors,
        );
    }
    for f in &found {
        match std::fs::read_to_string(f) {
            Ok(text) => inventory.add_text(&text),
            Err(e) => errors.push(ScanError::file(ErrorKind::Io, display(f), io_message(&e))),
        }
    }
    errors
}
