//! What `helm template` prints: manifests split and sorted in install order
//! (`releaseutil.SortManifests`), `---\n# Source: …` headers, hooks after the
//! manifests, tests unless `--skip-tests`, CRDs with `--include-crds`,
//! `--show-only`, and the errors as Helm words them.

use stockade_yaml::Limits;

use crate::error::{HelmError, HelmErrorKind};
use crate::ignore::go_match;
use crate::render::Render;
use crate::values::{HelmLine, HelmOptions};

/// Helm's install order of kinds.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One manifest of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (`chart/templates/x.yaml`).
    pub name: String,
    pub content: String,
    pub kind: String,
    /// For hooks: whether it is a test hook.
    pub test: bool,
}

/// Manifests and hooks, sorted as Helm sorts them.
#[derive(Debug, Clone, Default)]
pub struct Sorted {
    pub manifests: Vec<Manifest>,
    pub hooks: Vec<Manifest>,
}

/// `releaseutil.SplitManifests` of the given Helm line.
pub fn split_manifests(text: &str, line: HelmLine) -> Vec<String> {
    let mut docs = Vec::new();
    match line {
        HelmLine::V4 => {
            let trimmed = text.trim_start();
            for d in split_on_separator(trimmed, false) {
                if d.trim().is_empty() {
                    continue;
                }
                docs.push(d.trim_start().to_string());
            }
        }
        HelmLine::V3 => {
            let trimmed = text.trim();
            for d in split_on_separator(trimmed, true) {
                if d.is_empty() {
                    continue;
                }
                docs.push(d.trim().to_string());
            }
        }
    }
    docs
}

/// Split on Helm 4's `(?m)^---[ \t]*` or Helm 3's `(?:^|\s*\n)---\s*`.
fn split_on_separator(text: &str, v3: bool) -> Vec<&str> {
    let re = if v3 {
        regex::Regex::new(r"(?:^|\s*\n)---\s*")
    } else {
        regex::Regex::new(r"(?m)^---[ \t]*")
    };
    match re {
        Ok(re) => re.split(text).collect(),
        Err(_) => vec![text],
    }
}

/// The head Helm reads of each manifest (`SimpleHead`): kind, annotations.
struct Head {
    kind: String,
    annotations: Vec<(String, String)>,
}

fn read_head(doc: &str) -> Result<Head, String> {
    let stream = stockade_yaml::parse_stream(doc, &Limits::default());
    let Some(first) = stream.documents.first() else {
        return Ok(Head {
            kind: String::new(),
            annotations: Vec::new(),
        });
    };
    let node = match &first.root {
        Ok(node) => node,
        // go-yaml v2 (not strict) lets a later key win; read the head by lines.
        Err(p) if p.message.contains("already defined") => return Ok(head_by_lines(doc)),
        Err(p) => return Err(go_yaml_error(doc, p)),
    };
    if stream.documents.len() > 1 {
        // A second document inside one manifest cannot happen after the split.
    }
    let kind = node
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or_default()
        .to_string();
    let annotations = node
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.as_map())
        .map(|entries| {
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.key_string().unwrap_or_default(),
                        v.as_str().map_or_else(|| scalar_text(v), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Head { kind, annotations })
}

/// The head of a manifest whose mapping repeats a key: `kind` and the
/// `metadata.annotations` entries, read line by line (block style only).
fn head_by_lines(doc: &str) -> Head {
    let unquote = |v: &str| v.trim().trim_matches('"').trim_matches('\'').to_string();
    let mut kind = String::new();
    let mut annotations = Vec::new();
    let (mut in_meta, mut in_ann) = (false, false);
    for line in doc.lines() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent == 0 {
            in_meta = t == "metadata:";
            in_ann = false;
            if let Some(v) = t.strip_prefix("kind:") {
                kind = unquote(v);
            }
        } else if in_meta && indent == 2 {
            in_ann = t == "annotations:";
        } else if in_ann && indent >= 4 {
            if let Some((k, v)) = t.split_once(':') {
                annotations.push((unquote(k), unquote(v)));
            }
        }
    }
    Head { kind, annotations }
}

fn scalar_text(v: &stockade_yaml::Node) -> String {
    match &v.value {
        stockade_yaml::Value::Bool(b) => b.to_string(),
        stockade_yaml::Value::Int(i) => i.to_string(),
        stockade_yaml::Value::Float(f) => stockade_source::go::format_float_g(*f, false),
        _ => String::new(),
    }
}

/// go-yaml's wording for a document that does not parse (`yaml: line N: …`).
fn go_yaml_error(doc: &str, problem: &stockade_source::finding::Problem) -> String {
    let start = problem.span.start as usize;
    let line = doc
        .get(..start.min(doc.len()))
        .map_or(1, |b| b.matches('\n').count() + 1);
    let msg = problem.message.to_lowercase();
    let text = if msg.contains("could not find expected ':'")
        || msg.contains("simple key")
        || msg.contains("mapping")
    {
        // go-yaml reports a plain line inside a mapping at the line after it.
        let last_line = doc.trim_end_matches('\n').matches('\n').count() + 1;
        let at = if msg.contains("could not find") {
            line
        } else {
            (line + 1).min(last_line + 1)
        };
        format!("yaml: line {at}: could not find expected ':'")
    } else if msg.contains("tab") {
        format!("yaml: line {line}: found character that cannot start any token")
    } else {
        format!("yaml: line {line}: {}", problem.message)
    };
    format!("error converting YAML to JSON: {text}")
}

