//! Reading YAML: `parse_stream` (the fast reader for plain block YAML, handing
//! over to saphyr-parser at anything else) against `parse_stream_reference`
//! (saphyr-parser alone), on the shared Kubernetes corpus (418 files, 2.2 MB;
//! skipped without `../shared`) and on the CRDs of the chart in
//! `STOCKADE_CHARTS` (every `crds/` file under it), one stream per file.
//! Run with `cargo bench -p stockade-benches --bench yaml`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stockade::yaml::{parse_stream, parse_stream_reference, Limits};

fn crd_files(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            crd_files(&p, out);
        } else if p.components().any(|c| c.as_os_str() == "crds")
            && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
        {
            out.extend(std::fs::read_to_string(&p).ok());
        }
    }
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
        let mut texts = Vec::new();
        crd_files(&dir, &mut texts);
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
        group.bench_function("parse_stream", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| parse_stream(t, &limits).documents.len())
                    .sum::<usize>()
            });
        });
        group.bench_function("saphyr alone", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| parse_stream_reference(t, &limits).documents.len())
                    .sum::<usize>()
            });
        });
        group.finish();
    }
}

criterion_group!(benches, yaml);
criterion_main!(benches);
