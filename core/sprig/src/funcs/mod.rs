//! The function map: every name of `sprig.TxtFuncMap()` (Sprig v3.3.0), each a
//! [`Func`] with Go's parameter types (so the executor converts and rejects
//! arguments as Go's `text/template` does) and Sprig's behaviour, panics included
//! (Go's executor turns a panicking function into `error calling NAME: …`; so
//! does this map, with the panic's text).

use stockade_gotemplate::{CallCtx, Func, FuncError, FuncMap, Param, Value};

mod crypto;
pub(crate) use crypto::register_bcrypt;
mod dates;
mod dicts;
mod general;
mod lists;
mod math;
mod strings;

pub use dates::TimeValue;
pub use general::VersionValue;

/// A function body.
pub(crate) type Body = fn(&mut CallCtx<'_, '_>, Vec<Value>) -> Result<Value, FuncError>;

/// Registration helpers shared by the category modules.
pub(crate) struct Reg<'a>(&'a mut FuncMap);

impl<'a> Reg<'a> {
    pub(crate) fn new(map: &'a mut FuncMap) -> Self {
        Reg(map)
    }

    /// `name(params…)`.
    pub(crate) fn fixed(&mut self, names: &[&str], params: Vec<Param>, result: &str, body: Body) {
        let f = Func::new(params, body).with_result(result);
        for n in names {
            self.0.insert((*n).to_string(), f.clone());
        }
    }

    /// `name(params…, rest...)`.
    pub(crate) fn variadic(
        &mut self,
        names: &[&str],
        params: Vec<Param>,
        rest: Param,
        result: &str,
        body: Body,
    ) {
        let f = Func::variadic(params, rest, body).with_result(result);
        for n in names {
            self.0.insert((*n).to_string(), f.clone());
        }
    }
}

/// `sprig.TxtFuncMap()`: every Sprig function, including `env` and `expandenv`
/// (which read the process environment) and the non-hermetic ones.
pub fn funcs() -> FuncMap {
    let mut m = FuncMap::new();
    let mut r = Reg(&mut m);
    strings::register(&mut r);
    lists::register(&mut r);
    dicts::register(&mut r);
    math::register(&mut r);
    general::register(&mut r);
    dates::register(&mut r);
    crypto::register(&mut r);
    m
}

/// The names Helm deletes from Sprig's map (`env`, `expandenv`: a chart must
/// not read the environment of whoever renders it).
pub const HELM_REMOVED: &[&str] = &["env", "expandenv"];

/// Sprig's map as Helm starts from it: [`funcs`] minus [`HELM_REMOVED`]. Helm's
/// own functions (`include`, `tpl`, `toYaml`, `required`, …; its `toJson`/
/// `fromJson` replace Sprig's) are added by the Helm layer.
pub fn helm_base_funcs() -> FuncMap {
    let mut m = funcs();
    for n in HELM_REMOVED {
        m.remove(*n);
    }
    m
}

/// Sprig's `nonhermeticFunctions`: the names whose result depends on the clock,
/// randomness or the environment (`sprig.HermeticTxtFuncMap()` removes them).
pub const NON_HERMETIC: &[&str] = &[
    "date",
    "date_in_zone",
    "date_modify",
    "now",
    "htmlDate",
    "htmlDateInZone",
    "dateInZone",
    "dateModify",
    "randAlphaNum",
    "randAlpha",
    "randAscii",
    "randNumeric",
    "randBytes",
    "uuidv4",
    "env",
    "expandenv",
    "getHostByName",
];

/// `sprig.HermeticTxtFuncMap()`.
pub fn hermetic_funcs() -> FuncMap {
    let mut m = funcs();
    for n in NON_HERMETIC {
        m.remove(*n);
    }
    m
}

// ---- argument helpers -------------------------------------------------------

/// The string of a `string` parameter.
pub(crate) fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The string of `string` argument `i`.
pub(crate) fn sa(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

/// The integer of an `int`/`int64` (or unsigned) parameter.
#[allow(clippy::cast_possible_wrap)]
pub(crate) fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i, _) => *i,
        Value::Uint(u, _) => *u as i64,
        _ => 0,
    }
}

/// The boolean of a `bool` parameter.
pub(crate) fn boolean(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// Argument `i` (nil when absent).
pub(crate) fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Nil)
}

/// An error with Go's text.
pub(crate) fn fail(m: impl Into<String>) -> FuncError {
    FuncError::msg(m)
}

/// `[]string` from strings.
pub(crate) fn strings_value(items: Vec<String>) -> Value {
    Value::typed_list("string", items.into_iter().map(Value::string).collect())
}

/// A Go `int64`.
pub(crate) fn int64(i: i64) -> Value {
    Value::Int(i, stockade_gotemplate::IntType::Int64)
}

/// Go's panic text for calling a method on a nil `reflect.Type`
/// (`reflect.TypeOf(nil).Kind()`).
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";
