//! Kyverno `validate` policies, evaluated offline as Kyverno would, and a
//! `kyverno test` runner.
//!
//! # Supported subset
//!
//! - `ClusterPolicy` / `Policy` documents; rules with `validate.pattern`,
//!   `validate.anyPattern`, `validate.deny` (conditions with `any`/`all` or a
//!   plain list) and `validate.foreach` (nested, with `preconditions`,
//!   `context` variables, `elementScope`).
//! - Patterns: anchors `(key)` conditional, `<(key)` global, `=(key)` equality,
//!   `^(key)` existence, `X(key)` negation (`+(key)` is a mutate anchor: as in
//!   Kyverno's validation, the key is looked up as written); wildcards `*`/`?`; operators `!`, `|`, `&`, `>`, `<`, `>=`,
//!   `<=`, ranges `a-b`, `a!-b`; Kubernetes quantities and Go durations;
//!   `null`; arrays of patterns; wildcard label/annotation keys.
//! - Conditions: `Equals`, `NotEquals`, `In`, `NotIn`, `AnyIn`, `AllIn`,
//!   `AnyNotIn`, `AllNotIn`, `GreaterThan(OrEquals)`, `LessThan(OrEquals)`,
//!   `Duration*`.
//! - Variables `{{ ... }}`: `JMESPath` through the `jmespath` crate (0.5,
//!   pure Rust, no I/O: it builds for WebAssembly) over the request as the
//!   Kyverno CLI shapes it: `request.object`, `request.operation` (`CREATE`
//!   unless a values file says otherwise; `UPDATE` and `DELETE` also set
//!   `request.oldObject` to the resource), `request.namespace`, an empty
//!   `request.userInfo`; `images` (image details by container name, for pods
//!   and pod templates); `element` / `elementIndex` in `foreach`; `context`
//!   entries of type `variable`; and values from a `kyverno test` values file.
//!   A plain path naming a missing key fails as in Kyverno ("Unknown key");
//!   `||` defaults and projections behave as Kyverno's fork. Kyverno
//!   functions: `regex_match`, `regex_replace_all(_literal)` (Rust `regex`,
//!   RE2-compatible), `to_upper`, `to_lower`, `split`, `trim`, `trim_prefix`,
//!   `trim_suffix`, `replace`, `replace_all`, `equal_fold`, `compare`,
//!   `pattern_match`, `label_match`, `to_boolean`, `truncate`, `round`,
//!   `divide`, `multiply`, `add`, `subtract`, `modulo` (numbers and
//!   quantities), `merge`, `items`, `object_from_lists`, `lookup`,
//!   `parse_json`, `parse_yaml`. Not available: the `time_*` functions,
//!   `random`, `x509_decode`, `base64_*`, `sha256`, `md5`,
//!   `image_normalize`, `is_external_url`, `semver_compare`,
//!   `path_canonicalize`; and `{{@}}`. An expression is limited in size,
//!   nesting and operators ([`vars::MAX_EXPRESSION_BYTES`] and the constants
//!   beside it) so that a hostile policy cannot exhaust the stack.
//! - `$(./relative/path)` references between values of one pattern, with an
//!   optional operator (`"<=$(./../limits/memory)"`).
//! - `match`/`exclude`: `any`, `all` and the legacy form; `kinds`
//!   (`Kind`, `Version/Kind`, `Group/Version/Kind`, wildcards), `names`,
//!   `namespaces`, `annotations`, `selector`, `namespaceSelector` (labels from
//!   a values file), `operations`. Offline there is no requester: filters on
//!   `roles`, `clusterRoles` or `subjects` never match.
//! - Auto-generated pod-controller rules (`autogen-<rule>` for
//!   DaemonSet/Deployment/Job/StatefulSet/ReplicaSet/ReplicationController,
//!   `autogen-cronjob-<rule>` for `CronJob`), honouring
//!   `pod-policies.kyverno.io/autogen-controllers`.
//! - `preconditions`.
//!
//! Rules using anything else (`mutate`, `generate`, `verifyImages`,
//! `celPreconditions`, `validate.cel`, `validate.podSecurity`,
//! `validate.manifests`, `validate.assert`, context
//! `apiCall`/`configMap`/`imageRegistry`/`globalReference` not provided by a
//! values file; `JMESPath` functions the runtime lacks) give an `unsupported`
//! problem naming the feature when the policies are read
//! ([`Policies::from_texts`], located at the rule's name; the rule is then
//! skipped by scans) and an `error` result marked unsupported in tests; so do the CEL-based policy
//! kinds (`ValidatingPolicy`, `MutatingPolicy`, `GeneratingPolicy`, …,
//! `ValidatingAdmissionPolicy`). Nothing is silently ignored.
//!
//! # Conformance
//!
//! `core/stockade/tests/kyverno_conformance.rs` runs the kyverno/policies tests kept in
//! `shared/conformance/kyverno-policies` as `kyverno test` does: every entry of
//! every test whose files are present matches (322 of 322; 92 of 92 tests);
//! 21 tests (89 entries) read resources from `.chainsaw-test/` folders that the
//! data set does not include.
//!
//! # Findings
//!
//! Each failing rule is a finding with the dynamic rule id `<policy>/<rule>`
//! (auto-generated rules keep their `autogen-` names), the policy's
//! `policies.kyverno.io/title` as title, and Kyverno's message (the rule's
//! `validate.message` with variables substituted, plus the failing path:
//! `validation error: ... rule X failed at path /spec/containers/0/image/`). The
//! span is the node at the failing path (the deepest existing ancestor's key
//! when the path names a missing field); `deny` rules, which have no path, point
//! at the object's `metadata.name`. Findings can be suppressed by id like any
//! other (`# stockade ignore=<policy>/<rule>`).
//!
//! # Severity
//!
//! A failing rule's severity is the policy's `policies.kyverno.io/severity`
//! annotation (`critical`, `high`, `medium`, `low`, `info`) when set, else
//! `high` for `validationFailureAction: Enforce` (the request would be
//! blocked) and `medium` for `Audit` (the default).
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod conditions;
pub mod eval;
mod pack;
pub mod pattern;
pub mod policy;
pub mod test;
pub mod values;
pub mod vars;

