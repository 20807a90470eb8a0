use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};
use crate::model::PeerKind;
use crate::selector::Selector;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a rule peer (an item of `from` or `to`) whose `namespaceSelector`
    /// and/or `podSelector` match no namespace or no workload of the scanned
    /// manifests. Judged only when the scan has workloads; `{}` selectors are
    /// never reported.
    ///
    /// ## Why is this bad?
    /// A peer that matches nothing allows nothing: the connection the author meant
    /// to allow is blocked (often a typo in a label, or a namespace selected by a
    /// label it does not carry, such as `name: monitoring` where only
    /// `kubernetes.io/metadata.name` is set).
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    /// - from:
    ///   - namespaceSelector: {matchLabels: {name: monitoring}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// ingress:
    /// - from:
    ///   - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors>
    pub static META = {
        id: "NP002",
        name: "netpol-peer-selects-nothing",
        pack: Pack::NetworkPolicy,
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "NetworkPolicy peer matches no workload",
        remediation: "Fix the peer's selector labels so that it selects the namespaces and pods meant, or remove the peer.",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    if !l.has_workloads() {
        return;
    }
    for (_, p, d, r) in l.rules() {
        for peer in &r.peers {
            let PeerKind::Selectors { namespace, pod } = &peer.kind else {
                continue;
            };
            if namespace.as_ref().is_none_or(Selector::is_empty)
                && pod.as_ref().is_none_or(Selector::is_empty)
            {
                continue;
            }
            if let Some(ns) = namespace.as_ref().filter(|s| !s.is_empty()) {
                let any_ns = l.cluster.namespaces.values().any(|n| ns.matches(&n.labels));
                if !any_ns {
                    out.push(l.hit(
                        &META,
                        super::at(&peer.loc, ns.span, format!("{}/namespaceSelector", peer.loc.pointer)),
                        policy_object(p),
                        format!(
                            "{} rule {} of NetworkPolicy {}: namespaceSelector `{ns}` matches no namespace of the scanned manifests",
                            d.key(),
                            r.index,
                            p.id()
                        ),
                    ));
                    continue;
                }
            }
            let any = l
                .analysis
                .peer_candidates(p, &peer.kind)
                .into_iter()
                .any(|wi| l.analysis.peer_selects_workload(p, &peer.kind, wi));
            if !any {
                let where_ = match namespace {
                    Some(ns) => format!("in namespaces matching `{ns}`"),
                    None => format!("in namespace `{}`", p.namespace),
                };
                let pod_text = pod
                    .as_ref()
                    .map_or_else(|| "{}".to_string(), ToString::to_string);
                out.push(l.hit(
                    &META,
                    peer.loc.clone(),
                    policy_object(p),
                    format!(
                        "{} rule {} of NetworkPolicy {}: no workload {where_} matches podSelector `{pod_text}`",
                        d.key(),
                        r.index,
                        p.id()
                    ),
                ));
            }
        }
    }
}
