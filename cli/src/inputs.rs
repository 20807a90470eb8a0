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
//! What a scan's walk passes over, silently (never a path named on the command
//! line): hidden folders (`.git`, `.github`, …) always; the configuration's
//! `exclude` (by default `target/` and `node_modules/`) and `extend-exclude`
//! patterns, relative to the configuration file's folder; `--exclude` patterns,
//! relative to the current folder; and, unless `--no-ignore`, what the
//! `.gitignore`, `.ignore` and `.stockadeignore` files found in the walked
//! folders ignore (as ripgrep and ruff do; in one folder `.stockadeignore` wins
//! over `.ignore`, which wins over `.gitignore`; a deeper folder's file wins over
//! its parents'). Ignore files above the named folder, `.git/info/exclude` and
//! the global git excludes file are not read.
//!
//! What a walk passes over with a reason, in `summary.skipped`: template files
//! (`*.template`, `*.tpl`, `*.tmpl`, `*.gotmpl`, `*.j2`), and Helm chart
//! folders, once per folder, until Stockade renders them.
//!
//! Kustomization folders are walked and listed in `Collected::kustomizations`:
//! the scan builds them (`render_kustomize`) and takes the files a build used
//! out of the inputs (unless `--no-kustomize`).
//!
//! A named path is read when it is a regular file or a pipe (`<(cat file)` and
//! named pipes work: reading one waits for its writer, as `cat` does); a named
//! device or socket is an `unsupported` error and is not opened. Every read is
//! bounded by the configured size limit (see `scan`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use stockade::source::walk::{self, Entry, Folders, Prune, Skip, Special, Walker};
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
    /// A Helm chart: a folder with `Chart.yaml`, or a named `.tgz` (rendered,
    /// then its manifests scanned).
    Chart { path: PathBuf, display: String },
}

/// Everything the paths expand to, plus the errors met on the way (unreadable
/// folders, missing paths, named devices) and the entries a walk passed over.
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub errors: Vec<ScanError>,
    pub skipped: Vec<Skipped>,
    /// Kustomization folders found (built by `render_kustomize::build_all`).
    pub kustomizations: Vec<PathBuf>,
}

/// The ignore files read in each walked folder, lowest precedence first.
pub const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore", ".stockadeignore"];

/// Extensions of template files, skipped when found by walking.
pub const TEMPLATE_EXTENSIONS: &[&str] = &["template", "tpl", "tmpl", "gotmpl", "j2"];

/// Which walked files a scan passes over: exclusion patterns and ignore files.
/// The default passes over nothing but hidden folders, `target` and
/// `node_modules` (the walk of `netpol`).
#[derive(Debug, Default)]
pub struct Selection {
    /// Exclusion matchers, each rooted at its folder (the configuration's, the
    /// current folder for `--exclude`).
    excludes: Vec<Gitignore>,
    /// Read `.gitignore`, `.ignore` and `.stockadeignore` files.
    ignore_files: bool,
    /// The scan's selection: the exclusions replace the walker's built-in
    /// skipped folders, Helm chart folders are collected (rendered, not walked) and
    /// kustomization folders recorded (built; walked too).
    own_folders: bool,
    /// The ignore files of each walked folder, by absolute folder.
    loaded: HashMap<PathBuf, Option<Gitignore>>,
    /// Helm chart folders found by walking (rendered and scanned).
    charts: Vec<Input>,
    cwd: PathBuf,
    /// Build kustomizations (their folders are walked too; the files a build
    /// uses are taken out of the scan afterwards).
    kustomize: bool,
    kustomizations: Vec<PathBuf>,
}

impl Selection {
    /// The scan's selection: `config` patterns rooted at `config_dir`,
    /// `cli` patterns rooted at the current folder; ignore files when `ignore_files`.
    pub fn new(
        config_dir: &Path,
        config: &[String],
        cli: &[String],
        ignore_files: bool,
    ) -> Result<Self, String> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut excludes = Vec::new();
        for (root, patterns) in [(lexical(&cwd, config_dir), config), (cwd.clone(), cli)] {
            let mut builder = GitignoreBuilder::new(&root);
            for pattern in patterns {
                builder
                    .add_line(None, pattern)
                    .map_err(|e| format!("invalid exclusion pattern `{pattern}`: {e}"))?;
            }
            excludes.push(
                builder
                    .build()
                    .map_err(|e| format!("invalid exclusion patterns: {e}"))?,
            );
        }
        Ok(Self {
            excludes,
            ignore_files,
            own_folders: true,
            cwd,
            kustomize: true,
            ..Self::default()
        })
    }

    /// Build kustomizations (the default), or scan their files one by one
    /// (`--no-kustomize`).
    #[must_use]
    pub fn with_kustomize(mut self, on: bool) -> Self {
        self.kustomize = on;
        self
    }

    fn is_kustomization(dir: &Path) -> bool {
        stockade::kustomize::KUSTOMIZATION_NAMES
            .iter()
            .any(|name| dir.join(name).is_file())
    }

    fn folders(&self) -> Folders {
        if self.own_folders {
            Folders::NotHidden
        } else {
            Folders::Visible
        }
    }

    fn ignored_by_files(&mut self, abs: &Path, is_dir: bool) -> bool {
        for dir in abs.ancestors().skip(1) {
            if let Some(Some(gitignore)) = self.loaded.get(dir) {
                match gitignore.matched(abs, is_dir) {
                    Match::None => {}
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                }
            }
        }
        false
    }
}

