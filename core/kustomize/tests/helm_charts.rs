//! `helmCharts` with a recording Helm renderer: what the build hands to
//! `helm template` (chart files, release, namespace, the values file it
//! writes, flags) and what it does with the output, as kustomize's
//! `HelmChartInflationGenerator` does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use stockade_kustomize::{
    build, FileMap, HelmChartRequest, HelmHook, HelmRenderer, KustomizeError, Options,
};

/// Records each request and prints one `ConfigMap` per request.
#[derive(Default)]
struct Recorder(Mutex<Vec<HelmChartRequest>>);

impl HelmRenderer for Recorder {
    fn template(&self, request: &HelmChartRequest) -> Result<String, String> {
        self.0.lock().unwrap().push(request.clone());
        if request.chart_files.contains_key("fail") {
            return Err("Error: template: boom".into());
        }
        let name = request.release_name.clone().unwrap_or_else(|| "gen".into());
        Ok(format!(
            "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-cm\ndata:\n  ns: {}\n",
            request.namespace.clone().unwrap_or_default()
        ))
    }
}

fn files(entries: &[(&str, &str)]) -> FileMap {
    entries
        .iter()
        .map(|(p, c)| ((*p).to_string(), c.as_bytes().to_vec()))
        .collect()
}

fn with(recorder: &Arc<Recorder>) -> Options {
    Options {
        helm: Some(HelmHook(recorder.clone())),
        ..Options::default()
    }
}

const CHART: &[(&str, &str)] = &[
    (
        "k/charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    ),
    (
        "k/charts/web/values.yaml",
        "replicas: 1\nimage:\n  tag: old\n  pull: Always\nlist: [a, b]\n",
    ),
    ("k/charts/web/templates/cm.yaml", "kind: ConfigMap\n"),
];

#[test]
fn a_local_chart_is_rendered_with_merged_inline_values_and_transformed() {
    let mut f = files(CHART);
    f.extend(files(&[(
        "k/kustomization.yaml",
        "namePrefix: p-\nhelmCharts:\n- name: web\n  releaseName: rel\n  namespace: apps\n  includeCRDs: true\n  skipTests: true\n  apiVersions: [x/v1]\n  kubeVersion: \"1.30\"\n  valuesInline:\n    image:\n      tag: new\n      pull: null\n    list: [c]\n",
    )]));
    let rec = Arc::new(Recorder::default());
    let b = build(&f, "k", &with(&rec)).unwrap();
    let out = b.to_yaml();
    assert!(out.contains("name: p-rel-cm"), "{out}");
    assert!(out.contains("ns: apps"), "{out}");
    let reqs = rec.0.lock().unwrap();
    let r = &reqs[0];
    assert_eq!(r.chart_dir, "k/charts/web");
    assert_eq!(
        r.chart_files.keys().collect::<Vec<_>>(),
        ["Chart.yaml", "templates/cm.yaml", "values.yaml"]
    );
    assert_eq!(r.release_name.as_deref(), Some("rel"));
    assert!(r.include_crds && r.skip_tests && !r.skip_hooks);
    assert_eq!(r.api_versions, ["x/v1"]);
    assert_eq!(r.kube_version.as_deref(), Some("1.30"));
    // override: the chart's values patched with the inline ones (a null
    // deletes, a list replaces)
    let values: serde_json::Value = serde_json::from_str(&r.values_files[0].1).unwrap();
    assert_eq!(
        values,
        serde_json::json!({"replicas": 1, "image": {"tag": "new"}, "list": ["c"]})
    );
}

#[test]
fn values_merge_modes_and_files() {
    let mut f = files(CHART);
    f.extend(files(&[
        (
            "k/kustomization.yaml",
            "helmGlobals:\n  chartHome: charts\nhelmCharts:\n- name: web\n  valuesMerge: merge\n  valuesInline: {replicas: 5, extra: 1}\n- name: web\n  releaseName: two\n  valuesMerge: replace\n  valuesInline: {only: 1}\n- name: web\n  releaseName: three\n  valuesFile: mine.yaml\n  additionalValuesFiles: [more.yaml]\n",
        ),
        ("k/mine.yaml", "mine: true\n"),
        ("k/more.yaml", "more: true\n"),
    ]));
    let rec = Arc::new(Recorder::default());
    build(&f, "k", &with(&rec)).unwrap();
    let reqs = rec.0.lock().unwrap();
    let v = |i: usize| -> serde_json::Value { serde_yaml_like(&reqs[i].values_files[0].1) };
    // merge: the inline values patched with the chart's
    assert_eq!(v(0)["replicas"], 1);
    assert_eq!(v(0)["extra"], 1);
    assert_eq!(v(1), serde_json::json!({"only": 1}));
    assert_eq!(reqs[2].values_files[0].1, "mine: true\n");
    assert_eq!(
        reqs[2].values_files[1],
        ("k/more.yaml".to_string(), "more: true\n".to_string())
    );
    assert_eq!(reqs[0].release_name, None);
}

/// The values texts are JSON (merged) or the file as written.
fn serde_yaml_like(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

#[test]
fn missing_charts_remote_charts_and_render_errors() {
    let rec = Arc::new(Recorder::default());
    let f = files(&[("k/kustomization.yaml", "helmCharts:\n- name: nothere\n")]);
    let e = build(&f, "k", &with(&rec)).unwrap_err();
    assert!(
        e.to_string()
            .contains("no chart found at 'k/charts/nothere'"),
        "{e}"
    );
    let f = files(&[(
        "k/kustomization.yaml",
        "helmCharts:\n- name: web\n  repo: https://charts.example\n  version: 1.2.3\n",
    )]);
    let e = build(&f, "k", &with(&rec)).unwrap_err();
    assert!(matches!(e, KustomizeError::Remote { .. }), "{e}");
    let f = files(&[
        ("k/kustomization.yaml", "helmCharts:\n- name: bad\n"),
        ("k/charts/bad/fail", ""),
        ("k/charts/bad/values.yaml", ""),
    ]);
    let e = build(&f, "k", &with(&rec)).unwrap_err();
    assert!(e.to_string().contains("boom"), "{e}");
    let f = files(&[("k/kustomization.yaml", "helmCharts:\n- releaseName: x\n")]);
    let e = build(&f, "k", &with(&rec)).unwrap_err();
    assert!(e.to_string().contains("chart name cannot be empty"), "{e}");
    let f = files(&[(
        "k/kustomization.yaml",
        "helmCharts:\n- name: web\n  valuesMerge: sideways\n",
    )]);
    let e = build(&f, "k", &with(&rec)).unwrap_err();
    assert!(e.to_string().contains("valuesMerge must be one of"), "{e}");
}

#[test]
fn a_helm_chart_inflation_generator_configuration_renders_too() {
    let mut f = files(CHART);
    f.extend(files(&[(
        "k/kustomization.yaml",
        "generators:\n- |-\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata: {name: h}\n  name: web\n  releaseName: gen\n  chartHome: charts\n",
    )]));
    let rec = Arc::new(Recorder::default());
    let out = build(&f, "k", &with(&rec)).unwrap().to_yaml();
    assert!(out.contains("name: gen-cm"), "{out}");
    // without a renderer: kubectl's --enable-helm error
    let e = build(&f, "k", &Options::default()).unwrap_err();
    assert!(e.to_string().contains("--enable-helm"), "{e}");
}
