//! `helm template`'s options and the user values they make (Helm's
//! `values.Options.MergeValues`): `-f` files in order, then `--set-json`,
//! `--set`, `--set-string`, `--set-file`.

use crate::error::{HelmError, HelmErrorKind};
use crate::strvals::{self, Reader};
use crate::value::{Map, Value};
use crate::yamlvalues::{merge_maps, read_values};

/// Which Helm line to match: output layout and `import-values` merging differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HelmLine {
    /// Helm 4 (the default: the current line).
    #[default]
    V4,
    /// Helm 3 (3.21).
    V3,
}

/// A values file given with `-f`: its name (as shown in origins) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesFile {
    pub name: String,
    pub text: String,
}

/// What `helm template`'s flags say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmOptions {
    /// `--release-name` / the first positional argument (`release-name`).
    pub release_name: String,
    pub namespace: String,
    /// `-f/--values`, in order.
    pub values_files: Vec<ValuesFile>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_json: Vec<String>,
    /// `--set-file key=path`: the contents are looked up in [`Self::set_file_contents`].
    pub set_file: Vec<String>,
    /// Contents of the files named by `--set-file`, by path (the library reads nothing).
    pub set_file_contents: Vec<(String, String)>,
    /// `--kube-version` (`v1.20.0`, `1.20`).
    pub kube_version: Option<String>,
    /// `--api-versions`, added to Helm's default set.
    pub api_versions: Vec<String>,
    /// `--show-only` globs (`templates/x.yaml`).
    pub show_only: Vec<String>,
    pub include_crds: bool,
    pub skip_tests: bool,
    /// `--skip-crds` (install's flag; for `template` CRDs are printed only with `--include-crds`).
    pub skip_crds: bool,
    /// `--is-upgrade`.
    pub is_upgrade: bool,
    pub helm_line: HelmLine,
    /// `--debug`: on a YAML error, print what was rendered before the error.
    pub debug: bool,
}

impl Default for HelmOptions {
    fn default() -> Self {
        Self {
            release_name: "release-name".to_string(),
            namespace: "default".to_string(),
            values_files: Vec::new(),
            set: Vec::new(),
            set_string: Vec::new(),
            set_json: Vec::new(),
            set_file: Vec::new(),
            set_file_contents: Vec::new(),
            kube_version: None,
            api_versions: Vec::new(),
            show_only: Vec::new(),
            include_crds: false,
            skip_tests: false,
            skip_crds: false,
            is_upgrade: false,
            helm_line: HelmLine::V4,
            debug: false,
        }
    }
}

/// A text values came from: a values file of the chart, a `-f` file, or a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesSource {
    /// As shown in origins: `mychart/values.yaml`, `prod.yaml`, `--set`.
    pub path: String,
    pub text: String,
}

/// Every values source of a render, indexed by [`crate::ValueOrigin::source`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValuesSources {
    pub sources: Vec<ValuesSource>,
}

impl ValuesSources {
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> u32 {
        self.sources.push(ValuesSource {
            path: path.into(),
            text: text.into(),
        });
        u32::try_from(self.sources.len() - 1).unwrap_or(u32::MAX)
    }

    pub fn get(&self, id: u32) -> Option<&ValuesSource> {
        self.sources.get(id as usize)
    }
}

fn values_err(message: String) -> HelmError {
    HelmError::new(HelmErrorKind::Values, message)
}

impl HelmOptions {
    /// The user-supplied values, merged as Helm merges them.
    pub fn user_values(&self, sources: &mut ValuesSources) -> Result<Map, HelmError> {
        let mut base = Map::new();
        for f in &self.values_files {
            let id = sources.add(f.name.clone(), f.text.clone());
            let current = read_values(&f.text, &f.name, id, true).map_err(|e| HelmError {
                message: format!(
                    "failed to parse {}: {}",
                    f.name,
                    e.message
                        .trim_start_matches(&format!("cannot load {}: ", f.name))
                ),
                ..e
            })?;
            merge_maps(&mut base, current);
        }
        for value in &self.set_json {
            let flag = format!("--set-json {value}");
            let id = sources.add("--set-json", flag.clone());
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let json: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(trimmed).map_err(|_| {
                        values_err(format!("failed parsing --set-json data JSON: {value}"))
                    })?;
                let origin = Some(crate::ValueOrigin {
                    source: id,
                    span: stockade_source::Span::from_range(11..flag.len()),
                });
                let map = json
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v, origin)))
                    .collect();
                merge_maps(&mut base, map);
            } else {
                strvals::parse_into(value, &mut base, &Reader::Json, id, 11)
                    .map_err(|_| values_err(format!("failed parsing --set-json data {value}")))?;
            }
        }
        for value in &self.set {
            let id = sources.add("--set", format!("--set {value}"));
            strvals::parse_into(value, &mut base, &Reader::Typed, id, 6)
                .map_err(|e| values_err(format!("failed parsing --set data: {e}")))?;
        }
        for value in &self.set_string {
            let id = sources.add("--set-string", format!("--set-string {value}"));
            strvals::parse_into(value, &mut base, &Reader::String, id, 13)
                .map_err(|e| values_err(format!("failed parsing --set-string data: {e}")))?;
        }
        for value in &self.set_file {
            let id = sources.add("--set-file", format!("--set-file {value}"));
            let read = |path: &str| -> Result<String, String> {
                self.set_file_contents
                    .iter()
                    .find(|(p, _)| p == path)
                    .map(|(_, c)| c.clone())
                    .ok_or_else(|| format!("open {path}: no such file or directory"))
            };
            strvals::parse_into(value, &mut base, &Reader::File(&read), id, 11)
                .map_err(|e| values_err(format!("failed parsing --set-file data: {e}")))?;
        }
        Ok(base)
    }
}
