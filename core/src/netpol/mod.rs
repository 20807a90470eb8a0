//! NetworkPolicies (`networking.k8s.io/v1`): lint rules, default-deny coverage,
//! and who can reach whom.
//!
//! (Full documentation below is completed with the rest of the module.)

pub mod diff;
pub mod eval;
pub mod explain;
pub mod ip;
pub mod model;
pub mod ports;
pub mod render;
pub mod rules;
pub mod selector;

pub use diff::{diff, Change, ChangeKind, ConnDiff};
pub use eval::{Analysis, Endpoint};
pub use explain::{explain, Explanation};
pub use model::Cluster;
pub use ports::{ConnSet, PortSet, Protocol};
pub use render::{ConnFormat, ConnList, Connection, PeerName};

use crate::engine::Context;
use crate::finding::{Diagnostic, Problem};
use crate::rule::RuleMeta;
use crate::source::Source;

/// Every rule of the NetworkPolicy pack.
pub static RULES: &[&RuleMeta] = rules::RULES;

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
    pub fn from_sources(sources: &[Source]) -> ScanIndex {
        let cluster = Cluster::from_sources(sources);
        let mut by_path: std::collections::HashMap<String, (Vec<Diagnostic>, Vec<Problem>)> =
            cluster
                .paths
                .iter()
                .map(|p| (p.clone(), (Vec::new(), Vec::new())))
                .collect();
        for hit in rules::lint(&cluster) {
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

/// Report the NetworkPolicy findings of `source`: from `index` when it covers the
/// source, else by linting the source alone.
pub fn check(source: &Source, ctx: &mut Context<'_>, index: &ScanIndex) {
    let solo;
    let index = if index.covers(source.path()) {
        index
    } else {
        if !source.text().contains("NetworkPolicy") {
            return;
        }
        solo = ScanIndex::from_sources(std::slice::from_ref(source));
        &solo
    };
    if let Some((diagnostics, problems)) = index.by_path.get(source.path()) {
        for d in diagnostics {
            ctx.report(d.clone());
        }
        for p in problems {
            ctx.error(p.clone());
        }
    }
}
