//! The tables kustomize's behaviour comes from, generated into `data/` by
//! `scripts/kustomize-tables.py`:
//!
//! - `patch.tsv`: merge keys and strategies of the built-in Kubernetes types, from
//!   the `OpenAPI` document kyaml embeds (Kubernetes v1.21.2);
//! - `fieldspecs.tsv`: kustomize's built-in transformer configuration (which
//!   fields `commonLabels`, `namespace`, `images`, … touch, and where names are
//!   referenced).

use std::collections::HashMap;
use std::sync::OnceLock;

const PATCH: &str = include_str!("../data/patch.tsv");
const FIELDSPECS: &str = include_str!("../data/fieldspecs.tsv");

/// A field of a definition.
#[derive(Debug, Clone)]
pub struct Field {
    /// `o` object, `a` list of objects, `s` list of scalars, `m` map of objects, `x` other.
    pub shape: char,
    pub reference: Option<String>,
    pub merge_key: Option<String>,
    pub strategy: Option<String>,
}

#[derive(Default, Debug)]
pub struct Schema {
    pub kinds: HashMap<(String, String), String>,
    pub defs: HashMap<String, HashMap<String, Field>>,
}

impl Schema {
    /// A custom schema (kustomization `openapi: {path: …}`): a Swagger document
    /// with `definitions`, read as the generator reads Kubernetes' own.
    pub fn from_node(doc: &crate::node::KNode) -> Schema {
        use crate::node::KNode;
        let mut s = Schema::default();
        let Some(defs) = doc.get("definitions").and_then(KNode::as_map) else {
            return s;
        };
        for (name, def) in defs {
            if let Some(gvks) = def
                .get("x-kubernetes-group-version-kind")
                .and_then(KNode::as_seq)
            {
                for g in gvks {
                    let group = g.get_str("group").unwrap_or("");
                    let version = g.get_str("version").unwrap_or("");
                    let gv = if group.is_empty() {
                        version.to_string()
                    } else {
                        format!("{group}/{version}")
                    };
                    s.kinds.insert(
                        (gv, g.get_str("kind").unwrap_or("").to_string()),
                        name.clone(),
                    );
                }
            }
            add_def(&mut s, name, def);
        }
        s
    }
}

/// Register definition `name` and, under `name/field`, the objects its
/// properties define inline.
fn add_def(s: &mut Schema, name: &str, def: &crate::node::KNode) {
    use crate::node::KNode;
    let ref_of = |n: Option<&KNode>| {
        n.and_then(|n| n.get_str("$ref"))
            .and_then(|r| r.rsplit('/').next())
            .map(str::to_string)
    };
    let mut fields = HashMap::new();
    if let Some(props) = def.get("properties").and_then(KNode::as_map) {
        for (f, p) in props {
            let mk = p
                .get_str("x-kubernetes-patch-merge-key")
                .map(str::to_string);
            let st = p.get_str("x-kubernetes-patch-strategy").map(str::to_string);
            let inline = format!("{name}/{f}");
            let (shape, reference) = if p.get_str("type") == Some("array") {
                let items = p.get("items");
                match ref_of(items) {
                    Some(r) => ('a', Some(r)),
                    None if items.is_some_and(|i| i.get("properties").is_some()) => {
                        if let Some(i) = items {
                            add_def(s, &inline, i);
                        }
                        ('a', Some(inline))
                    }
                    None => ('s', None),
                }
            } else if let Some(r) = ref_of(Some(p)) {
                ('o', Some(r))
            } else if p.get("properties").is_some() {
                add_def(s, &inline, p);
                ('o', Some(inline))
            } else if let Some(r) = ref_of(p.get("additionalProperties")) {
                ('m', Some(r))
            } else {
                ('x', None)
            };
            fields.insert(
                f.clone(),
                Field {
                    shape,
                    reference,
                    merge_key: mk,
                    strategy: st,
                },
            );
        }
    }
    s.defs.insert(name.to_string(), fields);
}

pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = Schema::default();
        let mut cur: Option<String> = None;
        for line in PATCH.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let opt = |i: usize| cols.get(i).filter(|c| **c != "-").map(|c| (*c).to_string());
            match cols.first() {
                Some(&"G") => {
                    if let (Some(gv), Some(k), Some(d)) = (cols.get(1), cols.get(2), cols.get(3)) {
                        s.kinds
                            .insert(((*gv).to_string(), (*k).to_string()), (*d).to_string());
                    }
                }
                Some(&"D") => cur = opt(1),
                Some(&"F") => {
                    if let (Some(d), Some(name)) = (&cur, cols.get(1)) {
                        let f = Field {
                            shape: cols.get(2).and_then(|c| c.chars().next()).unwrap_or('x'),
                            reference: opt(3),
                            merge_key: opt(4),
                            strategy: opt(5),
                        };
                        s.defs
                            .entry(d.clone())
                            .or_default()
                            .insert((*name).to_string(), f);
                    }
                }
                _ => {}
            }
        }
        s
    })
}

