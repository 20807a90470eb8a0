//! K8S047: a Secret with literal data in the repository.

use super::detect::is_placeholder;
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a Secret whose `data` or `stringData` holds values that are not
    /// empty and not placeholders (`<password>`, `${TOKEN}`, `changeme`). The
    /// finding points at the `data` (or `stringData`) key and names the keys, never
    /// the values. A `data` value is base64: `cGFzc3dvcmQ=` is as readable as
    /// `password`. This is information: a Secret in a repository may be a test
    /// fixture or a public default, but it should be a decision.
    ///
    /// ## Why is this bad?
    /// A Secret committed to a repository is readable by everyone who can read the
    /// repository, forever (history keeps it after it is removed), and is no longer
    /// secret however the cluster protects it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   password: Zx8!qLp2rT
    /// ```
    ///
    /// ## Use instead
    /// A `SealedSecret`, an `ExternalSecret`, a SOPS-encrypted file, or a Secret
    /// created by the deployment pipeline from a secret store, with the manifest
    /// in the repository holding no value:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   password: ""
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/>
    pub static META = {
        id: "K8S047",
        name: "secret-with-literal-data",
        pack: Pack::Kubernetes,
        aliases: &[],
        severity: Severity::Info,
        category: Category::Security,
        title: "Secret with literal data committed",
        remediation: "Keep the value out of the repository (SealedSecret, ExternalSecret, SOPS, or a Secret created by the pipeline).",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[("", "Secret")],
};

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    for field in ["data", "stringData"] {
        let Some((k, v)) = s.object.root.get_entry(field) else {
            continue;
        };
        let Some(map) = v.as_map() else { continue };
        let keys: Vec<String> = map
            .iter()
            .filter(|(_, value)| value.as_str().is_some_and(|text| !is_placeholder(text)))
            .filter_map(|(key, _)| key.key_string())
            .map(|key| format!("`{key}`"))
            .collect();
        if keys.is_empty() {
            continue;
        }
        out.push(Hit::new(
            &Loc::new(k.span, child(&s.object.pointer, field)),
            format!(
                "{} has literal {field} for {} in the repository",
                s.object.display_name(),
                keys.join(", ")
            ),
        ));
    }
}
