//! K8S014: secrets must not be written as literal environment values.

use super::{Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags an `env` item with a literal, non-empty `value` when its name says it
    /// holds a secret, or when the value is a private key. A name is sensitive when
    /// one of its words (split at `_`, `-`, `.` and lower-to-upper case changes,
    /// compared case-insensitively) is `PASSWORD`, `PASSWD`, `PASSPHRASE`, `SECRET`,
    /// `TOKEN`, `CREDENTIAL(S)`, `APIKEY` or `PRIVATE`, or its last word is `KEY`
    /// (`API_KEY`, `AWS_SECRET_ACCESS_KEY`), unless its last word says it holds a
    /// reference rather than the secret (`FILE`, `PATH`, `DIR`, `NAME`, `REF`, `ID`,
    /// `URL`, `HEADER`, `TYPE`, `LENGTH`, `TTL`, …). A value that is only a
    /// `$(VAR)` reference is not a literal, and a file path (`TLS_KEY: /etc/tls/tls.key`)
    /// says where the secret is, not what it is. `valueFrom.secretKeyRef` is the fix, not
    /// a finding. The finding points at the value.
    ///
    /// ## Why is this bad?
    /// A literal secret is stored in plain text in the manifest, in version control,
    /// in the object in etcd (readable by everyone who can read the workload) and
    /// in every rendered copy; rotating it means redeploying.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     value: hunter2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef:
    ///         name: db
    ///         key: password
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables>
    /// - kube-linter `env-var-secret`, Polaris `sensitiveContainerEnvVar`
    pub static META = {
        id: "K8S014",
        name: "secret-in-env-value",
        pack: Pack::Kubernetes,
        aliases: &["env-var-secret", "sensitiveContainerEnvVar"],
        severity: Severity::High,
        category: Category::Security,
        title: "Secret as a literal environment value",
        remediation: "Read the value from a Secret (`valueFrom.secretKeyRef`) or mount the Secret as a file.",
    };
}

const SENSITIVE_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
    "PRIVATE",
];

/// Last words that name where a secret is, or something about it, not the secret.
const REFERENCE_WORDS: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "REF",
    "ID",
    "URL",
    "URI",
    "HEADER",
    "TYPE",
    "LENGTH",
    "TTL",
    "EXPIRY",
    "EXPIRATION",
    "ENABLED",
    "MODE",
    "VERSION",
    "FORMAT",
    "KEY_ID",
    "ALGORITHM",
];

/// The words of an environment variable name, upper-cased.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if matches!(ch, '_' | '-' | '.') {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        current.extend(ch.to_uppercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether an environment variable name says it holds a secret.
pub fn sensitive_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if REFERENCE_WORDS.contains(&last.as_str()) {
        return false;
    }
    last == "KEY" || words.iter().any(|w| SENSITIVE_WORDS.contains(&w.as_str()))
}

/// Whether a value is only a `$(VAR)` reference.
fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("$(") && v.ends_with(')') && v.matches("$(").count() == 1
}

/// Whether a value is a file path (`/etc/tls/tls.key`, `./certs/ca.pem`): the name
/// then says where the secret is, not what it is. A path here is written with
/// `[A-Za-z0-9._-]` components only and starts at `./`, `../`, `~/` or `/`; from `/`
/// it must also start at a usual root directory or end with a file extension, so
/// that a base64 secret that happens to start with `/` is still reported.
pub(crate) fn is_file_path(value: &str) -> bool {
    const ROOTS: &[&str] = &[
        "etc", "var", "run", "secrets", "tmp", "home", "opt", "usr", "mnt", "data", "config",
        "certs", "srv", "app", "vault", "root", "keys", "tls", "ssl",
    ];
    let v = value.trim();
    // `~`, `.` are not base64: only a value starting with `/` needs the extra test.
    let (rest, relative) = match ["./", "../", "~/"].iter().find_map(|p| v.strip_prefix(p)) {
        Some(rest) => (rest, true),
        None => match v.strip_prefix('/') {
            Some(rest) => (rest, false),
            None => return false,
        },
    };
    let components: Vec<&str> = rest.split('/').collect();
    let valid = components.iter().all(|c| {
        !c.is_empty()
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    });
    let root = components.first().is_some_and(|c| ROOTS.contains(c));
    let extension = components
        .last()
        .and_then(|c| c.rsplit_once('.'))
        .is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphabetic())
        });
    valid && (relative || root || extension)
}

/// Whether a value is a switch (`MYSQL_ALLOW_EMPTY_PASSWORD: "1"`,
/// `PASSWORD_AUTH: "true"`): a boolean word or a single digit, never a secret.
fn is_flag(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    matches!(
        v.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || (v.len() == 1 && v.chars().all(|c| c.is_ascii_digit()))
}

pub(crate) fn is_private_key(value: &str) -> bool {
    value.contains("-----BEGIN") && value.contains("PRIVATE KEY")
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for (c, x) in w.containers() {
        for env in &x.env {
            let value = env.value.value.as_str();
            if value.trim().is_empty()
                || is_reference(value)
                || is_file_path(value)
                || is_flag(value)
            {
                continue;
            }
            let why = if is_private_key(value) {
                "holds a private key"
            } else if sensitive_name(&env.name) {
                "looks like a secret"
            } else {
                continue;
            };
            out.push(Hit::new(
                &env.value.loc,
                format!(
                    "{} sets environment variable {} to a literal value that {why}; use valueFrom.secretKeyRef",
                    w.who(c),
                    env.name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_names() {
        for name in [
            "DB_PASSWORD",
            "password",
            "AWS_SECRET_ACCESS_KEY",
            "API_KEY",
            "apiKey",
            "GITHUB_TOKEN",
            "clientSecret",
            "PRIVATE_KEY",
            "SMTP_PASSWD",
        ] {
            assert!(sensitive_name(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "DB_PASSWORD_PATH",
            "TOKEN_URL",
            "SECRET_NAME",
            "MONKEY",
            "KEYBOARD_LAYOUT",
            "CACHE_KEY_PREFIX",
            "LOG_LEVEL",
            "TOKENIZER",
        ] {
            assert!(!sensitive_name(name), "{name}");
        }
    }

    #[test]
    fn references_are_not_literals() {
        assert!(is_reference("$(DB_PASSWORD)"));
        assert!(!is_reference("x$(A)y$(B)"));
    }
}
