//! Every Dockerfile rule against its fixtures: `fixtures/dockerfile/<ID>/fail*.Dockerfile`
//! must raise the rule, `pass*.Dockerfile` must not. The positioned findings of each
//! fail fixture are snapshotted (`line:col-line:col RULE message`).
//!
//! A `config.json` next to the fixtures holds the rule's options (`{"options": {…}}`).
//! Opt-in rules are enabled for their fixtures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use stockade::config::RuleSetting;
use stockade::{Config, Engine, Kind, Report, RuleMeta};

fn fixtures_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile")
}

/// The configuration a rule's fixtures run with: the rule enabled, its options set.
fn config_for(meta: &RuleMeta, dir: &Path) -> Config {
    let mut setting = RuleSetting {
        enabled: Some(true),
        ..RuleSetting::default()
    };
    let cfg = dir.join("config.json");
    if cfg.exists() {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
        if let Some(opts) = json.get("options") {
            let spec = meta
                .options
                .expect("config.json options for a rule without options");
            let parsed = (spec.parse)(opts).unwrap_or_else(|e| panic!("{}: {e}", cfg.display()));
            setting.options = Some(Arc::new(parsed));
        }
    }
    let mut rules = HashMap::new();
    rules.insert(meta.id.to_string(), setting);
    let mut config = Config::default();
    config.rules = rules;
    config
}

fn scan(meta: &RuleMeta, dir: &Path, file: &Path) -> Report {
    let text = std::fs::read_to_string(file).unwrap();
    let engine = Engine::new(config_for(meta, dir));
    let name = file.file_name().unwrap().to_str().unwrap();
    engine.scan(&text, Some(name), Some(Kind::Dockerfile))
}

fn lines_of(report: &Report, id: &str) -> String {
    report
        .findings
        .iter()
        .filter(|f| f.rule == id)
        .map(|f| {
            format!(
                "{}:{}-{}:{} {} {}",
                f.start.line, f.start.column, f.end.line, f.end.column, f.rule, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_rule_fixture() {
    let mut failures = Vec::new();
    for meta in stockade::dockerfile::RULES {
        let dir = fixtures_root().join(meta.id);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            failures.push(format!(
                "{}: no fixture directory {}",
                meta.id,
                dir.display()
            ));
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
        entries.sort();
        let mut has_fail = false;
        let mut has_pass = false;
        for file in entries {
            let name = file.file_name().unwrap().to_str().unwrap().to_string();
            if !name.ends_with(".Dockerfile") {
                continue;
            }
            let report = scan(meta, &dir, &file);
            if !report.errors.is_empty() {
                failures.push(format!(
                    "{}/{name}: parse errors {:?}",
                    meta.id, report.errors
                ));
            }
            let hits = report.findings.iter().filter(|f| f.rule == meta.id).count();
            if name.starts_with("fail") {
                has_fail = true;
                if hits == 0 {
                    failures.push(format!("{}/{name}: expected {} to fire", meta.id, meta.id));
                }
                let stem = name.trim_end_matches(".Dockerfile");
                insta::with_settings!({
                    snapshot_path => "snapshots/dockerfile",
                    prepend_module_to_snapshot => false,
                    omit_expression => true,
                    description => format!("{}/{name}", meta.id),
                }, {
                    insta::assert_snapshot!(format!("{}__{stem}", meta.id), lines_of(&report, meta.id));
                });
            } else if name.starts_with("pass") {
                has_pass = true;
                if hits != 0 {
                    failures.push(format!(
                        "{}/{name}: expected no {} finding, got:\n{}",
                        meta.id,
                        meta.id,
                        lines_of(&report, meta.id)
                    ));
                }
            }
        }
        if !has_fail || !has_pass {
            failures.push(format!(
                "{}: needs fail.Dockerfile and pass.Dockerfile",
                meta.id
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every snapshot belongs to a fail fixture that still exists.
#[test]
fn no_orphan_snapshots() {
    let snaps = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/dockerfile");
    let mut orphans = Vec::new();
    for e in std::fs::read_dir(&snaps).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".snap") else {
            orphans.push(name);
            continue;
        };
        let Some((id, fixture)) = stem.split_once("__") else {
            orphans.push(name);
            continue;
        };
        let file = fixtures_root()
            .join(id)
            .join(format!("{fixture}.Dockerfile"));
        if !file.exists() {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a fixture: {orphans:?}"
    );
}

/// The remediation of a pin finding names the package it is about, not a generic one.
#[test]
fn pin_remediation_names_the_package() {
    let text =
        "FROM alpine:3.20\nRUN apk add --no-cache git\nFROM debian:12\nRUN apt-get install -y jq\n";
    let engine = Engine::new(Config::default());
    let report = engine.scan(text, Some("Dockerfile"), Some(Kind::Dockerfile));
    let remediation = |id: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == id)
            .map(|f| f.remediation.clone())
            .unwrap()
    };
    assert!(
        remediation("DF0028").contains("apk add git=<version>"),
        "{}",
        remediation("DF0028")
    );
    assert!(
        remediation("DF0023").contains("apt-get install jq=<version>"),
        "{}",
        remediation("DF0023")
    );
    assert!(!remediation("DF0028").contains("curl"));
}
