//! DF0044 `unsigned-packages-allowed`: Package signature checks disabled.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports package-manager switches that accept unsigned or unverified packages:
    /// `apk --allow-untrusted`, `apt-get --allow-unauthenticated`/`--force-yes`/
    /// `--allow-insecure-repositories` (and `-o APT::Get::AllowUnauthenticated=true`),
    /// `yum`/`dnf`/`tdnf`/`microdnf --nogpgcheck`, `zypper --no-gpg-checks`,
    /// `rpm --nosignature`/`--nodigest`/`--noverify`/`--nofiledigest`, and `gpgcheck=0`.
    ///
    /// ## Why is this bad?
    /// Signatures are what prove a package comes from its publisher: without them a mirror or
    /// a man in the middle can install anything.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache --allow-untrusted ./tool.apk
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY tool.rsa.pub /etc/apk/keys/
    /// RUN apk add --no-cache ./tool.apk
    /// ```
    ///
    /// ## References
    /// - <https://docs.prismacloud.io/en/enterprise-edition/policy-reference/docker-policies/docker-policy-index/ensure-docker-apt-is-not-used>
    pub static META = {
        id: "DF0044",
        name: "unsigned-packages-allowed",
        pack: Pack::Dockerfile,
        aliases: &["CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"],
        severity: Severity::High,
        category: Category::Security,
        title: "Package signature checks disabled",
        remediation: "Keep signature checks on; import the repository's signing key instead.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        let name = cmd.name().unwrap_or("");
        let names: &[&str] = match name {
            "apk" => &["--allow-untrusted"],
            "apt-get" | "apt" => &["--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories", "--allow-downgrades-unauthenticated"],
            "yum" | "dnf" | "tdnf" | "microdnf" => &["--nogpgcheck"],
            "zypper" => &["--no-gpg-checks", "--no-gpg-check"],
            "rpm" => &["--nosignature", "--nodigest", "--noverify", "--nofiledigest"],
            _ => &[],
        };
        for w in cmd.args() {
            let lower = w.value.to_ascii_lowercase().replace(' ', "");
            let by_name = w.value.starts_with("--") && names.iter().any(|n| w.value == *n || w.value.starts_with(&format!("{n}=")));
            let by_setting = lower.contains("gpgcheck=0") || lower.contains("gpgcheck=false") || lower.contains("gpgcheck=no")
                || lower.contains("allowunauthenticated=true") || lower.contains("allowunauthenticated=1");
            if by_name || by_setting {
                let msg = format!("`{name} {}` accepts packages without a valid signature", w.value);
                out.report(&META, facts, run.ins, w.span, msg);
            }
        }
    }
}
