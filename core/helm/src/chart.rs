//! A chart in memory, loaded as Helm's `loader.LoadFiles` loads one: from the
//! files of a folder (after `.helmignore`) or of a `.tgz`.

use std::collections::BTreeMap;
use std::sync::Arc;

use stockade_yaml::{Limits, Node, Value as YValue};

use crate::archive::{read_archive, ArchiveLimits};
use crate::error::{chart_err, HelmError, HelmErrorKind};
use crate::ignore::Rules;

/// A chart file: its name relative to the chart folder, and its bytes,
/// shared by every copy of the file (`.Files`, the render, the scan's
/// sources) rather than copied into each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    pub name: String,
    data: FileData,
}

/// A file's bytes: as text when they are UTF-8 (nearly always), so that the
/// text is shared as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileData {
    Text(Arc<String>),
    Bytes(Arc<Vec<u8>>),
}

impl ChartFile {
    /// The file `name` with `data` (checked as UTF-8 once, not copied).
    pub fn new(name: impl Into<String>, data: Vec<u8>) -> ChartFile {
        let data = match String::from_utf8(data) {
            Ok(text) => FileData::Text(Arc::new(text)),
            Err(e) => FileData::Bytes(Arc::new(e.into_bytes())),
        };
        ChartFile {
            name: name.into(),
            data,
        }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            FileData::Text(t) => t.as_bytes(),
            FileData::Bytes(b) => b,
        }
    }

    /// The bytes as text, invalid UTF-8 replaced (as Go's `string(bytes)`
    /// then printed).
    pub fn text(&self) -> String {
        self.shared_text().as_ref().clone()
    }

    /// [`ChartFile::text`] shared with this file: no copy when the bytes are
    /// UTF-8.
    pub fn shared_text(&self) -> Arc<String> {
        match &self.data {
            FileData::Text(t) => Arc::clone(t),
            FileData::Bytes(b) => Arc::new(String::from_utf8_lossy(b).into_owned()),
        }
    }

    /// The same file under another name.
    fn renamed(self, name: impl Into<String>) -> ChartFile {
        ChartFile {
            name: name.into(),
            data: self.data,
        }
    }
}

/// A `Chart.yaml` maintainer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// One dependency of `Chart.yaml` (or `requirements.yaml`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// `import-values` entries: a string, or a `{child, parent}` map.
    pub import_values: Vec<ImportValue>,
    pub alias: String,
}

/// One `import-values` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportValue {
    /// `- name`: the child's `exports.name` into the parent's top level.
    Export(String),
    /// `- child: a.b` / `parent: c`.
    Map { child: String, parent: String },
}

/// `Chart.yaml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: BTreeMap<String, String>,
    pub kube_version: String,
    pub dependencies: Vec<Dependency>,
    pub chart_type: String,
}

