//! The NetworkPolicy lint rules (`NP001`…), one per file. They run over every
//! object of a scan at once (see [`super::ScanIndex`]) and each finding points at
//! its own file.

use stockade_source::rule::RuleMeta;

use super::eval::{Analysis, Endpoint};
use super::ip::{Family, IpRange};
use super::model::{Cluster, Direction, Loc, Policy, Rule};
use super::ports::{ConnSet, Protocol};

/// A lint rule: its metadata and its check over the whole scan.
#[derive(Clone, Copy)]
pub struct LintRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Lint<'_>, &mut Vec<Hit>),
}

macro_rules! rules {
    ($($m:ident),* $(,)?) => {
        $(mod $m;)*
        /// Every rule with its check, in id order.
        static ALL: &[LintRule] = &[$(LintRule { meta: &$m::META, check: $m::check }),*];
        stockade_source::register_rules! {
            /// Every NetworkPolicy rule: the pack's registration list.
            pub static RULES = [$($m),*];
        }
    };
}

rules! {
    selects_no_workload,
    peer_selects_nothing,
    split_peer_selectors,
    egress_without_dns,
    rules_without_policy_type,
    port_protocol_mismatch,
    unresolved_named_port,
    invalid_ip_block,
    invalid_end_port,
    duplicate_name,
    pod_ingress_not_isolated,
    pod_egress_not_isolated,
    namespace_without_default_deny,
}

/// One lint finding, located in the cluster's sources.
#[derive(Debug, Clone)]
pub struct Hit {
    pub meta: &'static RuleMeta,
    pub loc: Loc,
    pub message: String,
    /// `NetworkPolicy/ns/name`, `Deployment/ns/name`, `Namespace/name`.
    pub object: String,
}

/// What the rules read.
pub struct Lint<'c> {
    pub cluster: &'c Cluster,
    pub analysis: Analysis<'c>,
}

impl<'c> Lint<'c> {
    pub fn new(cluster: &'c Cluster) -> Self {
        Self {
            cluster,
            analysis: Analysis::new(cluster),
        }
    }

    /// Whether the scan has workloads to judge selectors against.
    pub fn has_workloads(&self) -> bool {
        !self.cluster.workloads.is_empty()
    }

    /// Whether the scan has NetworkPolicies (coverage rules judge only then).
    pub fn has_policies(&self) -> bool {
        !self.cluster.policies.is_empty()
    }

    pub fn policies(&self) -> impl Iterator<Item = (usize, &'c Policy)> {
        self.cluster.policies.iter().enumerate()
    }

    /// Every rule of every policy, with its direction.
    pub fn rules(&self) -> impl Iterator<Item = (usize, &'c Policy, Direction, &'c Rule)> {
        self.cluster
            .policies
            .iter()
            .enumerate()
            .flat_map(|(pi, p)| {
                [Direction::Ingress, Direction::Egress]
                    .into_iter()
                    .flat_map(move |d| p.rules(d).iter().map(move |r| (pi, p, d, r)))
            })
    }

    /// The workloads a rule's traffic goes to: for ingress the pods the policy
    /// selects, for egress those its peers select.
    pub fn destinations(&self, pi: usize, _p: &Policy, d: Direction, r: &Rule) -> Vec<usize> {
        match d {
            Direction::Ingress => self
                .analysis
                .policy_selects
                .get(pi)
                .cloned()
                .unwrap_or_default(),
            Direction::Egress => self
                .analysis
                .rule_targets(pi, d, r.index)
                .map(|b| {
                    b.iter()
                        .filter(|&i| i < self.cluster.workloads.len())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// What rule `r` allows to any destination it selects (workloads, and every
    /// address outside the cluster).
    pub fn rule_conns_anywhere(&self, pi: usize, d: Direction, r: &Rule) -> ConnSet {
        let mut out = self
            .analysis
            .rule_conns(r, Endpoint::External(IpRange::all(Family::V4)));
        let named = r
            .ports
            .iter()
            .any(|p| matches!(p.port, Some(super::model::PortValue::Name(_))));
        if d == Direction::Egress && named {
            if let Some(targets) = self.analysis.rule_targets(pi, d, r.index) {
                for t in targets.iter() {
                    out = out.union(&self.analysis.rule_conns(r, Endpoint::Workload(t)));
                }
            }
        }
        out
    }

    pub fn hit(&self, meta: &'static RuleMeta, loc: Loc, object: String, message: String) -> Hit {
        Hit {
            meta,
            loc,
            message,
            object,
        }
    }
}

pub(crate) fn policy_object(p: &Policy) -> String {
    if p.object.is_empty() {
        format!("NetworkPolicy/{}/{}", p.namespace, p.name)
    } else {
        p.object.clone()
    }
}

pub(crate) fn at(loc: &Loc, span: stockade_source::source::Span, pointer: String) -> Loc {
    Loc {
        source: loc.source,
        document: loc.document,
        span,
        pointer,
    }
}

/// Whether `c` has `port` for `protocol`.
pub(crate) fn has(c: &ConnSet, protocol: Protocol, port: u16) -> bool {
    c.contains(protocol, port)
}

/// Run every rule.
pub fn lint(cluster: &Cluster) -> Vec<Hit> {
    let l = Lint::new(cluster);
    let mut out = Vec::new();
    for rule in ALL {
        (rule.check)(&l, &mut out);
    }
    out
}
