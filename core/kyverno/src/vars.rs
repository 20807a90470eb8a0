//! Variables: `{{ ... }}` substitution with `JMESPath` (the `jmespath` crate, plus
//! the Kyverno functions the offline subset needs), as
//! `pkg/engine/variables/vars.go` does it.

use std::sync::LazyLock;

use jmespath::ast::Ast;
use jmespath::functions::{ArgumentType, CustomFunction, Signature};
use jmespath::{ErrorReason, JmespathError, Rcvar, Runtime, Variable};
use regex::Regex;
use serde_json::Value;

use super::values::quantity;

static VARIABLES: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})").ok());

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    let mut rt = Runtime::new();
    rt.register_builtin_functions();
    null_tolerant_builtins(&mut rt);
    register_kyverno_functions(&mut rt);
    rt
});

/// Kyverno's `JMESPath` fork stops a path at a missing key (`a.b.keys(@)` with no
/// `b`) before calling the function, so projections drop that element. The
/// `jmespath` crate calls the function with `null` and fails on its type. The
/// builtins below therefore give `null` when an argument is `null` and the
/// call fails, which is what the fork's projections and `||` defaults see.
fn null_tolerant_builtins(rt: &mut Runtime) {
    for name in [
        "abs",
        "avg",
        "ceil",
        "contains",
        "ends_with",
        "floor",
        "join",
        "keys",
        "length",
        "map",
        "max",
        "max_by",
        "min",
        "min_by",
        "reverse",
        "sort",
        "sort_by",
        "starts_with",
        "sum",
        "to_number",
        "values",
    ] {
        let Some(inner) = rt.deregister_function(name) else {
            continue;
        };
        rt.register_function(
            name,
            Box::new(move |args: &[Rcvar], ctx: &mut jmespath::Context<'_>| {
                match inner.evaluate(args, ctx) {
                    Err(_) if args.iter().any(|a| a.is_null()) => Ok(var(Variable::Null)),
                    other => other,
                }
            }),
        );
    }
}

/// Why a variable could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarError(pub String);

/// Where a context keeps its generation: a number unique to each state of a
/// context, so that its `JMESPath` form is built once per state.
const GENERATION: &str = "\u{1}generation";

static NEXT_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Where a context touched with [`touch_keys`] keeps the generation it derives
/// from, and the top-level keys changed since.
const PARENT: &str = "\u{1}parent";
const CHANGED: &str = "\u{1}changed";

/// Mark a context as changed (call after every change to it).
pub fn touch(ctx: &mut Value) {
    if let Value::Object(m) = ctx {
        let id = NEXT_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        m.insert(GENERATION.to_string(), Value::from(id));
        m.remove(PARENT);
        m.remove(CHANGED);
    }
}

/// Mark that only the top-level `keys` of a context changed since its last
/// generation: its `JMESPath` form is then derived from the previous one,
/// converting only those keys (a `foreach` element costs the element, not the
/// whole resource).
pub fn touch_keys(ctx: &mut Value, keys: &[&str]) {
    let Value::Object(m) = ctx else { return };
    let Some(current) = m.get(GENERATION).and_then(Value::as_u64) else {
        touch(ctx);
        return;
    };
    let mut changed: Vec<Value> = keys.iter().map(|k| Value::from(*k)).collect();
    let mut parent = current;
    // The current generation never converted: derive from its parent instead,
    // with the keys changed since then as well.
    if cached_data(current).is_none() {
        if let (Some(p), Some(Value::Array(before))) =
            (m.get(PARENT).and_then(Value::as_u64), m.get(CHANGED))
        {
            parent = p;
            let extra: Vec<Value> = before
                .iter()
                .filter(|k| !changed.contains(k))
                .cloned()
                .collect();
            changed.extend(extra);
        }
    }
    let id = NEXT_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    m.insert(GENERATION.to_string(), Value::from(id));
    m.insert(PARENT.to_string(), Value::from(parent));
    m.insert(CHANGED.to_string(), Value::Array(changed));
}

/// The keys of a context (a map of them) and what they held, to put back with
/// [`restore`].
pub type Saved = Vec<(String, Option<Value>)>;

/// Save the top-level `keys` of a context, and its generation.
pub fn save(ctx: &Value, keys: &[String]) -> Saved {
    keys.iter()
        .map(String::as_str)
        .chain([GENERATION, PARENT, CHANGED, DEFERRED])
        .map(|k| (k.to_string(), ctx.get(k).cloned()))
        .collect()
}

/// Put back what [`save`] saved (the context is then in its saved generation).
pub fn restore(ctx: &mut Value, saved: Saved) {
    let Value::Object(m) = ctx else { return };
    for (k, v) in saved {
        match v {
            Some(v) => m.insert(k, v),
            None => m.remove(&k),
        };
    }
}

const MAX_CACHED_EXPRESSIONS: usize = 4096;

