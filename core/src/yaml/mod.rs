//! Span-preserving YAML reading, as Kubernetes reads YAML (filled by the YAML work).
