//! The whole rule pack over the shared corpus of real Dockerfiles: no panics, and the
//! number of findings per rule printed (run with `--nocapture`) for review against
//! the peers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use stockade::{Config, Engine, Kind};

#[test]
fn rule_pack_over_corpus() {
    let Some(dir) = common::shared("corpora/dockerfiles") else {
        return;
    };
    // Every rule on, opt-in ones included.
    let mut config = Config::default();
    for r in stockade::dockerfile::RULES {
        config = config.with_rule_enabled(r.id, true);
    }
    let engine = Engine::new(config);
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut files = 0;
    let mut sample: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // `STOCKADE_CORPUS_DUMP=path`: every finding as `file line rule`, to compare with peers.
    let mut dump = String::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        files += 1;
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let report = engine.scan(&text, Some(&name), Some(Kind::Dockerfile));
        let mut seen = std::collections::HashSet::new();
        for f in &report.findings {
            let _ = writeln!(dump, "{name} {} {}", f.start.line, f.rule);
            let id = stockade::explain(&f.rule).unwrap().id;
            let e = counts.entry(id).or_default();
            e.0 += 1;
            if seen.insert(id) {
                e.1 += 1;
            }
            let s = sample.entry(f.rule.clone()).or_default();
            if s.len() < 3 {
                s.push(format!(
                    "{name}:{}:{} {}",
                    f.start.line, f.start.column, f.message
                ));
            }
        }
    }
    if let Ok(path) = std::env::var("STOCKADE_CORPUS_DUMP") {
        std::fs::write(path, dump).unwrap();
    }
    println!("{files} files");
    for r in stockade::dockerfile::RULES {
        let (n, nf) = counts.get(r.id).copied().unwrap_or_default();
        println!("{} {:<40} {n:>6} findings in {nf:>4} files", r.id, r.name);
    }
    if std::env::var("STOCKADE_CORPUS_SAMPLES").is_ok() {
        for (rule, s) in sample {
            for line in s {
                println!("  {rule} {line}");
            }
        }
    }
    assert!(files > 0);
}
