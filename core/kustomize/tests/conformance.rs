//! Builds every case of `../shared/conformance/kustomize` (kustomize's own krusty
//! tests and examples) and compares the output byte for byte with
//! `expected.yaml`; error cases must fail. Prints pass rates (overall and for
//! the cases kubectl reproduces) and each remaining difference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use stockade_kustomize::{build, Options, Reorder};

#[path = "../../stockade/tests/common/shared.rs"]
mod shared_dir;
use shared_dir::{read_tree, shared};

struct Outcome {
    name: String,
    verified: bool,
    pass: bool,
    reason: String,
}

fn run_case(dir: &Path) -> Outcome {
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let verified = case["verified"] == serde_json::Value::Bool(true);
    let files = read_tree(dir, |rel| rel == "case.json" || rel == "expected.yaml");
    let reorder = match case["reorder"].as_str() {
        Some("none") => Reorder::None,
        _ => Reorder::Legacy,
    };
    let opts = Options {
        reorder,
        root_only: case["options"]["LoadRestrictions"] != "LoadRestrictionsNone",
        ..Options::default()
    };
    let build_dir = case["build_dir"].as_str().unwrap_or(".");
    let result = build(&files, build_dir, &opts);
    let expect_error = case["expect_error"].as_bool().unwrap_or(false);
    let (pass, reason) = match (result, expect_error) {
        (Err(_), true) => (true, String::new()),
        (Ok(_), true) => (
            false,
            format!("built, but kustomize fails: {}", case["observed_error"]),
        ),
        (Err(e), false) => (false, format!("error: {e}")),
        (Ok(b), false) => {
            let expected = std::fs::read_to_string(dir.join("expected.yaml")).unwrap();
            let got = b.to_yaml();
            if got == expected {
                (true, String::new())
            } else {
                let first = got
                    .lines()
                    .zip(expected.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(got.lines().count().min(expected.lines().count()));
                (
                    false,
                    format!(
                        "differs at line {}: got {:?}, expected {:?}",
                        first + 1,
                        got.lines().nth(first).unwrap_or("<end>"),
                        expected.lines().nth(first).unwrap_or("<end>")
                    ),
                )
            }
        }
    };
    Outcome {
        name,
        verified,
        pass,
        reason,
    }
}

/// A floor, raised as the build improves: a regression fails the test.
const FLOOR: usize = 239;

#[test]
fn kustomize_conformance() {
    let Some(root) = shared("conformance/kustomize") else {
        return;
    };
    let mut outcomes = Vec::new();
    for sub in ["cases", "examples"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("case.json").exists())
            .collect();
        dirs.sort();
        for d in dirs {
            outcomes.push(run_case(&d));
        }
    }
    let total = outcomes.len();
    let passed = outcomes.iter().filter(|o| o.pass).count();
    let vt = outcomes.iter().filter(|o| o.verified).count();
    let vp = outcomes.iter().filter(|o| o.verified && o.pass).count();
    for o in outcomes.iter().filter(|o| !o.pass) {
        println!("DIFF {}: {}", o.name, o.reason);
    }
    println!("kustomize conformance: {passed}/{total} passed; kubectl-verified subset: {vp}/{vt}");
    let floor: usize = std::env::var("KUSTOMIZE_CONFORMANCE_FLOOR")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(FLOOR);
    assert!(passed >= floor, "{passed} < floor {floor}");
}
