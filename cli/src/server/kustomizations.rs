//! Kustomizations in the language server, as `stockade scan` treats them: the
//! top-level kustomizations of the workspace (those no other one uses) are
//! built; a file one of them reads (the kustomization itself, a resource, a
//! patch, a generator's input) is scanned by building it again with the open
//! text in place of the file's, and shows each finding whose origin (the base
//! line, the patch line) lies in it. Such files are never scanned alone.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use stockade::kustomize::{self, FileSource, Options};
use stockade::{Engine, Kind, Report, ScanError, Source};

use crate::render_kustomize::{self, DiskFiles};

/// The workspace's top-level builds: folder (absolute, without the leading
/// `/`, as the builder names it), the files it read, and its rendered source.
#[derive(Default)]
pub struct Kustomizations {
    tops: Vec<(String, HashSet<PathBuf>, Source)>,
}

fn disk(roots: &[PathBuf]) -> DiskFiles {
    DiskFiles::new(stockade::Limits::default().file_bytes(), roots)
}

fn absolute(p: &str) -> String {
    format!("/{p}")
}

impl Kustomizations {
    /// Build every kustomization folder of `dirs`; keep the top-level ones
    /// that build (a broken one shows its error when one of its files is open).
    pub fn new(dirs: &[PathBuf], roots: &[PathBuf]) -> Self {
        let tops = render_kustomize::build_top_level(dirs, &disk(roots))
            .into_iter()
            .filter_map(|(dir, result)| {
                let mut b = result.ok()?;
                for (p, _) in &mut b.files {
                    *p = absolute(p);
                }
                let used = b.files.iter().map(|(p, _)| PathBuf::from(p)).collect();
                let source = kustomize::to_source(&b, &absolute(&dir));
                Some((dir, used, source))
            })
            .collect();
        Self { tops }
    }

    /// The top-level build that reads `file`, if any.
    pub fn build_of(&self, file: &Path) -> Option<&str> {
        self.tops
            .iter()
            .find(|(_, used, _)| used.contains(file))
            .map(|(dir, _, _)| dir.as_str())
    }

    /// Whether some build reads `file` (then it is not scanned alone).
    pub fn uses(&self, file: &Path) -> bool {
        self.build_of(file).is_some()
    }

    /// The built sources but `dir`'s, for the workspace's context.
    pub fn sources_except<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a Source> + 'a {
        self.tops
            .iter()
            .filter(move |(d, _, _)| d != dir)
            .map(|(_, _, s)| s)
    }
}

/// The disk, with one file's text replaced by the editor's.
struct Overlay<'a> {
    disk: DiskFiles,
    path: String,
    text: &'a str,
}

impl FileSource for Overlay<'_> {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        if path == self.path {
            return Some(self.text.as_bytes().to_vec());
        }
        self.disk.read(path)
    }
    fn is_file(&self, path: &str) -> bool {
        path == self.path || self.disk.is_file(path)
    }
    fn is_dir(&self, path: &str) -> bool {
        self.disk.is_dir(path)
    }
    fn list(&self, dir: &str) -> Vec<String> {
        self.disk.list(dir)
    }
}

/// Build the kustomization in `dir` with `text` as `file`'s content, scan it
/// with `engine` (prepared over `others`, the rest of the workspace), and keep
/// what lands in `file`.
pub fn scan<'s>(
    engine: &Engine,
    others: impl Iterator<Item = &'s Source>,
    roots: &[PathBuf],
    dir: &str,
    file: &Path,
    text: &str,
) -> Result<Report, Vec<ScanError>> {
    let shown = file.to_string_lossy().to_string();
    let overlay = Overlay {
        disk: disk(roots),
        path: shown.trim_start_matches('/').to_string(),
        text,
    };
    let mut b = kustomize::build(&overlay, dir, &kustomize::with_helm(&Options::default()))
        .map_err(|e| {
            let mut err = kustomize::to_scan_error(&e, &absolute(dir));
            if !err.path.starts_with('/') {
                err.path = absolute(&err.path);
            }
            vec![err]
        })?;
    for (p, _) in &mut b.files {
        *p = absolute(p);
    }
    let source = kustomize::to_source(&b, &absolute(dir));
    let mut all: Vec<&Source> = others.collect();
    all.push(&source);
    let prepared = engine.for_scan(all, Some(Kind::Kubernetes));
    let report = prepared.scan_source(&source, Some(Kind::Kubernetes));
    Ok(report.in_file(&shown))
}
