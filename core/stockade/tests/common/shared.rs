//! Where the public conformance suites and corpora are: `../shared` beside the
//! checkout. Every crate's tests include this one file (`#[path]`), so the rule
//! for a missing folder (skipped with the reason; a failure in CI) is written once.
#![allow(dead_code)]

use std::path::PathBuf;

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
    let ci = std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false);
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
