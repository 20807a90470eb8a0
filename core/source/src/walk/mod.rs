//! Walking the folders and reading the files a caller names: the one place where
//! Stockade touches the file system, so that every input — scanned files,
//! `--policy`/`--rego`/`--inventory` folders, `gator verify` suites, `kyverno
//! test` folders, `NetworkPolicy` manifests — gets the same protections.
//!
//! [`Walker`] walks folders:
//! - in name order, so the result does not depend on the file system;
//! - without entering hidden folders (`.git`, `.github`) nor `target` and
//!   `node_modules` ([`Folders::Visible`]), or entering every folder but `.git`
//!   ([`Folders::AllButGit`], for Kyverno's `.kyverno-test` folders);
//! - following symbolic links, but entering a folder only once (by its canonical
//!   path), so link loops end, and returning a file reachable twice once;
//! - returning only regular files (a link is followed only when it resolves to
//!   one); a FIFO, socket or device is never opened: it is returned as
//!   [`Entry::Skipped`] with the reason, as is an entry whose metadata cannot be
//!   read (a dangling or looping link). The caller's filter on the file name
//!   chooses which files, and which skipped entries, it hears about.
//!
//! A caller may also pass over entries found by walking with a [`Prune`] hook
//! (the scan's `--exclude` globs and `.gitignore`/`.ignore`/`.stockadeignore`
//! files): the hook hears of every folder before it is listed and decides on
//! every entry below a named path; a path the caller named is never pruned.
//!
//! [`Reader`] reads one file within a size limit: it refuses what is not a
//! regular file before opening it, checks the length before reading, and reads
//! at most one byte past the limit (so a file that grows, or a `/proc` file that
//! says it is empty, is bounded too). Errors are typed ([`ReadError`]) and carry
//! the path.
//!
//! The rest of this crate does no I/O; these functions do only the I/O their
//! caller asks for. The WebAssembly build has no file system: there every call
//! returns an error.

mod read;

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use read::{ReadError, Reader};

/// Decides which entries found by walking are passed over, silently: exclusion
/// globs, ignore files. A path the caller named is never asked about.
pub trait Prune {
    /// The walk is about to list `dir` (a named folder or one found by walking
    /// and not pruned): the moment to read the ignore files it holds.
    fn enter(&mut self, dir: &Path) {
        let _ = dir;
    }
    /// Whether to pass over `path`, a folder (not entered) when `is_dir`.
    fn prune(&mut self, path: &Path, is_dir: bool) -> bool;
}

impl<P: Prune + ?Sized> Prune for &mut P {
    fn enter(&mut self, dir: &Path) {
        (**self).enter(dir);
    }
    fn prune(&mut self, path: &Path, is_dir: bool) -> bool {
        (**self).prune(path, is_dir)
    }
}

/// Folders a [`Folders::Visible`] walk never enters, besides hidden ones.
pub const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// Which folders a walk enters below the folder it was given (a folder named
/// by the caller is always walked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Folders {
    /// Neither hidden folders (`.git`, `.github`, …) nor [`SKIPPED_DIRS`]: the
    /// scan's walk, also used for policy folders and suites.
    #[default]
    Visible,
    /// Every folder but `.git`: the Kyverno CLI keeps tests in hidden
    /// `.kyverno-test` folders.
    AllButGit,
    /// Every folder but hidden ones (`.git`, `.github`, …): the scan's walk when
    /// the configuration replaces the default exclusions ([`SKIPPED_DIRS`] are
    /// then the caller's [`Prune`] to decide).
    NotHidden,
}

impl Folders {
    fn enters(self, name: &str) -> bool {
        match self {
            Folders::Visible => !name.starts_with('.') && !SKIPPED_DIRS.contains(&name),
            Folders::AllButGit => name != ".git",
            Folders::NotHidden => !name.starts_with('.'),
        }
    }
}

/// What a file that is neither a regular file nor a folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl Special {
    /// The kind of `meta`, or `None` for a regular file or a folder.
    pub fn of(meta: &fs::Metadata) -> Option<Self> {
        Self::of_type(meta.file_type())
    }

    /// The kind of a file of type `t` (not a link), or `None` for a regular
    /// file or a folder.
    pub fn of_type(t: fs::FileType) -> Option<Self> {
        if t.is_file() || t.is_dir() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return Some(Special::Fifo);
            }
            if t.is_char_device() {
                return Some(Special::CharDevice);
            }
            if t.is_block_device() {
                return Some(Special::BlockDevice);
            }
            if t.is_socket() {
                return Some(Special::Socket);
            }
        }
        Some(Special::Other)
    }

    /// For messages: `a named pipe (FIFO)`, `a character device`, …
    pub fn describe(self) -> &'static str {
        match self {
            Special::Fifo => "a named pipe (FIFO)",
            Special::CharDevice => "a character device",
            Special::BlockDevice => "a block device",
            Special::Socket => "a socket",
            Special::Other => "not a regular file",
        }
    }
}

