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
//! - [`guard`]: nesting, recursion and unknown functions, checked before regorus
//!   sees a module.
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
//! The `stockade` facade's crate documentation shows these policies applied
//! through its `Engine`.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod builtins;
pub mod check;
pub mod conftest;
pub mod constraint;
pub mod eval;
pub mod gator;
pub mod guard;
pub mod inventory;
pub mod lexer;
pub mod matching;
mod pack;
pub mod policies;
pub mod review;
pub mod shims;
pub mod template;

pub use constraint::Constraint;
pub use eval::{Backend, CompiledTemplate, PreparedTemplate, Violation};
pub use gator::{verify_suite, verify_suite_file, verify_suite_texts, SuiteResult, Verification};
pub use inventory::Inventory;
pub use pack::RegoPack;
pub use policies::{Policies, PreparedPolicies};
pub use template::Template;
