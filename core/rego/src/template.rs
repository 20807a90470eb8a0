//! Reading a `ConstraintTemplate` as Gatekeeper does.
//!
//! - The constraint kind is `spec.crd.spec.names.kind`; `metadata.name` must be
//!   that kind in lower case.
//! - The parameters schema is `spec.crd.spec.validation.openAPIV3Schema`; its
//!   `default:` values are applied to constraint parameters ([`apply_defaults`]).
//! - Exactly one target, `admission.k8s.gatekeeper.sh`. Its Rego is the legacy
//!   `rego` + `libs` fields, or the `code[]` entry with `engine: Rego` and
//!   `source: {rego, libs, version}` (no version is Rego v0, `"v1"` is v1); when
//!   both are present the legacy `rego` field wins.
//! - Templates that also carry `K8sNativeValidation` (CEL) code are evaluated with
//!   their Rego; the CEL code is not evaluated (recorded in [`Template::has_cel`]).

use serde_json::{Map, Value as Json};

use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::source::Span;
use stockade_yaml::Node;

/// The only target Gatekeeper's admission templates have.
pub const TARGET: &str = "admission.k8s.gatekeeper.sh";

/// A `ConstraintTemplate`'s Rego and parameter schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// `metadata.name`.
    pub name: String,
    /// The constraint kind it defines.
    pub kind: String,
    pub rego: String,
    pub libs: Vec<String>,
    /// Rego v1 (`source.version: "v1"`); v0 otherwise.
    pub v1: bool,
    /// `openAPIV3Schema`, when given.
    pub schema: Option<Json>,
    /// The template also has `K8sNativeValidation` (CEL) code, not evaluated.
    pub has_cel: bool,
    /// `metadata.gatekeeper.sh/title` annotation.
    pub title: Option<String>,
    /// `description` annotation.
    pub description: Option<String>,
    /// The template's document.
    pub span: Span,
    /// The span of the Rego text (to locate compile errors), and whether it is a
    /// block scalar (its text starts on the next line).
    pub rego_span: Span,
    pub rego_block: bool,
    /// Spans of the libs' texts, in order.
    pub lib_spans: Vec<(Span, bool)>,
}

fn problem(span: Span, message: impl Into<String>) -> Problem {
    Problem::new(ErrorKind::Policy, span, message)
}

fn string_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a Node> {
    let mut n = node;
    for key in path {
        n = n.get(key)?;
    }
    Some(n)
}

fn is_block(node: &Node) -> bool {
    matches!(
        node.style,
        stockade_yaml::Style::Literal | stockade_yaml::Style::Folded
    )
}

