//! Values as Helm holds them (`map[string]interface{}` decoded from JSON), each
//! node remembering the file and range it was read from.
//!
//! Helm reads values files with sigs.k8s.io/yaml: YAML is converted to JSON and
//! decoded into `interface{}`, so every number of a values file is a `float64`
//! (`--set` gives `int64`, see [`crate::strvals`]). [`Data::Float`] and
//! [`Data::Int`] keep that distinction, because templates print them differently
//! (`1e+06` against `1000000`).

use std::collections::BTreeMap;

use stockade_source::Span;

/// Where a value came from: one of the render's values sources
/// ([`crate::ValuesSources`]) and the byte range of the value in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueOrigin {
    pub source: u32,
    pub span: Span,
}

/// A map of values; Go templates and Helm's YAML output visit keys in sorted
/// order, so a sorted map loses nothing.
pub type Map = BTreeMap<String, Value>;

/// The data of one node.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(Map),
}

/// A node of a values tree: its data and, when it was read from a file or a
/// flag, where.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub data: Data,
    pub origin: Option<ValueOrigin>,
}

impl Value {
    pub const fn new(data: Data) -> Self {
        Self { data, origin: None }
    }

    pub const fn null() -> Self {
        Self::new(Data::Null)
    }

    pub fn string(s: impl Into<String>) -> Self {
        Self::new(Data::String(s.into()))
    }

    pub fn map(map: Map) -> Self {
        Self::new(Data::Map(map))
    }

    pub fn empty_map() -> Self {
        Self::map(Map::new())
    }

    #[must_use]
    pub fn with_origin(mut self, origin: Option<ValueOrigin>) -> Self {
        self.origin = origin;
        self
    }

    pub fn is_null(&self) -> bool {
        matches!(self.data, Data::Null)
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.data {
            Data::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.data {
            Data::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.data {
            Data::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.data {
            Data::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_table(&self) -> bool {
        matches!(self.data, Data::Map(_))
    }

    /// The node at a dotted path of map keys (`a.b.c`), as Helm's
    /// `Values.Table`/`PathValue` walk it.
    pub fn lookup<'a>(&self, path: impl IntoIterator<Item = &'a str>) -> Option<&Value> {
        let mut at = self;
        for key in path {
            at = at.as_map()?.get(key)?;
        }
        Some(at)
    }

    /// As JSON (origins dropped): for schema validation and tests.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.data {
            Data::Null => serde_json::Value::Null,
            Data::Bool(b) => serde_json::Value::Bool(*b),
            Data::Int(i) => serde_json::Value::from(*i),
            Data::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Data::String(s) => serde_json::Value::String(s.clone()),
            Data::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Data::Map(m) => {
                serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }

    /// From JSON as Go's `encoding/json` decodes into `interface{}`: every
    /// number a `float64`.
    pub fn from_json(json: &serde_json::Value, origin: Option<ValueOrigin>) -> Self {
        let data = match json {
            serde_json::Value::Null => Data::Null,
            serde_json::Value::Bool(b) => Data::Bool(*b),
            serde_json::Value::Number(n) => Data::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Data::String(s.clone()),
            serde_json::Value::Array(a) => {
                Data::List(a.iter().map(|v| Value::from_json(v, origin)).collect())
            }
            serde_json::Value::Object(o) => Data::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v, origin)))
                    .collect(),
            ),
        };
        Value { data, origin }
    }
}

/// Remove `null` entries at every depth (Helm's `cleanNilValues`).
pub fn clean_nil_values(map: &mut Map) {
    map.retain(|_, v| !v.is_null());
    for v in map.values_mut() {
        if let Some(sub) = v.as_map_mut() {
            clean_nil_values(sub);
        }
    }
}
