//! K8S046: a secret-looking value in an annotation.

use super::detect::secret_value;
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags an annotation of any object (its own `metadata.annotations`, and the
    /// pod template's of a workload) whose value looks like a secret: a known
    /// credential format, or a name that says secret (`…/api-token`,
    /// `…/password`) with a literal value that is not a placeholder, a reference
    /// (a Secret's name, a Vault path, a file path, a URL without credentials) or a
    /// digest (`checksum/secret` is a hash). The finding points at the value and
    /// names the annotation, never the value. `kubectl.kubernetes.io/last-applied-configuration`
    /// is not read (it repeats the object).
    ///
    /// ## Why is this bad?
    /// Annotations are metadata: every role that may list the object reads them,
    /// controllers copy them, and they end up in logs, events and dashboards.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     monitoring.example.com/api-token: 7d1f0c9a2b3e4f5a
    /// spec:
    ///   ports:
    ///     - port: 80
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     monitoring.example.com/api-token-secret: monitoring-token
    /// spec:
    ///   ports:
    ///     - port: 80
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    pub static META = {
        id: "K8S046",
        name: "secret-in-annotation",
        pack: Pack::Kubernetes,
        aliases: &[],
        severity: Severity::High,
        category: Category::Security,
        title: "Secret-looking value in an annotation",
        remediation: "Keep the value in a Secret and let the annotation name the Secret.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[],
};

const SKIPPED: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

fn annotations(node: &stockade_yaml::Node, pointer: &str, s: &Scanned<'_>, out: &mut Vec<Hit>) {
    let Some(map) = node
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(stockade_yaml::Node::as_map)
    else {
        return;
    };
    let ptr = child(&child(pointer, "metadata"), "annotations");
    for (k, v) in map {
        let (Some(key), Some(value)) = (k.key_string(), v.as_str()) else {
            continue;
        };
        if SKIPPED.contains(&key.as_str()) || value.contains('\n') {
            continue;
        }
        // A Secret's name or another object's name is a reference, not a secret.
        let dns_name = value.len() <= 253
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'));
        if dns_name && !value.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if let Some(why) = secret_value(&key, value) {
            out.push(Hit::new(
                &Loc::new(v.span, child(&ptr, &key)),
                format!(
                    "{} annotation `{key}` {why}; keep it in a Secret",
                    s.object.display_name()
                ),
            ));
        }
    }
}

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    annotations(s.object.root, &s.object.pointer, s, out);
    if let Some(path) = s.object.pod_path() {
        let mut node = s.object.root;
        let mut pointer = s.object.pointer.clone();
        for key in path {
            let Some(next) = node.get(key) else { return };
            node = next;
            pointer = child(&pointer, key);
        }
        if !path.is_empty() {
            annotations(node, &pointer, s, out);
        }
    }
}
