//! `values.schema.json` validation: the JSON Schema keywords charts use
//! (draft-04 to 2020-12: types, enums, numbers, strings, objects, arrays,
//! `allOf`/`anyOf`/`oneOf`/`not`, `if`/`then`/`else`, local `$ref`), with the
//! error text of santhosh-tekuri/jsonschema v6 as Helm prints it
//! (`- at '/age': minimum: got -5, want 0`). Remote `$ref`s are not fetched
//! (they validate everything, as Helm does for unresolved URNs).

use serde_json::Value as J;

use crate::coalesce::ValuesChart;
use crate::error::{HelmError, HelmErrorKind};
use crate::value::{Map, Value};

/// One failed keyword: where in the instance, and v6's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// JSON pointer into the values (`/age`, `''` for the root).
    pub at: String,
    pub message: String,
}

const MAX_DEPTH: usize = 64;

struct Ctx<'a> {
    root: &'a J,
}

fn type_name(v: &J) -> &'static str {
    match v {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

fn is_integer(v: &J) -> bool {
    v.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn num(v: &J) -> String {
    match v {
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    format!("{f:.0}")
                } else {
                    stockade_source::go::format_float_g(f, false)
                }
            } else {
                n.to_string()
            }
        }
        other => other.to_string(),
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn resolve<'a>(ctx: &Ctx<'a>, r: &str) -> Option<&'a J> {
    let pointer = r.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(ctx.root);
    }
    ctx.root.pointer(pointer)
}

