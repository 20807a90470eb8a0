//! A small, deterministic mutation fuzzer over real inputs, run as an ordinary test.
//!
//! Seeds are the repository's fixtures and examples (plus a sample of the shared
//! corpora when they are present). Each is mutated with a fixed-seed PRNG:
//! truncations, characters replaced at character boundaries, inserted syntax that
//! parsers treat specially (`\`, `<<EOF`, `${`, quotes, brackets, `:`, `&`, `*`,
//! tabs, line ends, document markers, NUL, multi-byte characters), deleted,
//! duplicated and spliced ranges. Every mutant is scanned as a Dockerfile and as
//! Kubernetes YAML, and must:
//! - not panic;
//! - give findings and errors whose positions lie inside the text, on character
//!   boundaries, with line/column agreeing with the offsets, findings sorted;
//! - give the same report when scanned again.
//!
//! No extra dependency: the PRNG is xorshift64*, the mutations are ours. Set
//! `STOCKADE_FUZZ_ITERATIONS` to run longer locally (default 1000 mutants: a few
//! seconds in a debug build);
//! `STOCKADE_FUZZ_SEED` to replay another seed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use std::path::{Path, PathBuf};

use common::invariants::check_report;
use stockade::Kind;

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Text that parsers treat specially.
const TOKENS: &[&str] = &[
    "\\",
    "\\\n",
    "<<EOF",
    "<<-EOF\n",
    "\nEOF\n",
    "${",
    "}",
    "$",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "&",
    "&a ",
    "*",
    "*a",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "---\n",
    "...\n",
    "- ",
    "#",
    "# escape=`\n",
    "# syntax=x\n",
    "\0",
    "é",
    "€",
    "😀",
    "\u{feff}",
    "\u{85}",
    "<<",
    "%",
    "!",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "`",
    "=",
    "--from=",
    "FROM ",
    "RUN ",
    "ONBUILD ",
    "<<: *a\n",
    " ",
    ",",
    "0x",
    "1e400",
];

/// A character boundary of `s` at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn boundary(rng: &mut Rng, s: &str) -> usize {
    floor_boundary(s, rng.below(s.len() + 1))
}

fn range(rng: &mut Rng, s: &str, max: usize) -> (usize, usize) {
    let a = boundary(rng, s);
    let b = floor_boundary(s, a + rng.below(max + 1));
    (a, b.max(a))
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s = text.to_string();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        match rng.below(7) {
            0 => {
                let at = boundary(rng, &s);
                s.truncate(at);
            }
            1 | 2 => {
                let at = boundary(rng, &s);
                let token = *rng.pick(TOKENS);
                s.insert_str(at, token);
            }
            3 => {
                // Replace one character.
                let at = boundary(rng, &s);
                if let Some(c) = s[at..].chars().next() {
                    let with = *rng.pick(TOKENS);
                    s.replace_range(at..at + c.len_utf8(), with);
                }
            }
            4 => {
                let (a, b) = range(rng, &s, 64);
                s.replace_range(a..b, "");
            }
            5 => {
                // Duplicate a range in place (repeated lines, keys, instructions).
                let (a, b) = range(rng, &s, 200);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
            _ => {
                // Splice a range elsewhere.
                let (a, b) = range(rng, &s, 80);
                let piece = s[a..b].to_string();
                let at = boundary(rng, &s);
                s.insert_str(at, &piece);
            }
        }
    }
    s
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else if stockade::detect_kind(&path.to_string_lossy(), "\"apiVersion\" \"kind\"")
            .is_some()
        {
            out.push(path);
        }
    }
}

/// Seeds: (name, kind, text).
fn seeds() -> Vec<(String, Kind, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files_under(&root.join("tests/fixtures"), &mut paths);
    files_under(&root.join("../../testdata/examples"), &mut paths);
    for sub in ["corpora/dockerfiles", "corpora/kubernetes"] {
        if let Some(dir) = common::shared(sub) {
            let mut corpus = Vec::new();
            files_under(&dir, &mut corpus);
            // A fixed sample: every 25th file, small ones only (seconds, not minutes).
            paths.extend(
                corpus
                    .into_iter()
                    .step_by(25)
                    .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 16 * 1024)),
            );
        }
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let name = p.to_string_lossy().into_owned();
            let kind = stockade::detect_kind(&name, &text)?;
            Some((name, kind, text))
        })
        .collect()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_inputs_never_panic_and_give_consistent_reports() {
    let seeds = seeds();
    assert!(seeds.len() > 100, "fixtures not found: {}", seeds.len());
    let iterations = env_number("STOCKADE_FUZZ_ITERATIONS", 1000) as usize;
    let mut rng = Rng(env_number("STOCKADE_FUZZ_SEED", 0x5EED_CAFE_F00D_D00D).max(1));
    let mut scanned = 0usize;
    let mut with_errors = 0usize;
    for i in 0..iterations {
        let (name, kind, text) = rng.pick(&seeds);
        let mutant = mutate(&mut rng, text);
        // Mostly as its own kind; every fourth also as the other one.
        let mut kinds = vec![*kind];
        if i % 4 == 0 {
            kinds.push(match kind {
                Kind::Dockerfile => Kind::Kubernetes,
                Kind::Kubernetes => Kind::Dockerfile,
                other => *other,
            });
        }
        for k in kinds {
            let what = format!("iteration {i}, mutant of {name} as {k:?}: {mutant:?}");
            let report = stockade::scan(&mutant, Some("mutant"), Some(k));
            check_report(&mutant, &report, &what);
            let again = stockade::scan(&mutant, Some("mutant"), Some(k));
            assert_eq!(report, again, "{what}: a second scan differs");
            scanned += 1;
            with_errors += usize::from(!report.errors.is_empty());
        }
    }
    // The mutations reach the error paths, and not only them.
    assert!(
        with_errors > scanned / 10,
        "{with_errors} of {scanned} with errors"
    );
    assert!(
        with_errors < scanned,
        "{with_errors} of {scanned} with errors"
    );
}

