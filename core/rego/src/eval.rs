//! Compiling a template once and evaluating it against reviews.
//!
//! A [`CompiledTemplate`] holds one regorus engine with the template's module
//! and libs (after Gatekeeper's checks and the [`super::shims`] rewrites) and the
//! [`super::builtins`] extensions. [`CompiledTemplate::prepare`] adds a scan's
//! inventory once (in regorus `add_data` discards the preparation, so it is never
//! done per object) and prepares the engine; the [`PreparedTemplate`] then keeps a
//! pool of clones, one per worker thread at a time.
//!
//! Results follow Gatekeeper's hook: each element of `violation` with a `msg`
//! becomes a violation `{msg, details}` (`details` defaults to `{}`); elements
//! without `msg` are dropped; the set is deduplicated by `(msg, details)`; a
//! non-string `msg` is an error.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::Value;
use serde_json::Value as Json;

use super::check::check_module;
use super::template::Template;
use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::settings::Limits;
use stockade_source::source::{LineIndex, Span};

/// One violation a template reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub msg: String,
    pub details: Json,
}

/// How `violation` is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// regorus' tree-walking interpreter.
    Interpreter,
    /// regorus' bytecode VM (RVM), the default: every gatekeeper-library case
    /// gives the same result on both (`gatekeeper_conformance.rs` asserts it).
    /// Falls back to the interpreter when the template does not compile to it,
    /// when it calls a builtin Stockade replaces (`sprintf`, `numbers.range`, …:
    /// the VM cannot call the engine's extensions), or when the crate is built
    /// without its `rvm` feature (the WebAssembly bindings, for size).
    #[default]
    Vm,
}

/// A template compiled once.
#[derive(Clone)]
pub struct CompiledTemplate {
    pub template: Arc<Template>,
    /// `data.<package>.violation`.
    rule: String,
    engine: regorus::Engine,
}

impl std::fmt::Debug for CompiledTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledTemplate")
            .field("kind", &self.template.kind)
            .field("rule", &self.rule)
            .finish_non_exhaustive()
    }
}

/// Where a position inside an embedded Rego text lies in the file.
fn locate(text: Option<&str>, span: Span, block: bool, row: usize, col: usize) -> Span {
    let Some(text) = text else { return span };
    if !block {
        return span;
    }
    let index = LineIndex::new(text);
    let first = index.line_of(span.start) + 1;
    let line = first + u32::try_from(row.saturating_sub(1)).unwrap_or(0);
    if line as usize >= index.line_count() {
        return span;
    }
    let start = index.line_start(line);
    let line_text = &text.get(start as usize..).unwrap_or("");
    let indent = line_text.len() - line_text.trim_start_matches([' ', '\t']).len();
    let at = start + u32::try_from(indent + col.saturating_sub(1)).unwrap_or(0);
    let end_of_line = index.line_span(line, text).end;
    Span::new(at.min(end_of_line), end_of_line)
}

/// Parse regorus' error text (`--> path:row:col … error: message`).
pub(crate) fn parse_regorus_error(text: &str) -> (Option<(usize, usize)>, String) {
    let mut pos = None;
    let mut message = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("--> ") {
            let mut parts = rest.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok());
            let row = parts.next().and_then(|r| r.parse().ok());
            if let (Some(r), Some(c)) = (row, col) {
                pos = Some((r, c));
            }
        } else if let Some(m) = l.strip_prefix("error: ") {
            message = Some(m.to_string());
        }
    }
    let message = message.unwrap_or_else(|| text.trim().to_string());
    (pos, message)
}

/// The message of a regorus error without its code frame.
pub fn error_message(e: &anyhow::Error) -> String {
    let text = format!("{e}");
    let (pos, message) = parse_regorus_error(&text);
    match pos {
        Some((r, c)) => format!("{message} (at {r}:{c})"),
        None => message,
    }
}

