//! Small kustomizations written here (`tests/kubectl-cases/*.txt`: each a set
//! of files, `=== PATH` before each file's text; `=== BUILD` names the folder
//! to build, `.` by default), built with Stockade and with `kubectl kustomize`:
//! both fail, or both print the same bytes. They probe what the conformance
//! data covers little: built-in plugin configurations in `transformers`,
//! `generators` and `validators`, `replicas` that match nothing, random
//! overlays' corner cases. SKIPPED where `kubectl` is absent; without kubectl
//! the cases still build (or fail) without a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use std::path::PathBuf;
use std::process::Command;

use stockade_kustomize::{build, FileMap, Options};

/// The files of a case and the folder to build.
fn parse_case(text: &str) -> (FileMap, String) {
    let mut files = FileMap::new();
    let mut current: Option<String> = None;
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("=== ") {
            let name = name.trim().to_string();
            files.insert(name.clone(), Vec::new());
            current = Some(name);
        } else if let Some(name) = &current {
            files
                .get_mut(name)
                .unwrap()
                .extend_from_slice(line.as_bytes());
        }
    }
    let dir = files
        .remove("BUILD")
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| ".".into());
    (files, dir)
}

#[test]
fn written_cases_match_kubectl() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/kubectl-cases");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    let kubectl = common::kubectl_available();
    if !kubectl {
        eprintln!("SKIPPED (comparison): kubectl is not installed; the cases are only built");
    }
    let tmp = std::env::temp_dir().join(format!("stockade-kustomize-cases-{}", std::process::id()));
    let (mut same, mut diffs) = (0, Vec::new());
    for path in &names {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (files, dir) = parse_case(&std::fs::read_to_string(path).unwrap());
        let ours = build(&files, &dir, &Options::default());
        if !kubectl {
            continue;
        }
        let work = tmp.join(&name);
        for (p, c) in &files {
            let f = work.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, c).unwrap();
        }
        let out = Command::new("kubectl")
            .args(["kustomize", &dir])
            .current_dir(&work)
            .output()
            .unwrap();
        match (ours, out.status.success()) {
            (Ok(b), true) if b.to_yaml().as_bytes() == out.stdout.as_slice() => same += 1,
            (Err(_), false) => same += 1,
            (Ok(b), true) => diffs.push(format!(
                "{name}: output differs\n--- ours\n{}--- kubectl\n{}",
                b.to_yaml(),
                String::from_utf8_lossy(&out.stdout)
            )),
            (Ok(_), false) => diffs.push(format!(
                "{name}: we build, kubectl fails: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            (Err(e), true) => diffs.push(format!("{name}: we fail ({e}), kubectl builds")),
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    for d in &diffs {
        println!("DIFF {d}");
    }
    if kubectl {
        println!("written kustomize cases: {same}/{} as kubectl", names.len());
    }
    assert!(
        diffs.is_empty(),
        "{} cases differ from kubectl",
        diffs.len()
    );
}
