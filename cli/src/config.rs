//! Finding and reading the configuration file.
//!
//! `--config FILE` names it; otherwise the first `stockade.yaml` or
//! `.stockade.yaml` in the current folder or one of its parents is used (in each
//! folder `stockade.yaml` wins). `--no-config` uses the defaults.

use std::path::{Path, PathBuf};

use stockade::Config;

/// The configuration file for a scan run from `cwd`, if any (found as
/// [`stockade::discover_config`] finds it), as a path relative to `cwd`
/// (`stockade.yaml`, `../../.stockade.yaml`).
pub fn discover(cwd: &Path) -> Option<PathBuf> {
    let found = stockade::discover_config(cwd)?;
    let dir = found.parent()?;
    let depth = cwd
        .components()
        .count()
        .saturating_sub(dir.components().count());
    let mut rel: PathBuf = std::iter::repeat_n("..", depth).collect();
    rel.push(found.file_name()?);
    Some(rel)
}

/// Why a configuration could not be used: located errors, and the file's text
/// when it could be read (for code frames).
pub type Failed = stockade::ConfigFileError;

/// Read and parse a configuration file (see [`stockade::load_config`]).
pub fn load(path: &Path) -> Result<Config, Failed> {
    stockade::load_config(path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn discovery_walks_up_and_prefers_stockade_yaml() {
        let root = std::env::temp_dir().join(format!("stockade-discover-{}", std::process::id()));
        let deep = root.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert!(discover(&deep).is_none_or(|p| p.starts_with("../../..")));
        std::fs::write(root.join(".stockade.yaml"), "").unwrap();
        assert_eq!(discover(&deep), Some(PathBuf::from("../../.stockade.yaml")));
        std::fs::write(root.join("a/.stockade.yaml"), "").unwrap();
        std::fs::write(root.join("a/stockade.yaml"), "").unwrap();
        assert_eq!(discover(&deep), Some(PathBuf::from("../stockade.yaml")));
        std::fs::write(deep.join(".stockade.yaml"), "").unwrap();
        assert_eq!(discover(&deep), Some(PathBuf::from(".stockade.yaml")));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