/// One field spec: which objects (group/version/kind, empty = any) and the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub path: String,
    pub create: bool,
}

/// A name reference: objects of `kind` are referenced at the field specs.
#[derive(Debug, Clone)]
pub struct NameRef {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub referrers: Vec<FieldSpec>,
}

#[derive(Default, Clone)]
pub struct Config {
    pub sections: HashMap<String, Vec<FieldSpec>>,
    pub name_refs: Vec<NameRef>,
}

impl Config {
    /// Merge a transformer configuration file's content (`configurations:`):
    /// sections of field specs, and `nameReference` entries.
    pub fn merge(&mut self, doc: &crate::node::KNode) {
        use crate::node::KNode;
        let Some(map) = doc.as_map() else { return };
        let spec_of = |n: &KNode| {
            let s = |k: &str| n.get(k).and_then(KNode::scalar_text).unwrap_or_default();
            FieldSpec {
                group: s("group"),
                version: s("version"),
                kind: s("kind"),
                path: s("path"),
                create: n
                    .get("create")
                    .is_some_and(|c| c.v == crate::node::KVal::Bool(true)),
            }
        };
        for (section, list) in map {
            let Some(items) = list.as_seq() else { continue };
            if section == "nameReference" {
                for item in items {
                    let s = |k: &str| item.get(k).and_then(KNode::scalar_text).unwrap_or_default();
                    let (g, v, k) = (s("group"), s("version"), s("kind"));
                    let specs: Vec<FieldSpec> = item
                        .get("fieldSpecs")
                        .and_then(KNode::as_seq)
                        .map(|f| f.iter().map(spec_of).collect())
                        .unwrap_or_default();
                    if let Some(r) = self
                        .name_refs
                        .iter_mut()
                        .find(|r| r.group == g && r.version == v && r.kind == k)
                    {
                        for sp in specs {
                            if !r.referrers.contains(&sp) {
                                r.referrers.push(sp);
                            }
                        }
                    } else {
                        self.name_refs.push(NameRef {
                            group: g,
                            version: v,
                            kind: k,
                            referrers: specs,
                        });
                    }
                }
            } else {
                let entry = self.sections.entry(section.clone()).or_default();
                for item in items {
                    let sp = spec_of(item);
                    if !entry.contains(&sp) {
                        entry.push(sp);
                    }
                }
            }
        }
    }

    pub fn specs(&self, section: &str) -> &[FieldSpec] {
        self.sections.get(section).map_or(&[], Vec::as_slice)
    }
}

fn dash(s: &str) -> String {
    if s == "-" {
        String::new()
    } else {
        s.to_string()
    }
}

pub fn config() -> &'static Config {
    static C: OnceLock<Config> = OnceLock::new();
    C.get_or_init(|| {
        let mut c = Config::default();
        for line in FIELDSPECS.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let col = |i: usize| cols.get(i).map(|s| dash(s)).unwrap_or_default();
            if col(0) == "nameReference" {
                let spec = FieldSpec {
                    group: col(5),
                    version: col(6),
                    kind: col(7),
                    path: col(8),
                    create: false,
                };
                let (g, v, k) = (col(1), col(2), col(3));
                if let Some(r) = c
                    .name_refs
                    .iter_mut()
                    .find(|r| r.group == g && r.version == v && r.kind == k)
                {
                    r.referrers.push(spec);
                } else {
                    c.name_refs.push(NameRef {
                        group: g,
                        version: v,
                        kind: k,
                        referrers: vec![spec],
                    });
                }
            } else {
                c.sections.entry(col(0)).or_default().push(FieldSpec {
                    group: col(1),
                    version: col(2),
                    kind: col(3),
                    path: col(4),
                    create: col(5) == "1",
                });
            }
        }
        c
    })
}

