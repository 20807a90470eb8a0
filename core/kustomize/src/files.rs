//! The in-memory file map a build reads, and path arithmetic on it.

use std::collections::BTreeMap;

/// Paths (relative, `/`-separated, no `.`/`..` parts) to contents.
pub type FileMap = BTreeMap<String, Vec<u8>>;

/// Where a build reads files from. The library reads from a [`FileMap`]; a
/// caller with a file system (the CLI) implements this over it, with its own
/// limits. Paths are relative, `/`-separated and cleaned.
pub trait FileSource {
    /// The contents of a regular file, or `None` when there is none.
    fn read(&self, path: &str) -> Option<Vec<u8>>;
    /// Whether `path` is a file.
    fn is_file(&self, path: &str) -> bool;
    /// Whether `path` is a folder.
    fn is_dir(&self, path: &str) -> bool;
    /// Every file under folder `dir` (paths as given to [`Self::read`]), for
    /// reading a Helm chart; none by default.
    fn list(&self, dir: &str) -> Vec<String> {
        let _ = dir;
        Vec::new()
    }
}

impl FileSource for FileMap {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.get(path).cloned()
    }
    fn is_file(&self, path: &str) -> bool {
        self.contains_key(path)
    }
    fn is_dir(&self, path: &str) -> bool {
        is_dir(self, path)
    }
    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        self.range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// The file names kustomize looks for in a folder, in its order.
pub const KUSTOMIZATION_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub fn is_kustomization_name(name: &str) -> bool {
    KUSTOMIZATION_NAMES.contains(&name)
}

/// `dir` joined with `rel`, cleaned; `None` when it climbs above the map's root.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

pub fn is_dir(files: &FileMap, path: &str) -> bool {
    if path.is_empty() {
        return !files.is_empty();
    }
    let prefix = format!("{path}/");
    files
        .range(prefix.clone()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(&prefix))
}

/// Whether `path` is `root` or below it.
pub fn within(root: &str, path: &str) -> bool {
    root.is_empty() || path == root || path.starts_with(&format!("{root}/"))
}

pub fn base_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, b)| b)
}