thread_local! {
    static COMPILED: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<jmespath::Expression<'static>>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn compile_cached(
    expression: &str,
) -> Result<std::rc::Rc<jmespath::Expression<'static>>, VarError> {
    if let Some(hit) = COMPILED.with(|c| c.borrow().get(expression).cloned()) {
        return Ok(hit);
    }
    let runtime: &'static Runtime = &RUNTIME;
    let compiled = std::rc::Rc::new(
        runtime
            .compile(expression)
            .map_err(|e| VarError(format!("incorrect query {expression}: {e}")))?,
    );
    COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_CACHED_EXPRESSIONS {
            c.clear();
        }
        c.insert(expression.to_string(), compiled.clone());
    });
    Ok(compiled)
}

/// How many `JMESPath` forms of contexts a thread keeps (a rule's context and
/// those of its nested `foreach` elements).
const MAX_CACHED_DATA: usize = 8;

thread_local! {
    static DATA: std::cell::RefCell<Vec<(u64, Rcvar)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A cached form, made the most recently used (a `foreach` reads its parent's
/// form for every element: it must outlive the elements' forms).
fn cached_data(generation: u64) -> Option<Rcvar> {
    DATA.with(|d| {
        let mut d = d.borrow_mut();
        let at = d.iter().position(|(g, _)| *g == generation)?;
        let hit = d.remove(at);
        let data = hit.1.clone();
        d.push(hit);
        Some(data)
    })
}

/// The `JMESPath` form of a context, built once per generation; a generation
/// made by [`touch_keys`] converts only its changed keys.
fn data_cached(ctx: &Value) -> Rcvar {
    let convert = |v: &Value| Variable::try_from(v).map_or_else(|_| var(Variable::Null), var);
    let Some(generation) = ctx.get(GENERATION).and_then(Value::as_u64) else {
        return convert(ctx);
    };
    if let Some(hit) = cached_data(generation) {
        return hit;
    }
    let parent = ctx
        .get(PARENT)
        .and_then(Value::as_u64)
        .and_then(cached_data);
    let data = match (parent.as_deref(), ctx.get(CHANGED), ctx) {
        (Some(Variable::Object(base)), Some(Value::Array(changed)), Value::Object(m)) => {
            let mut map = base.clone();
            for key in changed.iter().filter_map(Value::as_str) {
                match m.get(key) {
                    Some(v) => map.insert(key.to_string(), convert(v)),
                    None => map.remove(key),
                };
            }
            var(Variable::Object(map))
        }
        _ => convert(ctx),
    };
    DATA.with(|d| {
        let mut d = d.borrow_mut();
        if d.len() >= MAX_CACHED_DATA {
            d.remove(0);
        }
        d.push((generation, data.clone()));
    });
    data
}

/// Where context entries that failed to load keep their error (a key no
/// policy can name).
const DEFERRED: &str = "\u{1}deferred";

/// Record that context entry `name` failed to load: expressions naming it fail
/// with `message` (Kyverno loads context entries lazily, on first use).
pub fn defer_error(ctx: &mut Value, name: &str, message: &str) {
    if let Value::Object(m) = ctx {
        let slot = m
            .entry(DEFERRED.to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Value::Object(d) = slot {
            d.insert(name.to_string(), Value::String(message.to_string()));
        }
    }
    touch(ctx);
}

fn names_identifier(expression: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    expression.match_indices(name).any(|(i, _)| {
        let before = expression.get(..i).and_then(|s| s.chars().next_back());
        let after = expression
            .get(i + name.len()..)
            .and_then(|s| s.chars().next());
        !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
    })
}

/// Evaluate a `JMESPath` query against the context, failing as Kyverno's fork
/// does when a plain path names a missing key ("Unknown key").
pub fn query(ctx: &Value, expression: &str) -> Result<Value, VarError> {
    let expression = expression.trim();
    if expression.is_empty() {
        return Err(VarError("invalid query (nil)".to_string()));
    }
    check_expression_limits(expression)?;
    if let Some(Value::Object(deferred)) = ctx.get(DEFERRED) {
        for (name, message) in deferred {
            if !name.is_empty() && names_identifier(expression, name) {
                return Err(VarError(format!(
                    "failed to load context: {}",
                    message.as_str().unwrap_or("")
                )));
            }
        }
    }
    let compiled = compile_cached(expression)?;
    // `Expression::search` would serialise its argument into a new `Variable`
    // (the whole context, on every query): interpret the cached form instead.
    let runtime: &'static Runtime = &RUNTIME;
    let mut jctx = jmespath::Context::new(compiled.as_str(), runtime);
    let result = jmespath::interpret(&data_cached(ctx), compiled.as_ast(), &mut jctx)
        .map_err(|e| VarError(format!("JMESPath query failed: {e}")))?;
    let value = serde_json::to_value(&*result).unwrap_or(Value::Null);
    if value.is_null() {
        if let Some(key) = missing_key(compiled.as_ast(), ctx) {
            return Err(VarError(format!("Unknown key \"{key}\" in path")));
        }
    }
    Ok(value)
}

/// Longest `JMESPath` expression accepted, in bytes.
pub const MAX_EXPRESSION_BYTES: usize = 16 * 1024;
/// Deepest bracket nesting accepted in an expression (the parser recurses).
pub const MAX_EXPRESSION_NESTING: usize = 64;
/// Most operators (`.`, `|`, `&&`, `||`, `!`, comparisons) in an expression:
/// chains of them nest in the syntax tree, which is walked recursively.
pub const MAX_EXPRESSION_OPERATORS: usize = 256;
/// Most substitution rounds for one string (a value may hold `{{ }}` again).
pub const MAX_SUBSTITUTION_ROUNDS: usize = 64;

/// Bound the parser's work: the `jmespath` crate parses recursively, so a
/// hostile policy could otherwise exhaust the stack.
fn check_expression_limits(expression: &str) -> Result<(), VarError> {
    if expression.len() > MAX_EXPRESSION_BYTES {
        return Err(VarError(format!(
            "JMESPath expression of {} bytes is over the limit of {MAX_EXPRESSION_BYTES}",
            expression.len()
        )));
    }
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut operators = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in expression.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '!' | '|' | '&' | '.' | '<' | '>' | '=' | ',' => operators += 1,
            _ => {}
        }
    }
    if operators > MAX_EXPRESSION_OPERATORS {
        return Err(VarError(format!(
            "JMESPath expression has more than {MAX_EXPRESSION_OPERATORS} operators"
        )));
    }
    if deepest > MAX_EXPRESSION_NESTING {
        return Err(VarError(format!(
            "JMESPath expression nests deeper than {MAX_EXPRESSION_NESTING} levels"
        )));
    }
    Ok(())
}

/// The missing key of a plain field/index path, as the Kyverno fork reports it.
fn missing_key(ast: &Ast, value: &Value) -> Option<String> {
    match ast {
        Ast::Field { name, .. } => match value {
            Value::Object(m) if !m.contains_key(name) => Some(name.clone()),
            _ => None,
        },
        Ast::Subexpr { lhs, rhs, .. } => {
            if let Some(k) = missing_key(lhs, value) {
                return Some(k);
            }
            let left = plain_eval(lhs, value)?;
            missing_key(rhs, left)
        }
        _ => None,
    }
}

static NULL: Value = Value::Null;

/// A plain path's value, borrowed (a missing key or index is `null`).
fn plain_eval<'v>(ast: &Ast, value: &'v Value) -> Option<&'v Value> {
    match ast {
        Ast::Field { name, .. } => Some(value.get(name).unwrap_or(&NULL)),
        Ast::Index { idx, .. } => {
            let items = value.as_array()?;
            let len = i64::try_from(items.len()).ok()?;
            let i = i64::from(*idx);
            let i = if i < 0 { i + len } else { i };
            Some(
                usize::try_from(i)
                    .ok()
                    .and_then(|i| items.get(i))
                    .unwrap_or(&NULL),
            )
        }
        Ast::Identity { .. } => Some(value),
        Ast::Subexpr { lhs, rhs, .. } => plain_eval(rhs, plain_eval(lhs, value)?),
        _ => None,
    }
}

