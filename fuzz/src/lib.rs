//! The fuzz targets' properties, shared with the stable replay test.
#[path = "../../core/stockade/tests/common/invariants.rs"]
pub mod invariants;
pub mod targets;
