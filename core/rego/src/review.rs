//! The `input.review` a template sees: an `AdmissionRequest`, as Gatekeeper's
//! target builds it and Go's JSON encoding prints it.
//!
//! For a plain object (a scanned manifest, an audit, a `gator` case) the request
//! has `uid: ""`, `kind {group, version, kind}`, an empty `resource`,
//! `operation: ""`, `userInfo: {}`, `object`, `oldObject: null`, `options: null`,
//! `name` and `namespace` when set. An `AdmissionReview` document is unwrapped to
//! its `request`, normalised to the same shape; on `DELETE`, `object` is the
//! `oldObject`. `namespaceObject` is the object's Namespace when known, else `null`.

use serde_json::{json, Map, Value as Json};

use super::matching::group_kind;

/// A review and what matching needs from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// The `input.review` document.
    pub review: Json,
    /// The namespace the request is in (`""` when none).
    pub namespace: String,
}

impl Review {
    pub fn object(&self) -> Option<&Json> {
        self.review.get("object").filter(|o| !o.is_null())
    }

    pub fn old_object(&self) -> Option<&Json> {
        self.review.get("oldObject").filter(|o| !o.is_null())
    }

    /// Set `namespaceObject`.
    pub fn set_namespace_object(&mut self, ns: Option<&Json>) {
        if let Some(map) = self.review.as_object_mut() {
            map.insert("namespaceObject".into(), ns.cloned().unwrap_or(Json::Null));
        }
    }
}

fn gvk(obj: &Json) -> Json {
    let api_version = obj.get("apiVersion").and_then(Json::as_str).unwrap_or("");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    json!({"group": group, "version": version, "kind": obj.get("kind").and_then(Json::as_str).unwrap_or("")})
}

/// Whether a document is an `AdmissionReview` (group `admission.k8s.io`).
pub fn is_admission_review(obj: &Json) -> bool {
    group_kind(obj) == ("admission.k8s.io", "AdmissionReview")
}

/// The review of a plain object.
pub fn from_object(obj: &Json) -> Review {
    let mut map = Map::new();
    map.insert("uid".into(), json!(""));
    map.insert("kind".into(), gvk(obj));
    map.insert(
        "resource".into(),
        json!({"group": "", "version": "", "resource": ""}),
    );
    let name = obj
        .pointer("/metadata/name")
        .and_then(Json::as_str)
        .unwrap_or("");
    let namespace = obj
        .pointer("/metadata/namespace")
        .and_then(Json::as_str)
        .unwrap_or("");
    if !name.is_empty() {
        map.insert("name".into(), json!(name));
    }
    if !namespace.is_empty() {
        map.insert("namespace".into(), json!(namespace));
    }
    map.insert("operation".into(), json!(""));
    map.insert("userInfo".into(), json!({}));
    map.insert("object".into(), obj.clone());
    map.insert("oldObject".into(), Json::Null);
    map.insert("options".into(), Json::Null);
    map.insert("namespaceObject".into(), Json::Null);
    Review {
        review: Json::Object(map),
        namespace: namespace.to_string(),
    }
}

const REQUEST_FIELDS: &[&str] = &[
    "uid",
    "kind",
    "resource",
    "subResource",
    "requestKind",
    "requestResource",
    "requestSubResource",
    "name",
    "namespace",
    "operation",
    "userInfo",
    "object",
    "oldObject",
    "dryRun",
    "options",
];