fn has_var(s: &str) -> bool {
    s.contains("{{") && VARIABLES.as_ref().is_some_and(|r| r.is_match(s))
}

/// Variables found in `s` (each without the leading context character).
fn find_vars(s: &str) -> Vec<String> {
    let Some(re) = VARIABLES.as_ref().filter(|_| s.contains("{{")) else {
        return Vec::new();
    };
    re.captures_iter(s)
        .filter_map(|c| c.get(2).map(|m| m.as_str().to_string()))
        .collect()
}

/// Longest string a substitution may produce, in bytes.
pub const MAX_SUBSTITUTED_BYTES: usize = 1 << 20;
/// Most bytes all substitutions of one rule may produce together (see
/// [`begin_rule`]).
pub const MAX_SUBSTITUTION_WORK: usize = 16 << 20;

thread_local! {
    /// Bytes substituted since the current rule began.
    static WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Start the substitution budget of a rule ([`MAX_SUBSTITUTION_WORK`]).
pub fn begin_rule() {
    WORK.with(|w| w.set(0));
}

fn charge(bytes: usize) -> Result<(), VarError> {
    let total = WORK.with(|w| {
        let total = w.get().saturating_add(bytes);
        w.set(total);
        total
    });
    if total > MAX_SUBSTITUTION_WORK {
        return Err(VarError(format!(
            "variable substitution produced more than {MAX_SUBSTITUTION_WORK} bytes for this rule"
        )));
    }
    Ok(())
}

/// Whether byte `at` lies in one of the (sorted) ranges.
fn in_ranges(ranges: &[(usize, usize)], at: usize) -> bool {
    ranges.iter().any(|&(a, b)| a <= at && at < b)
}

/// Copy `value[from..to]` to `out`, carrying the data ranges inside it.
fn copy_segment(
    value: &str,
    (from, to): (usize, usize),
    data: &[(usize, usize)],
    out: &mut String,
    out_data: &mut Vec<(usize, usize)>,
) {
    let offset = out.len();
    out.push_str(value.get(from..to).unwrap_or(""));
    for &(a, b) in data {
        if a >= from && b <= to {
            out_data.push((a - from + offset, b - from + offset));
        }
    }
}

/// Substitute every variable of one string; a string that is exactly one
/// variable takes the variable's type.
///
/// Resolved values are data: text they bring in is never searched for variables
/// again (an annotation holding `{{ }}` cannot make a policy substitute it, nor
/// double at every round). Variables nested in the policy's own text
/// (`{{ a.{{ b }} }}`) resolve inner first, over several rounds. Each result is at
/// most [`MAX_SUBSTITUTED_BYTES`] long, and all substitutions of a rule together
/// produce at most [`MAX_SUBSTITUTION_WORK`] bytes: beyond either, an error.
pub fn substitute_str(ctx: &Value, text: &str) -> Result<Value, VarError> {
    let Some(re) = VARIABLES.as_ref().filter(|_| text.contains("{{")) else {
        return Ok(Value::String(text.to_string()));
    };
    let mut value = text.to_string();
    // Byte ranges of `value` that came from resolved variables, in order.
    let mut data: Vec<(usize, usize)> = Vec::new();
    let mut rounds = 0usize;
    loop {
        let found: Vec<(usize, usize)> = re
            .captures_iter(&value)
            .filter_map(|c| c.get(2))
            .map(|m| (m.start(), m.end()))
            .filter(|&(start, _)| !in_ranges(&data, start))
            .collect();
        if found.is_empty() {
            break;
        }
        rounds += 1;
        if rounds > MAX_SUBSTITUTION_ROUNDS {
            return Err(VarError(format!(
                "variables still unresolved after {MAX_SUBSTITUTION_ROUNDS} rounds"
            )));
        }
        let mut out = String::with_capacity(value.len());
        let mut out_data = Vec::new();
        let mut last = 0usize;
        for (start, end) in found {
            let v = value.get(start..end).unwrap_or("");
            let inner = v.replace("{{", "").replace("}}", "");
            let mut variable = inner.trim();
            if let Some(rest) = variable.strip_prefix('-') {
                // `{{- }}` (shallow): resolved values are never substituted again anyway.
                variable = rest.trim();
            }
            if variable == "@" {
                return Err(VarError(
                    "the `{{@}}` variable is not supported offline".to_string(),
                ));
            }
            let resolved = query(ctx, variable)?;
            if start == 0 && end == value.len() {
                return Ok(resolved);
            }
            let text = match resolved {
                Value::String(s) => s,
                other => other.to_string(),
            };
            charge(text.len())?;
            copy_segment(&value, (last, start), &data, &mut out, &mut out_data);
            out_data.push((out.len(), out.len() + text.len()));
            out.push_str(&text);
            last = end;
            if out.len() > MAX_SUBSTITUTED_BYTES {
                break;
            }
        }
        copy_segment(&value, (last, value.len()), &data, &mut out, &mut out_data);
        if out.len() > MAX_SUBSTITUTED_BYTES {
            return Err(VarError(format!(
                "variable substitution gives a string over {MAX_SUBSTITUTED_BYTES} bytes"
            )));
        }
        value = out;
        data = out_data;
    }
    Ok(Value::String(value.replace("\\{{", "{{")))
}

/// Substitute variables in every string (keys included) of a document.
pub fn substitute_all(ctx: &Value, doc: &Value) -> Result<Value, VarError> {
    Ok(match doc {
        Value::String(s) if has_var(s) => substitute_str(ctx, s)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| substitute_all(ctx, i))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                let key = if has_var(k) {
                    match substitute_str(ctx, k)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    }
                } else {
                    k.clone()
                };
                out.insert(key, substitute_all(ctx, v)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Functions called by the expressions of a document (inside `{{ }}`, and
/// the bare expressions under `list` and `jmesPath` keys) that the offline
/// runtime does not have, e.g. `time_now_utc`.
pub fn unknown_functions(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_unknown(doc, false, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect_unknown(doc: &Value, bare: bool, out: &mut Vec<String>) {
    match doc {
        Value::String(s) => {
            if bare {
                functions_in(s, out);
            }
            for v in find_vars(s) {
                functions_in(&v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_unknown(v, false, out)),
        Value::Object(m) => {
            for (k, v) in m {
                collect_unknown(v, k == "list" || k == "jmesPath", out);
            }
        }
        _ => {}
    }
}

/// Names called as functions in an expression, outside quoted literals, that
/// the runtime does not know.
fn functions_in(expression: &str, out: &mut Vec<String>) {
    let mut quote: Option<char> = None;
    let mut ident = String::new();
    for c in expression.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            ident.push(c);
            continue;
        }
        if c == '('
            && !ident.is_empty()
            && !ident.starts_with(|d: char| d.is_ascii_digit())
            && RUNTIME.get_function(&ident).is_none()
            && !out.contains(&ident)
        {
            out.push(ident.clone());
        }
        ident.clear();
        if matches!(c, '\'' | '`' | '"') {
            quote = Some(c);
        }
    }
}

/// Whether any string of the document holds a variable.
pub fn uses_variables(doc: &Value) -> bool {
    match doc {
        Value::String(s) => has_var(s),
        Value::Array(a) => a.iter().any(uses_variables),
        Value::Object(m) => m.iter().any(|(k, v)| has_var(k) || uses_variables(v)),
        _ => false,
    }
}

fn err(msg: impl Into<String>) -> JmespathError {
    JmespathError::new("", 0, ErrorReason::Parse(msg.into()))
}

fn var(v: Variable) -> Rcvar {
    Rcvar::new(v)
}

fn arg_str(args: &[Rcvar], i: usize) -> Result<String, JmespathError> {
    match args.get(i).map(|a| &**a) {
        Some(Variable::String(s)) => Ok(s.clone()),
        Some(Variable::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(err(format!("expected a string argument, got {other:?}"))),
        None => Err(err("missing argument")),
    }
}

fn regex_of(p: &str) -> Result<Regex, JmespathError> {
    Regex::new(p).map_err(|e| err(format!("invalid regex: {e}")))
}

fn num(v: &Variable) -> Option<f64> {
    match v {
        Variable::Number(n) => n.as_f64(),
        Variable::String(s) => s.parse().ok().or_else(|| quantity(s)),
        _ => None,
    }
}

fn number_var(f: f64) -> Rcvar {
    #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
    let n = if f.fract() == 0.0 && f.abs() < 9e15 {
        serde_json::Number::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
    };
    var(Variable::Number(n))
}

fn string_fn(
    rt: &mut Runtime,
    name: &str,
    arity: usize,
    f: impl Fn(&[String]) -> Result<Variable, JmespathError> + Send + Sync + 'static,
) {
    let sig = Signature::new(vec![ArgumentType::Any; arity], None);
    rt.register_function(
        name,
        Box::new(CustomFunction::new(
            sig,
            Box::new(move |args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let strings = (0..args.len())
                    .map(|i| arg_str(args, i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(var(f(&strings)?))
            }),
        )),
    );
}

fn s(v: &[String], i: usize) -> &str {
    v.get(i).map_or("", String::as_str)
}

#[allow(clippy::too_many_lines)]
fn register_kyverno_functions(rt: &mut Runtime) {
    string_fn(rt, "regex_match", 2, |a| {
        Ok(Variable::Bool(regex_of(s(a, 0))?.is_match(s(a, 1))))
    });
    string_fn(rt, "regex_replace_all", 3, |a| {
        let re = regex_of(s(a, 0))?;
        // Go's `$1` expansion; Rust's `${1}` form is the same for these cases.
        Ok(Variable::String(
            re.replace_all(s(a, 1), s(a, 2)).into_owned(),
        ))
    });
    string_fn(rt, "regex_replace_all_literal", 3, |a| {
        let re = regex_of(s(a, 0))?;
        Ok(Variable::String(
            re.replace_all(s(a, 1), regex::NoExpand(s(a, 2)))
                .into_owned(),
        ))
    });
    string_fn(rt, "to_upper", 1, |a| {
        Ok(Variable::String(s(a, 0).to_uppercase()))
    });
    string_fn(rt, "to_lower", 1, |a| {
        Ok(Variable::String(s(a, 0).to_lowercase()))
    });
    string_fn(rt, "trim", 2, |a| {
        let cut: Vec<char> = s(a, 1).chars().collect();
        Ok(Variable::String(
            s(a, 0).trim_matches(|c| cut.contains(&c)).to_string(),
        ))
    });
    string_fn(rt, "trim_prefix", 2, |a| {
        Ok(Variable::String(
            s(a, 0).strip_prefix(s(a, 1)).unwrap_or(s(a, 0)).to_string(),
        ))
    });
    string_fn(rt, "trim_suffix", 2, |a| {
        Ok(Variable::String(
            s(a, 0).strip_suffix(s(a, 1)).unwrap_or(s(a, 0)).to_string(),
        ))
    });
    string_fn(rt, "replace_all", 3, |a| {
        Ok(Variable::String(s(a, 0).replace(s(a, 1), s(a, 2))))
    });
    string_fn(rt, "equal_fold", 2, |a| {
        Ok(Variable::Bool(
            s(a, 0).to_lowercase() == s(a, 1).to_lowercase(),
        ))
    });
    string_fn(rt, "pattern_match", 2, |a| {
        Ok(Variable::Bool(super::values::wildcard_match(
            s(a, 0),
            s(a, 1),
        )))
    });
    string_fn(rt, "split", 2, |a| {
        let parts: Vec<Rcvar> = if s(a, 1).is_empty() {
            s(a, 0)
                .chars()
                .map(|c| var(Variable::String(c.to_string())))
                .collect()
        } else {
            s(a, 0)
                .split(s(a, 1))
                .map(|p| var(Variable::String(p.to_string())))
                .collect()
        };
        Ok(Variable::Array(parts))
    });
    for (name, op) in [
        ("divide", '/'),
        ("multiply", '*'),
        ("add", '+'),
        ("subtract", '-'),
        ("modulo", '%'),
    ] {
        let sig = Signature::new(vec![ArgumentType::Any, ArgumentType::Any], None);
        rt.register_function(
            name,
            Box::new(CustomFunction::new(
                sig,
                Box::new(move |args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                    let (Some(a), Some(b)) = (
                        args.first().and_then(|v| num(v)),
                        args.get(1).and_then(|v| num(v)),
                    ) else {
                        return Err(err(format!(
                            "{name}: arguments must be numbers or quantities"
                        )));
                    };
                    let r = match op {
                        '/' | '%' if b == 0.0 => return Err(err("Zero divisor passed")),
                        '/' => a / b,
                        '*' => a * b,
                        '+' => a + b,
                        '-' => a - b,
                        _ => a % b,
                    };
                    Ok(number_var(r))
                }),
            )),
        );
    }
    string_fn(rt, "compare", 2, |a| {
        Ok(Variable::Number(serde_json::Number::from(
            match s(a, 0).cmp(s(a, 1)) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            },
        )))
    });
    string_fn(rt, "to_boolean", 1, |a| {
        match s(a, 0).to_ascii_lowercase().as_str() {
            "true" => Ok(Variable::Bool(true)),
            "false" => Ok(Variable::Bool(false)),
            other => Err(err(format!(
                "lowercase argument must be 'true' or 'false' (provided: '{other}')"
            ))),
        }
    });
    let any = |n: usize| Signature::new(vec![ArgumentType::Any; n], None);
    rt.register_function(
        "replace",
        Box::new(CustomFunction::new(
            any(4),
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let (src, old, new) = (arg_str(args, 0)?, arg_str(args, 1)?, arg_str(args, 2)?);
                let n = args.get(3).and_then(|v| v.as_number()).unwrap_or(-1.0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let out = if n < 0.0 {
                    src.replace(&old, &new)
                } else {
                    src.replacen(&old, &new, n as usize)
                };
                Ok(var(Variable::String(out)))
            }),
        )),
    );
    rt.register_function(
        "truncate",
        Box::new(CustomFunction::new(
            any(2),
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let src = arg_str(args, 0)?;
                let n = args
                    .get(1)
                    .and_then(|v| v.as_number())
                    .unwrap_or(0.0)
                    .max(0.0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let out: String = src.chars().take(n as usize).collect();
                Ok(var(Variable::String(out)))
            }),
        )),
    );
    rt.register_function(
        "round",
        Box::new(CustomFunction::new(
            any(2),
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let x = args
                    .first()
                    .and_then(|v| v.as_number())
                    .ok_or_else(|| err("round: a number is required"))?;
                let d = args.get(1).and_then(|v| v.as_number()).unwrap_or(0.0);
                #[allow(clippy::cast_possible_truncation)]
                let p = 10f64.powi(d as i32);
                Ok(number_var((x * p).round() / p))
            }),
        )),
    );
    rt.register_function(
        "merge",
        Box::new(CustomFunction::new(
            Signature::new(vec![ArgumentType::Object], Some(ArgumentType::Object)),
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let mut out = std::collections::BTreeMap::new();
                for a in args {
                    if let Variable::Object(m) = &**a {
                        for (k, v) in m {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                }
                Ok(var(Variable::Object(out)))
            }),
        )),
    );
    rt.register_function(
        "items",
        Box::new(CustomFunction::new(
            any(3),
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let (kn, vn) = (arg_str(args, 1)?, arg_str(args, 2)?);
                let pairs: Vec<(Rcvar, Rcvar)> = match args.first().map(|v| &**v) {
                    Some(Variable::Object(m)) => m
                        .iter()
                        .map(|(k, v)| (var(Variable::String(k.clone())), v.clone()))
                        .collect(),
                    Some(Variable::Array(a)) => a
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            (
                                var(Variable::Number(serde_json::Number::from(i))),
                                v.clone(),
                            )
                        })
                        .collect(),
                    _ => return Err(err("items: an object or array is required")),
                };
                let out = pairs
                    .into_iter()
                    .map(|(k, v)| {
                        let mut m = std::collections::BTreeMap::new();
                        m.insert(kn.clone(), k);
                        m.insert(vn.clone(), v);
                        var(Variable::Object(m))
                    })
                    .collect();
                Ok(var(Variable::Array(out)))
            }),
        )),
    );
    rt.register_function(
        "object_from_lists",
        Box::new(CustomFunction::new(
            any(2),
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let (Some(Variable::Array(keys)), Some(Variable::Array(vals))) =
                    (args.first().map(|v| &**v), args.get(1).map(|v| &**v))
                else {
                    return Err(err("object_from_lists: two arrays are required"));
                };
                let mut m = std::collections::BTreeMap::new();
                for (i, k) in keys.iter().enumerate() {
                    if let Variable::String(k) = &**k {
                        m.insert(
                            k.clone(),
                            vals.get(i).cloned().unwrap_or_else(|| var(Variable::Null)),
                        );
                    }
                }
                Ok(var(Variable::Object(m)))
            }),
        )),
    );
    rt.register_function(
        "lookup",
        Box::new(CustomFunction::new(
            any(2),
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let out = match (args.first().map(|v| &**v), args.get(1).map(|v| &**v)) {
                    (Some(Variable::Object(m)), Some(Variable::String(k))) => m.get(k).cloned(),
                    (Some(Variable::Array(a)), Some(Variable::Number(n))) => n
                        .as_u64()
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| a.get(i).cloned()),
                    _ => return Err(err("lookup: an object and a key, or an array and an index")),
                };
                Ok(out.unwrap_or_else(|| var(Variable::Null)))
            }),
        )),
    );
    string_fn(rt, "parse_json", 1, |a| {
        let v: Value =
            serde_json::from_str(s(a, 0)).map_err(|e| err(format!("parse_json: {e}")))?;
        Variable::try_from(v)
    });
    string_fn(rt, "parse_yaml", 1, |a| {
        let node = stockade_yaml::parse_single(s(a, 0), &stockade_yaml::Limits::default())
            .map_err(|_| err("parse_yaml: invalid YAML"))?;
        Variable::try_from(node.to_json())
    });
    let sig = Signature::new(vec![ArgumentType::Object, ArgumentType::Object], None);
    rt.register_function(
        "label_match",
        Box::new(CustomFunction::new(
            sig,
            Box::new(|args: &[Rcvar], _ctx: &mut jmespath::Context<'_>| {
                let (Some(Variable::Object(sel)), Some(Variable::Object(labels))) =
                    (args.first().map(|v| &**v), args.get(1).map(|v| &**v))
                else {
                    return Err(err("label_match: expected two objects"));
                };
                Ok(var(Variable::Bool(
                    sel.iter().all(|(k, v)| labels.get(k) == Some(v)),
                )))
            }),
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn substitution_keeps_types_and_nests() {
        let ctx = json!({"request": {"object": {"spec": {"replicas": 3, "name": "v1.2.3"}}, "operation": "CREATE"}});
        assert_eq!(
            substitute_str(&ctx, "{{request.object.spec.replicas}}").unwrap(),
            json!(3)
        );
        assert_eq!(
            substitute_str(&ctx, "n={{ request.object.spec.replicas }}").unwrap(),
            json!("n=3")
        );
        assert_eq!(
            substitute_str(
                &ctx,
                "{{ regex_match('^v[0-9]', '{{request.object.spec.name}}') }}"
            )
            .unwrap(),
            json!(true)
        );
        assert!(substitute_str(&ctx, "{{request.object.spec.missing}}").is_err());
        assert_eq!(
            substitute_str(&ctx, "{{request.object.spec.missing || 'x'}}").unwrap(),
            json!("x")
        );
        assert_eq!(
            substitute_str(&ctx, "{{ divide('1Gi', '512Mi') }}").unwrap(),
            json!(2)
        );
    }

    #[test]
    fn hostile_expressions_are_errors_not_crashes() {
        let ctx = json!({"a": {"b": "{{a.b}}"}});
        let deep = format!("{{{{ {}a{} }}}}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(substitute_str(&ctx, &deep).is_err());
        let chain = format!("{{{{ a{} }}}}", ".b".repeat(5_000));
        assert!(substitute_str(&ctx, &chain).is_err());
        let not = format!("{{{{ {}a }}}}", "!".repeat(10_000));
        assert!(substitute_str(&ctx, &not).is_err());
        // A value holding `{{ }}` is data: it is not substituted again.
        assert_eq!(
            substitute_str(&ctx, "{{ a.b }}x").unwrap(),
            json!("{{a.b}}x")
        );
        // A doubling value would grow exponentially if it were.
        let ctx = json!({"a": "{{a}}{{a}}"});
        assert_eq!(
            substitute_str(&ctx, "m {{a}}").unwrap(),
            json!("m {{a}}{{a}}")
        );
        // Variables nested in the policy's text still resolve inner first.
        let ctx = json!({"k": "b", "a": {"b": 1}});
        assert_eq!(substitute_str(&ctx, "x{{ a.{{k}} }}").unwrap(), json!("x1"));
    }
}

static REFERENCES: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)").ok());
static ESCAPED_REFERENCES: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\\\$\(.[^ )]*\)").ok());

