//! Defaults, JSON, reflection and semantic versions (Sprig's `defaults.go`,
//! `reflect.go`, `semver.go`).

use std::any::Any;

use stockade_gotemplate::{Func, FuncError, Kind, Member, Object, Param, Value};

use super::{arg, boolean, fail, sa, Reg};
use crate::json::{decode, encode, Options};
use crate::semver::{semver_compare, Version};

type R = Result<Value, FuncError>;

/// Sprig's `empty`: nil, false, zero numbers, empty strings/slices/maps; structs
/// are never empty; pointers only when nil.
pub(crate) fn empty(v: &Value) -> bool {
    match v {
        Value::Nil | Value::TypedNil(_) => true,
        Value::Bool(b) => !b,
        Value::Int(i, _) => *i == 0,
        Value::Uint(u, _) => *u == 0,
        Value::Float(f, _) => *f == 0.0,
        Value::Complex(r, i) => *r == 0.0 && *i == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.items.is_empty(),
        Value::Map(m) => m.entries.is_empty(),
        Value::Object(o) => o.kind() == Kind::Ptr && !o.truth(),
        Value::Func(_) => false,
    }
}

/// A `*semver.Version` value: `.Major`, `.Minor`, `.Patch`, `.Prerelease`,
/// `.Metadata`, `.Original`, `.String`, `.Compare`, `.LessThan`, `.GreaterThan`,
/// `.Equal`; prints as `1.2.3-pre+meta`.
#[derive(Debug, Clone)]
pub struct VersionValue(pub Version);

const VERSION_TYPE: &str = "*semver.Version";

fn version_param() -> Param {
    Param::Named(VERSION_TYPE.into())
}

fn other_version(a: &[Value]) -> Result<Version, FuncError> {
    match a.first() {
        Some(Value::Object(o)) => o
            .as_any()
            .downcast_ref::<VersionValue>()
            .map(|v| v.0.clone())
            .ok_or_else(|| fail(super::NIL_DEREF)),
        _ => Err(fail(super::NIL_DEREF)),
    }
}

