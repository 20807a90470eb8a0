//! Whether a value looks like a secret (see [`crate::secrets`]).

use crate::hardening::secret_env::{is_file_path, is_private_key, sensitive_name};

/// Words that say a value is a digest or a hash of something, not a secret.
const DIGEST_WORDS: &[&str] = &[
    "checksum",
    "hash",
    "digest",
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "fingerprint",
    "md5",
];

/// Values that stand in for a secret to be filled in.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "replaceme",
    "replace-me",
    "replace_me",
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api-key",
    "api_key",
    "example",
    "placeholder",
    "redacted",
    "none",
    "null",
    "nil",
    "undefined",
    "todo",
    "tbd",
    "fixme",
    "dummy",
    "test",
    "default",
    "your-password",
    "yourpassword",
    "mypassword",
    "my-secret",
    "secretkey",
    "s3cr3t",
    "notasecret",
];

/// Whether a value stands in for a secret: empty, a template or variable
/// (`${X}`, `$(X)`, `{{ x }}`, `<x>`, `%(x)s`, `@X@`, `__X__`), a placeholder word,
/// one character repeated (`xxxx`, `****`), or `your-…`/`<…>`-shaped.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.contains("%(")
        || v.starts_with('$')
    {
        return true;
    }
    if (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('@') && v.ends_with('@') && v.len() > 2)
        || (v.starts_with("__") && v.ends_with("__"))
        || (v.starts_with('[') && v.ends_with(']'))
    {
        return true;
    }
    let mut chars = v.chars();
    if let Some(first) = chars.next() {
        if chars.all(|c| c == first) {
            return true;
        }
    }
    let words = lower.replace(['-', '_', ' ', '.'], "");
    PLACEHOLDERS.iter().any(|p| {
        lower == *p
            || p.chars()
                .filter(|c| !matches!(c, '-' | '_'))
                .eq(words.chars())
    }) || lower.starts_with("your")
        || lower.starts_with("replace")
        || lower.starts_with("change")
        || lower.starts_with("insert")
        || lower.contains("example")
        || lower.contains("placeholder")
        || lower.contains("redacted")
        || lower.contains("xxxx")
        || lower.contains("****")
        || lower.contains("...")
}

/// Prefixes of references to a secret store.
const PREFIXES: &[&str] = &[
    "vault:",
    "ref+",
    "arn:aws:",
    "projects/",
    "azurekeyvault",
    "keyvault:",
    "sm://",
    "gcp:secretmanager",
    "file:",
    "env:",
    "secret:",
    "secretref",
    "kms:",
    "enc[",
    "sops:",
    "op://",
    "akv:",
];

/// Whether a value refers to a secret kept elsewhere: a file path, a URL without
/// credentials, a Vault / cloud secret-manager / SOPS reference, a relative path
/// (`secret/data/app`).
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    if is_file_path(v) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    if let Some((scheme, rest)) = v.split_once("://") {
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return url_password(rest).is_none();
        }
    }
    // `secret/data/app`, `kv/prod/db`: path-like words, no spaces.
    let parts: Vec<&str> = v.split('/').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'))
        })
        && !v.contains("==")
}

/// The password of `user:password@host…` (what follows `scheme://`), when it is set
/// and not a placeholder.
fn url_password(rest: &str) -> Option<&str> {
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!is_placeholder(password)).then_some(password)
}

/// The known credential format a value contains, if any.
pub fn known_format(value: &str) -> Option<&'static str> {
    if is_private_key(value) {
        return Some("a private key");
    }
    if let Some(i) = value.find("://") {
        if value.get(i + 3..).and_then(url_password).is_some() {
            return Some("a URL with a password");
        }
    }
    for token in value.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))) {
        let what = token_format(token);
        if what.is_some() {
            return what;
        }
    }
    None
}

fn all(s: &str, f: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

fn token_format(t: &str) -> Option<&'static str> {
    let upper_digit = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if t.len() == 20
        && ["AKIA", "ASIA"].iter().any(|p| t.starts_with(p))
        && all(t, upper_digit)
        && t.chars().skip(4).any(|c| c.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    for p in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if let Some(rest) = t.strip_prefix(p) {
            if rest.len() >= 36 && all(rest, alnum) {
                return Some("a GitHub token");
            }
        }
    }
    if let Some(rest) = t.strip_prefix("github_pat_") {
        if rest.len() >= 40 {
            return Some("a GitHub token");
        }
    }
    if let Some(rest) = t.strip_prefix("glpat-") {
        if rest.len() >= 20 {
            return Some("a GitLab token");
        }
    }
    for p in ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"] {
        if t.starts_with(p) && t.len() >= 30 {
            return Some("a Slack token");
        }
    }
    for p in ["sk_live_", "rk_live_"] {
        if let Some(rest) = t.strip_prefix(p) {
            if rest.len() >= 16 && all(rest, alnum) {
                return Some("a Stripe live key");
            }
        }
    }
    if let Some(rest) = t.strip_prefix("AIza") {
        if rest.len() == 35 {
            return Some("a Google API key");
        }
    }
    None
}

