//! Pod Security Standards conformance: pod-security-admission's own fixtures
//! (`test/testdata`, read in place from `../shared/conformance/pod-security`).
//!
//! Layout: `{baseline,restricted}/v1.N/{pass,fail}/<checkid><n>.yaml`. A `pass`
//! file must raise no Pod Security finding at that level and version; a `fail`
//! file must be denied at that level and version by the check named in its file
//! name. PSA registers fixtures of baseline checks for the restricted level too; at
//! versions where a restricted check overrides that baseline check (e.g.
//! `restrictedVolumes` replaces `hostPathVolumes`), the overriding check is the one
//! that denies the pod, so it is the one expected (the registry says which).
//!
//! Everything goes through the public API: an `Engine` whose `Config` sets the level
//! and version.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use stockade::config::PssLevel;
use stockade::kubernetes::pss::{self, Level, Version};
use stockade::{Config, Engine, Kind};

/// Fixtures whose outcome differs from PSA's, with the reason. Empty: every
/// fixture agrees. (Never edit the data to make a case pass.)
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// The number of fixtures at upstream commit 8f84a87.
const EXPECTED_FILES: usize = 4537;

#[derive(Default, Clone, Copy)]
struct Tally {
    passed: usize,
    total: usize,
}

fn expected_rule(check_id: &str, level: Level, minor: u32) -> Option<&'static str> {
    let named = pss::check_by_id(check_id)?;
    let active = pss::checks_for(level, Version::v1(minor));
    if active.iter().any(|(c, _)| c.id == named.id) {
        return Some(named.meta.id);
    }
    active
        .iter()
        .find(|(_, v)| v.overrides.contains(&named.id))
        .map(|(c, _)| c.meta.id)
}

fn evaluate(path: &Path, level: Level, minor: u32, expect_pass: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut config = Config::default().with_pss_level(match level {
        Level::Baseline => PssLevel::Baseline,
        Level::Restricted => PssLevel::Restricted,
    });
    config.pss_version = Some(format!("v1.{minor}"));
    let report = Engine::new(config).scan(
        &text,
        Some(&path.display().to_string()),
        Some(Kind::Kubernetes),
    );
    if !report.errors.is_empty() {
        return Err(format!("errors: {:?}", report.errors));
    }
    let pss: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("PSS"))
        .collect();
    if expect_pass {
        if pss.is_empty() {
            return Ok(());
        }
        let found: Vec<String> = pss
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        return Err(format!("expected no finding, got {found:?}"));
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let check_id = stem.trim_end_matches(|c: char| c.is_ascii_digit());
    let Some(rule) = expected_rule(check_id, level, minor) else {
        return Err(format!(
            "no check `{check_id}` runs at {}/v1.{minor}",
            level.as_str()
        ));
    };
    if pss.iter().any(|f| f.rule == rule) {
        Ok(())
    } else {
        let found: Vec<String> = pss
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        Err(format!(
            "expected a {rule} ({check_id}) finding, got {found:?}"
        ))
    }
}

