//! Finding and reading `stockade.yaml` as the CLI does, for every caller: the
//! CLI (from the current folder), the language server (from each file), and
//! the bindings (`discover_config(path)`, `Engine.for_path(path)`), so a file
//! gets the same configuration wherever it is scanned from.
//!
//! From a folder (or a file's folder), the first of `stockade.yaml`,
//! `.stockade.yaml` in it or in one of its parents; in each folder
//! `stockade.yaml` wins. Reading goes through the bounded reader
//! (`walk::Reader`, 16 MiB, named pipes allowed); every problem is a located
//! [`ScanError`].

use std::path::{Path, PathBuf};

use crate::source::walk;
use crate::{Config, Engine, ErrorKind, ScanError, Source};

/// File names looked for, in order, in each folder.
pub const CONFIG_NAMES: &[&str] = &["stockade.yaml", ".stockade.yaml"];

/// The configuration file for `path`: looked for in `path` when it is a folder,
/// else in its folder, then in each parent. `None` when there is none (the
/// defaults apply).
pub fn discover_config(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(path)
    };
    start.ancestors().find_map(|dir| {
        CONFIG_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Why a configuration file could not be used: located errors, and the file's
/// text when it could be read (for code frames).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFileError {
    /// Every problem, located in the file (kind `config`, or `parse` for YAML
    /// syntax, or `io` when it could not be read).
    pub errors: Vec<ScanError>,
    /// The path as given, with `/` separators.
    pub path: String,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}

impl std::fmt::Display for ConfigFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("; "))
    }
}

impl std::error::Error for ConfigFileError {}

/// Read and parse a configuration file; every problem comes back located.
pub fn load_config(path: &Path) -> Result<Config, ConfigFileError> {
    let display = path.to_string_lossy().replace('\\', "/");
    let text = match walk::Reader::default().pipes(true).read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            return Err(ConfigFileError {
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
    parse_config(&text, &display).map_err(|errors| ConfigFileError {
        errors,
        path: display,
        text: Some(text),
    })
}

/// Parse configuration text reported under `display`, errors positioned in it.
pub fn parse_config(text: &str, display: &str) -> Result<Config, Vec<ScanError>> {
    Config::from_yaml(text, display).map_err(|problems| {
        let source = Source::new(display, text);
        problems.iter().map(|p| p.to_error(&source)).collect()
    })
}

impl Engine {
    /// The engine `stockade scan` uses for `path` (a file or folder): built
    /// from the configuration [`discover_config`] finds, or the defaults.
    pub fn for_path(path: &Path) -> Result<Engine, ConfigFileError> {
        match discover_config(path) {
            Some(file) => load_config(&file).map(Engine::new),
            None => Ok(Engine::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_walks_up_from_files_and_folders() {
        let root =
            std::env::temp_dir().join(format!("stockade-core-discover-{}", std::process::id()));
        let deep = root.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("Dockerfile"), "FROM x\n").unwrap();
        std::fs::write(root.join(".stockade.yaml"), "rules:\n  DF0001: off\n").unwrap();
        assert_eq!(discover_config(&deep), Some(root.join(".stockade.yaml")));
        assert_eq!(
            discover_config(&deep.join("Dockerfile")),
            Some(root.join(".stockade.yaml"))
        );
        std::fs::write(root.join("a/stockade.yaml"), "rules: [").unwrap();
        std::fs::write(root.join("a/.stockade.yaml"), "").unwrap();
        assert_eq!(discover_config(&deep), Some(root.join("a/stockade.yaml")));
        let err = Engine::for_path(&deep).unwrap_err();
        assert_eq!(err.errors[0].kind, ErrorKind::Parse);
        assert!(err.text.is_some());
        std::fs::remove_file(root.join("a/stockade.yaml")).unwrap();
        std::fs::remove_file(root.join("a/.stockade.yaml")).unwrap();
        let engine = Engine::for_path(&deep.join("Dockerfile")).unwrap();
        let report = engine.scan("FROM node:latest\n", Some("Dockerfile"), None);
        assert!(report.findings.iter().all(|f| f.rule != "DF0001"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
