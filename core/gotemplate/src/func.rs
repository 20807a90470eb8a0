//! Functions callable from templates: [`Func`], [`FuncMap`], [`CallCtx`], [`FuncError`].
//!
//! A Go template function has a signature; the executor converts and checks the
//! arguments against it exactly as Go's `text/template` does (a literal `3` passed
//! where a `float64` is expected becomes `3.0`; a piped `int` where a `string` is
//! expected fails with `wrong type for value; expected string; got int`). Function
//! authors state the signature with [`Param`]s and receive arguments already
//! converted.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::error::ExecError;
use crate::value::{FloatType, IntType, Kind, UintType, Value, ANY};

/// A Go parameter type, as a function declares it.
#[derive(Clone, Debug)]
pub enum Param {
    /// `interface{}` (`any`): every value, nil included (no value arrives as [`Value::Nil`]).
    Any,
    Bool,
    String,
    Int(IntType),
    Uint(UintType),
    Float(FloatType),
    Complex,
    /// `[]T` with Go's element type name (`string`, `interface {}`); accepts lists
    /// with exactly that element type (and `[]byte` for `uint8`), nil as an empty list.
    Slice(Arc<str>),
    /// `map[string]T` with Go's element type name; accepts maps with that element type
    /// (named map types such as Helm's `chartutil.Values` too), nil as an empty map.
    Map(Arc<str>),
    /// Any other type, by Go's type name (`*semver.Version`, `time.Time`, `fmt.Stringer`):
    /// accepts values whose [`Value::type_name`] is exactly this, and typed nils.
    Named(Arc<str>),
    /// An interface with methods (`fmt.Stringer`, `error`): accepts [`Value::Object`]s
    /// for which the predicate holds. The name is Go's, for error messages.
    Interface(Arc<str>, fn(&Value) -> bool),
}

impl Param {
    /// `int`.
    pub const INT: Param = Param::Int(IntType::Int);
    /// `int64`.
    pub const INT64: Param = Param::Int(IntType::Int64);
    /// `float64`.
    pub const FLOAT64: Param = Param::Float(FloatType::F64);

    /// `[]interface {}`.
    pub fn any_slice() -> Param {
        Param::Slice(Arc::from(ANY))
    }

    /// `[]string`.
    pub fn string_slice() -> Param {
        Param::Slice(Arc::from("string"))
    }

    /// `map[string]interface {}`.
    pub fn any_map() -> Param {
        Param::Map(Arc::from(ANY))
    }

    /// Go's name of the type (`string`, `[]interface {}`, `map[string]interface {}`).
    pub fn go_name(&self) -> String {
        match self {
            Param::Any => ANY.to_owned(),
            Param::Bool => "bool".to_owned(),
            Param::String => "string".to_owned(),
            Param::Int(t) => t.name().to_owned(),
            Param::Uint(t) => t.name().to_owned(),
            Param::Float(t) => t.name().to_owned(),
            Param::Complex => "complex128".to_owned(),
            Param::Slice(e) => format!("[]{e}"),
            Param::Map(e) => format!("map[string]{e}"),
            Param::Named(n) | Param::Interface(n, _) => n.to_string(),
        }
    }

    /// Go's `reflect.Kind` of the parameter type.
    pub fn kind(&self) -> Kind {
        match self {
            Param::Any | Param::Interface(..) => Kind::Interface,
            Param::Bool => Kind::Bool,
            Param::String => Kind::String,
            Param::Int(_) => Kind::Int,
            Param::Uint(_) => Kind::Uint,
            Param::Float(_) => Kind::Float64,
            Param::Complex => Kind::Complex128,
            Param::Slice(_) => Kind::Slice,
            Param::Map(_) => Kind::Map,
            Param::Named(n) => {
                if n.starts_with('*') {
                    Kind::Ptr
                } else {
                    Kind::Struct
                }
            }
        }
    }
}

/// Why a function failed. Go: the function returned a non-nil `error` (or panicked).
#[derive(Debug, Clone)]
pub enum FuncError {
    /// The error's text; execution stops with
    /// `template: NAME:LINE:COL: executing "NAME" at <fn>: error calling fn: MSG`.
    Message(String),
    /// An execution error to pass through unchanged (a budget ran out inside
    /// an `include`): execution stops with exactly this error.
    Abort(Box<ExecError>),
}

impl FuncError {
    /// An error with Go's text.
    pub fn msg(m: impl Into<String>) -> FuncError {
        FuncError::Message(m.into())
    }
}

impl fmt::Display for FuncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FuncError::Message(m) => f.write_str(m),
            FuncError::Abort(e) => write!(f, "{e}"),
        }
    }
}

impl From<ExecError> for FuncError {
    /// An error from a nested execution (`include`, `tpl`) is the function's error
    /// (Go wraps its text: `error calling include: template: ...`), except a
    /// limit error, which aborts unchanged.
    fn from(e: ExecError) -> FuncError {
        if e.is_limit() {
            FuncError::Abort(Box::new(e))
        } else {
            FuncError::Message(e.to_string())
        }
    }
}

/// The body of a function: the call context and the converted arguments (the
/// variadic ones last, flattened).
pub type FuncBody =
    dyn Fn(&mut CallCtx<'_, '_>, Vec<Value>) -> Result<Value, FuncError> + Send + Sync;

struct FuncInner {
    params: Vec<Param>,
    variadic: Option<Param>,
    /// Go's result type name, for `%T` of a func value; informational.
    result: String,
    body: Box<FuncBody>,
}

