//! Admission webhooks and aggregated APIs: `ValidatingWebhookConfiguration` and
//! `MutatingWebhookConfiguration` (`admissionregistration.k8s.io`) that fail open on
//! security-relevant resources, and `APIService` objects
//! (`apiregistration.k8s.io`) that skip TLS verification.

pub(crate) mod api_service_insecure_tls;
pub(crate) mod webhook_fail_open;
