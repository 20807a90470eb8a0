//! Applying a rule to a resource: match/exclude, context, preconditions and the
//! `validate` forms (pattern, anyPattern, deny, foreach), as Kyverno's engine does.

use serde_json::{json, Map, Value};

use super::conditions;
use super::pattern::{match_pattern, Outcome};
use super::policy::{filters, Policy, Rule};
use super::values::wildcard_match;
use super::vars::{self, query, substitute_all, substitute_references, substitute_str};

/// A rule's result on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }
}

/// The response of one rule.
#[derive(Debug, Clone)]
pub struct RuleResponse {
    pub status: Status,
    pub message: String,
    /// JSON pointer (in the resource) of the failing node, when known.
    pub pointer: Option<String>,
    /// Set when the rule uses a feature outside the offline subset.
    pub unsupported: bool,
}

impl RuleResponse {
    fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            pointer: None,
            unsupported: false,
        }
    }
}

/// What the caller knows about the admission request (offline defaults).
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `request.operation` (`CREATE` when not set).
    pub operation: Option<String>,
    /// Extra variables (`request.operation: UPDATE`, `name: value`), dotted keys.
    pub values: Map<String, Value>,
    /// Labels of the resource's namespace, for `namespaceSelector`.
    pub namespace_labels: Option<Map<String, Value>>,
}

fn set_dotted(target: &mut Value, key: &str, value: Value) {
    set_dotted_inner(target, key, value);
    let first = key.split('.').next().unwrap_or(key);
    vars::touch_keys(target, &[first]);
}