#[test]
#[allow(clippy::too_many_lines)]
fn pod_security_admission_fixtures() {
    let Some(root) = common::shared("conformance/pod-security") else {
        return;
    };
    let mut table: BTreeMap<(u32, Level), Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut known = Vec::new();
    let mut total = 0usize;
    for level in [Level::Baseline, Level::Restricted] {
        let level_dir = root.join(level.as_str());
        for version_entry in std::fs::read_dir(&level_dir).unwrap() {
            let version_dir = version_entry.unwrap().path();
            let name = version_dir
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            let minor: u32 = name.strip_prefix("v1.").unwrap().parse().unwrap();
            for outcome in ["pass", "fail"] {
                let dir = version_dir.join(outcome);
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
                files.sort();
                for file in files {
                    if file.extension().and_then(|e| e.to_str()) != Some("yaml") {
                        continue;
                    }
                    total += 1;
                    let rel = file.strip_prefix(&root).unwrap().display().to_string();
                    let tally = table.entry((minor, level)).or_default();
                    tally.total += 1;
                    match evaluate(&file, level, minor, outcome == "pass") {
                        Ok(()) => tally.passed += 1,
                        Err(why) => {
                            if let Some((_, reason)) =
                                KNOWN_DIFFERENCES.iter().find(|(p, _)| *p == rel)
                            {
                                known.push(format!("{rel}: {why} (known: {reason})"));
                            } else {
                                failures.push(format!("{rel}: {why}"));
                            }
                        }
                    }
                }
            }
        }
    }

    println!("Pod Security conformance (pod-security-admission test/testdata)");
    println!("{:<8} {:>16} {:>16}", "version", "baseline", "restricted");
    let minors: Vec<u32> = {
        let mut m: Vec<u32> = table.keys().map(|(m, _)| *m).collect();
        m.dedup();
        m
    };
    let mut sums = [Tally::default(), Tally::default()];
    for minor in &minors {
        let cell = |level: Level| {
            let t = table.get(&(*minor, level)).copied().unwrap_or_default();
            format!("{}/{}", t.passed, t.total)
        };
        println!(
            "v1.{:<6} {:>16} {:>16}",
            minor,
            cell(Level::Baseline),
            cell(Level::Restricted)
        );
        for (i, level) in [Level::Baseline, Level::Restricted].into_iter().enumerate() {
            let t = table.get(&(*minor, level)).copied().unwrap_or_default();
            sums[i].passed += t.passed;
            sums[i].total += t.total;
        }
    }
    let passed = sums[0].passed + sums[1].passed;
    #[allow(clippy::cast_precision_loss)]
    let rate = |t: Tally| 100.0 * t.passed as f64 / t.total.max(1) as f64;
    println!(
        "{:<8} {:>16} {:>16}",
        "all",
        format!(
            "{}/{} ({:.2}%)",
            sums[0].passed,
            sums[0].total,
            rate(sums[0])
        ),
        format!(
            "{}/{} ({:.2}%)",
            sums[1].passed,
            sums[1].total,
            rate(sums[1])
        )
    );
    println!(
        "overall: {passed}/{total} ({:.2}%)",
        rate(Tally { passed, total })
    );
    for k in &known {
        println!("known difference: {k}");
    }
    for f in failures.iter().take(50) {
        println!("FAIL {f}");
    }
    assert_eq!(
        total, EXPECTED_FILES,
        "fixture count changed: was the data set updated?"
    );
    assert!(
        failures.is_empty(),
        "{} fixtures disagree with pod-security-admission",
        failures.len()
    );
}

/// Render a report as stable text: one line per finding, suppressed finding and
/// error, then the summary.
fn render(report: &stockade::Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let pos = |p: &stockade::Position| format!("{}:{}", p.line.get(), p.column.get());
    for f in &report.findings {
        let _ = writeln!(
            out,
            "finding {} {}-{} doc{} {} {} | {}",
            f.rule,
            pos(&f.start),
            pos(&f.end),
            f.document,
            f.object.as_deref().unwrap_or("-"),
            f.pointer.as_deref().unwrap_or("-"),
            f.message
        );
    }
    for f in &report.suppressed {
        let s = f.suppression.as_ref().unwrap();
        let _ = writeln!(
            out,
            "suppressed {} {} doc{} {} by {} on line {}",
            f.rule,
            pos(&f.start),
            f.document,
            f.object.as_deref().unwrap_or("-"),
            s.kind,
            s.line
        );
    }
    for e in &report.errors {
        let _ = writeln!(
            out,
            "error {} {} doc{} | {}",
            e.kind.as_str(),
            e.start.as_ref().map_or_else(|| "-".to_string(), pos),
            e.document
                .map_or_else(|| "-".to_string(), |d| d.to_string()),
            e.message
        );
    }
    let _ = writeln!(out, "documents {}", report.summary.documents);
    for (kind, n) in &report.summary.kinds {
        let _ = writeln!(out, "kind {kind} {n}");
    }
    for s in &report.summary.skipped {
        let _ = writeln!(out, "skipped doc{} {} | {}", s.document, s.kind, s.reason);
    }
    out
}

