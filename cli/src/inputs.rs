//! Which files a scan reads: named files, folders walked recursively, stdin.
//!
//! A folder is walked in name order (so the output order does not depend on the
//! file system), skipping `.git`, `target`, `node_modules` and hidden folders.
//! Symbolic links are followed, but a folder is entered only once (by its
//! canonical path), so link loops end. A file reachable twice is scanned once.
//! Only regular files are read from a walk (never a FIFO or a device, which could
//! block); a named path is read whatever it is (`<(cat file)` works).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use stockade::{ErrorKind, ScanError};

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
/// folders, missing paths).
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub errors: Vec<ScanError>,
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
            Ok(_) => walker.add_file(path, display, true),
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
            // Follow symlinks; a dangling link is skipped like any unreadable entry
            // a walk was not asked for.
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if name_str.starts_with('.') || SKIPPED_DIRS.contains(&name_str.as_ref()) {
                    continue;
                }
                self.walk(&path, &child);
            } else if meta.is_file() {
                self.add_file(&path, child, false);
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