fn set_dotted_inner(target: &mut Value, key: &str, value: Value) {
    let mut cur = target;
    let parts: Vec<&str> = key.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Value::Object(m) = cur else { return };
        if i + 1 == parts.len() {
            m.insert((*part).to_string(), value);
            break;
        }
        cur = m
            .entry((*part).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

fn base_context(resource: &Value, request: &Request) -> Value {
    let operation = request
        .operation
        .clone()
        .unwrap_or_else(|| "CREATE".to_string());
    // As the Kyverno CLI shapes requests: an UPDATE or DELETE has the resource
    // as its old object too.
    let old = if matches!(operation.as_str(), "UPDATE" | "DELETE") {
        resource.clone()
    } else {
        Value::Null
    };
    let mut ctx = json!({
        "request": {
            "operation": operation,
            "object": resource,
            "oldObject": old,
            "userInfo": {},
            "namespace": resource.pointer("/metadata/namespace").cloned().unwrap_or(Value::Null),
        },
        // Derived from the requester's user name in Kyverno; offline there is none.
        "serviceAccountName": "",
        "serviceAccountNamespace": "",
    });
    if let Some(images) = images(resource) {
        set_dotted(&mut ctx, "images", images);
    }
    for (k, v) in &request.values {
        set_dotted(&mut ctx, k, v.clone());
    }
    vars::touch(&mut ctx);
    ctx
}

/// The `images` variable: image details of the pod's containers by container
/// name, for pods and pod templates (Kyverno's `ImageInfo`, with `docker.io`
/// as the default registry).
fn images(resource: &Value) -> Option<Value> {
    let api_version = resource
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = resource.get("kind").and_then(Value::as_str).unwrap_or("");
    let path = stockade_yaml::objects::pod_path(group, kind)?;
    let mut pod = resource;
    for key in path {
        pod = pod.get(*key)?;
    }
    let spec = pod.get("spec")?;
    let mut out = Map::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let mut by_name = Map::new();
        for c in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(name), Some(image)) = (
                c.get("name").and_then(Value::as_str),
                c.get("image").and_then(Value::as_str),
            ) else {
                continue;
            };
            if let Some(info) = image_info(image) {
                by_name.insert(name.to_string(), info);
            }
        }
        if !by_name.is_empty() {
            out.insert(list.to_string(), Value::Object(by_name));
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// Kyverno's `GetImageInfo` for one image reference.
pub fn image_info(image: &str) -> Option<Value> {
    let full = match image.find('/') {
        Some(i) => {
            let first = image.get(..i)?;
            if first.contains(['.', ':']) || first == "localhost" || first.to_lowercase() != first {
                image.to_string()
            } else {
                format!("docker.io/{image}")
            }
        }
        None => format!("docker.io/{image}"),
    };
    let (rest, digest) = match full.split_once('@') {
        Some((r, d)) => (r.to_string(), d.to_string()),
        None => (full.clone(), String::new()),
    };
    let slash = rest.find('/')?;
    let registry = rest.get(..slash)?.to_string();
    let remainder = rest.get(slash + 1..)?;
    let (path, tag) = match remainder.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p.to_string(), t.to_string()),
        _ => (remainder.to_string(), String::new()),
    };
    if path.is_empty() {
        return None;
    }
    let tag = if tag.is_empty() && digest.is_empty() {
        "latest".to_string()
    } else {
        tag
    };
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    let base = format!("{registry}/{path}");
    let reference = if digest.is_empty() {
        format!("{base}:{tag}")
    } else {
        format!("{base}@{digest}")
    };
    let mut info = Map::new();
    info.insert("registry".to_string(), json!(registry));
    info.insert("name".to_string(), json!(name));
    info.insert("path".to_string(), json!(path));
    if !tag.is_empty() {
        info.insert("tag".to_string(), json!(tag));
    }
    if !digest.is_empty() {
        info.insert("digest".to_string(), json!(digest));
    }
    info.insert("reference".to_string(), json!(reference));
    info.insert(
        "referenceWithTag".to_string(),
        json!(format!("{base}:{tag}")),
    );
    Some(Value::Object(info))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn kind_matches(selector: &str, api_version: &str, kind: &str) -> bool {
    let (group, version) = match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    let parts: Vec<&str> = selector.split('/').collect();
    match parts.as_slice() {
        [k] => wildcard_match(k, kind),
        [v, k] => {
            // `v1/Pod` (version/kind) or `Pod/status` (a subresource: never the object).
            if k.chars().next().is_some_and(char::is_lowercase) {
                return false;
            }
            wildcard_match(v, version) && wildcard_match(k, kind)
        }
        [g, v, k] => {
            wildcard_match(g, group) && wildcard_match(v, version) && wildcard_match(k, kind)
        }
        _ => false,
    }
}

fn labels_of(resource: &Value) -> Map<String, Value> {
    resource
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A label selector (`matchLabels`, `matchExpressions`) against labels;
/// wildcards in `matchLabels` as Kyverno expands them.
fn selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            let v = v.as_str().unwrap_or("");
            let ok = if k.contains(['*', '?']) || v.contains(['*', '?']) {
                labels.iter().any(|(lk, lv)| {
                    wildcard_match(k, lk) && lv.as_str().is_some_and(|lv| wildcard_match(v, lv))
                })
            } else {
                labels.get(k).and_then(Value::as_str) == Some(v)
            };
            if !ok {
                return false;
            }
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let values = str_list(e.get("values"));
            let has = labels.get(key).and_then(Value::as_str);
            let ok = match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                "In" => has.is_some_and(|h| values.iter().any(|v| v == h)),
                "NotIn" => has.is_none_or(|h| !values.iter().any(|v| v == h)),
                "Exists" => has.is_some(),
                "DoesNotExist" => has.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Whether one resource filter (`resources` + user info) matches. `None` when
/// the filter needs something an offline scan cannot know.
fn filter_matches(filter: &Value, resource: &Value, request: &Request, exclude: bool) -> bool {
    let api_version = resource
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = resource.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = resource
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let namespace = resource
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut conditions = 0;
    let mut failed = false;
    if let Some(res) = filter.get("resources") {
        let kinds = str_list(res.get("kinds"));
        if !kinds.is_empty() {
            conditions += 1;
            if !kinds.iter().any(|k| kind_matches(k, api_version, kind)) {
                failed = true;
            }
        }
        let mut names = str_list(res.get("names"));
        names.extend(str_list(res.get("name")));
        if !names.is_empty() {
            conditions += 1;
            if !names.iter().any(|n| wildcard_match(n, name)) {
                failed = true;
            }
        }
        let namespaces = str_list(res.get("namespaces"));
        if !namespaces.is_empty() {
            conditions += 1;
            let ns = if kind == "Namespace" { name } else { namespace };
            if !namespaces.iter().any(|n| wildcard_match(n, ns)) {
                failed = true;
            }
        }
        if let Some(ann) = res.get("annotations").and_then(Value::as_object) {
            conditions += 1;
            let have = resource
                .pointer("/metadata/annotations")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let ok = ann.iter().all(|(k, v)| {
                let v = v.as_str().unwrap_or("");
                have.iter().any(|(hk, hv)| {
                    wildcard_match(k, hk) && hv.as_str().is_some_and(|hv| wildcard_match(v, hv))
                })
            });
            if !ok {
                failed = true;
            }
        }
        if let Some(sel) = res.get("selector") {
            conditions += 1;
            if !selector_matches(sel, &labels_of(resource)) {
                failed = true;
            }
        }
        if let Some(sel) = res.get("namespaceSelector") {
            conditions += 1;
            let labels = request.namespace_labels.clone().unwrap_or_default();
            if !selector_matches(sel, &labels) {
                failed = true;
            }
        }
        let ops = str_list(res.get("operations"));
        if !ops.is_empty() {
            conditions += 1;
            let op = request.operation.as_deref().unwrap_or("CREATE");
            if !ops.iter().any(|o| o == op) {
                failed = true;
            }
        }
    }
    // User information: offline, the requester has no roles and no name.
    for key in ["roles", "clusterRoles", "subjects"] {
        if filter
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            conditions += 1;
            failed = true;
        }
    }
    if exclude {
        conditions > 0 && !failed
    } else {
        !failed
    }
}

fn block_matches(block: &Value, resource: &Value, request: &Request, exclude: bool) -> bool {
    if let Some(all) = block
        .get("all")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    {
        return all
            .iter()
            .all(|f| filter_matches(f, resource, request, exclude));
    }
    if let Some(any) = block
        .get("any")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    {
        return any
            .iter()
            .any(|f| filter_matches(f, resource, request, exclude));
    }
    filter_matches(block, resource, request, exclude)
}

/// Whether the rule selects the resource (match and not exclude).
pub fn rule_matches(policy: &Policy, rule: &Rule, resource: &Value, request: &Request) -> bool {
    if policy.kind == "Policy" {
        let ns = resource
            .pointer("/metadata/namespace")
            .and_then(Value::as_str);
        if let (Some(pns), Some(ns)) = (policy.namespace.as_deref(), ns) {
            if pns != ns {
                return false;
            }
        }
    }
    let Some(m) = rule.raw.get("match") else {
        return false;
    };
    if filters(m).is_empty() || !block_matches(m, resource, request, false) {
        return false;
    }
    if let Some(e) = rule.raw.get("exclude") {
        if block_matches(e, resource, request, true) {
            return false;
        }
    }
    true
}

/// Features of a rule outside the offline subset, by name.
pub fn unsupported_feature(rule: &Rule, provided: &Map<String, Value>) -> Option<String> {
    let raw = &rule.raw;
    for (key, what) in [
        ("mutate", "mutate rules"),
        ("generate", "generate rules"),
        ("verifyImages", "image verification (verifyImages)"),
        ("celPreconditions", "CEL preconditions"),
    ] {
        if raw.get(key).is_some() {
            return Some(what.to_string());
        }
    }
    let Some(validate) = raw.get("validate") else {
        return Some("a rule without validate".to_string());
    };
    for (key, what) in [
        ("cel", "CEL validation (validate.cel)"),
        ("podSecurity", "validate.podSecurity"),
        ("manifests", "manifest signatures (validate.manifests)"),
        ("assert", "validate.assert"),
    ] {
        if validate.get(key).is_some() {
            return Some(what.to_string());
        }
    }
    let unknown = vars::unknown_functions(raw);
    if !unknown.is_empty() {
        return Some(format!(
            "the JMESPath function{} {}",
            if unknown.len() > 1 { "s" } else { "" },
            unknown
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut entries: Vec<&Value> = Vec::new();
    if let Some(Value::Array(c)) = raw.get("context") {
        entries.extend(c.iter());
    }
    collect_foreach_contexts(validate.get("foreach"), &mut entries);
    for entry in entries {
        let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
        if provided.contains_key(name) || entry.get("variable").is_some() {
            continue;
        }
        for (key, what) in [
            ("apiCall", "context apiCall"),
            ("configMap", "context configMap"),
            ("imageRegistry", "context imageRegistry"),
            ("globalReference", "context globalReference"),
        ] {
            if entry.get(key).is_some() {
                return Some(format!("{what} `{name}`, which needs cluster access"));
            }
        }
    }
    None
}

fn collect_foreach_contexts<'a>(foreach: Option<&'a Value>, out: &mut Vec<&'a Value>) {
    if let Some(Value::Array(list)) = foreach {
        for f in list {
            if let Some(Value::Array(c)) = f.get("context") {
                out.extend(c.iter());
            }
            collect_foreach_contexts(f.get("foreach"), out);
        }
    }
}

fn load_context(ctx: &mut Value, entries: Option<&Value>, provided: &Map<String, Value>) {
    let Some(Value::Array(entries)) = entries else {
        return;
    };
    for entry in entries {
        let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
        if let Some(v) = provided.get(name) {
            set_dotted(ctx, name, v.clone());
            continue;
        }
        // Kyverno loads context entries lazily, when an expression first names
        // them: a failing entry is an error only for the expressions that use it.
        if let Err(e) = load_variable(ctx, entry, name) {
            vars::defer_error(ctx, name, &e);
        }
    }
}

fn load_variable(ctx: &mut Value, entry: &Value, name: &str) -> Result<(), String> {
    {
        let Some(var) = entry.get("variable") else {
            return Err(format!("context entry `{name}` needs cluster access"));
        };
        let mut value = match var.get("value") {
            Some(v) => substitute_all(ctx, v).map_err(|e| e.0)?,
            None => Value::Null,
        };
        if let Some(path) = var.get("jmesPath").and_then(Value::as_str) {
            let path = match substitute_str(ctx, path).map_err(|e| e.0)? {
                Value::String(s) => s,
                other => other.to_string(),
            };
            value = if var.get("value").is_some() {
                query(&value, &path)
            } else {
                query(ctx, &path)
            }
            .unwrap_or(Value::Null);
        }
        if value.is_null() {
            if let Some(d) = var.get("default") {
                value = substitute_all(ctx, d).map_err(|e| e.0)?;
            }
        }
        if value.is_null() && var.get("default").is_none() && var.get("jmesPath").is_some() {
            return Err(format!(
                "failed to add resource with variable {name}: variable resolved to nil"
            ));
        }
        set_dotted(ctx, name, value);
    }
    Ok(())
}

/// Evaluate one (matching) rule on a resource.
pub fn evaluate_rule(rule: &Rule, resource: &Value, request: &Request) -> Option<RuleResponse> {
    let provided = &request.values;
    // Known when the policy was read, unless values may provide context.
    let unsupported = if provided.is_empty() {
        rule.unsupported.clone()
    } else {
        unsupported_feature(rule, provided)
    };
    if let Some(feature) = unsupported {
        let mut r = RuleResponse::new(
            Status::Error,
            format!(
                "unsupported: rule {} uses {feature}, outside Stockade's offline Kyverno subset",
                rule.name
            ),
        );
        r.unsupported = true;
        return Some(r);
    }
    vars::begin_rule();
    let mut ctx = base_context(resource, request);
    let validate = rule.raw.get("validate").cloned().unwrap_or(Value::Null);
    let v = Validator {
        rule: &rule.name,
        message: validate
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or(""),
        provided,
    };
    v.validate(
        &mut ctx,
        rule.raw.get("context"),
        rule.raw.get("preconditions"),
        &validate,
        resource,
        "",
        0,
    )
}

struct Validator<'a> {
    rule: &'a str,
    message: &'a str,
    provided: &'a Map<String, Value>,
}

impl Validator<'_> {
    #[allow(clippy::too_many_arguments)]
    #[allow(clippy::too_many_lines)]
    fn validate(
        &self,
        ctx: &mut Value,
        context: Option<&Value>,
        preconditions: Option<&Value>,
        body: &Value,
        scope: &Value,
        scope_pointer: &str,
        nesting: usize,
    ) -> Option<RuleResponse> {
        load_context(ctx, context, self.provided);
        if let Some(pre) = preconditions {
            match conditions::evaluate(ctx, pre) {
                Err(e) => {
                    return Some(RuleResponse::new(
                        Status::Error,
                        format!("failed to evaluate preconditions: {}", e.0),
                    ))
                }
                Ok((false, msg)) => {
                    let m = if msg.is_empty() {
                        "preconditions not met".to_string()
                    } else {
                        format!("preconditions not met; {msg}")
                    };
                    return Some(RuleResponse::new(Status::Skip, m));
                }
                Ok((true, _)) => {}
            }
        }
        if let Some(deny) = body.get("deny") {
            let conds = deny.get("conditions").cloned().unwrap_or(Value::Null);
            return Some(match conditions::evaluate(ctx, &conds) {
                Err(e) => RuleResponse::new(
                    Status::Error,
                    format!("failed to check deny conditions: {}", e.0),
                ),
                Ok((true, msg)) => {
                    let text = if self.message.is_empty() && msg.is_empty() {
                        format!("validation error: rule {} failed", self.rule)
                    } else {
                        let joined = [self.message, msg.as_str()]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join("; ");
                        match substitute_str(ctx, &joined) {
                            Ok(Value::String(s)) => s,
                            Ok(_) => "the produced message didn't resolve to a string, check your policy definition.".to_string(),
                            Err(_) => msg,
                        }
                    };
                    let mut r = RuleResponse::new(Status::Fail, text);
                    r.pointer = Some(scope_pointer.to_string());
                    r
                }
                Ok((false, _)) => RuleResponse::new(
                    Status::Pass,
                    format!("validation rule '{}' passed.", self.rule),
                ),
            });
        }
        if body.get("pattern").is_some() || body.get("anyPattern").is_some() {
            return Some(self.patterns(ctx, body, scope, scope_pointer));
        }
        if let Some(Value::Array(list)) = body.get("foreach") {
            return self.foreach(ctx, list, nesting);
        }
        None
    }

    fn error_message(&self, ctx: &Value, path: &str, err: &str) -> String {
        if self.message.is_empty() {
            return if path.is_empty() {
                format!(
                    "validation error: rule {} execution error: {err}",
                    self.rule
                )
            } else {
                format!("validation error: rule {} failed at path {path}", self.rule)
            };
        }
        let mut msg = match substitute_str(ctx, self.message) {
            Ok(Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(_) => {
                return format!(
                "validation error: variables substitution error in rule {} execution error: {err}",
                self.rule
            )
            }
        };
        if !msg.ends_with('.') {
            msg.push('.');
        }
        if path.is_empty() {
            format!(
                "validation error: {msg} rule {} execution error: {err}",
                self.rule
            )
        } else {
            format!(
                "validation error: {msg} rule {} failed at path {path}",
                self.rule
            )
        }
    }

    #[allow(clippy::too_many_lines)]
    fn patterns(
        &self,
        ctx: &Value,
        body: &Value,
        scope: &Value,
        scope_pointer: &str,
    ) -> RuleResponse {
        let to_pointer = |path: &str| -> String {
            let trimmed = path.trim_end_matches('/');
            let cleaned: Vec<String> = trimmed
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    super::pattern::parse_anchor(s)
                        .map_or_else(|| s.to_string(), |(_, k)| k.to_string())
                })
                .map(|s| stockade_yaml::escape_pointer_token(&s).into_owned())
                .collect();
            if cleaned.is_empty() {
                scope_pointer.to_string()
            } else {
                format!("{scope_pointer}/{}", cleaned.join("/"))
            }
        };
        if let Some(p) = body.get("pattern") {
            let pattern = match substitute_references(p).and_then(|p| substitute_all(ctx, &p)) {
                Ok(p) => p,
                Err(e) => {
                    return RuleResponse::new(
                        Status::Error,
                        format!("variable substitution failed: {}", e.0),
                    )
                }
            };
            return match match_pattern(scope, &pattern) {
                Outcome::Pass => RuleResponse::new(
                    Status::Pass,
                    format!("validation rule '{}' passed.", self.rule),
                ),
                Outcome::Skip(m) => RuleResponse::new(Status::Skip, m),
                Outcome::Fail { path, message } => {
                    if path.is_empty() {
                        RuleResponse::new(Status::Error, self.error_message(ctx, "", &message))
                    } else {
                        let mut r = RuleResponse::new(
                            Status::Fail,
                            self.error_message(ctx, &path, &message),
                        );
                        r.pointer = Some(to_pointer(&path));
                        r
                    }
                }
            };
        }
        let Some(Value::Array(any)) = body.get("anyPattern") else {
            return RuleResponse::new(
                Status::Error,
                "failed to deserialize anyPattern, expected type array",
            );
        };
        let mut failed = Vec::new();
        let mut skipped = Vec::new();
        let mut first_pointer = None;
        for (i, p) in any.iter().enumerate() {
            let pattern = match substitute_references(p).and_then(|p| substitute_all(ctx, &p)) {
                Ok(p) => p,
                Err(e) => {
                    return RuleResponse::new(
                        Status::Error,
                        format!("variable substitution failed: {}", e.0),
                    )
                }
            };
            match match_pattern(scope, &pattern) {
                Outcome::Pass => {
                    return RuleResponse::new(
                        Status::Pass,
                        format!("validation rule '{}' anyPattern[{i}] passed.", self.rule),
                    )
                }
                Outcome::Skip(m) => skipped.push(format!("rule {}[{i}] skipped: {m}", self.rule)),
                Outcome::Fail { path, message } => {
                    if path.is_empty() {
                        failed.push(format!("rule {}[{i}] failed: {message}", self.rule));
                    } else {
                        first_pointer.get_or_insert_with(|| to_pointer(&path));
                        failed.push(format!("rule {}[{i}] failed at path {path}", self.rule));
                    }
                }
            }
        }
        if failed.is_empty() && !skipped.is_empty() {
            return RuleResponse::new(Status::Skip, skipped.join(" "));
        }
        if !failed.is_empty() {
            let errs = failed.join(" ");
            let text = if self.message.is_empty() {
                format!("validation error: {errs}")
            } else {
                match substitute_str(ctx, self.message) {
                    Ok(Value::String(m)) if m.ends_with('.') => format!("validation error: {m} {errs}"),
                    Ok(Value::String(m)) => format!("validation error: {m}. {errs}"),
                    _ => format!(
                        "validation error: variables substitution error in rule {} execution error: {errs}",
                        self.rule
                    ),
                }
            };
            let mut r = RuleResponse::new(Status::Fail, text);
            r.pointer = first_pointer.or_else(|| Some(scope_pointer.to_string()));
            return r;
        }
        RuleResponse::new(Status::Pass, self.message)
    }

    fn foreach(&self, ctx: &mut Value, list: &[Value], nesting: usize) -> Option<RuleResponse> {
        let mut applied = 0usize;
        let mut list_error = None;
        for fe in list {
            let expr = fe.get("list").and_then(Value::as_str).unwrap_or("");
            let elements = match substitute_str(ctx, expr).and_then(|e| match e {
                Value::String(s) => query(ctx, &s),
                other => Ok(other),
            }) {
                Ok(Value::Array(items)) => items,
                Ok(Value::Null) => Vec::new(),
                Ok(other) => {
                    list_error = Some(format!("expected an array from {expr}, got {other}"));
                    continue;
                }
                Err(e) => {
                    if !e.0.contains("Unknown key") {
                        list_error = Some(e.0);
                    }
                    continue;
                }
            };
            let base_pointer = list_pointer(expr);
            let element_scope = fe
                .get("elementScope")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            // What an element changes in the context: its own variables and the
            // entries of the foreach's context (saved and put back per element, so
            // that an element costs its own size, not the resource's).
            let element_keys = [
                "element".to_string(),
                "elementIndex".to_string(),
                format!("element{nesting}"),
                format!("elementIndex{nesting}"),
            ];
            let mut keys: Vec<String> = element_keys.to_vec();
            if let Some(Value::Array(entries)) = fe.get("context") {
                for entry in entries {
                    let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
                    keys.push(name.split('.').next().unwrap_or(name).to_string());
                }
            }
            let element_refs: Vec<&str> = element_keys.iter().map(String::as_str).collect();
            let mut whole: Option<Value> = None;
            for (index, element) in elements.iter().enumerate() {
                if element.is_null() {
                    continue;
                }
                let saved = vars::save(ctx, &keys);
                if let Value::Object(m) = ctx {
                    m.insert("element".to_string(), element.clone());
                    m.insert("elementIndex".to_string(), json!(index));
                    m.insert(format!("element{nesting}"), element.clone());
                    m.insert(format!("elementIndex{nesting}"), json!(index));
                }
                vars::touch_keys(ctx, &element_refs);
                let (scope, pointer) = if element.is_object() && element_scope {
                    (
                        element,
                        base_pointer
                            .as_ref()
                            .map_or_else(String::new, |p| format!("{p}/{index}")),
                    )
                } else {
                    let whole = whole.get_or_insert_with(|| {
                        ctx.pointer("/request/object")
                            .cloned()
                            .unwrap_or(Value::Null)
                    });
                    (&*whole, String::new())
                };
                let r = self.validate(
                    ctx,
                    fe.get("context"),
                    fe.get("preconditions"),
                    fe,
                    scope,
                    &pointer,
                    nesting + 1,
                );
                vars::restore(ctx, saved);
                let Some(r) = r else { continue };
                match r.status {
                    Status::Pass => applied += 1,
                    Status::Skip => {}
                    Status::Error if r.message.contains("failed to evaluate preconditions") => {}
                    _ => {
                        let mut out = RuleResponse::new(
                            r.status,
                            format!("validation failure: {}", r.message),
                        );
                        out.pointer = r.pointer;
                        return Some(out);
                    }
                }
            }
        }
        if applied == 0 {
            return list_error.map(|e| {
                RuleResponse::new(Status::Error, format!("failed to evaluate list: {e}"))
            });
        }
        Some(RuleResponse::new(Status::Pass, "rule passed"))
    }
}

/// The JSON pointer of a plain `request.object.a.b` list expression.
fn list_pointer(expr: &str) -> Option<String> {
    let rest = expr.trim().strip_prefix("request.object")?;
    if rest.is_empty() {
        return Some(String::new());
    }
    let rest = rest.strip_prefix('.')?;
    let mut out = String::new();
    for part in rest.split('.') {
        if part.is_empty() || !part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        out.push('/');
        out.push_str(part);
    }
    Some(out)
}