/// Why an entry was not returned as a file.
#[derive(Debug)]
pub enum Skip {
    /// Its metadata cannot be read: a dangling or looping link, no permission.
    Unreadable(io::Error),
    /// A FIFO, socket or device: never opened.
    Special(Special),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Unreadable(e) => write!(f, "cannot be read: {e}"),
            Skip::Special(s) => {
                write!(f, "{}: not a regular file; it was not opened", s.describe())
            }
        }
    }
}

/// One result of a walk, in walk order.
#[derive(Debug)]
pub enum Entry {
    /// A regular file (possibly through links) whose name the filter kept, or a
    /// path the caller named that is a regular file (`named`, whatever its name).
    File {
        path: PathBuf,
        display: String,
        named: bool,
    },
    /// An entry the filter kept that is not returned as a file, or a named path
    /// that is neither a folder nor a file the walker returns.
    Skipped {
        path: PathBuf,
        display: String,
        named: bool,
        reason: Skip,
    },
    /// A named path whose metadata cannot be read, or a folder that cannot be listed.
    Error {
        path: PathBuf,
        display: String,
        error: io::Error,
    },
}

/// Which files of a walked folder the caller wants, by file name.
type Filter<'a> = Box<dyn Fn(&str) -> bool + 'a>;

/// Walks folders; remembers what it has seen across calls, so a folder or file
/// named twice (or reachable through a link) is returned once.
pub struct Walker<'a> {
    folders: Folders,
    keep: Filter<'a>,
    prune: Option<Box<dyn Prune + 'a>>,
    named_pipes: bool,
    seen_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl std::fmt::Debug for Walker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walker")
            .field("folders", &self.folders)
            .field("named_pipes", &self.named_pipes)
            .finish_non_exhaustive()
    }
}

impl<'a> Walker<'a> {
    /// A walker entering `folders` and keeping the files whose name satisfies `keep`.
    pub fn new(folders: Folders, keep: impl Fn(&str) -> bool + 'a) -> Self {
        Self {
            folders,
            keep: Box::new(keep),
            prune: None,
            named_pipes: false,
            seen_dirs: HashSet::new(),
            seen_files: HashSet::new(),
        }
    }

    /// Return a named path that is a pipe as a file (`<(cat file)`): reading it
    /// waits for its writer, as `cat` does. Pipes found by walking are never
    /// returned.
    #[must_use]
    pub fn named_pipes(mut self, yes: bool) -> Self {
        self.named_pipes = yes;
        self
    }

    /// Pass over the entries found by walking that `prune` rejects.
    #[must_use]
    pub fn prune(mut self, prune: impl Prune + 'a) -> Self {
        self.prune = Some(Box::new(prune));
        self
    }

    fn pruned(&mut self, path: &Path, is_dir: bool) -> bool {
        self.prune
            .as_mut()
            .is_some_and(|prune| prune.prune(path, is_dir))
    }

    /// The entries of a path the caller named, shown as `display` (its
    /// descendants as `display/name`): the path itself when it is a file, the
    /// files under it when it is a folder.
    pub fn walk(&mut self, root: &Path, display: &str) -> Vec<Entry> {
        let mut out = Vec::new();
        match fs::metadata(root) {
            Err(error) => out.push(Entry::Error {
                path: root.to_path_buf(),
                display: display.to_string(),
                error,
            }),
            Ok(meta) if meta.is_dir() => self.walk_dir(root, display, &mut out),
            Ok(meta) => match Special::of(&meta) {
                Some(Special::Fifo) if self.named_pipes => {
                    self.file(root, None, display.to_string(), true, &mut out);
                }
                Some(special) => out.push(Entry::Skipped {
                    path: root.to_path_buf(),
                    display: display.to_string(),
                    named: true,
                    reason: Skip::Special(special),
                }),
                None => self.file(root, None, display.to_string(), true, &mut out),
            },
        }
        out
    }

