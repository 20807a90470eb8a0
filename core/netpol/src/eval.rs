//! Evaluating NetworkPolicies: which connections each pair of endpoints may use.

use super::ip::{partition, IpRange};
use super::model::{Cluster, Direction, PeerKind, Policy, PortValue, Rule, Workload};
use super::ports::{ConnSet, PortSet, MAX_PORT};
use super::selector::Labels;

/// One end of a connection: a workload of the manifests, or a range of addresses
/// outside the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Workload(usize),
    External(IpRange),
}

/// A fixed-size set of workload indices (`0..n`).
///
/// Held as the members themselves while they are few, as one bit per workload
/// once that is smaller, and as nothing at all when every workload is in: a
/// rule's targets are kept for every rule of every policy, and one bit per
/// workload for each made those rules × workloads bits (12.5 MB for 10k
/// policies and 10k workloads, 1.25 GB for 100k of each), though most rules
/// select a few workloads or all of them.
#[derive(Debug, Clone)]
pub struct BitSet {
    /// Bits a dense form has (`n` rounded up to a whole word).
    cap: usize,
    n: usize,
    repr: Repr,
}

#[derive(Debug, Clone)]
enum Repr {
    /// The members, ascending.
    Sparse(Vec<usize>),
    Dense(Vec<u64>),
    /// Every index in `0..n`.
    Full,
}

impl BitSet {
    pub fn new(n: usize) -> Self {
        BitSet {
            cap: n.div_ceil(64).saturating_mul(64),
            n,
            repr: Repr::Sparse(Vec::new()),
        }
    }

    pub fn full(n: usize) -> Self {
        BitSet {
            repr: Repr::Full,
            ..Self::new(n)
        }
    }

    pub fn insert(&mut self, i: usize) {
        if i >= self.cap {
            return;
        }
        let words = self.cap / 64;
        match &mut self.repr {
            Repr::Full if i < self.n => {}
            Repr::Sparse(members) => {
                if let Err(at) = members.binary_search(&i) {
                    members.insert(at, i);
                }
                if members.len() > words {
                    self.densify();
                }
            }
            _ => {
                if !matches!(self.repr, Repr::Dense(_)) {
                    self.densify();
                }
                if let Repr::Dense(w) = &mut self.repr {
                    if let Some(w) = w.get_mut(i / 64) {
                        *w |= 1 << (i % 64);
                    }
                }
            }
        }
    }

    /// The same members, one bit each.
    fn densify(&mut self) {
        let mut words = vec![0u64; self.cap / 64];
        for i in self.iter() {
            if let Some(w) = words.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
        self.repr = Repr::Dense(words);
    }

    pub fn contains(&self, i: usize) -> bool {
        match &self.repr {
            Repr::Sparse(members) => members.binary_search(&i).is_ok(),
            Repr::Dense(words) => words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0),
            Repr::Full => i < self.n,
        }
    }

    pub fn union_with(&mut self, other: &BitSet) {
        match (&self.repr, &other.repr) {
            (Repr::Full, _) => {}
            (_, Repr::Full) if other.n >= self.n => {
                // Whatever self held past n stays (a dense form may hold it).
                if self.iter().all(|i| i < self.n) {
                    self.repr = Repr::Full;
                } else {
                    for i in 0..other.n {
                        self.insert(i);
                    }
                }
            }
            (_, Repr::Dense(theirs)) => {
                if !matches!(self.repr, Repr::Dense(_)) {
                    self.densify();
                }
                if let Repr::Dense(mine) = &mut self.repr {
                    for (a, b) in mine.iter_mut().zip(theirs) {
                        *a |= b;
                    }
                }
            }
            _ => {
                for i in other.iter() {
                    self.insert(i);
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.repr {
            Repr::Sparse(members) => members.is_empty(),
            Repr::Dense(words) => words.iter().all(|w| *w == 0),
            Repr::Full => self.n == 0,
        }
    }

    /// The members, in order (skipping empty words and zero bits).
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let (sparse, dense, full) = match &self.repr {
            Repr::Sparse(members) => (Some(members.iter().copied()), None, None),
            Repr::Dense(words) => (None, Some(dense_members(words)), None),
            Repr::Full => (None, None, Some(0..self.n)),
        };
        sparse
            .into_iter()
            .flatten()
            .chain(dense.into_iter().flatten())
            .chain(full.into_iter().flatten())
    }
}

impl PartialEq for BitSet {
    /// The same size and the same members, whatever the form.
    fn eq(&self, other: &Self) -> bool {
        self.cap == other.cap && self.iter().eq(other.iter())
    }
}

impl Eq for BitSet {}

/// The set bits of `words`, in order.
fn dense_members(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(i, &w)| {
        let mut rest = w;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let b = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(i * 64 + b)
        })
    })
}

