//! K8S024: `*` in the `apiGroups`, `resources` or `verbs` of a role's rule.

use super::{policy_rules, Hit, Item, PolicyRule, Rbac};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags each `*` in the `apiGroups`, `resources` or `verbs` of a rule of a
    /// Role or ClusterRole (the finding points at the `*`). The rules of an
    /// aggregated ClusterRole written in the manifest are checked like any other.
    ///
    /// ## Why is this bad?
    /// A wildcard grants everything that exists *and everything added later*: `*`
    /// verbs include `escalate`, `bind` and `impersonate`; `*` resources include
    /// Secrets, `pods/exec` and every custom resource a future operator installs;
    /// `*` groups include every API group. A role with wildcards is rarely the
    /// least privilege its user needs, and `*` on `*` is `cluster-admin`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: operator
    /// rules:
    ///   - apiGroups: ["*"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: ClusterRole
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// metadata:
    ///   name: operator
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "update"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege>
    /// - CIS Kubernetes Benchmark 5.1.3 (minimize wildcard use in Roles and ClusterRoles)
    /// - kube-linter `wildcard-in-rules`, Trivy KSV-0044, KSV-0045, KSV-0046, Checkov `CKV_K8S_49`
    pub static META = {
        id: "K8S024",
        name: "rbac-wildcard",
        pack: Pack::Kubernetes,
        aliases: &["wildcard-in-rules", "KSV-0044", "KSV-0045", "KSV-0046", "CKV_K8S_49"],
        severity: Severity::High,
        category: Category::Security,
        title: "Wildcard in an RBAC rule",
        remediation: "List the API groups, resources and verbs the subject needs instead of `*`.",
    };
}

const FIELDS: [(&str, &str); 3] = [
    ("apiGroups", "every API group"),
    (
        "resources",
        "every resource, Secrets and custom resources included",
    ),
    (
        "verbs",
        "every verb, escalate, bind and impersonate included",
    ),
];

fn wildcards<'r>(
    rule: &'r PolicyRule<'r>,
) -> impl Iterator<Item = (&'r Item<'r>, &'static str, &'static str)> {
    let lists = [&rule.api_groups, &rule.resources, &rule.verbs];
    lists
        .into_iter()
        .zip(FIELDS)
        .flat_map(|(list, (field, what))| {
            list.iter()
                .filter(|i| i.value == "*")
                .map(move |i| (i, field, what))
        })
}

/// "`*` in `verbs`" for each wildcard of the rule (for the binding rules).
pub(crate) fn describe(rule: &PolicyRule<'_>) -> Vec<String> {
    wildcards(rule)
        .map(|(_, field, _)| format!("`*` in `{field}`"))
        .collect()
}

pub fn check(r: &Rbac<'_>, out: &mut Vec<Hit>) {
    if !super::is_role(r.object) {
        return;
    }
    let name = r.object.display_name();
    for rule in policy_rules(r.object) {
        for (item, field, what) in wildcards(&rule) {
            out.push(Hit {
                loc: item.loc.clone(),
                message: format!("{name} grants `*` in `{field}` ({what})"),
            });
        }
    }
}