impl Object for VersionValue {
    fn type_name(&self) -> String {
        VERSION_TYPE.to_string()
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn member(&self, name: &str) -> Option<Member> {
        let v = self.0.clone();
        let field = |x: Value| Some(Member::Field(x));
        let u = |n: u64| Value::Uint(n, stockade_gotemplate::UintType::Uint64);
        match name {
            "Major" => field(u(v.major)),
            "Minor" => field(u(v.minor)),
            "Patch" => field(u(v.patch)),
            "Prerelease" => field(Value::string(v.pre.as_str())),
            "Metadata" => field(Value::string(v.metadata.as_str())),
            "Original" => field(Value::string(v.original.as_str())),
            "String" => field(Value::string(v.to_string())),
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal" => {
                let op = name.to_string();
                let result = if op == "Compare" { "int" } else { "bool" };
                Some(Member::Method(
                    Func::new(vec![version_param()], move |_, a| {
                        let o = other_version(&a)?;
                        let c = v.compare(&o);
                        Ok(match op.as_str() {
                            "Compare" => Value::int(c),
                            "LessThan" => Value::Bool(c < 0),
                            "LessThanEqual" => Value::Bool(c <= 0),
                            "GreaterThan" => Value::Bool(c > 0),
                            "GreaterThanEqual" => Value::Bool(c >= 0),
                            _ => Value::Bool(c == 0),
                        })
                    })
                    .with_result(result),
                ))
            }
            _ => None,
        }
    }
    fn go_string(&self) -> Option<String> {
        Some(self.0.to_string())
    }
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        // Pointers: equal only when the same version object.
        Some(
            other
                .as_any()
                .downcast_ref::<VersionValue>()
                .is_some_and(|o| std::ptr::eq(o, self)),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn to_json(v: &Value, escape_html: bool, indent: Option<&str>) -> Result<String, String> {
    encode(
        v,
        Options {
            escape_html,
            indent,
        },
    )
}

#[allow(clippy::too_many_lines)]
pub(super) fn register(r: &mut Reg<'_>) {
    r.variadic(
        &["default"],
        vec![Param::Any],
        Param::Any,
        "interface {}",
        |_, a| match a.get(1) {
            Some(g) if !empty(g) => Ok(g.clone()),
            _ => Ok(arg(&a, 0)),
        },
    );
    r.fixed(&["empty"], vec![Param::Any], "bool", |_, a| {
        Ok(Value::Bool(empty(&arg(&a, 0))))
    });
    r.variadic(&["coalesce"], vec![], Param::Any, "interface {}", |_, a| {
        Ok(a.into_iter().find(|v| !empty(v)).unwrap_or(Value::Nil))
    });
    r.variadic(&["all"], vec![], Param::Any, "bool", |_, a| {
        Ok(Value::Bool(a.iter().all(|v| !empty(v))))
    });
    r.variadic(&["any"], vec![], Param::Any, "bool", |_, a| {
        Ok(Value::Bool(a.iter().any(|v| !empty(v))))
    });
    r.fixed(
        &["fromJson"],
        vec![Param::String],
        "interface {}",
        |_, a| Ok(decode(sa(&a, 0)).unwrap_or(Value::Nil)),
    );
    r.fixed(
        &["mustFromJson"],
        vec![Param::String],
        "interface {}",
        |_, a| decode(sa(&a, 0)).map_err(fail),
    );
    r.fixed(&["toJson"], vec![Param::Any], "string", |_, a| {
        Ok(Value::string(
            to_json(&arg(&a, 0), true, None).unwrap_or_default(),
        ))
    });
    r.fixed(&["mustToJson"], vec![Param::Any], "string", |_, a| {
        to_json(&arg(&a, 0), true, None)
            .map(Value::string)
            .map_err(fail)
    });
    r.fixed(&["toPrettyJson"], vec![Param::Any], "string", |_, a| {
        Ok(Value::string(
            to_json(&arg(&a, 0), true, Some("  ")).unwrap_or_default(),
        ))
    });
    r.fixed(&["mustToPrettyJson"], vec![Param::Any], "string", |_, a| {
        to_json(&arg(&a, 0), true, Some("  "))
            .map(Value::string)
            .map_err(fail)
    });
    // toRawJson panics on an encoding error; both end with the error.
    r.fixed(
        &["toRawJson", "mustToRawJson"],
        vec![Param::Any],
        "string",
        |_, a| {
            to_json(&arg(&a, 0), false, None)
                .map(Value::string)
                .map_err(fail)
        },
    );
    r.fixed(
        &["ternary"],
        vec![Param::Any, Param::Any, Param::Bool],
        "interface {}",
        |_, a| {
            Ok(if boolean(&arg(&a, 2)) {
                arg(&a, 0)
            } else {
                arg(&a, 1)
            })
        },
    );
    r.fixed(&["typeOf"], vec![Param::Any], "string", |_, a| {
        Ok(Value::string(arg(&a, 0).type_name()))
    });
    r.fixed(
        &["typeIs"],
        vec![Param::String, Param::Any],
        "bool",
        |_, a| Ok(Value::Bool(sa(&a, 0) == arg(&a, 1).type_name())),
    );
    r.fixed(
        &["typeIsLike"],
        vec![Param::String, Param::Any],
        "bool",
        |_, a| {
            let t = arg(&a, 1).type_name();
            let target = sa(&a, 0);
            Ok(Value::Bool(target == t || format!("*{target}") == t))
        },
    );
    r.fixed(&["kindOf"], vec![Param::Any], "string", |_, a| {
        Ok(Value::string(arg(&a, 0).kind().name()))
    });
    r.fixed(
        &["kindIs"],
        vec![Param::String, Param::Any],
        "bool",
        |_, a| Ok(Value::Bool(sa(&a, 0) == arg(&a, 1).kind().name())),
    );
    r.fixed(
        &["deepEqual"],
        vec![Param::Any, Param::Any],
        "bool",
        |_, a| Ok(Value::Bool(arg(&a, 0) == arg(&a, 1))),
    );
    r.fixed(&["semver"], vec![Param::String], VERSION_TYPE, |_, a| {
        Version::parse(sa(&a, 0))
            .map(|v| Value::object(VersionValue(v)))
            .map_err(|e| fail(e.to_string()))
    });
    r.fixed(
        &["semverCompare"],
        vec![Param::String, Param::String],
        "bool",
        |_, a| -> R {
            semver_compare(sa(&a, 0), sa(&a, 1))
                .map(Value::Bool)
                .map_err(|e| fail(e.to_string()))
        },
    );
}
