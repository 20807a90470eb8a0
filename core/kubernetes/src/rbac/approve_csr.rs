//! K8S033: approving `CertificateSigningRequests`.

use super::{policy_rules, Grant, Hit, PolicyRule, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a Role or ClusterRole that can approve CertificateSigningRequests:
    /// one of its rules grants `update` or `patch` (or `*`) on
    /// `certificatesigningrequests/approval` and one grants `approve` (or `*`) on
    /// `signers`, both in `certificates.k8s.io`. The finding points at the
    /// `approve` verb and names the signers. Approval needs both, so a role with
    /// only one of them is not reported. `resourceNames` on `signers` (for example
    /// `kubernetes.io/kube-apiserver-client`) does not make the grant safe and is
    /// reported too.
    ///
    /// ## Why is this bad?
    /// An approved request for the `kubernetes.io/kube-apiserver-client` signer is
    /// a client certificate for any user and group the request names, including
    /// `system:masters`: approving CSRs is minting cluster-admin credentials that
    /// cannot be revoked before they expire.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: csr-approver
    /// rules:
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["certificatesigningrequests/approval"]
    ///     verbs: ["update"]
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["signers"]
    ///     verbs: ["approve"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: csr-reader
    /// rules:
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["certificatesigningrequests"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing>
    /// - Checkov `CKV_K8S_156`
    pub static META = {
        id: "K8S033",
        name: "rbac-approve-csr",
        pack: Pack::Kubernetes,
        aliases: &["CKV_K8S_156"],
        severity: Severity::Medium,
        category: Category::Security,
        title: "Role can approve certificate signing requests",
        remediation: "Leave CSR approval to the built-in approvers; remove `approve` on `signers` or `update` on `certificatesigningrequests/approval`.",
    };
}

const GROUP: &str = "certificates.k8s.io";

static APPROVAL: Grant = Grant {
    targets: &[(GROUP, &["certificatesigningrequests/approval"])],
    verbs: &["update", "patch"],
};

/// `resourceNames` do not matter here: a grant on one signer is still a grant.
fn unrestricted<'r>(rule: &PolicyRule<'r>) -> PolicyRule<'r> {
    PolicyRule {
        has_resource_names: false,
        ..rule.clone()
    }
}

static SIGNERS: Grant = Grant {
    targets: &[(GROUP, &["signers"])],
    verbs: &["approve"],
};

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    if !super::is_role(r.object) {
        return;
    }
    let rules: Vec<PolicyRule<'_>> = policy_rules(r.object).iter().map(unrestricted).collect();
    if !rules.iter().any(|rule| APPROVAL.find(rule).is_some()) {
        return;
    }
    let name = r.object.display_name();
    for (rule, original) in rules.iter().zip(policy_rules(r.object)) {
        let Some(g) = SIGNERS.find(rule) else {
            continue;
        };
        let which = if original.has_resource_names {
            "the signers named in `resourceNames`"
        } else {
            "every signer, kubernetes.io/kube-apiserver-client included"
        };
        out.push(Hit {
            loc: g.verb.loc.clone(),
            message: format!(
                "{name} grants `{}` on `signers` and can update `certificatesigningrequests/approval`: it approves certificates for {which}",
                g.verb.value
            ),
        });
    }
}
