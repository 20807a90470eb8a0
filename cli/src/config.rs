//! Finding and reading the configuration file.
//!
//! `--config FILE` names it; otherwise the first `stockade.yaml` or
//! `.stockade.yaml` in the current folder or one of its parents is used (in each
//! folder `stockade.yaml` wins). `--no-config` uses the defaults.

use std::path::{Path, PathBuf};

use stockade::{Config, ErrorKind, ScanError, Source};

/// File names looked for, in order, in each folder.
pub const NAMES: &[&str] = &["stockade.yaml", ".stockade.yaml"];

/// The configuration file for a scan run from `cwd`, if any.
pub fn discover(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .flat_map(|dir| NAMES.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Read and parse a configuration file; every problem comes back as a located error.
pub fn load(path: &Path) -> Result<Config, Vec<ScanError>> {
    let display = path.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ScanError::file(
            ErrorKind::Config,
            display.clone(),
            format!("cannot read the configuration: {e}"),
        )]
    })?;
    parse(&text, &display)
}

/// Parse configuration text reported under `display`.
///
/// The single place the CLI calls into the YAML configuration reader.
pub fn parse(text: &str, display: &str) -> Result<Config, Vec<ScanError>> {
    Config::from_yaml(text, display).map_err(|problems| {
        let source = Source::new(display, text);
        problems.iter().map(|p| p.to_error(&source)).collect()
    })
}