    /// A file to read, once whatever the paths it is reached by: `canonical`
    /// is its canonical path when the walk knows it already.
    fn file(
        &mut self,
        path: &Path,
        canonical: Option<PathBuf>,
        display: String,
        named: bool,
        out: &mut Vec<Entry>,
    ) {
        let key = canonical_of(path, canonical);
        if self.seen_files.insert(key) {
            out.push(Entry::File {
                path: path.to_path_buf(),
                display,
                named,
            });
        }
    }

    /// Depth first, in name order, with an explicit stack (a deep tree cannot
    /// exhaust the call stack).
    fn walk_dir(&mut self, root: &Path, display: &str, out: &mut Vec<Entry>) {
        let mut stack: Vec<std::vec::IntoIter<Child>> = Vec::new();
        if let Some(entries) = self.enter(root, None, display, out) {
            stack.push(entries);
        }
        while let Some(entries) = stack.last_mut() {
            let Some(Child {
                path,
                name,
                display: child,
                canonical,
                file_type,
            }) = entries.next()
            else {
                stack.pop();
                continue;
            };
            // A link is judged by what it points to (`fs::metadata` follows
            // it); anything else by the type its folder listed it with, with
            // no system call of its own.
            let listed = file_type.filter(|t| !t.is_symlink());
            let kind = match listed.map_or_else(|| fs::metadata(&path).map(|m| m.file_type()), Ok) {
                Ok(kind) => kind,
                Err(error) => {
                    if (self.keep)(&name) && !self.pruned(&path, false) {
                        out.push(Entry::Skipped {
                            path,
                            display: child,
                            named: false,
                            reason: Skip::Unreadable(error),
                        });
                    }
                    continue;
                }
            };
            if self.pruned(&path, kind.is_dir()) {
                continue;
            }
            if kind.is_dir() {
                if self.folders.enters(&name) {
                    if let Some(entries) = self.enter(&path, canonical, &child, out) {
                        stack.push(entries);
                    }
                }
            } else if !(self.keep)(&name) {
                // Not one of the caller's files.
            } else if let Some(special) = Special::of_type(kind) {
                out.push(Entry::Skipped {
                    path,
                    display: child,
                    named: false,
                    reason: Skip::Special(special),
                });
            } else {
                self.file(&path, canonical, child, false, out);
            }
        }
    }

    /// The sorted entries of a folder not seen before (`canonical`: its
    /// canonical path, when the walk knows it already).
    fn enter(
        &mut self,
        dir: &Path,
        canonical: Option<PathBuf>,
        display: &str,
        out: &mut Vec<Entry>,
    ) -> Option<std::vec::IntoIter<Child>> {
        let canonical = canonical_of(dir, canonical);
        if !self.seen_dirs.insert(canonical.clone()) {
            return None; // already walked: a link loop, or a folder named twice
        }
        if let Some(prune) = self.prune.as_mut() {
            prune.enter(dir);
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                out.push(Entry::Error {
                    path: dir.to_path_buf(),
                    display: display.to_string(),
                    error,
                });
                return None;
            }
        };
        let mut entries: Vec<fs::DirEntry> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(fs::DirEntry::file_name);
        let entries: Vec<Child> = entries
            .into_iter()
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let file_type = e.file_type().ok();
                // An entry that is not a link is where its canonical folder
                // says (no system call per file to resolve it again).
                let canonical = file_type
                    .is_some_and(|t| !t.is_symlink())
                    .then(|| canonical.join(e.file_name()));
                Child {
                    path: e.path(),
                    display: join_display(display, &name),
                    name,
                    canonical,
                    file_type,
                }
            })
            .collect();
        Some(entries.into_iter())
    }
}

/// An entry of a folder being walked.
struct Child {
    path: PathBuf,
    name: String,
    display: String,
    /// Its canonical path, when it is not a link (else resolved when needed).
    canonical: Option<PathBuf>,
    /// Its type as the folder listed it (a link's own type).
    file_type: Option<fs::FileType>,
}

/// A path as the user wrote it, with `/` separators.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `dir/name`, without a leading `./` for the current folder.
pub fn join_display(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// `.yaml`, `.yml` or `.json`, in any case: the names of policy, inventory and
/// suite files.
pub fn is_yaml_or_json(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|ext| {
            ["yaml", "yml", "json"]
                .iter()
                .any(|e| ext.eq_ignore_ascii_case(e))
        })
}

/// `known`, the canonical path of `path` when the walk has it already, else
/// resolved now (`path` itself when it cannot be: a dangling link).
fn canonical_of(path: &Path, known: Option<PathBuf>) -> PathBuf {
    known.unwrap_or_else(|| fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

#[cfg(test)]
mod tests;
