//! DF0045 `chpasswd`: Password set with `chpasswd`.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports the `chpasswd` command in a `RUN`.
    ///
    /// ## Why is this bad?
    /// The password ends up in the image history and in `/etc/shadow` of every container, and a
    /// password login is rarely needed in a container at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo 'root:changeme' | chpasswd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN useradd -r -s /usr/sbin/nologin app
    /// USER app
    /// ```
    ///
    /// ## References
    /// - <https://docs.prismacloud.io/en/enterprise-edition/policy-reference/docker-policies/docker-policy-index/ensure-that-chpasswd-is-not-used-to-set-or-remove-passwords>
    pub static META = {
        id: "DF0045",
        name: "chpasswd",
        pack: Pack::Dockerfile,
        aliases: &["CKV2_DOCKER_17"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Password set with `chpasswd`",
        remediation: "Do not set passwords in the image; run as a non-root user and authenticate outside the container.",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for (run, cmd) in facts.commands() {
        if cmd.is(&["chpasswd"]) {
            out.report(&META, facts, run.ins, cmd.name_span(), "`chpasswd` sets a password in the image");
        }
    }
}
