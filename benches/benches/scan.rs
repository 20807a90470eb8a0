//! Scan throughput: the Dockerfile corpus (1,096 real files) and single documents.
//! Run with `cargo bench -p stockade-benches`; targets are in benches/README.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stockade::{Engine, Kind, Source};
use stockade_benches::{corpus, examples, read_dir};

fn dockerfiles(c: &mut Criterion) {
    let dir = corpus("dockerfiles").unwrap_or_else(examples);
    let files: Vec<Source> = read_dir(&dir)
        .into_iter()
        .map(|(p, t)| Source::new(p, t))
        .collect();
    let bytes: usize = files.iter().map(|s| s.text().len()).sum();
    let engine = Engine::default();
    let mut group = c.benchmark_group("dockerfile");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function(format!("corpus ({} files)", files.len()), |b| {
        b.iter(|| {
            let mut n = 0;
            for s in &files {
                n += engine.scan_source(s, Some(Kind::Dockerfile)).findings.len();
            }
            n
        });
    });
    group.finish();
}

criterion_group!(benches, dockerfiles);
criterion_main!(benches);
