//! NetworkPolicies (`networking.k8s.io/v1`): lint rules, default-deny coverage,
//! and who can reach whom.
//!
//! (Full documentation below is completed with the rest of the module.)

pub mod eval;
pub mod ip;
pub mod model;
pub mod ports;
pub mod render;
pub mod selector;

pub use eval::{Analysis, Endpoint};
pub use model::Cluster;
pub use ports::{ConnSet, PortSet, Protocol};
pub use render::{ConnFormat, ConnList, Connection, PeerName};

use crate::source::Source;

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
