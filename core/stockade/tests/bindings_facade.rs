//! The facade functions the bindings call for charts and kustomizations given
//! as maps of file names to contents (`testdata/bindings/`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stockade::helm::{self, ChartInput};
use stockade::{Engine, OriginRole};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/bindings")
        .join(rel)
}

#[path = "common/shared.rs"]
mod shared;

/// Every file under `dir`, by path relative to it.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    shared::read_tree(dir, |_| false)
}

#[test]
fn chart_folder_and_archive_render_the_same() {
    let options = helm::HelmOptions::default();
    let folder =
        helm::render_chart_input(ChartInput::Files(read_tree(&testdata("chart"))), &options)
            .unwrap();
    let archive = helm::render_chart_input(
        ChartInput::Archive(std::fs::read(testdata("chart.tgz")).unwrap()),
        &options,
    )
    .unwrap();
    assert_eq!(folder, archive);
    assert!(
        folder.starts_with("---\n# Source: web/templates/service.yaml\n"),
        "{folder}"
    );
    assert!(
        folder.contains("            privileged: true\n"),
        "{folder}"
    );
}

#[test]
fn chart_finding_points_at_the_values_line() {
    let (report, sources) = Engine::default().scan_chart_input_keeping_sources(
        ChartInput::Files(read_tree(&testdata("chart"))),
        &helm::HelmOptions::default(),
        "",
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PSS001")
        .expect("PSS001");
    assert!(sources.iter().any(|s| s.path() == f.path), "{}", f.path);
    let value = f
        .origins
        .iter()
        .find(|o| o.role == OriginRole::Value)
        .expect("a values origin");
    assert_eq!(value.path, "web/values.yaml");
    assert_eq!(value.start.line.get(), 6);
}

#[test]
fn chart_template_error_is_helms_message_at_its_line() {
    let e = helm::render_chart_input(
        ChartInput::Files(read_tree(&testdata("chart-bad"))),
        &helm::HelmOptions::default(),
    )
    .unwrap_err();
    assert!(e.message.contains("image.tag is required"), "{e}");
    assert_eq!(e.path, "broken/templates/pod.yaml");
    assert_eq!(e.start.map(|p| p.line.get()), Some(8), "{e:?}");
}

#[test]
fn kustomization_builds_and_its_patch_is_the_origin() {
    let files = stockade::kustomize::file_map(read_tree(&testdata("kustomize")));
    let text = stockade::kustomize::build_text(&files, "overlay").unwrap();
    assert!(text.contains("name: prod-api\n"), "{text}");
    let (report, sources) =
        Engine::default().scan_kustomization_keeping_sources(&files, "./overlay/");
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].text(), text);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PSS001")
        .expect("PSS001");
    let patch = f
        .origins
        .iter()
        .find(|o| o.role == OriginRole::Patch)
        .expect("a patch origin");
    assert_eq!(patch.path, "overlay/privileged.yaml");
    assert_eq!(patch.start.line.get(), 11);
    let e = stockade::kustomize::build_text(&files, "missing").unwrap_err();
    assert!(e.message.contains("missing"), "{e}");
    let broken =
        stockade::kustomize::file_map([("kustomization.yaml".to_string(), "resources: [\n")]);
    let e = stockade::kustomize::build_text(&broken, ".").unwrap_err();
    assert_eq!(e.path, "kustomization.yaml");
    assert!(e.message.starts_with("kustomize build .: "), "{e}");
}

#[test]
fn chart_options_from_keywords_read_python_s_names() {
    use stockade::wire::ChartOptions;
    let o = ChartOptions::from_keywords(serde_json::json!({
        "values": [["prod.yaml", "replicaCount: 3\n"]],
        "set_string": ["a=1"],
        "release_name": "web",
        "include_crds": true,
        "kube_version": null,
    }))
    .unwrap()
    .helm_options();
    assert_eq!(o.values_files.len(), 1);
    assert_eq!(o.values_files[0].name, "prod.yaml");
    assert_eq!(o.set_string, ["a=1"]);
    assert_eq!(o.release_name, "web");
    assert!(o.include_crds);
    let typo = ChartOptions::from_keywords(serde_json::json!({"relase_name": "x"})).unwrap_err();
    assert!(
        typo.message
            .contains("unknown chart option \"relase_name\""),
        "{}",
        typo.message
    );
    let wrong = ChartOptions::from_keywords(serde_json::json!({"set": "a=1"})).unwrap_err();
    assert!(
        wrong.message.starts_with("chart options:"),
        "{}",
        wrong.message
    );
}