impl Prune for Selection {
    fn enter(&mut self, dir: &Path) {
        if !self.ignore_files {
            return;
        }
        let abs = lexical(&self.cwd, dir);
        let mut builder = GitignoreBuilder::new(&abs);
        let mut any = false;
        for name in IGNORE_FILES {
            let file = abs.join(name);
            if file.is_file() {
                // A bad line is passed over, as git does.
                let _ = builder.add(&file);
                any = true;
            }
        }
        let gitignore = if any { builder.build().ok() } else { None };
        self.loaded.insert(abs, gitignore);
    }

    fn prune(&mut self, path: &Path, is_dir: bool) -> bool {
        let abs = lexical(&self.cwd, path);
        if self
            .excludes
            .iter()
            .any(|e| e.matched(&abs, is_dir).is_ignore())
        {
            return true;
        }
        if self.ignore_files && self.ignored_by_files(&abs, is_dir) {
            return true;
        }
        if is_dir && self.own_folders && Self::is_kustomization(path) {
            // Walked either way: files no build uses are scanned on their own.
            if self.kustomize {
                self.kustomizations.push(path.to_path_buf());
            }
            return false;
        }
        if is_dir && self.own_folders {
            // As the walker shows it: `./x` is `x`.
            let display = walk::display_path(path);
            let display = display.strip_prefix("./").unwrap_or(&display);
            if crate::render::is_chart(path) {
                self.charts.push(Input::Chart {
                    path: path.to_path_buf(),
                    display: display.to_string(),
                });
                return true;
            }
        }
        false
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved by name (not
/// through links, so a walked path stays under the folder it was found in).
fn lexical(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in cwd.join(path).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a file name is a template's (`Dockerfile.template`, `values.yaml.j2`).
pub fn is_template(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|ext| {
            TEMPLATE_EXTENSIONS
                .iter()
                .any(|t| ext.eq_ignore_ascii_case(t))
        })
}

/// Whether a template's name, or its name without the template extension, is
/// of a kind Stockade scans (`Dockerfile.template`, `deploy.yaml.j2`; not
/// `_helpers.tpl`, passed over like any file of unknown kind).
fn of_known_kind(name: &str) -> bool {
    let stem = Path::new(name).with_extension("");
    detect_kind(name, "").is_some() || detect_kind(&walk::display_path(&stem), "").is_some()
}

/// Expand the command line's paths (`-` is stdin) with the shared walker
/// ([`stockade::source::walk`]): every file of a folder is returned (the scan
/// decides by kind after reading), named pipes are read. `selection` passes
/// over excluded and ignored entries found by walking.
pub fn collect(paths: &[PathBuf], selection: &mut Selection) -> Collected {
    let walker_is_scan = selection.own_folders;
    let kustomize = selection.kustomize;
    let mut walker = Walker::new(selection.folders(), |_| true)
        .named_pipes(true)
        .prune(&mut *selection);
    let mut out = Collected::default();
    for path in paths {
        if path.as_os_str() == "-" {
            if !out.inputs.contains(&Input::Stdin) {
                out.inputs.push(Input::Stdin);
            }
            continue;
        }
        let display = walk::display_path(path);
        if walker_is_scan && kustomize && path.is_dir() && Selection::is_kustomization(path) {
            out.kustomizations.push(path.clone());
        }
        if walker_is_scan && crate::render::is_chart(path) {
            out.inputs.push(Input::Chart {
                path: path.clone(),
                display: display.trim_end_matches('/').to_string(),
            });
            continue;
        }
        for entry in walker.walk(path, &display) {
            match entry {
                Entry::File {
                    display,
                    named: false,
                    ..
                } if is_template(&display) && of_known_kind(&display) => {
                    out.skipped.push(Skipped::new(
                        display,
                        0,
                        "template",
                        "a template file: not scanned until rendered (name it to scan it as it is)",
                    ));
                }
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
    drop(walker);
    out.kustomizations.append(&mut selection.kustomizations);
    out.inputs.append(&mut selection.charts);
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
