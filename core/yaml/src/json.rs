//! YAML → JSON conversion as sigs.k8s.io/yaml's `YAMLToJSON` does it.

use serde_json::{Map, Number, Value as Json};

use super::node::{Node, Value};
use stockade_source::finding::Problem;

/// The JSON key for a YAML key node, as `convertToJSONableObject` spells it:
/// strings as they are, integers in decimal, booleans `true`/`false`, floats with
/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` (`.inf`, `-.inf`, `.nan` for the
/// non-finite ones). Null and collection keys have no JSON spelling.
pub(super) fn key_string(key: &Node) -> Option<String> {
    match &key.value {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Float(f) => Some(go_format_float32_g(*f)),
        Value::Null | Value::Seq(_) | Value::Map(_) => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, with YAML's spellings of the
/// non-finite float64 values (`.nan`, `.inf`, `-.inf`).
pub fn go_format_float32_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    stockade_source::go::format_float_g(f, true)
}

/// A JSON number as Kubernetes ends up with it: Go marshals a `float64` without a
/// fraction as an integer literal (below 1e21), which decodes back as `int64`.
fn float_number(f: f64) -> Option<Number> {
    #[allow(clippy::cast_precision_loss, clippy::float_cmp)]
    if f.fract() == 0.0 && f.abs() < 1e21 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
        #[allow(clippy::cast_possible_truncation)]
        return Some(Number::from(f as i64));
    }
    Number::from_f64(f)
}

pub(super) fn to_json_lossy(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number(Number::from(*i)),
        Value::Float(f) => float_number(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json_lossy).collect()),
        Value::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                if let Some(key) = key_string(k) {
                    map.insert(key, to_json_lossy(v));
                }
            }
            Json::Object(map)
        }
    }
}

pub(super) fn to_json_strict(node: &Node) -> Result<Json, Problem> {
    Ok(match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number(Number::from(*i)),
        Value::Float(f) => Json::Number(float_number(*f).ok_or_else(|| {
            Problem::parse(
                node.span,
                format!(
                    "json: unsupported value: {} (JSON has no NaN or infinity)",
                    go_format_float32_g(*f)
                ),
            )
        })?),
        Value::String(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(
            items
                .iter()
                .map(to_json_strict)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Value::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                let Some(key) = key_string(k) else {
                    return Err(Problem::parse(
                        k.span,
                        format!(
                            "unsupported map key of type {}: JSON object keys must be strings",
                            k.value.type_name()
                        ),
                    ));
                };
                map.insert(key, to_json_strict(v)?);
            }
            Json::Object(map)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float32_g_formatting() {
        let cases = [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (100_000.0, "100000"),
            (1e6, "1e+06"),
            (1e20, "1e+20"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-2.5e-7, "-2.5e-07"),
            (3.0, "3"),
            (123_456.7, "123456.7"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
        ];
        for (f, want) in cases {
            assert_eq!(go_format_float32_g(f), want, "{f}");
        }
    }
}
