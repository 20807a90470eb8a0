//! A set of Gatekeeper templates and constraints (and conftest policies) that a
//! scan applies to every Kubernetes object, together with the built-in packs.
//!
//! Build a [`Policies`] from texts ([`Policies::add_text`]; the CLI walks the
//! folders), then [`Policies::prepare`] it once per scan with that scan's
//! [`Inventory`]: every template is compiled once and prepared once; workers share
//! the [`PreparedPolicies`].
//!
//! # Findings
//!
//! - Rule id: the constraint, `Kind/name` (`K8sAllowedRepos/repo-is-openpolicyagent`);
//!   title: the template's `metadata.gatekeeper.sh/title` annotation (else its kind).
//! - Severity from the enforcement action at the audit enforcement point
//!   (`audit.gatekeeper.sh`, which is what an offline scan is): `deny` → high,
//!   `warn` → medium, `dryrun` → info; `scoped` takes the most severe of the actions
//!   whose enforcement points include `audit.gatekeeper.sh` or `*` (a scoped
//!   constraint without one is not evaluated).
//! - Message: the violation's `msg`, as given.
//! - Location: the object's `metadata.name` value (the object itself when it has no name).
//! - An evaluation error gives one finding per constraint whose message is the
//!   error (fail closed, as Gatekeeper); a namespaced object whose Namespace is not
//!   in the scan cannot be matched by a `namespaceSelector` and is auto-rejected
//!   with one finding saying so.
//! - The review is a plain object's (operation `""`, empty `userInfo`), with
//!   `namespaceObject` set when the object's Namespace is in the scan; the
//!   inventory holds every object of the scan (as in Gatekeeper's audit, the
//!   object under review included).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;

use super::conftest::{ConftestPolicies, PreparedConftest};
use super::constraint::{self, Constraint, AUDIT_POINT};
use super::eval::{Backend, CompiledTemplate, PreparedTemplate};
use super::inventory::Inventory;
use super::review;
use super::template::{apply_defaults, Template};
use stockade_source::context::Context;
use stockade_source::finding::{Diagnostic, DynamicRule, ErrorKind, Problem, ScanError};
use stockade_source::rule::Category;
use stockade_source::source::{Source, Span};
use stockade_yaml::objects::{read_root, Manifest, Read};
use stockade_yaml::Limits;

/// Templates, constraints and conftest policies, compiled.
#[derive(Debug, Default, Clone)]
pub struct Policies {
    templates: BTreeMap<String, CompiledTemplate>,
    /// Each constraint with the located error to report if no template defines
    /// its kind (known only once every policy file is read).
    constraints: Vec<(Constraint, ScanError)>,
    conftest: ConftestPolicies,
    errors: Vec<ScanError>,
}

fn scan_error(source: &Source, p: &Problem) -> ScanError {
    p.to_error(source)
}

impl Policies {
    pub fn new() -> Self {
        Self::default()
    }

    /// Read every `ConstraintTemplate` and Constraint of a YAML/JSON text (other
    /// documents are ignored). Problems are kept, located, in [`Policies::errors`].
    pub fn add_text(&mut self, path: &str, text: &str) {
        let source = Source::new(path, text);
        let stream = stockade_yaml::parse_stream(text, &Limits::default());
        for doc in &stream.documents {
            let root = match &doc.root {
                Ok(r) => r,
                Err(p) => {
                    self.errors.push(scan_error(&source, p));
                    continue;
                }
            };
            let Read::Objects(objects, _) = read_root(root) else {
                continue;
            };
            for o in objects {
                if o.kind == "ConstraintTemplate" && o.group() == "templates.gatekeeper.sh" {
                    match Template::from_node(o.root).and_then(|t| {
                        CompiledTemplate::compile(t, Some(text)).map_err(|mut ps| {
                            let first = ps.remove(0);
                            for p in ps {
                                self.errors
                                    .push(scan_error(&source, &p.in_document(doc.index)));
                            }
                            first
                        })
                    }) {
                        Ok(c) => {
                            self.templates.insert(c.kind().to_string(), c);
                        }
                        Err(p) => self
                            .errors
                            .push(scan_error(&source, &p.in_document(doc.index))),
                    }
                } else if constraint::is_constraint(&o.api_version) {
                    match Constraint::from_node(o.root) {
                        Ok(c) => {
                            let missing = Problem::new(
                                ErrorKind::Policy,
                                c.span,
                                format!(
                                    "constraint {}: no ConstraintTemplate defines kind {}",
                                    c.id(),
                                    c.kind
                                ),
                            )
                            .in_document(doc.index);
                            let missing = scan_error(&source, &missing);
                            self.constraints.push((c, missing));
                        }
                        Err(p) => self
                            .errors
                            .push(scan_error(&source, &p.in_document(doc.index))),
                    }
                }
            }
        }
    }

