//! Reading YAML: `parse_stream` (the fast reader for plain block YAML, handing
//! over to saphyr-parser at anything else) against `parse_stream_reference`
//! (saphyr-parser alone), on the shared Kubernetes corpus (418 files, 2.2 MB;
//! skipped without `../shared`) and on the CRDs of the chart in
//! `STOCKADE_CHARTS` (its `crds/` and its subcharts', as a scan reads them), one
//! stream per file.
//! Run with `cargo bench -p stockade-benches --bench yaml`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stockade::yaml::{parse_stream, parse_stream_reference, Limits, Stream};

/// A way of reading a YAML stream.
type Reader = fn(&str, &Limits) -> Stream;

/// The CRD texts Helm installs for the chart at `dir`: its `crds/` and every
/// subchart's, as the scan reads them (the chart model's `crd_files`).
fn chart_crds(dir: &Path) -> Vec<String> {
    let Ok(input) = stockade::helm::read_chart(dir, "") else {
        return Vec::new();
    };
    let Ok(chart) = stockade::helm::load_chart(input, "") else {
        return Vec::new();
    };
    chart
        .all_crd_files()
        .into_iter()
        .map(stockade_helm::ChartFile::text)
        .collect()
}

fn yaml(c: &mut Criterion) {
    let mut sets: Vec<(&str, Vec<String>)> = Vec::new();
    if let Some(dir) = stockade_benches::corpus("kubernetes") {
        let files = stockade_benches::read_dir(&dir);
        sets.push((
            "kubernetes corpus",
            files.into_iter().map(|(_, t)| t).collect(),
        ));
    } else {
        eprintln!("SKIPPED the Kubernetes corpus: ../shared/corpora not found");
    }
    if let Some(dir) = std::env::var_os("STOCKADE_CHARTS").map(PathBuf::from) {
        let texts = chart_crds(&dir);
        if !texts.is_empty() {
            sets.push(("chart CRDs", texts));
        }
    }
    let limits = Limits::default();
    for (name, texts) in &sets {
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("yaml {name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(20);
        let readers: [(&str, Reader); 2] = [
            ("parse_stream", parse_stream),
            ("saphyr alone", parse_stream_reference),
        ];
        for (reader, read) in readers {
            group.bench_function(reader, |b| {
                b.iter(|| {
                    texts
                        .iter()
                        .map(|t| read(t, &limits).documents.len())
                        .sum::<usize>()
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, yaml);
criterion_main!(benches);
