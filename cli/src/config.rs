//! Finding and reading the configuration file.
//!
//! `--config FILE` names it; otherwise the first `stockade.yaml` or
//! `.stockade.yaml` in the current folder or one of its parents is used (in each
//! folder `stockade.yaml` wins). `--no-config` uses the defaults.

use std::path::{Path, PathBuf};

use stockade::source::walk;
use stockade::{Config, ErrorKind, ScanError, Source};

/// File names looked for, in order, in each folder.
pub const NAMES: &[&str] = &["stockade.yaml", ".stockade.yaml"];

/// The configuration file for a scan run from `cwd`, if any, as a path relative
/// to `cwd` (`stockade.yaml`, `../../.stockade.yaml`).
pub fn discover(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors().enumerate().find_map(|(depth, dir)| {
        NAMES.iter().find_map(|name| {
            dir.join(name).is_file().then(|| {
                let mut rel: PathBuf = std::iter::repeat_n("..", depth).collect();
                rel.push(name);
                rel
            })
        })
    })
}

/// Why a configuration could not be used: located errors, and the file's text
/// when it could be read (for code frames).
pub struct Failed {
    pub errors: Vec<ScanError>,
    pub path: String,
    pub text: Option<String>,
}

/// Read and parse a configuration file (within the default 16 MiB, as a regular
/// file or a named pipe, through the shared reader); every problem comes back
/// as a located error.
pub fn load(path: &Path) -> Result<Config, Failed> {
    let display = path.to_string_lossy().replace('\\', "/");
    let text = match walk::Reader::default().pipes(true).read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            return Err(Failed {
                errors: vec![ScanError::file(
                    ErrorKind::Config,
                    display.clone(),
                    format!("cannot read the configuration: {}", e.message()),
                )],
                path: display,
                text: None,
            })
        }
    };
    parse(&text, &display).map_err(|errors| Failed {
        errors,
        path: display,
        text: Some(text),
    })
}

/// Parse configuration text reported under `display`: the single place the CLI
/// calls into the configuration reader.
pub fn parse(text: &str, display: &str) -> Result<Config, Vec<ScanError>> {
    Config::from_yaml(text, display).map_err(|problems| {
        let source = Source::new(display, text);
        problems.iter().map(|p| p.to_error(&source)).collect()
    })
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
