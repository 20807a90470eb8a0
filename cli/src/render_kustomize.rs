//! Kustomizations in the CLI: `stockade render DIR` prints what
//! `kubectl kustomize DIR` prints, and `stockade scan` builds the top-level
//! kustomizations it finds and scans their output.
//!
//! The build itself is the library's ([`stockade::kustomize`]); this module
//! only gives it the files, read through the bounded reader of
//! [`stockade::source::walk`]: paths are absolute (the root is `/`), shown
//! relative to the current folder, and a symbolic link whose target lies
//! outside the folder the user named is not followed (kustomize's default
//! load restriction).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stockade::kustomize::{self, Build, FileSource, KustomizeError, Options, Reorder};
use stockade::{ScanError, Source};

/// Files under `/`, read within `max` bytes each.
pub struct DiskFiles {
    max: usize,
    /// Canonical folders links may point into.
    roots: Vec<PathBuf>,
}

impl DiskFiles {
    pub fn new(max: usize, roots: &[PathBuf]) -> Self {
        Self {
            max,
            roots: roots.iter().filter_map(|r| r.canonicalize().ok()).collect(),
        }
    }

    fn path(p: &str) -> PathBuf {
        Path::new("/").join(p)
    }

    /// A link pointing outside every root is refused.
    fn allowed(&self, path: &Path) -> bool {
        let Ok(real) = path.canonicalize() else {
            return false;
        };
        real == path || self.roots.is_empty() || self.roots.iter().any(|r| real.starts_with(r))
    }
}

impl FileSource for DiskFiles {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let p = Self::path(path);
        if !self.allowed(&p) {
            return None;
        }
        stockade::source::walk::Reader::new(self.max).read(&p).ok()
    }
    fn is_file(&self, path: &str) -> bool {
        let p = Self::path(path);
        p.is_file() && self.allowed(&p)
    }
    fn is_dir(&self, path: &str) -> bool {
        Self::path(path).is_dir()
    }
    /// The files of a folder (a Helm chart of `helmCharts`), at most 10,000,
    /// links outside the roots left out.
    fn list(&self, dir: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_string()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(Self::path(&d)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = format!("{d}/{}", e.file_name().to_string_lossy());
                let p = Self::path(&name);
                if !self.allowed(&p) || out.len() >= 10_000 {
                    continue;
                }
                if p.is_dir() {
                    stack.push(name);
                } else if p.is_file() {
                    out.push(name);
                }
            }
        }
        out.sort();
        out
    }
}

/// `dir` as an absolute `/`-less path for the build, and the current folder's.
fn build_dir(dir: &Path) -> Option<String> {
    let abs = std::path::absolute(dir).ok()?;
    let s = abs.to_string_lossy().replace('\\', "/");
    kustomize::join_path("", &s)
}

fn cwd_prefix() -> String {
    std::env::current_dir()
        .ok()
        .and_then(|c| build_dir(&c))
        .map(|c| if c.is_empty() { c } else { format!("{c}/") })
        .unwrap_or_default()
}

/// Show build paths relative to the current folder when they are under it.
fn relativize(build: &mut Build, prefix: &str) {
    for (p, _) in &mut build.files {
        if let Some(rest) = p.strip_prefix(prefix) {
            *p = rest.to_string();
        } else {
            *p = format!("/{p}");
        }
    }
}

fn shown(path: &str, prefix: &str) -> String {
    path.strip_prefix(prefix)
        .map_or_else(|| format!("/{path}"), str::to_string)
}

