//! A chart rendered as Helm's engine renders it (`pkg/engine/engine.go`):
//! values coalesced, every template parsed into one set, every non-partial
//! template executed with its chart's data, `<no value>` removed. Each output
//! keeps the tracer's pieces (which template text or action wrote each byte,
//! and what data it read), for origins.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use stockade_gotemplate::{
    DataPath, ExecError, PathSeg, Piece as TracedPiece, PieceKind, Template, Tracer,
    Value as GoValue,
};

use crate::chart::Chart;
use crate::coalesce::{coalesce_chart, ValuesChart, Warnings};
use crate::deps::process_dependencies;
use crate::error::{HelmError, HelmErrorKind};
use crate::funcs::{self, to_go, EngineMode};
use crate::objects::{Capabilities, Files};
use crate::value::{Map, Value};
use crate::values::{HelmLine, HelmOptions, ValuesSources};
use crate::yamlvalues::read_values;

/// A piece of a rendered template's output and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Byte range in [`RenderedFile::text`].
    pub output: Range<usize>,
    /// The template file whose text or action wrote it (`chart/templates/x.yaml`;
    /// shared by the pieces of one file).
    pub parse_name: Arc<str>,
    /// Byte offset in that file's text of the text or the action's pipeline.
    pub offset: usize,
    pub kind: PieceKind,
    /// For actions: the data paths read, relative to the template's data (`Values.image.tag`).
    pub paths: Vec<DataPath>,
}

/// One template's output.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// Helm's name: `chart/templates/x.yaml`, `chart/charts/sub/templates/y.yaml`.
    pub name: String,
    pub text: String,
    pub pieces: Vec<Piece>,
}

/// A template file of the render.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Helm's name (`chart/templates/x.yaml`).
    pub name: String,
    /// The chart-relative location of the file (`templates/x.yaml`,
    /// `charts/sub/templates/y.yaml`).
    pub location: String,
    /// The text, shared with the chart's file.
    pub text: Arc<String>,
    /// The subchart names from the root's values to this chart's (`[]` for the root).
    pub values_scope: Vec<String>,
}

/// A chart rendered.
#[derive(Debug, Clone)]
pub struct Render {
    /// The root chart's name.
    pub chart_name: String,
    /// Outputs of the templates that executed, by Helm's name (partials and
    /// library charts' templates excluded; `NOTES.txt` included).
    pub files: Vec<RenderedFile>,
    /// Templates that failed to execute (every one, for scanning).
    pub errors: Vec<HelmError>,
    /// What `helm template` reports: the first failure in Helm's execution order.
    pub first_error: Option<HelmError>,
    /// The coalesced values, each leaf with its origin.
    pub values: Map,
    pub sources: ValuesSources,
    /// Every template file, by Helm's name.
    pub templates: BTreeMap<String, TemplateFile>,
    /// `crds/` files of the chart and its enabled subcharts: (Helm's file name, location, text).
    pub crds: Vec<(String, String, Arc<String>)>,
    /// Warnings Helm would log while coalescing.
    pub warnings: Vec<String>,
}

impl Render {
    /// The values node a data path read, for a template of `scope`.
    pub fn value_at(&self, scope: &[String], path: &DataPath) -> Option<&Value> {
        let segments = path.segments();
        let mut segs = segments.into_iter();
        match segs.next() {
            Some(PathSeg::Key(k)) if &**k == "Values" => {}
            _ => return None,
        }
        let mut at: &Value = {
            let mut m = &self.values;
            let mut node: Option<&Value> = None;
            for s in scope {
                let v = m.get(s)?;
                m = v.as_map()?;
                node = Some(v);
            }
            match segs.next() {
                None => return node,
                Some(PathSeg::Key(k)) => m.get(&**k)?,
                Some(PathSeg::Index(_)) => return None,
            }
        };
        for s in segs {
            at = match (s, &at.data) {
                (PathSeg::Key(k), crate::value::Data::Map(m)) => m.get(&**k)?,
                (PathSeg::Index(i), crate::value::Data::List(l)) => l.get(*i)?,
                _ => return None,
            };
        }
        Some(at)
    }
}

