//! K8S045: a secret-looking value in a `ConfigMap`.

use super::detect::{secret_lines, secret_value};
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags each key of a ConfigMap's `data` whose value looks like a secret: a
    /// known credential format (private key, cloud or forge token, URL with a
    /// password), or a key named like a secret (`password`, `api-key`,
    /// `clientSecret`) holding a literal that is not a placeholder, a reference or a
    /// file path. In a multi-line value (a configuration file), each `key = value`
    /// or `key: value` line is read the same way. The finding points at the
    /// value and names the key (and the line's key), never the value.
    ///
    /// ## Why is this bad?
    /// ConfigMaps are not meant for secrets: they are readable by every role that
    /// may read configuration (often everyone in the namespace), are printed by
    /// `kubectl describe`, are not encrypted at rest by the usual `EncryptionConfiguration`,
    /// and their manifests are committed and shared. A credential in one is a
    /// credential in the repository.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: app
    /// data:
    ///   DB_HOST: db
    ///   DB_PASSWORD: Zx8!qLp2rT
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: app
    /// data:
    ///   DB_HOST: db
    ///   DB_PASSWORD_FILE: /var/run/secrets/db/password
    /// ```
    /// with the password in a Secret (created outside the repository, or through
    /// an external-secrets or sealed-secrets controller) mounted at that path.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/configmap/>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    /// - Trivy KSV-0109 (ConfigMap with secrets), KSV-01010 (ConfigMap with sensitive content)
    pub static META = {
        id: "K8S045",
        name: "secret-in-configmap",
        pack: Pack::Kubernetes,
        aliases: &["KSV-0109", "KSV-01010"],
        severity: Severity::High,
        category: Category::Security,
        title: "Secret-looking value in a ConfigMap",
        remediation: "Move the value into a Secret kept out of the repository and reference it from the pod.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[("", "ConfigMap")],
};

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    let Some(data) = s
        .object
        .root
        .get("data")
        .and_then(stockade_yaml::Node::as_map)
    else {
        return;
    };
    let name = s.object.display_name();
    let data_ptr = child(&s.object.pointer, "data");
    for (k, v) in data {
        let (Some(key), Some(value)) = (k.key_string(), v.as_str()) else {
            continue;
        };
        let loc = Loc::new(v.span, child(&data_ptr, &key));
        if !value.trim().contains('\n') {
            if let Some(why) = secret_value(&key, value) {
                out.push(Hit::new(
                    &loc,
                    format!("{name} key `{key}` {why}; keep it in a Secret"),
                ));
            }
            continue;
        }
        for (line, inner, why) in secret_lines(value) {
            let what = if inner.is_empty() {
                format!("line {}", line + 1)
            } else {
                format!("`{inner}` (line {})", line + 1)
            };
            out.push(Hit::new(
                &loc,
                format!("{name} key `{key}`: {what} {why}; keep it in a Secret"),
            ));
        }
    }
}
