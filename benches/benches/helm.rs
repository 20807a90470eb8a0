//! Chart render + scan, phase by phase, on the chart at hand that renders the
//! most: among the charts in the folder named by `STOCKADE_CHARTS` (a corpus of
//! fetched charts) when set, else the bundled `testdata/charts`; or the one
//! chart `STOCKADE_CHARTS` names (e.g. kube-prometheus-stack).
//! Run with `cargo bench -p stockade-benches --bench helm`; the target
//! (whole-process render + scan) is in benches/README.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stockade::helm::{self, ChartInput, HelmOptions};
use stockade::{Engine, Kind, Limits};

/// The chart that renders the most bytes (`crds/` included) among the charts
/// in `STOCKADE_CHARTS` or the bundled ones, or the chart it names.
fn largest_chart() -> (PathBuf, BTreeMap<String, Vec<u8>>) {
    let root = std::env::var_os("STOCKADE_CHARTS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/charts"),
        PathBuf::from,
    );
    let dirs: Vec<PathBuf> = if root.join("Chart.yaml").is_file() {
        vec![root]
    } else {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("Chart.yaml").is_file())
            .collect();
        dirs.sort();
        dirs
    };
    dirs.into_iter()
        .map(|p| {
            let Ok(ChartInput::Files(files)) = helm::read_chart(&p, "") else {
                unreachable!("{} is a chart folder", p.display())
            };
            let rendered: usize =
                helm::load_chart(ChartInput::Files(files.clone()), "").map_or(0, |chart| {
                    helm::chart_sources(&chart, &HelmOptions::default(), "")
                        .sources
                        .iter()
                        .map(|s| s.text().len())
                        .sum()
                });
            (rendered, p, files)
        })
        .max_by_key(|(rendered, _, _)| *rendered)
        .map(|(_, p, files)| (p, files))
        .expect("a chart")
}

fn chart(c: &mut Criterion) {
    let (dir, files) = largest_chart();
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let bytes: usize = files.values().map(Vec::len).sum();
    let options = HelmOptions::default();
    let limits = Limits::default();
    let engine = Engine::default();
    let mut group = c.benchmark_group(format!("helm {name}"));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    // The template text of every chart in it (what Helm parses into one set).
    let templates: Vec<(&String, String)> = files
        .iter()
        .filter(|(name, _)| name.starts_with("templates/") || name.contains("/templates/"))
        .map(|(name, bytes)| (name, String::from_utf8_lossy(bytes).into_owned()))
        .collect();
    group.bench_function("parse templates", |b| {
        b.iter(|| {
            let mut set = stockade_gotemplate::Template::new("gotpl");
            set.funcs(stockade_helm::engine_funcs(
                stockade_helm::funcs::EngineMode::default(),
            ));
            for (name, text) in &templates {
                let _ = set.parse(name, text);
            }
            set
        });
    });
    group.bench_function("load", |b| {
        b.iter(|| helm::load_chart(ChartInput::Files(files.clone()), &name).unwrap());
    });
    let loaded = helm::load_chart(ChartInput::Files(files.clone()), &name).unwrap();
    group.bench_function("render to sources", |b| {
        b.iter(|| helm::chart_sources_within(&loaded, &options, &name, &limits));
    });
    let sources = helm::chart_sources_within(&loaded, &options, &name, &limits).sources;
    group.bench_function("scan rendered", |b| {
        b.iter(|| {
            engine
                .scan_sources(&sources, Some(Kind::Kubernetes))
                .findings
                .len()
        });
    });
    group.bench_function("load + render + scan", |b| {
        b.iter(|| {
            let chart = helm::load_chart(ChartInput::Files(files.clone()), &name).unwrap();
            let out = helm::chart_sources_within(&chart, &options, &name, &limits);
            engine
                .scan_sources(&out.sources, Some(Kind::Kubernetes))
                .findings
                .len()
        });
    });
    group.finish();
}

criterion_group!(benches, chart);
criterion_main!(benches);
