//! `helmCharts` rendered with Stockade's Helm renderer: for every chart of
//! Helm's own `helm template` cases (`../shared/conformance/helm/cases-v3`)
//! that needs only flags a kustomization can give (release name, name
//! template, namespace, `includeCRDs`, `skipTests`, `apiVersions`,
//! `kubeVersion`), building a kustomization with `helmCharts` over the chart
//! must equal building one over Helm's recorded output as a resource file:
//! `kubectl kustomize --enable-helm` reads `helm template`'s output exactly so.
//! (kubectl cannot be run on it here: it needs a `helm` binary, which these
//! machines do not have.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/shared.rs"]
mod shared_dir;

use std::fmt::Write as _;

use shared_dir::{read_tree, shared};
use stockade::kustomize::{build, with_helm, FileMap, Options};

#[test]
fn helm_charts_build_as_helm_template_output_does() {
    let Some(root) = shared("conformance/helm/cases-v3") else {
        return;
    };
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").exists())
        .collect();
    names.sort();
    let (mut total, mut same, mut diffs) = (0, 0, Vec::new());
    for dir in names {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let empty = |k: &str| case[k].as_array().is_none_or(Vec::is_empty);
        let eligible = case["command"] == "template"
            && case["expect_error"] == false
            && empty("values_files")
            && empty("set")
            && empty("show_only")
            && case["other_flags"]
                .as_object()
                .is_none_or(serde_json::Map::is_empty);
        let Some(chart) = case["chart"].as_str().filter(|_| eligible) else {
            continue;
        };
        total += 1;
        let mut k = format!("helmCharts:\n- name: {chart}\n");
        if let Some(r) = case["release"].as_str() {
            let _ = writeln!(k, "  releaseName: {r}");
        }
        if let Some(t) = case["name_template"].as_str() {
            let _ = writeln!(k, "  nameTemplate: {}", serde_json::to_string(t).unwrap());
        }
        if let Some(ns) = case["namespace"].as_str().filter(|n| *n != "default") {
            let _ = writeln!(k, "  namespace: {ns}");
        }
        if case["include_crds"] == true {
            k.push_str("  includeCRDs: true\n");
        }
        if case["skip_tests"] == true {
            k.push_str("  skipTests: true\n");
        }
        // the goldens assume Helm's test default, v1.20.0 (see the README)
        let v = case["kube_version"].as_str().unwrap_or("v1.20.0");
        let _ = writeln!(k, "  kubeVersion: \"{v}\"");
        if !empty("api_versions") {
            let _ = writeln!(k, "  apiVersions: {}", case["api_versions"]);
        }
        let mut files = FileMap::new();
        for (p, c) in read_tree(&dir.join(chart), |_| false) {
            files.insert(format!("h/charts/{chart}/{p}"), c);
        }
        files.insert("h/kustomization.yaml".into(), k.into_bytes());
        files.insert(
            "r/kustomization.yaml".into(),
            b"resources: [helm-output.yaml]\n".to_vec(),
        );
        files.insert(
            "r/helm-output.yaml".into(),
            std::fs::read(dir.join("expected.txt")).unwrap(),
        );
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let want = build(&files, "r", &Options::default()).map(|b| b.to_yaml());
        let got = build(&files, "h", &with_helm(&Options::default())).map(|b| b.to_yaml());
        match (got, want) {
            (Ok(g), Ok(w)) if g == w => same += 1,
            (Err(_), Err(_)) => same += 1,
            (g, w) => diffs.push(format!("{name}: ours {g:?}\n--- from helm's output {w:?}")),
        }
    }
    for d in &diffs {
        println!("DIFF {d}");
    }
    println!("helmCharts against helm template's output: {same}/{total}");
    assert!(total > 0);
    assert!(diffs.is_empty(), "{} of {total} differ", diffs.len());
}
