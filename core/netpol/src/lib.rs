//! NetworkPolicies (`networking.k8s.io/v1`): lint rules, default-deny coverage,
//! and who can reach whom.
//!
//! Four things are built on one model of the manifests ([`Cluster`]: namespaces,
//! workloads, Services, NetworkPolicies, each with where it was read):
//!
//! - **Lint rules** `NP001`…`NP013` ([`rules`]), run by `stockade scan` on
//!   Kubernetes manifests. They need every object of the scan at once, so the
//!   engine first lints all Kubernetes sources together ([`ScanIndex`],
//!   [`crate::Engine::with_netpol`], [`crate::Engine::scan_sources`]) and each
//!   source's check then reports the findings located in it, through the usual
//!   suppressions and configuration. A source scanned alone is linted alone.
//! - **Connectivity list** ([`connlist`]): every allowed connection between
//!   workloads, and between workloads and address ranges outside the cluster,
//!   rendered as text (`src => dst : conns`, netpol-analyzer's connlist format),
//!   JSON, CSV, Markdown or Graphviz dot ([`ConnList::render`]).
//! - **Explain** ([`explain()`]): for one pair (and optionally one port), which
//!   policies and rules allow or deny it, with their positions.
//! - **Diff** ([`diff()`]): connections added, removed and changed between two sets
//!   of manifests.
//!
//! # Semantics (Kubernetes `networking.k8s.io/v1`)
//!
//! - A workload is isolated in a direction only when some policy of its namespace
//!   selects it (`podSelector`, `{}` selects all) and has that direction in its
//!   effective `policyTypes`; otherwise all traffic in that direction is allowed.
//!   `policyTypes` defaults to `[Ingress]`, plus `Egress` when `egress` has rules.
//! - Allows add up over policies and rules. A connection between two workloads needs
//!   egress allowed at the source and ingress allowed at the destination.
//! - `ingress: [{}]` allows everything; an absent or empty `ingress` allows nothing.
//!   In a rule, peers are OR-ed, ports are OR-ed, peers × ports are AND-ed; no
//!   peers (absent or empty `from`/`to`) means every peer, in and outside the
//!   cluster; no ports means every port of every protocol.
//! - Peers: `namespaceSelector` and `podSelector` in one item must both match; in
//!   two items either suffices. A lone `podSelector` selects in the policy's
//!   namespace, a lone `namespaceSelector` every pod of the matching namespaces.
//!   `matchExpressions` support `In`, `NotIn`, `Exists`, `DoesNotExist` (`NotIn` and
//!   `DoesNotExist` match objects without the key). `ipBlock` is the CIDR minus its
//!   `except` entries, IPv4 or IPv6.
//! - Ports: `protocol` defaults to TCP (TCP, UDP, SCTP); a protocol without `port`
//!   means all its ports; `endPort` makes a range. A named port resolves against
//!   the destination workload's container ports (name and protocol must match).
//! - Namespace labels come from Namespace objects, with `kubernetes.io/metadata.name`
//!   set to the name as the API server does; a namespace without an object has
//!   only that label. Objects without `metadata.namespace` are in `default`.
//! - Invalid parts of a policy (an unknown operator or protocol, a peer with no
//!   selector or with `ipBlock` next to a selector) match nothing and are reported
//!   as located `parse` errors: the API server would reject the policy.
//!
//! # Conventions shared with netpol-analyzer
//!
//! Manifests are not a running cluster. Where the answer depends on facts only a
//! cluster has, Stockade follows np-guard's netpol-analyzer so that the text output
//! can be compared line for line (its 32 connlist cases pass, see
//! `core/stockade/tests/netpol_conformance.rs`):
//!
//! - **Workloads.** Pods are grouped by owner: a Deployment, ReplicaSet,
//!   StatefulSet, DaemonSet, ReplicationController, Job or CronJob is one workload
//!   with the labels and container ports of its pod template; a Pod whose
//!   `ownerReferences` has a controller (other than a Node) belongs to that owner
//!   (`ns/<owner name>[<owner kind>]`, kind `Pod` when the reference has none);
//!   any other Pod is its own workload (`ns/name[Pod]`). The first pod seen stands
//!   for its owner (netpol-analyzer refuses owners whose pods differ in labels a
//!   policy reads; Stockade keeps the first pod's labels).
//! - **Names.** Workloads print as `ns/name[Kind]`, address ranges as
//!   `first-last[External]` (`0.0.0.0-255.255.255.255[External]`).
//! - **Self-connections** (a workload to itself, between its replicas) are not
//!   listed; neither are connections between two address ranges.
//! - **External ranges.** Addresses outside the cluster are split into the maximal
//!   contiguous ranges on which every `ipBlock` (cut into its contiguous pieces) is
//!   constant: the `ipBlock`s of ingress rules split the sources, those of egress
//!   rules the destinations, separately. IPv4 is always split
//!   (`0.0.0.0-255.255.255.255` when no rule names a block); IPv6 only when some
//!   `ipBlock` is IPv6 (netpol-analyzer reads IPv4 only).
//! - **`ipBlock` never selects a workload**: manifests give pods no addresses. In a
//!   cluster, an `ipBlock` covering the pod network may or may not match pod traffic
//!   (the documentation leaves it to the network plugin).
//! - **A named port never matches an address range** (netpol-analyzer stops with an
//!   error there; Stockade allows nothing for that port and reports `NP007`).
//! - **Typed lists**: items of a `PodList`, `NamespaceList`, … without `apiVersion`
//!   and `kind` are of the list's item kind, as the API returns them.
//!
//! Not modelled: AdminNetworkPolicy and BaselineAdminNetworkPolicy, Ingress/Route
//! objects (netpol-analyzer's `{ingress-controller}` peer), secondary networks, and
//! the node a pod runs on (host-network pods are treated as any pod). Pods an
//! operator creates from a custom resource are not workloads of the manifests.
//!
//! # Lint rules and the scanned set
//!
//! Rules that compare selectors with workloads (`NP001`, `NP002`, the reverse case
//! of `NP003`) judge only when the scan has workloads; coverage rules (`NP011`
//! ingress, `NP012` egress, `NP013` default deny) only when it has
//! NetworkPolicies, so that a repository keeping its policies elsewhere is not
//! flagged on every workload. Findings point at the offending node: the selector,
//! the peer, the port, the `except` entry, the workload's or namespace's name.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
// Kubernetes kinds and field names read better without backticks in prose.
#![allow(clippy::doc_markdown)]

