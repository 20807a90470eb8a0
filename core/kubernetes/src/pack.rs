//! The Kubernetes pack as the engine dispatches it.

use std::sync::Arc;

use stockade_pack::{Context, Input, Pack, Scan};
use stockade_source::rule::RuleMeta;

use crate::{NamespaceIndex, ScanIndex};

/// Pod Security, hardening, seccomp and RBAC checks over every Kubernetes object,
/// with the Namespace labels of the whole scan deciding Pod Security levels and the
/// Roles of the whole scan read by the rules on bindings.
#[derive(Debug, Clone, Default)]
pub struct KubernetesPack {
    namespaces: Arc<NamespaceIndex>,
    scan: Arc<ScanIndex>,
}

impl KubernetesPack {
    /// The pack with these Namespace labels (from outside the scan; the
    /// Namespaces of the scanned sources are added by [`Pack::prepare`]).
    pub fn new(namespaces: NamespaceIndex) -> Self {
        Self {
            namespaces: Arc::new(namespaces),
            scan: Arc::new(ScanIndex::default()),
        }
    }

    /// The Namespace labels the pack decides levels with.
    pub fn namespaces(&self) -> &NamespaceIndex {
        &self.namespaces
    }
}

impl Pack for KubernetesPack {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn rules(&self) -> &'static [&'static RuleMeta] {
        crate::RULES
    }

    fn prepare(&self, scan: Scan<'_>) -> Option<Arc<dyn Pack>> {
        let mut found = NamespaceIndex::new();
        let mut index = (*self.scan).clone();
        for manifest in scan.manifests {
            found.add_manifest(manifest);
            index.add_manifest(manifest);
        }
        let mut namespaces = (*self.namespaces).clone();
        namespaces.extend(&found);
        Some(Arc::new(Self {
            namespaces: Arc::new(namespaces),
            scan: Arc::new(index),
        }))
    }

    fn check(&self, input: Input<'_>, ctx: &mut Context<'_>) {
        if let Input::Manifest(manifest) = input {
            crate::check_manifest_in(manifest, ctx, &self.namespaces, &self.scan);
            crate::fix::attach(manifest, ctx);
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