/// A loaded chart and its subcharts.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// `values.yaml`, as text (parsed when values are coalesced, so that every
    /// value keeps its line).
    pub values_text: Option<String>,
    pub schema: Option<Vec<u8>>,
    pub templates: Vec<ChartFile>,
    /// Every other file (`.Files`), `crds/` included.
    pub files: Vec<ChartFile>,
    pub dependencies: Vec<Chart>,
    /// Where the chart's files are, relative to the root chart's folder
    /// (`""`, `charts/sub`, `charts/sub-1.0.0.tgz`), for origins and messages.
    pub location: String,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }

    /// The `crds/` files Helm installs (`.yaml`, `.yml` and `.json` ones), in
    /// name order.
    pub fn crd_files(&self) -> impl Iterator<Item = &ChartFile> {
        self.files.iter().filter(|f| {
            f.name.starts_with("crds/")
                && [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|e| f.name.ends_with(e))
        })
    }

    /// The `crds/` files of this chart and of every subchart below it,
    /// enabled or not (which are enabled is known only once values are read).
    pub fn all_crd_files(&self) -> Vec<&ChartFile> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(c) = stack.pop() {
            out.extend(c.crd_files());
            stack.extend(c.dependencies.iter());
        }
        out
    }

    /// Load a chart from the files of its folder (names relative to it, `/`
    /// separated). `.helmignore` and Helm's default ignore rule apply, as
    /// `helm template DIR` applies them.
    pub fn from_dir_files(
        files: BTreeMap<String, Vec<u8>>,
        limits: &ArchiveLimits,
    ) -> Result<Self, HelmError> {
        let mut rules = match files.get(".helmignore") {
            Some(text) => Rules::parse(&String::from_utf8_lossy(text)).map_err(chart_err)?,
            None => Rules::default(),
        };
        rules.add_defaults();
        let mut dirs = crate::ignore::DirVerdicts::default();
        let kept = files
            .into_iter()
            .filter(|(name, _)| !rules.ignore_file_in(name, &mut dirs))
            .map(|(name, data)| {
                let data = match data.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                    Some(rest) => rest.to_vec(),
                    None => data,
                };
                ChartFile::new(name, data)
            })
            .collect();
        load_files(kept, String::new(), limits, 0)
    }

    /// Load a chart from `.tgz` bytes.
    pub fn from_archive(bytes: &[u8], limits: &ArchiveLimits) -> Result<Self, HelmError> {
        let files = read_archive(bytes, limits)?;
        let files = files
            .into_iter()
            .map(|(name, data)| ChartFile::new(name, data))
            .collect();
        load_files(files, String::new(), limits, 0)
    }
}

/// How deep subcharts may nest (charts in `charts/` of charts in `charts/`…).
const MAX_CHART_DEPTH: usize = 32;

fn load_files(
    files: Vec<ChartFile>,
    location: String,
    limits: &ArchiveLimits,
    depth: usize,
) -> Result<Chart, HelmError> {
    if depth > MAX_CHART_DEPTH {
        return Err(HelmError::new(
            HelmErrorKind::Limit,
            format!("subcharts nest deeper than {MAX_CHART_DEPTH} levels"),
        ));
    }
    let mut chart = Chart {
        location: location.clone(),
        ..Chart::default()
    };
    let mut metadata: Option<Metadata> = None;
    for f in &files {
        if f.name == "Chart.yaml" {
            let md = parse_metadata(&f.text()).map_err(|e| {
                chart_err(format!("cannot load Chart.yaml: {e}"))
                    .at(join(&location, "Chart.yaml"), None)
            })?;
            metadata = Some(md);
        }
    }
    let mut subcharts: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
    for f in files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" | "Chart.lock" | "requirements.lock" => {
                if name == "requirements.lock"
                    && metadata.as_ref().is_some_and(|m| m.api_version == "v1")
                {
                    chart.files.push(f);
                }
            }
            "values.yaml" => chart.values_text = Some(f.text()),
            "values.schema.json" => chart.schema = Some(f.bytes().to_vec()),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_with(Metadata::default);
                let deps = parse_requirements(&f.text())
                    .map_err(|e| chart_err(format!("cannot load requirements.yaml: {e}")))?;
                md.dependencies = deps;
                if md.api_version == "v1" {
                    chart.files.push(f);
                }
            }
            _ if name.starts_with("templates/") => chart.templates.push(f),
            _ if name.starts_with("charts/") => {
                if std::path::Path::new(name)
                    .extension()
                    .is_some_and(|e| e == "prov")
                {
                    chart.files.push(f);
                    continue;
                }
                let rest = name.strip_prefix("charts/").unwrap_or(name);
                let cname = rest.split('/').next().unwrap_or(rest).to_string();
                let rest = rest.to_string();
                subcharts.entry(cname).or_default().push(f.renamed(rest));
            }
            _ => chart.files.push(f),
        }
    }
    let Some(md) = metadata else {
        return Err(chart_err("Chart.yaml file is missing").at(join(&location, "Chart.yaml"), None));
    };
    validate_metadata(&md).map_err(|e| e.at(join(&location, "Chart.yaml"), None))?;
    chart.metadata = md;
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sub_location = join(&location, &format!("charts/{n}"));
        let sub = if std::path::Path::new(&n)
            .extension()
            .is_some_and(|e| e == "tgz")
        {
            let Some(file) = files.into_iter().next() else {
                continue;
            };
            if file.name != n {
                return Err(chart_err(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    chart.name(),
                    file.name
                )));
            }
            read_archive(file.bytes(), limits)
                .map(|fs| {
                    fs.into_iter()
                        .map(|(name, data)| ChartFile::new(name, data))
                        .collect()
                })
                .and_then(|fs| load_files(fs, sub_location, limits, depth + 1))
        } else {
            let buff = files
                .into_iter()
                .filter_map(|f| {
                    let rest = f.name.split_once('/')?.1.to_string();
                    Some(f.renamed(rest))
                })
                .collect();
            load_files(buff, sub_location, limits, depth + 1)
        };
        match sub {
            Ok(sub) => chart.dependencies.push(sub),
            Err(e) => {
                return Err(HelmError {
                    message: format!(
                        "error unpacking subchart {n} in {}: {}",
                        chart.name(),
                        e.message
                    ),
                    ..e
                })
            }
        }
    }
    Ok(chart)
}