/// Whether the key names a digest or hash (`checksum/config`, `configHash`).
fn names_digest(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    DIGEST_WORDS.iter().any(|w| {
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| part == *w || part.ends_with(w) || part.starts_with(w))
    })
}

/// Whether a key (a `ConfigMap` key, an annotation's name after its `/`, a
/// configuration line's key) says its value is a secret.
pub fn secret_key(key: &str) -> bool {
    // The name part of a qualified key (`vault.example.com/agent-token`).
    let name = key.rsplit('/').next().unwrap_or(key);
    // `key` alone names a map key or a label key in configuration files
    // (`- key: service.name`), not a credential.
    !names_digest(key) && !name.eq_ignore_ascii_case("key") && sensitive_name(name)
}

/// Why a value under `key` looks like a secret (`None` when it does not).
pub fn secret_value(key: &str, value: &str) -> Option<String> {
    if is_placeholder(value) {
        return None;
    }
    if let Some(what) = known_format(value) {
        return Some(format!("holds {what}"));
    }
    let v = value.trim().trim_matches(['"', '\'']);
    if !secret_key(key) || v.contains('\n') || is_placeholder(v) || is_reference(v) {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "enabled" | "disabled"
    ) || (v.len() < 6 && v.chars().all(|c| c.is_ascii_digit()))
        || v.len() < 4
        || v.contains(char::is_whitespace)
        || looks_like_code(v)
        || (character_classes(v) < 2 && v.len() < 16)
    {
        return None;
    }
    Some("looks like a secret".to_string())
}

/// How many of lower-case, upper-case, digits and other symbols (`_`, `.`, `-`
/// not counted: they join words) a value mixes. A single class under 16
/// characters (`files`, `hf_token`, `service.name`) is a word, not a secret.
fn character_classes(v: &str) -> usize {
    let has = |f: fn(char) -> bool| usize::from(v.chars().any(f));
    has(|c| c.is_ascii_lowercase())
        + has(|c| c.is_ascii_uppercase())
        + has(|c| c.is_ascii_digit())
        + has(|c| !c.is_ascii_alphanumeric() && !matches!(c, '_' | '.' | '-'))
}

/// Whether a value is an expression of the file's language, not a literal:
/// `os.environ["TOKEN"]`, `getenv('KEY')`, `config.token`.
fn looks_like_code(v: &str) -> bool {
    v.contains('(') || v.contains('[') || v.contains('{')
}

/// The secret-looking `key = value` lines of a multi-line value (a configuration
/// file): `(line index, key, why)`.
pub fn secret_lines(value: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, line) in value.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with("//") || line.starts_with(';') {
            continue;
        }
        let split = line
            .split_once('=')
            .filter(|(k, _)| !k.contains(':') && !k.trim().contains(' '))
            .or_else(|| line.split_once(": "))
            .or_else(|| line.strip_suffix(':').map(|k| (k, "")));
        let Some((key, rest)) = split else {
            if let Some(what) = known_format(line) {
                out.push((i, String::new(), format!("holds {what}")));
            }
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'', '-', ' ']);
        let rest = rest.trim().trim_end_matches([',', ';']);
        if let Some(why) = secret_value(key, rest) {
            out.push((i, key.to_string(), why));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_not() {
        assert!(secret_value("DB_PASSWORD", "hunter2xyz").is_some());
        assert!(secret_value("api-key", "9f8e7d6c5b4a").is_some());
        assert!(
            secret_value("config", "AKIAIOSFODNN7EXAMPLE").is_none(),
            "AWS's documented example"
        );
        assert!(secret_value("config", "id AKIAJ3Q7ZW2LMN4PQRST here").is_some());
        for (k, v) in [
            ("DB_PASSWORD", ""),
            ("DB_PASSWORD", "${DB_PASSWORD}"),
            ("DB_PASSWORD", "<password>"),
            ("DB_PASSWORD", "changeme"),
            ("DB_PASSWORD", "/etc/secrets/db"),
            ("TOKEN_URL", "https://auth.example.com/token"),
            ("checksum/secret", "0123456789abcdef0123456789abcdef"),
            (
                "vault.hashicorp.com/agent-inject-secret-db",
                "secret/data/db",
            ),
            ("password", "xxxxxx"),
            ("token_enabled", "true"),
        ] {
            assert!(secret_value(k, v).is_none(), "{k}={v}");
        }
        assert_eq!(
            secret_value("url", "postgres://app:s3cretpw1@db:5432/app").as_deref(),
            Some("holds a URL with a password")
        );
        assert!(secret_value("url", "postgres://app:${PW}@db/app").is_none());
    }

    #[test]
    fn lines_of_a_file() {
        let file = "# db\nhost = db\npassword = Zx8!qLp2\nuser: app\napi_key: ${KEY}\npasswd: files\n- key: service.name\ntoken=os.environ[\"HF_TOKEN\"]\n";
        let found = secret_lines(file);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "password");
    }
}