fn values_chart<'a>(
    chart: &'a Chart,
    sources: &mut ValuesSources,
    display_root: &str,
    helm3: bool,
) -> Result<ValuesChart<'a>, HelmError> {
    let values = match &chart.values_text {
        Some(text) => {
            let path = join_path(display_root, &chart.location, "values.yaml");
            let id = sources.add(path.clone(), text.clone());
            read_values(text, &path, id, true).map_err(|e| HelmError {
                message: format!(
                    "cannot load values.yaml: {}",
                    e.message
                        .trim_start_matches(&format!("cannot load {path}: "))
                ),
                ..e
            })?
        }
        None => Map::new(),
    };
    let mut dependencies = Vec::new();
    for d in &chart.dependencies {
        dependencies.push(values_chart(d, sources, display_root, helm3)?);
    }
    Ok(ValuesChart {
        chart,
        name: chart.name().to_string(),
        values,
        dependencies,
        meta_dependencies: None,
        helm3,
    })
}

/// `root/location/name`, skipping empty parts.
pub fn join_path(root: &str, location: &str, name: &str) -> String {
    [root, location, name]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/")
}

/// What the engine needs besides the chart and the options.
#[derive(Debug, Clone, Default)]
pub struct RenderSettings {
    pub mode: EngineMode,
    /// Shown before chart-relative paths in origins (`deploy/mychart`); the
    /// chart's name when empty.
    pub display_root: String,
    /// Execution budgets of the template engine ([`default_limits`] when
    /// `None`).
    pub limits: Option<stockade_gotemplate::Limits>,
}

/// The chart's `Chart` map as templates see it (Go field names).
fn chart_map(chart: &Chart, name: &str, is_root: bool) -> GoValue {
    let md = &chart.metadata;
    let s = |v: &str| GoValue::string(v);
    let strings =
        |v: &[String]| GoValue::list(v.iter().map(|x| GoValue::string(x.as_str())).collect());
    let mut m = BTreeMap::new();
    m.insert("Name".into(), s(name));
    m.insert("Home".into(), s(&md.home));
    m.insert("Sources".into(), strings(&md.sources));
    m.insert("Version".into(), s(&md.version));
    m.insert("Description".into(), s(&md.description));
    m.insert("Keywords".into(), strings(&md.keywords));
    m.insert(
        "Maintainers".into(),
        GoValue::list(
            md.maintainers
                .iter()
                .map(|mt| {
                    GoValue::map(BTreeMap::from([
                        ("Name".to_string(), s(&mt.name)),
                        ("Email".to_string(), s(&mt.email)),
                        ("URL".to_string(), s(&mt.url)),
                    ]))
                })
                .collect(),
        ),
    );
    m.insert("Icon".into(), s(&md.icon));
    m.insert("APIVersion".into(), s(&md.api_version));
    m.insert("Condition".into(), s(&md.condition));
    m.insert("Tags".into(), s(&md.tags));
    m.insert("AppVersion".into(), s(&md.app_version));
    m.insert("Deprecated".into(), GoValue::Bool(md.deprecated));
    m.insert(
        "Annotations".into(),
        if md.annotations.is_empty() {
            GoValue::TypedNil(Arc::from("map[string]string"))
        } else {
            GoValue::typed_map(
                "string",
                md.annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), s(v)))
                    .collect(),
            )
        },
    );
    m.insert("KubeVersion".into(), s(&md.kube_version));
    m.insert(
        "Dependencies".into(),
        GoValue::list(
            md.dependencies
                .iter()
                .map(|d| {
                    GoValue::map(BTreeMap::from([
                        ("Name".to_string(), s(&d.name)),
                        ("Version".to_string(), s(&d.version)),
                        ("Repository".to_string(), s(&d.repository)),
                        ("Condition".to_string(), s(&d.condition)),
                        ("Tags".to_string(), strings(&d.tags)),
                        ("Enabled".to_string(), GoValue::Bool(d.enabled)),
                        ("ImportValues".to_string(), GoValue::list(Vec::new())),
                        ("Alias".to_string(), s(&d.alias)),
                    ]))
                })
                .collect(),
        ),
    );
    m.insert("Type".into(), s(&md.chart_type));
    m.insert("IsRoot".into(), GoValue::Bool(is_root));
    GoValue::map(m)
}