fn validate(ctx: &Ctx<'_>, schema: &J, v: &J, at: &str, depth: usize, out: &mut Vec<Failure>) {
    if depth > MAX_DEPTH {
        return;
    }
    let fail = |out: &mut Vec<Failure>, message: String| {
        out.push(Failure {
            at: at.to_string(),
            message,
        });
    };
    let s = match schema {
        J::Bool(true) => return,
        J::Bool(false) => {
            fail(out, "false schema".into());
            return;
        }
        J::Object(s) => s,
        _ => return,
    };
    if let Some(J::String(r)) = s.get("$ref") {
        if let Some(target) = resolve(ctx, r) {
            validate(ctx, target, v, at, depth + 1, out);
        }
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            J::String(t) => vec![t.as_str()],
            J::Array(ts) => ts.iter().filter_map(J::as_str).collect(),
            _ => Vec::new(),
        };
        let ok = types.iter().any(|t| match *t {
            "integer" => is_integer(v),
            "number" => v.is_number(),
            other => other == type_name(v),
        });
        if !types.is_empty() && !ok {
            let got = type_name(v);
            fail(out, format!("got {got}, want {}", types.join(" or ")));
            return;
        }
    }
    if let Some(J::Array(e)) = s.get("enum") {
        if !e.iter().any(|x| json_eq(x, v)) {
            let items: Vec<String> = e
                .iter()
                .map(|x| x.to_string().trim_matches('"').to_string())
                .collect();
            fail(out, format!("value must be one of {}", quoted_list(&items)));
        }
    }
    if let Some(c) = s.get("const") {
        if !json_eq(c, v) {
            fail(out, format!("value must be {c}"));
        }
    }
    if let J::Number(_) = v {
        let x = v.as_f64().unwrap_or(0.0);
        let draft4_excl = |k: &str| s.get(k).and_then(J::as_bool).unwrap_or(false);
        if let Some(m) = s.get("minimum").filter(|m| m.is_number()) {
            let mf = m.as_f64().unwrap_or(0.0);
            if x < mf || (draft4_excl("exclusiveMinimum") && x <= mf) {
                fail(out, format!("minimum: got {}, want {}", num(v), num(m)));
            }
        }
        if let Some(m) = s.get("maximum").filter(|m| m.is_number()) {
            let mf = m.as_f64().unwrap_or(0.0);
            if x > mf || (draft4_excl("exclusiveMaximum") && x >= mf) {
                fail(out, format!("maximum: got {}, want {}", num(v), num(m)));
            }
        }
        if let Some(m) = s.get("exclusiveMinimum").filter(|m| m.is_number()) {
            if x <= m.as_f64().unwrap_or(0.0) {
                fail(
                    out,
                    format!("exclusiveMinimum: got {}, want {}", num(v), num(m)),
                );
            }
        }
        if let Some(m) = s.get("exclusiveMaximum").filter(|m| m.is_number()) {
            if x >= m.as_f64().unwrap_or(0.0) {
                fail(
                    out,
                    format!("exclusiveMaximum: got {}, want {}", num(v), num(m)),
                );
            }
        }
        if let Some(m) = s.get("multipleOf").and_then(J::as_f64) {
            if m != 0.0 && ((x / m).round() * m - x).abs() > 1e-9 {
                fail(
                    out,
                    format!(
                        "{} not multipleOf {}",
                        num(v),
                        stockade_source::go::format_float_g(m, false)
                    ),
                );
            }
        }
    }
    if let J::String(text) = v {
        let len = text.chars().count();
        if let Some(m) = s.get("minLength").and_then(J::as_u64) {
            if (len as u64) < m {
                fail(out, format!("minLength: got {len}, want {m}"));
            }
        }
        if let Some(m) = s.get("maxLength").and_then(J::as_u64) {
            if (len as u64) > m {
                fail(out, format!("maxLength: got {len}, want {m}"));
            }
        }
        if let Some(J::String(p)) = s.get("pattern") {
            if let Ok(re) = regex::Regex::new(p) {
                if !re.is_match(text) {
                    fail(out, format!("'{text}' does not match pattern '{p}'"));
                }
            }
        }
    }
    if let J::Object(obj) = v {
        if let Some(J::Array(req)) = s.get("required") {
            let missing: Vec<String> = req
                .iter()
                .filter_map(J::as_str)
                .filter(|k| !obj.contains_key(*k))
                .map(str::to_string)
                .collect();
            match missing.len() {
                0 => {}
                1 => fail(out, format!("missing property {}", quoted_list(&missing))),
                _ => fail(out, format!("missing properties {}", quoted_list(&missing))),
            }
        }
        if let Some(m) = s.get("minProperties").and_then(J::as_u64) {
            if (obj.len() as u64) < m {
                fail(out, format!("minProperties: got {}, want {m}", obj.len()));
            }
        }
        if let Some(m) = s.get("maxProperties").and_then(J::as_u64) {
            if (obj.len() as u64) > m {
                fail(out, format!("maxProperties: got {}, want {m}", obj.len()));
            }
        }
        let props = s.get("properties").and_then(J::as_object);
        let pattern_props: Vec<(regex::Regex, &J)> = s
            .get("patternProperties")
            .and_then(J::as_object)
            .map(|pp| {
                pp.iter()
                    .filter_map(|(p, sch)| regex::Regex::new(p).ok().map(|r| (r, sch)))
                    .collect()
            })
            .unwrap_or_default();
        let mut additional = Vec::new();
        for (k, child) in obj {
            let child_at = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
            let mut matched = false;
            if let Some(ps) = props.and_then(|p| p.get(k)) {
                matched = true;
                validate(ctx, ps, child, &child_at, depth + 1, out);
            }
            for (re, ps) in &pattern_props {
                if re.is_match(k) {
                    matched = true;
                    validate(ctx, ps, child, &child_at, depth + 1, out);
                }
            }
            if !matched {
                match s.get("additionalProperties") {
                    Some(J::Bool(false)) => additional.push(k.clone()),
                    Some(ap @ J::Object(_)) => validate(ctx, ap, child, &child_at, depth + 1, out),
                    _ => {}
                }
            }
        }
        if !additional.is_empty() {
            fail(
                out,
                format!(
                    "additional properties {} not allowed",
                    quoted_list(&additional)
                ),
            );
        }
    }
    if let J::Array(items) = v {
        if let Some(m) = s.get("minItems").and_then(J::as_u64) {
            if (items.len() as u64) < m {
                fail(out, format!("minItems: got {}, want {m}", items.len()));
            }
        }
        if let Some(m) = s.get("maxItems").and_then(J::as_u64) {
            if (items.len() as u64) > m {
                fail(out, format!("maxItems: got {}, want {m}", items.len()));
            }
        }
        if s.get("uniqueItems").and_then(J::as_bool) == Some(true) {
            'outer: for i in 0..items.len() {
                for j in i + 1..items.len() {
                    if items
                        .get(i)
                        .zip(items.get(j))
                        .is_some_and(|(a, b)| json_eq(a, b))
                    {
                        fail(out, format!("items at {i} and {j} are equal"));
                        break 'outer;
                    }
                }
            }
        }
        match s.get("items") {
            Some(J::Array(tuple)) => {
                for (i, (sch, item)) in tuple.iter().zip(items).enumerate() {
                    validate(ctx, sch, item, &format!("{at}/{i}"), depth + 1, out);
                }
            }
            Some(sch) => {
                for (i, item) in items.iter().enumerate() {
                    validate(ctx, sch, item, &format!("{at}/{i}"), depth + 1, out);
                }
            }
            None => {}
        }
    }
    if let Some(J::Array(all)) = s.get("allOf") {
        for sch in all {
            validate(ctx, sch, v, at, depth + 1, out);
        }
    }
    if let Some(J::Array(any)) = s.get("anyOf") {
        let ok = any.iter().any(|sch| {
            let mut tmp = Vec::new();
            validate(ctx, sch, v, at, depth + 1, &mut tmp);
            tmp.is_empty()
        });
        if !ok {
            fail(out, "anyOf failed".into());
        }
    }
    if let Some(J::Array(one)) = s.get("oneOf") {
        let matched: Vec<usize> = one
            .iter()
            .enumerate()
            .filter(|(_, sch)| {
                let mut tmp = Vec::new();
                validate(ctx, sch, v, at, depth + 1, &mut tmp);
                tmp.is_empty()
            })
            .map(|(i, _)| i)
            .collect();
        match matched.as_slice() {
            [_] => {}
            [] => fail(out, "oneOf failed, none matched".into()),
            [a, b, ..] => fail(out, format!("oneOf failed, subschemas {a}, {b} matched")),
        }
    }
    if let Some(not) = s.get("not") {
        let mut tmp = Vec::new();
        validate(ctx, not, v, at, depth + 1, &mut tmp);
        if tmp.is_empty() {
            fail(out, "not failed".into());
        }
    }
    if let Some(cond) = s.get("if") {
        let mut tmp = Vec::new();
        validate(ctx, cond, v, at, depth + 1, &mut tmp);
        let branch = if tmp.is_empty() {
            s.get("then")
        } else {
            s.get("else")
        };
        if let Some(b) = branch {
            validate(ctx, b, v, at, depth + 1, out);
        }
    }
}

