//! Kubernetes objects in a YAML stream: identity (`Kind/namespace/name`), `List`
//! flattening, and where each workload kind keeps its pod.

use crate::{Document, Node, Stream, Value};
use stockade_source::source::Source;

/// One Kubernetes object: a document root, or an item of a `List`.
#[derive(Debug, Clone)]
pub struct Object<'a> {
    pub root: &'a Node,
    /// JSON pointer of the object within its document (`""`, or `/items/3`).
    pub pointer: String,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// Whether the object is an item of a `List` (its suppressions cover only itself).
    pub in_list: bool,
}

impl Object<'_> {
    /// `Kind/namespace/name` (namespace omitted when absent; `generateName` when
    /// there is no name; `Kind` alone when neither is set).
    pub fn display_name(&self) -> String {
        let mut out = self.kind.clone();
        if let Some(ns) = &self.namespace {
            out.push('/');
            out.push_str(ns);
        }
        if let Some(name) = &self.name {
            out.push('/');
            out.push_str(name);
        }
        out
    }

    /// The API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// Where the pod (its `metadata` and `spec`) sits inside this object, as a
    /// path of keys, for the kinds pod-security-admission evaluates.
    pub fn pod_path(&self) -> Option<&'static [&'static str]> {
        pod_path(self.group(), &self.kind)
    }
}

/// Where the pod (its `metadata` and `spec`) sits, by API group and kind. Kinds
/// of other groups that share a name (`Job` of `batch.volcano.sh`) are not workloads.
pub fn pod_path(group: &str, kind: &str) -> Option<&'static [&'static str]> {
    match (group, kind) {
        ("", "Pod") => Some(&[]),
        ("", "PodTemplate") => Some(&["template"]),
        ("", "ReplicationController")
        | ("apps" | "extensions", "ReplicaSet" | "Deployment" | "DaemonSet" | "StatefulSet")
        | ("batch", "Job") => Some(&["spec", "template"]),
        ("batch", "CronJob") => Some(&["spec", "jobTemplate", "spec", "template"]),
        _ => None,
    }
}

/// Why a document root is not an object, or the object(s) it holds.
#[derive(Debug)]
pub enum Read<'a> {
    /// One object, or the items of a `List` (with the pointers of list items that
    /// are not objects).
    Objects(Vec<Object<'a>>, Vec<String>),
    /// Not a Kubernetes object (the reason).
    NotObject(String),
}

fn scalar_string(node: Option<&Node>) -> Option<String> {
    match &node?.value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Read an object's identity; `None` when `node` has no string `apiVersion` and `kind`.
pub fn object_at(node: &Node, pointer: String, in_list: bool) -> Option<Object<'_>> {
    node.as_map()?;
    let api_version = scalar_string(node.get("apiVersion"))?;
    let kind = scalar_string(node.get("kind"))?;
    let metadata = node.get("metadata");
    let name = scalar_string(metadata.and_then(|m| m.get("name")))
        .or_else(|| scalar_string(metadata.and_then(|m| m.get("generateName"))));
    let namespace = scalar_string(metadata.and_then(|m| m.get("namespace")));
    Some(Object {
        root: node,
        pointer,
        api_version,
        kind,
        name,
        namespace,
        in_list,
    })
}

/// Whether `kind` is a list kind (`List`, `DeploymentList`, …).
pub fn is_list_kind(kind: &str) -> bool {
    kind.ends_with("List")
}

/// Read a document root: an object, the items of a list, or why it is neither.
pub fn read_root(root: &Node) -> Read<'_> {
    if root.as_map().is_none() {
        return Read::NotObject(format!(
            "not a Kubernetes object (the document is a {})",
            root.value.type_name()
        ));
    }
    let Some(object) = object_at(root, String::new(), false) else {
        return Read::NotObject("not a Kubernetes object (no apiVersion and kind)".to_string());
    };
    if is_list_kind(&object.kind) {
        if let Some(items) = root.get("items").and_then(Node::as_seq) {
            let mut out = Vec::new();
            let mut not_objects = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let pointer = format!("/items/{i}");
                // kubectl requires apiVersion and kind in every list item.
                match object_at(item, pointer.clone(), true) {
                    Some(o) => out.push(o),
                    None => not_objects.push(pointer),
                }
            }
            return Read::Objects(out, not_objects);
        }
    }
    Read::Objects(vec![object], Vec::new())
}

/// A Kubernetes source read once: its YAML stream and, for each document, the
/// objects [`read_root`] found in it. Every pack of a scan reads the same
/// `Manifest`, so a source is parsed once per phase (see [`crate::Engine`]).
#[derive(Debug)]
pub struct Manifest<'a> {
    pub source: &'a Source,
    pub stream: &'a Stream,
    /// [`read_root`] of each document of `stream`, in order (`None` when the
    /// document could not be read).
    reads: Vec<Option<Read<'a>>>,
}

impl<'a> Manifest<'a> {
    /// Read the objects of `stream`, the parse of `source`'s text.
    pub fn new(source: &'a Source, stream: &'a Stream) -> Self {
        let reads = stream
            .documents
            .iter()
            .map(|d| d.node().map(read_root))
            .collect();
        Self {
            source,
            stream,
            reads,
        }
    }

    /// Each document, with what [`read_root`] found in it (`None` when the
    /// document could not be read).
    pub fn documents(&self) -> impl Iterator<Item = (&'a Document, Option<&Read<'a>>)> + '_ {
        self.stream
            .documents
            .iter()
            .zip(self.reads.iter().map(Option::as_ref))
    }

    /// Every object of the stream (list items included), with its document.
    pub fn objects(&self) -> impl Iterator<Item = (&'a Document, &Object<'a>)> + '_ {
        self.documents().flat_map(|(doc, read)| {
            let objects = match read {
                Some(Read::Objects(objects, _)) => objects.as_slice(),
                _ => &[],
            };
            objects.iter().map(move |o| (doc, o))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_reads_each_document_once_in_order() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- 3\n---\nkey: [\n---\n42\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n";
        let source = Source::new("m.yaml", text);
        let stream = crate::parse_stream(text, &crate::Limits::default());
        let manifest = Manifest::new(&source, &stream);
        let reads: Vec<_> = manifest
            .documents()
            .map(|(doc, read)| match read {
                Some(Read::Objects(objects, untyped)) => {
                    format!("{}:{}+{}", doc.index, objects.len(), untyped.len())
                }
                Some(Read::NotObject(_)) => format!("{}:not", doc.index),
                None => format!("{}:unread", doc.index),
            })
            .collect();
        assert_eq!(reads, ["0:1+1", "1:unread", "2:not", "3:1+0"]);
        let objects: Vec<_> = manifest
            .objects()
            .map(|(doc, o)| (doc.index, o.display_name(), o.pointer.clone()))
            .collect();
        assert_eq!(
            objects,
            [
                (0, "Pod/a".to_string(), "/items/0".to_string()),
                (3, "Namespace/ns1".to_string(), String::new()),
            ]
        );
    }
}