/// Resolve `$(path)` references of a pattern to other values of the same
/// pattern (`"<=$(./../../limits/memory)"`), as Kyverno's
/// `substituteReferences` does: the path is relative to the referring value's
/// path, anchors are ignored when comparing paths, and an operator written
/// inside the reference (`$(<=./x)`) is kept in front of the value.
pub fn substitute_references(pattern: &Value) -> Result<Value, VarError> {
    fn has_reference(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains("$("),
            Value::Array(a) => a.iter().any(has_reference),
            Value::Object(m) => m.values().any(has_reference),
            _ => false,
        }
    }
    if !has_reference(pattern) {
        return Ok(pattern.clone());
    }
    let mut leaves = Vec::new();
    collect_leaves(pattern, &mut String::new(), &mut leaves);
    replace_references(pattern, &mut String::new(), &leaves)
}

fn strip_anchor(key: &str) -> String {
    super::pattern::parse_anchor(key).map_or_else(|| key.to_string(), |(_, k)| k.to_string())
}

fn collect_leaves(v: &Value, path: &mut String, out: &mut Vec<(String, Value)>) {
    let len = path.len();
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push('/');
                path.push_str(&strip_anchor(k));
                collect_leaves(child, path, out);
                path.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push('/');
                path.push_str(&i.to_string());
                collect_leaves(child, path, out);
                path.truncate(len);
            }
        }
        leaf => out.push((path.clone(), leaf.clone())),
    }
}