fn join(location: &str, name: &str) -> String {
    if location.is_empty() {
        name.to_string()
    } else {
        format!("{location}/{name}")
    }
}

fn parse_yaml(text: &str) -> Result<Option<Node>, String> {
    match stockade_yaml::parse_single(text, &Limits::default()) {
        Ok(node) => Ok(Some(node)),
        Err(problems) => Err(problems
            .first()
            .map_or_else(|| "invalid YAML".to_string(), |p| p.message.clone())),
    }
}

fn scalar(node: &Node) -> String {
    match &node.value {
        YValue::String(s) => s.clone(),
        YValue::Bool(b) => b.to_string(),
        YValue::Int(i) => i.to_string(),
        YValue::Float(f) => stockade_yaml::go_format_float32_g(*f),
        _ => String::new(),
    }
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .map(|s| s.iter().map(scalar).collect())
        .unwrap_or_default()
}

fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// `Chart.yaml` into [`Metadata`].
pub fn parse_metadata(text: &str) -> Result<Metadata, String> {
    let Some(root) = parse_yaml(text)? else {
        return Ok(Metadata::default());
    };
    let get = |k: &str| {
        root.get(k)
            .map(scalar)
            .map(|s| sanitize(&s))
            .unwrap_or_default()
    };
    let mut md = Metadata {
        name: get("name"),
        home: get("home"),
        sources: strings(root.get("sources")),
        version: get("version"),
        description: get("description"),
        keywords: strings(root.get("keywords")),
        icon: get("icon"),
        api_version: get("apiVersion"),
        condition: get("condition"),
        tags: get("tags"),
        app_version: get("appVersion"),
        deprecated: root
            .get("deprecated")
            .and_then(Node::as_bool)
            .unwrap_or(false),
        kube_version: get("kubeVersion"),
        chart_type: get("type"),
        ..Metadata::default()
    };
    if md.api_version.is_empty() {
        md.api_version = "v1".to_string();
    }
    if let Some(ms) = root.get("maintainers").and_then(Node::as_seq) {
        for m in ms {
            let g = |k: &str| m.get(k).map(scalar).unwrap_or_default();
            md.maintainers.push(Maintainer {
                name: g("name"),
                email: g("email"),
                url: g("url"),
            });
        }
    }
    if let Some(entries) = root.get("annotations").and_then(Node::as_map) {
        for (k, v) in entries {
            md.annotations
                .insert(k.key_string().unwrap_or_default(), scalar(v));
        }
    }
    md.dependencies = parse_dependencies(root.get("dependencies"));
    Ok(md)
}

