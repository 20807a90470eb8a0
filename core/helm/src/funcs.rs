//! Helm's template functions on top of Sprig (`pkg/engine/funcs.go` and the
//! ones `engine.go` binds per render: `include`, `tpl`, `required`, `fail`,
//! `lookup`), and the conversions between Go values and JSON/YAML they need.

use std::collections::BTreeMap;
use std::sync::Arc;

use stockade_gotemplate::{CallCtx, Func, FuncError, FuncMap, Param, Value as GoValue};

use crate::value::{Data, Value};
use crate::yamlout::{self, Json};

/// Markers Helm wraps `required`/`fail` messages in, so the engine can find
/// them in a nested error (`HELM_ERR_START…HELM_ERR_END`).
pub const WARN_START: &str = "HELM_ERR_START";
pub const WARN_END: &str = "HELM_ERR_END";

/// How deep `include` may nest the same template before Helm's error.
pub const RECURSION_MAX: usize = 1000;

/// A values node as a Go value (`map[string]interface {}`, `float64`, …).
pub fn to_go(v: &Value) -> GoValue {
    match &v.data {
        Data::Null => GoValue::Nil,
        Data::Bool(b) => GoValue::Bool(*b),
        Data::Int(i) => GoValue::Int(*i, stockade_gotemplate::IntType::Int64),
        Data::Float(f) => GoValue::float(*f),
        Data::String(s) => GoValue::string(s.as_str()),
        Data::List(l) => GoValue::list(l.iter().map(to_go).collect()),
        Data::Map(m) => GoValue::map(m.iter().map(|(k, v)| (k.clone(), to_go(v))).collect()),
    }
}