/// `path.Join(base, rel)` for slash paths.
fn join_path(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn replace_references(
    v: &Value,
    path: &mut String,
    leaves: &[(String, Value)],
) -> Result<Value, VarError> {
    let len = path.len();
    Ok(match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, child) in m {
                path.push('/');
                path.push_str(&strip_anchor(k));
                out.insert(k.clone(), replace_references(child, path, leaves)?);
                path.truncate(len);
            }
            Value::Object(out)
        }
        Value::Array(a) => {
            let mut out = Vec::new();
            for (i, child) in a.iter().enumerate() {
                path.push('/');
                path.push_str(&i.to_string());
                out.push(replace_references(child, path, leaves)?);
                path.truncate(len);
            }
            Value::Array(out)
        }
        Value::String(s) if s.contains("$(") => Value::String(resolve_in_string(s, path, leaves)?),
        other => other.clone(),
    })
}

fn resolve_in_string(s: &str, path: &str, leaves: &[(String, Value)]) -> Result<String, VarError> {
    let (Some(re), Some(esc)) = (REFERENCES.as_ref(), ESCAPED_REFERENCES.as_ref()) else {
        return Ok(s.to_string());
    };
    let mut value = s.to_string();
    let found: Vec<String> = re.find_iter(s).map(|m| m.as_str().to_string()).collect();
    for old in found {
        let initial = old.starts_with("$(");
        let reference = if initial {
            old.as_str()
        } else {
            old.get(1..).unwrap_or("")
        };
        let inner = reference
            .trim_start_matches(['$', '('])
            .trim_end_matches(')');
        let op = super::pattern::operator_of(inner);
        let op_text = match op {
            super::pattern::Op::MoreEqual => ">=",
            super::pattern::Op::LessEqual => "<=",
            super::pattern::Op::More => ">",
            super::pattern::Op::Less => "<",
            super::pattern::Op::NotEqual => "!",
            _ => "",
        };
        let rel = inner.get(op_text.len()..).unwrap_or("");
        if rel.is_empty() {
            return Err(VarError("expected path, found empty reference".to_string()));
        }
        let target = join_path(path, rel);
        let found = leaves.iter().find(|(p, _)| *p == target).map(|(_, v)| v);
        let text = match (found, op_text) {
            (Some(Value::String(s)), _) => format!("{op_text}{s}"),
            (Some(Value::Number(n)), o) if !o.is_empty() => format!("{o}{n}"),
            (None, _) => {
                return Err(VarError(format!(
                    "got nil resolved variable {reference} at path {path}"
                )))
            }
            _ => {
                return Err(VarError(format!(
                    "NotResolvedReferenceErr,reference {reference} not resolved at path {path}"
                )))
            }
        };
        let replacement = if initial {
            text
        } else {
            format!("{}{text}", old.get(..1).unwrap_or(""))
        };
        value = value.replacen(&old, &replacement, 1);
    }
    for m in esc.find_iter(&value.clone()) {
        let t = m.as_str();
        value = value.replace(t, t.get(1..).unwrap_or(""));
    }
    Ok(value)
}

#[cfg(test)]
mod reference_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_resolve_inside_the_pattern() {
        let p = json!({"spec": {"containers": [{"resources": {
            "requests": {"memory": "$(<=./../../limits/memory)"},
            "limits": {"memory": "2048Mi"}}}]}});
        let out = substitute_references(&p).unwrap();
        assert_eq!(
            out.pointer("/spec/containers/0/resources/requests/memory"),
            Some(&json!("<=2048Mi"))
        );
        let missing = json!({"a": "$(./nope)"});
        assert!(substitute_references(&missing).is_err());
    }
}
