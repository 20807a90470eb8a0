//! Go's dynamic values as `text/template`, Sprig and Helm see them.
//!
//! A [`Value`] is what a Go `reflect.Value` holding an `interface{}` would be:
//! it keeps the Go type where the type changes what a template prints or
//! compares (`int` vs `int64` vs `float64`, `[]string` vs `[]interface {}`).
//! Lists and maps are behind `Arc`, so clones are cheap. Lists are immutable once
//! built. Maps are references, as in Go: every copy of a map value shares its
//! [`Entries`], so Sprig's `set`, `unset`, `merge` and `mergeOverwrite` change the
//! map every variable holding it sees (`{{ $_ := set $d "k" 1 }}{{ $d.k }}`).

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::func::Func;

/// Go's signed integer types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntType {
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
}

impl IntType {
    /// The Go type name (`int`, `int64`, ...).
    pub fn name(self) -> &'static str {
        match self {
            IntType::Int => "int",
            IntType::Int8 => "int8",
            IntType::Int16 => "int16",
            IntType::Int32 => "int32",
            IntType::Int64 => "int64",
        }
    }
}

/// Go's unsigned integer types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UintType {
    Uint,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Uintptr,
}

impl UintType {
    /// The Go type name (`uint`, `uint8`, ...).
    pub fn name(self) -> &'static str {
        match self {
            UintType::Uint => "uint",
            UintType::Uint8 => "uint8",
            UintType::Uint16 => "uint16",
            UintType::Uint32 => "uint32",
            UintType::Uint64 => "uint64",
            UintType::Uintptr => "uintptr",
        }
    }
}

/// Go's floating-point types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatType {
    F32,
    F64,
}

impl FloatType {
    /// The Go type name (`float32`, `float64`).
    pub fn name(self) -> &'static str {
        match self {
            FloatType::F32 => "float32",
            FloatType::F64 => "float64",
        }
    }
}

/// Go's `reflect.Kind`, as Sprig's `kindOf`/`kindIs` name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Invalid,
    Bool,
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Uintptr,
    Float32,
    Float64,
    Complex128,
    String,
    Slice,
    Array,
    Map,
    Ptr,
    Struct,
    Func,
    Interface,
}

impl Kind {
    /// The name `reflect.Kind.String()` gives (`ptr`, `slice`, `map`, `invalid`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Invalid => "invalid",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Int8 => "int8",
            Kind::Int16 => "int16",
            Kind::Int32 => "int32",
            Kind::Int64 => "int64",
            Kind::Uint => "uint",
            Kind::Uint8 => "uint8",
            Kind::Uint16 => "uint16",
            Kind::Uint32 => "uint32",
            Kind::Uint64 => "uint64",
            Kind::Uintptr => "uintptr",
            Kind::Float32 => "float32",
            Kind::Float64 => "float64",
            Kind::Complex128 => "complex128",
            Kind::String => "string",
            Kind::Slice => "slice",
            Kind::Array => "array",
            Kind::Map => "map",
            Kind::Ptr => "ptr",
            Kind::Struct => "struct",
            Kind::Func => "func",
            Kind::Interface => "interface",
        }
    }
}

/// The element type name of `[]interface{}` / `map[string]interface{}` as Go prints it.
pub const ANY: &str = "interface {}";

/// A Go slice (or array): its element type name and its items.
#[derive(Clone, Debug, PartialEq)]
pub struct List {
    /// Go's name of the element type: `interface {}`, `string`, `int`, ...
    pub elem: Arc<str>,
    pub items: Vec<Value>,
}

/// A Go map with string keys. Iteration and printing are in Go's sorted key order
/// (byte order, which `BTreeMap<String, _>` keeps).
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    /// The Go type name when it is a named type (Helm's `chartutil.Values`); `None`
    /// means `map[string]<elem>`.
    pub named: Option<Arc<str>>,
    /// Go's name of the element type: `interface {}`, `string`, `int`, ...
    pub elem: Arc<str>,
    pub entries: Entries,
}

