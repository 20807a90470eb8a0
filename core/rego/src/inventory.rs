//! `data.inventory` for referential templates, as Gatekeeper's sync cache lays
//! it out: `cluster[<gv>][<Kind>][<name>]` for cluster-scoped objects and
//! `namespace[<ns>][<gv>][<Kind>][<name>]` for namespaced ones (`gv` is `v1` for
//! the core group, else `group/version`). It is always present: `{}` when empty.
//! Namespace objects are also kept by name for `namespaceSelector` matching.

use std::collections::BTreeMap;

use regorus::Value;
use serde_json::Value as Json;

use stockade_source::finding::ScanError;
use stockade_source::source::Source;
use stockade_yaml::objects::{read_root, Object, Read};
use stockade_yaml::Limits;

/// The objects a scan (or a `gator` case) knows about.
///
/// Held as regorus values, the form templates read them in: an object read
/// from JSON is an exact-size sorted slice there (about 1.7 KB for a small
/// Ingress), where a `serde_json` tree of the same object takes several times
/// that in B-tree nodes. An inventory of 100,000 objects is then within the
/// memory budget per input byte.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    /// The `data.inventory` document (an object).
    data: Value,
    namespaces: BTreeMap<String, Json>,
    count: usize,
}

impl Default for Inventory {
    fn default() -> Self {
        Self {
            data: Value::new_object(),
            namespaces: BTreeMap::new(),
            count: 0,
        }
    }
}

/// The object under `key` of `value` (made when missing); `None` when `value`
/// or what is under `key` is not an object.
fn entry<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let slot = value
        .as_object_mut()
        .ok()?
        .get_or_insert_with(Value::from(key), Value::new_object);
    slot.as_object().is_ok().then_some(slot)
}

impl Inventory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one object (ignored without apiVersion, kind or name).
    pub fn add_object(&mut self, obj: &Json) {
        self.add_owned(obj.clone());
    }

    /// [`Inventory::add_object`], taking the object (no copy).
    pub fn add_owned(&mut self, obj: Json) {
        let s = |p: &str| {
            obj.pointer(p)
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (gv, kind, name, ns) = (
            s("/apiVersion"),
            s("/kind"),
            s("/metadata/name"),
            s("/metadata/namespace"),
        );
        if gv.is_empty() || kind.is_empty() || name.is_empty() {
            return;
        }
        if kind == "Namespace" && gv == "v1" {
            self.namespaces.insert(name.clone(), obj.clone());
        }
        let slot = if ns.is_empty() {
            entry(&mut self.data, "cluster")
        } else {
            entry(&mut self.data, "namespace").and_then(|m| entry(m, &ns))
        };
        if let Some(Ok(m)) = slot
            .and_then(|m| entry(m, &gv))
            .and_then(|m| entry(m, &kind))
            .map(Value::as_object_mut)
        {
            m.insert(Value::from(name), Value::from(obj));
            self.count += 1;
        }
    }

    /// Add every object (list items included) of a YAML/JSON text; unreadable
    /// documents are skipped (the scan of that text reports them).
    pub fn add_text(&mut self, text: &str) {
        let stream = stockade_yaml::parse_stream(text, &Limits::default());
        for doc in &stream.documents {
            let Some(root) = doc.node() else { continue };
            if let Read::Objects(objects, _) = read_root(root) {
                self.add_objects(&objects);
            }
        }
    }

    /// Add every object of a named inventory file (`--inventory`), and return
    /// what could not be read in it (a repeated key, an alias or size limit,
    /// a document that is not YAML), located, as `--policy` reports its files:
    /// an inventory document that silently vanished could hide a conflict a
    /// referential template looks for.
    pub fn add_file(&mut self, path: &str, text: &str) -> Vec<ScanError> {
        let source = Source::new(path, text);
        let stream = stockade_yaml::parse_stream(text, &Limits::default());
        let mut errors = Vec::new();
        for doc in &stream.documents {
            match &doc.root {
                Ok(root) => {
                    if let Read::Objects(objects, _) = read_root(root) {
                        self.add_objects(&objects);
                    }
                }
                Err(p) => errors.push(p.to_error(&source)),
            }
        }
        errors
    }

    /// Add every object among `objects` (those of a source already read,
    /// [`stockade_yaml::objects::Manifest::objects`]).
    pub fn add_objects<'o, 'a: 'o>(&mut self, objects: impl IntoIterator<Item = &'o Object<'a>>) {
        for o in objects {
            self.add_owned(o.root.to_json());
        }
    }

    /// Build from the texts of a scan (the pre-pass).
    pub fn from_texts<'a, I: IntoIterator<Item = &'a str>>(texts: I) -> Self {
        let mut inv = Self::new();
        for t in texts {
            inv.add_text(t);
        }
        inv
    }

    /// A Namespace object by name.
    pub fn namespace(&self, name: &str) -> Option<&Json> {
        self.namespaces.get(name)
    }

    /// Objects held.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `data.inventory` document.
    pub fn to_json(&self) -> Json {
        serde_json::to_value(&self.data).unwrap_or_else(|_| Json::Object(serde_json::Map::new()))
    }

    /// Move the `data.inventory` document out (no copy), keeping the
    /// Namespace objects and the count: what a prepared scan needs besides the
    /// templates' data.
    pub fn take_data(&mut self) -> Value {
        std::mem::replace(&mut self.data, Value::new_object())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn layout_as_gatekeeper_sync() {
        let mut inv = Inventory::new();
        assert_eq!(inv.to_json(), json!({}));
        inv.add_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  namespace: a\n");
        let v = inv.to_json();
        assert!(v.pointer("/cluster/v1/Namespace/a").is_some());
        assert!(v
            .pointer("/namespace/a/networking.k8s.io~1v1/Ingress/i")
            .is_some());
        assert!(inv.namespace("a").is_some());
        assert_eq!(inv.len(), 2);
    }
}