/// [`super::guard`]'s checks over a template's Rego and libs, located in the file.
fn guard_problems(template: &Template, file_text: Option<&str>) -> Vec<Problem> {
    let texts: Vec<&str> = std::iter::once(template.rego.as_str())
        .chain(template.libs.iter().map(String::as_str))
        .collect();
    let mut problems = Vec::new();
    for e in super::guard::check_modules(&texts, super::builtins::EXTENSIONS) {
        let (span, block, src, what) = match e.module.checked_sub(1) {
            None => (
                template.rego_span,
                template.rego_block,
                template.rego.as_str(),
                String::new(),
            ),
            Some(i) => {
                let (span, block) = template
                    .lib_spans
                    .get(i)
                    .copied()
                    .unwrap_or((template.span, false));
                let lib = template.libs.get(i).map_or("", String::as_str);
                (span, block, lib, format!(" lib {i}"))
            }
        };
        let before = src.get(..e.offset).unwrap_or("");
        let row = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        problems.push(Problem::new(
            ErrorKind::Policy,
            locate(file_text, span, block, row, col),
            format!("template {}{what}: {}", template.kind, e.message),
        ));
    }
    problems
}

impl CompiledTemplate {
    /// Check, rewrite and compile a template. `file_text` (the template file) is
    /// used to locate errors inside the Rego text.
    #[allow(clippy::too_many_lines)] // the compile steps in order, each reporting its errors
    pub fn compile(
        template: Template,
        file_text: Option<&str>,
    ) -> Result<CompiledTemplate, Vec<Problem>> {
        let v1 = template.v1;
        let mut problems = Vec::new();
        let at = |span: Span, block: bool, src: &str, offset: usize| {
            let before = src.get(..offset).unwrap_or("");
            let row = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            locate(file_text, span, block, row, col)
        };
        for e in check_module(&template.rego, false, v1) {
            problems.push(Problem::new(
                ErrorKind::Policy,
                at(
                    template.rego_span,
                    template.rego_block,
                    &template.rego,
                    e.offset,
                ),
                format!("template {}: {}", template.kind, e.message),
            ));
        }
        for (i, lib) in template.libs.iter().enumerate() {
            let (span, block) = template
                .lib_spans
                .get(i)
                .copied()
                .unwrap_or((template.span, false));
            for e in check_module(lib, true, v1) {
                problems.push(Problem::new(
                    ErrorKind::Policy,
                    at(span, block, lib, e.offset),
                    format!("template {} lib {i}: {}", template.kind, e.message),
                ));
            }
        }
        if problems.is_empty() {
            problems = guard_problems(&template, file_text);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(!v1);
        let kind = template.kind.clone();
        let compile_err = |span: Span, block: bool, e: &anyhow::Error, what: &str| {
            let (pos, message) = parse_regorus_error(&format!("{e}"));
            let span = match pos {
                Some((r, c)) => locate(file_text, span, block, r, c),
                None => span,
            };
            Problem::new(
                ErrorKind::Policy,
                span,
                format!("template {kind}{what}: {message}"),
            )
        };
        if let Err(e) = super::builtins::register(&mut engine, !v1) {
            return Err(vec![compile_err(template.span, false, &e, "")]);
        }
        let (rego, _) = super::shims::rewrite(&template.rego, v1);
        let package = match engine.add_policy("template.rego".into(), rego) {
            Ok(p) => p,
            Err(e) => {
                return Err(vec![compile_err(
                    template.rego_span,
                    template.rego_block,
                    &e,
                    "",
                )])
            }
        };
        for (i, lib) in template.libs.iter().enumerate() {
            let (span, block) = template
                .lib_spans
                .get(i)
                .copied()
                .unwrap_or((template.span, false));
            let (lib, _) = super::shims::rewrite(lib, v1);
            if let Err(e) = engine.add_policy(format!("lib_{i}.rego"), lib) {
                problems.push(compile_err(span, block, &e, &format!(" lib {i}")));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let rule = format!("{package}.violation");
        let mut compiled = CompiledTemplate {
            template: Arc::new(template),
            rule,
            engine,
        };
        // Surface static errors (unsafe variables, conflicts) now.
        if let Err(e) = compiled.engine.add_data(Value::new_object()) {
            return Err(vec![compile_err(compiled.template.span, false, &e, "")]);
        }
        if let Err(e) = compiled
            .engine
            .compile_with_entrypoint(&compiled.rule.as_str().into())
        {
            let t = &compiled.template;
            return Err(vec![compile_err(t.rego_span, t.rego_block, &e, "")]);
        }
        Ok(compiled)
    }

    pub fn kind(&self) -> &str {
        &self.template.kind
    }

    /// Add the inventory (`data.inventory`) and prepare.
    pub fn prepare(&self, inventory: &Json, backend: Backend) -> PreparedTemplate {
        self.prepare_with(&inventory_data(inventory.clone()), backend)
    }

    /// [`CompiledTemplate::prepare`] with `data` built once by [`inventory_data`]
    /// and shared by every template of a scan: regorus values are copy-on-write,
    /// so the inventory is held once, not once per template and backend.
    pub fn prepare_with(&self, data: &Value, backend: Backend) -> PreparedTemplate {
        let mut engine = self.engine.clone();
        let added = engine.add_data(data.clone());
        let rule: regorus::Rc<str> = self.rule.as_str().into();
        let compiled = engine.compile_with_entrypoint(&rule);
        #[cfg(not(feature = "rvm"))]
        let _ = (backend, compiled); // without the VM, every backend interprets
        #[cfg(feature = "rvm")]
        let vm = match (backend, &compiled) {
            (Backend::Vm, Ok(policy)) => {
                regorus::languages::rego::compiler::Compiler::compile_from_policy(
                    policy,
                    &[self.rule.as_str()],
                )
                .ok()
                .filter(|program| vm_keeps_extensions(program))
            }
            _ => None,
        };
        PreparedTemplate {
            template: Arc::clone(&self.template),
            #[cfg(feature = "rvm")]
            data: data.clone(),
            rule: self.rule.clone(),
            error: added.err().map(|e| error_message(&e)),
            prototype: engine,
            pool: Mutex::new(Vec::new()),
            #[cfg(feature = "rvm")]
            vm,
            #[cfg(feature = "rvm")]
            vm_pool: Mutex::new(Vec::new()),
        }
    }
}

/// Whether the VM would run `program` as the interpreter does. regorus' RVM
/// compiler resolves calls against regorus' own builtin table and never sees
/// the engine's extensions ([`super::builtins`]: Go's `sprintf`, the capped
/// `numbers.range`, the v0 builtins, the disabled `http.send`), so a program
/// calling one of them would format messages differently (the two
/// gatekeeper-library cases that differed) and escape the caps: such a
/// template stays on the interpreter.
#[cfg(feature = "rvm")]
fn vm_keeps_extensions(program: &regorus::rvm::Program) -> bool {
    !program
        .builtin_info_table
        .iter()
        .any(|b| super::builtins::EXTENSIONS.contains(&b.name.as_str()))
}

/// `data` for templates: `{"inventory": inventory}` as a regorus value.
pub fn inventory_data(inventory: Json) -> Value {
    inventory_value(Value::from(inventory))
}

/// [`inventory_data`] of an inventory held as a regorus value
/// ([`super::Inventory::take_data`]).
pub fn inventory_value(inventory: Value) -> Value {
    let mut data = Value::new_object();
    if let Ok(map) = data.as_object_mut() {
        map.insert(Value::from("inventory"), inventory);
    }
    data
}

/// A template with a scan's inventory, ready to evaluate (shared by threads).
pub struct PreparedTemplate {
    pub template: Arc<Template>,
    /// `data` for the VM (the interpreter's engine holds it already).
    #[cfg(feature = "rvm")]
    data: Value,
    rule: String,
    error: Option<String>,
    prototype: regorus::Engine,
    pool: Mutex<Vec<regorus::Engine>>,
    #[cfg(feature = "rvm")]
    vm: Option<Arc<regorus::rvm::Program>>,
    #[cfg(feature = "rvm")]
    vm_pool: Mutex<Vec<regorus::rvm::RegoVM>>,
}

impl std::fmt::Debug for PreparedTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedTemplate")
            .field("kind", &self.template.kind)
            .finish_non_exhaustive()
    }
}

fn input_of(review: &Json, parameters: &Json) -> Value {
    let mut input = serde_json::Map::new();
    input.insert("review".into(), review.clone());
    input.insert("parameters".into(), parameters.clone());
    Value::from(Json::Object(input))
}

impl PreparedTemplate {
    /// Whether the bytecode VM evaluates this template.
    pub fn uses_vm(&self) -> bool {
        #[cfg(feature = "rvm")]
        return self.vm.is_some();
        #[cfg(not(feature = "rvm"))]
        false
    }