/// The entries of a Go map. A Go map is a reference: the map values that share
/// one `Arc<Map>` see each other's changes ([`Entries::insert`],
/// [`Entries::remove`] take `&self`). Reads return clones (cheap: values are
/// `Arc`s) and iteration walks a snapshot, so no lock is held while a template
/// runs. `Clone` copies the entries into a new, independent map.
#[derive(Default)]
pub struct Entries(std::sync::RwLock<BTreeMap<String, Value>>);

impl Entries {
    /// A map holding `entries`.
    pub fn new(entries: BTreeMap<String, Value>) -> Entries {
        Entries(std::sync::RwLock::new(entries))
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Value>> {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Value>> {
        self.0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// The keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// A copy of the entries as they are now.
    pub fn snapshot(&self) -> BTreeMap<String, Value> {
        self.read().clone()
    }

    /// The entries as they are now, in key order.
    pub fn iter(&self) -> std::collections::btree_map::IntoIter<String, Value> {
        self.snapshot().into_iter()
    }

    /// Sets `key` (Go's `m[key] = value`), seen by every holder of the map.
    pub fn insert(&self, key: String, value: Value) -> Option<Value> {
        self.write().insert(key, value)
    }

    /// Deletes `key` (Go's `delete(m, key)`).
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.write().remove(key)
    }

    /// The entries for changing in place, when the map is held exclusively
    /// (`Arc::make_mut(m).entries.map_mut()` while building a value).
    pub fn map_mut(&mut self) -> &mut BTreeMap<String, Value> {
        self.0
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The entries, taking the map apart.
    pub fn into_map(self) -> BTreeMap<String, Value> {
        self.0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl From<BTreeMap<String, Value>> for Entries {
    fn from(entries: BTreeMap<String, Value>) -> Entries {
        Entries::new(entries)
    }
}

impl IntoIterator for &Entries {
    type Item = (String, Value);
    type IntoIter = std::collections::btree_map::IntoIter<String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Clone for Entries {
    fn clone(&self) -> Entries {
        Entries::new(self.snapshot())
    }
}

impl fmt::Debug for Entries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: a map may (through `set`) contain itself.
        f.debug_set().entries(self.keys()).finish()
    }
}

impl PartialEq for Entries {
    fn eq(&self, other: &Entries) -> bool {
        std::ptr::eq(self, other) || self.snapshot() == other.snapshot()
    }
}

/// A member of an [`Object`] reached by `.Name` in a template.
pub enum Member {
    /// A struct field (or a method without arguments evaluated eagerly).
    Field(Value),
    /// A method: called with the arguments that follow `.Name` in the command.
    Method(Func),
}

/// Any other Go value a function or the data can hold: structs (Helm's `.Release`,
/// `.Capabilities`, `.Files`), `time.Time`, `*semver.Version`, `error`s, ...
///
/// Implementors decide what `.Field` and `.Method args` do and how Go's `fmt`
/// prints the value. Downcast with [`Object::as_any`].
pub trait Object: Send + Sync + fmt::Debug {
    /// Go's type name as `%T` prints it (`time.Time`, `*semver.Version`, `chart.Metadata`).
    fn type_name(&self) -> String;
    /// `reflect.Kind` of the value (struct, ptr, ...).
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    /// `.Name` on the value: a field or a method; `None` when it has no such member
    /// (Go: `can't evaluate field Name in type T`).
    fn member(&self, name: &str) -> Option<Member>;
    /// The result of the value's `String()` (a `fmt.Stringer`) or `Error()` (an
    /// `error`) method, which Go's `fmt` prints for `%v`, `%s` and `%q`.
    fn go_string(&self) -> Option<String> {
        None
    }
    /// True when the value implements `error` (the `Error()` method is what
    /// [`Object::go_string`] returns).
    fn is_error(&self) -> bool {
        false
    }
    /// The struct fields in declaration order, for `{a b}` / `%+v` `{A:a B:b}` printing
    /// when there is no [`Object::go_string`].
    fn fields(&self) -> Vec<(String, Value)> {
        Vec::new()
    }
    /// Go truthiness (`if`): structs are always true, nil pointers false.
    fn truth(&self) -> bool {
        true
    }
    /// Equality for `eq` (Go compares comparable values with `==`); `None` when the
    /// type is not comparable (`eq` then fails with Go's error).
    fn equals(&self, _other: &dyn Object) -> Option<bool> {
        None
    }
    /// The `(key, element)` pairs `range` visits, for an object that is a Go
    /// map or slice underneath (Helm's `.Files`); `None`: not rangeable.
    fn range_entries(&self) -> Option<Vec<(Value, Value)>> {
        None
    }
    /// For downcasting to the implementing type.
    fn as_any(&self) -> &dyn Any;
}

/// A Go value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// No value: untyped `nil`, a missing map key, an invalid `reflect.Value`.
    /// Printed by the template executor as `<no value>`, by `fmt` as `<nil>`.
    #[default]
    Nil,
    /// A typed nil pointer/interface (`(*T)(nil)`): its Go type name. Prints `<nil>`.
    TypedNil(Arc<str>),
    Bool(bool),
    Int(i64, IntType),
    Uint(u64, UintType),
    Float(f64, FloatType),
    /// complex128 (constants like `1+2i` in templates).
    Complex(f64, f64),
    String(Arc<str>),
    /// `[]byte`.
    Bytes(Arc<[u8]>),
    List(Arc<List>),
    Map(Arc<Map>),
    Object(Arc<dyn Object>),
    /// A Go func value (for `call`): the function and its declared parameters.
    Func(Func),
}

impl Value {
    /// A Go `string`.
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A Go `int`.
    pub fn int(i: i64) -> Value {
        Value::Int(i, IntType::Int)
    }

    /// A Go `float64`.
    pub fn float(f: f64) -> Value {
        Value::Float(f, FloatType::F64)
    }

    /// A `[]interface {}`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List {
            elem: Arc::from(ANY),
            items,
        }))
    }

    /// A slice with the given element type name (`string` for `[]string`).
    pub fn typed_list(elem: &str, items: Vec<Value>) -> Value {
        Value::List(Arc::new(List {
            elem: Arc::from(elem),
            items,
        }))
    }

    /// A `map[string]interface {}`.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(Map {
            named: None,
            elem: Arc::from(ANY),
            entries: Entries::new(entries),
        }))
    }

    /// A map with the given element type name (`string` for `map[string]string`).
    pub fn typed_map(elem: &str, entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(Map {
            named: None,
            elem: Arc::from(elem),
            entries: Entries::new(entries),
        }))
    }

    /// Wraps an [`Object`].
    pub fn object(o: impl Object + 'static) -> Value {
        Value::Object(Arc::new(o))
    }

    /// True for [`Value::Nil`] (not for a typed nil).
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Whether [`Value::type_name`] is `name`, without building the name
    /// (parameters of a named type are checked on every call).
    pub fn has_type_name(&self, name: &str) -> bool {
        match self {
            Value::Nil => name == "<nil>",
            Value::TypedNil(t) => **t == *name,
            Value::Bool(_) => name == "bool",
            Value::Int(_, t) => t.name() == name,
            Value::Uint(_, t) => t.name() == name,
            Value::Float(_, t) => t.name() == name,
            Value::Complex(..) => name == "complex128",
            Value::String(_) => name == "string",
            Value::Bytes(_) => name == "[]uint8",
            Value::List(l) => name.strip_prefix("[]") == Some(&*l.elem),
            Value::Map(m) => match &m.named {
                Some(n) => **n == *name,
                None => name.strip_prefix("map[string]") == Some(&*m.elem),
            },
            Value::Object(_) | Value::Func(_) => self.type_name() == name,
        }
    }

    /// Go's type name as `%T` prints it (`<nil>` for no value).
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".to_owned(),
            Value::TypedNil(t) => t.to_string(),
            Value::Bool(_) => "bool".to_owned(),
            Value::Int(_, t) => t.name().to_owned(),
            Value::Uint(_, t) => t.name().to_owned(),
            Value::Float(_, t) => t.name().to_owned(),
            Value::Complex(..) => "complex128".to_owned(),
            Value::String(_) => "string".to_owned(),
            Value::Bytes(_) => "[]uint8".to_owned(),
            Value::List(l) => format!("[]{}", l.elem),
            Value::Map(m) => match &m.named {
                Some(n) => n.to_string(),
                None => format!("map[string]{}", m.elem),
            },
            Value::Object(o) => o.type_name(),
            Value::Func(f) => f.type_name(),
        }
    }

    /// Go's `reflect.Kind` of the value (`Invalid` for no value).
    pub fn kind(&self) -> Kind {
        match self {
            Value::Nil => Kind::Invalid,
            Value::TypedNil(t) => {
                if t.starts_with("map[") {
                    Kind::Map
                } else if t.starts_with("[]") {
                    Kind::Slice
                } else if t.starts_with("func") {
                    Kind::Func
                } else if t.starts_with('*') {
                    Kind::Ptr
                } else {
                    Kind::Interface
                }
            }
            Value::Bool(_) => Kind::Bool,
            Value::Int(_, t) => match t {
                IntType::Int => Kind::Int,
                IntType::Int8 => Kind::Int8,
                IntType::Int16 => Kind::Int16,
                IntType::Int32 => Kind::Int32,
                IntType::Int64 => Kind::Int64,
            },
            Value::Uint(_, t) => match t {
                UintType::Uint => Kind::Uint,
                UintType::Uint8 => Kind::Uint8,
                UintType::Uint16 => Kind::Uint16,
                UintType::Uint32 => Kind::Uint32,
                UintType::Uint64 => Kind::Uint64,
                UintType::Uintptr => Kind::Uintptr,
            },
            Value::Float(_, FloatType::F32) => Kind::Float32,
            Value::Float(_, FloatType::F64) => Kind::Float64,
            Value::Complex(..) => Kind::Complex128,
            Value::String(_) => Kind::String,
            Value::Bytes(_) | Value::List(_) => Kind::Slice,
            Value::Map(_) => Kind::Map,
            Value::Object(o) => o.kind(),
            Value::Func(_) => Kind::Func,
        }
    }

    /// Go template truthiness (`if`, `and`, `or`, `not`): false for nil, false,
    /// zero numbers, empty strings/slices/maps.
    pub fn truth(&self) -> bool {
        match self {
            Value::Nil | Value::TypedNil(_) => false,
            Value::Bool(b) => *b,
            Value::Int(i, _) => *i != 0,
            Value::Uint(u, _) => *u != 0,
            Value::Float(f, _) => *f != 0.0,
            Value::Complex(r, i) => *r != 0.0 || *i != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.entries.is_empty(),
            Value::Object(o) => o.truth(),
            Value::Func(_) => true,
        }
    }

    /// The string inside a Go `string`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a slice (`[]byte` is not a list of values).
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(&l.items),
            _ => None,
        }
    }

    /// The entries of a map (shared: see [`Entries`]).
    pub fn as_map(&self) -> Option<&Entries> {
        match self {
            Value::Map(m) => Some(&m.entries),
            _ => None,
        }
    }

    /// The boolean inside a Go `bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// An integer of any Go integer type as `i64` (`None` for a `uint64` above `i64::MAX`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i, _) => Some(*i),
            Value::Uint(u, _) => i64::try_from(*u).ok(),
            _ => None,
        }
    }

    /// Go's `fmt.Sprint(v)` (`%v`).
    pub fn to_go_string(&self) -> String {
        crate::gofmt::sprint(std::slice::from_ref(self))
    }

    /// Go's `encoding/json` decoding into `interface{}`: objects become
    /// `map[string]interface {}`, arrays `[]interface {}`, every number `float64`
    /// (this is how Helm's values arrive in templates).
    pub fn from_json(v: &serde_json::Value) -> Value {
        from_json(v, false)
    }

    /// Like [`Value::from_json`] but integral numbers become Go `int` (how Go
    /// test data written as struct literals looks).
    pub fn from_json_ints(v: &serde_json::Value) -> Value {
        from_json(v, true)
    }
}

