//! netpol-analyzer's connlist cases: every case's manifests give the same set of
//! connections as its expected output (compared as parsed sets, not bytes).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use stockade::netpol::{self, ConnList, ConnSet};
use stockade::Source;

fn read_case(dir: &Path) -> Vec<Source> {
    let mut files: Vec<_> = walk(dir);
    files.sort();
    files
        .into_iter()
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .map(|p| {
            Source::new(
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn as_map(rows: Vec<(String, String, ConnSet)>) -> BTreeMap<(String, String), ConnSet> {
    rows.into_iter().map(|(s, d, c)| ((s, d), c)).collect()
}

#[test]
fn netpol_analyzer_connlist_cases() {
    let Some(root) = common::shared("conformance/netpol-analyzer") else {
        return;
    };
    let mut cases: Vec<String> = std::fs::read_dir(root.join("tests"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    cases.sort();
    let mut passed = 0u32;
    let mut failures = Vec::new();
    for case in &cases {
        let expected_path = root
            .join("expected")
            .join(format!("{case}_connlist_output.txt"));
        let Ok(expected_text) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!("{case}: no expected output"));
            continue;
        };
        let expected = as_map(ConnList::parse_text(&expected_text).unwrap());
        let sources = read_case(&root.join("tests").join(case));
        let list = netpol::connlist(&sources);
        // Through the text format, as a user would read it.
        let got = as_map(ConnList::parse_text(&list.to_text()).unwrap());
        if got == expected {
            passed += 1;
            continue;
        }
        let mut diff = Vec::new();
        for (k, v) in &expected {
            match got.get(k) {
                None => diff.push(format!("  missing {} => {} : {v}", k.0, k.1)),
                Some(g) if g != v => {
                    diff.push(format!("  {} => {} : expected {v}, got {g}", k.0, k.1));
                }
                _ => {}
            }
        }
        for (k, v) in &got {
            if !expected.contains_key(k) {
                diff.push(format!("  extra {} => {} : {v}", k.0, k.1));
            }
        }
        let shown: Vec<String> = diff.iter().take(8).cloned().collect();
        failures.push(format!(
            "{case} ({} differences):\n{}",
            diff.len(),
            shown.join("\n")
        ));
    }
    println!(
        "netpol-analyzer connlist conformance: {passed}/{} cases pass ({:.1}%)",
        cases.len(),
        100.0 * f64::from(passed) / f64::from(u32::try_from(cases.len().max(1)).unwrap())
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} cases fail", failures.len());
}
