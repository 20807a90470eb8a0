//! Which files a scan reads: named files, folders walked recursively, stdin.
//!
//! The walk and the reads are [`stockade::source::walk`]'s, shared with every
//! other command. A folder is walked in name order (so the output order does not depend on the
//! file system), skipping `.git`, `target`, `node_modules` and hidden folders.
//! Symbolic links are followed, but a folder is entered only once (by its
//! canonical path), so link loops end. A file reachable twice is scanned once.
//! Only regular files are read from a walk (never a FIFO or a device, which could
//! block). An entry a walk cannot read or does not read (a dangling or looping
//! symlink, a FIFO, a device, a socket) is listed in `summary.skipped` with the
//! reason when its name is of a kind Stockade scans, so it does not vanish; other
//! names are passed over like any file of unknown kind.
//!
//! A named path is read when it is a regular file or a pipe (`<(cat file)` and
//! named pipes work: reading one waits for its writer, as `cat` does); a named
//! device or socket is an `unsupported` error and is not opened. Every read is
//! bounded by the configured size limit (see `scan`).

use std::path::PathBuf;

use stockade::source::walk::{self, Entry, Folders, Skip, Special, Walker};
use stockade::Skipped;
use stockade::{detect_kind, ErrorKind, ScanError};

/// One thing to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, reported as `-`.
    Stdin,
    /// A file; `named` when the user named it (not found by walking a folder).
    File {
        path: PathBuf,
        display: String,
        named: bool,
    },
}

/// Everything the paths expand to, plus the errors met on the way (unreadable
/// folders, missing paths, named devices) and the entries a walk passed over.
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub errors: Vec<ScanError>,
    pub skipped: Vec<Skipped>,
}

/// Expand the command line's paths (`-` is stdin) with the shared walker
/// ([`stockade::source::walk`]): every file of a folder is returned (the scan
/// decides by kind after reading), named pipes are read.
pub fn collect(paths: &[PathBuf]) -> Collected {
    let mut walker = Walker::new(Folders::Visible, |_| true).named_pipes(true);
    let mut out = Collected::default();
    for path in paths {
        if path.as_os_str() == "-" {
            if !out.inputs.contains(&Input::Stdin) {
                out.inputs.push(Input::Stdin);
            }
            continue;
        }
        for entry in walker.walk(path, &walk::display_path(path)) {
            match entry {
                Entry::File {
                    path,
                    display,
                    named,
                } => out.inputs.push(Input::File {
                    path,
                    display,
                    named,
                }),
                Entry::Skipped {
                    display,
                    named: true,
                    reason,
                    ..
                } => out.errors.push(unsupported(display, &reason)),
                Entry::Skipped {
                    display, reason, ..
                } => {
                    // Listed when its name is of a kind Stockade reads.
                    if detect_kind(&display, "").is_some() {
                        out.skipped.push(skipped(display, &reason));
                    }
                }
                Entry::Error { display, error, .. } => {
                    out.errors
                        .push(ScanError::file(ErrorKind::Io, display, io_message(&error)));
                }
            }
        }
    }
    out
}

/// A named path that is neither a folder, a regular file nor a pipe.
fn unsupported(display: String, reason: &Skip) -> ScanError {
    let what = match reason {
        Skip::Special(s) => s.describe(),
        Skip::Unreadable(_) => Special::Other.describe(),
    };
    ScanError::file(
        ErrorKind::Unsupported,
        display,
        format!(
            "{what}: Stockade reads regular files, pipes and standard input; it was not opened"
        ),
    )
}

/// A walked entry that was not read, for `summary.skipped`.
pub fn skipped(display: String, reason: &Skip) -> Skipped {
    let (kind, reason) = match reason {
        Skip::Unreadable(e) => ("unreadable", format!("cannot be read: {}", io_message(e))),
        Skip::Special(s) => (
            "not a regular file",
            format!(
                "{}: a folder walk reads regular files only (name it to read a pipe)",
                s.describe()
            ),
        ),
    };
    Skipped::new(display, 0, kind.to_string(), reason)
}

/// An I/O error's message: the operating system's text, which users search for.
pub fn io_message(e: &std::io::Error) -> String {
    e.to_string()
}

/// The texts of the files under `paths` that a scan reads beside its inputs
/// (`--policy`, `--rego`, `--inventory`, `--kyverno`): named files whatever their
/// name (a named pipe too), files under named folders when `keep` accepts their
/// name. Each is read within `max` bytes. A file that cannot be read, is over the
/// limit, is not a regular file or is not UTF-8 is an error naming it: a policy
/// is never dropped silently.
pub fn read_texts(
    paths: &[PathBuf],
    keep: impl Fn(&str) -> bool,
    max: usize,
) -> (Vec<(String, String)>, Vec<ScanError>) {
    let mut walker = Walker::new(Folders::Visible, keep).named_pipes(true);
    let reader = walk::Reader::new(max);
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        for entry in walker.walk(root, &walk::display_path(root)) {
            match entry {
                Entry::File {
                    path,
                    display,
                    named,
                } => match reader.pipes(named).read_to_string(&path) {
                    Ok(text) => texts.push((display, text)),
                    Err(e) => errors.push(e.to_scan_error(display)),
                },
                Entry::Skipped {
                    display,
                    reason: Skip::Unreadable(e),
                    ..
                }
                | Entry::Error {
                    display, error: e, ..
                } => errors.push(ScanError::file(ErrorKind::Io, display, io_message(&e))),
                Entry::Skipped {
                    display,
                    reason: Skip::Special(what),
                    ..
                } => errors.push(ScanError::file(
                    ErrorKind::Unsupported,
                    display,
                    format!("{}: not a regular file; it was not opened", what.describe()),
                )),
            }
        }
    }
    (texts, errors)
}
