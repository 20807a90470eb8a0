//! Secrets and configuration: secret-looking values in `ConfigMaps` and
//! annotations, and `Secret` objects with literal data in the repository.
//!
//! What looks like a secret ([`detect`]): a value of a known credential format
//! anywhere (a PEM private key, an AWS access key id, a GitHub, GitLab, Slack,
//! Stripe or Google API token, a URL with a password), or a value under a key whose
//! name says it holds a secret (`password`, `apiKey`, `client_secret`, `*_TOKEN`,
//! as [`K8S014`](crate::hardening) reads environment variable names) that is not a
//! placeholder (`<password>`, `${DB_PASSWORD}`, `changeme`, `xxxx`), a reference
//! (`$(VAR)`, a file path, a URL without credentials, a Vault or secret-manager
//! reference), a boolean or a number of a few digits. Inside a multi-line value
//! (a configuration file in a `ConfigMap`), each `key = value`, `key: value` and
//! `key=value` line is read the same way. Messages name the key, never the value.

pub(crate) mod annotation_secret;
pub(crate) mod config_map_secret;
pub mod detect;
pub(crate) mod secret_literal_data;