    /// Evaluate `violation` for one review and the constraint's parameters,
    /// within the default [`Limits`].
    /// `Err` is an evaluation error (Gatekeeper reports it as a violation).
    pub fn violations(&self, review: &Json, parameters: &Json) -> Result<Vec<Violation>, String> {
        self.violations_within(review, parameters, &Limits::default())
    }

    /// Evaluate `violation` within `limits`: the evaluation stops with an error
    /// past `policy_eval_millis`, and messages and errors are cut at
    /// `max_message_bytes`.
    pub fn violations_within(
        &self,
        review: &Json,
        parameters: &Json,
        limits: &Limits,
    ) -> Result<Vec<Violation>, String> {
        self.evaluate(review, parameters, limits)
            .map(|vs| {
                vs.into_iter()
                    .map(|v| Violation {
                        msg: limits.cap_message(v.msg),
                        details: v.details,
                    })
                    .collect()
            })
            .map_err(|e| limits.cap_message(e))
    }

    fn evaluate(
        &self,
        review: &Json,
        parameters: &Json,
        limits: &Limits,
    ) -> Result<Vec<Violation>, String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let input = input_of(review, parameters);
        #[cfg(feature = "rvm")]
        if let Some(program) = &self.vm {
            let vm = self.vm_pool.lock().ok().and_then(|mut p| p.pop());
            let mut vm = vm.unwrap_or_else(|| {
                let mut vm = regorus::rvm::RegoVM::new();
                // The time budget bounds an evaluation, as on the interpreter;
                // regorus' default of 25,000 instructions would fail templates
                // the interpreter evaluates.
                vm.set_max_instructions(usize::MAX);
                vm.load_program(Arc::clone(program));
                let _ = vm.set_data(self.data.clone());
                vm
            });
            vm.set_input(input);
            vm.set_execution_timer_config(timer(limits));
            let r = vm.execute_entry_point_by_name(&self.rule);
            if let Ok(mut p) = self.vm_pool.lock() {
                p.push(vm);
            }
            return to_violations(&r.map_err(|e| e.to_string())?);
        }
        let engine = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut engine = engine.unwrap_or_else(|| self.prototype.clone());
        engine.set_input(input);
        if let Some(timer) = timer(limits) {
            engine.set_execution_timer_config(timer);
        }
        let r = engine.eval_rule(self.rule.clone());
        if let Ok(mut p) = self.pool.lock() {
            p.push(engine);
        }
        to_violations(&r.map_err(|e| error_message(&e))?)
    }
}