use std::sync::Arc;

use serde_json::Value;

use stockade_source::finding::{Diagnostic, DynamicRule, ErrorKind, Problem};
use stockade_source::rule::Category;
use stockade_source::source::Source;
use stockade_yaml::{Limits, Node};

pub use eval::{Request, RuleResponse, Status};
pub use pack::KyvernoPack;
pub use policy::{Policy, Rule};
pub use test::{run_test, run_test_dir, run_test_texts, run_test_with, TestEntryResult, TestRun};

/// A set of compiled Kyverno policies, usable by the [`crate::Engine`].
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub policies: Vec<Policy>,
}

/// Policy-reading problems, with the file they are about.
#[derive(Debug, Clone)]
pub struct PolicyError {
    pub path: String,
    pub problem: Problem,
}

impl Policies {
    /// Read every `ClusterPolicy`/`Policy` document of the texts
    /// (`(path, text)`); other documents are ignored. Problems are located.
    pub fn from_texts<'a>(
        texts: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Self, Vec<PolicyError>) {
        let mut out = Self::default();
        let mut errors = Vec::new();
        for (path, text) in texts {
            let stream = stockade_yaml::parse_stream(text, &Limits::default());
            for doc in &stream.documents {
                let root = match &doc.root {
                    Ok(root) => root,
                    Err(p) => {
                        errors.push(PolicyError {
                            path: path.to_string(),
                            problem: p.clone(),
                        });
                        continue;
                    }
                };
                if let Some(kind) = unsupported_policy_kind(root) {
                    errors.push(PolicyError {
                        path: path.to_string(),
                        problem: Problem::new(
                            ErrorKind::Unsupported,
                            root.span,
                            format!("{kind} (a CEL-based Kyverno policy) is not supported; only ClusterPolicy and Policy validate rules are"),
                        )
                        .in_document(doc.index),
                    });
                    continue;
                }
                if !is_policy(root) {
                    continue;
                }
                match policy::read_policy(&root.to_json(), path, root.span) {
                    Ok(p) => {
                        // Rules an offline scan cannot evaluate: reported once,
                        // at the rule, and skipped during scans.
                        for (i, rule) in p.rules.iter().enumerate() {
                            let (Some(reason), None) = (&rule.unsupported, &rule.generated_from)
                            else {
                                continue;
                            };
                            let span = root
                                .pointer(&format!("/spec/rules/{i}/name"))
                                .map_or(root.span, |n| n.span);
                            errors.push(PolicyError {
                                path: path.to_string(),
                                problem: Problem::new(
                                    ErrorKind::Unsupported,
                                    span,
                                    format!(
                                        "Kyverno policy {} rule {} uses {reason}, outside Stockade's offline Kyverno subset; the rule is not evaluated",
                                        p.name, rule.name
                                    ),
                                )
                                .in_document(doc.index),
                            });
                        }
                        out.policies.push(p);
                    }
                    Err(message) => errors.push(PolicyError {
                        path: path.to_string(),
                        problem: Problem::new(ErrorKind::Policy, root.span, message)
                            .in_document(doc.index),
                    }),
                }
            }
        }
        (out, errors)
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Apply every rule to one object (its node in the scanned source) and
    /// report failing rules as findings, unsupported rules as errors.
    pub fn check_object(
        &self,
        ctx: &mut stockade_source::context::Context<'_>,
        document: usize,
        object_root: &Node,
        object_pointer: &str,
        display_name: &str,
    ) {
        let resource = object_root.to_json();
        let request = Request::default();
        for policy in &self.policies {
            for rule in policy.rules.iter().filter(|r| r.unsupported.is_none()) {
                if !eval::rule_matches(policy, rule, &resource, &request) {
                    continue;
                }
                let Some(response) = eval::evaluate_rule(rule, &resource, &request) else {
                    continue;
                };
                match response.status {
                    Status::Fail => {
                        // Deny rules have no failing path: point at the object's name.
                        let pointer = match response.pointer.clone().unwrap_or_default() {
                            p if p.is_empty()
                                && object_root.pointer("/metadata/name").is_some() =>
                            {
                                "/metadata/name".to_string()
                            }
                            p => p,
                        };
                        let located = object_root.locate(&pointer);
                        let meta = DynamicRule {
                            id: format!("{}/{}", policy.name, rule.name),
                            aliases: Vec::new(),
                            severity: policy.severity(rule),
                            category: Category::Security,
                            title: policy
                                .annotations
                                .get("policies.kyverno.io/title")
                                .and_then(Value::as_str)
                                .unwrap_or(&policy.name)
                                .to_string(),
                            remediation: String::new(),
                            help: String::new(),
                        };
                        let full_pointer = format!("{object_pointer}{pointer}");
                        ctx.report(
                            Diagnostic::new(
                                stockade_source::finding::RuleRef::Dynamic(Arc::new(meta)),
                                located.span(),
                                response.message,
                            )
                            .in_document(document)
                            .with_object(display_name.to_string())
                            .with_pointer(full_pointer),
                        );
                    }
                    Status::Error => {
                        let kind = if response.unsupported {
                            ErrorKind::Unsupported
                        } else {
                            ErrorKind::Policy
                        };
                        ctx.error(
                            Problem::new(
                                kind,
                                object_root.span,
                                format!(
                                    "Kyverno policy {} rule {} on {display_name}: {}",
                                    policy.name, rule.name, response.message
                                ),
                            )
                            .in_document(document),
                        );
                    }
                    Status::Pass | Status::Skip => {}
                }
            }
        }
    }

    /// Scan a manifest source with these policies only (a convenience for
    /// callers and the CLI's `scan --kyverno`).
    pub fn check_source(&self, source: &Source, ctx: &mut stockade_source::context::Context<'_>) {
        let stream = stockade_yaml::parse_stream(source.text(), &Limits::default());
        self.check_manifest(&stockade_yaml::objects::Manifest::new(source, &stream), ctx);
    }

    /// [`Policies::check_source`] on a source already read.
    pub fn check_manifest(
        &self,
        manifest: &stockade_yaml::objects::Manifest<'_>,
        ctx: &mut stockade_source::context::Context<'_>,
    ) {
        for (doc, o) in manifest.objects() {
            self.check_object(ctx, doc.index, o.root, &o.pointer, &o.display_name());
        }
    }
}

/// The kind of a Kyverno policy document Stockade does not evaluate
/// (`ValidatingPolicy`, `MutatingPolicy`, …, and `ValidatingAdmissionPolicy`).
pub fn unsupported_policy_kind(root: &Node) -> Option<String> {
    let api = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
    let kyverno = api.starts_with("policies.kyverno.io/") || api.starts_with("kyverno.io/");
    let vap = api.starts_with("admissionregistration.k8s.io/")
        && kind.starts_with("ValidatingAdmissionPolicy")
        && !kind.ends_with("Binding");
    let known = matches!(
        kind,
        "ClusterPolicy"
            | "Policy"
            | "PolicyException"
            | "CleanupPolicy"
            | "ClusterCleanupPolicy"
            | "GlobalContextEntry"
            | "UpdateRequest"
    );
    ((kyverno && !known && kind.ends_with("Policy")) || vap).then(|| kind.to_string())
}

/// Whether a YAML node is a Kyverno policy document.
pub fn is_policy(root: &Node) -> bool {
    let api = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
    api.starts_with("kyverno.io/") && matches!(kind, "ClusterPolicy" | "Policy")
}