pub mod diff;
pub mod eval;
pub mod explain;
mod intstr;
pub mod ip;
pub mod model;
mod pack;
pub mod ports;
pub mod render;
pub mod rules;
pub mod selector;

pub use diff::{diff, Change, ChangeKind, ConnDiff};
pub use eval::{Analysis, Endpoint};
pub use explain::{explain, Explanation};
pub use model::Cluster;
pub use pack::NetpolPack;
pub use ports::{ConnSet, PortSet, Protocol};
pub use render::{ConnFormat, ConnList, Connection, PeerName};

use stockade_source::context::Context;
use stockade_source::finding::{Diagnostic, Problem};
use stockade_source::source::Source;
use stockade_yaml::objects::Manifest;

pub use rules::RULES;

/// The allowed connections of the workloads of `sources` (all the manifests of a
/// cluster, or of a change): see the module docs for the semantics and conventions.
pub fn connlist(sources: &[Source]) -> ConnList {
    connlist_of(&Cluster::from_sources(sources))
}

/// [`connlist`] of a cluster already read.
pub fn connlist_of(cluster: &Cluster) -> ConnList {
    let a = Analysis::new(cluster);
    let peer = |e: Endpoint| PeerName {
        name: a.name(e),
        external: matches!(e, Endpoint::External(_)),
    };
    let mut connections: Vec<Connection> = a
        .connections()
        .into_iter()
        .map(|(s, d, conns)| Connection {
            src: peer(s),
            dst: peer(d),
            conns,
        })
        .collect();
    connections.sort_by(|x, y| (&x.src.name, &x.dst.name).cmp(&(&y.src.name, &y.dst.name)));
    let mut workloads: Vec<String> = cluster.workloads.iter().map(model::Workload::id).collect();
    workloads.sort();
    workloads.dedup();
    ConnList {
        workloads,
        connections,
    }
}

/// The NetworkPolicy lint findings of a whole scan, by source path: computed once
/// over every Kubernetes source (cross-object rules need all of them), then handed
/// to each source's check so that suppressions and configuration apply as for any
/// other finding.
#[derive(Debug, Clone, Default)]
pub struct ScanIndex {
    by_path: std::collections::HashMap<String, (Vec<Diagnostic>, Vec<Problem>)>,
}