fn from_json(v: &serde_json::Value, ints: bool) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if ints {
                if let Some(i) = n.as_i64() {
                    return Value::int(i);
                }
            }
            Value::float(n.as_f64().unwrap_or(0.0))
        }
        serde_json::Value::String(s) => Value::string(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(|x| from_json(x, ints)).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.iter()
                .map(|(k, x)| (k.clone(), from_json(x, ints)))
                .collect(),
        ),
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::float(f)
    }
}

impl PartialEq for Value {
    /// Structural equality (Go's `reflect.DeepEqual`-like, type-sensitive).
    #[allow(clippy::match_same_arms)]
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::TypedNil(a), Value::TypedNil(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a, t), Value::Int(b, u)) => a == b && t == u,
            (Value::Uint(a, t), Value::Uint(b, u)) => a == b && t == u,
            (Value::Float(a, t), Value::Float(b, u)) => a == b && t == u,
            (Value::Complex(a, b), Value::Complex(c, d)) => a == c && b == d,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => Arc::ptr_eq(a, b) || a == b,
            (Value::Object(a), Value::Object(b)) => {
                Arc::ptr_eq(a, b) || a.equals(b.as_ref()).unwrap_or(false)
            }
            (Value::Func(a), Value::Func(b)) => a.ptr_eq(b),
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    /// Go's `%v`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_go_string())
    }
}

