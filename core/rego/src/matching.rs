//! A constraint's `spec.match`, evaluated as Gatekeeper's matcher does
//! (`pkg/mutation/match`): every criterion must hold; each is checked against
//! the review's `object` and, failing that, its `oldObject`.
//!
//! - `kinds`: any entry whose `kinds` (empty or `*` = all) holds the object's kind
//!   and whose `apiGroups` (empty or `*` = all) holds its group.
//! - `scope`: `Cluster` (Namespaces and objects without a namespace), `Namespaced`,
//!   `*` (default).
//! - `namespaces` / `excludedNamespaces`: wildcards (`kube-*`, `*-system`, `*x*`)
//!   against the object's namespace (a Namespace's own name); objects without a
//!   namespace always pass.
//! - `labelSelector` on the object's labels; `namespaceSelector` on its
//!   Namespace's labels (a Namespace's own labels). A namespaced object whose
//!   Namespace is unknown cannot be matched: an error, which makes the constraint
//!   auto-reject the object (one violation saying so), as Gatekeeper does.
//! - `name`: a wildcard against `metadata.name`, or (prefix form only) against
//!   `metadata.generateName`.
//! - `source`: `All` (default), `Original`, `Generated`; scanned objects are `Original`.

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// `matchLabels` + `matchExpressions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub labels: BTreeMap<String, String>,
    pub expressions: Vec<(String, String, Vec<String>)>,
}

impl LabelSelector {
    fn from_json(v: &Json) -> Result<LabelSelector, String> {
        let mut s = LabelSelector::default();
        if let Some(m) = v.get("matchLabels").and_then(Json::as_object) {
            for (k, val) in m {
                let Some(val) = val.as_str() else {
                    return Err(format!("matchLabels value of `{k}` must be a string"));
                };
                s.labels.insert(k.clone(), val.to_string());
            }
        }
        for e in v
            .get("matchExpressions")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let key = e
                .get("key")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string();
            let op = e
                .get("operator")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string();
            let values: Vec<String> = e
                .get("values")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            match op.as_str() {
                "In" | "NotIn" if values.is_empty() => {
                    return Err(format!(
                        "matchExpressions `{key}`: values must be non-empty for operator {op}"
                    ))
                }
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(format!(
                        "matchExpressions `{key}`: values must be empty for operator {op}"
                    ))
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                other => {
                    return Err(format!(
                        "matchExpressions `{key}`: invalid operator `{other}`"
                    ))
                }
            }
            s.expressions.push((key, op, values));
        }
        Ok(s)
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|(k, op, values)| {
                let got = labels.get(k);
                match op.as_str() {
                    "In" => got.is_some_and(|g| values.contains(g)),
                    "NotIn" => got.is_none_or(|g| !values.contains(g)),
                    "Exists" => got.is_some(),
                    _ => got.is_none(),
                }
            })
    }
}

/// A constraint's `spec.match`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    pub kinds: Vec<(Vec<String>, Vec<String>)>,
    pub scope: Option<String>,
    pub namespaces: Vec<String>,
    pub excluded_namespaces: Vec<String>,
    pub label_selector: Option<LabelSelector>,
    pub namespace_selector: Option<LabelSelector>,
    pub name: Option<String>,
    pub source: Option<String>,
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Gatekeeper's wildcard: `*` at the start, the end or both.
pub fn wildcard_matches(pattern: &str, candidate: &str) -> bool {
    let (pre, suf) = (
        pattern.starts_with('*'),
        pattern.ends_with('*') && pattern.len() > 1,
    );
    match (pre, suf) {
        (true, true) => candidate.contains(pattern.trim_start_matches('*').trim_end_matches('*')),
        (true, false) if pattern == "*" => true,
        (true, false) => candidate.ends_with(pattern.trim_start_matches('*')),
        (false, true) => candidate.starts_with(pattern.trim_end_matches('*')),
        (false, false) => pattern == candidate,
    }
}

fn wildcard_matches_generate_name(pattern: &str, candidate: &str) -> bool {
    if pattern.starts_with('*') && pattern.ends_with('*') && pattern.len() > 1 {
        candidate.contains(pattern.trim_start_matches('*').trim_end_matches('*'))
    } else if pattern.ends_with('*') {
        candidate.starts_with(pattern.trim_end_matches('*'))
    } else {
        false
    }
}

/// What a match is evaluated against.
pub struct Target<'a> {
    pub object: &'a Json,
    /// The object's Namespace object, when known.
    pub namespace: Option<&'a Json>,
    /// `Original` or `Generated`.
    pub source: &'a str,
}

pub fn labels_of(obj: &Json) -> BTreeMap<String, String> {
    obj.pointer("/metadata/labels")
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn str_at<'a>(obj: &'a Json, pointer: &str) -> &'a str {
    obj.pointer(pointer).and_then(Json::as_str).unwrap_or("")
}

/// `(group, kind)` of an object.
pub fn group_kind(obj: &Json) -> (&str, &str) {
    let api_version = str_at(obj, "/apiVersion");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    (group, str_at(obj, "/kind"))
}

fn is_namespace(obj: &Json) -> bool {
    group_kind(obj) == ("", "Namespace")
}