struct Collected {
    /// (Helm name, template file, data for the chart without `Template`).
    templates: Vec<(String, TemplateFile, Arc<BTreeMap<String, GoValue>>, bool)>,
    crds: Vec<(String, String, Arc<String>)>,
}

#[allow(clippy::too_many_arguments)]
fn collect(
    vc: &ValuesChart<'_>,
    parent_values: Option<&GoValue>,
    full_path: &str,
    location: &str,
    scope: Vec<String>,
    release: &GoValue,
    caps: &GoValue,
    root_values: &GoValue,
    out: &mut Collected,
) -> GoValue {
    let is_root = parent_values.is_none();
    let values = if is_root {
        root_values.clone()
    } else {
        match parent_values {
            Some(GoValue::Map(m)) => match m.entries.get(&vc.name) {
                Some(v @ GoValue::Map(_)) => v.clone(),
                _ => GoValue::map(BTreeMap::new()),
            },
            _ => GoValue::map(BTreeMap::new()),
        }
    };
    let mut subcharts = BTreeMap::new();
    for d in &vc.dependencies {
        let sub_full = format!("{full_path}/charts/{}", d.name);
        let sub_loc = if d.chart.location.is_empty() {
            format!("charts/{}", d.name)
        } else {
            d.chart.location.clone()
        };
        let mut sub_scope = scope.clone();
        sub_scope.push(d.name.clone());
        let next = collect(
            d,
            Some(&values),
            &sub_full,
            &sub_loc,
            sub_scope,
            release,
            caps,
            root_values,
            out,
        );
        subcharts.insert(d.name.clone(), next);
    }
    let mut data = BTreeMap::new();
    data.insert("Chart".to_string(), chart_map(vc.chart, &vc.name, is_root));
    data.insert(
        "Files".to_string(),
        GoValue::object(Files::new(&vc.chart.files)),
    );
    data.insert("Release".to_string(), release.clone());
    data.insert("Capabilities".to_string(), caps.clone());
    data.insert("Values".to_string(), values);
    data.insert("Subcharts".to_string(), GoValue::map(subcharts));
    let data = Arc::new(data);
    let library = vc.chart.is_library();
    for t in &vc.chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        let name = format!("{full_path}/{}", t.name);
        let file = TemplateFile {
            name: name.clone(),
            location: if location.is_empty() {
                t.name.clone()
            } else {
                format!("{location}/{}", t.name)
            },
            text: t.shared_text(),
            values_scope: scope.clone(),
        };
        out.templates
            .push((name, file, Arc::clone(&data), base.starts_with('_')));
    }
    for f in vc.chart.crd_files() {
        let loc = if location.is_empty() {
            f.name.clone()
        } else {
            format!("{location}/{}", f.name)
        };
        out.crds
            .push((format!("{full_path}/{}", f.name), loc, f.shared_text()));
    }
    GoValue::Map(Arc::new(stockade_gotemplate::Map {
        named: None,
        elem: Arc::from(stockade_gotemplate::value::ANY),
        entries: (*data).clone().into(),
    }))
}

/// Helm's `sortTemplates`: deepest paths first, then reverse name order.
pub fn helm_order(names: &mut [String]) {
    // Each name's depth is counted once, not at every comparison.
    names.sort_by_cached_key(|n| {
        std::cmp::Reverse((n.bytes().filter(|&b| b == b'/').count(), n.clone()))
    });
}

/// Render `chart` with `opts`. `Err` for what stops Helm before any template
/// runs (values, dependencies, schema, a template that does not parse);
/// execution failures are in [`Render::errors`].
pub fn render(
    chart: &Chart,
    opts: &HelmOptions,
    settings: &RenderSettings,
) -> Result<Render, HelmError> {
    // Template execution recurses (includes, nested actions): give it a stack
    // the depth budget fits in, whatever thread the caller runs on.
    #[cfg(not(target_arch = "wasm32"))]
    {
        // A renderer that stops (a panic, which is a bug) is an error of this
        // chart, not of the caller.
        stockade_source::parallel::with_stack(RENDER_STACK, || render_here(chart, opts, settings))
            .unwrap_or_else(|_| {
                Err(HelmError::new(
                    HelmErrorKind::Limit,
                    "rendering template failed: the renderer stopped",
                ))
            })
    }
    #[cfg(target_arch = "wasm32")]
    render_here(chart, opts, settings)
}