/// Go's `json.Marshal` of a template value, as the tree go-yaml reads back
/// (`Err`: Go's marshalling error).
pub fn go_to_json(v: &GoValue, depth: usize) -> Result<Json, String> {
    if depth > 10_000 {
        return Err("json: unsupported value: encountered a cycle".into());
    }
    Ok(match v {
        GoValue::Nil | GoValue::TypedNil(_) => Json::Null,
        GoValue::Bool(b) => Json::Bool(*b),
        GoValue::Int(i, _) => Json::Int(*i),
        GoValue::Uint(u, _) => Json::Uint(*u),
        GoValue::Float(f, _) => {
            if !f.is_finite() {
                return Err(format!(
                    "json: unsupported value: {}",
                    stockade_source::go::format_float_g(*f, false)
                ));
            }
            yamlout::number_from_json_text(&stockade_source::go::format_float_json(*f, false))
        }
        GoValue::Complex(..) => return Err("json: unsupported type: complex128".into()),
        GoValue::String(s) => Json::String(s.to_string()),
        GoValue::Bytes(b) => Json::String(base64(b)),
        GoValue::List(l) => Json::List(
            l.items
                .iter()
                .map(|x| go_to_json(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        GoValue::Map(m) => Json::Map(
            m.entries
                .iter()
                .map(|(k, x)| Ok((k, go_to_json(&x, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        GoValue::Object(o) => {
            if let Some(s) = o.go_string().filter(|_| o.fields().is_empty()) {
                Json::String(s)
            } else {
                Json::Map(
                    o.fields()
                        .into_iter()
                        .map(|(k, x)| Ok((k, go_to_json(&x, depth + 1)?)))
                        .collect::<Result<_, String>>()?,
                )
            }
        }
        GoValue::Func(f) => return Err(format!("json: unsupported type: {}", f.type_name())),
    })
}

/// Sort every map of a JSON tree in go-yaml v2's key order.
fn yaml_order(j: &mut Json) {
    match j {
        Json::Map(m) => {
            for (_, v) in m.iter_mut() {
                yaml_order(v);
            }
            yamlout::sort_yaml_keys(m);
        }
        Json::List(l) => l.iter_mut().for_each(yaml_order),
        _ => {}
    }
}

/// Helm's `toYaml` (`Err` where `mustToYaml` panics).
pub fn to_yaml(v: &GoValue) -> Result<String, String> {
    let mut j = go_to_json(v, 0)?;
    yaml_order(&mut j);
    let out = yamlout::to_yaml(&j);
    Ok(out.strip_suffix('\n').unwrap_or(&out).to_string())
}

/// Helm's `toJson`.
pub fn to_json(v: &GoValue) -> Result<String, String> {
    let j = go_to_json(v, 0)?;
    let mut out = String::new();
    yamlout::to_json(&j, &mut out);
    Ok(out)
}

/// Standard base64 with padding (Go's `base64.StdEncoding`).
pub fn base64_of(b: &[u8]) -> String {
    base64(b)
}

fn base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk.first().copied().unwrap_or(0)) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for i in 0..4 {
            if i <= n {
                out.push(char::from(
                    T.get(((v >> (18 - 6 * i)) & 63) as usize)
                        .copied()
                        .unwrap_or(b'A'),
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A JSON value (`serde_json`) as Go's `encoding/json` decodes it into `interface{}`.
pub fn json_to_go(j: &serde_json::Value) -> GoValue {
    GoValue::from_json(j)
}

/// sigs.k8s.io/yaml's `Unmarshal` into `interface{}`: YAML (go-yaml v2
/// resolution), then JSON (every number a `float64`).
pub fn yaml_to_go(text: &str) -> Result<GoValue, String> {
    let stream = stockade_yaml::parse_stream(text, &stockade_yaml::Limits::default());
    let Some(doc) = stream.documents.first() else {
        return Ok(GoValue::Nil);
    };
    match &doc.root {
        Ok(node) => Ok(to_go(&crate::yamlvalues::from_node(node, 0))),
        Err(p) => Err(format!(
            "error converting YAML to JSON: yaml: {}",
            p.message
        )),
    }
}

fn arg(args: &[GoValue], i: usize) -> GoValue {
    args.get(i).cloned().unwrap_or_default()
}

fn str_arg(args: &[GoValue], i: usize) -> String {
    args.get(i)
        .and_then(GoValue::as_str)
        .unwrap_or_default()
        .to_string()
}

fn string_value(s: String) -> Result<GoValue, FuncError> {
    Ok(GoValue::string(s))
}

fn error_map(msg: String) -> GoValue {
    let mut m = BTreeMap::new();
    m.insert("Error".to_string(), GoValue::string(msg));
    GoValue::map(m)
}

fn go_kind_name(v: &GoValue) -> &'static str {
    match v {
        GoValue::List(_) => "array",
        GoValue::Map(_) => "object",
        GoValue::String(_) => "string",
        GoValue::Bool(_) => "bool",
        GoValue::Int(..) | GoValue::Uint(..) | GoValue::Float(..) => "number",
        _ => "null",
    }
}

/// The functions of `pkg/engine/funcs.go` (not the per-render ones).
pub fn static_funcs() -> FuncMap {
    let mut f = FuncMap::new();
    f.insert(
        "toYaml".into(),
        Func::new(vec![Param::Any], |_, a| {
            string_value(to_yaml(&arg(&a, 0)).unwrap_or_default())
        }),
    );
    f.insert(
        "mustToYaml".into(),
        Func::new(vec![Param::Any], |_, a| {
            to_yaml(&arg(&a, 0))
                .map(GoValue::string)
                .map_err(FuncError::msg)
        }),
    );
    f.insert(
        "toYamlPretty".into(),
        Func::new(vec![Param::Any], |_, a| {
            string_value(to_yaml_pretty(&arg(&a, 0)).unwrap_or_default())
        }),
    );
    f.insert(
        "toJson".into(),
        Func::new(vec![Param::Any], |_, a| {
            string_value(to_json(&arg(&a, 0)).unwrap_or_default())
        }),
    );
    f.insert(
        "mustToJson".into(),
        Func::new(vec![Param::Any], |_, a| {
            to_json(&arg(&a, 0))
                .map(GoValue::string)
                .map_err(FuncError::msg)
        }),
    );
    f.insert(
        "fromYaml".into(),
        Func::new(vec![Param::String], |_, a| {
            Ok(match yaml_to_go(&str_arg(&a, 0)) {
                Ok(v @ GoValue::Map(_)) => v,
                Ok(GoValue::Nil) => GoValue::map(BTreeMap::new()),
                Ok(other) => error_map(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    go_kind_name(&other)
                )),
                Err(e) => error_map(e),
            })
        }),
    );
    f.insert(
        "fromYamlArray".into(),
        Func::new(vec![Param::String], |_, a| {
            Ok(match yaml_to_go(&str_arg(&a, 0)) {
                Ok(v @ GoValue::List(_)) => v,
                Ok(GoValue::Nil) => GoValue::list(Vec::new()),
                Ok(other) => GoValue::list(vec![GoValue::string(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
                    go_kind_name(&other)
                ))]),
                Err(e) => GoValue::list(vec![GoValue::string(e)]),
            })
        }),
    );
    f.insert(
        "fromJson".into(),
        Func::new(vec![Param::String], |_, a| {
            Ok(
                match serde_json::from_str::<serde_json::Value>(&str_arg(&a, 0)) {
                    Ok(j @ serde_json::Value::Object(_)) => json_to_go(&j),
                    Ok(serde_json::Value::Null) => GoValue::map(BTreeMap::new()),
                    Ok(other) => error_map(format!(
                        "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        go_kind_name(&json_to_go(&other))
                    )),
                    Err(e) => error_map(json_error(&e)),
                },
            )
        }),
    );
    f.insert(
        "fromJsonArray".into(),
        Func::new(vec![Param::String], |_, a| {
            Ok(
                match serde_json::from_str::<serde_json::Value>(&str_arg(&a, 0)) {
                    Ok(j @ serde_json::Value::Array(_)) => json_to_go(&j),
                    Ok(serde_json::Value::Null) => GoValue::list(Vec::new()),
                    Ok(other) => GoValue::list(vec![GoValue::string(format!(
                        "json: cannot unmarshal {} into Go value of type []interface {{}}",
                        go_kind_name(&json_to_go(&other))
                    ))]),
                    Err(e) => GoValue::list(vec![GoValue::string(json_error(&e))]),
                },
            )
        }),
    );
    f.insert(
        "toToml".into(),
        Func::new(vec![Param::Any], |_, a| {
            string_value(to_toml(&arg(&a, 0)).unwrap_or_else(|e| e))
        }),
    );
    f.insert(
        "mustToToml".into(),
        Func::new(vec![Param::Any], |_, a| {
            to_toml(&arg(&a, 0))
                .map(GoValue::string)
                .map_err(FuncError::msg)
        }),
    );
    f.insert(
        "fromToml".into(),
        Func::new(vec![Param::String], |_, a| {
            Ok(crate::toml::from_toml(&str_arg(&a, 0)).unwrap_or_else(error_map))
        }),
    );
    f.insert(
        "lookup".into(),
        Func::new(
            vec![Param::String, Param::String, Param::String, Param::String],
            |_, _| Ok(GoValue::map(BTreeMap::new())),
        ),
    );
    f.insert(
        "getHostByName".into(),
        Func::new(vec![Param::String], |_, _| Ok(GoValue::string(""))),
    );
    f
}

fn json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "unexpected end of JSON input".into()
    } else {
        format!(
            "invalid character in JSON at line {} column {}",
            e.line(),
            e.column()
        )
    }
}

/// Helm's `toYamlPretty` (go-yaml v3, indent 2): like `toYaml` with
/// sequences indented under their key.
pub fn to_yaml_pretty(v: &GoValue) -> Result<String, String> {
    let plain = to_yaml(v)?;
    // go-yaml v3 indents block sequences inside mappings; re-indent them.
    let mut out = String::new();
    let mut extra: Vec<(usize, usize)> = Vec::new(); // (column of the `-` run, added spaces)
    for line in plain.lines() {
        let col = line.len() - line.trim_start().len();
        while extra
            .last()
            .is_some_and(|&(c, _)| col < c || (col == c && !line.trim_start().starts_with("- ")))
        {
            extra.pop();
        }
        let add: usize = extra.iter().map(|e| e.1).sum();
        let trimmed = line.trim_start();
        if (trimmed.starts_with("- ") || trimmed == "-")
            && extra.last().is_none_or(|&(c, _)| c != col)
        {
            extra.push((col, 2));
        }
        let add2: usize = extra.iter().map(|e| e.1).sum();
        let pad = if trimmed.starts_with('-') { add2 } else { add };
        out.push_str(&" ".repeat(col + pad));
        out.push_str(trimmed);
        out.push('\n');
    }
    Ok(out.trim_end_matches('\n').to_string())
}

/// BurntSushi/toml's encoder for what charts pass to `toToml`: tables of
/// scalars, arrays and nested tables.
pub fn to_toml(v: &GoValue) -> Result<String, String> {
    let GoValue::Map(m) = v else {
        return Err("toml: top-level values must be Go maps or structs".into());
    };
    let mut out = String::new();
    toml_table(&m.entries.snapshot(), "", "", &mut out)?;
    Ok(out)
}

fn toml_scalar(v: &GoValue) -> Result<Option<String>, String> {
    Ok(Some(match v {
        GoValue::String(s) => {
            let mut q = String::new();
            stockade_source::go::json_quote_into(&mut q, s, false);
            q
        }
        GoValue::Bool(b) => b.to_string(),
        GoValue::Int(i, _) => i.to_string(),
        GoValue::Uint(u, _) => u.to_string(),
        GoValue::Float(f, _) => {
            let s = stockade_source::go::format_float_g(*f, false);
            if s.contains(['.', 'e', 'n', 'N', 'I']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        GoValue::List(l) => {
            let items: Result<Vec<String>, String> = l
                .items
                .iter()
                .map(|x| {
                    toml_scalar(x)?.ok_or_else(|| "toml: unsupported array element".to_string())
                })
                .collect();
            format!("[{}]", items?.join(", "))
        }
        GoValue::Map(_) => return Ok(None),
        GoValue::Nil => return Ok(None),
        other => other.to_go_string(),
    }))
}

fn toml_table(
    entries: &BTreeMap<String, GoValue>,
    path: &str,
    indent: &str,
    out: &mut String,
) -> Result<(), String> {
    for (k, v) in entries {
        if let Some(s) = toml_scalar(v)? {
            out.push_str(&format!("{indent}{} = {s}\n", toml_key(k)));
        }
    }
    for (k, v) in entries {
        if let GoValue::Map(m) = v {
            let p = if path.is_empty() {
                toml_key(k)
            } else {
                format!("{path}.{}", toml_key(k))
            };
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("{indent}[{p}]\n"));
            toml_table(&m.entries.snapshot(), &p, &format!("{indent}  "), out)?;
        }
    }
    Ok(())
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        let mut q = String::new();
        stockade_source::go::json_quote_into(&mut q, k, true);
        q
    }
}

/// Per-render switches of Helm's engine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineMode {
    /// `missingkey=error` (`helm lint --strict`).
    pub strict: bool,
    /// `helm lint`: `required` and `fail` only warn.
    pub lint: bool,
    /// The render is scanned, not deployed: Sprig's key generators make
    /// P-256 keys instead of RSA ones ([`stockade_sprig::scan_key_funcs`]).
    /// Not a Helm switch; the rendered text differs only in key material.
    pub scan_keys: bool,
}

/// `required`, `fail`, `include`, `tpl`: bound per render in Helm.
pub fn render_funcs(mode: EngineMode) -> FuncMap {
    let mut f = FuncMap::new();
    let lint = mode.lint;
    f.insert(
        "required".into(),
        Func::new(vec![Param::String, Param::Any], move |_, a| {
            let warn = str_arg(&a, 0);
            let val = arg(&a, 1);
            let missing = match &val {
                GoValue::Nil => true,
                GoValue::String(s) => s.is_empty(),
                _ => false,
            };
            if missing {
                if lint {
                    return Ok(GoValue::string(""));
                }
                return Err(FuncError::msg(format!("{WARN_START}{warn}{WARN_END}")));
            }
            Ok(val)
        }),
    );
    f.insert(
        "fail".into(),
        Func::new(vec![Param::String], move |_, a| {
            if lint {
                return Ok(GoValue::string(""));
            }
            Err(FuncError::msg(format!(
                "{WARN_START}{}{WARN_END}",
                str_arg(&a, 0)
            )))
        }),
    );
    // Helm counts the includes of each name under way in its render; the
    // render's templates execute on several threads, each wholly on one, so
    // the count is kept per thread: what one template's execution nests.
    let counts: Arc<
        std::sync::Mutex<std::collections::HashMap<(std::thread::ThreadId, String), usize>>,
    > = Arc::default();
    f.insert(
        "include".into(),
        Func::new(vec![Param::String, Param::Any], move |ctx: &mut CallCtx<'_, '_>, a| {
            let name = str_arg(&a, 0);
            let data = arg(&a, 1);
            let depth_left = ctx.limits().max_depth.saturating_sub(ctx.depth());
            {
                let mut c = counts.lock().map_err(|_| FuncError::msg("include: poisoned"))?;
                let n = c.entry((std::thread::current().id(), name.clone())).or_insert(0);
                if *n > RECURSION_MAX || depth_left <= 2 {
                    return Err(FuncError::msg(format!(
                        "rendering template has a nested reference name: {name}: unable to execute template"
                    )));
                }
                *n += 1;
            }
            let r = ctx.execute_template(&name, &data);
            if let Ok(mut c) = counts.lock() {
                let key = (std::thread::current().id(), name.clone());
                if let Some(n) = c.get_mut(&key) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        c.remove(&key);
                    }
                }
            }
            match r {
                Ok(s) => Ok(GoValue::string(s)),
                // The engine's depth or stack budget ran out under this include:
                // as deep as Helm lets an include recurse, with Helm's words.
                Err(e) if e.is_limit() && e.message.contains("maximum template depth") => Err(FuncError::msg(format!(
                    "rendering template has a nested reference name: {name}: unable to execute template"
                ))),
                Err(e) => Err(e.into()),
            }
        }),
    );
    f.insert(
        "tpl".into(),
        Func::new(
            vec![Param::String, Param::Any],
            move |ctx: &mut CallCtx<'_, '_>, a| {
                let text = str_arg(&a, 0);
                let data = arg(&a, 1);
                if !text.contains("{{") {
                    // No action: the text renders to itself.
                    return Ok(GoValue::string(text));
                }
                // Helm parses the text as a new template named after the set
                // it bound `tpl` to (`gotpl`), not after the calling template:
                // a `define` being executed stays intact for a nested `include`.
                let name = ctx.set_name().to_string();
                match ctx.execute_text(&name, &text, &data) {
                    Ok(s) => Ok(GoValue::string(s.replace("<no value>", ""))),
                    Err(stockade_gotemplate::exec::NestedError::Exec(e)) if e.is_limit() => {
                        Err(FuncError::Abort(Box::new(e)))
                    }
                    Err(stockade_gotemplate::exec::NestedError::Parse(e)) => {
                        Err(FuncError::msg(format!(
                            "cannot parse template {}: {e}",
                            stockade_gotemplate::gofmt::quote(&text)
                        )))
                    }
                    Err(e) => Err(FuncError::msg(format!(
                        "error during tpl function execution for {}: {e}",
                        stockade_gotemplate::gofmt::quote(&text)
                    ))),
                }
            },
        ),
    );
    f
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn to_yaml_of_values() {
        let v = GoValue::map(
            [
                (
                    "securityContext".to_string(),
                    GoValue::map([("privileged".to_string(), GoValue::Bool(true))].into()),
                ),
                ("port".to_string(), GoValue::float(80.0)),
                ("ratio".to_string(), GoValue::float(1234567.5)),
            ]
            .into(),
        );
        assert_eq!(
            to_yaml(&v).unwrap(),
            "port: 80\nratio: 1.2345675e+06\nsecurityContext:\n  privileged: true"
        );
        assert_eq!(
            to_json(&v).unwrap(),
            r#"{"port":80,"ratio":1234567.5,"securityContext":{"privileged":true}}"#
        );
        assert_eq!(to_yaml(&GoValue::Nil).unwrap(), "null");
        let pretty = GoValue::map(
            [(
                "baz".to_string(),
                GoValue::list(vec![GoValue::int(1), GoValue::int(2)]),
            )]
            .into(),
        );
        assert_eq!(to_yaml_pretty(&pretty).unwrap(), "baz:\n  - 1\n  - 2");
        let toml = GoValue::map(
            [(
                "mast".to_string(),
                GoValue::map([("sail".to_string(), GoValue::string("white"))].into()),
            )]
            .into(),
        );
        assert_eq!(to_toml(&toml).unwrap(), "[mast]\n  sail = \"white\"\n");
    }
}
