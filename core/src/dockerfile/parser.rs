//! (filled by the Dockerfile parser work)