/// The engine's budgets on the rendering thread: Helm's include depth (1000
/// of one name) fits in its stack.
pub fn default_limits() -> stockade_gotemplate::Limits {
    #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
    let mut l = stockade_gotemplate::Limits::default();
    #[cfg(not(target_arch = "wasm32"))]
    {
        l.max_stack = RENDER_STACK / 4 * 3;
        l.max_depth = l.max_depth.max(crate::funcs::RECURSION_MAX + 200);
    }
    l
}

/// A thread more for parsing templates per this many files (a small chart
/// parses faster than a thread starts).
const PARSE_FILES_PER_THREAD: usize = 16;

/// A thread more for executing templates per this many files.
const EXEC_FILES_PER_THREAD: usize = 8;

/// Stack of each thread executing templates: the rendering thread's, which
/// [`default_limits`]' stack budget is measured against.
#[cfg(not(target_arch = "wasm32"))]
const EXEC_STACK: usize = RENDER_STACK;
#[cfg(target_arch = "wasm32")]
const EXEC_STACK: usize = 0;

/// Stack of the rendering thread.
#[cfg(not(target_arch = "wasm32"))]
const RENDER_STACK: usize = 256 << 20;

fn render_here(
    chart: &Chart,
    opts: &HelmOptions,
    settings: &RenderSettings,
) -> Result<Render, HelmError> {
    let display_root = if settings.display_root.is_empty() {
        chart.name().to_string()
    } else {
        settings.display_root.clone()
    };
    let mut sources = ValuesSources::default();
    let mut tree = values_chart(
        chart,
        &mut sources,
        &display_root,
        opts.helm_line == HelmLine::V3,
    )?;
    let user = opts.user_values(&mut sources)?;
    let mut warnings: Warnings = Vec::new();
    process_dependencies(&mut tree, &user, true, &mut warnings).map_err(|e| HelmError {
        message: format!("chart dependencies processing failed: {}", e.message),
        ..e
    })?;
    let caps =
        Capabilities::new(opts.kube_version.as_deref(), &opts.api_versions).map_err(|e| {
            HelmError::new(
                HelmErrorKind::Values,
                format!(
                    "invalid kube version '{}': {e}",
                    opts.kube_version.clone().unwrap_or_default()
                ),
            )
        })?;
    if !chart.metadata.kube_version.is_empty()
        && !crate::semver::is_compatible_range(
            &chart.metadata.kube_version,
            &caps.kube_version.normalized,
        )
    {
        return Err(HelmError::new(
            HelmErrorKind::Chart,
            format!(
                "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
                chart.metadata.kube_version, caps.kube_version.version
            ),
        ));
    }
    let values = coalesce_chart(&tree, &user, false, &mut warnings)?;
    crate::schema::validate_tree(&tree, &values)?;

    let release = GoValue::map(BTreeMap::from([
        (
            "Name".to_string(),
            GoValue::string(opts.release_name.as_str()),
        ),
        (
            "Namespace".to_string(),
            GoValue::string(opts.namespace.as_str()),
        ),
        ("IsUpgrade".to_string(), GoValue::Bool(opts.is_upgrade)),
        ("IsInstall".to_string(), GoValue::Bool(!opts.is_upgrade)),
        ("Revision".to_string(), GoValue::int(1)),
        ("Service".to_string(), GoValue::string("Helm")),
    ]));
    let caps_value = GoValue::object(caps);
    let root_values = to_go(&Value::map(values.clone()));
    let mut collected = Collected {
        templates: Vec::new(),
        crds: Vec::new(),
    };
    collect(
        &tree,
        None,
        &tree.name,
        "",
        Vec::new(),
        &release,
        &caps_value,
        &root_values,
        &mut collected,
    );

    let mut set = Template::new("gotpl");
    set.limits(settings.limits.unwrap_or_else(default_limits));
    let missing = if settings.mode.strict {
        "missingkey=error"
    } else {
        "missingkey=zero"
    };
    let _ = set.option(missing);
    set.funcs(crate::engine_funcs(settings.mode));
    let mut names: Vec<String> = collected.templates.iter().map(|t| t.0.clone()).collect();
    helm_order(&mut names);
    let by_name: BTreeMap<&str, &(String, TemplateFile, Arc<BTreeMap<String, GoValue>>, bool)> =
        collected
            .templates
            .iter()
            .map(|t| (t.0.as_str(), t))
            .collect();
    // Every file parses on its own (on every core: a large chart has
    // megabytes of templates); the trees join the set in Helm's order, and
    // the first file in that order that does not parse stops the render.
    let texts: Vec<(&str, &TemplateFile)> = names
        .iter()
        .filter_map(|name| {
            by_name
                .get(name.as_str())
                .map(|(_, file, _, _)| (name.as_str(), file))
        })
        .collect();
    let threads = stockade_source::parallel::threads_for(texts.len(), PARSE_FILES_PER_THREAD);
    let parsed = stockade_source::parallel::map(&texts, threads, |(name, file)| {
        set.parse_trees(name, &file.text)
    });
    for ((name, file), trees) in texts.iter().zip(parsed) {
        match trees {
            Ok(trees) => {
                for tree in trees {
                    set.add_parse_tree(tree);
                }
            }
            Err(e) => {
                let line_start = line_offset(&file.text, e.line);
                return Err(HelmError::new(
                    HelmErrorKind::Template,
                    parse_error_message(name, &e.to_string()),
                )
                .at(
                    join_path(&display_root, "", &file.location),
                    Some(stockade_source::Span::from_range(line_start..line_start)),
                ));
            }
        }
    }
    // Each template executes on its own (the set and the values are only
    // read; `tpl` parses into a copy), so on every core, each worker with the
    // rendering thread's stack; results are taken in Helm's order, so the
    // first error is the one Helm reports.
    let jobs: Vec<&(String, TemplateFile, Arc<BTreeMap<String, GoValue>>, bool)> = names
        .iter()
        .filter_map(|name| by_name.get(name.as_str()).copied())
        .filter(|(_, _, _, partial)| !*partial)
        .collect();
    let threads = stockade_source::parallel::threads_for(jobs.len(), EXEC_FILES_PER_THREAD);
    let executed = stockade_source::parallel::map_with_stack(&jobs, threads, EXEC_STACK, |job| {
        let (name, _, data, _) = *job;
        let mut entries = (**data).clone();
        let base_path = name
            .rsplit_once("/templates/")
            .map_or_else(String::new, |(chart, _)| format!("{chart}/templates"));
        entries.insert(
            "Template".to_string(),
            GoValue::map(BTreeMap::from([
                ("Name".to_string(), GoValue::string(name.as_str())),
                ("BasePath".to_string(), GoValue::string(base_path)),
            ])),
        );
        let data = GoValue::map(entries);
        let mut out = String::new();
        let mut rec = Pieces::default();
        match set.execute_traced(name, &data, &mut out, &mut rec) {
            Ok(()) => Ok(finish_output(name, out, rec)),
            Err(e) => Err(exec_error(name, &e, &display_root, &collected.templates)),
        }
    });
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut first_error = None;
    for result in executed {
        match result {
            Ok(file) => files.push(file),
            Err(err) => {
                if first_error.is_none() {
                    first_error = Some(err.clone());
                }
                errors.push(err);
            }
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let templates = collected
        .templates
        .into_iter()
        .map(|(n, f, _, _)| (n, f))
        .collect();
    // A large chart's parsed templates are hundreds of thousands of small
    // allocations: freed while the work that follows goes on.
    stockade_source::parallel::dispose(set);
    Ok(Render {
        chart_name: tree.name.clone(),
        files,
        errors,
        first_error,
        values,
        sources,
        templates,
        crds: collected.crds,
        warnings,
    })
}

fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// Helm's `cleanupParseError`.
pub fn parse_error_message(name: &str, err: &str) -> String {
    let tokens: Vec<&str> = err.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({name}): {err}");
    }
    let location = tokens.get(1).copied().unwrap_or_default();
    let msg = tokens.last().copied().unwrap_or_default();
    format!("parse error at ({location}): {msg}")
}

/// The tracer of a render: each piece as [`Piece`] with its file name shared
/// (a template printing a million short pieces keeps one copy of the name,
/// not two strings per piece).
#[derive(Default)]
struct Pieces {
    pieces: Vec<Piece>,
}

impl Tracer for Pieces {
    fn piece(&mut self, p: &TracedPiece<'_>) {
        let parse_name = match self.pieces.last() {
            Some(last) if *last.parse_name == *p.parse_name => Arc::clone(&last.parse_name),
            _ => Arc::from(p.parse_name),
        };
        self.pieces.push(Piece {
            output: p.output.clone(),
            parse_name,
            offset: p.pos.offset,
            kind: p.kind,
            paths: p.paths.to_vec(),
        });
    }
}

/// The output with `<no value>` removed (Go's `strings.ReplaceAll`) and the
/// pieces moved accordingly.
fn finish_output(name: &str, raw: String, rec: Pieces) -> RenderedFile {
    const NV: &str = "<no value>";
    let removed: Vec<usize> = memchr::memmem::find_iter(raw.as_bytes(), NV).collect();
    // Nearly every output has none, and moves as it is.
    let text = if removed.is_empty() {
        raw
    } else {
        raw.replace(NV, "")
    };
    let map = |x: usize| -> usize {
        let before = removed.partition_point(|&r| r + NV.len() <= x);
        let inside = removed.get(before).is_some_and(|&r| r < x);
        let base = x - before * NV.len();
        if inside {
            removed.get(before).map_or(base, |&r| r - before * NV.len())
        } else {
            base
        }
    };
    let pieces = rec
        .pieces
        .into_iter()
        .map(|p| Piece {
            output: map(p.output.start)..map(p.output.end),
            ..p
        })
        .filter(|p| !p.output.is_empty())
        .collect();
    RenderedFile {
        name: name.to_string(),
        text,
        pieces,
    }
}

/// The output with what follows a `---` on its line (`---# comment`,
/// `---apiVersion: v1`) moved to a line of its own, pieces moved with it:
/// Helm splits documents on `^---` whatever follows, and so a YAML reader
/// then sees the documents Helm sees. An output without such a marker is
/// returned as it is.
pub fn split_document_markers(f: &RenderedFile) -> std::borrow::Cow<'_, RenderedFile> {
    let bytes = f.text.as_bytes();
    let mut inserts: Vec<usize> = Vec::new();
    let mut at = 0usize;
    let finder = memchr::memmem::Finder::new("---");
    while let Some(i) = bytes.get(at..).and_then(|r| finder.find(r)) {
        let pos = at + i;
        let line_start = pos == 0 || bytes.get(pos - 1) == Some(&b'\n');
        let next = bytes.get(pos + 3).copied();
        if line_start && next.is_some_and(|c| !matches!(c, b'\n' | b'\r' | b' ' | b'\t' | b'-')) {
            inserts.push(pos + 3);
        }
        at = pos + 3;
    }
    if inserts.is_empty() {
        // Nearly every output: no copy of its text and pieces.
        return std::borrow::Cow::Borrowed(f);
    }
    let mut text = String::with_capacity(f.text.len() + inserts.len());
    let mut last = 0;
    for &i in &inserts {
        text.push_str(f.text.get(last..i).unwrap_or_default());
        text.push('\n');
        last = i;
    }
    text.push_str(f.text.get(last..).unwrap_or_default());
    // An insertion at a piece's end belongs after the piece.
    let shift =
        |x: usize, end: bool| x + inserts.partition_point(|&i| if end { i < x } else { i <= x });
    let pieces = f
        .pieces
        .iter()
        .map(|p| Piece {
            output: shift(p.output.start, false)..shift(p.output.end, true),
            ..p.clone()
        })
        .collect();
    std::borrow::Cow::Owned(RenderedFile {
        name: f.name.clone(),
        text,
        pieces,
    })
}

