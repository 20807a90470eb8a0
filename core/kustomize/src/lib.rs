//! Kustomize, built in memory as `kubectl kustomize` (kustomize v5.5) builds it.
//!
//! [`build`] takes a map of file paths to contents and the folder of a
//! kustomization, and returns the built resources with, for every node, the
//! place of the file it was read from and of the patch, transformer or
//! generator that last set it. [`Build::to_yaml`] prints exactly what
//! `kubectl kustomize` prints; [`Build::render`] also gives the byte range of
//! every node in that text (for origin maps). No I/O: the caller reads files.

mod build;
pub mod emit;
mod error;
mod files;
mod generate;
pub mod helm;
mod jsonpatch;
pub mod node;
mod replace;
pub mod schema;
pub mod smp;
mod transform;

pub use build::{build, Build, Options, Reorder, Resource};
pub use error::KustomizeError;
pub use files::{
    is_kustomization_name, join as join_path, FileMap, FileSource, KUSTOMIZATION_NAMES,
};
pub use helm::{HelmChartRequest, HelmHook, HelmRenderer};
