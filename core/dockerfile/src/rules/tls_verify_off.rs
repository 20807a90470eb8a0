//! DF0043 `tls-verification-disabled`: TLS certificate verification disabled.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports switches that turn off TLS certificate checks: `curl -k`/`--insecure`,
    /// `wget --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn config set strict-ssl
    /// false`, `git config http.sslVerify false` (and `git -c http.sslVerify=false`),
    /// `sslverify=false`/`0` for yum/dnf, and the variables `PYTHONHTTPSVERIFY=0`,
    /// `NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY`, `NPM_CONFIG_STRICT_SSL=false`,
    /// `PIP_TRUSTED_HOST` (in ENV/ARG, on a command or exported).
    ///
    /// ## Why is this bad?
    /// Without certificate checks anyone on the network path can serve the download: the build
    /// installs whatever a man in the middle sends.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -k https://example.com/install.sh -o install.sh
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh -o install.sh
    /// ```
    ///
    /// ## References
    /// - <https://docs.prismacloud.io/en/enterprise-edition/policy-reference/docker-policies/docker-policy-index/ensure-docker-run-curl-does-not-disable-certificate-validation>
    pub static META = {
        id: "DF0043",
        name: "tls-verification-disabled",
        pack: Pack::Dockerfile,
        aliases: &["CKV2_DOCKER_2", "CKV2_DOCKER_3", "CKV2_DOCKER_4", "CKV2_DOCKER_5", "CKV2_DOCKER_6", "CKV2_DOCKER_12", "CKV2_DOCKER_13", "CKV2_DOCKER_14", "CKV2_DOCKER_15", "CKV2_DOCKER_16"],
        severity: Severity::High,
        category: Category::Security,
        title: "TLS certificate verification disabled",
        remediation: "Keep certificate verification on; install the CA certificate the server needs instead.",
    };
}

use crate::ast::{Args, Keyword};

/// Whether setting `name` to `value` disables certificate verification.
pub fn env_disables(name: &str, value: &str) -> bool {
    env_check(name).is_some_and(|disables| disables(&value.trim().to_ascii_lowercase()))
}

/// For a variable that controls certificate checks: whether a value (trimmed,
/// lower-cased) turns them off.
fn env_check(name: &str) -> Option<fn(&str) -> bool> {
    Some(match name {
        "PYTHONHTTPSVERIFY" | "NODE_TLS_REJECT_UNAUTHORIZED" => |v| v == "0",
        "NPM_CONFIG_STRICT_SSL" | "npm_config_strict_ssl" => |v| v == "false" || v == "0",
        "GIT_SSL_NO_VERIFY" => |v| !v.is_empty() && v != "false" && v != "0",
        "PIP_TRUSTED_HOST" => |v| !v.is_empty(),
        _ => return None,
    })
}

fn check_assignment(w: &crate::command::Word) -> Option<String> {
    let (name, value) = w.value.split_once('=')?;
    env_disables(name, value).then(|| format!("`{}` disables certificate verification", w.value))
}

fn command_finding(cmd: &crate::command::Command) -> Vec<(stockade_source::source::Span, String)> {
    let mut found = Vec::new();
    for w in &cmd.assignments {
        if let Some(m) = check_assignment(w) {
            found.push((w.span, m));
        }
    }
    let name = cmd.name().unwrap_or("");
    if name == "export" {
        for w in cmd.args() {
            if let Some(m) = check_assignment(w) {
                found.push((w.span, m));
            }
        }
    }
    let opt = |names: &[&str]| cmd.option(names).map(|w| (w.span, format!("`{name} {}` disables certificate verification", w.value)));
    match name {
        "curl" => found.extend(opt(&["-k", "--insecure"])),
        "wget" => found.extend(opt(&["--no-check-certificate"])),
        "npm" | "yarn" | "pnpm" => {
            let a: Vec<&str> = cmd.args().iter().map(|w| w.value.as_str()).collect();
            if let Some(i) = a.iter().position(|v| *v == "strict-ssl") {
                if a.get(i + 1).is_some_and(|v| *v == "false") {
                    if let Some(w) = cmd.args().get(i) {
                        found.push((w.span, format!("`{name} config set strict-ssl false` disables certificate verification")));
                    }
                }
            }
            found.extend(cmd.args().iter().filter(|w| w.value == "--strict-ssl=false").map(|w| (w.span, format!("`{name} --strict-ssl=false` disables certificate verification"))));
        }
        "git" => {
            let args = cmd.args();
            for (i, w) in args.iter().enumerate() {
                let l = w.value.to_ascii_lowercase();
                let next_false = args.get(i + 1).is_some_and(|n| n.value.eq_ignore_ascii_case("false"));
                if (l.ends_with("sslverify") && next_false) || l.ends_with("sslverify=false") {
                    found.push((w.span, "git `http.sslVerify false` disables certificate verification".into()));
                }
            }
        }
        _ => {}
    }
    if super::pip_install(cmd).is_some() || (name.starts_with("pip") && cmd.has_arg("download")) {
        found.extend(opt(&["--trusted-host"]));
    }
    if name.starts_with("pip") && cmd.has_arg("config") && cmd.args().iter().any(|w| w.value.ends_with(".trusted-host")) {
        found.push((cmd.name_span(), "`pip config set … trusted-host` disables certificate verification".into()));
    }
    for w in cmd.args() {
        let l = w.value.to_ascii_lowercase().replace(' ', "");
        let off = l.contains("sslverify=false") || l.contains("sslverify=0") || l.contains("sslverify=no");
        if off && name != "git" {
            found.push((w.span, format!("`{}` disables certificate verification", w.value)));
        }
    }
    found
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        for (span, msg) in command_finding(cmd) {
            out.report(&META, facts, run.ins, span, msg);
        }
    }
    for ins in facts.instructions() {
        match (&ins.args, ins.keyword) {
            (Args::KeyValues(kvs), Keyword::Env) => {
                for kv in kvs {
                    let (k, _) = facts.expand_at(ins, &kv.key.value);
                    // Values are expanded (charging the file's substitution budget)
                    // only for the variables that matter.
                    if env_check(&k).is_none() {
                        continue;
                    }
                    let (v, _) = facts.expand_at(ins, &kv.value.value);
                    if env_disables(&k, &v) {
                        let msg = format!("ENV `{k}={v}` disables certificate verification");
                        out.report(&META, facts, ins, kv.key.span.cover(kv.value.span), msg);
                    }
                }
            }
            (Args::Words(words), Keyword::Arg) => {
                for w in words {
                    let (k, d) = super::split_arg(&w.value);
                    if let Some(d) = d.filter(|_| env_check(k).is_some()) {
                        let (v, _) = facts.expand_at(ins, d);
                        if env_disables(k, &v) {
                            let msg = format!("ARG `{k}={v}` disables certificate verification");
                            out.report(&META, facts, ins, w.span, msg);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
