use stockade_source::rule::{Category, Pack, Severity};

use super::{policy_object, Hit, Lint};
use crate::ip::{parse_cidr, IpSet};
use crate::model::PeerKind;

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports an `ipBlock` whose `cidr` or an `except` entry is not a valid CIDR
    /// (IPv4 or IPv6, with a prefix length), or whose `except` entry is not inside
    /// its `cidr`.
    ///
    /// ## Why is this bad?
    /// The API server rejects an invalid CIDR, and an `except` outside the CIDR is
    /// rejected too: the policy never applies. Where a tool accepts it anyway, the
    /// exception excludes nothing, so addresses meant to be kept out are allowed.
    ///
    /// ## Example
    /// ```yaml
    /// - ipBlock:
    ///     cidr: 10.0.0.0/16
    ///     except: [192.168.1.0/24]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - ipBlock:
    ///     cidr: 10.0.0.0/16
    ///     except: [10.0.1.0/24]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec>
    pub static META = {
        id: "NP008",
        name: "netpol-invalid-ip-block",
        pack: Pack::NetworkPolicy,
        severity: Severity::High,
        category: Category::Security,
        title: "Invalid ipBlock CIDR or except outside its CIDR",
        remediation: "Write CIDRs as address/prefix (10.0.0.0/8), and keep every except entry inside the cidr.",
    };
}

pub(super) fn check(l: &Lint<'_>, out: &mut Vec<Hit>) {
    for (_, p, d, r) in l.rules() {
        for peer in &r.peers {
            let PeerKind::IpBlock(b) = &peer.kind else {
                continue;
            };
            let ctx = format!("{} rule {} of NetworkPolicy {}", d.key(), r.index, p.id());
            let cidr = match parse_cidr(&b.cidr) {
                Ok(c) => Some(c),
                Err(e) => {
                    out.push(l.hit(
                        &META,
                        super::at(
                            &peer.loc,
                            b.cidr_span,
                            format!("{}/ipBlock/cidr", peer.loc.pointer),
                        ),
                        policy_object(p),
                        format!("{ctx}: invalid cidr: {e}"),
                    ));
                    None
                }
            };
            for (i, (text, span)) in b.except.iter().enumerate() {
                let loc = super::at(
                    &peer.loc,
                    *span,
                    format!("{}/ipBlock/except/{i}", peer.loc.pointer),
                );
                match (parse_cidr(text), cidr) {
                    (Err(e), _) => out.push(l.hit(
                        &META,
                        loc,
                        policy_object(p),
                        format!("{ctx}: invalid except entry: {e}"),
                    )),
                    (Ok(ex), Some(c))
                        if !IpSet::from_range(c).contains_set(&IpSet::from_range(ex))
                            || ex == c =>
                    {
                        out.push(l.hit(
                            &META,
                            loc,
                            policy_object(p),
                            format!(
                                "{ctx}: except `{text}` is not strictly inside cidr `{}`",
                                b.cidr
                            ),
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
}
