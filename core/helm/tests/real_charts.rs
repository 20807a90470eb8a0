//! Widely used public charts render with no error, with their default values
//! and with each `ci/*-values.yaml` (the chart-testing convention).
//!
//! The charts are read from `$STOCKADE_CHARTS` (a folder of chart folders,
//! e.g. extracted from the upstream repositories), else from
//! `testdata/charts/` at the repository root; without either the test says it
//! is skipped. Prints each chart's render time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::default_trait_access,
    clippy::cast_precision_loss
)]

use std::path::PathBuf;
use std::time::Instant;

use stockade_helm::values::ValuesFile;
use stockade_helm::{Chart, HelmOptions, RenderSettings};

#[path = "../../stockade/tests/common/shared.rs"]
mod shared_dir;
use shared_dir::read_tree;

/// Renders that fail, with why: `(chart, values, text the error contains, reason)`.
/// Helm fails the same way on both.
const KNOWN: &[(&str, &str, &str, &str)] = &[
    (
        "external-dns",
        "default",
        "missing property 'policy'",
        "Helm fails too: values.yaml leaves `policy:` null, Helm 4 drops nulls, the schema requires it (ci/ sets it)",
    ),
    (
        "opentelemetry-collector",
        "default",
        "'image.repository' must be set",
        "Helm fails too: the chart requires image.repository (ci/ sets it)",
    ),
];

fn known(chart: &str, label: &str, message: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|(c, l, m, _)| *c == chart && label.starts_with(l) && message.contains(m))
        .map(|k| k.3)
}

fn corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STOCKADE_CHARTS") {
        return Some(PathBuf::from(dir));
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/charts");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("SKIPPED: no chart corpus (set STOCKADE_CHARTS, or add testdata/charts)");
    None
}

#[test]
fn real_charts_render_with_default_and_ci_values() {
    let Some(root) = corpus() else { return };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut renders = 0;
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let chart = match Chart::from_dir_files(read_tree(&dir, |_| false), &Default::default()) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: load: {}", e.message));
                continue;
            }
        };
        let mut value_sets: Vec<(String, Option<ValuesFile>)> = vec![("default".to_string(), None)];
        if let Ok(ci) = std::fs::read_dir(dir.join("ci")) {
            let mut files: Vec<PathBuf> = ci
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect();
            files.sort();
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap();
                let label = f.file_name().unwrap().to_string_lossy().to_string();
                value_sets.push((
                    label.clone(),
                    Some(ValuesFile {
                        name: format!("ci/{label}"),
                        text,
                    }),
                ));
            }
        }
        for (label, values) in value_sets {
            let mut opts = HelmOptions::default();
            opts.values_files.extend(values);
            let start = Instant::now();
            let result = stockade_helm::render(&chart, &opts, &RenderSettings::default());
            let elapsed = start.elapsed();
            renders += 1;
            let outcome = result.map_err(|e| e.message).and_then(|r| {
                stockade_helm::output::template_output(&r, &opts)
                    .map(|text| (r.files.len(), text.len()))
                    .map_err(|(_, e)| e.message)
            });
            match outcome {
                Ok((templates, bytes)) => println!(
                    "{name} [{label}]: {templates} templates, {bytes} bytes, {:.1} ms",
                    elapsed.as_secs_f64() * 1000.0
                ),
                Err(message) => match known(&name, &label, &message) {
                    Some(reason) => println!("KNOWN {name} [{label}]: {reason}"),
                    None => failures.push(format!("{name} [{label}]: {message}")),
                },
            }
        }
    }
    println!(
        "real charts: {renders} renders, {} failures",
        failures.len()
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {renders} renders failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
