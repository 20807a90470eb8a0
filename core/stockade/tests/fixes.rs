//! Fixes, end to end through the engine:
//! - every fixture in `tests/fixtures/fixes/` (named after the rule it shows) is
//!   fixed to a fixed point (safe and unsafe fixes, never display-only ones) and
//!   the result is a snapshot, with the fixes the first scan proposed;
//! - applying the fixes of the fixed text changes nothing (idempotence);
//! - the rescan has no finding a fix resolved and no new one (no rule has more
//!   findings than before), and no more errors;
//! - the same properties over every file of `../shared/corpora/` (Dockerfiles
//!   and Kubernetes manifests), with the counts of fixable findings before and
//!   after printed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::doc_markdown
)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;

use stockade::fix::{apply, Applicability, Edit};
use stockade::{Engine, Report, Source};

/// The most rounds a fixture or corpus file may need.
const ROUNDS: usize = 10;

fn scan(engine: &Engine, path: &str, text: &str) -> Report {
    engine.scan_source(&Source::new(path, text), None)
}

/// The edits of every fix of `report` that `--unsafe-fixes` applies.
fn applicable(report: &Report) -> Vec<Vec<Edit>> {
    report
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|x| x.applies_at(Applicability::Unsafe))
        .map(|x| {
            x.edits
                .iter()
                .map(stockade::fix::LocatedEdit::to_edit)
                .collect()
        })
        .collect()
}

fn per_rule(report: &Report) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in &report.findings {
        *out.entry(f.rule.clone()).or_default() += 1;
    }
    out
}

/// Fix `text` until no fix applies; the fixed text, its report, and the rounds.
fn fix_loop(engine: &Engine, path: &str, text: &str) -> (String, Report, usize) {
    let mut text = text.to_string();
    let mut report = scan(engine, path, &text);
    for round in 0..ROUNDS {
        let fixes = applicable(&report);
        if fixes.is_empty() {
            return (text, report, round);
        }
        let out = apply(&text, &fixes);
        assert!(
            !out.applied.is_empty(),
            "{path}: no fix applied in round {round}"
        );
        text = out.text;
        report = scan(engine, path, &text);
    }
    (text, report, ROUNDS)
}

/// What must hold after fixing: nothing new, nothing fixable left, no new error.
fn check_rescan(path: &str, before: &Report, after: &Report, rounds: usize) -> Result<(), String> {
    if rounds >= ROUNDS {
        return Err(format!("{path}: no fixed point after {ROUNDS} rounds"));
    }
    let (b, a) = (per_rule(before), per_rule(after));
    for (rule, n) in &a {
        let was = b.get(rule).copied().unwrap_or(0);
        if *n > was {
            return Err(format!("{path}: {rule} went from {was} to {n} findings"));
        }
    }
    if after.errors.len() > before.errors.len() {
        return Err(format!("{path}: new errors {:?}", after.errors));
    }
    Ok(())
}

#[test]
fn fixtures_fix_to_their_snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fixes");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    let engine = Engine::default();
    for name in names {
        let text = fs::read_to_string(dir.join(&name)).unwrap();
        // The file name says which rule the fixture is about: its fix must be proposed.
        let rule = name.split('-').next().unwrap();
        let before = scan(&engine, &name, &text);
        assert!(
            before
                .findings
                .iter()
                .any(|f| f.rule == rule && f.fix.is_some()),
            "{name}: no fix for {rule}"
        );
        let mut shown = String::new();
        for f in before.findings.iter().filter(|f| f.fix.is_some()) {
            let fix = f.fix.as_ref().unwrap();
            let _ = writeln!(
                shown,
                "# {}:{} {} [{}] {}",
                f.start.line,
                f.start.column,
                f.rule,
                fix.applicability.as_str(),
                fix.message
            );
        }
        let (fixed, after, rounds) = fix_loop(&engine, &name, &text);
        check_rescan(&name, &before, &after, rounds).unwrap();
        // Idempotent: fixing the fixed text changes nothing.
        let (again, _, more) = fix_loop(&engine, &name, &fixed);
        assert_eq!((again.as_str(), more), (fixed.as_str(), 0), "{name}");
        // Every finding with a fix that applied is gone.
        for f in after.findings.iter().filter(|f| f.fix.is_some()) {
            assert_eq!(
                f.fix.as_ref().unwrap().applicability,
                Applicability::DisplayOnly,
                "{name}: {f:?} still there"
            );
        }
        let snapshot = format!("{shown}# --- fixed ---\n{}", fixed.replace('\r', "␍"));
        insta::assert_snapshot!(format!("fix__{name}"), snapshot);
    }
}

/// The fix loop over every file of a corpus folder: the properties above, and
/// counts of fixable findings before and after.
fn corpus(sub: &str) {
    let Some(dir) = common::shared(sub) else {
        return;
    };
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let engine = Engine::default();
    let (mut fixable_before, mut fixable_after, mut display_only) = (0, 0, 0);
    let (mut findings_before, mut findings_after, mut files_changed) = (0, 0, 0);
    let mut by_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &paths {
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let before = scan(&engine, &name, &text);
        let (fixed, after, rounds) = fix_loop(&engine, &name, &text);
        if let Err(e) = check_rescan(&name, &before, &after, rounds) {
            failures.push(e);
        }
        let count = |r: &Report, a: Applicability| {
            r.findings
                .iter()
                .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability >= a))
                .count()
        };
        for f in before.findings.iter().filter(|f| f.fix.is_some()) {
            by_rule.entry(f.rule.clone()).or_default().0 += 1;
        }
        for f in after.findings.iter().filter(|f| f.fix.is_some()) {
            by_rule.entry(f.rule.clone()).or_default().1 += 1;
        }
        fixable_before += count(&before, Applicability::Unsafe);
        fixable_after += count(&after, Applicability::Unsafe);
        display_only +=
            count(&after, Applicability::DisplayOnly) - count(&after, Applicability::Unsafe);
        findings_before += before.findings.len();
        findings_after += after.findings.len();
        files_changed += usize::from(fixed != text);
    }
    println!(
        "{sub}: {} files, {files_changed} changed; findings {findings_before} → {findings_after}; \
         fixable (safe+unsafe) {fixable_before} → {fixable_after}; display-only left {display_only}",
        paths.len()
    );
    for (rule, (b, a)) in &by_rule {
        println!("  {rule}: {b} with a fix before, {a} after");
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(fixable_after, 0, "{sub}: fixable findings remain");
}

#[test]
fn corpus_dockerfiles_fix_and_rescan_clean() {
    corpus("corpora/dockerfiles");
}

#[test]
fn corpus_kubernetes_fix_and_rescan_clean() {
    corpus("corpora/kubernetes");
}
