//! Reading Kyverno `ClusterPolicy`/`Policy` documents and auto-generating the
//! pod-controller rules (`autogen-<rule>`, `autogen-cronjob-<rule>`), as
//! `pkg/autogen/v1` does.

use serde_json::{json, Map, Value};

use stockade_source::rule::Severity;
use stockade_source::source::Span;

/// One compiled policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    /// `Policy` (namespaced) or `ClusterPolicy`.
    pub kind: String,
    pub namespace: Option<String>,
    pub annotations: Map<String, Value>,
    /// `spec.validationFailureAction` (`Audit` by default).
    pub failure_action: String,
    /// The rules as written, then the auto-generated ones.
    pub rules: Vec<Rule>,
    /// Where the policy was read from (file path and span of its document).
    pub path: String,
    pub span: Span,
}

/// One rule (written or auto-generated).
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    /// The rule document (`match`, `exclude`, `context`, `preconditions`, `validate`, …).
    pub raw: Value,
    /// Set for auto-generated rules: the rule it was generated from.
    pub generated_from: Option<String>,
    /// The feature outside the offline subset the rule needs, if any (with no
    /// values file: a `kyverno test` values file can still provide context).
    pub unsupported: Option<String>,
}

impl Policy {
    /// Severity of a failing rule: the `policies.kyverno.io/severity` annotation,
    /// else `Enforce` → high, `Audit` → medium.
    pub fn severity(&self, rule: &Rule) -> Severity {
        if let Some(s) = self
            .annotations
            .get("policies.kyverno.io/severity")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Severity>().ok())
        {
            return s;
        }
        if self.action(rule).eq_ignore_ascii_case("enforce") {
            Severity::High
        } else {
            Severity::Medium
        }
    }

    /// The failure action that applies to a rule.
    pub fn action(&self, rule: &Rule) -> String {
        rule.raw
            .pointer("/validate/failureAction")
            .and_then(Value::as_str)
            .map_or_else(|| self.failure_action.clone(), str::to_string)
    }
}

