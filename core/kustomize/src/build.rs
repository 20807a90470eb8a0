//! The build: kustomizations loaded, resources accumulated, generators and
//! transformers run in kustomize's order, names hashed and references fixed,
//! output ordered.

use std::collections::HashMap;
use std::fmt::Write as _;

use stockade_source::origin::OriginRole;
use stockade_source::source::Span;
use stockade_yaml::Limits;

use crate::emit::{self, Placed};
use crate::error::KustomizeError;
use crate::files::{self, FileSource};
use crate::generate;
use crate::jsonpatch;
use crate::node::{self, KNode, KVal, Loc};
use crate::schema::{self, FieldSpec};
use crate::smp;
use crate::transform::{self, By, ImageRule};

/// Output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reorder {
    /// kustomize's legacy order (Namespaces first, …), what `kubectl kustomize`
    /// does unless the kustomization has `sortOptions`.
    #[default]
    Legacy,
    /// Input order.
    None,
}

/// Build options.
#[derive(Debug, Clone)]
pub struct Options {
    pub reorder: Reorder,
    /// kustomize's default load restriction: files only from within the
    /// kustomization's folder.
    pub root_only: bool,
    /// Nesting limit of kustomizations (64 by default; a deeper chain is a
    /// `Limit` error). Each level is a recursion of the build, so the limit
    /// also bounds its stack use (64 levels fit a 2 MiB thread stack in a
    /// debug build).
    pub max_depth: usize,
    /// Most resources one kustomization may hold once built (20,000 by
    /// default; more is a `Limit` error at that kustomization). Two overlays of
    /// one base in each of twenty nested folders make a million objects from a
    /// few kilobytes of input, as kubectl builds them too; the limit stops that
    /// at a size no real build reaches.
    pub max_resources: usize,
    /// The Helm renderer for `helmCharts` (`kubectl kustomize
    /// --enable-helm`); `None`: `helmCharts` is an error, as without the flag.
    pub helm: Option<crate::helm::HelmHook>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            reorder: Reorder::Legacy,
            root_only: true,
            max_depth: 64,
            max_resources: 20_000,
            helm: None,
        }
    }
}

/// One built resource.
#[derive(Debug, Clone)]
pub struct Resource {
    pub node: KNode,
    /// `(namespace, name)` it had, oldest first (the current one last).
    names: Vec<(String, String)>,
    needs_hash: bool,
    /// The kustomization file that created it (generators) or the file it was read from.
    pub file: u32,
    /// Identity within the build (vars bind to it).
    uid: usize,
    /// Name prefixes and suffixes applied, innermost first.
    affixes: Vec<(String, String)>,
    /// `buildMetadata`: where it came from, and the transformers that ran on it
    /// (the texts of kustomize's origin and transformations annotations).
    origin: Option<String>,
    transformations: Vec<String>,
    /// Whether kustomize's previous ids of the object include its current name
    /// (a namespace transformer ran after its last rename).
    current_is_previous: bool,
    /// Kinds it had before a patch changed its kind.
    prev_kinds: Vec<String>,
}

impl Resource {
    fn kind(&self) -> &str {
        self.node.get_str("kind").unwrap_or("")
    }
    fn api_version(&self) -> &str {
        self.node.get_str("apiVersion").unwrap_or("")
    }
    fn name(&self) -> String {
        self.node
            .path(&["metadata", "name"])
            .and_then(KNode::scalar_text)
            .unwrap_or_default()
    }
    fn namespace(&self) -> String {
        self.node
            .path(&["metadata", "namespace"])
            .and_then(KNode::scalar_text)
            .unwrap_or_default()
    }
    fn group(&self) -> &str {
        transform::split_api_version(self.api_version()).0
    }
    fn remember(&mut self) {
        let cur = (self.namespace(), self.name());
        if self.names.last() != Some(&cur) {
            self.names.push(cur);
        }
    }
    fn set_name(&mut self, name: String, by: By) {
        self.remember();
        self.current_is_previous = false;
        if let Some(meta) = self.node.entry_map("metadata", Some(by)) {
            let base = meta.get("name").and_then(|n| n.base);
            let mut n = KNode::str(name).with_by(Some(by));
            n.base = base;
            meta.set("name", n);
        }
        self.remember();
    }
    fn id(&self) -> String {
        format!(
            "{}.{}/{}.{}",
            self.kind(),
            self.api_version(),
            self.name(),
            self.namespace()
        )
    }
    /// The id two resources may not share (an empty namespace is `default`).
    fn conflict_id(&self) -> String {
        let ns = self.namespace();
        let ns = if ns.is_empty() {
            "default".to_string()
        } else {
            ns
        };
        format!("{}.{}/{}.{ns}", self.kind(), self.group(), self.name())
    }
    fn orig_name(&self) -> String {
        self.names
            .first()
            .map_or_else(|| self.name(), |(_, n)| n.clone())
    }
}

/// A built kustomization.
#[derive(Debug, Clone)]
pub struct Build {
    pub resources: Vec<Resource>,
    /// Every file the build read: `(path, text)`; [`Loc::file`] indexes it.
    pub files: Vec<(String, String)>,
}

impl Build {
    /// What `kubectl kustomize` prints.
    pub fn to_yaml(&self) -> String {
        self.render().0
    }

    /// The output and where each node of it landed.
    pub fn render(&self) -> (String, Vec<Placed>) {
        let mut out = String::new();
        let mut placed = Vec::new();
        for (i, r) in self.resources.iter().enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            let offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
            let mut p = Vec::new();
            out.push_str(&emit::render_doc(&r.node, &mut p));
            placed.extend(p.into_iter().map(|mut x| {
                x.start = x.start.saturating_add(offset);
                x.end = x.end.saturating_add(offset);
                x
            }));
        }
        (out, placed)
    }
}

/// Build the kustomization in folder `dir` of `files`.
#[allow(clippy::too_many_lines)] // kustomize's top-level steps, in its order
pub fn build(files: &dyn FileSource, dir: &str, opts: &Options) -> Result<Build, KustomizeError> {
    let dir = files::join("", dir).unwrap_or_default();
    let mut b = Builder {
        files,
        opts,
        table: Vec::new(),
        ids: HashMap::new(),
        stack: Vec::new(),
        vars: Vec::new(),
        uids: 0,
        cfg: schema::config().clone(),
        openapi: None,
        openapi_set: false,
        origin_annotations: false,
        transformer_annotations: false,
        top: dir.clone(),
    };
    let (mut res, kust) = b.accumulate(&dir, Vec::new(), false)?;
    // Hash suffixes.
    for r in &mut res {
        if r.needs_hash {
            let h = generate::hash(&r.node);
            let name = format!("{}-{h}", r.name());
            let by = (
                Loc {
                    file: r.file,
                    span: Span::new(0, 0),
                },
                OriginRole::Generator,
            );
            r.set_name(name, by);
        }
    }
    check_name_reference_maps(&res, &b.cfg)
        .map_err(|e| KustomizeError::invalid(if dir.is_empty() { "." } else { &dir }, e))?;
    fix_name_references(&mut res, &b.cfg)
        .map_err(|e| KustomizeError::invalid(if dir.is_empty() { "." } else { &dir }, e))?;
    resolve_vars(&mut res, &b.vars, &dir, &b.cfg)?;
    for r in &mut res {
        stringify_annotations(&mut r.node, &b.table);
    }
    res.retain(|r| {
        r.node
            .path(&[
                "metadata",
                "annotations",
                "config.kubernetes.io/local-config",
            ])
            .and_then(KNode::scalar_text)
            .as_deref()
            != Some("true")
    });
    if b.origin_annotations || b.transformer_annotations {
        for r in &mut res {
            let mut add: Vec<(&str, String)> = Vec::new();
            if b.origin_annotations {
                if let Some(o) = &r.origin {
                    add.push(("config.kubernetes.io/origin", o.clone()));
                }
            }
            if b.transformer_annotations && !r.transformations.is_empty() {
                add.push((
                    "alpha.config.kubernetes.io/transformations",
                    r.transformations.concat(),
                ));
            }
            if let Some(ann) = r
                .node
                .entry_map("metadata", None)
                .and_then(|m| m.entry_map("annotations", None))
            {
                for (key, v) in add {
                    ann.set(key, KNode::str(v));
                }
            }
        }
    }
    // kustomize's output is a JSON round trip: infinities and NaN fail it.
    for r in &res {
        if has_non_finite(&r.node) {
            return Err(KustomizeError::invalid(
                &dir,
                format!(
                    "{}: json: unsupported value: a float that is infinite or NaN",
                    r.id()
                ),
            ));
        }
    }
    // Order.
    let sort = kust.get("sortOptions");
    match sort {
        Some(s) => match s.get_str("order") {
            Some("legacy") => {
                let first = strings(s.path(&["legacySortOptions", "orderFirst"]));
                let last = strings(s.path(&["legacySortOptions", "orderLast"]));
                if s.get("legacySortOptions").is_some() {
                    legacy_sort(&mut res, &first, &last);
                } else {
                    legacy_sort(&mut res, &default_first(), &default_last());
                }
            }
            Some("fifo") => {}
            _ => {
                return Err(KustomizeError::invalid(
                    &dir,
                    "sortOptions: the field 'sortOptions.order' must be one of [fifo, legacy]",
                ))
            }
        },
        None => {
            if opts.reorder == Reorder::Legacy {
                legacy_sort(&mut res, &default_first(), &default_last());
            }
        }
    }
    Ok(Build {
        resources: res,
        files: b.table,
    })
}

/// The id of a resource a validator changed (`before` → `after`), if any.
fn changed_resource(before: &[Resource], after: &[Resource]) -> Option<String> {
    if before.len() != after.len() {
        return Some(format!(
            "lists have different number of entries: {} and {}",
            before.len(),
            after.len()
        ));
    }
    before
        .iter()
        .zip(after)
        .find(|(a, b)| a.node != b.node)
        .map(|(a, _)| format!("nodes unequal: {}", a.id()))
}

fn strings(n: Option<&KNode>) -> Vec<String> {
    n.and_then(KNode::as_seq)
        .map(|s| s.iter().filter_map(KNode::scalar_text).collect())
        .unwrap_or_default()
}

fn default_first() -> Vec<String> {
    [
        "Namespace",
        "ResourceQuota",
        "StorageClass",
        "CustomResourceDefinition",
        "ServiceAccount",
        "PodSecurityPolicy",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "ConfigMap",
        "Secret",
        "Endpoints",
        "Service",
        "LimitRange",
        "PriorityClass",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Deployment",
        "StatefulSet",
        "CronJob",
        "PodDisruptionBudget",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

fn default_last() -> Vec<String> {
    vec![
        "MutatingWebhookConfiguration".to_string(),
        "ValidatingWebhookConfiguration".to_string(),
    ]
}

fn legacy_sort(res: &mut [Resource], first: &[String], last: &[String]) {
    let order = |kind: &str| -> i64 {
        let n = i64::try_from(first.len()).unwrap_or(0);
        if let Some(i) = first.iter().position(|k| k == kind) {
            return -n + i64::try_from(i).unwrap_or(0);
        }
        if let Some(i) = last.iter().position(|k| k == kind) {
            return 1 + i64::try_from(i).unwrap_or(0);
        }
        0
    };
    let gvk_str = |r: &Resource| {
        let (g, v) = transform::split_api_version(r.api_version());
        (or(g, "~G"), or(v, "~V"), or(r.kind(), "~K"))
    };
    let id_str = |r: &Resource| {
        let (g, v) = transform::split_api_version(r.api_version());
        format!(
            "{}.{}.{}|{}|{}",
            or(r.kind(), "[noKind]"),
            or(v, "[noVer]"),
            or(g, "[noGrp]"),
            or(&r.namespace(), "~X"),
            or(&r.name(), "~N")
        )
    };
    res.sort_by(|a, b| {
        let (ga, gb) = (gvk_str(a), gvk_str(b));
        if ga != gb {
            let (oa, ob) = (order(a.kind()), order(b.kind()));
            if oa != ob {
                return oa.cmp(&ob);
            }
            let sa = format!("{}_{}_{}", ga.0, ga.1, ga.2);
            let sb = format!("{}_{}_{}", gb.0, gb.1, gb.2);
            if a.kind() == "Namespace"
                && b.kind() == "Namespace"
                && (a.group().is_empty() || b.group().is_empty())
            {
                return sb.cmp(&sa);
            }
            return sa.cmp(&sb);
        }
        id_str(a).cmp(&id_str(b))
    });
}

struct Builder<'a> {
    files: &'a dyn FileSource,
    opts: &'a Options,
    table: Vec<(String, String)>,
    ids: HashMap<String, u32>,
    stack: Vec<String>,
    /// Legacy `vars` of every kustomization built: (name, bound resource,
    /// fieldpath, place).
    vars: Vec<(String, Option<usize>, String, Loc)>,
    uids: usize,
    /// The transformer configuration: kustomize's built-in one, plus every
    /// `configurations` file read so far.
    cfg: schema::Config,
    /// A custom `OpenAPI` schema (`openapi: {path: …}`), over kyaml's.
    openapi: Option<std::sync::Arc<schema::Schema>>,
    /// A schema was chosen (custom or a built-in version): the first one set
    /// wins, so a base's schema does not override its overlay's choice.
    openapi_set: bool,
    /// `buildMetadata` of the top-level kustomization, and its folder.
    origin_annotations: bool,
    transformer_annotations: bool,
    top: String,
}

fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
        || entry.starts_with("git@")
        || entry.contains("?ref=")
}

