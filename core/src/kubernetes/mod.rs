//! Kubernetes manifests: objects, pod specs, Pod Security Standards and hardening rules.
