//! Reading values YAML as Helm does (sigs.k8s.io/yaml: go-yaml v2, then JSON),
//! keeping the span of every node.

use stockade_yaml::{Limits, Node, Value as YValue};

use crate::error::{HelmError, HelmErrorKind};
use crate::value::{Data, Map, Value, ValueOrigin};

/// One YAML node as Helm's values hold it: numbers become `float64`, keys strings.
pub fn from_node(node: &Node, source: u32) -> Value {
    let origin = Some(ValueOrigin {
        source,
        span: node.span,
    });
    let data = match &node.value {
        YValue::Null => Data::Null,
        YValue::Bool(b) => Data::Bool(*b),
        #[allow(clippy::cast_precision_loss)]
        YValue::Int(i) => Data::Float(*i as f64),
        YValue::Float(f) => Data::Float(*f),
        YValue::String(s) => Data::String(s.clone()),
        YValue::Seq(items) => Data::List(items.iter().map(|n| from_node(n, source)).collect()),
        YValue::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                let key = k.key_string().unwrap_or_default();
                map.insert(key, from_node(v, source));
            }
            Data::Map(map)
        }
    };
    Value { data, origin }
}

/// A values file: every document a map, merged in order (Helm's `LoadValues`
/// for a chart's `values.yaml`; `-f` files are read the same way for their
/// first document). `path` names the file in errors.
pub fn read_values(
    text: &str,
    path: &str,
    source: u32,
    all_documents: bool,
) -> Result<Map, HelmError> {
    let stream = stockade_yaml::parse_stream(text, &Limits::default());
    let mut out = Map::new();
    for doc in &stream.documents {
        let node = match &doc.root {
            Ok(node) => node,
            Err(problem) => {
                return Err(HelmError::new(
                    HelmErrorKind::Values,
                    format!("cannot load {path}: {}", problem.message),
                )
                .at(path, Some(problem.span)));
            }
        };
        let value = from_node(node, source);
        match value.data {
            Data::Null => {}
            Data::Map(map) => merge_maps(&mut out, map),
            _ => {
                return Err(HelmError::new(
                    HelmErrorKind::Values,
                    format!(
                        "cannot load {path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        json_kind(&value.data)
                    ),
                )
                .at(path, Some(node.span)));
            }
        }
        if !all_documents {
            break;
        }
    }
    Ok(out)
}

fn json_kind(data: &Data) -> &'static str {
    match data {
        Data::List(_) => "array",
        Data::String(_) => "string",
        Data::Bool(_) => "bool",
        Data::Int(_) | Data::Float(_) => "number",
        Data::Null | Data::Map(_) => "object",
    }
}

/// Helm's loader `MergeMaps`: maps merge recursively, anything else replaces.
pub fn merge_maps(into: &mut Map, from: Map) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (
                Some(existing),
                Value {
                    data: Data::Map(m),
                    origin,
                },
            ) if existing.is_table() => {
                if let Some(em) = existing.as_map_mut() {
                    merge_maps(em, m);
                }
                let _ = origin;
            }
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}