#[test]
fn mutations_are_deterministic_and_keep_utf8() {
    let mut a = Rng(7);
    let mut b = Rng(7);
    let text = "FROM alpine\nRUN echo é€😀\n";
    for _ in 0..200 {
        let x = mutate(&mut a, text);
        let y = mutate(&mut b, text);
        assert_eq!(x, y);
    }
}

/// The policy packs' inputs: `(path, text)` of every file under `dir`.
fn policy_files(dir: &str) -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.to_string_lossy().into_owned(), text))
        })
        .collect()
}

/// Positions an error gives (when it has any) lie on characters of `text`.
fn check_error_positions(text: &str, errors: &[stockade::ScanError], what: &str) {
    let index = stockade::LineIndex::new(text);
    for e in errors {
        for p in [&e.start, &e.end].into_iter().flatten() {
            let offset = p.offset as usize;
            assert!(offset <= text.len(), "{what}: {e:?} past the end");
            assert!(
                text.is_char_boundary(offset),
                "{what}: {e:?} splits a character"
            );
            let expected = index.position(text, p.offset);
            assert_eq!(
                (p.line, p.column),
                (expected.line, expected.column),
                "{what}: {e:?}"
            );
        }
    }
}

/// The Gatekeeper/Rego and Kyverno packs: one policy file at a time is mutated
/// (templates, constraints, `.rego` modules, Kyverno policies), the policies are
/// read and every manifest of the fixtures (and the Dockerfile fixtures, for
/// conftest) is scanned with them, and so are mutants of those manifests with the
/// unmutated policies. Nothing panics; policy errors and reports are located on
/// characters. (`NetworkPolicy` fixtures are manifests: among the seeds above.)
#[test]
fn mutated_policies_never_panic_and_give_located_results() {
    let rego = policy_files("rego");
    let kyverno = policy_files("kyverno");
    assert!(rego.len() > 5 && kyverno.len() > 3, "fixtures not found");
    let mut targets: Vec<(String, Kind, String)> = rego
        .iter()
        .chain(&kyverno)
        .filter_map(|(p, t)| Some((p.clone(), stockade::detect_kind(p, t)?, t.clone())))
        .collect();
    targets.push((
        "Dockerfile".into(),
        Kind::Dockerfile,
        "FROM alpine\nRUN apk add curl\n".into(),
    ));
    let iterations = env_number("STOCKADE_FUZZ_ITERATIONS", 1000) as usize / 10;
    let mut rng = Rng(env_number("STOCKADE_FUZZ_SEED", 0x5EED_CAFE_F00D_D00D).max(1) ^ 0x9E37);
    for i in 0..iterations.max(20) {
        let rego_pack = i % 2 == 0;
        let files = if rego_pack { &rego } else { &kyverno };
        let which = rng.below(files.len());
        let mutate_policy = i % 3 != 2;
        let mut texts: Vec<(String, String)> = files.clone();
        if mutate_policy {
            let (_, t) = &mut texts[which];
            *t = mutate(&mut rng, t);
        }
        let what = format!(
            "iteration {i}: {:?}",
            if mutate_policy {
                &texts[which]
            } else {
                &texts[0]
            }
        );
        let mut engine = stockade::Engine::new(stockade::Config::default());
        if rego_pack {
            let policies = stockade::rego::Policies::from_texts(
                texts.iter().map(|(p, t)| (p.as_str(), t.as_str())),
            );
            for (p, t) in &texts {
                let errors: Vec<_> = policies
                    .errors()
                    .into_iter()
                    .filter(|e| &e.path == p)
                    .collect();
                check_error_positions(t, &errors, &what);
            }
            let inventory =
                stockade::rego::Inventory::from_texts(targets.iter().map(|(_, _, t)| t.as_str()));
            engine = engine.with_policies(&policies, inventory);
        } else {
            let (policies, errors) = stockade::kyverno::Policies::from_texts(
                texts.iter().map(|(p, t)| (p.as_str(), t.as_str())),
            );
            for e in &errors {
                let text = texts
                    .iter()
                    .find(|(p, _)| *p == e.path)
                    .map_or("", |(_, t)| t.as_str());
                let s = e.problem.span;
                assert!(
                    s.start <= s.end && s.end as usize <= text.len(),
                    "{what}: {e:?}"
                );
                assert!(
                    text.is_char_boundary(s.start as usize)
                        && text.is_char_boundary(s.end as usize),
                    "{what}: {e:?} splits a character"
                );
            }
            engine = engine.with_kyverno(policies);
        }
        let mut scanned: Vec<(stockade::Source, Kind)> = targets
            .iter()
            .map(|(p, k, t)| (stockade::Source::new(p.clone(), t.clone()), *k))
            .collect();
        if !mutate_policy {
            let (p, k, t) = rng.pick(&targets).clone();
            scanned = vec![(stockade::Source::new(p, mutate(&mut rng, &t)), k)];
        }
        let sources: Vec<stockade::Source> = scanned.iter().map(|(s, _)| s.clone()).collect();
        let engine = engine.for_scan(&sources, None);
        for (source, kind) in &scanned {
            let what = format!("{what} scanning {}: {:?}", source.path(), source.text());
            let report = engine.scan_source(source, Some(*kind));
            check_report(source.text(), &report, &what);
            assert_eq!(
                report,
                engine.scan_source(source, Some(*kind)),
                "{what}: a second scan differs"
            );
        }
    }
}
