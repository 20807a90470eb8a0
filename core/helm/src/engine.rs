//! Helm's `Engine.render` over named templates with their own data (what
//! `pkg/engine/engine_test.go` exercises): one template set, Helm's order,
//! Helm's error texts.

use std::collections::BTreeMap;

use stockade_gotemplate::{Template, Value as GoValue};

use crate::funcs::EngineMode;
use crate::render::{helm_exec_message, helm_order, parse_error_message};

/// Render `templates` (`{name: {"template": text, "values": data}}`, as JSON):
/// every output by name, or the first error as Helm words it.
pub fn render_named(
    templates: &serde_json::Value,
    lint: bool,
) -> Result<BTreeMap<String, String>, String> {
    let Some(map) = templates.as_object() else {
        return Ok(BTreeMap::new());
    };
    let mut set = Template::new("gotpl");
    let _ = set.option("missingkey=zero");
    set.funcs(crate::engine_funcs(EngineMode {
        lint,
        ..EngineMode::default()
    }));
    let mut names: Vec<String> = map.keys().cloned().collect();
    helm_order(&mut names);
    for name in &names {
        let text = map
            .get(name)
            .and_then(|t| t.get("template"))
            .and_then(|t| t.as_str())
            .unwrap_or_default();
        if let Err(e) = set.parse(name, text) {
            return Err(parse_error_message(name, &e.to_string()));
        }
    }
    let mut out = BTreeMap::new();
    for name in &names {
        if name.rsplit('/').next().unwrap_or(name).starts_with('_') {
            continue;
        }
        let values = map
            .get(name)
            .and_then(|t| t.get("values"))
            .cloned()
            .unwrap_or_default();
        let mut data = match GoValue::from_json(&values) {
            GoValue::Map(m) => m.entries.snapshot(),
            _ => BTreeMap::new(),
        };
        data.insert(
            "Template".to_string(),
            GoValue::map(BTreeMap::from([
                ("Name".to_string(), GoValue::string(name.as_str())),
                ("BasePath".to_string(), GoValue::string("")),
            ])),
        );
        let mut buf = String::new();
        if let Err(e) = set.execute(name, &GoValue::map(data), &mut buf) {
            return Err(helm_exec_message(name, &e.to_string()));
        }
        out.insert(name.clone(), buf.replace("<no value>", ""));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// `tpl` parses its text as a template named after the set (`gotpl`), as
    /// Helm does: called from inside a `define`, it must not replace that
    /// define, which the text may `include` again (Bitnami's
    /// `common.tplvalues.render` calls itself this way).
    #[test]
    fn tpl_inside_a_define_keeps_the_define() {
        let templates = serde_json::json!({
            "c/templates/_helpers.tpl": {"template":
                "{{- define \"render\" -}}{{ if typeIs \"string\" .value }}{{ tpl .value .context }}{{ else }}{{ .value }}{{ end }}{{- end -}}"},
            "c/templates/cm.yaml": {
                "template": "{{ include \"render\" (dict \"value\" .Values.text \"context\" $) }}",
                "values": {"Values": {
                    "text": "a: {{ include \"render\" (dict \"value\" .Values.flag \"context\" $) }}",
                    "flag": true
                }}
            }
        });
        let out = render_named(&templates, false).unwrap();
        assert_eq!(out["c/templates/cm.yaml"], "a: true");
    }

    #[test]
    fn tpl_errors_name_the_gotpl_template() {
        let templates = serde_json::json!({
            "c/templates/x.yaml": {"template": "{{ tpl \"{{ .a.b.c }}\" (dict) }}"}
        });
        let err = render_named(&templates, false).unwrap_err();
        assert!(err.contains("template: gotpl:1:"), "{err}");
    }
}
