//! The pack API: the one trait every rule pack implements ([`Pack`]) and what the
//! engine hands a pack ([`Input`], [`Scan`]).
//!
//! A scan has two phases. First, [`Pack::prepare`] sees every Kubernetes source
//! of the scan, parsed once, and returns the pack prepared for that scan (the
//! Namespace index of the Pod Security checks, the `NetworkPolicy` analysis,
//! Gatekeeper's inventory). Then [`Pack::check`] sees one source at a time and
//! reports into a [`Context`]. Packs run in a fixed order; a pack that reads a
//! source may publish a JSON form of it for the packs after it
//! ([`Context::publish`]: a parsed Dockerfile becomes conftest's input).
//!
//! This crate does no I/O.

use std::sync::Arc;

pub use stockade_source::context::Context;
use stockade_source::rule::RuleMeta;
use stockade_source::source::{Source, Span};
pub use stockade_yaml::objects::Manifest;

/// What one pack checks: a source, read as its kind.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Input<'a> {
    /// A Dockerfile, as text (the Dockerfile pack parses it).
    Dockerfile(&'a Source),
    /// A Kubernetes YAML or JSON stream, parsed once for every pack.
    Manifest(&'a Manifest<'a>),
    /// A JSON form of a source that an earlier pack published (conftest's input
    /// for a parsed Dockerfile); findings on it are reported at `span`.
    Document {
        source: &'a Source,
        value: &'a serde_json::Value,
        span: Span,
    },
}

impl Input<'_> {
    /// The source being checked.
    pub fn source(&self) -> &Source {
        match self {
            Input::Dockerfile(source) | Input::Document { source, .. } => source,
            Input::Manifest(manifest) => manifest.source,
        }
    }
}

/// Every Kubernetes source of one scan, parsed once, for [`Pack::prepare`].
#[derive(Clone, Copy)]
pub struct Scan<'a> {
    pub manifests: &'a [Manifest<'a>],
}

/// A rule pack as the engine sees it.
pub trait Pack: Send + Sync + std::fmt::Debug {
    /// A short stable name (`dockerfile`, `kubernetes`, `netpol`, `rego`, `kyverno`).
    fn name(&self) -> &'static str;

    /// Metadata of every built-in rule the pack declares (its registration list;
    /// packs of run-time policies declare none).
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[]
    }

    /// Whether checking can find anything (a policy pack without policies cannot):
    /// the engine skips inactive packs.
    fn is_active(&self) -> bool {
        true
    }

    /// Whether the pack reads [`Input::Document`]s: only then does an earlier pack
    /// publish them.
    fn reads_documents(&self) -> bool {
        false
    }

    /// The pack prepared for one scan of `scan` (scan-wide indexes built from
    /// every source); `None` when it has nothing to prepare.
    fn prepare(&self, _scan: Scan<'_>) -> Option<Arc<dyn Pack>> {
        None
    }

    /// Check one source, reporting into `ctx`.
    fn check(&self, input: Input<'_>, ctx: &mut Context<'_>);

    /// The pack as `Any`, for callers that need its own API back from the engine.
    fn as_any(&self) -> &dyn std::any::Any;
}