/// The policies and rule selections of a cluster, computed once.
pub struct Analysis<'c> {
    pub cluster: &'c Cluster,
    /// The labels of each namespace that has workloads, and per workload the
    /// index of its namespace's labels there (one copy per namespace, not per
    /// workload).
    ns_labels: Vec<Labels>,
    ns_of: Vec<usize>,
    /// Per workload: the policies selecting it for ingress / egress.
    pub ingress_policies: Vec<Vec<usize>>,
    pub egress_policies: Vec<Vec<usize>>,
    /// Per policy, per direction (0 ingress, 1 egress), per rule: the workloads its
    /// peers select (all when it has no peers).
    rule_targets: Vec<[Vec<BitSet>; 2]>,
    /// Per policy: the workloads its `podSelector` selects (whatever its `policyTypes`).
    pub policy_selects: Vec<Vec<usize>>,
    /// Workloads by namespace.
    pub by_namespace: std::collections::BTreeMap<String, Vec<usize>>,
}

fn dir_index(d: Direction) -> usize {
    match d {
        Direction::Ingress => 0,
        Direction::Egress => 1,
    }
}

impl<'c> Analysis<'c> {
    // One pass builds the indices the queries share; splitting it would pass them all around.
    #[allow(clippy::too_many_lines)]
    pub fn new(cluster: &'c Cluster) -> Self {
        let n = cluster.workloads.len();
        // Workloads by namespace: a policy selects only pods of its namespace, and a
        // peer only pods of the namespaces its selectors allow.
        let mut by_ns: std::collections::BTreeMap<&str, Vec<usize>> =
            std::collections::BTreeMap::new();
        for (i, w) in cluster.workloads.iter().enumerate() {
            by_ns.entry(w.namespace.as_str()).or_default().push(i);
        }
        let ns_labels: Vec<Labels> = by_ns
            .keys()
            .map(|ns| cluster.namespace_labels(ns))
            .collect();
        let mut ns_of = vec![0; n];
        for (k, members) in by_ns.values().enumerate() {
            for &wi in members {
                if let Some(slot) = ns_of.get_mut(wi) {
                    *slot = k;
                }
            }
        }
        let mut ingress_policies = vec![Vec::new(); n];
        let mut egress_policies = vec![Vec::new(); n];
        let mut policy_selects = vec![Vec::new(); cluster.policies.len()];
        for (pi, p) in cluster.policies.iter().enumerate() {
            for &wi in by_ns
                .get(p.namespace.as_str())
                .map_or(&[][..], Vec::as_slice)
            {
                let Some(w) = cluster.workloads.get(wi) else {
                    continue;
                };
                if !p.pod_selector.matches(&w.labels) {
                    continue;
                }
                if let Some(v) = policy_selects.get_mut(pi) {
                    v.push(wi);
                }
                if p.affects_ingress {
                    if let Some(v) = ingress_policies.get_mut(wi) {
                        v.push(pi);
                    }
                }
                if p.affects_egress {
                    if let Some(v) = egress_policies.get_mut(wi) {
                        v.push(pi);
                    }
                }
            }
        }
        let mut a = Analysis {
            cluster,
            ns_labels,
            ns_of,
            ingress_policies,
            egress_policies,
            rule_targets: Vec::new(),
            policy_selects,
            by_namespace: by_ns
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect(),
        };
        // Namespace selectors repeat across policies (every namespace's DNS rule
        // selects kube-system): match each distinct selector against the namespaces once.
        let namespaces: Vec<(&Labels, &Vec<usize>)> =
            a.ns_labels.iter().zip(by_ns.values()).collect();
        let ns_cache: std::cell::RefCell<
            std::collections::HashMap<String, std::rc::Rc<Vec<usize>>>,
        > = std::cell::RefCell::default();
        let candidates = |p: &Policy, peer: &PeerKind| -> std::rc::Rc<Vec<usize>> {
            match peer {
                PeerKind::Selectors {
                    namespace: None, ..
                } => std::rc::Rc::new(by_ns.get(p.namespace.as_str()).cloned().unwrap_or_default()),
                PeerKind::Selectors {
                    namespace: Some(sel),
                    ..
                } => ns_cache
                    .borrow_mut()
                    .entry(sel.to_string())
                    .or_insert_with(|| {
                        std::rc::Rc::new(
                            namespaces
                                .iter()
                                .filter(|(l, _)| sel.matches(l))
                                .flat_map(|(_, v)| v.iter().copied())
                                .collect(),
                        )
                    })
                    .clone(),
                PeerKind::IpBlock(_) | PeerKind::Invalid(_) => std::rc::Rc::new(Vec::new()),
            }
        };
        let rule_targets = cluster
            .policies
            .iter()
            .map(|p| {
                [Direction::Ingress, Direction::Egress].map(|d| {
                    p.rules(d)
                        .iter()
                        .map(|r| {
                            if r.peers.is_empty() {
                                return BitSet::full(n);
                            }
                            let mut b = BitSet::new(n);
                            for peer in &r.peers {
                                for &wi in candidates(p, &peer.kind).iter() {
                                    if !b.contains(wi) && a.peer_selects_workload(p, &peer.kind, wi)
                                    {
                                        b.insert(wi);
                                    }
                                }
                            }
                            b
                        })
                        .collect()
                })
            })
            .collect();
        a.rule_targets = rule_targets;
        a
    }