/// The zero value of a Go type named `ty` (for `missingkey=zero` and typed
/// parameters given no value): `0` for `int`, `""` for `string`, nil otherwise.
pub fn zero_of(ty: &str) -> Value {
    match ty {
        "bool" => Value::Bool(false),
        "int" => Value::Int(0, IntType::Int),
        "int8" => Value::Int(0, IntType::Int8),
        "int16" => Value::Int(0, IntType::Int16),
        "int32" => Value::Int(0, IntType::Int32),
        "int64" => Value::Int(0, IntType::Int64),
        "uint" => Value::Uint(0, UintType::Uint),
        "uint8" => Value::Uint(0, UintType::Uint8),
        "uint16" => Value::Uint(0, UintType::Uint16),
        "uint32" => Value::Uint(0, UintType::Uint32),
        "uint64" => Value::Uint(0, UintType::Uint64),
        "uintptr" => Value::Uint(0, UintType::Uintptr),
        "float32" => Value::Float(0.0, FloatType::F32),
        "float64" => Value::Float(0.0, FloatType::F64),
        "complex128" => Value::Complex(0.0, 0.0),
        "string" => Value::string(""),
        ANY => Value::Nil,
        t => Value::TypedNil(Arc::from(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `has_type_name` says what comparing `type_name` would, for every kind
    /// of value and for names of other kinds.
    #[test]
    fn has_type_name_is_type_name_compared() {
        let values = [
            Value::Nil,
            Value::TypedNil("*int".into()),
            Value::Bool(true),
            Value::int(1),
            Value::Uint(1, UintType::Uint8),
            Value::Float(1.0, FloatType::F64),
            Value::Complex(1.0, 2.0),
            Value::string("s"),
            Value::Bytes(Arc::from(&b"ab"[..])),
            Value::list(vec![Value::int(1)]),
            Value::typed_list("string", Vec::new()),
            Value::map(BTreeMap::new()),
            Value::typed_map("int", BTreeMap::new()),
        ];
        let names: Vec<String> = values.iter().map(Value::type_name).collect();
        for v in &values {
            for n in names
                .iter()
                .map(String::as_str)
                .chain(["[]", "map[string]", ""])
            {
                assert_eq!(v.has_type_name(n), v.type_name() == n, "{v:?} {n}");
            }
        }
    }
}
