//! A Helm chart scanned end to end: rendered in memory, every manifest scanned,
//! and the finding on `privileged: true` (written by
//! `{{- toYaml .Values.securityContext | nindent 12 }}`) points at the line of
//! `values.yaml` that set it and at the template action that printed it — in
//! JSON, text and SARIF.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::Path;

use stockade::helm::{load_chart, ChartInput, HelmOptions};
use stockade::output::{self, RenderOptions, SourceIndex};
use stockade::{Config, Engine, OriginRole, Report};

const ROOT: &str = "charts/web";

fn chart_files() -> BTreeMap<String, Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/web");
    let mut out = BTreeMap::new();
    for sub in ["", "templates"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                let rel = p
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Only PSS001 (privileged), so the snapshots show one finding.
fn engine() -> Engine {
    let config = stockade::rules()
        .iter()
        .filter(|r| r.id != "PSS001")
        .fold(Config::default(), |c, r| c.with_rule_enabled(r.id, false));
    Engine::new(config)
}

fn scan(options: &HelmOptions) -> (Report, Vec<stockade::Source>) {
    let chart = load_chart(ChartInput::Files(chart_files()), ROOT).unwrap();
    let rendered = stockade::helm::chart_sources(&chart, options, ROOT);
    assert!(rendered.errors.is_empty(), "{:?}", rendered.errors);
    let mut report = engine().scan_chart(&chart, options, ROOT);
    report.version = "0.0.0-test".to_string();
    (report, rendered.sources)
}

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots/helm_origins", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

fn origins(report: &Report) -> Vec<(String, u32, OriginRole)> {
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PSS001")
        .unwrap_or_else(|| panic!("{}", report.to_json_pretty()));
    f.origins
        .iter()
        .map(|o| (o.path.clone(), o.start.line.get(), o.role))
        .collect()
}

#[test]
fn privileged_from_values_yaml_points_at_its_line() {
    let (report, _) = scan(&HelmOptions::default());
    assert_eq!(
        origins(&report),
        [
            ("charts/web/values.yaml".to_string(), 5, OriginRole::Value),
            (
                "charts/web/templates/deployment.yaml".to_string(),
                21,
                OriginRole::Template
            ),
        ]
    );
    let f = &report.findings[0];
    assert_eq!(f.path, "charts/web/templates/deployment.yaml (rendered)");
    snapshot!("json", report.to_json_pretty());
}

#[test]
fn text_and_sarif_show_both_origins() {
    let (report, sources) = scan(&HelmOptions::default());
    let index = SourceIndex::new(&sources);
    let text = output::render(
        &report,
        output::Format::Text,
        &index,
        RenderOptions::default(),
    );
    assert!(
        text.contains("rendered from value: charts/web/values.yaml:5"),
        "{text}"
    );
    assert!(text.contains("privileged: true"), "{text}");
    snapshot!("text", text);
    let log = output::sarif::to_value_with_rules(&report, &index, &[]);
    let results = &log["runs"][0]["results"];
    assert_eq!(
        results[0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "charts/web/values.yaml"
    );
    snapshot!("sarif", serde_json::to_string_pretty(results).unwrap());
}

#[test]
fn values_from_a_file_and_from_set_are_origins_too() {
    let mut options = HelmOptions::default();
    options.values_files.push(stockade::helm::ValuesFile {
        name: "prod.yaml".to_string(),
        text: "# production\nsecurityContext:\n  privileged: true\n".to_string(),
    });
    let (report, _) = scan(&options);
    assert_eq!(
        origins(&report)[0],
        ("prod.yaml".to_string(), 3, OriginRole::Value)
    );

    let mut options = HelmOptions::default();
    options
        .set
        .push("securityContext.privileged=true".to_string());
    let (report, _) = scan(&options);
    let f = report.findings.iter().find(|f| f.rule == "PSS001").unwrap();
    assert_eq!(f.origins[0].path, "--set");
    assert_eq!(f.origins[0].role, OriginRole::Value);

    let mut options = HelmOptions::default();
    options
        .set
        .push("securityContext.privileged=false".to_string());
    let (report, _) = scan(&options);
    assert!(
        report.findings.iter().all(|f| f.rule != "PSS001"),
        "{}",
        report.to_json_pretty()
    );
}

#[test]
fn a_failing_template_is_a_located_error_and_the_rest_is_scanned() {
    let mut files = chart_files();
    files.insert(
        "templates/secret.yaml".to_string(),
        b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  password: {{ required \"a password is required\" .Values.password }}\n".to_vec(),
    );
    let chart = load_chart(ChartInput::Files(files), ROOT).unwrap();
    let report = engine().scan_chart(&chart, &HelmOptions::default(), ROOT);
    assert_eq!(report.errors.len(), 1, "{}", report.to_json_pretty());
    let e = &report.errors[0];
    assert_eq!(e.path, "charts/web/templates/secret.yaml");
    assert_eq!(
        e.message,
        "execution error at (web/templates/secret.yaml:6:15): a password is required"
    );
    assert_eq!(e.start.unwrap().line.get(), 6);
    assert!(report.findings.iter().any(|f| f.rule == "PSS001"));
}

#[test]
fn a_report_in_one_file_shows_findings_at_their_origins_there() {
    let (report, _) = scan(&HelmOptions::default());
    let values = report.clone().in_file("charts/web/values.yaml");
    let f = values.findings.iter().find(|f| f.rule == "PSS001").unwrap();
    assert_eq!(
        (f.path.as_str(), f.start.line.get()),
        ("charts/web/values.yaml", 5)
    );
    assert!(f.fix.is_none());
    let template = report
        .clone()
        .in_file("charts/web/templates/deployment.yaml");
    let f = template
        .findings
        .iter()
        .find(|f| f.rule == "PSS001")
        .unwrap();
    assert_eq!(f.start.line.get(), 21);
    assert!(report.in_file("charts/web/Chart.yaml").findings.is_empty());
}