/// Helm's `reformatExecErrorMsg` on an execution error, located in the
/// template file (and line) it names.
fn exec_error(
    name: &str,
    e: &ExecError,
    display_root: &str,
    templates: &[(String, TemplateFile, Arc<BTreeMap<String, GoValue>>, bool)],
) -> HelmError {
    let text = e.to_string();
    let message = if e.is_limit() {
        text.clone()
    } else {
        helm_exec_message(name, &text)
    };
    let kind = if e.is_limit() {
        HelmErrorKind::Limit
    } else {
        HelmErrorKind::Template
    };
    let mut err = HelmError::new(kind, message);
    let file = e.parse_name.as_str();
    if let Some((_, t, _, _)) = templates
        .iter()
        .find(|t| t.0 == file)
        .or_else(|| templates.iter().find(|t| t.0 == name))
    {
        let span = e
            .pos
            .map(|p| stockade_source::Span::from_range(p.offset..p.offset));
        err = err.at(join_path(display_root, "", &t.location), span);
    }
    err
}

/// The message Helm prints for a template execution error (`err.Error()`).
pub fn helm_exec_message(filename: &str, err: &str) -> String {
    let tokens: Vec<&str> = err.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {err}");
    }
    let location = tokens.get(1).copied().unwrap_or_default();
    let rest = tokens.get(2).copied().unwrap_or_default();
    if let (Some(s), Some(e)) = (rest.find(funcs::WARN_START), rest.rfind(funcs::WARN_END)) {
        if let Some(msg) = rest.get(s + funcs::WARN_START.len()..e) {
            return format!("execution error at ({location}): {msg}");
        }
    }
    // The chain of wrapped errors: each "error calling NAME: " wraps the next
    // when that one is a template error too.
    let mut traces: Vec<(String, String, String)> = Vec::new();
    let mut current = err.to_string();
    loop {
        let Some(t) = parse_traceable(&current) else {
            return err.to_string();
        };
        if traces.last() != Some(&t) {
            traces.push(t);
        }
        // Unwrap: the function's error, when it is itself a template error.
        let Some(idx) = current.find("error calling ") else {
            break;
        };
        let after = current
            .get(idx + "error calling ".len()..)
            .unwrap_or_default();
        let Some(colon) = after.find(": ") else { break };
        let inner = after.get(colon + 2..).unwrap_or_default();
        if !inner.starts_with("template: ") {
            return err.to_string();
        }
        current = inner.to_string();
    }
    let mut out = String::new();
    for (location, function, message) in traces {
        if !location.is_empty() {
            out.push_str(&format!("{location}\n  "));
        }
        if !function.is_empty() {
            out.push_str(&format!("{function}\n    "));
        }
        if !message.is_empty() {
            out.push_str(&format!("{message}\n"));
        }
    }
    out.trim().to_string()
}