/// Manifests in `tests/fixtures/kubernetes/*.yaml`, each with the expected report
/// in `<name>.expected` (restricted, latest). `STOCKADE_BLESS=1` rewrites the
/// expectations; review the diff before committing.
#[test]
fn manifest_fixtures_match_their_expected_reports() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes");
    let bless = std::env::var("STOCKADE_BLESS").is_ok_and(|v| v == "1");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let report = Engine::new(Config::default()).scan(&text, Some(&name), None);
        let actual = render(&report);
        let expected_path = path.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(
            actual,
            expected,
            "{name}: report differs from {}",
            expected_path.display()
        );
        checked += 1;
    }
    assert!(checked > 0, "no fixtures in {}", dir.display());
}

/// Real-world manifests (`../shared/corpora/kubernetes`): every file scans without
/// a panic, every error is located, and the decoder rejects nothing the API server
/// accepts (no `invalid …` errors on published manifests).
#[test]
fn kubernetes_corpus_scans_cleanly() {
    let Some(dir) = common::shared("corpora/kubernetes") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut documents, mut findings, mut rejected) = (0, 0, Vec::new());
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let report =
            Engine::new(Config::default()).scan(&text, Some(&name), Some(Kind::Kubernetes));
        documents += report.summary.documents;
        findings += report.findings.len();
        for f in &report.findings {
            *by_rule.entry(f.rule.clone()).or_default() += 1;
        }
        for e in &report.errors {
            assert!(e.start.is_some(), "{name}: unlocated error {e:?}");
            if e.message.starts_with("invalid ") {
                rejected.push(format!("{name}: {}", e.message));
            }
        }
    }
    println!(
        "{} files, {documents} documents, {findings} findings (restricted, latest)",
        files.len()
    );
    for (rule, n) in &by_rule {
        println!("  {rule}: {n}");
    }
    for r in &rejected {
        println!("rejected: {r}");
    }
    assert!(
        rejected.is_empty(),
        "{} objects rejected as undecodable",
        rejected.len()
    );
}

/// Every Pod Security rule has a fixture that fires and one that passes
/// (`tests/fixtures/kubernetes/rules/<ID>.{fail,pass}.yaml`), checked at the rule's
/// level and the latest version. A failing fixture's findings point at non-empty
/// spans; a passing fixture raises no Pod Security finding at all.
#[test]
fn every_pss_rule_has_a_firing_and_a_passing_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes/rules");
    let mut expected_files = std::collections::BTreeSet::new();
    for check in pss::CHECKS {
        let config = Config::default().with_pss_level(match check.level {
            Level::Baseline => PssLevel::Baseline,
            Level::Restricted => PssLevel::Restricted,
        });
        let engine = Engine::new(config);
        for outcome in ["fail", "pass"] {
            let name = format!("{}.{outcome}.yaml", check.meta.id);
            let text = std::fs::read_to_string(dir.join(&name))
                .unwrap_or_else(|e| panic!("{name}: {e} (every rule needs both fixtures)"));
            expected_files.insert(name.clone());
            let report = engine.scan(&text, Some(&name), None);
            assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
            let mine: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == check.meta.id)
                .collect();
            if outcome == "fail" {
                assert!(!mine.is_empty(), "{name}: no {} finding", check.meta.id);
                for f in mine {
                    assert!(f.end.offset > f.start.offset, "{name}: empty span");
                    assert!(f.pointer.is_some() && f.object.is_some(), "{name}: {f:?}");
                }
            } else {
                let pss: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|f| f.rule.starts_with("PSS"))
                    .collect();
                assert!(pss.is_empty(), "{name}: {pss:?}");
            }
        }
    }
    let actual: std::collections::BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        actual, expected_files,
        "fixtures without a rule, or rules without fixtures"
    );
}
