//! kyverno/policies test cases (`kyverno-test.yaml`), run as `kyverno test` does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    clippy::too_many_lines
)]

mod common;

use stockade::kyverno::run_test_dir;

/// Mismatch classes, each with the tests it covers (paths under the suite).
///
/// Missing data: these tests read their resources from `../.chainsaw-test/`,
/// which the conformance snapshot does not include (only `.kyverno-test/` was
/// kept), so `kyverno test` itself would fail to load them. Not a Stockade
/// limitation; every entry of these tests counts as a mismatch in the overall
/// rate.
const MISSING_DATA: &[&str] = &[
    "argo/application-field-validation",
    "argo/application-prevent-default-project",
    "argo/applicationset-name-matches-project",
    "aws/require-encryption-aws-loadbalancers",
    "flux/verify-flux-sources",
    "flux/verify-git-repositories",
    "istio/enforce-sidecar-injection-namespace",
    "istio/enforce-tls-hosts-host-subnets",
    "istio/prevent-disabling-injection-pods",
    "linkerd/prevent-linkerd-pod-injection-override",
    "linkerd/prevent-linkerd-port-skipping",
    "other/metadata-match-regex",
    "other/require-annotations",
    "other/require-container-port-names",
    "other/restrict-binding-clusteradmin",
    "other/restrict-binding-system-groups",
    "other/restrict-clusterrole-nodesproxy",
    "other/restrict-secret-role-verbs",
    "psa/deny-privileged-profile",
    "tekton/require-tekton-bundle",
    "tekton/require-tekton-namespace-pipelinerun",
];

/// Unsupported features: rows whose rule needs something outside the offline
/// subset (cluster lookups, CEL, mutate/generate, image verification) are
/// classified from the rule response itself (`unsupported` set); none of the
/// runnable kyverno/policies tests needs one today.
///
/// Bugs: every other mismatch. There are none; the test fails if one appears.
const _CLASSES: () = ();

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
    let mut bug_rows = 0;
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
            let test_dir = rel
                .trim_start_matches('/')
                .trim_end_matches("/.kyverno-test/kyverno-test.yaml");
            assert!(
                MISSING_DATA.contains(&test_dir),
                "{rel} cannot run and is not a known missing-data case: {e}"
            );
            mismatches.push(format!(
                "[missing data] {rel}: {} entries: {e}",
                run.entries
            ));
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
                let class = if r.unsupported {
                    unsupported_rows += 1;
                    "unsupported feature"
                } else {
                    bug_rows += 1;
                    "bug"
                };
                mismatches.push(format!(
                    "[{class}] {rel}: {} / {} / {}: want {}, got {}: {}",
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
    assert_eq!(
        bug_rows, 0,
        "mismatches that are neither missing data nor unsupported features"
    );
    assert_eq!(
        entries_ok + missing_data_entries,
        entries,
        "every entry of a runnable test must match"
    );
}