    /// Policies from `(path, text)` pairs: `.rego` files as conftest modules,
    /// everything else as YAML/JSON holding templates and constraints.
    pub fn from_texts<'a, I: IntoIterator<Item = (&'a str, &'a str)>>(files: I) -> Self {
        let mut p = Self::new();
        for (path, text) in files {
            let is_rego = std::path::Path::new(path)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("rego"));
            if is_rego {
                p.add_rego(path, text);
            } else {
                p.add_text(path, text);
            }
        }
        p
    }

    /// Add a conftest-convention Rego module (`.rego` file).
    pub fn add_rego(&mut self, path: &str, text: &str) {
        if let Err(e) = self.conftest.add_module(path, text) {
            self.errors.push(e);
        }
    }

    /// Located problems met while reading and compiling, plus constraints whose
    /// template is missing.
    pub fn errors(&self) -> Vec<ScanError> {
        let mut out = self.errors.clone();
        for (c, missing) in &self.constraints {
            if !self.templates.contains_key(&c.kind) {
                out.push(missing.clone());
            }
        }
        if let Err(e) = self.conftest.compile_check() {
            out.push(e);
        }
        out
    }

    pub fn templates(&self) -> impl Iterator<Item = &CompiledTemplate> {
        self.templates.values()
    }

    pub fn constraints(&self) -> impl Iterator<Item = &Constraint> {
        self.constraints.iter().map(|(c, _)| c)
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty() && self.constraints.is_empty() && self.conftest.is_empty()
    }

    /// Prepare for one scan: add the inventory to every template once.
    pub fn prepare(&self, mut inventory: Inventory, backend: Backend) -> PreparedPolicies {
        // One copy of the inventory, shared by every template (see
        // `CompiledTemplate::prepare_with`); the prepared policies keep its
        // Namespace objects for `namespaceSelector`.
        let data = super::eval::inventory_value(inventory.take_data());
        let templates: BTreeMap<String, PreparedTemplate> = self
            .templates
            .iter()
            .filter(|(kind, _)| self.constraints.iter().any(|(c, _)| &c.kind == *kind))
            .map(|(k, t)| (k.clone(), t.prepare_with(&data, backend)))
            .collect();
        let mut constraints = Vec::new();
        for (c, _) in &self.constraints {
            let Some(t) = self.templates.get(&c.kind) else {
                continue;
            };
            let Some(actions) = c.actions_at(AUDIT_POINT) else {
                continue;
            };
            let mut parameters = c.parameters.clone();
            if let Some(schema) = &t.template.schema {
                apply_defaults(schema, &mut parameters);
            }
            let rule = DynamicRule {
                id: c.id(),
                aliases: vec![c.name.clone()],
                severity: constraint::severity_of(&actions),
                category: Category::Security,
                title: t.template.title.clone().unwrap_or_else(|| c.kind.clone()),
                remediation: t.template.description.clone().unwrap_or_default(),
                help: String::new(),
            };
            constraints.push(PreparedConstraint {
                constraint: c.clone(),
                parameters,
                rule: Arc::new(rule),
            });
        }
        PreparedPolicies {
            templates,
            constraints,
            conftest: self.conftest.prepare(),
            inventory,
        }
    }
}

#[derive(Debug)]
struct PreparedConstraint {
    constraint: Constraint,
    parameters: Json,
    rule: Arc<DynamicRule>,
}

/// Policies prepared for one scan (shared by the scan's workers).
#[derive(Debug)]
pub struct PreparedPolicies {
    templates: BTreeMap<String, PreparedTemplate>,
    constraints: Vec<PreparedConstraint>,
    conftest: PreparedConftest,
    inventory: Inventory,
}

