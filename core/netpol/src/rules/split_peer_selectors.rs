use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};
use crate::model::PeerKind;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `namespaceSelector` and a `podSelector` written as two peers (two
    /// list items, which are OR-ed) right next to each other, where one peer with
    /// both selectors (AND) was most likely meant; and the reverse: one peer with
    /// both selectors whose `podSelector` matches workloads only in the policy's own
    /// namespace, outside the namespaces its `namespaceSelector` selects.
    ///
    /// ## Why is this bad?
    /// One `-` changes the meaning. `- namespaceSelector: …` followed by
    /// `- podSelector: …` allows *every pod* of the selected namespaces, plus the
    /// labelled pods of the policy's namespace, which is far more than "the
    /// labelled pods of those namespaces".
    ///
    /// ## Example
    /// ```yaml
    /// from:
    /// - namespaceSelector: {matchLabels: {team: payments}}
    /// - podSelector: {matchLabels: {app: billing}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// from:
    /// - namespaceSelector: {matchLabels: {team: payments}}
    ///   podSelector: {matchLabels: {app: billing}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors>
    pub static META = {
        id: "NP003",
        name: "netpol-split-peer-selectors",
        pack: Pack::NetworkPolicy,
        severity: Severity::Medium,
        category: Category::Security,
        title: "namespaceSelector and podSelector split into two peers (or joined by mistake)",
        remediation: "Write namespaceSelector and podSelector in one peer (no `-` before podSelector) to require both; keep them as two peers only if either should suffice.",
    };
}

fn only(kind: &PeerKind) -> Option<bool> {
    // Some(true): namespaceSelector only; Some(false): podSelector only.
    match kind {
        PeerKind::Selectors {
            namespace: Some(ns),
            pod: None,
        } if !ns.is_empty() => Some(true),
        PeerKind::Selectors {
            namespace: None,
            pod: Some(pod),
        } if !pod.is_empty() => Some(false),
        _ => None,
    }
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    for (_, p, d, r) in l.rules() {
        for pair in r.peers.windows(2) {
            let [a, b] = pair else { continue };
            if let (Some(x), Some(y)) = (only(&a.kind), only(&b.kind)) {
                if x != y {
                    out.push(l.hit(
                        &META,
                        b.loc.clone(),
                        policy_object(p),
                        format!(
                            "{} rule {} of NetworkPolicy {}: a namespaceSelector and a podSelector are two separate peers (either one allows); write them in one peer to require both",
                            d.key(),
                            r.index,
                            p.id()
                        ),
                    ));
                }
            }
        }
        if !l.has_workloads() {
            continue;
        }
        for peer in &r.peers {
            let PeerKind::Selectors {
                namespace: Some(ns),
                pod: Some(pod),
            } = &peer.kind
            else {
                continue;
            };
            if ns.is_empty() || pod.is_empty() {
                continue;
            }
            let both = l
                .analysis
                .peer_candidates(p, &peer.kind)
                .into_iter()
                .any(|wi| l.analysis.peer_selects_workload(p, &peer.kind, wi));
            let own_ns = !ns.matches(&l.cluster.namespace_labels(&p.namespace))
                && l.analysis.workloads_in(&p.namespace).iter().any(|&wi| {
                    l.cluster
                        .workloads
                        .get(wi)
                        .is_some_and(|w| pod.matches(&w.labels))
                });
            if !both && own_ns {
                out.push(l.hit(
                    &META,
                    peer.loc.clone(),
                    policy_object(p),
                    format!(
                        "{} rule {} of NetworkPolicy {}: podSelector `{pod}` matches workloads only in namespace `{}`, which namespaceSelector `{ns}` does not select; one peer requires both, so it matches nothing (two peers were likely meant)",
                        d.key(),
                        r.index,
                        p.id(),
                        p.namespace
                    ),
                ));
            }
        }
    }
}
