//! The NetworkPolicy pack as the engine dispatches it.

use std::sync::Arc;

use stockade_pack::{Context, Input, Pack, Scan};
use stockade_source::rule::RuleMeta;

use crate::{Cluster, ScanIndex};

/// NetworkPolicy lint over every policy and workload of the scan; each source
/// gets the findings located in it.
#[derive(Debug, Clone, Default)]
pub struct NetpolPack {
    index: Arc<ScanIndex>,
}

impl NetpolPack {
    /// The pack with the findings of a whole scan (see [`ScanIndex`]); without
    /// one, each source is linted alone.
    pub fn new(index: ScanIndex) -> Self {
        Self {
            index: Arc::new(index),
        }
    }
}

impl Pack for NetpolPack {
    fn name(&self) -> &'static str {
        "netpol"
    }

    fn rules(&self) -> &'static [&'static RuleMeta] {
        crate::RULES
    }

    /// Lints the cluster of the whole scan, when the scan has NetworkPolicies.
    fn prepare(&self, scan: Scan<'_>) -> Option<Arc<dyn Pack>> {
        let lint = scan
            .manifests
            .iter()
            .any(|m| crate::mentions_network_policy(m.source.text()));
        if !lint {
            return Some(Arc::new(Self::default()));
        }
        let mut cluster = Cluster::default();
        for manifest in scan.manifests {
            cluster.add_manifest(manifest);
        }
        cluster.finish();
        Some(Arc::new(Self::new(ScanIndex::from_cluster(&cluster))))
    }

    fn check(&self, input: Input<'_>, ctx: &mut Context<'_>) {
        if let Input::Manifest(manifest) = input {
            crate::check_manifest(manifest, ctx, &self.index);
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
