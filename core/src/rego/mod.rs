//! Rego policies: OPA Gatekeeper `ConstraintTemplates` and Constraints evaluated
//! exactly as Gatekeeper does, `gator verify` suites, and conftest-style
//! policies, on [regorus](https://github.com/microsoft/regorus).
//!
//! - [`template`]: reading a `ConstraintTemplate` (kind, Rego v0/v1, libs, schema).
//! - [`constraint`]: reading a Constraint (match, parameters, enforcement action).
//! - [`matching`]: `spec.match` as Gatekeeper's matcher evaluates it.
//! - [`review`]: the `AdmissionRequest` a template sees as `input.review`.
//! - [`inventory`]: `data.inventory` for referential templates.
//! - [`check`]: the template checks Gatekeeper makes and regorus does not.
//! - [`shims`] and [`builtins`]: closing the differences between regorus and OPA.
//! - [`eval`]: compiling a template once and evaluating it.
//! - [`policies`]: a set of templates, constraints and conftest policies applied
//!   by a scan.
//! - [`gator`]: running `gator verify` suites.
//! - [`conftest`]: conftest-convention policies over any scanned document.
//!
//! Templates that also carry `K8sNativeValidation` (CEL) code are evaluated with
//! their Rego only; the CEL code is ignored (a template with only CEL code is a
//! `policy` error: there is no Rego to run).
//!
//! ```
//! use stockade::rego::{Inventory, Policies};
//! use stockade::{Engine, Kind};
//!
//! let template = r#"
//! apiVersion: templates.gatekeeper.sh/v1
//! kind: ConstraintTemplate
//! metadata: {name: k8snolatest}
//! spec:
//!   crd: {spec: {names: {kind: K8sNoLatest}}}
//!   targets:
//!   - target: admission.k8s.gatekeeper.sh
//!     rego: |
//!       package k8snolatest
//!       violation[{"msg": msg}] {
//!         c := input.review.object.spec.containers[_]
//!         endswith(c.image, ":latest")
//!         msg := sprintf("container %v uses :latest", [c.name])
//!       }
//! ---
//! apiVersion: constraints.gatekeeper.sh/v1beta1
//! kind: K8sNoLatest
//! metadata: {name: no-latest}
//! "#;
//! let policies = Policies::from_texts([("policies.yaml", template)]);
//! assert!(policies.errors().is_empty());
//! let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: 'nginx:latest'}]\n";
//! let engine = Engine::default().with_policies(&policies, Inventory::from_texts([pod]));
//! let report = engine.scan(pod, Some("pod.yaml"), Some(Kind::Kubernetes));
//! assert!(report.findings.iter().any(|f| f.rule == "K8sNoLatest/no-latest" && f.message == "container c uses :latest"));
//! ```

pub mod builtins;
pub mod check;
pub mod conftest;
pub mod constraint;
pub mod eval;
pub mod gator;
pub mod inventory;
pub mod lexer;
pub mod matching;
pub mod policies;
pub mod review;
pub mod shims;
pub mod template;

pub use constraint::Constraint;
pub use eval::{Backend, CompiledTemplate, PreparedTemplate, Violation};
pub use gator::{verify_suite, verify_suite_file, verify_suite_texts, SuiteResult, Verification};
pub use inventory::Inventory;
pub use policies::{Policies, PreparedPolicies};
pub use template::Template;
