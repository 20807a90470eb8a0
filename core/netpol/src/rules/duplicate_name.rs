use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a NetworkPolicy whose namespace and name repeat those of another
    /// NetworkPolicy of the scanned manifests (reported at every occurrence after
    /// the first).
    ///
    /// ## Why is this bad?
    /// A namespace holds one object per name: applying the manifests keeps only the
    /// last one, silently dropping the rules of the other. What the repository says
    /// is not what the cluster enforces.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: allow-web, namespace: shop}
    /// ---
    /// kind: NetworkPolicy
    /// metadata: {name: allow-web, namespace: shop}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: allow-web, namespace: shop}
    /// ---
    /// kind: NetworkPolicy
    /// metadata: {name: allow-web-metrics, namespace: shop}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>
    pub static META = {
        id: "NP010",
        name: "netpol-duplicate-name",
        pack: Pack::NetworkPolicy,
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Duplicate NetworkPolicy name",
        remediation: "Rename one of the policies (or merge their rules into one).",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    let mut seen: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for (pi, p) in l.policies() {
        if p.name.is_empty() {
            continue;
        }
        match seen.get(&(p.namespace.clone(), p.name.clone())) {
            Some(&first) => {
                let at = l.cluster.policies.get(first).map_or_else(String::new, |f| {
                    format!(" (first defined in {})", l.cluster.path(f.loc.source))
                });
                out.push(l.hit(
                    &META,
                    p.loc.clone(),
                    policy_object(p),
                    format!("NetworkPolicy {} is defined more than once{at}; only one of them can exist", p.id()),
                ));
            }
            None => {
                seen.insert((p.namespace.clone(), p.name.clone()), pi);
            }
        }
    }
}
