//! The Gatekeeper and conftest pack as the engine dispatches it.

use std::sync::Arc;

use stockade_pack::{Context, Input, Pack, Scan};

use crate::{Backend, Inventory, Policies, PreparedPolicies};

/// Gatekeeper constraints and conftest policies over every Kubernetes object, and
/// conftest policies over the documents earlier packs publish (Dockerfiles).
#[derive(Debug, Clone, Default)]
pub struct RegoPack {
    /// The policies as compiled, with the inventory given beside the scan.
    given: Option<Arc<(Policies, Inventory)>>,
    /// The same, prepared (the inventory added to every template).
    prepared: Option<Arc<PreparedPolicies>>,
}

impl RegoPack {
    /// The pack applying `policies`, with `inventory` (objects of the cluster that
    /// are not scanned) as part of `data.inventory`; [`Pack::prepare`] adds the
    /// scanned objects to it.
    pub fn new(policies: &Policies, inventory: Inventory) -> Self {
        Self {
            prepared: Some(Arc::new(
                policies.prepare(inventory.clone(), Backend::default()),
            )),
            given: Some(Arc::new((policies.clone(), inventory))),
        }
    }

    /// The prepared policies, when any.
    pub fn prepared(&self) -> Option<&PreparedPolicies> {
        self.prepared.as_deref()
    }
}

impl Pack for RegoPack {
    fn name(&self) -> &'static str {
        "rego"
    }

    fn is_active(&self) -> bool {
        self.prepared.is_some()
    }

    fn reads_documents(&self) -> bool {
        self.prepared
            .as_deref()
            .is_some_and(PreparedPolicies::has_conftest)
    }

    fn prepare(&self, scan: Scan<'_>) -> Option<Arc<dyn Pack>> {
        let given = self.given.as_ref()?;
        let mut inventory = given.1.clone();
        for manifest in scan.manifests {
            inventory.add_objects(manifest.objects().map(|(_, o)| o));
        }
        Some(Arc::new(Self {
            prepared: Some(Arc::new(given.0.prepare(inventory, Backend::default()))),
            given: Some(Arc::clone(given)),
        }))
    }

    fn check(&self, input: Input<'_>, ctx: &mut Context<'_>) {
        let Some(policies) = self.prepared.as_deref() else {
            return;
        };
        match input {
            Input::Manifest(manifest) => policies.check_manifest(manifest, ctx),
            Input::Document { value, span, .. } if policies.has_conftest() => {
                policies.check_conftest(value, span, 0, None, ctx);
            }
            _ => {}
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
