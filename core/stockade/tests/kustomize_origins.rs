//! A kustomization built and scanned: a base Deployment and an overlay patch
//! that adds `privileged: true`. The finding is positioned in the built output
//! and its origins point at the patch line (and the base resource), in JSON,
//! text and SARIF.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use stockade::kustomize::FileMap;
use stockade::output::{self, RenderOptions};
use stockade::{Config, Engine, OriginRole, Report};

const BASE_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
";

const OVERLAY_PATCH: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        securityContext:
          privileged: true
";

fn files() -> FileMap {
    let mut files = FileMap::new();
    files.insert(
        "base/kustomization.yaml".into(),
        b"resources:\n- deployment.yaml\n".to_vec(),
    );
    files.insert(
        "base/deployment.yaml".into(),
        BASE_DEPLOYMENT.as_bytes().to_vec(),
    );
    files.insert(
        "overlay/kustomization.yaml".into(),
        b"resources:\n- ../base\nnamePrefix: prod-\npatches:\n- path: privileged.yaml\n".to_vec(),
    );
    files.insert(
        "overlay/privileged.yaml".into(),
        OVERLAY_PATCH.as_bytes().to_vec(),
    );
    files
}

fn engine() -> Engine {
    let config = stockade::rules()
        .iter()
        .filter(|r| r.id != "PSS001" && r.id != "ST0001")
        .fold(Config::default(), |c, r| c.with_rule_enabled(r.id, false));
    Engine::new(config)
}

fn scan() -> Report {
    let mut report = engine().scan_kustomization(&files(), "overlay");
    report.version = "0.0.0-test".to_string();
    report
}

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots/kustomize_origins", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[test]
fn the_built_output_is_what_kubectl_prints() {
    let source = stockade::kustomize::render(
        &files(),
        "overlay",
        &stockade::kustomize::Options::default(),
    )
    .unwrap();
    assert_eq!(source.path(), "overlay/kustomization.yaml#build");
    assert_eq!(
        source.text(),
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: prod-web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27
        name: web
        securityContext:
          privileged: true
"
    );
}

#[test]
fn privileged_finding_points_at_the_patch_line() {
    let report = scan();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PSS001")
        .unwrap_or_else(|| panic!("no PSS001 in {}", report.to_json_pretty()));
    assert_eq!(f.path, "overlay/kustomization.yaml#build");
    let patch = f
        .origins
        .iter()
        .find(|o| o.role == OriginRole::Patch)
        .unwrap_or_else(|| panic!("no patch origin: {:?}", f.origins));
    assert_eq!(patch.path, "overlay/privileged.yaml");
    assert_eq!(patch.start.line.get(), 11, "{:?}", f.origins);
    snapshot!("json", report.to_json_pretty());
}

#[test]
fn text_and_sarif_show_the_patch_origin() {
    let report = scan();
    let source = stockade::kustomize::render(
        &files(),
        "overlay",
        &stockade::kustomize::Options::default(),
    )
    .unwrap();
    let text = output::render(
        &report,
        output::Format::Text,
        &source,
        RenderOptions::default(),
    );
    assert!(text.contains("overlay/privileged.yaml:11"), "{text}");
    snapshot!("text", text);
    let sarif = output::render(
        &report,
        output::Format::Sarif,
        &source,
        RenderOptions {
            pretty: true,
            ..RenderOptions::default()
        },
    );
    assert!(sarif.contains("overlay/privileged.yaml"), "{sarif}");
    snapshot!("sarif", sarif);
}

#[test]
fn a_build_error_is_located_and_typed() {
    let mut files = files();
    files.insert(
        "overlay/kustomization.yaml".into(),
        b"resources:\n- ../base\n- github.com/org/repo//deploy?ref=v1\n".to_vec(),
    );
    let report = engine().scan_kustomization(&files, "overlay");
    assert_eq!(report.errors.len(), 1);
    let e = &report.errors[0];
    assert_eq!(e.kind, stockade::ErrorKind::Unsupported);
    assert_eq!(e.path, "overlay/kustomization.yaml");
    assert!(e.message.contains("needs the network"), "{}", e.message);
}

#[test]
fn bindings_scan_a_map_of_texts() {
    let texts: std::collections::BTreeMap<String, String> = files()
        .into_iter()
        .map(|(p, c)| (format!("./{p}"), String::from_utf8(c).unwrap()))
        .collect();
    let report = stockade::kustomize::scan_kustomization_texts(&engine(), &texts, "overlay/");
    let json = serde_json::to_value(&report).unwrap();
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PSS001")
        .unwrap();
    assert_eq!(f["path"], "overlay/kustomization.yaml#build");
    // Positioned in the built text (the wire shape has no origins yet).
    assert_eq!(f["start"]["line"], 18);
}

#[test]
fn an_inline_patch_is_traced_to_its_kustomization_line() {
    let mut files = files();
    files.insert(
        "overlay/kustomization.yaml".into(),
        b"resources:\n- ../base\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /spec/template/spec/hostNetwork\n      value: true\n".to_vec(),
    );
    let report = engine().scan_kustomization(&files, "overlay");
    let all: Vec<String> = report.findings.iter().map(|f| f.rule.clone()).collect();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // Only PSS001 is on in this engine: no finding, but the origin map of the
    // build names the kustomization line of the added value.
    assert!(all.is_empty(), "{all:?}");
    let source =
        stockade::kustomize::render(&files, "overlay", &stockade::kustomize::Options::default())
            .unwrap();
    let at = source.text().find("hostNetwork: true").unwrap() + "hostNetwork: ".len();
    let rendering = source.rendering().unwrap();
    let span = stockade::Span::from_range(at..at + 4);
    let (origin, file) = rendering.origins_of(span).next().unwrap();
    assert_eq!(file.path(), "overlay/kustomization.yaml");
    assert_eq!(origin.role, OriginRole::Patch);
    let line = file.line_index().line_of(origin.span.start) + 1;
    assert_eq!(line, 9, "the `value: true` line of the kustomization");
}
