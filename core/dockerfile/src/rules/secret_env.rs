//! DF0039 `secret-in-env-or-arg`: Secret in ENV or ARG.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `ENV` or `ARG` whose name looks like a secret (`PASSWORD`, `SECRET`, `TOKEN`,
    /// `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `CREDENTIALS`, …) and that is given a literal
    /// value, and any `ENV`/`ARG` value that looks like a credential (an AWS access key id, a
    /// GitHub token, a PEM private key). Names such as `PASSWORD_FILE` or `TOKEN_URL` are not
    /// secrets.
    ///
    /// ## Why is this bad?
    /// ENV values are stored in the image configuration and ARG values in its history: anyone
    /// who can pull the image can read them.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG DB_PASSWORD=hunter2
    /// ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=db_password \
    ///     DB_PASSWORD="$(cat /run/secrets/db_password)" ./migrate.sh
    /// ```
    ///
    /// ## References
    /// - <https://github.com/hadolint/hadolint/wiki/DL3064>
    /// - <https://avd.aquasec.com/misconfig/ds031>
    /// - <https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/>
    pub static META = {
        id: "DF0039",
        name: "secret-in-env-or-arg",
        pack: Pack::Dockerfile,
        aliases: &["DL3064", "DS-0031", "SecretsUsedInArgOrEnv"],
        severity: Severity::High,
        category: Category::Security,
        title: "Secret in ENV or ARG",
        remediation: "Pass secrets with `RUN --mount=type=secret` (build) or at runtime, never in ENV/ARG.",
    };
}

use crate::ast::{Args, Keyword};
use stockade_source::source::Span;

const SECRET_WORDS: &[&str] = &["password", "passwd", "pword", "secret", "token", "apikey", "credential", "credentials", "passphrase"];
const SECRET_PAIRS: &[(&str, &str)] = &[("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("auth", "key")];
const NOT_SECRET: &[&str] = &["file", "path", "dir", "url", "public", "length", "len", "type", "name", "id_file", "endpoint", "uri", "host"];

/// Whether a variable name looks like it holds a secret.
pub fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let tokens: Vec<&str> = lower.split(['_', '-', '.']).filter(|t| !t.is_empty()).collect();
    if tokens.iter().any(|t| NOT_SECRET.contains(t)) {
        return false;
    }
    tokens.iter().any(|t| SECRET_WORDS.contains(t))
        || tokens.windows(2).any(|w| matches!(w, [a, b] if SECRET_PAIRS.contains(&(*a, *b))))
}

/// What kind of credential a value looks like.
pub fn secret_value(v: &str) -> Option<&'static str> {
    let b = v.as_bytes();
    for i in 0..b.len() {
        let rest = v.get(i..).unwrap_or("");
        if (rest.starts_with("AKIA") || rest.starts_with("ASIA"))
            && rest.len() >= 20
            && rest.bytes().skip(4).take(16).all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Some("an AWS access key id");
        }
        if (rest.starts_with("ghp_") || rest.starts_with("gho_") || rest.starts_with("ghs_"))
            && rest.bytes().skip(4).take(36).filter(u8::is_ascii_alphanumeric).count() == 36
        {
            return Some("a GitHub token");
        }
        if rest.starts_with("github_pat_") {
            return Some("a GitHub token");
        }
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    None
}

/// A name, its span, and its literal value with the value's span.
type Pair = (String, Span, Option<(String, Span)>);

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions() {
        let mut pairs: Vec<Pair> = Vec::new();
        match (&ins.args, ins.keyword) {
            (Args::KeyValues(kvs), Keyword::Env) => {
                for kv in kvs {
                    let (k, _) = facts.expand_at(ins, &kv.key.value);
                    let literal = !kv.value.value.contains('$');
                    let value = literal.then(|| (facts.expand_at(ins, &kv.value.value).0, kv.value.span));
                    pairs.push((k, kv.key.span, value));
                }
            }
            (Args::Words(words), Keyword::Arg) => {
                for w in words {
                    let (name, default) = super::split_arg(&w.value);
                    let name_span = Span::new(w.span.start, (w.span.start + name.len() as u32).min(w.span.end));
                    let value = default.filter(|d| !d.contains('$')).map(|d| {
                        let (v, _) = facts.expand_at(ins, d);
                        (v, Span::new(name_span.end + 1, w.span.end))
                    });
                    pairs.push((name.to_string(), name_span, value));
                }
            }
            _ => continue,
        }
        for (name, name_span, value) in pairs {
            let Some((value, value_span)) = value else { continue };
            if value.is_empty() {
                continue;
            }
            if let Some(kind) = secret_value(&value) {
                let msg = format!("{} `{name}` holds {kind}", ins.keyword);
                out.report(&META, facts, ins, value_span, msg);
            } else if secret_name(&name) {
                let msg = format!("{} `{name}` looks like a secret and is given a literal value", ins.keyword);
                out.report(&META, facts, ins, name_span, msg);
            }
        }
    }
}
