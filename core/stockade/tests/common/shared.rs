//! Test support every crate's tests include (`#[path]`), so it is written once:
//! where the public conformance suites and corpora are (`../shared` beside the
//! checkout: skipped with the reason when absent, a failure in CI), and a folder
//! read into the path → bytes map the renderers take.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `../shared/<sub>` beside the checkout (public conformance suites and corpora).
///
/// A user's fresh clone has no `../shared`: the caller's test then prints why it is
/// skipped and returns. In CI (`CI=true`) the folder must be there, so its absence
/// fails the test instead of silently passing.
pub fn shared(sub: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let dir = root.join(sub);
    if dir.exists() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "CI=true but {} is missing: conformance data must be present in CI",
        dir.display()
    );
    eprintln!(
        "SKIPPED: {} not found (it sits beside the checkout in CI; a plain clone has none)",
        dir.display()
    );
    None
}

/// Every file under `root` by its `/`-separated path relative to `root`, except
/// `.git` folders and the files `skip` names.
pub fn read_tree(root: &Path, skip: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != ".git") {
                    stack.push(p);
                }
            } else if p.is_file() {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if !skip(&rel) {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
    }
    out
}
