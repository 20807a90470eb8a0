//! What the language server knows of the workspace: its folders, the
//! configuration nearest to each file (read as `stockade scan` reads it), and
//! an index of every Kubernetes file on disk, so that an open file is scanned
//! as one source of the whole workspace's scan (Namespace labels deciding Pod
//! Security levels, NetworkPolicies, Roles): it gets the findings `stockade
//! scan` run at the workspace root gives it.
//!
//! The index is read once and again only when the client reports changed files
//! (`workspace/didChangeWatchedFiles`). The engine prepared over it is reused
//! while the edited file cannot change what other files see: when the file
//! holds no Namespace, NetworkPolicy or Role, and the workspace has no
//! NetworkPolicy (whose findings are located in the workloads it selects), an
//! edit re-reads only that file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use stockade::source::walk::Reader;
use stockade::{detect_kind, Config, Engine, Kind, Report, ScanError, Source};

use super::kustomizations::Kustomizations;
use crate::inputs;

/// The configuration of a file: the file it came from (none: the defaults)
/// and the engine built from it, or the errors that stop it.
#[derive(Clone)]
pub struct Configured {
    pub path: Option<PathBuf>,
    pub engine: Result<Arc<Engine>, Vec<ScanError>>,
}

/// The workspace as the worker thread sees it.
pub struct Workspace {
    folders: Vec<PathBuf>,
    /// Every Kubernetes file found by walking the folders, by absolute path, read
    /// into a source once per reload (an edit re-prepares from these, it does
    /// not copy them).
    files: BTreeMap<PathBuf, Source>,
    /// Whether any of them holds a NetworkPolicy.
    has_netpol: bool,
    configs: HashMap<PathBuf, Configured>,
    /// The engine prepared over `files`, per configuration file.
    prepared: HashMap<Option<PathBuf>, Arc<Engine>>,
    /// The top-level kustomizations, built; the files they read are not in
    /// `files`.
    kustomizations: Kustomizations,
}

/// Kinds whose objects change the findings of other files.
fn has_cross_file_kinds(text: &str) -> bool {
    text.contains("Namespace") || text.contains("NetworkPolicy") || text.contains("Role")
}

impl Workspace {
    pub fn new(folders: Vec<PathBuf>) -> Self {
        let mut ws = Self {
            folders,
            files: BTreeMap::new(),
            has_netpol: false,
            configs: HashMap::new(),
            prepared: HashMap::new(),
            kustomizations: Kustomizations::default(),
        };
        ws.reload();
        ws
    }

    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    pub fn set_folders(&mut self, folders: Vec<PathBuf>) {
        self.folders = folders;
        self.reload();
    }

    /// Forget everything read from disk and read it again.
    pub fn reload(&mut self) {
        self.configs.clear();
        self.prepared.clear();
        self.files.clear();
        let reader = Reader::default();
        let mut kustomization_dirs = Vec::new();
        let mut found = Vec::new();
        for folder in self.folders.clone() {
            let (files, kustomizations) = self.walk_all(&folder);
            found.extend(files);
            kustomization_dirs.extend(kustomizations);
        }
        self.kustomizations = Kustomizations::new(&kustomization_dirs, &self.folders);
        for path in found {
            if self.kustomizations.uses(&path) {
                continue;
            }
            if let Ok(text) = reader.read_to_string(&path) {
                let display = path.to_string_lossy().to_string();
                if detect_kind(&display, &text) == Some(Kind::Kubernetes) {
                    self.files.insert(path, Source::new(display, text));
                }
            }
        }
        self.has_netpol = self
            .files
            .values()
            .any(|s| s.text().contains("NetworkPolicy"));
    }

    /// The files `stockade scan FOLDER` would read, with the configuration's
    /// exclusions and the ignore files.
    pub fn walk(&mut self, folder: &Path) -> Vec<PathBuf> {
        self.walk_all(folder).0
    }

