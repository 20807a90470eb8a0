//! The Dockerfile rule pack: one rule per file.
