//! The gatekeeper-library's own `gator verify` suites (38 templates), run as
//! `stockade verify` runs them. Reports suites and cases passed; the goal is every
//! case, and each known failure is listed (with its reason) in `KNOWN_FAILURES`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

mod common;

use std::path::{Path, PathBuf};

use stockade::rego::gator::{verify_suite_file, SuiteResult};

/// `(suite folder, test or test/case, reason)` of the failures we know and
/// explain. Never edit the data to make a case pass.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[];

fn suites(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            suites(&p, out);
        } else if p.file_name().is_some_and(|n| n == "suite.yaml") {
            out.push(p);
        }
    }
}

#[test]
fn gatekeeper_library_suites() {
    let Some(dir) = common::shared("conformance/gatekeeper-library") else {
        return;
    };
    let mut paths = Vec::new();
    suites(&dir, &mut paths);
    assert!(
        paths.len() >= 38,
        "expected the 38 library suites, found {}",
        paths.len()
    );
    let results: Vec<SuiteResult> = paths.iter().filter_map(|p| verify_suite_file(p)).collect();
    let mut suites_passed = 0;
    let (mut cases_passed, mut cases_total) = (0, 0);
    let mut unexpected = Vec::new();
    for r in &results {
        let rel = r
            .path
            .rsplit("gatekeeper-library/")
            .next()
            .unwrap_or(&r.path)
            .to_string();
        let (p, t) = r.case_counts();
        cases_passed += p;
        cases_total += t;
        if !r.is_failure() {
            suites_passed += 1;
        }
        if let Some(e) = &r.error {
            unexpected.push(format!("{rel}: {e}"));
        }
        for test in &r.tests {
            if let Some(e) = &test.error {
                if !KNOWN_FAILURES
                    .iter()
                    .any(|(s, c, _)| rel.starts_with(s) && *c == test.name)
                {
                    unexpected.push(format!("{rel} / {}: {e}", test.name));
                }
            }
            for case in &test.cases {
                if let Some(e) = &case.error {
                    let key = format!("{}/{}", test.name, case.name);
                    if !KNOWN_FAILURES
                        .iter()
                        .any(|(s, c, _)| rel.starts_with(s) && *c == key)
                    {
                        unexpected.push(format!("{rel} / {key}: {e}"));
                    }
                }
            }
        }
    }
    eprintln!(
        "gatekeeper-library: {suites_passed}/{} suites, {cases_passed}/{cases_total} cases passed",
        results.len()
    );
    for (s, c, why) in KNOWN_FAILURES {
        eprintln!("known failure: {s} {c}: {why}");
    }
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        unexpected.join("\n")
    );
}

/// The bytecode VM (RVM, the default backend) on the same suites: every case
/// must give the same outcome as on the interpreter. Two cases used to differ:
/// the RVM compiler calls regorus' own `sprintf` rather than the engine's
/// extension (Go formatting), so templates calling a replaced builtin now stay
/// on the interpreter (see `stockade::rego::eval`).
#[test]
fn gatekeeper_library_suites_on_the_vm() {
    use stockade::rego::gator::verify_suite_file_with;
    use stockade::rego::Backend;
    let Some(dir) = common::shared("conformance/gatekeeper-library") else {
        return;
    };
    let mut paths = Vec::new();
    suites(&dir, &mut paths);
    let mut differ = Vec::new();
    let mut cases = 0;
    for p in &paths {
        let a = verify_suite_file_with(p, Backend::Interpreter).unwrap();
        let b = verify_suite_file_with(p, Backend::Vm).unwrap();
        assert_eq!(a.tests.len(), b.tests.len(), "{}", a.path);
        for (ta, tb) in a.tests.iter().zip(&b.tests) {
            assert_eq!(ta.cases.len(), tb.cases.len(), "{} {}", a.path, ta.name);
            for (ca, cb) in ta.cases.iter().zip(&tb.cases) {
                cases += 1;
                if ca.error != cb.error {
                    differ.push(format!(
                        "{} {}/{}: interpreter {:?}, vm {:?}",
                        a.path, ta.name, ca.name, ca.error, cb.error
                    ));
                }
            }
        }
    }
    eprintln!(
        "gatekeeper-library on both backends: {} of {cases} cases identical",
        cases - differ.len()
    );
    assert!(cases > 0);
    assert!(
        differ.is_empty(),
        "cases where the VM differs from the interpreter:\n{}",
        differ.join("\n")
    );
}
