//! The layering of the workspace, checked from the crates' manifests: a crate
//! names only crates of the layers below it, and no pack names another pack.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// Each Stockade crate with the Stockade crates it may depend on.
const ALLOWED: &[(&str, &[&str])] = &[
    ("source", &[]),
    // Go's text/template: beside the layers, names no Stockade crate.
    ("gotemplate", &[]),
    ("yaml", &["stockade-source"]),
    ("pack", &["stockade-source", "stockade-yaml"]),
    (
        "dockerfile",
        &["stockade-source", "stockade-yaml", "stockade-pack"],
    ),
    (
        "kubernetes",
        &["stockade-source", "stockade-yaml", "stockade-pack"],
    ),
    (
        "netpol",
        &["stockade-source", "stockade-yaml", "stockade-pack"],
    ),
    (
        "rego",
        &["stockade-source", "stockade-yaml", "stockade-pack"],
    ),
    (
        "kyverno",
        &["stockade-source", "stockade-yaml", "stockade-pack"],
    ),
    // Kustomize builds: beside the packs, below the facade; not a pack.
    ("kustomize", &["stockade-source", "stockade-yaml"]),
    // Sprig's functions for the Go template engine, below the Helm layer.
    ("sprig", &["stockade-source", "stockade-gotemplate"]),
    // Helm charts: rendered with the template engine and Sprig, read with the
    // YAML layer; beside the packs (the facade scans what it renders).
    (
        "helm",
        &[
            "stockade-source",
            "stockade-yaml",
            "stockade-gotemplate",
            "stockade-sprig",
        ],
    ),
];

/// The `stockade*` crates named in a manifest's `[dependencies]` tables
/// (target-specific ones included, dev-dependencies excluded).
fn stockade_dependencies(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line.ends_with("dependencies]") && !line.contains("dev-dependencies");
            continue;
        }
        if !in_dependencies {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if name.starts_with("stockade") {
                out.push(name.to_string());
            }
        }
    }
    out
}

#[test]
fn every_crate_depends_only_on_lower_layers() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen = 0;
    for entry in std::fs::read_dir(&core).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if name == "stockade" {
            continue; // the facade may name every layer
        }
        let allowed = ALLOWED
            .iter()
            .find(|(crate_dir, _)| *crate_dir == name)
            .unwrap_or_else(|| panic!("core/{name} is not in the layer table of this test"))
            .1;
        for dependency in stockade_dependencies(&std::fs::read_to_string(&manifest).unwrap()) {
            assert!(
                allowed.contains(&dependency.as_str()),
                "core/{name} depends on {dependency}: a crate may only depend on the layers below it, and a pack never on another pack"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, ALLOWED.len(), "every crate under core/ was checked");
}

#[test]
fn the_manifest_reader_sees_dependencies() {
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nstockade-source = { workspace = true }\nserde = \"1\"\n\n[dev-dependencies]\nstockade-netpol = { workspace = true }\n";
    assert_eq!(stockade_dependencies(manifest), vec!["stockade-source"]);
}
