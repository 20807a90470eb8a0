//! `scan --policy DIR` (Gatekeeper ConstraintTemplates and Constraints) and
//! `scan --rego DIR` (conftest-convention Rego): loading the folders, and the
//! `--inventory` files (the scanned manifests are added by `scan::scan_all`).
//! Folders are walked and files read by [`read_texts`], with the scan's
//! protections (link loops, special files, the size limit).

use std::path::PathBuf;

use stockade::rego::{Inventory, Policies};
use stockade::source::walk::is_yaml_or_json;
use stockade::ScanError;

use crate::inputs::read_texts;

/// Load the policy folders, each file read within `max` bytes; errors are
/// located where possible, and a file that cannot be read is an error.
pub fn load(
    policy_dirs: &[PathBuf],
    rego_dirs: &[PathBuf],
    max: usize,
) -> (Policies, Vec<ScanError>) {
    let mut policies = Policies::new();
    let (yaml, mut errors) = read_texts(policy_dirs, is_yaml_or_json, max);
    for (path, text) in &yaml {
        policies.add_text(path, text);
    }
    // conftest skips test files; like conftest, the suffix is case-sensitive.
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    let (rego, rego_errors) = read_texts(
        rego_dirs,
        |n| n.ends_with(".rego") && !n.ends_with("_test.rego"),
        max,
    );
    errors.extend(rego_errors);
    for (path, text) in &rego {
        policies.add_rego(path, text);
    }
    errors.extend(policies.errors());
    (policies, errors)
}

/// Add the objects of `--inventory` files and folders (`.yaml`, `.yml`, `.json`),
/// each read within `max` bytes; a file that cannot be read, and a document that
/// cannot be parsed, is an error, as for `--policy`.
pub fn add_inventory_files(
    paths: &[PathBuf],
    inventory: &mut Inventory,
    max: usize,
) -> Vec<ScanError> {
    let (texts, mut errors) = read_texts(paths, is_yaml_or_json, max);
    for (path, text) in &texts {
        errors.extend(inventory.add_file(path, text));
    }
    errors
}
