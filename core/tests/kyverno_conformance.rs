//! kyverno/policies test cases (`kyverno-test.yaml`), run as `kyverno test` does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use stockade::kyverno::run_test_dir;

#[test]
fn kyverno_policies_conformance() {
    let Some(dir) = common::shared("conformance/kyverno-policies") else {
        return;
    };
    let runs = run_test_dir(&dir);
    assert!(
        runs.len() > 100,
        "expected the kyverno/policies tests, found {}",
        runs.len()
    );
    let mut rows = 0;
    let mut rows_ok = 0;
    let mut entries = 0;
    let mut entries_ok = 0;
    let mut tests_ok = 0;
    let mut unsupported_rows = 0;
    // Rows Kyverno counts as passed only because the rule did not apply.
    let mut excluded_rows = Vec::new();
    let mut missing_data_entries = 0;
    let mut mismatches = Vec::new();
    for run in &runs {
        let rel = run
            .path
            .strip_prefix(dir.to_str().unwrap())
            .unwrap_or(&run.path)
            .to_string();
        entries += run.entries;
        entries_ok += run.entries_passed();
        if run.passed() {
            tests_ok += 1;
        }
        if let Some(e) = &run.error {
            missing_data_entries += run.entries;
            mismatches.push(format!("{rel}: cannot run: {e}"));
        }
        for r in &run.rows {
            rows += 1;
            if r.ok {
                rows_ok += 1;
                if r.actual == "excluded" {
                    excluded_rows.push(format!(
                        "{rel}: {} / {} / {} (want {})",
                        r.policy, r.rule, r.resource, r.expected
                    ));
                }
            } else if run.error.is_none() {
                if r.unsupported {
                    unsupported_rows += 1;
                }
                mismatches.push(format!(
                    "{rel}: {} / {} / {}: want {}, got {}: {}",
                    r.policy, r.rule, r.resource, r.expected, r.actual, r.message
                ));
            }
        }
    }
    for m in &mismatches {
        println!("MISMATCH {m}");
    }
    for e in &excluded_rows {
        println!("EXCLUDED (rule did not apply; kyverno test counts it as passed) {e}");
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "kyverno conformance: rows {rows_ok}/{rows} ({:.1}%), entries {entries_ok}/{entries} ({:.1}%), tests {tests_ok}/{} ({:.1}%); \
         {missing_data_entries} entries in tests whose resources are missing from the data set; {unsupported_rows} rows unsupported; {} passed rows only because the rule did not apply",
        pct(rows_ok, rows),
        pct(entries_ok, entries),
        runs.len(),
        pct(tests_ok, runs.len()),
        excluded_rows.len(),
    );
    let runnable = entries - missing_data_entries;
    println!(
        "entries of runnable tests: {entries_ok}/{runnable} ({:.1}%)",
        pct(entries_ok, runnable)
    );
}