impl Match {
    pub fn from_json(v: &Json) -> Result<Match, String> {
        let mut m = Match::default();
        for k in v
            .get("kinds")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            m.kinds
                .push((strings(k.get("apiGroups")), strings(k.get("kinds"))));
        }
        m.scope = v.get("scope").and_then(Json::as_str).map(str::to_string);
        m.namespaces = strings(v.get("namespaces"));
        m.excluded_namespaces = strings(v.get("excludedNamespaces"));
        if let Some(s) = v.get("labelSelector").filter(|s| !s.is_null()) {
            m.label_selector =
                Some(LabelSelector::from_json(s).map_err(|e| format!("labelSelector: {e}"))?);
        }
        if let Some(s) = v.get("namespaceSelector").filter(|s| !s.is_null()) {
            m.namespace_selector =
                Some(LabelSelector::from_json(s).map_err(|e| format!("namespaceSelector: {e}"))?);
        }
        m.name = v
            .get("name")
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        m.source = v
            .get("source")
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(m)
    }

    /// Whether the constraint applies to one object; `Err` when it cannot be
    /// decided (Gatekeeper then auto-rejects).
    pub fn matches(&self, t: &Target<'_>) -> Result<bool, String> {
        let obj = t.object;
        let (group, kind) = group_kind(obj);
        let obj_ns = str_at(obj, "/metadata/namespace");
        let is_ns = is_namespace(obj);
        // kinds
        if !self.kinds.is_empty()
            && !self.kinds.iter().any(|(groups, kinds)| {
                (kinds.is_empty() || kinds.iter().any(|k| k == "*" || k == kind))
                    && (groups.is_empty() || groups.iter().any(|g| g == "*" || g == group))
            })
        {
            return Ok(false);
        }
        // scope
        let has_ns = !obj_ns.is_empty() || t.namespace.is_some();
        match self.scope.as_deref() {
            Some("Cluster") if !is_ns && has_ns => return Ok(false),
            Some("Namespaced") if is_ns || !has_ns => return Ok(false),
            _ => {}
        }
        // namespaces / excludedNamespaces
        let ns_name = if is_ns {
            Some(str_at(obj, "/metadata/name"))
        } else if let Some(ns) = t.namespace {
            Some(str_at(ns, "/metadata/name"))
        } else if !obj_ns.is_empty() {
            Some(obj_ns)
        } else {
            None
        };
        if let Some(ns) = ns_name {
            if !self.namespaces.is_empty()
                && !self.namespaces.iter().any(|p| wildcard_matches(p, ns))
            {
                return Ok(false);
            }
            if self
                .excluded_namespaces
                .iter()
                .any(|p| wildcard_matches(p, ns))
            {
                return Ok(false);
            }
        }
        // labelSelector
        if let Some(sel) = &self.label_selector {
            if !sel.matches(&labels_of(obj)) {
                return Ok(false);
            }
        }
        // namespaceSelector
        if let Some(sel) = &self.namespace_selector {
            if is_ns {
                if !sel.matches(&labels_of(obj)) {
                    return Ok(false);
                }
            } else if let Some(ns) = t.namespace {
                if !sel.matches(&labels_of(ns)) {
                    return Ok(false);
                }
            } else if !obj_ns.is_empty() {
                return Err(format!(
                    "namespace selector for namespace-scoped object but missing Namespace `{obj_ns}`"
                ));
            }
        }
        // name
        if let Some(pattern) = &self.name {
            let name = str_at(obj, "/metadata/name");
            let generate = str_at(obj, "/metadata/generateName");
            if !(wildcard_matches(pattern, name)
                || wildcard_matches_generate_name(pattern, generate))
            {
                return Ok(false);
            }
        }
        // source
        let source = self.source.as_deref().unwrap_or("All");
        if !matches!(source, "All" | "Original" | "Generated") {
            return Err(format!("invalid source field `{source}`"));
        }
        if source != "All" && source != t.source {
            return Ok(false);
        }
        Ok(true)
    }

    /// Match against `object`, else `oldObject`, as Gatekeeper does.
    pub fn matches_review(
        &self,
        object: Option<&Json>,
        old_object: Option<&Json>,
        namespace: Option<&Json>,
        source: &str,
    ) -> Result<bool, String> {
        let mut any = false;
        for obj in [object, old_object].into_iter().flatten() {
            if obj.is_null() {
                continue;
            }
            any = true;
            if self.matches(&Target {
                object: obj,
                namespace,
                source,
            })? {
                return Ok(true);
            }
        }
        if any {
            Ok(false)
        } else {
            Err("neither object nor old object are defined".to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wildcards() {
        assert!(wildcard_matches("kube-*", "kube-system"));
        assert!(wildcard_matches("*-system", "kube-system"));
        assert!(wildcard_matches("*ube*", "kube-system"));
        assert!(!wildcard_matches("kube", "kube-system"));
        assert!(wildcard_matches_generate_name("web-*", "web-"));
        assert!(!wildcard_matches_generate_name("*-x", "a-x"));
    }

    #[test]
    fn match_criteria() {
        let m = Match::from_json(&json!({
            "kinds": [{"apiGroups": [""], "kinds": ["Pod"]}],
            "excludedNamespaces": ["kube-*"],
            "labelSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}
        }))
        .unwrap();
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "default", "labels": {"app": "x"}}});
        let t = |o| Target {
            object: o,
            namespace: None,
            source: "Original",
        };
        assert_eq!(m.matches(&t(&pod)), Ok(true));
        let sys = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "kube-system", "labels": {"app": "x"}}});
        assert_eq!(m.matches(&t(&sys)), Ok(false));
        let dep = json!({"apiVersion": "apps/v1", "kind": "Pod", "metadata": {"name": "a"}});
        assert_eq!(m.matches(&t(&dep)), Ok(false));
        let ns_sel =
            Match::from_json(&json!({"namespaceSelector": {"matchLabels": {"a": "b"}}})).unwrap();
        assert!(ns_sel.matches(&t(&pod)).is_err());
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default", "labels": {"a": "b"}}});
        assert_eq!(
            ns_sel.matches(&Target {
                object: &pod,
                namespace: Some(&ns),
                source: "Original"
            }),
            Ok(true)
        );
    }
}