/// `stockade render DIR` for a kustomization folder; `load_restrictor` and
/// `reorder` as kustomize's flags of those names.
pub fn run(dir: &Path, load_restrictor: &str, reorder: &str) -> ExitCode {
    let options = Options {
        reorder: if reorder == "none" {
            Reorder::None
        } else {
            Reorder::Legacy
        },
        root_only: load_restrictor != "LoadRestrictionsNone",
        ..Options::default()
    };
    let Some(dir) = build_dir(dir) else {
        eprintln!("stockade: error: cannot resolve {}", dir.display());
        return ExitCode::from(2);
    };
    let files = DiskFiles::new(stockade::Limits::default().file_bytes(), &[]);
    match kustomize::build(&files, &dir, &options) {
        Ok(b) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            if out.write_all(b.to_yaml().as_bytes()).is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let prefix = cwd_prefix();
            eprintln!("stockade: error: {}", e.to_string().replace(&prefix, ""));
            ExitCode::from(2)
        }
    }
}

/// What building a scan's kustomizations gives.
#[derive(Default)]
pub struct Built {
    /// One rendered source per top-level build.
    pub sources: Vec<Source>,
    /// Build errors of top-level kustomizations.
    pub errors: Vec<ScanError>,
    /// Every file a build read (absolute, lexical), not to be scanned alone.
    pub used: HashSet<PathBuf>,
}

/// Build every kustomization folder found by a scan; scan only the top-level
/// ones (those no other build read).
pub fn build_all(dirs: &[PathBuf], roots: &[PathBuf], max: usize) -> Built {
    let files = DiskFiles::new(max, roots);
    let prefix = cwd_prefix();
    let mut out = Built::default();
    for (dir, result) in build_top_level(dirs, &files) {
        let shown_dir = shown(&dir, &prefix);
        match result {
            Ok(mut b) => {
                out.used
                    .extend(b.files.iter().map(|(p, _)| PathBuf::from(format!("/{p}"))));
                relativize(&mut b, &prefix);
                out.sources.push(kustomize::to_source(&b, &shown_dir));
            }
            Err(e) => {
                let mut err = kustomize::to_scan_error(&e, &shown_dir);
                err.path = shown(&err.path, &prefix);
                err.message = err.message.replace(&prefix, "");
                out.errors.push(err);
            }
        }
    }
    out
}

/// Build every kustomization folder of `dirs` (`helmCharts` rendered with
/// Stockade's Helm renderer: kubectl needs `--enable-helm` and a helm binary)
/// and keep the top-level ones, those no other build read, each with its
/// folder as the builder names it (absolute, without the leading `/`). The
/// files of the builds kept are every file any build read.
pub fn build_top_level(
    dirs: &[PathBuf],
    files: &dyn FileSource,
) -> Vec<(String, Result<Build, KustomizeError>)> {
    let mut results = Vec::new();
    let mut used_kustomizations: HashSet<String> = HashSet::new();
    for d in dirs {
        let Some(dir) = build_dir(d) else { continue };
        let result = kustomize::build(files, &dir, &kustomize::with_helm(&Options::default()));
        if let Ok(b) = &result {
            for (i, (p, _)) in b.files.iter().enumerate() {
                let name = p.rsplit('/').next().unwrap_or("");
                if i > 0 && kustomize::is_kustomization_name(name) {
                    used_kustomizations
                        .insert(p.rsplit_once('/').map_or("", |(d, _)| d).to_string());
                }
            }
        }
        results.push((dir, result));
    }
    results.retain(|(dir, _)| !used_kustomizations.contains(dir));
    results
}

/// Whether a walked input is a file some build used (named files are kept).
pub fn is_used(input: &crate::inputs::Input, built: &Built) -> bool {
    match input {
        crate::inputs::Input::File {
            path, named: false, ..
        } => build_dir(path).is_some_and(|p| built.used.contains(&PathBuf::from(format!("/{p}")))),
        _ => false,
    }
}

/// Build the kustomizations a scan's walk found and take the files they used
/// out of its inputs.
pub fn build_for_scan(
    collected: &mut crate::inputs::Collected,
    roots: &[PathBuf],
    max: usize,
) -> Built {
    let built = build_all(&collected.kustomizations, roots, max);
    collected.inputs.retain(|i| !is_used(i, &built));
    built
}