/// regorus' execution timer for one evaluation within `limits` (the clock is
/// read every 64 units of work). `None` in the WebAssembly build for browsers
/// (`wasm32-unknown-unknown`): regorus' clock is `std::time::Instant`, which
/// panics there, so evaluations in that build have no time budget (the page's
/// own script limits apply).
pub fn timer(limits: &Limits) -> Option<ExecutionTimerConfig> {
    if cfg!(all(target_arch = "wasm32", target_os = "unknown")) {
        return None;
    }
    Some(ExecutionTimerConfig {
        limit: std::time::Duration::from_millis(limits.policy_eval_millis),
        check_interval: std::num::NonZeroU32::MIN.saturating_add(63),
    })
}

/// Gatekeeper's hook over the `violation` set.
pub fn to_violations(value: &Value) -> Result<Vec<Violation>, String> {
    let items: Vec<&Value> = match value {
        Value::Set(s) => s.iter().collect(),
        Value::Array(a) => a.iter().collect(),
        Value::Undefined | Value::Null => Vec::new(),
        Value::Object(_) | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            return Err("violation must be a partial set rule".into())
        }
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for item in items {
        let Value::Object(obj) = item else { continue };
        let Some(msg) = obj.get(&Value::from("msg")) else {
            continue;
        };
        let Value::String(msg) = msg else {
            return Err(format!(
                "extracting message binding: .msg accessor error: {} is of the type {}, expected string",
                super::builtins::rego_text(msg),
                match msg {
                    Value::Number(_) => "float64",
                    Value::Bool(_) => "bool",
                    Value::Array(_) | Value::Set(_) => "[]interface {}",
                    Value::Object(_) => "map[string]interface {}",
                    _ => "<nil>",
                }
            ));
        };
        let details = obj.get(&Value::from("details")).map_or_else(
            || Json::Object(serde_json::Map::new()),
            |d| serde_json::to_value(d).unwrap_or(Json::Null),
        );
        if seen.insert((msg.to_string(), details.to_string())) {
            out.push(Violation {
                msg: msg.to_string(),
                details,
            });
        }
    }
    Ok(out)
}
