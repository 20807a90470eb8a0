//! Plain Rego policies in the conftest convention, over any scanned document.
//!
//! - Modules in `package main`; rules named `deny`, `violation` or `warn`, or with
//!   those prefixes followed by `_name` (`deny_latest_tag`), as conftest finds them.
//! - Each rule is a set of strings, or of objects whose `msg` is the message
//!   (elements without a string `msg` are ignored).
//! - The input is the document: a Kubernetes/YAML document as its JSON value; a
//!   Dockerfile as conftest's shape, an array of
//!   `{Cmd, Flags, Value, Stage, SubCmd, JSON, Original}` commands (`stockade_dockerfile::conftest::input`).
//! - Modules are read as Rego v1 (conftest's default) and, when that fails, as v0.
//! - Findings: rule id `main.<rule>` (e.g. `main.deny`), severity high for `deny`
//!   and `violation`, medium for `warn`; located at the document (Kubernetes) or
//!   at the first instruction (Dockerfile).

use std::sync::{Arc, Mutex};

use regorus::Value;
use serde_json::Value as Json;

use super::check::package_of;
use super::eval::error_message;
use super::lexer::{tokenize, Tok};
use stockade_source::context::Context;
use stockade_source::finding::{Diagnostic, DynamicRule, ErrorKind, RuleRef, ScanError};
use stockade_source::rule::{Category, Severity};
use stockade_source::source::Span;

/// Conftest modules, compiled into one engine.
#[derive(Clone, Default)]
pub struct ConftestPolicies {
    engine: Option<regorus::Engine>,
    rules: Vec<String>,
    /// The modules added, for the checks of [`super::guard`] across them.
    texts: Vec<String>,
    /// Their paths (same order as `texts`), to locate compile errors.
    paths: Vec<String>,
}

impl std::fmt::Debug for ConftestPolicies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConftestPolicies")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

fn is_rule_name(name: &str) -> bool {
    let mut parts = name.split('_');
    matches!(parts.next(), Some("deny" | "violation" | "warn"))
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Top-level rule names of a module.
fn rule_names(src: &str) -> Vec<String> {
    let Ok(toks) = tokenize(src) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0isize;
    let mut line_start = true;
    for t in toks {
        match t.kind {
            Tok::Newline => {
                line_start = depth == 0;
                continue;
            }
            Tok::Comment => continue,
            Tok::Punct => match t.text(src) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            },
            _ => {}
        }
        if line_start && depth == 0 && t.kind == Tok::Ident && is_rule_name(t.text(src)) {
            out.push(t.text(src).to_string());
        }
        line_start = false;
    }
    out
}

/// A module that does not parse, positioned at the line and column regorus gives
/// (the shims keep lines in place), or at the file when it gives none.
/// The module a regorus error names in its `--> path:row:col` line.
fn error_file(shown: &str) -> Option<&str> {
    shown
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .and_then(|rest| rest.rsplitn(3, ':').nth(2))
}

fn module_error(path: &str, text: &str, e: &anyhow::Error) -> ScanError {
    let source = stockade_source::source::Source::new(path, text);
    // An error regorus gives no usable place for (`try parsing as
    // comprehension`) is located at the start of its module, never nowhere.
    let at_module = || {
        stockade_source::finding::Problem::new(ErrorKind::Policy, Span::new(0, 0), error_message(e))
            .to_error(&source)
    };
    let (pos, message) = super::eval::parse_regorus_error(&format!("{e}"));
    let Some((row, col)) = pos else {
        return at_module();
    };
    let index = stockade_source::source::LineIndex::new(text);
    let line = u32::try_from(row.saturating_sub(1)).unwrap_or(0);
    if line as usize >= index.line_count() {
        return at_module();
    }
    let start = index.line_start(line);
    let end = index.line_span(line, text).end;
    let at = start
        .saturating_add(u32::try_from(col.saturating_sub(1)).unwrap_or(0))
        .min(end);
    stockade_source::finding::Problem::new(ErrorKind::Policy, Span::new(at, at), message)
        .to_error(&source)
}