impl PreparedPolicies {
    /// The inventory's Namespace objects and count (the documents themselves
    /// are in the templates' `data`).
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// Whether any conftest rule is loaded.
    pub fn has_conftest(&self) -> bool {
        !self.conftest.is_empty()
    }

    /// Constraints that are evaluated (scoped ones without the audit point are not).
    pub fn constraint_count(&self) -> usize {
        self.constraints.len()
    }

    /// Evaluate every constraint (and conftest policy) on the objects of a
    /// Kubernetes source.
    pub fn check_kubernetes(&self, source: &Source, ctx: &mut Context<'_>) {
        if self.constraints.is_empty() && self.conftest.is_empty() {
            return;
        }
        let stream = stockade_yaml::parse_stream(source.text(), &Limits::default());
        self.check_manifest(&Manifest::new(source, &stream), ctx);
    }

    /// [`PreparedPolicies::check_kubernetes`] on a source already read.
    pub fn check_manifest(&self, manifest: &Manifest<'_>, ctx: &mut Context<'_>) {
        if self.constraints.is_empty() && self.conftest.is_empty() {
            return;
        }
        for (doc, read) in manifest.documents() {
            let Some(root) = doc.node() else { continue };
            if doc.is_empty() {
                continue;
            }
            if !self.conftest.is_empty() {
                self.conftest
                    .check(&root.to_json(), root.span, doc.index, None, ctx);
            }
            let Some(Read::Objects(objects, _)) = read else {
                continue;
            };
            for o in objects {
                let json = o.root.to_json();
                let span = o
                    .root
                    .get("metadata")
                    .and_then(|m| m.get("name"))
                    .map_or(o.root.span, |n| n.span);
                let display = o.display_name();
                self.check_object(&json, span, doc.index, &display, ctx);
            }
        }
    }

    /// Evaluate every constraint on one object (its `metadata.name` at `span`).
    pub fn check_object(
        &self,
        object: &Json,
        span: Span,
        document: usize,
        display: &str,
        ctx: &mut Context<'_>,
    ) {
        let mut review = if review::is_admission_review(object) {
            match review::from_admission_review(object) {
                Ok(r) => r,
                Err(e) => {
                    ctx.error(Problem::new(ErrorKind::Policy, span, e).in_document(document));
                    return;
                }
            }
        } else {
            review::from_object(object)
        };
        let is_namespace = review
            .object()
            .is_some_and(|o| matches!(super::matching::group_kind(o), ("", "Namespace")));
        let namespace = if is_namespace || review.namespace.is_empty() {
            None
        } else {
            self.inventory.namespace(&review.namespace)
        };
        review.set_namespace_object(namespace);
        for pc in &self.constraints {
            let c = &pc.constraint;
            let report = |ctx: &mut Context<'_>, message: String| {
                ctx.report(
                    Diagnostic::new(
                        stockade_source::finding::RuleRef::Dynamic(Arc::clone(&pc.rule)),
                        span,
                        message,
                    )
                    .with_object(display.to_string())
                    .with_pointer("/metadata/name")
                    .in_document(document),
                );
            };
            match c.matcher.matches_review(
                review.object(),
                review.old_object(),
                namespace,
                "Original",
            ) {
                Ok(false) => continue,
                Err(e) => {
                    report(ctx, format!("unable to match constraints: {e}"));
                    continue;
                }
                Ok(true) => {}
            }
            let Some(t) = self.templates.get(&c.kind) else {
                continue;
            };
            let limits = ctx.config.limits;
            match t.violations_within(&review.review, &pc.parameters, &limits) {
                Ok(vs) => {
                    for v in vs {
                        report(ctx, v.msg);
                    }
                }
                Err(e) if e.starts_with("extracting message binding") => {
                    ctx.error(
                        Problem::new(
                            ErrorKind::Policy,
                            span,
                            format!("constraint {}: {e}", c.id()),
                        )
                        .in_document(document),
                    );
                }
                Err(e) => report(ctx, e),
            }
        }
    }

    /// Evaluate conftest policies on a non-Kubernetes document (a Dockerfile as
    /// conftest's JSON shape).
    pub fn check_conftest(
        &self,
        input: &Json,
        span: Span,
        document: usize,
        object: Option<&str>,
        ctx: &mut Context<'_>,
    ) {
        if !self.conftest.is_empty() {
            self.conftest.check(input, span, document, object, ctx);
        }
    }
}