fn kind_rank(kind: &str) -> Option<usize> {
    INSTALL_ORDER.iter().position(|k| *k == kind)
}

fn less_by_kind(a: &str, b: &str) -> bool {
    match (kind_rank(a), kind_rank(b)) {
        (None, None) => a < b,
        (None, Some(_)) => false,
        (Some(_), None) => true,
        (Some(x), Some(y)) => x < y,
    }
}

fn sort_by_kind(v: &mut [Manifest]) {
    v.sort_by(|a, b| {
        if less_by_kind(&a.kind, &b.kind) {
            std::cmp::Ordering::Less
        } else if less_by_kind(&b.kind, &a.kind) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
}

/// `SortManifests` over rendered files (`name → text`, `NOTES.txt` already
/// removed). `Err((path, message))` for a manifest that is not YAML.
pub fn sort_manifests<'a>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
    line: HelmLine,
) -> Result<Sorted, (String, String)> {
    let mut files: Vec<(&str, &str)> = files.collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut sorted = Sorted::default();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for m in split_manifests(content, line) {
            let head = read_head(&m)
                .map_err(|e| (path.to_string(), format!("YAML parse error on {path}: {e}")))?;
            let hook = head
                .annotations
                .iter()
                .find(|(k, _)| k == "helm.sh/hook")
                .map(|(_, v)| v.clone());
            let Some(hook) = hook else {
                sorted.manifests.push(Manifest {
                    name: path.to_string(),
                    content: m,
                    kind: head.kind,
                    test: false,
                });
                continue;
            };
            let events: Vec<String> = hook.split(',').map(|h| h.trim().to_lowercase()).collect();
            if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
                continue;
            }
            let test = events.iter().any(|e| e == "test" || e == "test-success");
            sorted.hooks.push(Manifest {
                name: path.to_string(),
                content: m,
                kind: head.kind,
                test,
            });
        }
    }
    sort_by_kind(&mut sorted.manifests);
    sort_by_kind(&mut sorted.hooks);
    Ok(sorted)
}

/// What `helm template` prints for `render` (stdout), or its error (the text
/// after `Error: `) together with what it printed before it.
pub fn template_output(render: &Render, opts: &HelmOptions) -> Result<String, (String, HelmError)> {
    if let Some(e) = &render.first_error {
        return Err((String::new(), e.clone()));
    }
    let notes_suffix = "NOTES.txt";
    let files = render
        .files
        .iter()
        .filter(|f| !f.name.ends_with(notes_suffix))
        .map(|f| (f.name.as_str(), f.text.as_str()));
    let sorted = match sort_manifests(files, opts.helm_line) {
        Ok(s) => s,
        Err((path, message)) => {
            let mut printed = String::new();
            if opts.debug {
                for f in render
                    .files
                    .iter()
                    .filter(|f| !f.name.ends_with(notes_suffix) && !f.text.trim().is_empty())
                {
                    printed.push_str(&format!("---\n# Source: {}\n{}\n", f.name, f.text));
                }
                printed = format!("{}\n", printed.trim());
            }
            let mut err = HelmError::new(HelmErrorKind::Output, message);
            if let Some(t) = render.templates.get(&path) {
                err = err.at(
                    crate::render::join_path(&render.chart_name, "", &t.location),
                    None,
                );
            }
            if !opts.debug {
                err.message
                    .push_str("\n\nUse --debug flag to render out invalid YAML");
            }
            return Err((printed, err));
        }
    };
    let mut manifest = String::new();
    if opts.include_crds {
        for (name, _, text) in &render.crds {
            manifest.push_str(&format!("---\n# Source: {name}\n{text}\n"));
        }
    }
    for m in &sorted.manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
    }
    let mut out = format!("{}\n", manifest.trim());
    for h in &sorted.hooks {
        if opts.skip_tests && h.test {
            continue;
        }
        out.push_str(&format!("---\n# Source: {}\n{}\n", h.name, h.content));
    }
    if opts.show_only.is_empty() {
        return Ok(out);
    }
    let docs = split_manifests(&out, opts.helm_line);
    let mut shown = String::new();
    for pattern in &opts.show_only {
        let mut missing = true;
        for doc in &docs {
            let Some(source) = doc.lines().find_map(|l| l.strip_prefix("# Source: ")) else {
                continue;
            };
            let Some((_, rest)) = source.split_once('/') else {
                continue;
            };
            if go_match(pattern, rest).unwrap_or(false) {
                shown.push_str(&format!("---\n{doc}\n"));
                missing = false;
            }
        }
        if missing {
            return Err((
                String::new(),
                HelmError::new(
                    HelmErrorKind::Output,
                    format!("could not find template {pattern} in chart"),
                ),
            ));
        }
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn split_and_sort() {
        assert_eq!(
            split_manifests("\n---\na: 1\n---\nb: 2\n", HelmLine::V4),
            ["a: 1\n", "b: 2\n"]
        );
        assert_eq!(
            split_manifests("\n---\na: 1\n---\nb: 2\n", HelmLine::V3),
            ["a: 1", "b: 2"]
        );
        let files = [
            (
                "c/t/a.yaml",
                "kind: Service\n---\nkind: Namespace\n---\nkind: Foo\n",
            ),
            (
                "c/t/b.yaml",
                "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n",
            ),
        ];
        let s = sort_manifests(files.iter().map(|(a, b)| (*a, *b)), HelmLine::V4).unwrap();
        let kinds: Vec<&str> = s.manifests.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, ["Namespace", "Service", "Foo"]);
        assert!(s.hooks[0].test);
    }
}