fn parse_traceable(s: &str) -> Option<(String, String, String)> {
    let remainder = s.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        return Some((String::new(), String::new(), s.to_string()));
    }
    if let Some((template_name, after)) = remainder.split_once(": executing ") {
        if let Some(after) = after.strip_prefix('"') {
            if let Some(end) = after.find('"') {
                let function_name = after.get(..end).unwrap_or_default();
                let after_func = after.get(end + 1..).unwrap_or_default();
                if let Some(after_at) = after_func.strip_prefix(" at <") {
                    if let Some((location_name, msg)) = after_at.split_once(">: ") {
                        let msg = msg
                            .find(" template:")
                            .map_or(msg, |c| msg.get(..c).unwrap_or(msg));
                        return Some((
                            template_name.to_string(),
                            format!("executing \"{function_name}\" at <{location_name}>:"),
                            msg.to_string(),
                        ));
                    }
                }
            }
        }
        return None;
    }
    let sep = remainder.rfind(": ")?;
    let template_name = remainder.get(..sep).unwrap_or_default();
    let msg = remainder.get(sep + 2..).unwrap_or_default();
    let msg = msg
        .find(" template:")
        .map_or(msg, |c| msg.get(..c).unwrap_or(msg));
    Some((template_name.to_string(), String::new(), msg.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]
    use super::*;

    #[test]
    fn document_markers_with_text_after_them_are_split() {
        let f = RenderedFile {
            name: "c/templates/a.yaml".into(),
            text: "a: 1\n---# c\nb: 2\n".into(),
            pieces: vec![Piece {
                output: 0..18,
                parse_name: "c/templates/a.yaml".into(),
                offset: 0,
                kind: PieceKind::Text,
                paths: Vec::new(),
            }],
        };
        let s = split_document_markers(&f);
        assert_eq!(s.text, "a: 1\n---\n# c\nb: 2\n");
        assert_eq!(s.pieces[0].output, 0..19);
        let stream = stockade_yaml::parse_stream(&s.text, &stockade_yaml::Limits::default());
        assert_eq!(stream.problems().count(), 0);
        // An output with no such marker is used as it is, not copied.
        let plain = RenderedFile {
            text: "a: 1\n---\nb: 2\n".into(),
            ..f.clone()
        };
        assert!(matches!(
            split_document_markers(&plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// Enough templates to be parsed on several threads: each includes a
    /// define of another file, a define given twice keeps Helm's last, and of
    /// two files that do not parse, the first in Helm's order is reported.
    #[test]
    fn templates_parsed_apart_make_the_set_parsing_in_turn_makes() {
        use std::collections::BTreeMap;
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        files.insert(
            "Chart.yaml".into(),
            b"apiVersion: v2\nname: c\nversion: 1.0.0\n".to_vec(),
        );
        let n = 80;
        for i in 0..n {
            let text = format!(
                "{{{{- define \"d{i}\" }}}}v{i}{{{{ end }}}}{{{{ define \"twice\" }}}}t{i}{{{{ end -}}}}\nk{i}: {{{{ include \"d{}\" . }}}}-{{{{ include \"twice\" . }}}}\n",
                (i + 1) % n
            );
            files.insert(format!("templates/t{i:02}.yaml"), text.into_bytes());
        }
        let chart = Chart::from_dir_files(files.clone(), &crate::ArchiveLimits::default()).unwrap();
        let out = render(&chart, &HelmOptions::default(), &RenderSettings::default()).unwrap();
        assert_eq!(out.files.len(), n);
        // Helm's order is reverse name order: t00's define of `twice` comes last.
        for f in &out.files {
            let i: usize = f
                .name
                .trim_start_matches("c/templates/t")
                .trim_end_matches(".yaml")
                .parse()
                .unwrap();
            assert_eq!(f.text, format!("k{i}: v{}-t0\n", (i + 1) % n), "{}", f.name);
        }
        files.insert("templates/t10.yaml".into(), b"{{ if }}".to_vec());
        files.insert("templates/t70.yaml".into(), b"{{ end }}".to_vec());
        let chart = Chart::from_dir_files(files, &crate::ArchiveLimits::default()).unwrap();
        let err = render(&chart, &HelmOptions::default(), &RenderSettings::default()).unwrap_err();
        assert!(
            err.message.contains("c/templates/t70.yaml"),
            "{}",
            err.message
        );
    }

    #[test]
    fn helm_error_texts() {
        assert_eq!(
            helm_exec_message("missing_required", "template: missing_required:1:2: executing \"missing_required\" at <required \"foo is required\" .Values.foo>: error calling required: HELM_ERR_STARTfoo is requiredHELM_ERR_END"),
            "execution error at (missing_required:1:2): foo is required"
        );
        assert_eq!(
            helm_exec_message("c/t/a.yaml", "template: c/t/a.yaml:7:38: executing \"c/t/a.yaml\" at <b64enc>: invalid value; expected string"),
            "c/t/a.yaml:7:38\n  executing \"c/t/a.yaml\" at <b64enc>:\n    invalid value; expected string"
        );
        assert_eq!(
            helm_exec_message("a", "template: a:1:3: executing \"a\" at <include \"b\" .>: error calling include: template: b:2:4: executing \"b\" at <.x.y>: nil pointer evaluating interface {}.y"),
            "a:1:3\n  executing \"a\" at <include \"b\" .>:\n    error calling include:\nb:2:4\n  executing \"b\" at <.x.y>:\n    nil pointer evaluating interface {}.y"
        );
        assert_eq!(
            parse_error_message(
                "undefined_function",
                "template: undefined_function:1: function \"foo\" not defined"
            ),
            "parse error at (undefined_function:1): function \"foo\" not defined"
        );
        let mut names = vec![
            "c/templates/a.yaml".to_string(),
            "c/charts/s/templates/b.yaml".to_string(),
            "c/templates/z.yaml".to_string(),
        ];
        helm_order(&mut names);
        assert_eq!(
            names,
            [
                "c/charts/s/templates/b.yaml",
                "c/templates/z.yaml",
                "c/templates/a.yaml"
            ]
        );
    }
}
