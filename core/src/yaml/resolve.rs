//! Scalar resolution (work in progress).