fn json_eq(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q)))
        }
        _ => a == b,
    }
}

/// Validate `values` against one schema text: the failures (empty when valid),
/// or the schema's own error.
pub fn validate_values(schema_text: &[u8], values: &J) -> Result<Vec<Failure>, String> {
    let schema: J =
        serde_json::from_slice(schema_text).map_err(|e| format!("invalid JSON schema: {e}"))?;
    let ctx = Ctx { root: &schema };
    let mut out = Vec::new();
    validate(&ctx, &schema, values, "", 0, &mut out);
    Ok(out)
}

/// Helm's `ValidateAgainstSchema` over the chart tree: every chart with a
/// schema against its part of the coalesced values.
pub fn validate_tree(tree: &ValuesChart<'_>, values: &Map) -> Result<(), HelmError> {
    let mut text = String::new();
    let mut first_span = None;
    check(tree, values, &mut text, &mut first_span);
    if text.is_empty() {
        return Ok(());
    }
    let mut err = HelmError::new(
        HelmErrorKind::Schema,
        format!("values don't meet the specifications of the schema(s) in the following chart(s):\n{text}"),
    );
    err.span = None;
    let _ = first_span;
    Err(err)
}

fn check(tree: &ValuesChart<'_>, values: &Map, text: &mut String, first: &mut Option<()>) {
    if let Some(schema) = &tree.chart.schema {
        let json = Value::map(values.clone()).to_json();
        match validate_values(schema, &json) {
            Ok(fails) if fails.is_empty() => {}
            Ok(fails) => {
                text.push_str(&format!("{}:\n", tree.name));
                for f in fails {
                    text.push_str(&format!("- at '{}': {}\n", f.at, f.message));
                }
                *first = Some(());
            }
            Err(e) => text.push_str(&format!("{}:\n{e}\n", tree.name)),
        }
    }
    for sub in &tree.dependencies {
        match values.get(&sub.name) {
            None => {}
            Some(v) if v.is_null() => {}
            Some(v) => match v.as_map() {
                Some(m) => check(sub, m, text, first),
                None => text.push_str(&format!(
                    "{}:\ninvalid type for values: expected object (map), got {}\n",
                    sub.name,
                    go_type(v)
                )),
            },
        }
    }
}

fn go_type(v: &Value) -> &'static str {
    match v.data {
        crate::value::Data::String(_) => "string",
        crate::value::Data::Float(_) => "float64",
        crate::value::Data::Int(_) => "int64",
        crate::value::Data::Bool(_) => "bool",
        crate::value::Data::List(_) => "[]interface {}",
        _ => "<nil>",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn v6_messages() {
        let schema = br#"{"type":"object","required":["a","b"],"properties":{"age":{"type":"integer","minimum":0},"n":{"enum":["x","y"]}},"additionalProperties":true}"#;
        let fails =
            validate_values(schema, &serde_json::json!({"age": -5, "a": 1, "n": "z"})).unwrap();
        let text: Vec<String> = fails
            .iter()
            .map(|f| format!("- at '{}': {}", f.at, f.message))
            .collect();
        assert_eq!(
            text,
            [
                "- at '': missing property 'b'",
                "- at '/age': minimum: got -5, want 0",
                "- at '/n': value must be one of 'x', 'y'"
            ]
        );
        let fails = validate_values(
            br#"{"properties":{"a":{"type":"integer"}}}"#,
            &serde_json::json!({"a": "s"}),
        )
        .unwrap();
        assert_eq!(fails[0].message, "got string, want integer");
    }
}