impl ConftestPolicies {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Add a module. Modules outside `package main` are accepted (they may be
    /// imported) but their rules are not evaluated.
    pub fn add_module(&mut self, path: &str, text: &str) -> Result<(), ScanError> {
        let mut texts: Vec<&str> = self.texts.iter().map(String::as_str).collect();
        texts.push(text);
        let new = texts.len() - 1;
        let guarded = super::guard::check_modules(&texts, super::builtins::EXTENSIONS);
        if let Some(e) = guarded.into_iter().find(|e| e.module == new) {
            let at = u32::try_from(e.offset).unwrap_or(0);
            return Err(stockade_source::finding::Problem::new(
                ErrorKind::Policy,
                Span::new(at, at),
                e.message,
            )
            .to_error(&stockade_source::source::Source::new(path, text)));
        }
        let engine = self.engine.get_or_insert_with(|| {
            let mut e = regorus::Engine::new();
            let _ = super::builtins::register(&mut e, false);
            e
        });
        engine.set_rego_v0(false);
        let (v1_text, _) = super::shims::rewrite(text, true);
        if let Err(e1) = engine.add_policy(path.to_string(), v1_text) {
            // Written in v1 (its keywords used without a v0 import): the v1
            // error is the one to report, and regorus' v0 parser would print a
            // warning for each keyword on standard error.
            if super::guard::unimported_future_keyword(text).is_some() {
                return Err(module_error(path, text, &e1));
            }
            engine.set_rego_v0(true);
            let (v0_text, _) = super::shims::rewrite(text, false);
            if let Err(e0) = engine.add_policy(path.to_string(), v0_text) {
                let _ = e1;
                return Err(module_error(path, text, &e0));
            }
        }
        self.texts.push(text.to_string());
        self.paths.push(path.to_string());
        let is_main = package_of(text).is_some_and(|(p, _)| p == ["main"]);
        if is_main {
            for r in rule_names(text) {
                if !self.rules.contains(&r) {
                    self.rules.push(r);
                }
            }
        }
        Ok(())
    }

    /// Check that the modules compile together.
    pub fn compile_check(&self) -> Result<(), ScanError> {
        let (Some(engine), Some(first)) = (&self.engine, self.rules.first()) else {
            return Ok(());
        };
        let mut e = engine.clone();
        e.compile_with_entrypoint(&format!("data.main.{first}").as_str().into())
            .map(|_| ())
            .map_err(|err| {
                // regorus names the module (`--> path:row:col`): locate it there.
                let shown = format!("{err}");
                // An error that names no module (`not a valid rule path`) is
                // located at the start of the first one, never nowhere.
                let module = error_file(&shown)
                    .and_then(|f| self.paths.iter().position(|p| p == f))
                    .or((!self.paths.is_empty()).then_some(0))
                    .and_then(|i| Some((self.paths.get(i)?, self.texts.get(i)?)));
                match module {
                    Some((path, text)) => module_error(path, text, &err),
                    None => {
                        ScanError::file(ErrorKind::Policy, "conftest policies", error_message(&err))
                    }
                }
            })
    }

    pub fn prepare(&self) -> PreparedConftest {
        let rules = self
            .rules
            .iter()
            .map(|r| {
                let severity = if r.starts_with("warn") {
                    Severity::Medium
                } else {
                    Severity::High
                };
                (
                    format!("data.main.{r}"),
                    Arc::new(DynamicRule {
                        id: format!("main.{r}"),
                        aliases: Vec::new(),
                        severity,
                        category: Category::Security,
                        title: format!("conftest rule {r}"),
                        remediation: String::new(),
                        help: String::new(),
                    }),
                )
            })
            .collect();
        let mut prototype = self.engine.clone();
        if let (Some(e), Some(first)) = (prototype.as_mut(), self.rules.first()) {
            let _ = e.compile_with_entrypoint(&format!("data.main.{first}").as_str().into());
        }
        PreparedConftest {
            prototype,
            rules,
            pool: Mutex::new(Vec::new()),
        }
    }
}

/// Conftest policies ready to evaluate.
pub struct PreparedConftest {
    prototype: Option<regorus::Engine>,
    rules: Vec<(String, Arc<DynamicRule>)>,
    pool: Mutex<Vec<regorus::Engine>>,
}

impl std::fmt::Debug for PreparedConftest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedConftest")
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

/// Messages of a conftest rule's value.
fn messages(v: &Value) -> Vec<String> {
    let items: Vec<&Value> = match v {
        Value::Set(s) => s.iter().collect(),
        Value::Array(a) => a.iter().collect(),
        Value::String(_) | Value::Object(_) => vec![v],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|i| match i {
            Value::String(s) => Some(s.to_string()),
            Value::Object(o) => match o.get(&Value::from("msg")) {
                Some(Value::String(s)) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

impl PreparedConftest {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Evaluate every rule on one input document.
    pub fn check(
        &self,
        input: &Json,
        span: Span,
        document: usize,
        object: Option<&str>,
        ctx: &mut Context<'_>,
    ) {
        let Some(proto) = &self.prototype else { return };
        let engine = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut engine = engine.unwrap_or_else(|| proto.clone());
        engine.set_input(Value::from(input.clone()));
        let limits = ctx.config.limits;
        for (path, rule) in &self.rules {
            if let Some(timer) = super::eval::timer(&limits) {
                engine.set_execution_timer_config(timer);
            }
            let found: Vec<String> = match engine.eval_rule(path.clone()) {
                Ok(v) => messages(&v),
                Err(e) => vec![error_message(&e)],
            };
            for msg in found {
                let msg = limits.cap_message(msg);
                let mut d = Diagnostic::new(RuleRef::Dynamic(Arc::clone(rule)), span, msg)
                    .in_document(document);
                if let Some(o) = object {
                    d = d.with_object(o.to_string());
                }
                ctx.report(d);
            }
        }
        if let Ok(mut p) = self.pool.lock() {
            p.push(engine);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conftest_rule_names() {
        assert!(is_rule_name("deny"));
        assert!(is_rule_name("warn_latest"));
        assert!(!is_rule_name("denied"));
        assert_eq!(
            rule_names("package main\ndeny[msg] { msg := \"x\" }\nwarn_a contains m if { m := 1 }\nhelper := 1\n"),
            ["deny", "warn_a"]
        );
    }
}
