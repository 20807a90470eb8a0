//! Pod spec extraction: where each workload kind keeps its pod template, and the
//! typed pod spec decoded from it (see [`decode`] for the decoding rules).

pub mod decode;
pub mod model;

pub use decode::{DecodeError, Decoder};
pub use model::*;