impl Template {
    /// Read a template from its document root.
    #[allow(clippy::too_many_lines)] // one pass, easier to follow whole
    pub fn from_node(root: &Node) -> Result<Template, Problem> {
        let name = string_at(root, &["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let kind_node = string_at(root, &["spec", "crd", "spec", "names", "kind"]);
        let Some(kind) = kind_node.and_then(Node::as_str).filter(|k| !k.is_empty()) else {
            return Err(problem(
                root.span,
                "ConstraintTemplate has no spec.crd.spec.names.kind",
            ));
        };
        if name != kind.to_lowercase() {
            let span = string_at(root, &["metadata", "name"]).map_or(root.span, |n| n.span);
            return Err(problem(
                span,
                format!(
                    "ConstraintTemplate name `{name}` must be the lower-case form of its kind `{kind}` (`{}`)",
                    kind.to_lowercase()
                ),
            ));
        }
        let schema = string_at(
            root,
            &["spec", "crd", "spec", "validation", "openAPIV3Schema"],
        )
        .map(Node::to_json);
        let Some(targets) = string_at(root, &["spec", "targets"]).and_then(Node::as_seq) else {
            return Err(problem(root.span, "ConstraintTemplate has no spec.targets"));
        };
        if targets.len() != 1 {
            return Err(problem(
                string_at(root, &["spec", "targets"]).map_or(root.span, |n| n.span),
                format!(
                    "ConstraintTemplate must have exactly one target, found {}",
                    targets.len()
                ),
            ));
        }
        let Some(target) = targets.first() else {
            return Err(problem(root.span, "ConstraintTemplate has no target"));
        };
        let target_name = target.get("target").and_then(Node::as_str).unwrap_or("");
        if target_name != TARGET {
            return Err(problem(
                target.get("target").map_or(target.span, |n| n.span),
                format!("unsupported target `{target_name}` (expected {TARGET})"),
            ));
        }
        let mut has_cel = false;
        let mut code_source: Option<&Node> = None;
        for code in target
            .get("code")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            match code.get("engine").and_then(Node::as_str) {
                Some("Rego") if code_source.is_none() => code_source = code.get("source"),
                Some("K8sNativeValidation") => has_cel = true,
                _ => {}
            }
        }
        let (rego_node, libs_node, v1) = if let Some(rego) = target.get("rego") {
            (rego, target.get("libs"), false)
        } else if let Some(source) = code_source {
            let version = source.get("version").and_then(Node::as_str);
            let Some(rego) = source.get("rego") else {
                return Err(problem(source.span, "Rego code source has no `rego`"));
            };
            (rego, source.get("libs"), version == Some("v1"))
        } else {
            return Err(problem(
                target.span,
                "could not extract Rego from the constraint template: no `rego` field and no `code` entry with engine Rego",
            ));
        };
        let Some(rego) = rego_node.as_str() else {
            return Err(problem(rego_node.span, "`rego` must be a string"));
        };
        let mut libs = Vec::new();
        let mut lib_spans = Vec::new();
        if let Some(libs_node) = libs_node {
            for lib in libs_node.as_seq().unwrap_or_default() {
                let Some(text) = lib.as_str() else {
                    return Err(problem(lib.span, "each lib must be a string"));
                };
                libs.push(text.to_string());
                lib_spans.push((lib.span, is_block(lib)));
            }
        }
        let annotation = |key: &str| {
            string_at(root, &["metadata", "annotations", key])
                .and_then(Node::as_str)
                .map(|s| s.trim().to_string())
        };
        Ok(Template {
            title: annotation("metadata.gatekeeper.sh/title"),
            description: annotation("description"),
            name,
            kind: kind.to_string(),
            rego: rego.to_string(),
            libs,
            v1,
            schema,
            has_cel,
            span: root.span,
            rego_span: rego_node.span,
            rego_block: is_block(rego_node),
            lib_spans,
        })
    }
}

/// Apply the schema's `default:` values to `value`, recursively (as the API
/// server's structural defaulting does for the constraint's `parameters`).
pub fn apply_defaults(schema: &Json, value: &mut Json) {
    match value {
        Json::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Json::as_object) {
                for (key, prop) in props {
                    if !map.contains_key(key) {
                        if let Some(d) = prop.get("default") {
                            map.insert(key.clone(), d.clone());
                        }
                    }
                    if let Some(v) = map.get_mut(key) {
                        apply_defaults(prop, v);
                    }
                }
            }
            if let Some(extra) = schema.get("additionalProperties").filter(|s| s.is_object()) {
                let known: Map<String, Json> = schema
                    .get("properties")
                    .and_then(Json::as_object)
                    .cloned()
                    .unwrap_or_default();
                for (k, v) in map.iter_mut() {
                    if !known.contains_key(k) {
                        apply_defaults(extra, v);
                    }
                }
            }
        }
        Json::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for v in items {
                    apply_defaults(item_schema, v);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_recursively() {
        let schema: Json = serde_json::from_str(
            r#"{"type":"object","properties":{"a":{"type":"string","default":"x"},
            "b":{"type":"object","properties":{"c":{"default":1}}},
            "l":{"type":"array","items":{"type":"object","properties":{"d":{"default":true}}}}}}"#,
        )
        .unwrap();
        let mut v: Json = serde_json::from_str(r#"{"b":{},"l":[{},{"d":false}]}"#).unwrap();
        apply_defaults(&schema, &mut v);
        assert_eq!(
            v,
            serde_json::json!({"a":"x","b":{"c":1},"l":[{"d":true},{"d":false}]})
        );
    }
}
