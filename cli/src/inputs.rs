//! Which files a scan reads: named files, folders walked recursively, stdin.
//!
//! A folder is walked in name order (so the output order does not depend on the
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

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use stockade::Skipped;
use stockade::{detect_kind, ErrorKind, ScanError};

/// Folders a walk never enters.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];

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

/// What a non-regular, non-folder file is, for messages.
fn special_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a regular file"
}

/// Whether a named path that is not a folder may be read: regular files and pipes.
fn readable_when_named(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if meta.file_type().is_fifo() {
            return true;
        }
    }
    meta.is_file()
}

/// Expand the command line's paths (`-` is stdin).
pub fn collect(paths: &[PathBuf]) -> Collected {
    let mut walker = Walker::default();
    for path in paths {
        if path.as_os_str() == "-" {
            if !walker.out.inputs.contains(&Input::Stdin) {
                walker.out.inputs.push(Input::Stdin);
            }
            continue;
        }
        let display = display_path(path);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walker.walk(path, &display),
            Ok(meta) if readable_when_named(&meta) => walker.add_file(path, display, true),
            Ok(meta) => walker.out.errors.push(ScanError::file(
                ErrorKind::Unsupported,
                display,
                format!(
                    "{}: Stockade reads regular files, pipes and standard input; it was not opened",
                    special_kind(&meta)
                ),
            )),
            Err(e) => {
                walker
                    .out
                    .errors
                    .push(ScanError::file(ErrorKind::Io, display, io_message(&e)));
            }
        }
    }
    walker.out
}

#[derive(Default)]
struct Walker {
    out: Collected,
    seen_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walker {
    fn add_file(&mut self, path: &Path, display: String, named: bool) {
        let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.seen_files.insert(key) {
            self.out.inputs.push(Input::File {
                path: path.to_path_buf(),
                display,
                named,
            });
        }
    }

    /// List a walked entry that was not read, when its name is of a known kind.
    fn skip(&mut self, display: String, kind: &str, reason: String) {
        if detect_kind(&display, "").is_some() {
            self.out
                .skipped
                .push(Skipped::new(display, 0, kind.to_string(), reason));
        }
    }

    fn walk(&mut self, dir: &Path, display: &str) {
        let canonical = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.seen_dirs.insert(canonical) {
            return; // already walked: a symlink loop or a folder named twice
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.out
                    .errors
                    .push(ScanError::file(ErrorKind::Io, display, io_message(&e)));
                return;
            }
        };
        let mut entries: Vec<fs::DirEntry> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name();
            let name_str = name.to_string_lossy();
            let path = entry.path();
            let child = join_display(display, &name_str);
            // Follow symlinks. An entry that cannot be followed (a dangling or
            // looping link) or is not a regular file is listed as skipped when its
            // name is of a kind Stockade reads.
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => {
                    self.skip(
                        child,
                        "unreadable",
                        format!("cannot be read: {}", io_message(&e)),
                    );
                    continue;
                }
            };
            if meta.is_dir() {
                if name_str.starts_with('.') || SKIPPED_DIRS.contains(&name_str.as_ref()) {
                    continue;
                }
                self.walk(&path, &child);
            } else if meta.is_file() {
                self.add_file(&path, child, false);
            } else {
                let what = special_kind(&meta);
                self.skip(
                    child,
                    "not a regular file",
                    format!(
                        "{what}: a folder walk reads regular files only (name it to read a pipe)"
                    ),
                );
            }
        }
    }
}

/// A path as the user wrote it, with `/` separators.
fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `dir/name`, without a leading `./` for the current folder.
fn join_display(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// An I/O error's message: the operating system's text, which users search for.
pub fn io_message(e: &std::io::Error) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn display_paths_join_without_dot_prefix() {
        assert_eq!(join_display(".", "Dockerfile"), "Dockerfile");
        assert_eq!(join_display("./", "Dockerfile"), "Dockerfile");
        assert_eq!(join_display("a/b/", "c"), "a/b/c");
        assert_eq!(join_display("/", "etc"), "etc");
    }
}