/// Read a policy from its JSON form; `Err` with a message when it is not one.
pub fn read_policy(doc: &Value, path: &str, span: Span) -> Result<Policy, String> {
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
    let metadata = doc.get("metadata").cloned().unwrap_or(Value::Null);
    let name = metadata
        .get("name")
        .and_then(Value::as_str)
        .ok_or("the policy has no metadata.name")?
        .to_string();
    let spec = doc.get("spec").ok_or("the policy has no spec")?;
    let rules_raw = spec
        .get("rules")
        .and_then(Value::as_array)
        .ok_or("the policy has no spec.rules")?;
    let mut rules = Vec::new();
    for r in rules_raw {
        let rname = r
            .get("name")
            .and_then(Value::as_str)
            .ok_or("a rule has no name")?;
        rules.push(Rule {
            name: rname.to_string(),
            raw: r.clone(),
            generated_from: None,
            unsupported: None,
        });
    }
    let annotations = metadata
        .get("annotations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let generated = autogen(&rules, &annotations);
    rules.extend(generated);
    let none = Map::new();
    for rule in &mut rules {
        rule.unsupported = super::eval::unsupported_feature(rule, &none);
    }
    Ok(Policy {
        name,
        kind: kind.to_string(),
        namespace: metadata
            .get("namespace")
            .and_then(Value::as_str)
            .map(str::to_string),
        annotations,
        failure_action: spec
            .get("validationFailureAction")
            .and_then(Value::as_str)
            .unwrap_or("Audit")
            .to_string(),
        rules,
        path: path.to_string(),
        span,
    })
}

/// Resource filters of a match/exclude block (`any`, `all`, or the legacy form).
pub fn filters(block: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for key in ["any", "all"] {
        if let Some(list) = block.get(key).and_then(Value::as_array) {
            out.extend(list.iter());
        }
    }
    if out.is_empty() && block.is_object() {
        out.push(block);
    }
    out
}

fn kinds_of(filter: &Value) -> Vec<String> {
    filter
        .pointer("/resources/kinds")
        .and_then(Value::as_array)
        .map(|k| {
            k.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The kind part of a kind selector (`apps/v1/Deployment` → `Deployment`).
pub fn kind_name(selector: &str) -> &str {
    let base = selector.rsplit('/').next().unwrap_or(selector);
    base
}

fn contains_pod(kinds: &[String]) -> bool {
    kinds.iter().any(|k| {
        // `Pod`, `v1/Pod`, `*/Pod`; not subresources such as `Pod/exec`.
        let parts: Vec<&str> = k.split('/').collect();
        parts.last() == Some(&"Pod") || k == "*"
    })
}

const POD_CONTROLLERS: &[&str] = &[
    "DaemonSet",
    "Deployment",
    "Job",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "CronJob",
];

fn autogen_supported(filter: &Value, needed: &mut bool) -> bool {
    let Some(res) = filter.get("resources") else {
        return true;
    };
    if res.get("name").is_some()
        || res.get("names").is_some()
        || res.get("selector").is_some()
        || res.get("annotations").is_some()
    {
        return false;
    }
    let kinds = kinds_of(filter);
    if kinds.len() > 1 && contains_pod(&kinds) {
        return false;
    }
    if kinds
        .iter()
        .any(|k| kind_name(k) == "Pod" || POD_CONTROLLERS.contains(&kind_name(k)))
    {
        *needed = true;
    }
    true
}

fn can_autogen(rules: &[Rule]) -> bool {
    let mut needed = false;
    for r in rules {
        if r.raw.get("generate").is_some() {
            return false;
        }
        if r.raw.pointer("/mutate/patchesJson6902").is_some() {
            return false;
        }
        for block in ["match", "exclude"] {
            if let Some(b) = r.raw.get(block) {
                for f in filters(b) {
                    if !autogen_supported(f, &mut needed) {
                        return false;
                    }
                }
            }
        }
    }
    needed
}

fn block_kinds(block: Option<&Value>) -> Vec<String> {
    block
        .map(|b| filters(b).into_iter().flat_map(kinds_of).collect())
        .unwrap_or_default()
}

fn replace_kinds(block: &mut Value, kinds: &[&str], only_pod: bool) {
    let set = |f: &mut Value| {
        if let Some(k) = f.pointer_mut("/resources/kinds") {
            let current: Vec<String> = k
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if !only_pod || contains_pod(&current) {
                *k = json!(kinds);
            }
        }
    };
    let mut listed = false;
    for key in ["any", "all"] {
        if let Some(Value::Array(list)) = block.get_mut(key) {
            if !list.is_empty() {
                listed = true;
                for f in list.iter_mut() {
                    set(f);
                }
                break;
            }
        }
    }
    if !listed {
        set(block);
    }
}

/// Replace `from` by `to` in every string (keys included), as Kyverno's
/// autogen rewrites the rule's JSON text.
fn shift_json(v: &Value, from: &str, to: &str) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace(from, to)),
        Value::Array(a) => Value::Array(a.iter().map(|x| shift_json(x, from, to)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.replace(from, to), shift_json(x, from, to)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn generate(
    rule: &Value,
    name: &str,
    tpl_key: &str,
    kinds: &[&str],
    pod_filter: bool,
) -> Option<Value> {
    let mut r = rule.clone();
    let obj = r.as_object_mut()?;
    obj.insert("name".to_string(), json!(name));
    if let Some(m) = obj.get_mut("match") {
        replace_kinds(m, kinds, pod_filter);
    }
    if let Some(e) = obj.get_mut("exclude") {
        if !block_kinds(Some(e)).is_empty() {
            replace_kinds(e, kinds, pod_filter);
        }
    }
    let validate = obj.get("validate")?.clone();
    let mut new_validate = Map::new();
    for k in [
        "message",
        "failureAction",
        "failureActionOverrides",
        "allowExistingViolations",
    ] {
        if let Some(v) = validate.get(k) {
            new_validate.insert(k.to_string(), v.clone());
        }
    }
    if let Some(p) = validate.get("pattern") {
        new_validate.insert("pattern".to_string(), json!({"spec": {tpl_key: p}}));
    } else if let Some(d) = validate.get("deny") {
        new_validate.insert("deny".to_string(), d.clone());
    } else if let Some(ps) = validate.get("podSecurity") {
        new_validate.insert("podSecurity".to_string(), ps.clone());
    } else if let Some(Value::Array(any)) = validate.get("anyPattern") {
        let wrapped: Vec<Value> = any.iter().map(|p| json!({"spec": {tpl_key: p}})).collect();
        new_validate.insert("anyPattern".to_string(), Value::Array(wrapped));
    } else if let Some(f) = validate.get("foreach") {
        new_validate.insert("foreach".to_string(), f.clone());
    } else if let Some(c) = validate.get("cel") {
        new_validate.insert("cel".to_string(), c.clone());
    } else {
        return None;
    }
    obj.insert("validate".to_string(), Value::Object(new_validate));
    Some(r)
}

fn truncate63(name: String) -> String {
    if name.len() > 63 {
        name.chars().take(63).collect()
    } else {
        name
    }
}

/// Kyverno's auto-generated rules for pod controllers.
#[allow(clippy::too_many_lines)]
fn autogen(rules: &[Rule], annotations: &Map<String, Value>) -> Vec<Rule> {
    if !can_autogen(rules) {
        return Vec::new();
    }
    let controllers: Vec<String> = match annotations
        .get("pod-policies.kyverno.io/autogen-controllers")
        .and_then(Value::as_str)
    {
        Some(list) => list.split(',').map(|s| s.trim().to_string()).collect(),
        None => POD_CONTROLLERS.iter().map(|s| (*s).to_string()).collect(),
    };
    if controllers.iter().any(|c| c == "none") {
        return Vec::new();
    }
    let all = controllers.iter().any(|c| c == "all");
    let mut pod_kinds: Vec<&str> = POD_CONTROLLERS
        .iter()
        .copied()
        .filter(|k| *k != "CronJob" && (all || controllers.iter().any(|c| c == k)))
        .collect();
    pod_kinds.sort_unstable();
    let cronjob = all || controllers.iter().any(|c| c == "CronJob");
    let mut out = Vec::new();
    for rule in rules {
        if rule.name.starts_with("autogen-") {
            continue;
        }
        let match_kinds = block_kinds(rule.raw.get("match"));
        let exclude_kinds = block_kinds(rule.raw.get("exclude"));
        if !contains_pod(&match_kinds)
            || (!exclude_kinds.is_empty() && !contains_pod(&exclude_kinds))
        {
            continue;
        }
        if pod_kinds.is_empty() {
            continue;
        }
        let Some(generated) = generate(
            &rule.raw,
            &truncate63(format!("autogen-{}", rule.name)),
            "template",
            &pod_kinds,
            true,
        ) else {
            continue;
        };
        let mut shifted = shift_json(
            &generated,
            "request.object.spec",
            "request.object.spec.template.spec",
        );
        shifted = shift_json(
            &shifted,
            "request.oldObject.spec",
            "request.oldObject.spec.template.spec",
        );
        shifted = shift_json(
            &shifted,
            "request.object.metadata",
            "request.object.spec.template.metadata",
        );
        shifted = shift_json(
            &shifted,
            "request.oldObject.metadata",
            "request.oldObject.spec.template.metadata",
        );
        if cronjob {
            if let Some(cj) = generate(
                &generated,
                &truncate63(format!("autogen-cronjob-{}", rule.name)),
                "jobTemplate",
                &["CronJob"],
                false,
            ) {
                let mut cj = shift_json(
                    &cj,
                    "request.object.spec",
                    "request.object.spec.jobTemplate.spec.template.spec",
                );
                cj = shift_json(
                    &cj,
                    "request.oldObject.spec",
                    "request.oldObject.spec.jobTemplate.spec.template.spec",
                );
                cj = shift_json(
                    &cj,
                    "request.object.metadata",
                    "request.object.spec.jobTemplate.spec.template.metadata",
                );
                cj = shift_json(
                    &cj,
                    "request.oldObject.metadata",
                    "request.oldObject.spec.jobTemplate.spec.template.metadata",
                );
                out.push((shifted, Some(cj), rule.name.clone()));
                continue;
            }
        }
        out.push((shifted, None, rule.name.clone()));
    }
    let mut rules_out = Vec::new();
    for (pod, cj, from) in out {
        if let Some(name) = pod.get("name").and_then(Value::as_str) {
            rules_out.push(Rule {
                name: name.to_string(),
                raw: pod.clone(),
                generated_from: Some(from.clone()),
                unsupported: None,
            });
        }
        if let Some(cj) = cj {
            if let Some(name) = cj.get("name").and_then(Value::as_str) {
                rules_out.push(Rule {
                    name: name.to_string(),
                    raw: cj.clone(),
                    generated_from: Some(from.clone()),
                    unsupported: None,
                });
            }
        }
    }
    rules_out
}
