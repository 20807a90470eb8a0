//! The Kyverno pack as the engine dispatches it.

use std::sync::Arc;

use stockade_pack::{Context, Input, Pack};

use crate::Policies;

/// Kyverno `validate` rules over every Kubernetes object: each failing rule is a
/// finding with the dynamic rule id `<policy>/<rule>`.
#[derive(Debug, Clone, Default)]
pub struct KyvernoPack {
    policies: Arc<Policies>,
}

impl KyvernoPack {
    /// The pack applying `policies`.
    pub fn new(policies: Policies) -> Self {
        Self {
            policies: Arc::new(policies),
        }
    }

    /// The policies applied.
    pub fn policies(&self) -> &Policies {
        &self.policies
    }
}

impl Pack for KyvernoPack {
    fn name(&self) -> &'static str {
        "kyverno"
    }

    fn is_active(&self) -> bool {
        !self.policies.is_empty()
    }

    fn check(&self, input: Input<'_>, ctx: &mut Context<'_>) {
        if let Input::Manifest(manifest) = input {
            self.policies.check_manifest(manifest, ctx);
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