impl ScanIndex {
    /// Lint the NetworkPolicies of `sources` (all Kubernetes manifests of a scan).
    /// Without any NetworkPolicy in `sources` there is nothing to lint (the
    /// coverage rules judge only scans that have policies): the index stays empty
    /// and the sources are not read.
    pub fn from_sources(sources: &[Source]) -> ScanIndex {
        if !sources.iter().any(|s| mentions_network_policy(s.text())) {
            return ScanIndex::default();
        }
        ScanIndex::from_cluster(&Cluster::from_sources(sources))
    }

    /// [`ScanIndex::from_sources`] on sources already read.
    pub fn from_manifests(manifests: &[Manifest<'_>]) -> ScanIndex {
        if !manifests
            .iter()
            .any(|m| mentions_network_policy(m.source.text()))
        {
            return ScanIndex::default();
        }
        ScanIndex::from_cluster(&Cluster::from_manifests(manifests))
    }

    /// Lint the NetworkPolicies of a cluster read from every Kubernetes source of
    /// a scan (the caller decides whether the scan has any NetworkPolicy).
    pub fn from_cluster(cluster: &Cluster) -> ScanIndex {
        let mut by_path: std::collections::HashMap<String, (Vec<Diagnostic>, Vec<Problem>)> =
            cluster
                .paths
                .iter()
                .map(|p| (p.clone(), (Vec::new(), Vec::new())))
                .collect();
        for hit in rules::lint(cluster) {
            let d = Diagnostic::new(hit.meta, hit.loc.span, hit.message)
                .in_document(hit.loc.document)
                .with_object(hit.object)
                .with_pointer(hit.loc.pointer);
            if let Some(entry) = by_path.get_mut(cluster.path(hit.loc.source)) {
                entry.0.push(d);
            }
        }
        for (source, problem) in &cluster.problems {
            if let Some(entry) = by_path.get_mut(cluster.path(*source)) {
                entry.1.push(problem.clone());
            }
        }
        ScanIndex { by_path }
    }

    /// Whether `path` was part of the scan this index was built from.
    pub fn covers(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }
}

/// Whether `text` holds the word `NetworkPolicy` anywhere (a text without it
/// has no NetworkPolicy to lint): a SIMD search, since every Kubernetes source
/// of a scan is searched, megabytes of CRDs among them.
pub fn mentions_network_policy(text: &str) -> bool {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| memchr::memmem::Finder::new("NetworkPolicy"))
        .find(text.as_bytes())
        .is_some()
}

/// Report the NetworkPolicy findings of `source`: from `index` when it covers the
/// source, else by linting the source alone.
pub fn check(source: &Source, ctx: &mut Context<'_>, index: &ScanIndex) {
    if index.covers(source.path()) {
        index.report(source.path(), ctx);
    } else if mentions_network_policy(source.text()) {
        let stream = stockade_yaml::parse_stream(source.text(), &stockade_yaml::Limits::default());
        check_manifest(&Manifest::new(source, &stream), ctx, index);
    }
}

/// [`check`] on a source already read.
pub fn check_manifest(manifest: &Manifest<'_>, ctx: &mut Context<'_>, index: &ScanIndex) {
    let path = manifest.source.path();
    if index.covers(path) {
        index.report(path, ctx);
    } else if mentions_network_policy(manifest.source.text()) {
        ScanIndex::from_manifests(std::slice::from_ref(manifest)).report(path, ctx);
    }
}

impl ScanIndex {
    /// Hand the findings and problems located in `path` to `ctx`.
    fn report(&self, path: &str, ctx: &mut Context<'_>) {
        if let Some((diagnostics, problems)) = self.by_path.get(path) {
            for d in diagnostics {
                ctx.report(d.clone());
            }
            for p in problems {
                ctx.error(p.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The word anywhere in the text, and only the whole word.
    #[test]
    fn texts_that_mention_network_policy() {
        assert!(super::mentions_network_policy("kind: NetworkPolicy\n"));
        assert!(super::mentions_network_policy(&format!(
            "{}NetworkPolicy",
            "x".repeat(5000)
        )));
        assert!(!super::mentions_network_policy(
            "kind: Network\nPolicy: x\n"
        ));
        assert!(!super::mentions_network_policy(""));
    }
}