    /// The workloads rule `ri` of policy `pi` selects in `dir` (all when it has no peers).
    pub fn rule_targets(&self, pi: usize, dir: Direction, ri: usize) -> Option<&BitSet> {
        self.rule_targets
            .get(pi)
            .and_then(|t| t.get(dir_index(dir)))
            .and_then(|t| t.get(ri))
    }

    /// The workloads of namespace `ns`.
    pub fn workloads_in(&self, ns: &str) -> &[usize] {
        self.by_namespace.get(ns).map_or(&[], Vec::as_slice)
    }

    /// Workloads a peer may select: those of the policy's namespace, or of the
    /// namespaces its `namespaceSelector` matches (to be checked with
    /// [`Analysis::peer_selects_workload`]).
    pub fn peer_candidates(&self, p: &Policy, peer: &PeerKind) -> Vec<usize> {
        match peer {
            PeerKind::Selectors {
                namespace: None, ..
            } => self.workloads_in(&p.namespace).to_vec(),
            PeerKind::Selectors {
                namespace: Some(sel),
                ..
            } => self
                .by_namespace
                .iter()
                .filter(|(ns, _)| sel.matches(&self.cluster.namespace_labels(ns)))
                .flat_map(|(_, v)| v.iter().copied())
                .collect(),
            PeerKind::IpBlock(_) | PeerKind::Invalid(_) => Vec::new(),
        }
    }

