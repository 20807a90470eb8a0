//! Position conversion: 10,000 findings' UTF-16 positions in a 6,400-line
//! multilingual file (the case the Node and WebAssembly bindings hit: every
//! finding's start and end converted once). Each conversion is O(log n) through
//! the line index; before it counted from the start of the text.
//! Run with `cargo bench -p stockade-benches --bench positions`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;

use criterion::{criterion_group, criterion_main, Criterion};
use stockade::Source;

fn positions(c: &mut Criterion) {
    let mut text = String::new();
    for i in 0..6_400 {
        let _ = writeln!(text, "  - name: contenedor-{i} # größe 日本 🐳");
    }
    let source = Source::new("big.yaml", text);
    let len = source.text().len() as u32;
    let offsets: Vec<u32> = (0..20_000u32)
        .map(|i| i.wrapping_mul(7_919) % len)
        .collect();
    c.bench_function("utf16 positions (20,000 offsets, 6,400 lines)", |b| {
        b.iter(|| {
            offsets
                .iter()
                .map(|&o| source.utf16_position(o).offset)
                .fold(0u32, u32::wrapping_add)
        });
    });
}

criterion_group!(benches, positions);
criterion_main!(benches);