    /// [`Workspace::walk`], and the kustomization folders found.
    fn walk_all(&mut self, folder: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let configured = self.config_for(&folder.join("."));
        let exclusions = match &configured.engine {
            Ok(engine) => engine.config().exclusions(),
            Err(_) => Config::default().exclusions(),
        };
        let config_dir = configured
            .path
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| folder.to_path_buf(), Path::to_path_buf);
        let Ok(mut selection) = inputs::Selection::new(&config_dir, &exclusions, &[], true) else {
            return (Vec::new(), Vec::new());
        };
        let collected = inputs::collect(&[folder.to_path_buf()], &mut selection);
        let files = collected
            .inputs
            .into_iter()
            .filter_map(|input| match input {
                inputs::Input::File { path, .. } => Some(path),
                // A chart's files are scanned through its render (charts.rs).
                inputs::Input::Stdin | inputs::Input::Chart { .. } => None,
            })
            .collect();
        (files, collected.kustomizations)
    }

    /// The configuration nearest to `file` (its folder, then each parent), as
    /// `stockade scan` run from that folder finds it.
    pub fn config_for(&mut self, file: &Path) -> Configured {
        let dir = file.parent().unwrap_or(file).to_path_buf();
        let found = stockade::discover_config(file);
        if let Some(c) = self.configs.get(&dir) {
            if c.path == found {
                return c.clone();
            }
        }
        let engine = match &found {
            None => Ok(Arc::new(Engine::new(Config::default()))),
            Some(path) => stockade::load_config(path)
                .map(|c| Arc::new(Engine::new(c)))
                .map_err(|failed| failed.errors),
        };
        let configured = Configured {
            path: found,
            engine,
        };
        self.configs.insert(dir, configured.clone());
        configured
    }

    /// Scan one file's current text as part of the workspace; a file of a
    /// Helm chart as part of its chart's render, a file a kustomization reads
    /// as part of its build.
    pub fn scan(&mut self, path: &Path, text: &str) -> Result<Report, Vec<ScanError>> {
        let configured = self.config_for(path);
        let engine = configured.engine?;
        if let Some(chart) = super::charts::chart_of(path) {
            let config_dir = configured
                .path
                .as_deref()
                .and_then(Path::parent)
                .map_or_else(|| chart.clone(), Path::to_path_buf);
            return super::charts::scan(&engine, &config_dir, &chart, path, text);
        }
        if let Some(dir) = self.kustomizations.build_of(path) {
            let others = self
                .files
                .values()
                .chain(self.kustomizations.sources_except(dir));
            return super::kustomizations::scan(&engine, others, &self.folders, dir, path, text);
        }
        let display = path.to_string_lossy().to_string();
        let source = Source::new(display, text);
        if detect_kind(source.path(), text) != Some(Kind::Kubernetes) {
            return Ok(engine.scan_source(&source, None));
        }
        let alone = self.files.keys().all(|p| p == path);
        let cross = has_cross_file_kinds(text)
            || self
                .files
                .get(path)
                .is_some_and(|s| has_cross_file_kinds(s.text()))
            || self.has_netpol;
        let prepared = if alone {
            engine.for_scan(std::slice::from_ref(&source), None)
        } else if cross {
            let others = self
                .files
                .iter()
                .filter(|(p, _)| p.as_path() != path)
                .map(|(_, s)| s);
            engine.for_scan(others.chain(std::iter::once(&source)), None)
        } else {
            let files = &self.files;
            let entry = self
                .prepared
                .entry(configured.path.clone())
                .or_insert_with(|| Arc::new(engine.for_scan(files.values(), None)));
            return Ok(entry.scan_source(&source, None));
        };
        Ok(prepared.scan_source(&source, None))
    }

    /// Scan every file of every folder as one scan (as `stockade scan` of each
    /// folder), with the open documents' texts instead of their files'.
    pub fn scan_all(&mut self, open: &BTreeMap<PathBuf, String>) -> Vec<(PathBuf, String, Report)> {
        let reader = Reader::default();
        let mut out = Vec::new();
        for folder in self.folders.clone() {
            let configured = self.config_for(&folder.join("."));
            let Ok(engine) = configured.engine else {
                continue;
            };
            let mut texts = Vec::new();
            for path in self.walk(&folder) {
                // Read by a kustomization: scanned through its build when open.
                if self.kustomizations.uses(&path) {
                    continue;
                }
                let text = match open.get(&path) {
                    Some(t) => t.clone(),
                    None => match reader.read_to_string(&path) {
                        Ok(t) => t,
                        Err(_) => continue,
                    },
                };
                texts.push((path, text));
            }
            let sources: Vec<Source> = texts
                .iter()
                .map(|(p, t)| Source::new(p.to_string_lossy(), t.as_str()))
                .collect();
            let prepared = engine.for_scan(&sources, None);
            for ((path, text), source) in texts.into_iter().zip(&sources) {
                let report = prepared.scan_source(source, None);
                out.push((path, text, report));
            }
        }
        out
    }
}