    fn workload(&self, i: usize) -> Option<&'c Workload> {
        self.cluster.workloads.get(i)
    }

    /// Whether peer `peer` of a rule of `p` selects workload `wi`.
    pub fn peer_selects_workload(&self, p: &Policy, peer: &PeerKind, wi: usize) -> bool {
        let ns_labels = self.ns_of.get(wi).and_then(|&k| self.ns_labels.get(k));
        let (Some(w), Some(ns_labels)) = (self.workload(wi), ns_labels) else {
            return false;
        };
        match peer {
            PeerKind::Selectors { namespace, pod } => {
                let ns_ok = match namespace {
                    Some(s) => s.matches(ns_labels),
                    None => w.namespace == p.namespace,
                };
                ns_ok && pod.as_ref().is_none_or(|s| s.matches(&w.labels))
            }
            // netpol-analyzer's convention (and Stockade's): manifests do not give pod
            // addresses, so an ipBlock never selects a workload.
            PeerKind::IpBlock(_) | PeerKind::Invalid(_) => false,
        }
    }

    /// The first peer of `r` that selects `e` (`Some(None)` when the rule has no
    /// peers and so selects everything; `None` when it does not select `e`).
    pub fn rule_match(&self, p: &Policy, r: &Rule, e: Endpoint) -> Option<Option<usize>> {
        if r.peers.is_empty() {
            return Some(None);
        }
        r.peers
            .iter()
            .position(|peer| match e {
                Endpoint::Workload(wi) => self.peer_selects_workload(p, &peer.kind, wi),
                Endpoint::External(range) => match &peer.kind {
                    PeerKind::IpBlock(b) => range.subset_of(&b.set),
                    _ => false,
                },
            })
            .map(Some)
    }

    fn rule_selects(
        &self,
        pi: usize,
        dir: Direction,
        ri: usize,
        p: &Policy,
        r: &Rule,
        e: Endpoint,
    ) -> bool {
        match e {
            Endpoint::Workload(wi) => self
                .rule_targets
                .get(pi)
                .and_then(|t| t.get(dir_index(dir)))
                .and_then(|t| t.get(ri))
                .is_some_and(|b| b.contains(wi)),
            Endpoint::External(_) => self.rule_match(p, r, e).is_some(),
        }
    }

    /// The connections rule `r` allows towards destination `dst` (named ports are
    /// resolved against the destination workload's container ports and never
    /// match an address range).
    pub fn rule_conns(&self, r: &Rule, dst: Endpoint) -> ConnSet {
        if r.ports.is_empty() {
            return ConnSet::all();
        }
        let mut out = ConnSet::none();
        for port in &r.ports {
            if port.invalid.is_some() {
                continue;
            }
            let set = match &port.port {
                None => PortSet::all(),
                Some(PortValue::Number(n)) => {
                    let end = port.end_port.unwrap_or(*n);
                    match (
                        u16::try_from(*n),
                        u16::try_from(end.min(i64::from(MAX_PORT))),
                    ) {
                        // Port 0 is invalid (the API server rejects it): nothing.
                        (Ok(a), Ok(b)) if a > 0 => PortSet::range(a, b),
                        _ => PortSet::default(),
                    }
                }
                Some(PortValue::Name(name)) => {
                    if port.end_port.is_some() {
                        PortSet::default()
                    } else {
                        match dst {
                            Endpoint::Workload(wi) => self
                                .workload(wi)
                                .and_then(|w| w.named_port(name))
                                .filter(|cp| cp.protocol == port.protocol)
                                .and_then(|cp| u16::try_from(cp.port).ok())
                                .map(|p| PortSet::range(p, p))
                                .unwrap_or_default(),
                            Endpoint::External(_) => PortSet::default(),
                        }
                    }
                }
            };
            out.add(port.protocol, &set);
        }
        out
    }

    /// What the policies of `wi`'s namespace allow in `dir` between `wi` and
    /// `other` (`None`: `wi` is not isolated in that direction, so all is allowed).
    fn side(&self, wi: usize, dir: Direction, other: Endpoint) -> ConnSet {
        let policies = match dir {
            Direction::Ingress => self.ingress_policies.get(wi),
            Direction::Egress => self.egress_policies.get(wi),
        };
        let Some(policies) = policies.filter(|p| !p.is_empty()) else {
            return ConnSet::all();
        };
        let dst = match dir {
            Direction::Ingress => Endpoint::Workload(wi),
            Direction::Egress => other,
        };
        let mut out = ConnSet::none();
        for &pi in policies {
            let Some(p) = self.cluster.policies.get(pi) else {
                continue;
            };
            for (ri, r) in p.rules(dir).iter().enumerate() {
                if self.rule_selects(pi, dir, ri, p, r, other) {
                    out = out.union(&self.rule_conns(r, dst));
                    if out.is_all() {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// Whether workload `d` may receive anything from workload `s`: `d` is not
    /// isolated for ingress, or a rule of a policy isolating it selects `s`.
    /// When not, [`Analysis::side`] towards `d` from `s` is empty.
    fn ingress_admits(&self, d: usize, s: usize) -> bool {
        let Some(policies) = self.ingress_policies.get(d).filter(|p| !p.is_empty()) else {
            return true;
        };
        let dir = dir_index(Direction::Ingress);
        policies.iter().any(|&pi| {
            self.rule_targets
                .get(pi)
                .and_then(|t| t.get(dir))
                .is_some_and(|rules| rules.iter().any(|b| b.contains(s)))
        })
    }

    /// The connections allowed from `src` to `dst`: egress allowed at the source
    /// and ingress allowed at the destination. Between two address ranges the
    /// policies say nothing: empty.
    pub fn allowed(&self, src: Endpoint, dst: Endpoint) -> ConnSet {
        match (src, dst) {
            (Endpoint::Workload(s), Endpoint::Workload(d)) => {
                let e = self.side(s, Direction::Egress, dst);
                if e.is_empty() {
                    return e;
                }
                e.intersect(&self.side(d, Direction::Ingress, src))
            }
            (Endpoint::External(_), Endpoint::Workload(d)) => self.side(d, Direction::Ingress, src),
            (Endpoint::Workload(s), Endpoint::External(_)) => self.side(s, Direction::Egress, dst),
            (Endpoint::External(_), Endpoint::External(_)) => ConnSet::none(),
        }
    }

    /// Address ranges outside the cluster, as netpol-analyzer splits them: the
    /// partition of the address space by the `ipBlock`s of ingress rules (sources)
    /// and of egress rules (destinations), each block cut into its contiguous ranges.
    pub fn external_ranges(&self, dir: Direction) -> Vec<IpRange> {
        partition(&self.ip_blocks(dir))
    }

    /// The contiguous ranges of every `ipBlock` of `dir` rules.
    pub fn ip_blocks(&self, dir: Direction) -> Vec<IpRange> {
        let mut ranges = Vec::new();
        for p in &self.cluster.policies {
            for r in p.rules(dir) {
                for peer in &r.peers {
                    if let PeerKind::IpBlock(b) = &peer.kind {
                        ranges.extend(b.set.ranges.iter().copied());
                    }
                }
            }
        }
        ranges
    }

    /// What the `dir` policies of workload `wi` allow with each range of `ranges`
    /// (sorted, and aligned with every `ipBlock` of `dir` rules, as the partitions of
    /// [`Analysis::external_ranges`] are): `(index into ranges, connections)` for the
    /// ranges with some connection. Rules without peers apply to every range; an
    /// `ipBlock` only to the ranges inside it, found by binary search, so the cost
    /// does not grow with ranges × rules.
    fn external_side(
        &self,
        wi: usize,
        dir: Direction,
        ranges: &[IpRange],
    ) -> Vec<(usize, ConnSet)> {
        let policies = match dir {
            Direction::Ingress => self.ingress_policies.get(wi),
            Direction::Egress => self.egress_policies.get(wi),
        };
        let Some(policies) = policies.filter(|p| !p.is_empty()) else {
            return (0..ranges.len()).map(|i| (i, ConnSet::all())).collect();
        };
        let Some(any) = ranges.first() else {
            return Vec::new();
        };
        let dst = match dir {
            Direction::Ingress => Endpoint::Workload(wi),
            // Towards an address range the connections of a rule do not depend on
            // which range (named ports never match one).
            Direction::Egress => Endpoint::External(*any),
        };
        let mut base = ConnSet::none();
        let mut per_range: std::collections::BTreeMap<usize, ConnSet> =
            std::collections::BTreeMap::new();
        for &pi in policies {
            let Some(p) = self.cluster.policies.get(pi) else {
                continue;
            };
            for r in p.rules(dir) {
                if r.peers.is_empty() {
                    base = base.union(&self.rule_conns(r, dst));
                    continue;
                }
                let mut conns: Option<ConnSet> = None;
                for peer in &r.peers {
                    let PeerKind::IpBlock(b) = &peer.kind else {
                        continue;
                    };
                    for piece in &b.set.ranges {
                        let start = ranges
                            .partition_point(|x| (x.family, x.first) < (piece.family, piece.first));
                        for (i, x) in ranges.iter().enumerate().skip(start) {
                            if x.family != piece.family || x.first > piece.last {
                                break;
                            }
                            if !x.subset_of_range(piece) {
                                continue;
                            }
                            let c = conns.get_or_insert_with(|| self.rule_conns(r, dst));
                            let slot = per_range.entry(i).or_default();
                            *slot = slot.union(c);
                        }
                    }
                }
            }
        }
        if base.is_empty() {
            per_range
                .into_iter()
                .filter(|(_, c)| !c.is_empty())
                .collect()
        } else {
            (0..ranges.len())
                .map(|i| {
                    (
                        i,
                        per_range
                            .get(&i)
                            .map_or_else(|| base.clone(), |c| c.union(&base)),
                    )
                })
                .collect()
        }
    }

    /// Workloads `s` may reach at all (egress), as a bit set.
    fn egress_candidates(&self, s: usize) -> BitSet {
        let n = self.cluster.workloads.len();
        let Some(policies) = self.egress_policies.get(s).filter(|p| !p.is_empty()) else {
            return BitSet::full(n);
        };
        let mut out = BitSet::new(n);
        for &pi in policies {
            if let Some(t) = self.rule_targets.get(pi).and_then(|t| t.get(1)) {
                for b in t {
                    out.union_with(b);
                }
            }
        }
        out
    }

    /// Every allowed connection: between workloads (not of a workload to itself), and
    /// between workloads and external address ranges. Sorted by source and destination.
    pub fn connections(&self) -> Vec<(Endpoint, Endpoint, ConnSet)> {
        self.connections_with(
            &self.external_ranges(Direction::Ingress),
            &self.external_ranges(Direction::Egress),
        )
    }

    /// [`Analysis::connections`] with the given external ranges as sources and
    /// destinations (a diff uses the partition of both sides).
    pub fn connections_with(
        &self,
        src_ranges: &[IpRange],
        dst_ranges: &[IpRange],
    ) -> Vec<(Endpoint, Endpoint, ConnSet)> {
        let n = self.cluster.workloads.len();
        let mut out = Vec::new();
        if n == 0 {
            return out;
        }
        for d in 0..n {
            for (ri, c) in self.external_side(d, Direction::Ingress, src_ranges) {
                if let Some(range) = src_ranges.get(ri) {
                    out.push((Endpoint::External(*range), Endpoint::Workload(d), c));
                }
            }
        }
        for s in 0..n {
            let candidates = self.egress_candidates(s);
            for d in candidates.iter().filter(|&d| d != s && d < n) {
                // Most pairs fail here, without building connection sets.
                if !self.ingress_admits(d, s) {
                    continue;
                }
                let c = self.allowed(Endpoint::Workload(s), Endpoint::Workload(d));
                if !c.is_empty() {
                    out.push((Endpoint::Workload(s), Endpoint::Workload(d), c));
                }
            }
            for (ri, c) in self.external_side(s, Direction::Egress, dst_ranges) {
                if let Some(range) = dst_ranges.get(ri) {
                    out.push((Endpoint::Workload(s), Endpoint::External(*range), c));
                }
            }
        }
        out
    }

    /// `ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`.
    pub fn name(&self, e: Endpoint) -> String {
        match e {
            Endpoint::Workload(i) => self.workload(i).map_or_else(String::new, Workload::id),
            Endpoint::External(r) => format!("{r}[External]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Analysis, BitSet, Endpoint};
    use crate::model::Cluster;
    use std::collections::BTreeSet;

    /// The connections between workloads are those `allowed` gives for every
    /// pair: passing over the pairs a destination cannot admit loses none.
    #[test]
    fn workload_connections_are_every_allowed_pair() {
        let mut docs = Vec::new();
        for i in 0..12 {
            docs.push(format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w{i}\n  namespace: ns{}\n\
                 spec:\n  template:\n    metadata:\n      labels:\n        app: a{i}\n        tier: t{}\n\
                 \x20   spec:\n      containers:\n      - name: c\n        ports:\n        - name: web\n          containerPort: 80{i}\n",
                i % 3,
                i % 2
            ));
        }
        // Ingress from one app, from a tier in every namespace, from anyone on a
        // named port; an egress limit; a namespace left open.
        let policies = [
            "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: p0, namespace: ns0}\nspec:\n  podSelector: {matchLabels: {app: a0}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: a3}}\n",
            "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: p1, namespace: ns1}\nspec:\n  podSelector: {matchLabels: {tier: t1}}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n      podSelector: {matchLabels: {tier: t0}}\n",
            "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: p2, namespace: ns0}\nspec:\n  podSelector: {matchLabels: {tier: t0}}\n  ingress:\n  - ports:\n    - port: web\n",
            "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: p3, namespace: ns1}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {}\n",
            "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: p4, namespace: ns1}\nspec:\n  podSelector: {matchLabels: {app: a4}}\n",
        ];
        docs.extend(policies.iter().map(|p| (*p).to_string()));
        let text = docs.join("---\n");
        let cluster = Cluster::from_texts([("all.yaml", text.as_str())]);
        assert_eq!(cluster.workloads.len(), 12);
        assert_eq!(cluster.policies.len(), 5);
        assert!(cluster.problems.is_empty(), "{:?}", cluster.problems);
        let a = Analysis::new(&cluster);
        let listed: Vec<_> = a
            .connections()
            .into_iter()
            .filter(|(s, d, _)| matches!((s, d), (Endpoint::Workload(_), Endpoint::Workload(_))))
            .collect();
        let mut every = Vec::new();
        for s in 0..12 {
            for d in (0..12).filter(|&d| d != s) {
                let c = a.allowed(Endpoint::Workload(s), Endpoint::Workload(d));
                if !c.is_empty() {
                    every.push((Endpoint::Workload(s), Endpoint::Workload(d), c));
                }
            }
        }
        assert_eq!(listed, every);
        // Some pairs are allowed and some are not: the case tells them apart.
        assert!(
            !every.is_empty() && every.len() < 12 * 11,
            "{}",
            every.len()
        );
    }

    /// Whatever form a set takes as it grows (members, bits, everything), it
    /// holds the members a plain set holds, in order.
    #[test]
    fn bit_sets_hold_their_members_in_every_form() {
        let n = 300;
        let mut sets = [BitSet::new(n), BitSet::new(n), BitSet::full(n)];
        let mut plain: Vec<BTreeSet<usize>> =
            vec![BTreeSet::new(), BTreeSet::new(), (0..n).collect()];
        let mut x: usize = 7;
        for step in 0..400 {
            x = (x * 73 + 11) % 1000;
            let k = step % 3;
            // Indices past n up to the whole word are kept, as bits would be.
            let i = x % 330;
            sets[k].insert(i);
            if i < 320 {
                plain[k].insert(i);
            }
            if step % 50 == 49 {
                let other = sets[(k + 1) % 3].clone();
                sets[k].union_with(&other);
                let other: Vec<usize> = plain[(k + 1) % 3].iter().copied().collect();
                plain[k].extend(other);
            }
            for (set, want) in sets.iter().zip(&plain) {
                assert_eq!(
                    set.iter().collect::<Vec<_>>(),
                    want.iter().copied().collect::<Vec<_>>()
                );
                assert_eq!(set.is_empty(), want.is_empty());
                for probe in [0, 1, 63, 64, 299, 300, 319, 320, x % 330] {
                    assert_eq!(set.contains(probe), want.contains(&probe), "{probe}");
                }
            }
        }
        let mut small = BitSet::new(n);
        small.insert(5);
        let mut same = BitSet::new(n);
        same.insert(5);
        assert_eq!(small, same);
        same.union_with(&BitSet::full(n));
        assert_eq!(same, BitSet::full(n));
    }
}
