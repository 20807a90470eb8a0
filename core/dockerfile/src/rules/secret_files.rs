//! DF0040 `secret-file-copied`: Secret file copied into the image.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `COPY`/`ADD` from the build context whose source is a well-known credential
    /// file: SSH private keys (`id_rsa`, `id_ed25519`, …), `.env`, `*.pem`, `*.key`, `*.p12`,
    /// `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.dockercfg`, Docker and kube
    /// configs, AWS credentials.
    ///
    /// ## Why is this bad?
    /// Everything copied into a layer stays in the image, even if a later instruction deletes
    /// it: anyone who can pull the image has the credential.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /root/.npmrc
    /// COPY id_rsa /root/.ssh/id_rsa
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## References
    /// - <https://avd.aquasec.com/misconfig/ds031>
    /// - <https://docs.docker.com/build/building/secrets/>
    pub static META = {
        id: "DF0040",
        name: "secret-file-copied",
        pack: Pack::Dockerfile,
        aliases: &[],
        severity: Severity::High,
        category: Category::Security,
        title: "Secret file copied into the image",
        remediation: "Do not copy credentials into the image: use `RUN --mount=type=secret` or mount them at runtime, and list them in `.dockerignore`.",
    };
}

use crate::ast::Keyword;

/// Why a path names a credential file, if it does.
pub fn secret_file(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    let lower = p.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    let harmless = [".example", ".sample", ".template", ".dist", ".pub"];
    if harmless.iter().any(|h| base.ends_with(h)) {
        return None;
    }
    match base {
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            return Some("an SSH private key");
        }
        ".env" => return Some("an environment file"),
        ".npmrc" | ".pypirc" | ".netrc" | "_netrc" | ".git-credentials" | ".dockercfg" | ".yarnrc.yml" => {
            return Some("a credentials file");
        }
        "kubeconfig" => return Some("a kube config"),
        _ => {}
    }
    if base.starts_with(".env.") {
        return Some("an environment file");
    }
    if lower.ends_with(".kube/config") {
        return Some("a kube config");
    }
    if lower.ends_with(".docker/config.json") {
        return Some("a Docker credentials file");
    }
    if lower.ends_with(".aws/credentials") {
        return Some("AWS credentials");
    }
    if [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore"].iter().any(|e| base.ends_with(e)) {
        return Some("a key or certificate store");
    }
    None
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts
        .instructions()
        .filter(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add))
    {
        if ins.flag("from").is_some() {
            continue;
        }
        for w in super::copy_sources(ins) {
            if super::is_remote(&w.value) {
                continue;
            }
            if let Some(kind) = secret_file(&w.value) {
                let msg = format!("{} copies `{}`, {kind}, into the image", ins.keyword, w.value);
                out.report(&META, facts, ins, w.span, msg);
            }
        }
    }
}