/// The review of an `AdmissionReview` document's request.
pub fn from_admission_review(doc: &Json) -> Result<Review, String> {
    let Some(req) = doc.get("request").filter(|r| !r.is_null()) else {
        return Err("the AdmissionReview has no request".into());
    };
    let Some(req) = req.as_object() else {
        return Err("the AdmissionReview's request is not an object".into());
    };
    if let Some(unknown) = req.keys().find(|k| !REQUEST_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unable to convert to an AdmissionReview object: unknown field `request.{unknown}`"
        ));
    }
    let get_str = |k: &str| req.get(k).and_then(Json::as_str).unwrap_or("").to_string();
    let object = req.get("object").cloned().unwrap_or(Json::Null);
    let old_object = req.get("oldObject").cloned().unwrap_or(Json::Null);
    if object.is_null() && old_object.is_null() {
        return Err(
            "AdmissionRequest does not contain an \"object\" or \"oldObject\" to review".into(),
        );
    }
    let triple = |k: &str, fields: [&str; 3]| {
        let v = req.get(k);
        let mut m = Map::new();
        for f in fields {
            m.insert(
                f.into(),
                json!(v
                    .and_then(|v| v.get(f))
                    .and_then(Json::as_str)
                    .unwrap_or("")),
            );
        }
        Json::Object(m)
    };
    let mut map = Map::new();
    map.insert("uid".into(), json!(get_str("uid")));
    map.insert("kind".into(), triple("kind", ["group", "version", "kind"]));
    map.insert(
        "resource".into(),
        triple("resource", ["group", "version", "resource"]),
    );
    for k in ["subResource", "requestSubResource", "name", "namespace"] {
        let v = get_str(k);
        if !v.is_empty() {
            map.insert(k.into(), json!(v));
        }
    }
    if req.get("requestKind").is_some_and(|v| !v.is_null()) {
        map.insert(
            "requestKind".into(),
            triple("requestKind", ["group", "version", "kind"]),
        );
    }
    if req.get("requestResource").is_some_and(|v| !v.is_null()) {
        map.insert(
            "requestResource".into(),
            triple("requestResource", ["group", "version", "resource"]),
        );
    }
    let operation = get_str("operation");
    map.insert("operation".into(), json!(operation));
    let mut user = Map::new();
    if let Some(u) = req.get("userInfo").and_then(Json::as_object) {
        for (k, v) in u {
            let empty = v.is_null()
                || v.as_str() == Some("")
                || v.as_array().is_some_and(Vec::is_empty)
                || v.as_object().is_some_and(Map::is_empty);
            if !empty {
                user.insert(k.clone(), v.clone());
            }
        }
    }
    map.insert("userInfo".into(), Json::Object(user));
    let object = if operation == "DELETE" {
        if old_object.is_null() {
            return Err("oldObject cannot be nil for DELETE operations".into());
        }
        old_object.clone()
    } else {
        object
    };
    map.insert("object".into(), object);
    map.insert("oldObject".into(), old_object);
    if let Some(d) = req.get("dryRun").filter(|d| !d.is_null()) {
        map.insert("dryRun".into(), d.clone());
    }
    map.insert(
        "options".into(),
        req.get("options").cloned().unwrap_or(Json::Null),
    );
    map.insert("namespaceObject".into(), Json::Null);
    Ok(Review {
        namespace: get_str("namespace"),
        review: Json::Object(map),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_object_review_shape() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns"}});
        let r = from_object(&pod);
        assert_eq!(
            r.review["kind"],
            json!({"group": "", "version": "v1", "kind": "Pod"})
        );
        assert_eq!(r.review["operation"], json!(""));
        assert_eq!(r.review["userInfo"], json!({}));
        assert_eq!(r.review["oldObject"], Json::Null);
        assert_eq!(r.review["namespace"], json!("ns"));
        let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        let r = from_object(&dep);
        assert_eq!(r.review["kind"]["group"], json!("apps"));
        assert!(r.review.get("namespace").is_none());
    }

    #[test]
    fn admission_review_delete_uses_old_object() {
        let doc = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"operation": "DELETE", "oldObject": {"kind": "Pod"}, "userInfo": {"username": "u"}}});
        assert!(is_admission_review(&doc));
        let r = from_admission_review(&doc).unwrap();
        assert_eq!(r.review["object"], json!({"kind": "Pod"}));
        assert_eq!(r.review["userInfo"], json!({"username": "u"}));
        let bad = json!({"request": {"bogus": 1, "object": {}}});
        assert!(from_admission_review(&bad).is_err());
    }
}
