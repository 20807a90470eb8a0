//! Inputs for the benchmarks: the real-world corpora in `../shared/corpora/` when
//! they are there, else the bundled examples.

use std::path::{Path, PathBuf};

/// `(path, text)` of every file in `dir` (not recursive), sorted by name.
pub fn read_dir(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let path = e.path();
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path.display().to_string(), text))
        })
        .collect();
    out.sort();
    out
}

/// The shared corpus folder `name` beside the checkout, if present.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpora")
        .join(name);
    dir.is_dir().then_some(dir)
}

/// The bundled examples of the repository.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/examples")
}