fn parse_requirements(text: &str) -> Result<Vec<Dependency>, String> {
    Ok(parse_yaml(text)?
        .map(|root| parse_dependencies(root.get("dependencies")))
        .unwrap_or_default())
}

fn parse_dependencies(node: Option<&Node>) -> Vec<Dependency> {
    let Some(items) = node.and_then(Node::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|d| {
            let g = |k: &str| {
                d.get(k)
                    .map(scalar)
                    .map(|s| sanitize(&s))
                    .unwrap_or_default()
            };
            let import_values = d
                .get("import-values")
                .and_then(Node::as_seq)
                .map(|ivs| {
                    ivs.iter()
                        .filter_map(|iv| match &iv.value {
                            YValue::String(s) => Some(ImportValue::Export(s.clone())),
                            YValue::Map(_) => Some(ImportValue::Map {
                                child: iv
                                    .get("child")
                                    .map_or_else(|| "<nil>".to_string(), go_sprint),
                                parent: iv
                                    .get("parent")
                                    .map_or_else(|| "<nil>".to_string(), go_sprint),
                            }),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            Dependency {
                name: g("name"),
                version: g("version"),
                repository: g("repository"),
                condition: g("condition"),
                tags: strings(d.get("tags")),
                enabled: d.get("enabled").and_then(Node::as_bool).unwrap_or(false),
                import_values,
                alias: g("alias"),
            }
        })
        .collect()
}

fn go_sprint(node: &Node) -> String {
    match &node.value {
        YValue::Null => "<nil>".to_string(),
        _ => scalar(node),
    }
}

fn validate_metadata(md: &Metadata) -> Result<(), HelmError> {
    let v = |m: String| Err(chart_err(format!("validation: {m}")));
    if md.api_version.is_empty() {
        return v("chart.metadata.apiVersion is required".into());
    }
    if md.name.is_empty() {
        return v("chart.metadata.name is required".into());
    }
    if md.name == "." || md.name == ".." {
        return v(format!("chart.metadata.name {:?} is not allowed", md.name));
    }
    if md.name.contains('/') || md.name.contains('\\') {
        return v(format!("chart.metadata.name {:?} is invalid", md.name));
    }
    if md.version.is_empty() {
        return v("chart.metadata.version is required".into());
    }
    if !is_valid_semver(&md.version) {
        return v(format!(
            "chart.metadata.version {:?} is invalid",
            md.version
        ));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return v("chart.metadata.type must be application or library".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for d in &md.dependencies {
        if !d.alias.is_empty()
            && !d
                .alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return v(format!(
                "dependency {:?} has disallowed characters in the alias",
                d.name
            ));
        }
        let key = if d.alias.is_empty() {
            &d.name
        } else {
            &d.alias
        };
        if !seen.insert(key.clone()) {
            return v(format!(
                "more than one dependency with name or alias {key:?}"
            ));
        }
    }
    Ok(())
}

/// Masterminds `semver.NewVersion` (loose): `v` prefix, 1 to 3 numeric parts,
/// pre-release and build metadata.
pub fn is_valid_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (core, _build) = v.split_once('+').unwrap_or((v, ""));
    let (core, _pre) = core.split_once('-').unwrap_or((core, ""));
    let parts: Vec<&str> = core.split('.').collect();
    !parts.is_empty()
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::ChartFile;

    #[test]
    fn file_text_is_the_bytes_with_invalid_utf_8_replaced() {
        let file = |data: &[u8]| ChartFile::new("f", data.to_vec());
        assert_eq!(file("a: é\n".as_bytes()).text(), "a: é\n");
        assert_eq!(file(b"a\xffb\xc3").text(), "a\u{fffd}b\u{fffd}");
        assert_eq!(file(b"").text(), "");
    }
}