/// A function callable from a template (an entry of a [`FuncMap`], a method of an
/// [`crate::Object`], or a func value for `call`). Cheap to clone.
#[derive(Clone)]
pub struct Func(Arc<FuncInner>);

impl Func {
    /// A function with fixed parameters.
    pub fn new<F>(params: Vec<Param>, body: F) -> Func
    where
        F: Fn(&mut CallCtx<'_, '_>, Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        Func(Arc::new(FuncInner {
            params,
            variadic: None,
            result: ANY.to_owned(),
            body: Box::new(body),
        }))
    }

    /// A variadic function: fixed parameters then `...rest`.
    pub fn variadic<F>(params: Vec<Param>, rest: Param, body: F) -> Func
    where
        F: Fn(&mut CallCtx<'_, '_>, Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        Func(Arc::new(FuncInner {
            params,
            variadic: Some(rest),
            result: ANY.to_owned(),
            body: Box::new(body),
        }))
    }

    /// A function that needs no call context, with fixed parameters.
    pub fn pure<F>(params: Vec<Param>, body: F) -> Func
    where
        F: Fn(Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        Func::new(params, move |_: &mut CallCtx<'_, '_>, a| body(a))
    }

    /// A variadic function that needs no call context.
    pub fn pure_variadic<F>(params: Vec<Param>, rest: Param, body: F) -> Func
    where
        F: Fn(Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        Func::variadic(params, rest, move |_: &mut CallCtx<'_, '_>, a| body(a))
    }

    /// Sets Go's result type name (shown by `%T` of the func value).
    #[must_use]
    pub fn with_result(self, result: &str) -> Func {
        match Arc::try_unwrap(self.0) {
            Ok(mut inner) => {
                result.clone_into(&mut inner.result);
                Func(Arc::new(inner))
            }
            Err(shared) => Func(shared),
        }
    }

    /// The fixed parameters.
    pub fn params(&self) -> &[Param] {
        &self.0.params
    }

    /// The variadic parameter's element type, if any.
    pub fn variadic_param(&self) -> Option<&Param> {
        self.0.variadic.as_ref()
    }

    /// Calls the body with already converted arguments.
    pub fn call(&self, ctx: &mut CallCtx<'_, '_>, args: Vec<Value>) -> Result<Value, FuncError> {
        (self.0.body)(ctx, args)
    }

    /// Go's type name of the func (`func(string, ...interface {}) interface {}`).
    pub fn type_name(&self) -> String {
        let mut parts: Vec<String> = self.0.params.iter().map(Param::go_name).collect();
        if let Some(v) = &self.0.variadic {
            parts.push(format!("...{}", v.go_name()));
        }
        format!("func({}) {}", parts.join(", "), self.0.result)
    }

    /// Identity (Go funcs are not comparable; `eq` on them fails).
    pub fn ptr_eq(&self, other: &Func) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Func({})", self.type_name())
    }
}

/// Name → function, as Go's `template.FuncMap`. User functions shadow builtins.
pub type FuncMap = HashMap<String, Func>;

/// What a function sees of the execution that called it.
pub struct CallCtx<'s, 'e> {
    pub(crate) state: &'s mut crate::exec::State<'e>,
    pub(crate) name: &'s str,
    pub(crate) arg_paths: Vec<(Value, Option<crate::trace::DataPath>)>,
}

impl CallCtx<'_, '_> {
    /// The name the function was called by.
    pub fn func_name(&self) -> &str {
        self.name
    }

    /// The name of the template being executed (Go's `s.tmpl.Name()`).
    pub fn template_name(&self) -> &str {
        self.state.template_name()
    }

    /// The name of the set's main template (Go's `Name()` of the
    /// `*template.Template` the functions were bound to; Helm's is `gotpl`).
    pub fn set_name(&self) -> &str {
        self.state.set_name()
    }

    /// Executes the named template of the same set with `data` into a string
    /// (Helm's `include`). Counts toward the depth limit; the output budget is
    /// shared with the caller. Data paths read inside are reported to the
    /// tracer as read by the calling action when `data` was one of this call's
    /// arguments.
    pub fn execute_template(&mut self, name: &str, data: &Value) -> Result<String, ExecError> {
        let path = self.path_of(data);
        self.state.execute_nested(name, data, path)
    }

    /// Parses `text` as a new template named `name` in a clone of the set (so
    /// its `define`s do not leak) and executes it with `data` (Helm's `tpl`).
    pub fn execute_text(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
    ) -> Result<String, crate::exec::NestedError> {
        let path = self.path_of(data);
        self.state.execute_text(name, text, data, path)
    }

    /// Charges `units` execution steps (one per element built, say) against the
    /// step budget; functions that build large values (`until`, `repeat`) must
    /// charge before allocating so a runaway template ends with a limit error.
    pub fn charge(&mut self, units: u64) -> Result<(), FuncError> {
        self.state
            .charge(units)
            .map_err(|e| FuncError::Abort(Box::new(e)))
    }

    /// An error of the execution's limit kind, at this call: for a function
    /// that refuses to build a value past a budget (a result over the output
    /// limit), so callers report it as a limit, as they do the step budget.
    pub fn limit_error(&self, message: impl Into<String>) -> FuncError {
        FuncError::Abort(Box::new(self.state.limit_error(message.into())))
    }

    /// The limits of this execution.
    pub fn limits(&self) -> &crate::Limits {
        self.state.limits()
    }

    /// Current template nesting depth (`template`, `include`, `tpl` calls).
    pub fn depth(&self) -> usize {
        self.state.depth()
    }

    fn path_of(&self, data: &Value) -> Option<crate::trace::DataPath> {
        self.state.path_of_arg(data, &self.arg_paths)
    }
}