impl Builder<'_> {
    /// `path` relative to the top-level kustomization's folder.
    fn relative(&self, path: &str) -> String {
        let top: Vec<&str> = self.top.split('/').filter(|p| !p.is_empty()).collect();
        let to: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let common = top.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut out: Vec<&str> = vec![".."; top.len() - common];
        out.extend(to.iter().skip(common));
        out.join("/")
    }

    /// One entry of the transformations annotation.
    fn transformation(&self, kpath: &str, kind: &str) -> String {
        format!(
            "- configuredIn: {}\n  configuredBy:\n    apiVersion: builtin\n    kind: {kind}\n",
            self.relative(kpath)
        )
    }

    /// The transformers a kustomization's fields configure, in the order
    /// kustomize runs them.
    fn transformer_entries(&self, kpath: &str, k: &KNode) -> Vec<String> {
        let count = |key: &str| k.get(key).and_then(KNode::as_seq).map_or(0, Vec::len);
        let mut out = Vec::new();
        if count("patchesStrategicMerge") > 0 {
            out.push(self.transformation(kpath, "PatchStrategicMergeTransformer"));
        }
        for _ in 0..count("patches") {
            out.push(self.transformation(kpath, "PatchTransformer"));
        }
        if k.get("namespace")
            .and_then(KNode::scalar_text)
            .is_some_and(|n| !n.is_empty())
        {
            out.push(self.transformation(kpath, "NamespaceTransformer"));
        }
        if k.get("namePrefix")
            .and_then(KNode::scalar_text)
            .is_some_and(|n| !n.is_empty())
        {
            out.push(self.transformation(kpath, "PrefixTransformer"));
        }
        if k.get("nameSuffix")
            .and_then(KNode::scalar_text)
            .is_some_and(|n| !n.is_empty())
        {
            out.push(self.transformation(kpath, "SuffixTransformer"));
        }
        let labels = count("labels");
        let common = k
            .get("commonLabels")
            .and_then(KNode::as_map)
            .map_or(0, Vec::len);
        if labels + common > 0 {
            for _ in 0..=labels {
                out.push(self.transformation(kpath, "LabelTransformer"));
            }
        }
        if k.get("commonAnnotations")
            .and_then(KNode::as_map)
            .is_some_and(|m| !m.is_empty())
        {
            out.push(self.transformation(kpath, "AnnotationsTransformer"));
        }
        for _ in 0..count("patchesJson6902") {
            out.push(self.transformation(kpath, "PatchJson6902Transformer"));
        }
        for _ in 0..count("replicas") {
            out.push(self.transformation(kpath, "ReplicaCountTransformer"));
        }
        for _ in 0..count("images") {
            out.push(self.transformation(kpath, "ImageTagTransformer"));
        }
        if count("replacements") > 0 {
            out.push(self.transformation(kpath, "ReplacementTransformer"));
        }
        out
    }

    /// The text of an inline patch or configuration, preceded by as many
    /// empty lines as come before it in its kustomization, so that its line
    /// numbers are the kustomization's (origins name the kustomization file;
    /// columns lack the block's indentation).
    fn inline_text(&self, node: &KNode, text: &str) -> String {
        let Some(loc) = node.base else {
            return text.to_string();
        };
        let Some((_, file)) = self.table.get(loc.file as usize) else {
            return text.to_string();
        };
        let before = file.get(..loc.span.start as usize).unwrap_or("");
        let mut lines = before.matches('\n').count();
        if file
            .get(loc.span.start as usize..)
            .is_some_and(|t| t.starts_with('|') || t.starts_with('>'))
        {
            lines += 1;
        }
        let mut out = "\n".repeat(lines);
        out.push_str(text);
        out
    }

    /// `helmCharts` (and the legacy `helmChartInflationGenerator`): each chart
    /// of the chart home rendered by the caller's Helm renderer, as
    /// kustomize's `HelmChartInflationGenerator` runs `helm template`.
    // One step of kustomize's build, kept whole to read against its source.
    #[allow(clippy::too_many_lines)]
    fn helm_charts(
        &mut self,
        dir: &str,
        kpath: &str,
        k: &KNode,
        ra: &mut Vec<Resource>,
    ) -> Result<(), KustomizeError> {
        let text = |n: &KNode, key: &str| {
            n.get(key)
                .and_then(KNode::scalar_text)
                .filter(|s| !s.is_empty())
        };
        let flag = |n: &KNode, key: &str| n.get(key).is_some_and(|v| v.v == KVal::Bool(true));
        let strs = |n: &KNode, key: &str| strings(n.get(key));
        let globals = k.get("helmGlobals");
        let mut home = globals.and_then(|g| text(g, "chartHome"));
        // the legacy field, as kustomize's FixKustomization reads it
        let mut charts: Vec<KNode> = k
            .get("helmCharts")
            .and_then(KNode::as_seq)
            .cloned()
            .unwrap_or_default();
        for old in k
            .get("helmChartInflationGenerator")
            .and_then(KNode::as_seq)
            .into_iter()
            .flatten()
        {
            let mut c = KNode::map();
            for (from, to) in [
                ("chartName", "name"),
                ("chartVersion", "version"),
                ("chartRepoUrl", "repo"),
                ("releaseName", "releaseName"),
                ("releaseNamespace", "namespace"),
                ("values", "valuesFile"),
                ("valuesLocal", "valuesInline"),
                ("valuesMerge", "valuesMerge"),
            ] {
                if let Some(v) = old.get(from) {
                    c.set(to, v.clone());
                }
            }
            if home.is_none() {
                home = text(old, "chartHome");
            }
            charts.push(c);
        }
        if charts.is_empty() {
            return Ok(());
        }
        let Some(hook) = self.opts.helm.clone() else {
            return Err(KustomizeError::Unsupported {
                path: kpath.to_string(),
                message: "`helmCharts` needs Helm, which this build was not given (kubectl: `must specify --enable-helm`)".into(),
            });
        };
        let home = home.unwrap_or_else(|| "charts".to_string());
        for c in &charts {
            let name = text(c, "name")
                .ok_or_else(|| KustomizeError::invalid(kpath, "chart name cannot be empty"))?;
            let merge = text(c, "valuesMerge").unwrap_or_else(|| "override".into());
            if !matches!(merge.as_str(), "merge" | "override" | "replace") {
                return Err(KustomizeError::invalid(
                    kpath,
                    "valuesMerge must be one of [merge override replace]",
                ));
            }
            let (version, repo) = (text(c, "version"), text(c, "repo"));
            let mut chart_home = self.resolve_path(dir, &home, kpath)?;
            if let (Some(v), Some(_)) = (&version, &repo) {
                chart_home = files::join(&chart_home, &format!("{name}-{v}")).unwrap_or(chart_home);
            }
            let chart_dir = files::join(&chart_home, &name).unwrap_or_else(|| name.clone());
            if !self.files.is_dir(&chart_dir) {
                return match repo {
                    Some(url) => Err(KustomizeError::Remote {
                        path: kpath.to_string(),
                        url: format!("{url} (helm pull {name})"),
                    }),
                    None => Err(KustomizeError::NotFound {
                        path: kpath.to_string(),
                        message: format!(
                            "no repo specified for pull, no chart found at '{chart_dir}'"
                        ),
                    }),
                };
            }
            let mut chart_files = files::FileMap::new();
            let prefix = format!("{chart_dir}/");
            for f in self.files.list(&chart_dir) {
                if let (Some(rel), Some(bytes)) = (f.strip_prefix(&prefix), self.files.read(&f)) {
                    chart_files.insert(rel.to_string(), bytes);
                }
            }
            // the values file kustomize writes
            let values_path = match text(c, "valuesFile") {
                Some(v) => {
                    let p = self.resolve_path(dir, &v, kpath)?;
                    self.check_root(dir, &p, kpath)?;
                    p
                }
                None => files::join(&chart_dir, "values.yaml").unwrap_or_default(),
            };
            let inline = c
                .get("valuesInline")
                .filter(|v| v.as_map().is_some_and(|m| !m.is_empty()));
            let values_text = match inline {
                Some(inline) => {
                    let merged = if merge == "replace" {
                        inline.clone()
                    } else {
                        let (id, t) = self.read(&values_path, kpath)?;
                        let chart_values = self
                            .parse_docs(&values_path, &t, id)?
                            .into_iter()
                            .next()
                            .unwrap_or_else(KNode::map);
                        // kyaml's merge2: `override` patches the chart's
                        // values with the inline ones, `merge` the other way.
                        let (mut dest, patch) = if merge == "override" {
                            (chart_values, inline.clone())
                        } else {
                            (inline.clone(), chart_values)
                        };
                        if !matches!(dest.v, KVal::Map(_)) {
                            dest = KNode::map();
                        }
                        let cx = smp::Ctx {
                            by: (
                                Loc {
                                    file: 0,
                                    span: Span::new(0, 0),
                                },
                                OriginRole::Generator,
                            ),
                            custom: None,
                            error: std::cell::RefCell::new(None),
                            texts: &self.table,
                        };
                        smp::merge_map(&mut dest, &patch, None, &cx);
                        if let Some(e) = cx.error.into_inner() {
                            return Err(KustomizeError::invalid(
                                kpath,
                                format!("could not merge values: {e}"),
                            ));
                        }
                        dest
                    };
                    merged.to_json().to_string()
                }
                None => self.read(&values_path, kpath)?.1,
            };
            let mut values_files = vec![(format!("{name}-kustomize-values.yaml"), values_text)];
            for extra in strs(c, "additionalValuesFiles") {
                let p = self.resolve_path(dir, &extra, kpath)?;
                self.check_root(dir, &p, kpath)?;
                let (_, t) = self.read(&p, kpath).map_err(|_| KustomizeError::NotFound {
                    path: kpath.to_string(),
                    message: format!("could not load additionalValuesFile: '{p}' not found"),
                })?;
                values_files.push((p, t));
            }
            let request = crate::helm::HelmChartRequest {
                chart_dir: chart_dir.clone(),
                chart_files,
                release_name: text(c, "releaseName"),
                name_template: text(c, "nameTemplate"),
                namespace: text(c, "namespace"),
                values_files,
                api_versions: strs(c, "apiVersions"),
                kube_version: text(c, "kubeVersion"),
                include_crds: flag(c, "includeCRDs"),
                skip_tests: flag(c, "skipTests"),
                skip_hooks: flag(c, "skipHooks"),
            };
            let out = hook
                .0
                .template(&request)
                .map_err(|m| KustomizeError::Invalid {
                    path: kpath.to_string(),
                    message: format!("helm template {chart_dir}: {m}"),
                })?;
            // The rendered text is a file of the build (origins point into it).
            let pseudo = format!("{chart_dir}#helm-template");
            let id = self.file_id(&pseudo, &out);
            let mut known: std::collections::HashSet<String> =
                ra.iter().map(Resource::conflict_id).collect();
            for item in self.parse_docs(&pseudo, &out, id)? {
                if item.as_map().is_none_or(Vec::is_empty) {
                    continue;
                }
                let mut r = self.resource(item, id, None);
                if !known.insert(r.conflict_id()) {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!(
                            "may not add resource with an already registered id: {}",
                            r.id()
                        ),
                    ));
                }
                r.remember();
                ra.push(r);
            }
        }
        Ok(())
    }

    fn next_uid(&mut self) -> usize {
        self.uids += 1;
        self.uids
    }

    /// A resource read from or made by `file`, with a new identity; no name
    /// history, affixes or transformations yet.
    fn resource(&mut self, node: KNode, file: u32, origin: Option<String>) -> Resource {
        Resource {
            node,
            names: Vec::new(),
            needs_hash: false,
            file,
            uid: self.next_uid(),
            affixes: Vec::new(),
            origin,
            transformations: Vec::new(),
            current_is_previous: false,
            prev_kinds: Vec::new(),
        }
    }

    fn file_id(&mut self, path: &str, text: &str) -> u32 {
        if let Some(id) = self.ids.get(path) {
            return *id;
        }
        let id = u32::try_from(self.table.len()).unwrap_or(u32::MAX);
        self.table.push((path.to_string(), text.to_string()));
        self.ids.insert(path.to_string(), id);
        id
    }

    fn read(&mut self, path: &str, from: &str) -> Result<(u32, String), KustomizeError> {
        let Some(bytes) = self.files.read(path) else {
            return Err(KustomizeError::NotFound {
                path: from.to_string(),
                message: format!("file '{path}' not found"),
            });
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok((self.file_id(path, &text), text))
    }

    /// Parse a YAML stream into nodes.
    fn parse_docs(&self, path: &str, text: &str, file: u32) -> Result<Vec<KNode>, KustomizeError> {
        self.parse_docs_with(path, text, file, false)
    }

    #[allow(clippy::unused_self)] // a method like its callers, for the build's state later
    fn parse_docs_with(
        &self,
        path: &str,
        text: &str,
        file: u32,
        lenient: bool,
    ) -> Result<Vec<KNode>, KustomizeError> {
        let mut stream = stockade_yaml::parse_stream(text, &Limits::default());
        if lenient
            && stream
                .problems()
                .any(|p| p.message.contains("already defined"))
        {
            // kyaml keeps the last of repeated keys; our reader refuses them.
            // Repeated top-level keys (a header written twice) are dropped.
            let cleaned = drop_repeated_top_level(text);
            stream = stockade_yaml::parse_stream(&cleaned, &Limits::default());
        }
        let mut quoted = None;
        if stream
            .problems()
            .any(|p| p.message.contains("already defined"))
        {
            // Keys YAML 1.1 reads as booleans (`yes:`, `on:`) are strings to
            // kyaml (YAML 1.2): two of them are no repeat. Read again with
            // those keys quoted (positions after them on their line shift).
            let q = quote_yaml11_bool_keys(text);
            if q != text {
                stream = stockade_yaml::parse_stream(&q, &Limits::default());
                quoted = Some(q);
            }
        }
        let text = quoted.as_deref().unwrap_or(text);
        let mut out = Vec::new();
        for d in stream.documents {
            match d.root {
                Ok(n) => {
                    if n.is_null() {
                        continue;
                    }
                    out.push(node::from_yaml(&n, file, text));
                }
                Err(p) => {
                    return Err(KustomizeError::Parse {
                        path: path.to_string(),
                        message: p.message.clone(),
                    })
                }
            }
        }
        Ok(out)
    }

    fn check_root(&self, root: &str, path: &str, from: &str) -> Result<(), KustomizeError> {
        if self.opts.root_only && !files::within(root, path) {
            return Err(KustomizeError::invalid(
                from,
                format!("security; file '{path}' is not in or below '{root}'"),
            ));
        }
        Ok(())
    }

    #[allow(clippy::unused_self)]
    fn resolve_path(&self, dir: &str, entry: &str, from: &str) -> Result<String, KustomizeError> {
        files::join(dir, entry).ok_or_else(|| {
            KustomizeError::invalid(
                from,
                format!("'{entry}' is outside the files given to the build"),
            )
        })
    }

    fn load_kustomization(&mut self, dir: &str) -> Result<(String, u32, KNode), KustomizeError> {
        let found: Vec<String> = files::KUSTOMIZATION_NAMES
            .iter()
            .map(|n| files::join(dir, n).unwrap_or_default())
            .filter(|p| self.files.is_file(p))
            .collect();
        let path = match found.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(KustomizeError::Missing(format!(
                    "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                    if dir.is_empty() { "." } else { dir }
                )))
            }
            _ => {
                return Err(KustomizeError::Missing(format!(
                    "Found multiple kustomization files under: {}",
                    if dir.is_empty() { "." } else { dir }
                )))
            }
        };
        let (id, text) = self.read(&path, dir)?;
        // A kustomization is read into a Go struct through JSON, where a
        // repeated key is not an error.
        let docs = self.parse_docs_with(&path, &text, id, true)?;
        let mut k = docs.into_iter().next().unwrap_or_else(KNode::map);
        if !matches!(k.v, KVal::Map(_)) {
            return Err(KustomizeError::Parse {
                path,
                message: "a kustomization must be a mapping".into(),
            });
        }
        fold_field_names(&mut k);
        Ok((path, id, k))
    }

    /// Accumulate the kustomization (or component) in `dir` onto `ra`.
    fn accumulate(
        &mut self,
        dir: &str,
        ra: Vec<Resource>,
        component: bool,
    ) -> Result<(Vec<Resource>, KNode), KustomizeError> {
        if self.stack.len() >= self.opts.max_depth {
            return Err(KustomizeError::Limit {
                path: dir.to_string(),
                message: format!(
                    "kustomizations nested more than {} deep",
                    self.opts.max_depth
                ),
            });
        }
        if let Some(i) = self.stack.iter().position(|d| d == dir) {
            let mut chain: Vec<String> = self.stack.get(i..).unwrap_or_default().to_vec();
            chain.push(dir.to_string());
            return Err(KustomizeError::Cycle {
                path: dir.to_string(),
                chain: chain.join(" -> "),
            });
        }
        self.stack.push(dir.to_string());
        let r = self.accumulate_inner(dir, ra, component);
        self.stack.pop();
        r
    }

    // One step of kustomize's build, kept whole to read against its source.
    #[allow(clippy::too_many_lines)]
    fn accumulate_inner(
        &mut self,
        dir: &str,
        mut ra: Vec<Resource>,
        component: bool,
    ) -> Result<(Vec<Resource>, KNode), KustomizeError> {
        let (kpath, kid, k) = self.load_kustomization(dir)?;
        let kind = k.get_str("kind").unwrap_or("Kustomization");
        if component && kind != "Component" {
            return Err(KustomizeError::invalid(
                &kpath,
                format!("expected kind 'Component' for path '{dir}' but got '{kind}'"),
            ));
        }
        if !component && kind == "Component" && !self.stack.len().eq(&1) {
            return Err(KustomizeError::invalid(
                &kpath,
                format!("expected kind != 'Component' for path '{dir}'"),
            ));
        }
        // kustomize refuses a kustomization with nothing but its type (Go
        // zero values: null, "", false, 0; an empty list or map is something).
        let empty = k.as_map().is_some_and(|m| {
            m.iter().all(|(key, v)| {
                matches!(key.as_str(), "apiVersion" | "kind")
                    || match &v.v {
                        KVal::Null => true,
                        KVal::Str(t) => t.is_empty(),
                        KVal::Bool(b) => !b,
                        KVal::Int(i) => *i == 0,
                        _ => false,
                    }
            })
        });
        if empty {
            return Err(KustomizeError::invalid(
                &kpath,
                "kustomization.yaml is empty",
            ));
        }
        let at = |n: Option<&KNode>| Loc {
            file: kid,
            span: n.and_then(|n| n.base).map_or(Span::new(0, 0), |l| l.span),
        };
        if self.stack.len() == 1 {
            let meta = strings(k.get("buildMetadata"));
            self.origin_annotations = meta.iter().any(|m| m == "originAnnotations");
            self.transformer_annotations = meta.iter().any(|m| m == "transformerAnnotations");
        }
        // a custom schema
        if let Some(o) = k.get("openapi") {
            if o.get("path").is_some() && o.get("version").is_some() {
                return Err(KustomizeError::invalid(
                    &kpath,
                    "builtin version and custom schema provided, cannot use both",
                ));
            }
            if let Some(rel) = o.get("path").and_then(KNode::scalar_text) {
                let p = self.resolve_path(dir, &rel, &kpath)?;
                self.check_root(dir, &p, &kpath)?;
                let (id, text) = self.read(&p, &kpath)?;
                let doc = self
                    .parse_docs(&p, &text, id)?
                    .into_iter()
                    .next()
                    .unwrap_or_else(KNode::map);
                // The first schema set wins: the top-level kustomization's is
                // read before any other kustomization is loaded.
                if !self.openapi_set {
                    self.openapi_set = true;
                    self.openapi = Some(std::sync::Arc::new(schema::Schema::from_node(&doc)));
                }
            } else if let Some(v) = o.get("version").and_then(KNode::scalar_text) {
                self.openapi_set = true;
                if v != "v1.21.2" {
                    return Err(KustomizeError::invalid(
                        &kpath,
                        format!("the specified OpenAPI version is not built in: {v} (v1.21.2 is)"),
                    ));
                }
            }
        }
        // resources and bases
        let mut entries: Vec<(String, Option<&KNode>)> = Vec::new();
        for key in ["resources", "bases"] {
            if let Some(list) = k.get(key).and_then(KNode::as_seq) {
                for e in list {
                    if let Some(s) = e.scalar_text() {
                        entries.push((s, Some(e)));
                    }
                }
            }
        }
        let mut known: std::collections::HashSet<String> =
            ra.iter().map(Resource::conflict_id).collect();
        for (entry, _) in &entries {
            let added = self.load_entry(dir, entry, &kpath)?;
            for r in added {
                if !known.insert(r.conflict_id()) {
                    return Err(KustomizeError::invalid(
                        &kpath,
                        format!(
                            "may not add resource with an already registered id: {}",
                            r.id()
                        ),
                    ));
                }
                ra.push(r);
            }
        }
        // CRD schemas: name references (and label, annotation, prefix fields)
        // their OpenAPI definitions declare
        if let Some(list) = k.get("crds").and_then(KNode::as_seq) {
            for c in list {
                let Some(rel) = c.scalar_text() else { continue };
                let p = self.resolve_path(dir, &rel, &kpath)?;
                self.check_root(dir, &p, &kpath)?;
                let (id, text) = self.read(&p, &kpath)?;
                for d in self.parse_docs(&p, &text, id)? {
                    self.cfg.merge(&schema::config_from_crds(&d));
                }
            }
        }
        // transformer configurations
        if let Some(list) = k.get("configurations").and_then(KNode::as_seq) {
            for c in list {
                let Some(rel) = c.scalar_text() else { continue };
                let p = self.resolve_path(dir, &rel, &kpath)?;
                self.check_root(dir, &p, &kpath)?;
                let (id, text) = self.read(&p, &kpath)?;
                for d in self.parse_docs(&p, &text, id)? {
                    self.cfg.merge(&d);
                }
            }
        }
        // generators
        let opts = k.get("generatorOptions").cloned();
        for (key, kind) in [
            ("configMapGenerator", "ConfigMap"),
            ("secretGenerator", "Secret"),
        ] {
            if let Some(list) = k.get(key).and_then(KNode::as_seq) {
                for g in list {
                    self.generate(dir, &kpath, kid, g, kind, opts.as_ref(), &mut ra)?;
                }
            }
        }
        self.helm_charts(dir, &kpath, &k, &mut ra)?;
        if let Some(list) = k.get("generators").and_then(KNode::as_seq) {
            for entry in list {
                for conf in self.plugin_configs(dir, &kpath, entry)? {
                    external_plugin(&kpath, &conf)?;
                    let gkind = match conf.get_str("kind") {
                        Some("ConfigMapGenerator") => "ConfigMap",
                        Some("SecretGenerator") => "Secret",
                        Some("IAMPolicyGenerator") => {
                            let r = self.iam_policy(&kpath, kid, &conf)?;
                            ra.push(r);
                            continue;
                        }
                        Some("HelmChartInflationGenerator") => {
                            // its configuration holds the chart and the globals
                            let mut k2 = KNode::map();
                            let mut globals = KNode::map();
                            for key in ["chartHome", "configHome"] {
                                if let Some(v) = conf.get(key) {
                                    globals.set(key, v.clone());
                                }
                            }
                            k2.set("helmGlobals", globals);
                            k2.set("helmCharts", KNode::new(KVal::Seq(vec![conf.clone()])));
                            self.helm_charts(dir, &kpath, &k2, &mut ra)?;
                            continue;
                        }
                        other => {
                            return Err(KustomizeError::Unsupported {
                                path: kpath.clone(),
                                message: format!(
                                    "`{}` is not a built-in generator; kustomize runs it only as a plugin, which a Stockade build does not",
                                    other.unwrap_or("")
                                ),
                            })
                        }
                    };
                    let mut g = conf.clone();
                    if let Some(n) = conf
                        .path(&["metadata", "name"])
                        .cloned()
                        .filter(|_| conf.get("name").is_none())
                    {
                        g.set("name", n);
                    }
                    if let Some(n) = conf.path(&["metadata", "namespace"]).cloned() {
                        g.set("namespace", n);
                    }
                    let before = ra.len();
                    self.generate(dir, &kpath, kid, &g, gkind, opts.as_ref(), &mut ra)?;
                    // Its origin is the configuration file.
                    let file = conf
                        .base
                        .and_then(|l| self.table.get(l.file as usize))
                        .map(|(p, _)| p.clone());
                    if let (Some(file), Some(r)) = (file, ra.get_mut(before)) {
                        let mut o = format!(
                            "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {gkind}Generator\n",
                            self.relative(&file)
                        );
                        if let Some(n) = conf
                            .path(&["metadata", "name"])
                            .and_then(KNode::scalar_text)
                        {
                            let _ = writeln!(o, "  name: {n}");
                        }
                        r.origin = Some(o);
                    }
                }
            }
        }
        // components
        if let Some(list) = k.get("components").and_then(KNode::as_seq) {
            for c in list {
                let Some(entry) = c.scalar_text() else {
                    continue;
                };
                if is_remote(&entry) {
                    return Err(KustomizeError::Remote {
                        path: kpath.clone(),
                        url: entry,
                    });
                }
                let p = self.resolve_path(dir, &entry, &kpath)?;
                if !self.files.is_dir(&p) {
                    return Err(KustomizeError::invalid(
                        &kpath,
                        format!("'{p}' must be a directory so that it can be used as a component"),
                    ));
                }
                let (next, _) = self.accumulate(&p, std::mem::take(&mut ra), true)?;
                ra = next;
            }
        }
        // transformers, in kustomize's order, then the `transformers` field
        self.transform(dir, &kpath, kid, &k, &mut ra)?;
        if self.transformer_annotations {
            let entries = self.transformer_entries(&kpath, &k);
            for r in &mut ra {
                r.transformations.extend(entries.iter().cloned());
            }
        }
        if let Some(list) = k.get("transformers").and_then(KNode::as_seq) {
            for entry in list {
                for conf in self.plugin_configs(dir, &kpath, entry)? {
                    self.run_builtin(dir, &kpath, kid, &conf, &mut ra)?;
                }
            }
        }
        // validators: kustomize runs each (only built-in transformer
        // configurations load without plugins) on the resources and fails when
        // it wrote any node, even with the value it had (Go compares the node
        // trees, positions included); one that touches nothing changes nothing.
        if let Some(list) = k.get("validators").and_then(KNode::as_seq) {
            for entry in list {
                for conf in self.plugin_configs(dir, &kpath, entry)? {
                    let mut trial = ra.clone();
                    self.run_builtin(dir, &kpath, kid, &conf, &mut trial)?;
                    if let Some(r) = changed_resource(&ra, &trial) {
                        return Err(KustomizeError::invalid(
                            &kpath,
                            format!("validator shouldn't modify the resource map: {r}"),
                        ));
                    }
                }
            }
        }
        if let Some(list) = k.get("vars").and_then(KNode::as_seq) {
            for v in list {
                let name = v
                    .get("name")
                    .and_then(KNode::scalar_text)
                    .unwrap_or_default();
                if self.vars.iter().any(|(n, _, _, _)| *n == name) {
                    return Err(KustomizeError::invalid(
                        &kpath,
                        format!("var '{name}' already encountered"),
                    ));
                }
                let objref = v.get("objref").cloned().unwrap_or_else(KNode::map);
                let field = v
                    .path(&["fieldref", "fieldpath"])
                    .and_then(KNode::scalar_text)
                    .unwrap_or_else(|| "metadata.name".into());
                // Bound now, to the one resource of this kustomization it names
                // (kustomize's MergeVars).
                let objref = objref_selector(&objref);
                let matched: Vec<usize> = ra
                    .iter()
                    .filter(|r| selector_matches(&objref, r))
                    .map(|r| r.uid)
                    .collect();
                if matched.len() > 1 {
                    return Err(KustomizeError::invalid(
                        &kpath,
                        format!(
                            "found {} resId matches for var {name} (unable to disambiguate)",
                            matched.len()
                        ),
                    ));
                }
                self.vars
                    .push((name, matched.first().copied(), field, at(Some(v))));
            }
        }
        if ra.len() > self.opts.max_resources {
            return Err(KustomizeError::Limit {
                path: kpath,
                message: format!(
                    "the build holds {} resources here, more than {}",
                    ra.len(),
                    self.opts.max_resources
                ),
            });
        }
        Ok((ra, k))
    }

    /// The built-in transformers a kustomization's fields ask for, in
    /// kustomize's order (`k` may also be a synthetic kustomization made from
    /// a transformer configuration, see [`Builder::run_builtin`]).
    // One step of kustomize's build, kept whole to read against its source.
    #[allow(clippy::too_many_lines)]
    fn transform(
        &mut self,
        dir: &str,
        kpath: &str,
        kid: u32,
        k: &KNode,
        ra: &mut Vec<Resource>,
    ) -> Result<(), KustomizeError> {
        let at = |n: Option<&KNode>| Loc {
            file: kid,
            span: n.and_then(|n| n.base).map_or(Span::new(0, 0), |l| l.span),
        };
        // transformers, in kustomize's order
        if let Some(list) = k.get("patchesStrategicMerge").and_then(KNode::as_seq) {
            for p in list {
                let docs = self.patch_docs(dir, p, kpath)?;
                if docs.is_empty() {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!(
                            "patch appears to be empty: {}",
                            p.scalar_text().unwrap_or_default()
                        ),
                    ));
                }
                for (doc, loc) in docs {
                    self.apply_smp_by_id(ra, &doc, loc, kpath)?;
                }
            }
        }
        if let Some(list) = k.get("patches").and_then(KNode::as_seq) {
            for p in list {
                self.apply_patch_entry(dir, kpath, kid, p, ra)?;
            }
        }
        if let Some(ns) = k.get("namespace").and_then(KNode::scalar_text) {
            if !ns.is_empty() {
                let by = (at(k.get("namespace")), OriginRole::Transformer);
                for r in ra.iter_mut() {
                    set_namespace(r, &ns, by, &self.cfg);
                }
                check_conflicts(ra, kpath, "namespace transformation produces ID conflict")?;
            }
        }
        let prefix = k
            .get("namePrefix")
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        let suffix = k
            .get("nameSuffix")
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        if !prefix.is_empty() || !suffix.is_empty() {
            let by = (
                at(k.get("namePrefix").or_else(|| k.get("nameSuffix"))),
                OriginRole::Transformer,
            );
            // Field specs of `configurations` naming kinds for `metadata/name`
            // restrict the transformer to those kinds (as kubectl does).
            let custom = |section: &str| -> Vec<FieldSpec> {
                self.cfg
                    .specs(section)
                    .iter()
                    .filter(|s| {
                        s.path == "metadata/name"
                            && !(s.group.is_empty() && s.version.is_empty() && s.kind.is_empty())
                    })
                    .cloned()
                    .collect()
            };
            let (only_prefix, only_suffix) = (custom("namePrefix"), custom("nameSuffix"));
            let applies = |only: &[FieldSpec], r: &Resource| {
                only.is_empty() || only.iter().any(|s| transform::spec_matches(s, &r.node))
            };
            for r in ra.iter_mut() {
                if matches!(r.kind(), "CustomResourceDefinition" | "Namespace")
                    || (r.kind() == "APIService" && r.group() == "apiregistration.k8s.io")
                {
                    continue;
                }
                let p = if applies(&only_prefix, r) {
                    prefix.clone()
                } else {
                    String::new()
                };
                let s = if applies(&only_suffix, r) {
                    suffix.clone()
                } else {
                    String::new()
                };
                if p.is_empty() && s.is_empty() {
                    continue;
                }
                let name = format!("{p}{}{s}", r.name());
                r.set_name(name, by);
                r.affixes.push((p, s));
            }
            // Other fields the configurations name get the prefix and suffix
            // too (kustomize's prefix and suffix filters on each field spec).
            for (section, affix) in [("namePrefix", &prefix), ("nameSuffix", &suffix)] {
                let specs: Vec<FieldSpec> = self
                    .cfg
                    .specs(section)
                    .iter()
                    .filter(|s| s.path != "metadata/name")
                    .cloned()
                    .collect();
                if affix.is_empty() || specs.is_empty() {
                    continue;
                }
                for r in ra.iter_mut() {
                    if matches!(r.kind(), "CustomResourceDefinition" | "Namespace")
                        || (r.kind() == "APIService" && r.group() == "apiregistration.k8s.io")
                    {
                        continue;
                    }
                    transform::apply_specs(
                        &mut r.node,
                        &specs,
                        &|| KNode::str(""),
                        Some(by),
                        &mut |n| {
                            if let Some(t) = n.scalar_text() {
                                let v = if section == "namePrefix" {
                                    format!("{affix}{t}")
                                } else {
                                    format!("{t}{affix}")
                                };
                                *n = KNode::str(v).with_by(Some(by));
                            }
                        },
                    );
                }
            }
        }
        let cfg = self.cfg.clone();
        if let Some(list) = k.get("labels").and_then(KNode::as_seq) {
            for l in list {
                let pairs = l.get("pairs").map(pairs_of).unwrap_or_default();
                let by = (at(Some(l)), OriginRole::Transformer);
                let sel = l.get("includeSelectors").and_then(|n| match n.v {
                    KVal::Bool(b) => Some(b),
                    _ => None,
                }) == Some(true);
                let tmpl = l.get("includeTemplates").and_then(|n| match n.v {
                    KVal::Bool(b) => Some(b),
                    _ => None,
                }) == Some(true);
                let mut specs: Vec<FieldSpec> = cfg.specs("labels").to_vec();
                specs.extend(if sel {
                    cfg.specs("commonLabels").to_vec()
                } else {
                    let mut s: Vec<FieldSpec> = cfg
                        .specs("commonLabels")
                        .iter()
                        .filter(|s| s.path == "metadata/labels")
                        .cloned()
                        .collect();
                    if tmpl {
                        s.extend(
                            cfg.specs("templateLabels")
                                .iter()
                                .filter(|s| s.path != "metadata/labels")
                                .cloned(),
                        );
                    }
                    // kustomize v5.5 (kubectl 1.32) labels volume claim templates
                    // with the templates; later versions ask for it.
                    let vct = l
                        .get("includeVolumeClaimTemplates")
                        .map(|n| n.v == KVal::Bool(true));
                    if vct.unwrap_or(tmpl) {
                        s.extend(cfg.specs("volumeClaimTemplateLabels").iter().cloned());
                    }
                    s
                });
                if let Some(fields) = l.get("fields").and_then(KNode::as_seq) {
                    specs.extend(fields.iter().map(field_spec_of));
                }
                for r in ra.iter_mut() {
                    transform::add_map_entries(&mut r.node, &specs, &pairs, by);
                }
            }
        }
        if let Some(labels) = k.get("commonLabels") {
            let pairs = pairs_of(labels);
            let by = (at(Some(labels)), OriginRole::Transformer);
            for r in ra.iter_mut() {
                transform::add_map_entries(&mut r.node, cfg.specs("commonLabels"), &pairs, by);
            }
        }
        if let Some(ann) = k.get("commonAnnotations") {
            let pairs = pairs_of(ann);
            let by = (at(Some(ann)), OriginRole::Transformer);
            for r in ra.iter_mut() {
                transform::add_map_entries(&mut r.node, cfg.specs("commonAnnotations"), &pairs, by);
            }
        }
        if let Some(list) = k.get("patchesJson6902").and_then(KNode::as_seq) {
            for p in list {
                self.apply_patch_entry(dir, kpath, kid, p, ra)?;
            }
        }
        if let Some(list) = k.get("replicas").and_then(KNode::as_seq) {
            for rep in list {
                let by = (at(Some(rep)), OriginRole::Transformer);
                set_replicas(ra, rep, cfg.specs("replicas"), by, kpath)?;
            }
        }
        if let Some(list) = k.get("images").and_then(KNode::as_seq) {
            let rules: Vec<(ImageRule, By)> = list
                .iter()
                .map(|i| (image_rule(i), (at(Some(i)), OriginRole::Transformer)))
                .collect();
            for (rule, by) in &rules {
                for r in ra.iter_mut() {
                    transform::images(
                        &mut r.node,
                        std::slice::from_ref(rule),
                        cfg.specs("images"),
                        *by,
                    );
                }
            }
        }
        if let Some(list) = k.get("replacements").and_then(KNode::as_seq) {
            for entry in list {
                let reps: Vec<KNode> =
                    if let Some(p) = entry.get("path").and_then(KNode::scalar_text) {
                        let path = self.resolve_path(dir, &p, kpath)?;
                        self.check_root(dir, &path, kpath)?;
                        let (id, text) = self.read(&path, kpath)?;
                        let mut out = Vec::new();
                        for d in self.parse_docs(&path, &text, id)? {
                            match d.v {
                                KVal::Seq(items) => out.extend(items),
                                _ => out.push(d),
                            }
                        }
                        out
                    } else {
                        vec![entry.clone()]
                    };
                for r in reps {
                    apply_replacement(ra, &r, kpath)?;
                }
            }
        }
        Ok(())
    }

    /// kustomize's built-in `IAMPolicyGenerator`: a `ServiceAccount` bound to a
    /// cloud service account (only `cloud: gke` is supported, as in kustomize).
    fn iam_policy(
        &mut self,
        kpath: &str,
        kid: u32,
        conf: &KNode,
    ) -> Result<Resource, KustomizeError> {
        let text = |path: &[&str]| {
            conf.path(path)
                .and_then(KNode::scalar_text)
                .unwrap_or_default()
        };
        let cloud = text(&["cloud"]);
        if cloud != "gke" {
            return Err(KustomizeError::invalid(
                kpath,
                format!("cloud provider {cloud} not supported yet"),
            ));
        }
        let loc = conf.base.unwrap_or(Loc {
            file: kid,
            span: Span::new(0, 0),
        });
        let by = (loc, OriginRole::Generator);
        let name = text(&["kubernetesService", "name"]);
        let ns = text(&["kubernetesService", "namespace"]);
        let mut annotations = KNode::map();
        annotations.set(
            "iam.gke.io/gcp-service-account",
            KNode::str(format!(
                "{}@{}.iam.gserviceaccount.com",
                text(&["serviceAccount", "name"]),
                text(&["serviceAccount", "projectId"])
            )),
        );
        let mut meta = KNode::map();
        meta.set("annotations", annotations);
        meta.set("name", KNode::str(name.clone()));
        if !ns.is_empty() {
            meta.set("namespace", KNode::str(ns.clone()));
        }
        let mut obj = KNode::map();
        obj.set("apiVersion", KNode::str("v1"));
        obj.set("kind", KNode::str("ServiceAccount"));
        obj.set("metadata", meta);
        obj.fill_base(loc);
        obj.mark(by);
        let origin = format!(
            "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: IAMPolicyGenerator\n",
            self.relative(kpath)
        );
        Ok(Resource {
            names: vec![(ns, name)],
            ..self.resource(obj, kid, Some(origin))
        })
    }

    /// The configuration objects of a `transformers`/`generators` entry: a
    /// file, a kustomization folder (its output), or inline YAML.
    fn plugin_configs(
        &mut self,
        dir: &str,
        kpath: &str,
        entry: &KNode,
    ) -> Result<Vec<KNode>, KustomizeError> {
        if matches!(entry.v, KVal::Map(_)) {
            return Ok(vec![entry.clone()]);
        }
        let Some(text) = entry.scalar_text() else {
            return Ok(Vec::new());
        };
        if is_remote(&text) {
            return Err(KustomizeError::Remote {
                path: kpath.to_string(),
                url: text,
            });
        }
        if text.contains('\n') {
            let pseudo = format!("{kpath}#inline@{}", entry.base.map_or(0, |l| l.span.start));
            let text = self.inline_text(entry, &text);
            let id = self.file_id(&pseudo, &text);
            return self.parse_docs(&pseudo, &text, id);
        }
        let p = self.resolve_path(dir, &text, kpath)?;
        if self.files.is_file(&p) {
            self.check_root(dir, &p, kpath)?;
            let (id, t) = self.read(&p, kpath)?;
            return self.parse_docs(&p, &t, id);
        }
        if self.files.is_dir(&p) {
            let (res, _) = self.accumulate(&p, Vec::new(), false)?;
            return Ok(res.into_iter().map(|r| r.node).collect());
        }
        Err(KustomizeError::NotFound {
            path: kpath.to_string(),
            message: format!("'{p}' doesn't exist"),
        })
    }

    /// Run one built-in transformer configuration (`apiVersion: builtin`) as
    /// the kustomization field it stands for.
    // One step of kustomize's build, kept whole to read against its source.
    #[allow(clippy::too_many_lines)]
    fn run_builtin(
        &mut self,
        dir: &str,
        kpath: &str,
        kid: u32,
        conf: &KNode,
        ra: &mut Vec<Resource>,
    ) -> Result<(), KustomizeError> {
        let kind = conf.get_str("kind").unwrap_or("");
        external_plugin(kpath, conf)?;
        if self.transformer_annotations {
            let mut entry = self.transformation(kpath, kind);
            for key in ["name", "namespace"] {
                if let Some(v) = conf.path(&["metadata", key]).and_then(KNode::scalar_text) {
                    let _ = writeln!(entry, "    {key}: {v}");
                }
            }
            for r in ra.iter_mut() {
                r.transformations.push(entry.clone());
            }
        }
        let mut k = KNode::map();
        let get = |key: &str| conf.get(key).cloned();
        let seq = |items: Vec<KNode>| KNode::new(KVal::Seq(items));
        let by = (
            conf.base.unwrap_or(Loc {
                file: kid,
                span: Span::new(0, 0),
            }),
            OriginRole::Transformer,
        );
        match kind {
            "PatchTransformer" => {
                let mut e = KNode::map();
                for key in ["path", "patch", "target", "options"] {
                    if let Some(v) = get(key) {
                        e.set(key, v);
                    }
                }
                k.set("patches", seq(vec![e]));
            }
            "PatchStrategicMergeTransformer" => {
                let mut items: Vec<KNode> = get("paths")
                    .and_then(|p| p.as_seq().cloned())
                    .unwrap_or_default();
                if let Some(p) = get("patches") {
                    items.push(p);
                }
                if items.is_empty() {
                    return Err(KustomizeError::invalid(
                        kpath,
                        "empty file path and empty patch content",
                    ));
                }
                k.set("patchesStrategicMerge", seq(items));
            }
            "PatchJson6902Transformer" => {
                let mut e = KNode::map();
                if let Some(t) = get("target") {
                    e.set("target", t);
                }
                if let Some(p) = get("path") {
                    e.set("path", p);
                }
                if let Some(p) = get("jsonOp") {
                    e.set("patch", p);
                }
                k.set("patchesJson6902", seq(vec![e]));
            }
            "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
                // kustomize's prefix and suffix plugins refuse a configuration
                // without field specs, and change only the fields they name
                // (`metadata/name` renames the object).
                let Some(list) = conf.get("fieldSpecs").filter(|f| !f.is_null()) else {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!("plugin {kind} fails configuration: fieldSpecs is not expected to be nil"),
                    ));
                };
                let specs: Vec<FieldSpec> = list
                    .as_seq()
                    .map(|f| f.iter().map(field_spec_of).collect())
                    .unwrap_or_default();
                let text = |key: &str| {
                    conf.get(key)
                        .and_then(KNode::scalar_text)
                        .unwrap_or_default()
                };
                let (prefix, suffix) = match kind {
                    "PrefixTransformer" => (text("prefix"), String::new()),
                    "SuffixTransformer" => (String::new(), text("suffix")),
                    _ => (text("prefix"), text("suffix")),
                };
                for r in ra.iter_mut() {
                    if matches!(r.kind(), "CustomResourceDefinition" | "Namespace")
                        || (r.kind() == "APIService" && r.group() == "apiregistration.k8s.io")
                    {
                        continue;
                    }
                    let matching: Vec<&FieldSpec> = specs
                        .iter()
                        .filter(|s| transform::spec_matches(s, &r.node))
                        .collect();
                    for spec in matching {
                        if spec.path == "metadata/name" {
                            let name = format!("{prefix}{}{suffix}", r.name());
                            r.set_name(name, by);
                            r.affixes.push((prefix.clone(), suffix.clone()));
                            continue;
                        }
                        let path = transform::split_path(&spec.path);
                        transform::visit(
                            &mut r.node,
                            &path,
                            spec.create,
                            &|| KNode::str(""),
                            Some(by),
                            &mut |n| {
                                if let Some(t) = n.scalar_text() {
                                    *n = KNode::str(format!("{prefix}{t}{suffix}"))
                                        .with_by(Some(by));
                                }
                            },
                        );
                    }
                }
                return Ok(());
            }
            "NamespaceTransformer" => {
                let mode = conf
                    .get("setRoleBindingSubjects")
                    .and_then(KNode::scalar_text)
                    .unwrap_or_default();
                if !matches!(
                    mode.as_str(),
                    "" | "defaultOnly" | "none" | "allServiceAccounts"
                ) {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!(
                            "invalid value \"{mode}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                        ),
                    ));
                }
                let ns = conf
                    .path(&["metadata", "namespace"])
                    .and_then(KNode::scalar_text)
                    .unwrap_or_default();
                if ns.is_empty() {
                    return Ok(());
                }
                let unset_only = conf
                    .get("unsetOnly")
                    .is_some_and(|u| u.v == KVal::Bool(true));
                let mut cfg = self.cfg.clone();
                if let Some(list) = conf.get("fieldSpecs").and_then(KNode::as_seq) {
                    cfg.sections
                        .insert("namespace".into(), list.iter().map(field_spec_of).collect());
                }
                for r in ra.iter_mut() {
                    if unset_only && !r.namespace().is_empty() {
                        continue;
                    }
                    set_namespace_with(r, &ns, by, &cfg, &mode);
                }
                return check_conflicts(ra, kpath, "namespace transformation produces ID conflict");
            }
            "ImageTagTransformer" => {
                // kustomize's legacy image filter (every `containers` and
                // `initContainers` list) and the configuration's field specs.
                if let Some(i) = get("imageTag") {
                    let rule = image_rule(&i);
                    let specs: Vec<FieldSpec> = conf
                        .get("fieldSpecs")
                        .and_then(KNode::as_seq)
                        .map(|f| f.iter().map(field_spec_of).collect())
                        .unwrap_or_default();
                    for r in ra.iter_mut() {
                        transform::images(&mut r.node, std::slice::from_ref(&rule), &specs, by);
                    }
                }
                return Ok(());
            }
            "ReplicaCountTransformer" => {
                let rep = get("replica").unwrap_or_else(KNode::map);
                let specs: Vec<FieldSpec> = conf
                    .get("fieldSpecs")
                    .and_then(KNode::as_seq)
                    .map(|f| f.iter().map(field_spec_of).collect())
                    .unwrap_or_default();
                return set_replicas(ra, &rep, &specs, by, kpath);
            }
            "ReplacementTransformer" => {
                if let Some(r) = get("replacements") {
                    k.set("replacements", r);
                }
            }
            "LabelTransformer" | "AnnotationsTransformer" => {
                let field = if kind == "LabelTransformer" {
                    "labels"
                } else {
                    "annotations"
                };
                let pairs = conf.get(field).map(pairs_of).unwrap_or_default();
                // Only the configuration's field specs (none: nothing changes).
                let specs: Vec<FieldSpec> = conf
                    .get("fieldSpecs")
                    .and_then(KNode::as_seq)
                    .map(|f| f.iter().map(field_spec_of).collect())
                    .unwrap_or_default();
                for r in ra.iter_mut() {
                    transform::add_map_entries(&mut r.node, &specs, &pairs, by);
                }
                return Ok(());
            }
            "SortOrderTransformer" => {
                // kustomize has no builtin plugin of that name to load.
                return Err(KustomizeError::Unsupported {
                    path: kpath.to_string(),
                    message: "unable to load builtin SortOrderTransformer.builtin.[noGrp]".into(),
                });
            }
            "HashTransformer" => {
                // Hashes generated objects now; kustomize keeps their mark, so
                // the build's own hash step adds a second suffix.
                for r in ra.iter_mut().filter(|r| r.needs_hash) {
                    let name = format!("{}-{}", r.name(), generate::hash(&r.node));
                    r.set_name(name, by);
                }
                return Ok(());
            }
            "ValueAddTransformer" => return value_add(dir, kpath, conf, ra, by),
            other => {
                return Err(KustomizeError::Unsupported {
                    path: kpath.to_string(),
                    message: format!(
                        "`{other}` ({}) is not a built-in transformer; kustomize runs it only as a plugin, which a Stockade build does not",
                        conf.get_str("apiVersion").unwrap_or("")
                    ),
                });
            }
        }
        self.transform(dir, kpath, kid, &k, ra)
    }

    fn load_entry(
        &mut self,
        dir: &str,
        entry: &str,
        kpath: &str,
    ) -> Result<Vec<Resource>, KustomizeError> {
        if is_remote(entry) {
            return Err(KustomizeError::Remote {
                path: kpath.to_string(),
                url: entry.to_string(),
            });
        }
        let p = self.resolve_path(dir, entry, kpath)?;
        if self.files.is_file(&p) {
            self.check_root(dir, &p, kpath)?;
            let (id, text) = self.read(&p, kpath)?;
            let docs = self.parse_docs(&p, &text, id)?;
            let mut out = Vec::new();
            for d in docs {
                let items: Vec<KNode> = if d
                    .get_str("kind")
                    .is_some_and(|k| k == "List" || k.ends_with("List"))
                    && d.get("items").and_then(KNode::as_seq).is_some()
                {
                    d.get("items")
                        .and_then(KNode::as_seq)
                        .cloned()
                        .unwrap_or_default()
                } else {
                    vec![d]
                };
                for item in items {
                    if !matches!(item.v, KVal::Map(_)) {
                        return Err(KustomizeError::Parse {
                            path: p.clone(),
                            message: "a resource must be a mapping".into(),
                        });
                    }
                    if item.get_str("kind").is_none_or(str::is_empty) {
                        return Err(KustomizeError::Parse {
                            path: p.clone(),
                            message: "missing Resource metadata: kind".into(),
                        });
                    }
                    if item
                        .path(&["metadata", "name"])
                        .and_then(KNode::scalar_text)
                        .is_none_or(|n| n.is_empty())
                    {
                        return Err(KustomizeError::Parse {
                            path: p.clone(),
                            message: format!(
                                "missing metadata.name in object of kind {}",
                                item.get_str("kind").unwrap_or("")
                            ),
                        });
                    }
                    let mut r =
                        self.resource(item, id, Some(format!("path: {}\n", self.relative(&p))));
                    r.remember();
                    out.push(r);
                }
            }
            return Ok(out);
        }
        if self.files.is_dir(&p) {
            let (res, _) = self.accumulate(&p, Vec::new(), false)?;
            return Ok(res);
        }
        Err(KustomizeError::NotFound {
            path: kpath.to_string(),
            message: format!(
                "accumulating resources: accumulation err='accumulating resources from '{entry}': '{p}' doesn't exist'"
            ),
        })
    }

    #[allow(clippy::too_many_arguments)]
    // One step of kustomize's build, kept whole to read against its source.
    #[allow(clippy::too_many_lines)]
    fn generate(
        &mut self,
        dir: &str,
        kpath: &str,
        kid: u32,
        g: &KNode,
        kind: &str,
        global: Option<&KNode>,
        ra: &mut Vec<Resource>,
    ) -> Result<(), KustomizeError> {
        let loc = Loc {
            file: kid,
            span: g.base.map_or(Span::new(0, 0), |l| l.span),
        };
        let by = (loc, OriginRole::Generator);
        let name = g
            .get("name")
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        let ns = g
            .get("namespace")
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        let behavior = g.get_str("behavior").unwrap_or("create").to_string();
        let mut data: Vec<(String, String, Loc)> = Vec::new();
        let mut binary: Vec<(String, String)> = Vec::new();
        let lit_loc = |n: &KNode| {
            n.base.map_or(loc, |b| Loc {
                file: kid,
                span: b.span,
            })
        };
        for key in ["envs", "env"] {
            let list: Vec<KNode> = match g.get(key) {
                Some(n) if n.as_seq().is_some() => n.as_seq().cloned().unwrap_or_default(),
                Some(n) if n.as_str().is_some() => vec![n.clone()],
                _ => Vec::new(),
            };
            for e in list {
                let Some(rel) = e.scalar_text() else { continue };
                let p = self.resolve_path(dir, &rel, kpath)?;
                self.check_root(dir, &p, kpath)?;
                let (fid, text) = self.read(&p, kpath)?;
                let kv = generate::parse_env(&text).map_err(|m| KustomizeError::Parse {
                    path: p.clone(),
                    message: m,
                })?;
                for (k, v) in kv {
                    data.retain(|(k2, _, _)| *k2 != k);
                    data.push((
                        k,
                        v,
                        Loc {
                            file: fid,
                            span: Span::new(0, 0),
                        },
                    ));
                }
            }
        }
        if let Some(list) = g.get("literals").and_then(KNode::as_seq) {
            for l in list {
                let Some(text) = l.scalar_text() else {
                    continue;
                };
                let (k, v) = generate::parse_literal(&text)
                    .map_err(|m| KustomizeError::invalid(kpath, m))?;
                if data.iter().any(|(k2, _, _)| *k2 == k) {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!("configmap {name} illegally repeats the key `{k}`"),
                    ));
                }
                data.push((k, v, lit_loc(l)));
            }
        }
        if let Some(list) = g.get("files").and_then(KNode::as_seq) {
            for f in list {
                let Some(spec) = f.scalar_text() else {
                    continue;
                };
                let (key, rel) = match spec.split_once('=') {
                    Some((k, p)) => (k.to_string(), p.to_string()),
                    None => (files::base_name(&spec).to_string(), spec.clone()),
                };
                let p = self.resolve_path(dir, &rel, kpath)?;
                self.check_root(dir, &p, kpath)?;
                let Some(bytes) = self.files.read(&p) else {
                    return Err(KustomizeError::NotFound {
                        path: kpath.to_string(),
                        message: format!("file '{p}' not found"),
                    });
                };
                if data.iter().any(|(k2, _, _)| *k2 == key) {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!("configmap {name} illegally repeats the key `{key}`"),
                    ));
                }
                match std::str::from_utf8(&bytes) {
                    Ok(text) => {
                        let text = text.to_string();
                        let fid = self.file_id(&p, &text);
                        data.push((
                            key,
                            text,
                            Loc {
                                file: fid,
                                span: Span::new(0, 0),
                            },
                        ));
                    }
                    Err(_) => binary.push((key, generate::base64_lines(&bytes))),
                }
            }
        }
        // options
        let mut labels: Vec<(String, String)> = Vec::new();
        let mut annotations: Vec<(String, String)> = Vec::new();
        let mut disable_hash = false;
        let mut immutable = false;
        for o in [global, g.get("options")].into_iter().flatten() {
            if let Some(l) = o.get("labels") {
                for (k, v) in pairs_of(l) {
                    labels.retain(|(k2, _)| *k2 != k);
                    labels.push((k, v));
                }
            }
            if let Some(l) = o.get("annotations") {
                for (k, v) in pairs_of(l) {
                    annotations.retain(|(k2, _)| *k2 != k);
                    annotations.push((k, v));
                }
            }
            if matches!(
                o.get("disableNameSuffixHash").map(|n| &n.v),
                Some(KVal::Bool(true))
            ) {
                disable_hash = true;
            }
            if matches!(o.get("immutable").map(|n| &n.v), Some(KVal::Bool(true))) {
                immutable = true;
            }
        }
        let mut obj = KNode::map();
        obj.base = Some(loc);
        obj.by = Some(by);
        obj.set("apiVersion", KNode::str("v1"));
        obj.set("kind", KNode::str(kind));
        let mut meta = KNode::map();
        meta.set("name", KNode::str(name.clone()));
        if !ns.is_empty() {
            meta.set("namespace", KNode::str(ns.clone()));
        }
        if !labels.is_empty() {
            meta.set(
                "labels",
                KNode::new(KVal::Map(
                    labels
                        .iter()
                        .map(|(k, v)| (k.clone(), KNode::str(v.clone())))
                        .collect(),
                )),
            );
        }
        if !annotations.is_empty() {
            meta.set(
                "annotations",
                KNode::new(KVal::Map(
                    annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), KNode::str(v.clone())))
                        .collect(),
                )),
            );
        }
        obj.set("metadata", meta);
        let secret = kind == "Secret";
        let to_val = |v: &str| {
            if secret {
                generate::base64_lines(v.as_bytes())
            } else {
                v.to_string()
            }
        };
        let data_node = KNode::new(KVal::Map(
            data.iter()
                .map(|(k, v, l)| {
                    let mut n = KNode::str(to_val(v));
                    n.base = Some(*l);
                    n.by = Some((*l, OriginRole::Generator));
                    (k.clone(), n)
                })
                .collect(),
        ));
        if (!data.is_empty() || !secret) && !data.is_empty() {
            obj.set("data", data_node.clone());
        }
        if !binary.is_empty() {
            obj.set(
                "binaryData",
                KNode::new(KVal::Map(
                    binary
                        .iter()
                        .map(|(k, v)| (k.clone(), KNode::str(v.clone())))
                        .collect(),
                )),
            );
        }
        if secret {
            let t = g
                .get("type")
                .and_then(KNode::scalar_text)
                .unwrap_or_else(|| "Opaque".into());
            obj.set("type", KNode::str(t));
        }
        if immutable {
            obj.set("immutable", KNode::new(KVal::Bool(true)));
        }
        obj.fill_base(loc);
        obj.mark(by);
        // restore per-value origins of data entries
        if let Some(d) = obj.get_mut("data").and_then(KNode::as_map_mut) {
            for ((_, n), (_, _, l)) in d.iter_mut().zip(data.iter()) {
                n.base = Some(*l);
                n.by = Some((*l, OriginRole::Generator));
            }
        }
        let generated_origin = format!(
            "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {kind}Generator\n",
            self.relative(kpath)
        );
        match behavior.as_str() {
            "create" | "" => {
                let r = Resource {
                    names: vec![(ns.clone(), name.clone())],
                    needs_hash: !disable_hash,
                    ..self.resource(obj, kid, Some(generated_origin))
                };
                // kustomize matches any id the object had, an empty namespace
                // being `default`.
                let effective = |n: &str| if n.is_empty() { "default" } else { n }.to_string();
                let clash = ra.iter().any(|x| {
                    x.kind() == kind
                        && x.api_version() == "v1"
                        && (x
                            .names
                            .iter()
                            .any(|(n, m)| *m == name && effective(n) == effective(&ns))
                            || (x.name() == name && effective(&x.namespace()) == effective(&ns)))
                });
                if clash {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!("id {} exists; behavior must be merge or replace", r.id()),
                    ));
                }
                ra.push(r);
            }
            "merge" | "replace" => {
                let target = ra.iter_mut().find(|x| {
                    x.kind() == kind
                        && (x.orig_name() == name || x.name() == name)
                        && (ns.is_empty()
                            || x.namespace() == ns
                            || x.names.iter().any(|(n, _)| *n == ns))
                });
                let Some(t) = target else {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!("id {kind}.v1.[noGrp]/{name}.{ns} does not exist; cannot merge or replace"),
                    ));
                };
                t.origin = Some(generated_origin);
                if behavior == "replace" {
                    for key in ["data", "binaryData"] {
                        t.node.remove(key);
                    }
                }
                for key in ["data", "binaryData"] {
                    if let Some(KVal::Map(entries)) = obj.get(key).map(|n| n.v.clone()) {
                        if let Some(m) = t.node.entry_map(key, Some(by)) {
                            for (k, v) in entries {
                                m.set(&k, v);
                            }
                        }
                    }
                }
                for (key, pairs) in [("labels", &labels), ("annotations", &annotations)] {
                    if pairs.is_empty() {
                        continue;
                    }
                    if let Some(m) = t
                        .node
                        .entry_map("metadata", Some(by))
                        .and_then(|m| m.entry_map(key, Some(by)))
                    {
                        for (k, v) in pairs {
                            m.set(k, KNode::str(v.clone()).with_by(Some(by)));
                        }
                    }
                }
                // The result is the generated object with the old one's data
                // and metadata merged in: its other fields (`type`,
                // `immutable`) are the generated object's.
                let keep = ["apiVersion", "kind", "metadata", "data", "binaryData"];
                if let Some(entries) = t.node.as_map_mut() {
                    entries.retain(|(k, _)| keep.contains(&k.as_str()));
                }
                for (k, v) in obj.as_map().map_or(&[][..], Vec::as_slice) {
                    if !keep.contains(&k.as_str()) {
                        t.node.set(k, v.clone());
                    }
                }
                if disable_hash {
                    t.needs_hash = false;
                } else if g.get("options").is_some() || global.is_some() {
                    // keep
                }
            }
            other => {
                return Err(KustomizeError::invalid(
                    kpath,
                    format!("unknown generator behavior `{other}`"),
                ));
            }
        }
        Ok(())
    }

    /// The documents of a patch entry (a file path or inline YAML) with the
    /// place of each.
    fn patch_docs(
        &mut self,
        dir: &str,
        entry: &KNode,
        kpath: &str,
    ) -> Result<Vec<(KNode, Loc)>, KustomizeError> {
        let Some(text) = entry.scalar_text() else {
            // An inline mapping (older kustomize accepted it).
            let loc = entry.base.unwrap_or(Loc {
                file: 0,
                span: Span::new(0, 0),
            });
            return Ok(vec![(entry.clone(), loc)]);
        };
        let p = files::join(dir, &text);
        if let Some(p) = p.filter(|p| self.files.is_file(p)) {
            self.check_root(dir, &p, kpath)?;
            let (id, t) = self.read(&p, kpath)?;
            let docs = self.parse_docs(&p, &t, id)?;
            return Ok(docs
                .into_iter()
                .map(|d| {
                    let loc = d.base.unwrap_or(Loc {
                        file: id,
                        span: Span::new(0, 0),
                    });
                    (d, loc)
                })
                .collect());
        }
        if !text.contains('\n')
            && !text.trim_start().starts_with('[')
            && !text.trim_start().starts_with('{')
        {
            return Err(KustomizeError::NotFound {
                path: kpath.to_string(),
                message: format!("file '{text}' not found"),
            });
        }
        // Inline patch text: parse it as its own file so positions point into it.
        let pseudo = format!("{kpath}#inline@{}", entry.base.map_or(0, |l| l.span.start));
        let text = self.inline_text(entry, &text);
        let id = self.file_id(&pseudo, &text);
        let docs = self.parse_docs(&pseudo, &text, id)?;
        Ok(docs
            .into_iter()
            .map(|d| {
                let loc = d.base.unwrap_or(Loc {
                    file: id,
                    span: Span::new(0, 0),
                });
                (d, loc)
            })
            .collect())
    }

    fn apply_smp_by_id(
        &mut self,
        ra: &mut Vec<Resource>,
        patch: &KNode,
        loc: Loc,
        kpath: &str,
    ) -> Result<(), KustomizeError> {
        if patch.as_seq().is_some() {
            return Err(KustomizeError::invalid(
                kpath,
                "a strategic merge patch must be a mapping",
            ));
        }
        let kind = patch.get_str("kind").unwrap_or("");
        let (g, _) = transform::split_api_version(patch.get_str("apiVersion").unwrap_or(""));
        let name = patch
            .path(&["metadata", "name"])
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        let ns = patch
            .path(&["metadata", "namespace"])
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        let matches: Vec<usize> = ra
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                (r.kind() == kind || r.prev_kinds.iter().any(|k| k == kind))
                    && r.group() == g
                    && r.names
                        .iter()
                        .chain(std::iter::once(&(r.namespace(), r.name())))
                        .any(|(n, nm)| {
                            *nm == name
                                && (*n == ns
                                    || (ns == "default" && n.is_empty())
                                    || (ns.is_empty() && n == "default"))
                        })
            })
            .map(|(i, _)| i)
            .collect();
        if matches.len() > 1 {
            return Err(KustomizeError::invalid(
                kpath,
                format!(
                    "multiple matches for Id {kind}/{name}; failed to find unique target for patch"
                ),
            ));
        }
        if matches.is_empty() {
            return Err(KustomizeError::invalid(
                kpath,
                format!(
                    "no resource matches strategic merge patch \"{kind}.{}/{name}.{ns}\"",
                    patch.get_str("apiVersion").unwrap_or("")
                ),
            ));
        }
        let custom = self.openapi.clone();
        let mut deleted = Vec::new();
        let mut p = patch.clone();
        if let Some(meta) = p.get_mut("metadata") {
            meta.remove("name");
            meta.remove("namespace");
        }
        p.remove("kind");
        p.remove("apiVersion");
        for i in matches {
            if let Some(r) = ra.get_mut(i) {
                if !apply_smp(r, &p, loc, custom.as_deref(), kpath, &self.table)? {
                    deleted.push(i);
                }
            }
        }
        for i in deleted.into_iter().rev() {
            ra.remove(i);
        }
        Ok(())
    }

    fn apply_patch_entry(
        &mut self,
        dir: &str,
        kpath: &str,
        kid: u32,
        entry: &KNode,
        ra: &mut Vec<Resource>,
    ) -> Result<(), KustomizeError> {
        let docs: Vec<(KNode, Loc)> = if let Some(p) = entry.get("path") {
            self.patch_docs(dir, p, kpath)?
        } else if let Some(p) = entry.get("patch") {
            let text = p.scalar_text().unwrap_or_default();
            let pseudo = format!("{kpath}#inline@{}", p.base.map_or(0, |l| l.span.start));
            let text = self.inline_text(p, &text);
            let id = self.file_id(&pseudo, &text);
            self.parse_docs(&pseudo, &text, id)?
                .into_iter()
                .map(|d| {
                    let loc = d.base.unwrap_or(Loc {
                        file: id,
                        span: Span::new(0, 0),
                    });
                    (d, loc)
                })
                .collect()
        } else {
            return Err(KustomizeError::invalid(
                kpath,
                "must specify one of patch and path",
            ));
        };
        let _ = kid;
        let target = entry.get("target");
        let allow_name = entry
            .path(&["options", "allowNameChange"])
            .is_some_and(|n| n.v == KVal::Bool(true));
        let allow_kind = entry
            .path(&["options", "allowKindChange"])
            .is_some_and(|n| n.v == KVal::Bool(true));
        let custom = self.openapi.clone();
        for (mut doc, loc) in docs {
            let is_json = doc.as_seq().is_some();
            if is_json {
                yaml11_patch_values(&mut doc, loc, &self.table);
            }
            match target {
                None => {
                    if is_json {
                        return Err(KustomizeError::invalid(
                            kpath,
                            "unable to apply a JSON patch without a target",
                        ));
                    }
                    self.apply_smp_by_id(ra, &doc, loc, kpath)?;
                }
                Some(t) => {
                    let sel = Selector::from(t).map_err(|m| KustomizeError::invalid(kpath, m))?;
                    let mut deleted = Vec::new();
                    for (i, r) in ra.iter_mut().enumerate() {
                        if !sel.matches(r) {
                            continue;
                        }
                        let (old_name, old_kind) = (r.name(), r.kind().to_string());
                        if is_json {
                            jsonpatch::apply(&mut r.node, &doc, (loc, OriginRole::Patch))
                                .map_err(|m| KustomizeError::invalid(kpath, m))?;
                            json_round_trip_annotations(&mut r.node);
                            node::forget_quoting(&mut r.node);
                        } else {
                            let mut d = doc.clone();
                            if !allow_name {
                                if let Some(meta) = d.get_mut("metadata") {
                                    meta.remove("name");
                                }
                            }
                            if !allow_kind {
                                d.remove("kind");
                                d.remove("apiVersion");
                            }
                            if !apply_smp(r, &d, loc, custom.as_deref(), kpath, &self.table)? {
                                deleted.push(i);
                            }
                        }
                        let new_name = r.name();
                        if new_name != old_name {
                            r.names.push((r.namespace(), old_name));
                            if !allow_name && !is_json {
                                r.set_name(new_name, (loc, OriginRole::Patch));
                            }
                        }
                        if r.kind() != old_kind && !r.prev_kinds.contains(&old_kind) {
                            r.prev_kinds.push(old_kind);
                        }
                        r.remember();
                    }
                    for i in deleted.into_iter().rev() {
                        ra.remove(i);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Apply a strategic merge patch to a resource; false when it deletes it.
fn apply_smp(
    r: &mut Resource,
    patch: &KNode,
    loc: Loc,
    custom: Option<&schema::Schema>,
    kpath: &str,
    texts: &[(String, String)],
) -> Result<bool, KustomizeError> {
    let cx = smp::Ctx {
        by: (loc, OriginRole::Patch),
        custom,
        error: std::cell::RefCell::new(None),
        texts,
    };
    let def = smp::root_def(custom, r.api_version(), r.kind());
    let mut p = patch.clone();
    // Nodes a patch adds are read from the patch.
    p.fill_base(loc);
    let keep = smp::merge_map(&mut r.node, &p, def.as_deref(), &cx);
    if let Some(e) = cx.error.into_inner() {
        return Err(KustomizeError::invalid(kpath, e));
    }
    r.remember();
    Ok(keep)
}

/// kustomize's built-in `ValueAddTransformer`: a value (by default the name
/// of the kustomization's folder) written into fields of the selected objects,
/// or inserted as a part of a path-like field (`filePathPosition`).
fn value_add(
    dir: &str,
    kpath: &str,
    conf: &KNode,
    ra: &mut [Resource],
    by: By,
) -> Result<(), KustomizeError> {
    let mut value = conf
        .get("value")
        .and_then(KNode::scalar_text)
        .unwrap_or_default()
        .trim()
        .to_string();
    if value.is_empty() {
        value = dir.rsplit('/').next().unwrap_or(dir).to_string();
        if value.is_empty() {
            value = ".".into();
        }
    }
    let targets = conf
        .get("targets")
        .and_then(KNode::as_seq)
        .cloned()
        .unwrap_or_default();
    for t in &targets {
        let sel = match t.get("selector") {
            Some(s) => Some(Selector::from(s).map_err(|e| KustomizeError::invalid(kpath, e))?),
            None => None,
        };
        let field = t
            .get("fieldPath")
            .and_then(KNode::scalar_text)
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| "metadata/namespace".into());
        let pos = t
            .get("filePathPosition")
            .and_then(KNode::scalar_text)
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0);
        for r in ra.iter_mut() {
            if sel.as_ref().is_some_and(|s| !s.matches(r)) {
                continue;
            }
            if field == "metadata/namespace" {
                // kustomize's namespace filter alone: no previous id is kept.
                if !schema::is_cluster_scoped(r.api_version(), r.kind()) {
                    if let Some(meta) = r.node.entry_map("metadata", Some(by)) {
                        meta.set("namespace", KNode::str(value.clone()).with_by(Some(by)));
                    }
                }
                continue;
            }
            let path = transform::split_path(&field);
            let value = value.clone();
            transform::visit(
                &mut r.node,
                &path,
                true,
                &|| KNode::str(""),
                Some(by),
                &mut |n| {
                    let old = n.scalar_text().unwrap_or_default();
                    let new = if pos > 0 {
                        insert_path_part(&old, usize::try_from(pos - 1).unwrap_or(0), &value)
                    } else {
                        value.clone()
                    };
                    *n = KNode::str(new).with_by(Some(by));
                },
            );
        }
    }
    Ok(())
}

/// `part` inserted as the `pos`-th element of the slash-separated `path`
/// (kustomize's `filesys.InsertPathPart`).
fn insert_path_part(path: &str, pos: usize, part: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    // An absolute path splits into a leading empty element first.
    let at = if absolute { pos.saturating_sub(1) } else { pos }.min(parts.len());
    parts.insert(at, part);
    let joined = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if absolute && pos > 0 {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The fields of a kustomization, as its Go struct names them.
const KUSTOMIZATION_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

/// kustomize reads a kustomization through Go's JSON decoder, which matches
/// field names without regard to case (`nameprefix` is `namePrefix`); a later
/// key for the same field wins.
fn fold_field_names(k: &mut KNode) {
    let Some(entries) = k.as_map_mut() else {
        return;
    };
    let mut out: Vec<(String, KNode)> = Vec::with_capacity(entries.len());
    for (key, v) in std::mem::take(entries) {
        let canon = if KUSTOMIZATION_FIELDS.contains(&key.as_str()) {
            key
        } else {
            KUSTOMIZATION_FIELDS
                .iter()
                .find(|f| f.to_lowercase() == key.to_lowercase())
                .map_or(key, |f| (*f).to_string())
        };
        if let Some(slot) = out.iter_mut().find(|(k2, _)| *k2 == canon) {
            slot.1 = v;
        } else {
            out.push((canon, v));
        }
    }
    *entries = out;
}

/// A patch `target`: group, version, kind, name and namespace are anchored
/// regular expressions, as kustomize's `SelectorRegex` reads them.
struct Selector {
    group: Option<regex::Regex>,
    version: Option<regex::Regex>,
    kind: Option<regex::Regex>,
    name: Option<regex::Regex>,
    namespace: Option<regex::Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

fn anchored(s: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(&format!("^(?:{s})$"))
        .or_else(|e| {
            // Go reads a brace that starts no repetition (`{{uid}}`) as itself.
            let literal = s.replace('{', "\\{").replace('}', "\\}");
            regex::Regex::new(&format!("^(?:{literal})$")).map_err(|_| e)
        })
        .map_err(|e| format!("invalid regular expression `{s}`: {e}"))
}

/// One requirement of a Kubernetes label selector (`k=v`, `k==v`, `k!=v`,
/// `k in (a,b)`, `k notin (a,b)`, `k`, `!k`).
#[derive(Debug, Clone)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    fn matches(&self, labels: Option<&KNode>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(KNode::scalar_text);
        match self {
            Self::In(k, vs) => get(k).is_some_and(|v| vs.contains(&v)),
            Self::NotIn(k, vs) => get(k).is_none_or(|v| !vs.contains(&v)),
            Self::Exists(k) => get(k).is_some(),
            Self::NotExists(k) => get(k).is_none(),
        }
    }
}

/// A label selector's requirements (commas inside `( )` belong to a set).
fn parse_selector(s: &str) -> Vec<Requirement> {
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0_i32, String::new());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    let set = |t: &str| -> Vec<String> {
        t.trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split(',')
            .map(|v| v.trim().to_string())
            .collect()
    };
    let mut out = Vec::new();
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if let Some((k, v)) = p.split_once("!=") {
            out.push(Requirement::NotIn(k.trim().into(), vec![v.trim().into()]));
        } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
            out.push(Requirement::In(k.trim().into(), vec![v.trim().into()]));
        } else if let Some((k, v)) = p.split_once(" notin ") {
            out.push(Requirement::NotIn(k.trim().into(), set(v)));
        } else if let Some((k, v)) = p.split_once(" in ") {
            out.push(Requirement::In(k.trim().into(), set(v)));
        } else if let Some(k) = p.strip_prefix('!') {
            out.push(Requirement::NotExists(k.trim().into()));
        } else {
            out.push(Requirement::Exists(p.into()));
        }
    }
    out
}

impl Selector {
    fn from(t: &KNode) -> Result<Self, String> {
        let s = |k: &str| {
            t.get(k)
                .and_then(KNode::scalar_text)
                .filter(|s| !s.is_empty())
        };
        let re = |k: &str| s(k).map(|n| anchored(&n)).transpose();
        Ok(Self {
            group: re("group")?,
            version: re("version")?,
            kind: re("kind")?,
            name: re("name")?,
            namespace: re("namespace")?,
            labels: s("labelSelector")
                .map(|l| parse_selector(&l))
                .unwrap_or_default(),
            annotations: s("annotationSelector")
                .map(|l| parse_selector(&l))
                .unwrap_or_default(),
        })
    }

    /// kustomize's `Select`: the original or the current namespace (an empty
    /// one is `default`, a cluster-scoped object has none) and name, the
    /// current group, version and kind, then the label and annotation selectors.
    fn matches(&self, r: &Resource) -> bool {
        let (g, v) = transform::split_api_version(r.api_version());
        let re_ok =
            |re: &Option<regex::Regex>, text: &str| re.as_ref().is_none_or(|x| x.is_match(text));
        if !re_ok(&self.group, g) || !re_ok(&self.version, v) || !re_ok(&self.kind, r.kind()) {
            return false;
        }
        let cur = (r.namespace(), r.name());
        let org = r.names.first().cloned().unwrap_or_else(|| cur.clone());
        let cluster = schema::is_cluster_scoped(r.api_version(), r.kind());
        let effective = |ns: &str| -> String {
            if cluster {
                "_non_namespaceable_".into()
            } else if ns.is_empty() || ns == "default" {
                "default".into()
            } else {
                ns.to_string()
            }
        };
        if !re_ok(&self.namespace, &effective(&org.0))
            && !re_ok(&self.namespace, &effective(&cur.0))
        {
            return false;
        }
        if !re_ok(&self.name, &org.1) && !re_ok(&self.name, &cur.1) {
            return false;
        }
        for (field, sel) in [("labels", &self.labels), ("annotations", &self.annotations)] {
            let map = r.node.path(&["metadata", field]);
            if !sel.iter().all(|q| q.matches(map)) {
                return false;
            }
        }
        true
    }
}

fn pairs_of(n: &KNode) -> Vec<(String, String)> {
    n.as_map()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.scalar_text().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

fn image_rule(i: &KNode) -> ImageRule {
    ImageRule {
        name: i
            .get("name")
            .and_then(KNode::scalar_text)
            .unwrap_or_default(),
        new_name: i.get("newName").and_then(KNode::scalar_text),
        new_tag: i.get("newTag").and_then(KNode::scalar_text),
        digest: i.get("digest").and_then(KNode::scalar_text),
        tag_suffix: i.get("tagSuffix").and_then(KNode::scalar_text),
    }
}

/// kustomize's `ReplicaCountTransformer` (also the `replicas` field): the
/// objects that have (or had) the name and a kind its field specs select get
/// the count at those paths; none is an error.
fn set_replicas(
    ra: &mut [Resource],
    rep: &KNode,
    specs: &[FieldSpec],
    by: By,
    kpath: &str,
) -> Result<(), KustomizeError> {
    let name = rep
        .get("name")
        .and_then(KNode::scalar_text)
        .unwrap_or_default();
    let mut found = false;
    for spec in specs {
        for r in ra.iter_mut() {
            if (r.name() != name && !r.names.iter().any(|(_, n)| *n == name))
                || !transform::spec_matches(spec, &r.node)
            {
                continue;
            }
            found = true;
            let Some(count) = rep.get("count") else {
                continue;
            };
            let mut v = count.clone();
            v.mark(by);
            let v2 = v.clone();
            transform::apply_specs(
                &mut r.node,
                std::slice::from_ref(spec),
                &move || v2.clone(),
                Some(by),
                &mut |n| {
                    let base = n.base;
                    *n = v.clone();
                    n.base = base;
                },
            );
        }
    }
    if found {
        return Ok(());
    }
    let gvks: Vec<String> = specs
        .iter()
        .map(|s| {
            format!(
                "{}.{}.{}",
                or(&s.kind, "[noKind]"),
                or(&s.version, "[noVer]"),
                or(&s.group, "[noGrp]")
            )
        })
        .collect();
    Err(KustomizeError::invalid(
        kpath,
        format!(
            "resource with name {name} does not match a config with the following GVK [{}]",
            gvks.join(" ")
        ),
    ))
}

/// Only configurations with `apiVersion: builtin` name kustomize's built-in
/// plugins; anything else is an external plugin, which needs plugins enabled
/// (kubectl: `external plugins disabled`) and which a Stockade build never runs.
fn external_plugin(kpath: &str, conf: &KNode) -> Result<(), KustomizeError> {
    let api = conf.get_str("apiVersion").unwrap_or("");
    if api == "builtin" {
        return Ok(());
    }
    Err(KustomizeError::Unsupported {
        path: kpath.to_string(),
        message: format!(
            "external plugins disabled; unable to load external plugin '{}' ({api}): a Stockade build never runs plugins",
            conf.get_str("kind").unwrap_or("")
        ),
    })
}

fn field_spec_of(n: &KNode) -> FieldSpec {
    let s = |k: &str| n.get(k).and_then(KNode::scalar_text).unwrap_or_default();
    FieldSpec {
        group: s("group"),
        version: s("version"),
        kind: s("kind"),
        path: s("path"),
        create: n.get("create").is_some_and(|c| c.v == KVal::Bool(true)),
    }
}

fn set_namespace(r: &mut Resource, ns: &str, by: By, cfg: &schema::Config) {
    set_namespace_with(r, ns, by, cfg, "defaultOnly");
}

/// The namespace transformer; `subjects` is its `setRoleBindingSubjects` mode
/// (`defaultOnly` when empty, `none`, `allServiceAccounts`).
fn set_namespace_with(r: &mut Resource, ns: &str, by: By, cfg: &schema::Config, subjects: &str) {
    let api = r.api_version().to_string();
    let kind = r.kind().to_string();
    r.remember();
    r.current_is_previous = true;
    if kind == "Namespace" && api == "v1" {
        // kustomize's namespace field spec renames Namespace objects.
        r.set_name(ns.to_string(), by);
        return;
    }
    if !schema::is_cluster_scoped(&api, &kind) {
        if let Some(meta) = r.node.entry_map("metadata", Some(by)) {
            if meta.get_str("namespace") != Some(ns) {
                let base = meta.get("namespace").and_then(|n| n.base);
                let mut n = KNode::str(ns).with_by(Some(by));
                n.base = base;
                meta.set("namespace", n);
            }
        }
    }
    if (kind == "RoleBinding" || kind == "ClusterRoleBinding") && subjects != "none" {
        let all = subjects == "allServiceAccounts";
        if let Some(subjects) = r.node.get_mut("subjects").and_then(KNode::as_seq_mut) {
            for s in subjects {
                if (all || s.get_str("name") == Some("default"))
                    && s.get_str("kind") == Some("ServiceAccount")
                {
                    s.set("namespace", KNode::str(ns).with_by(Some(by)));
                }
            }
        }
    }
    for spec in cfg.specs("namespace") {
        if spec.kind == "Namespace" {
            continue;
        }
        let path = transform::split_path(&spec.path);
        let spec = spec.clone();
        if transform::spec_matches(&spec, &r.node) {
            transform::visit(
                &mut r.node,
                &path,
                spec.create,
                &|| KNode::str(ns),
                Some(by),
                &mut |n| {
                    *n = KNode::str(ns).with_by(Some(by));
                },
            );
        }
    }
    r.remember();
}

/// kustomize runs its name-reference filter on every field a name reference
/// names in an object that has it; a field holding a map (`subjects`, a
/// webhook's `clientConfig/service`, …) must have a `name`.
fn check_name_reference_maps(res: &[Resource], cfg: &schema::Config) -> Result<(), String> {
    fn walk(n: &KNode, path: &[String]) -> bool {
        if let KVal::Seq(items) = &n.v {
            return items.iter().all(|i| walk(i, path));
        }
        match path.split_first() {
            None => !matches!(n.v, KVal::Map(_)) || n.get("name").is_some(),
            Some((first, rest)) => n
                .get(first.trim_end_matches("[]"))
                .is_none_or(|c| c.is_null() || walk(c, rest)),
        }
    }
    for r in res {
        for nr in &cfg.name_refs {
            for spec in nr
                .referrers
                .iter()
                .filter(|s| transform::spec_matches(s, &r.node))
            {
                if !walk(&r.node, &transform::split_path(&spec.path)) {
                    return Err(format!(
                        "updating name reference in '{p}' field of '{id}': considering field '{p}' of object {id}: path config error; no 'name' field in node",
                        p = spec.path,
                        id = r.id()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// kustomize's `FixBackReferences`: a field naming an object that was renamed
/// gets the new name. Candidates are objects of the referenced kind that ever
/// had that name, in a compatible namespace; when several remain, those that
/// got the same name prefixes and suffixes as the referrer win.
// One step of kustomize's build, kept whole to read against its source.
#[allow(clippy::too_many_lines)]
fn fix_name_references(res: &mut [Resource], cfg: &schema::Config) -> Result<(), String> {
    struct Snap {
        kind: String,
        api: String,
        name: String,
        ns: String,
        names: Vec<(String, String)>,
        affixes: Vec<(String, String)>,
        current_is_previous: bool,
    }
    let snapshot: Vec<Snap> = res
        .iter()
        .map(|r| Snap {
            kind: r.kind().to_string(),
            api: r.api_version().to_string(),
            name: r.name(),
            ns: r.namespace(),
            names: r.names.clone(),
            affixes: r.affixes.clone(),
            current_is_previous: r.current_is_previous,
        })
        .collect();
    // Candidates by (kind, any name they had).
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, c) in snapshot.iter().enumerate() {
        let mut names: Vec<&str> = c.names.iter().map(|(_, n)| n.as_str()).collect();
        names.push(c.name.as_str());
        names.sort_unstable();
        names.dedup();
        for n in names {
            by_name.entry((c.kind.as_str(), n)).or_default().push(i);
        }
    }
    let ambiguous: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
    for r in res.iter() {
        // kustomize reads the namespaces a RoleBinding's service accounts are
        // in, and refuses one that is present but not a string.
        let blank = r.kind() == "RoleBinding"
            && r.node
                .get("subjects")
                .and_then(KNode::as_seq)
                .is_some_and(|subjects| {
                    subjects.iter().any(|s| {
                        s.get_str("kind") == Some("ServiceAccount")
                            && s.get("namespace")
                                .is_some_and(|n| !matches!(n.v, KVal::Str(_)))
                    })
                });
        if blank {
            return Err(format!(
                "Invalid Input: namespace is blank for resource {:?}",
                r.id()
            ));
        }
    }
    for r in res.iter_mut() {
        let referrer_ns = r.namespace();
        let referrer_cluster = schema::is_cluster_scoped(r.api_version(), r.kind());
        let referrer_affixes = r.affixes.clone();
        let referrer_id = r.id();
        // kustomize's `SubsetThatCouldBeReferencedByResource`: a namespaced
        // referrer sees cluster-scoped objects, those of its namespace and, for
        // a RoleBinding, those in the namespaces of its service accounts.
        let rb_namespaces: Vec<String> = if r.kind() == "RoleBinding" {
            r.node
                .get("subjects")
                .and_then(KNode::as_seq)
                .map(|subjects| {
                    subjects
                        .iter()
                        .filter(|s| s.get_str("kind") == Some("ServiceAccount"))
                        .filter_map(|s| s.get_str("namespace").map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let effective = |n: &str| if n.is_empty() { "default" } else { n }.to_string();
        let visible = |c: &Snap| {
            referrer_cluster
                || schema::is_cluster_scoped(&c.api, &c.kind)
                || effective(&c.ns) == effective(&referrer_ns)
                || rb_namespaces.contains(&c.ns)
        };
        for nr in &cfg.name_refs {
            for spec in &nr.referrers {
                if !transform::spec_matches(spec, &r.node) {
                    continue;
                }
                let mut path = transform::split_path(&spec.path);
                // `…/name` beside a `kind` (roleRef, scaleTargetRef): the kind must match.
                let by_parent = path.len() > 1 && path.last().is_some_and(|l| l == "name");
                if by_parent {
                    path.pop();
                }
                let nr_kind = nr.kind.clone();
                let nr_group = nr.group.clone();
                let candidates = |old: &str,
                                  ns_hint: Option<&str>,
                                  by_map: bool|
                 -> Option<(String, String, bool)> {
                    let mut found: Vec<&Snap> = Vec::new();
                    let pool = by_name
                        .get(&(nr_kind.as_str(), old))
                        .map_or(&[][..], Vec::as_slice);
                    for c in pool
                        .iter()
                        .filter_map(|i| snapshot.get(*i))
                        .filter(|c| visible(c))
                    {
                        let (g, _) = transform::split_api_version(&c.api);
                        if c.kind != nr_kind || (!nr_group.is_empty() && g != nr_group) {
                            continue;
                        }
                        // kustomize's candidates are objects whose id changed
                        // (a previous id with that name), not the current one.
                        let previous = c.names.split_last().map_or(&[][..], |(_, p)| p);
                        let had = previous.iter().any(|(_, nm)| nm == old)
                            || (c.current_is_previous && c.name == old);
                        if !had {
                            continue;
                        }
                        let want_ns = ns_hint.unwrap_or(&referrer_ns);
                        let ns_ok = schema::is_cluster_scoped(&c.api, &c.kind)
                            || (referrer_cluster && ns_hint.is_none())
                            || c.ns == want_ns
                            || c.names
                                .iter()
                                .any(|(n2, nm)| nm == old && effective(n2) == effective(want_ns))
                            || (want_ns.is_empty() && c.ns == "default")
                            || (c.ns.is_empty() && want_ns == "default");
                        if ns_ok && !found.iter().any(|f| f.name == c.name && f.ns == c.ns) {
                            found.push(c);
                        }
                    }
                    if found.len() > 1 {
                        found.retain(|c| same_affixes(&c.affixes, &referrer_affixes));
                    }
                    let identical = found.first().is_some_and(|f| {
                        found
                            .iter()
                            .all(|c| c.name == f.name && (!by_map || c.ns == f.ns))
                    });
                    if found.len() > 1 && !identical {
                        // kustomize refuses to guess.
                        let ids: Vec<String> = found
                            .iter()
                            .map(|c| {
                                let ns = if c.ns.is_empty() { "[noNs]" } else { &c.ns };
                                format!("{}.{}/{}.{ns}", c.kind, c.api, c.name)
                            })
                            .collect();
                        let mut slot = ambiguous.borrow_mut();
                        if slot.is_none() {
                            *slot = Some(format!(
                                    "updating name reference in '{}' field of '{referrer_id}': found multiple possible referrals: {}",
                                    spec.path,
                                    ids.join(", ")
                                ));
                        }
                        return None;
                    }
                    found.first().map(|c| {
                        (
                            c.name.clone(),
                            c.ns.clone(),
                            c.names.iter().any(|(n, _)| *n != c.ns),
                        )
                    })
                };
                let role_ref = spec.path.ends_with("roleRef/name");
                let rename_map = |n: &mut KNode| {
                    let text = |n: &KNode, k: &str| n.get(k).and_then(KNode::scalar_text);
                    if text(n, "kind").is_some_and(|k| k != nr_kind) {
                        return;
                    }
                    // a roleRef names its object's group too (kustomize's
                    // roleRefFilter)
                    if role_ref
                        && text(n, "kind").is_some()
                        && text(n, "apiGroup").is_some_and(|g| !g.is_empty() && g != nr_group)
                    {
                        return;
                    }
                    let ns_hint = n.get_str("namespace").map(str::to_string);
                    if let Some(old) = n.get_str("name").map(str::to_string) {
                        if let Some((new, new_ns, moved)) =
                            candidates(&old, ns_hint.as_deref(), true)
                        {
                            if new != old {
                                n.set("name", KNode::str(new));
                            }
                            let differs = match ns_hint.as_deref() {
                                Some(h) => h != new_ns,
                                // A subject without a namespace gets the one its
                                // object was moved to.
                                None => moved && !by_parent && n.get("kind").is_some(),
                            };
                            if differs && !new_ns.is_empty() {
                                n.set("namespace", KNode::str(new_ns));
                            }
                        }
                    }
                };
                let mut one = |n: &mut KNode| match &mut n.v {
                    KVal::Str(old) if !by_parent => {
                        if let Some((new, _, _)) = candidates(old, None, false) {
                            if new != *old {
                                *old = new;
                            }
                        }
                    }
                    KVal::Map(_) => rename_map(n),
                    _ => {}
                };
                transform::visit(
                    &mut r.node,
                    &path,
                    false,
                    &|| KNode::new(KVal::Null),
                    None,
                    &mut |n| {
                        if let KVal::Seq(items) = &mut n.v {
                            items.iter_mut().for_each(&mut one);
                        } else {
                            one(n);
                        }
                    },
                );
            }
        }
    }
    match ambiguous.into_inner() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// kustomize's `PrefixesSuffixesEquals`: the prefixes (and the suffixes) of one
/// object end with those of the other.
fn same_affixes(a: &[(String, String)], b: &[(String, String)]) -> bool {
    let list = |v: &[(String, String)], suffix: bool| -> Vec<String> {
        v.iter()
            .map(|(p, s)| if suffix { s.clone() } else { p.clone() })
            .filter(|x| !x.is_empty())
            .collect()
    };
    let ends = |x: Vec<String>, y: Vec<String>| {
        let (long, short) = if x.len() >= y.len() { (x, y) } else { (y, x) };
        if short.is_empty() {
            return long.is_empty();
        }
        long.ends_with(&short)
    };
    ends(list(a, false), list(b, false)) && ends(list(a, true), list(b, true))
}

/// The text with repeated top-level `key: value` lines (of one document)
/// blanked out, keeping offsets.
fn drop_repeated_top_level(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") {
            seen.clear();
            out.push_str(line);
            continue;
        }
        let key = line
            .split_once(':')
            .filter(|(k, _)| !k.starts_with([' ', '#', '-']) && !k.is_empty())
            .map(|(k, _)| k.to_string());
        match key {
            Some(k) if seen.contains(&k) => {
                out.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
            }
            Some(k) => {
                seen.push(k);
                out.push_str(line);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// kustomize rewrites every object's annotations from a map of strings
/// before it prints them (`RemoveBuildAnnotations`): each value becomes the
/// text yaml.v3 holds for its node (`0x1F`, `1.50`, `~`, `null` as written),
/// a map or list an empty string. Labels are printed as they are.
fn stringify_annotations(n: &mut KNode, files: &[(String, String)]) {
    let Some(m) = n
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(KNode::as_map_mut)
    else {
        return;
    };
    for (_, v) in m.iter_mut() {
        let text = match &v.v {
            KVal::Str(_) => continue,
            KVal::Map(_) | KVal::Seq(_) => String::new(),
            KVal::Time(t) => t.clone(),
            _ => literal_text(v, files).unwrap_or_else(|| {
                if v.is_null() {
                    "null".into()
                } else {
                    v.scalar_text().unwrap_or_default()
                }
            }),
        };
        v.v = KVal::Str(text);
    }
}

/// A plain scalar's text as written in the file it was read from.
fn literal_text(v: &KNode, files: &[(String, String)]) -> Option<String> {
    let loc = v.base?;
    let (_, text) = files.get(loc.file as usize)?;
    let raw = text.get(loc.span.range())?.trim();
    if raw.contains([':', '\n', '{', '[', ',', '#', '"', '\'']) || (raw.is_empty() && !v.is_null())
    {
        return None;
    }
    Some(raw.to_string())
}

/// kustomize converts a JSON patch written in YAML to JSON with go-yaml v2,
/// which reads YAML 1.1: a plain `y`, `yes`, `on`, `n`, `no`, `off` (any
/// case form) is a boolean there.
fn yaml11_patch_values(doc: &mut KNode, loc: Loc, files: &[(String, String)]) {
    fn walk(n: &mut KNode, files: &[(String, String)]) {
        match &mut n.v {
            KVal::Seq(items) => items.iter_mut().for_each(|i| walk(i, files)),
            KVal::Map(entries) => entries.iter_mut().for_each(|(_, v)| walk(v, files)),
            KVal::Str(s) => {
                let b = match s.as_str() {
                    "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => true,
                    "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => false,
                    _ => return,
                };
                // only a plain scalar (its text in the file is the value)
                let plain = n.base.is_some_and(|l| {
                    files
                        .get(l.file as usize)
                        .and_then(|(_, t)| t.get(l.span.range()))
                        .is_some_and(|raw| raw.trim() == s.as_str())
                });
                if plain {
                    n.v = KVal::Bool(b);
                }
            }
            _ => {}
        }
    }
    let json_text = files
        .get(loc.file as usize)
        .and_then(|(_, t)| t.get(loc.span.range()))
        .is_some_and(|t| t.trim_start().starts_with('['));
    if json_text {
        // json-patch v4 compares a `test` value's bytes as written with the
        // object's JSON from Go's encoder, which writes `<`, `>`, `&` as
        // `\u003c`…: a value written with those characters never matches.
        for op in doc.as_seq_mut().into_iter().flatten() {
            let escaped = op.get_str("op") == Some("test")
                && op.get("value").is_some_and(|v| {
                    v.base
                        .and_then(|l| {
                            files
                                .get(l.file as usize)
                                .and_then(|(_, t)| t.get(l.span.range()))
                        })
                        .is_some_and(|raw| raw.contains(['<', '>', '&']))
                });
            if escaped {
                op.set("value", KNode::str("\u{0}never equal (Go escapes <, >, &)"));
            }
        }
        return;
    }
    if let Some(ops) = doc.as_seq_mut() {
        for op in ops {
            if let Some(v) = op.get_mut("value") {
                walk(v, files);
            }
        }
    }
}

/// A JSON patch goes through JSON in kustomize: afterwards the annotation
/// values hold their JSON texts (`0x1F` is `31`), not what a file said.
fn json_round_trip_annotations(n: &mut KNode) {
    if let Some(m) = n
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(KNode::as_map_mut)
    {
        for (_, v) in m.iter_mut() {
            if !matches!(v.v, KVal::Str(_) | KVal::Map(_) | KVal::Seq(_)) {
                v.base = None;
            }
        }
    }
}

fn check_conflicts(ra: &[Resource], kpath: &str, what: &str) -> Result<(), KustomizeError> {
    let mut seen = std::collections::HashSet::new();
    for r in ra {
        if !seen.insert(r.id()) {
            return Err(KustomizeError::invalid(
                kpath,
                format!("{what}: {}", r.id()),
            ));
        }
    }
    Ok(())
}

fn selector_matches(sel: &KNode, r: &Resource) -> bool {
    let s = |k: &str| {
        sel.get(k)
            .and_then(KNode::scalar_text)
            .filter(|v| !v.is_empty())
    };
    let (g, v) = transform::split_api_version(r.api_version());
    if s("group").is_some_and(|x| x != g)
        || s("version").is_some_and(|x| x != v)
        || s("kind").is_some_and(|x| x != r.kind())
    {
        return false;
    }
    if let Some(name) = s("name") {
        if r.name() != name && !r.names.iter().any(|(_, n)| *n == name) {
            return false;
        }
    }
    if let Some(ns) = s("namespace") {
        if r.namespace() != ns && !r.names.iter().any(|(n, _)| *n == ns) {
            return false;
        }
    }
    for (field, key) in [
        ("labels", "labelSelector"),
        ("annotations", "annotationSelector"),
    ] {
        if let Some(sel) = s(key) {
            let map = r.node.path(&["metadata", field]);
            if !parse_selector(&sel).iter().all(|q| q.matches(map)) {
                return false;
            }
        }
    }
    true
}

fn int_opt(n: Option<&KNode>, key: &str) -> i64 {
    n.and_then(|o| o.get(key))
        .and_then(|v| match v.v {
            KVal::Int(i) => i64::try_from(i).ok(),
            _ => v.scalar_text().and_then(|t| t.parse().ok()),
        })
        .unwrap_or(0)
}

// One step of kustomize's build, kept whole to read against its source.
#[allow(clippy::too_many_lines)]
fn apply_replacement(ra: &mut [Resource], rep: &KNode, kpath: &str) -> Result<(), KustomizeError> {
    let by = rep.base.unwrap_or(Loc {
        file: 0,
        span: Span::new(0, 0),
    });
    let source = rep
        .get("source")
        .ok_or_else(|| KustomizeError::invalid(kpath, "replacement without a source"))?;
    let found: Vec<&Resource> = ra.iter().filter(|r| selector_matches(source, r)).collect();
    let src = match found.as_slice() {
        [one] => *one,
        [] => {
            return Err(KustomizeError::invalid(
                kpath,
                format!("nothing selected by {}", source.to_json()),
            ))
        }
        _ => {
            return Err(KustomizeError::invalid(
                kpath,
                format!("multiple matches for selector {}", source.to_json()),
            ))
        }
    };
    let field = source
        .get("fieldPath")
        .and_then(KNode::scalar_text)
        .unwrap_or_else(|| "metadata.name".into());
    let path = crate::replace::split_field_path(&field);
    let values = crate::replace::lookup(&src.node, &path);
    let Some(value) = values.first().map(|v| (*v).clone()) else {
        return Err(KustomizeError::invalid(
            kpath,
            format!(
                "fieldPath `{field}` is missing for replacement source {}",
                src.id()
            ),
        ));
    };
    let sopts = source.get("options");
    let value = match sopts
        .and_then(|o| o.get("delimiter"))
        .and_then(KNode::scalar_text)
    {
        Some(d) if !d.is_empty() => {
            let text = value.scalar_text().unwrap_or_default();
            let piece =
                crate::replace::part(&text, &d, int_opt(sopts, "index")).unwrap_or_default();
            KNode::str(piece)
        }
        _ => value,
    };
    let targets = rep
        .get("targets")
        .and_then(KNode::as_seq)
        .cloned()
        .unwrap_or_default();
    for t in &targets {
        let Some(sel) = t.get("select") else { continue };
        let rejects = t
            .get("reject")
            .and_then(KNode::as_seq)
            .cloned()
            .unwrap_or_default();
        let topts = t.get("options");
        let create = topts
            .and_then(|o| o.get("create"))
            .is_some_and(|c| c.v == KVal::Bool(true));
        let delim = topts
            .and_then(|o| o.get("delimiter"))
            .and_then(KNode::scalar_text)
            .filter(|d| !d.is_empty());
        let index = int_opt(topts, "index");
        let paths: Vec<String> = t.get("fieldPaths").and_then(KNode::as_seq).map_or_else(
            || vec!["metadata.name".to_string()],
            |s| s.iter().filter_map(KNode::scalar_text).collect(),
        );
        for r in ra.iter_mut() {
            if !selector_matches(sel, r) || rejects.iter().any(|x| selector_matches(x, r)) {
                continue;
            }
            for fp in &paths {
                let p = crate::replace::split_field_path(fp);
                let mut set = |n: &mut KNode| {
                    let base = n.base;
                    let new = match &delim {
                        Some(d) => {
                            let cur = n.scalar_text().unwrap_or_default();
                            KNode::str(crate::replace::splice(
                                &cur,
                                d,
                                index,
                                &value.scalar_text().unwrap_or_default(),
                            ))
                        }
                        None => value.clone(),
                    };
                    *n = crate::replace::marked(&new, by);
                    if base.is_some() {
                        n.base = base;
                    }
                };
                let hits = crate::replace::visit_mut(&mut r.node, &p, create, &mut set);
                if hits == 0 && !create && !fp.contains('*') {
                    return Err(KustomizeError::invalid(
                        kpath,
                        format!(
                            "unable to find field \"{fp}\" in replacement target {}",
                            r.id()
                        ),
                    ));
                }
            }
            r.remember();
        }
    }
    Ok(())
}

/// A `fieldpath` of a var (`spec.ports[0].port`) as field-path segments.
fn var_field_path(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in crate::replace::split_field_path(p) {
        let mut rest = seg.as_str();
        while let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(rest.get(..i).unwrap_or("").to_string());
            }
            let end = rest.find(']').unwrap_or(rest.len());
            out.push(
                rest.get(i..=end.min(rest.len().saturating_sub(1)))
                    .unwrap_or("")
                    .to_string(),
            );
            rest = rest.get(end + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
    }
    out
}

/// Expand `$(VAR)` in `s` as Kubernetes does (`$$` escapes); `None` when
/// nothing changed.
fn expand_vars(s: &str, values: &HashMap<String, KNode>) -> Option<KNode> {
    if !s.contains('$') {
        return None;
    }
    // A whole-field reference keeps the value's type.
    if let Some(name) = s.strip_prefix("$(").and_then(|r| r.strip_suffix(')')) {
        if let Some(v) = values.get(name) {
            return Some(v.clone());
        }
    }
    let mut out = String::new();
    let mut changed = false;
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(' ');
        if c == '$' {
            match b.get(i + 1) {
                Some('$') => {
                    out.push('$');
                    i += 2;
                    changed = true;
                    continue;
                }
                Some('(') => {
                    if let Some(close) = b.iter().skip(i + 2).position(|c| *c == ')') {
                        let name: String = b.iter().skip(i + 2).take(close).collect();
                        if let Some(v) = values.get(&name) {
                            out.push_str(&v.scalar_text().unwrap_or_default());
                            i += close + 3;
                            changed = true;
                            continue;
                        }
                    }
                }
                _ => {}
            }
        }
        out.push(c);
        i += 1;
    }
    changed.then(|| KNode::str(out))
}

fn resolve_vars(
    res: &mut [Resource],
    vars: &[(String, Option<usize>, String, Loc)],
    dir: &str,
    cfg: &schema::Config,
) -> Result<(), KustomizeError> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values: HashMap<String, KNode> = HashMap::new();
    let mut places: HashMap<String, Loc> = HashMap::new();
    for (name, uid, field, loc) in vars {
        let Some(target) = uid.and_then(|u| res.iter().find(|r| r.uid == u)) else {
            return Err(KustomizeError::invalid(
                dir,
                format!("var '{name}' cannot be mapped to a field in the set of known resources"),
            ));
        };
        let path = var_field_path(field);
        let Some(v) = crate::replace::lookup(&target.node, &path)
            .first()
            .map(|v| (*v).clone())
        else {
            return Err(KustomizeError::invalid(
                dir,
                format!("field specified in var '{name}' not found in corresponding resource"),
            ));
        };
        values.insert(name.clone(), v);
        places.insert(name.clone(), *loc);
    }
    let specs = cfg.specs("varReference");
    for r in res.iter_mut() {
        transform::apply_specs(
            &mut r.node,
            specs,
            &|| KNode::new(KVal::Null),
            None,
            &mut |n| {
                expand_in(n, &values, &places);
            },
        );
    }
    Ok(())
}

fn expand_in(n: &mut KNode, values: &HashMap<String, KNode>, places: &HashMap<String, Loc>) {
    match &mut n.v {
        KVal::Str(s) => {
            let used: Option<Loc> = places
                .iter()
                .find(|(k, _)| s.contains(&format!("$({k})")))
                .map(|(_, l)| *l);
            if let Some(new) = expand_vars(s, values) {
                let base = n.base;
                *n = new;
                n.base = base;
                if let Some(l) = used {
                    n.by = Some((l, OriginRole::Transformer));
                }
            }
        }
        KVal::Seq(items) => items.iter_mut().for_each(|i| expand_in(i, values, places)),
        KVal::Map(m) => m.iter_mut().for_each(|(_, v)| expand_in(v, values, places)),
        _ => {}
    }
}

/// A var's `objref` (`apiVersion`, `kind`, `name`, `namespace`) as a selector.
fn objref_selector(objref: &KNode) -> KNode {
    let mut sel = objref.clone();
    if let Some(av) = objref.get("apiVersion").and_then(KNode::scalar_text) {
        let (g, v) = transform::split_api_version(&av);
        if !g.is_empty() {
            sel.set("group", KNode::str(g));
        }
        sel.set("version", KNode::str(v));
    }
    sel
}

fn has_non_finite(n: &KNode) -> bool {
    match &n.v {
        KVal::Float(f) => !f.is_finite(),
        KVal::Seq(items) => items.iter().any(has_non_finite),
        KVal::Map(m) => m.iter().any(|(_, v)| has_non_finite(v)),
        _ => false,
    }
}

/// The text with plain keys that YAML 1.1 reads as booleans (`yes`, `on`, `n`,
/// …) quoted.
fn quote_yaml11_bool_keys(text: &str) -> String {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF",
    ];
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '-']);
        let lead = line.len() - body.len();
        let key_end = body.find(':');
        let word = key_end.and_then(|e| body.get(..e));
        let after = key_end.and_then(|e| body.get(e + 1..));
        match (word, after) {
            (Some(w), Some(a))
                if WORDS.contains(&w)
                    && (a.is_empty() || a.starts_with([' ', '\n', '\r', '\t'])) =>
            {
                out.push_str(line.get(..lead).unwrap_or(""));
                out.push('"');
                out.push_str(w);
                out.push('"');
                out.push_str(body.get(w.len()..).unwrap_or(""));
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// `s`, or `none` when `s` is empty (kustomize's `[noKind]`-style ids).
fn or(s: &str, none: &str) -> String {
    if s.is_empty() { none } else { s }.to_string()
}
