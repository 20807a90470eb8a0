//! `scan --fix`, `--unsafe-fixes` and `--diff`: apply the findings' fixes (see
//! `stockade::fix`), rescan, and repeat until no fix applies (at most
//! [`MAX_ROUNDS`] rounds), then report what remains.
//!
//! Fixed texts are kept in memory (an [`Overlay`] the rescans read instead of
//! the files) and written once at the end, or printed as a unified diff with
//! `--diff`. Edits are byte-span edits of the text as written; a fix whose edits
//! overlap another's waits for the next round, on the rescanned text. A fix in a
//! rendered document that applies at its origin (a values file, a base) edits
//! that file, once: the rescans render from the files on disk, so a second
//! round would apply it again.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use stockade::fix::{apply, Applicability, Edit};
use stockade::source::walk::Reader;
use stockade::Report;

/// Texts by reported path, read instead of the files.
pub type Overlay = BTreeMap<String, String>;

/// Rounds of fix-and-rescan before giving up on reaching a fixed point (a fix
/// that keeps proposing edits, or fixes that keep overlapping).
pub const MAX_ROUNDS: usize = 10;

/// What to apply and whether to write.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    wanted: Applicability,
    write: bool,
}

impl Mode {
    /// `None` when neither `--fix` nor `--diff` was given.
    pub fn of(fix: bool, unsafe_fixes: bool, diff: bool) -> Option<Mode> {
        (fix || diff).then_some(Mode {
            wanted: if unsafe_fixes {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            },
            write: !diff,
        })
    }
}

/// The outcome of the fix rounds.
pub struct Done {
    /// The report of the last scan: what remains.
    pub report: Report,
    pub sources: BTreeMap<String, String>,
}

/// Run the rounds; `scan` scans everything once, reading `overlay` first.
/// With `--diff` the diff goes to `print`; either way stderr says what was
/// fixed (`stockade: Fixed N findings (rule ×n, …); M remain`).
pub fn run(
    mode: Mode,
    mut scan: impl FnMut(&Overlay) -> (Report, BTreeMap<String, String>),
    print: fn(&str) -> Result<(), String>,
) -> Result<Done, String> {
    let mut overlay = Overlay::new();
    let mut originals: BTreeMap<String, String> = BTreeMap::new();
    let mut origin_files_done: BTreeSet<String> = BTreeSet::new();
    let mut fixed: BTreeMap<String, usize> = BTreeMap::new();
    let (mut report, mut sources) = scan(&overlay);
    let reader = Reader::new(64 << 20);
    let mut rounds = 0;
    while rounds < MAX_ROUNDS {
        rounds += 1;
        let per_file = fixes_by_file(&report, mode.wanted, &sources, &origin_files_done);
        if per_file.is_empty() {
            break;
        }
        let mut changed = false;
        for (path, fixes) in per_file {
            let current = match overlay.get(&path).or_else(|| sources.get(&path)) {
                Some(text) => text.clone(),
                None => reader
                    .read_to_string(std::path::Path::new(&path))
                    .map_err(|e| format!("cannot read {path} to fix it: {}", e.message()))?,
            };
            if !sources.contains_key(&path) {
                origin_files_done.insert(path.clone());
            }
            originals
                .entry(path.clone())
                .or_insert_with(|| current.clone());
            let edits: Vec<Vec<Edit>> = fixes.iter().map(|(_, e)| e.clone()).collect();
            let out = apply(&current, &edits);
            for i in &out.applied {
                if let Some((rule, _)) = fixes.get(*i) {
                    *fixed.entry(rule.clone()).or_default() += 1;
                }
            }
            if out.text != current {
                overlay.insert(path, out.text);
                changed = true;
            }
        }
        if !changed {
            break;
        }
        (report, sources) = scan(&overlay);
    }
    if mode.write {
        for (path, text) in &overlay {
            std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
        }
    } else {
        print(&unified_diff(&originals, &overlay))?;
    }
    eprintln!("{}", summary(&fixed, &report, mode, rounds));
    Ok(Done { report, sources })
}

/// The applicable fixes of `report` by the file they edit, each with its rule.
/// A fix whose edits span several files, or that edits standard input, or an
/// origin file already edited, is left for a person.
fn fixes_by_file(
    report: &Report,
    wanted: Applicability,
    sources: &BTreeMap<String, String>,
    origin_files_done: &BTreeSet<String>,
) -> BTreeMap<String, Vec<(String, Vec<Edit>)>> {
    let mut out: BTreeMap<String, Vec<(String, Vec<Edit>)>> = BTreeMap::new();
    for f in &report.findings {
        let Some(fix) = f.fix.as_ref().filter(|x| x.applies_at(wanted)) else {
            continue;
        };
        let paths: BTreeSet<&str> = fix
            .edits
            .iter()
            .map(|e| e.path.as_deref().unwrap_or(&f.path))
            .collect();
        let [path] = paths.into_iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        if path == "-" || (!sources.contains_key(path) && origin_files_done.contains(path)) {
            continue;
        }
        let edits = fix
            .edits
            .iter()
            .map(stockade::fix::LocatedEdit::to_edit)
            .collect();
        out.entry(path.to_string())
            .or_default()
            .push((f.rule.clone(), edits));
    }
    out
}

fn summary(fixed: &BTreeMap<String, usize>, report: &Report, mode: Mode, rounds: usize) -> String {
    let total: usize = fixed.values().sum();
    let verb = if mode.write { "Fixed" } else { "Would fix" };
    let rules = fixed
        .iter()
        .map(|(rule, n)| format!("{rule} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let remaining = report.findings.len();
    let fixable = report
        .findings
        .iter()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.applies_at(Applicability::Unsafe))
        })
        .count();
    let mut line = format!(
        "stockade: {verb} {total} finding{}{}; {remaining} remain{}",
        if total == 1 { "" } else { "s" },
        if rules.is_empty() {
            String::new()
        } else {
            format!(" ({rules})")
        },
        if remaining == 1 { "s" } else { "" },
    );
    if fixable > 0 && mode.wanted == Applicability::Safe {
        let _ = write!(line, " ({fixable} with an unsafe fix: --unsafe-fixes)");
    }
    if rounds >= MAX_ROUNDS {
        let _ = write!(line, " (stopped after {MAX_ROUNDS} rounds)");
    }
    line
}

/// `--- a/path` / `+++ b/path` hunks for every file that changed.
pub fn unified_diff(originals: &BTreeMap<String, String>, fixed: &Overlay) -> String {
    let mut out = String::new();
    for (path, after) in fixed {
        let before = originals.get(path).map_or("", String::as_str);
        if before == after {
            continue;
        }
        let diff = similar::TextDiff::from_lines(before, after);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    out
}