/// Kinds kustomize knows to be cluster-scoped (kyaml's precomputed table).
pub fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    const CLUSTER: &[&str] = &[
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "CustomResourceDefinition",
        "APIService",
        "CertificateSigningRequest",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "IngressClass",
        "RuntimeClass",
        "PodSecurityPolicy",
        "ClusterRole",
        "ClusterRoleBinding",
        "PriorityClass",
        "CSIDriver",
        "CSINode",
        "StorageClass",
        "VolumeAttachment",
        "ComponentStatus",
        "Namespace",
        "Node",
        "PersistentVolume",
    ];
    let known_group = matches!(
        api_version.split_once('/').map_or("", |(g, _)| g),
        "" | "admissionregistration.k8s.io"
            | "apiextensions.k8s.io"
            | "apiregistration.k8s.io"
            | "certificates.k8s.io"
            | "flowcontrol.apiserver.k8s.io"
            | "networking.k8s.io"
            | "node.k8s.io"
            | "policy"
            | "rbac.authorization.k8s.io"
            | "scheduling.k8s.io"
            | "storage.k8s.io"
    );
    known_group && CLUSTER.contains(&kind)
}

/// The transformer configuration kustomize derives from a `crds` file (a map
/// of `OpenAPI` definitions by type name): for every definition that looks like
/// a Kubernetes type (`kind`, `apiVersion`, `metadata`), the properties under
/// it marked `x-kubernetes-object-ref-kind`/`-api-version` become name
/// references, `x-kubernetes-annotation` and `x-kubernetes-label-selector`
/// annotation and label fields, `x-kubernetes-identity` prefix fields.
/// Definitions are followed through `$ref` (at most 32 deep).
pub fn config_from_crds(defs: &crate::node::KNode) -> crate::node::KNode {
    use crate::node::{KNode, KVal};
    fn spec(kind: &str, path: &[String]) -> KNode {
        let mut n = KNode::map();
        n.set("kind", KNode::str(kind));
        n.set("path", KNode::str(path.join("/")));
        n
    }
    #[allow(clippy::too_many_arguments)]
    fn walk(
        defs: &KNode,
        type_name: &str,
        kind: &str,
        path: &mut Vec<String>,
        out: &mut Vec<(&'static str, KNode)>,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        let Some(props) = defs
            .get(type_name)
            .and_then(|d| d.path(&["Schema", "properties"]))
            .and_then(KNode::as_map)
        else {
            return;
        };
        for (prop, p) in props {
            path.push(prop.clone());
            let has = |k: &str| p.get(k).and_then(KNode::as_str).is_some();
            if has("x-kubernetes-annotation") {
                out.push(("commonAnnotations", spec(kind, path)));
            }
            if has("x-kubernetes-label-selector") {
                out.push(("commonLabels", spec(kind, path)));
            }
            if has("x-kubernetes-identity") {
                out.push(("namePrefix", spec(kind, path)));
            }
            if let (Some(v), Some(k)) = (
                p.get("x-kubernetes-object-ref-api-version")
                    .and_then(KNode::as_str),
                p.get("x-kubernetes-object-ref-kind")
                    .and_then(KNode::as_str),
            ) {
                let key = p
                    .get("x-kubernetes-object-ref-name-key")
                    .and_then(KNode::as_str)
                    .unwrap_or("name");
                let mut full = path.clone();
                full.push(key.to_string());
                let mut r = KNode::map();
                r.set("kind", KNode::str(k));
                r.set("version", KNode::str(v));
                r.set("fieldSpecs", KNode::new(KVal::Seq(vec![spec(kind, &full)])));
                out.push(("nameReference", r));
            }
            if let Some(next) = p.get("$ref").and_then(KNode::as_str) {
                walk(defs, next, kind, path, out, depth + 1);
            }
            path.pop();
        }
    }
    let mut out: Vec<(&'static str, KNode)> = Vec::new();
    for (name, def) in defs.as_map().map_or(&[][..], Vec::as_slice) {
        let props = def.path(&["Schema", "properties"]);
        if !["kind", "apiVersion", "metadata"]
            .iter()
            .all(|k| props.and_then(|p| p.get(k)).is_some())
        {
            continue;
        }
        let kind = name.rsplit('.').next().unwrap_or(name);
        walk(defs, name, kind, &mut Vec::new(), &mut out, 0);
    }
    let mut cfg = KNode::map();
    for section in [
        "nameReference",
        "commonAnnotations",
        "commonLabels",
        "namePrefix",
    ] {
        let items: Vec<KNode> = out
            .iter()
            .filter(|(s, _)| *s == section)
            .map(|(_, n)| n.clone())
            .collect();
        if !items.is_empty() {
            cfg.set(section, KNode::new(KVal::Seq(items)));
        }
    }
    cfg
}
