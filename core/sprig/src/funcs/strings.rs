//! String, encoding, regular-expression, path, URL and environment functions.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use stockade_gotemplate::{CallCtx, FuncError, Param, Value};

use super::{arg, fail, int, sa, strings_value, Reg};
use crate::cast::{strslice, strval};
use crate::goregex::{quote_meta, GoRegex, RegexError};
use crate::text::os_expand;
use crate::{crypto, go_quote, paths, text, url};

type R = Result<Value, FuncError>;

#[allow(clippy::unnecessary_wraps)]
fn ok(s: impl Into<Arc<str>>) -> R {
    Ok(Value::String(s.into()))
}

/// Charges the step budget for building `bytes` bytes (one step per 4 bytes,
/// [`crate::BYTES_PER_STEP`]): what one execution may build and keep (a dict
/// of thousands of `repeat` results) is then bounded by its steps, not only
/// each result by the output limit.
fn charge_bytes(ctx: &mut CallCtx<'_, '_>, bytes: usize) -> Result<(), FuncError> {
    let max = ctx.limits().max_output;
    if bytes > max {
        return Err(ctx.limit_error(format!(
            "result of {bytes} bytes exceeds the output limit of {max} bytes"
        )));
    }
    ctx.charge(u64::try_from(bytes / crate::BYTES_PER_STEP).unwrap_or(u64::MAX))
}

/// Go's `strings.Repeat` with its panics, bounded by the output budget.
pub(crate) fn repeat(ctx: &mut CallCtx<'_, '_>, s: &str, count: i64) -> Result<String, FuncError> {
    let count = usize::try_from(count).map_err(|_| fail("strings: negative Repeat count"))?;
    let total = s
        .len()
        .checked_mul(count)
        .ok_or_else(|| fail("strings: Repeat output length overflow"))?;
    charge_bytes(ctx, total)?;
    Ok(s.repeat(count))
}

/// Go's `strings.SplitN(s, sep, n)` (`n < 0`: all; `n == 0`: none).
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = usize::try_from(n).ok();
    if sep.is_empty() {
        // Split into UTF-8 sequences; the last part holds the rest.
        let chars: Vec<&str> = s
            .char_indices()
            .map(|(i, c)| s.get(i..i + c.len_utf8()).unwrap_or(""))
            .collect();
        let mut out: Vec<String> = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            if limit.is_some_and(|l| out.len() + 1 == l) {
                let start: usize = chars.iter().take(i).map(|x| x.len()).sum();
                out.push(s.get(start..).unwrap_or("").to_string());
                return out;
            }
            out.push((*c).to_string());
        }
        return out;
    }
    match limit {
        Some(l) => s.splitn(l, sep).map(str::to_string).collect(),
        None => s.split(sep).map(str::to_string).collect(),
    }
}

fn indexed(parts: Vec<String>) -> Value {
    let entries: BTreeMap<String, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::string(p)))
        .collect();
    Value::typed_map("string", entries)
}

fn env_var(name: &str) -> String {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        std::env::var(name).unwrap_or_default()
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        let _ = name;
        String::new()
    }
}

/// Compiled expressions, reused across calls (charts call the same pattern in loops).
fn compile(expr: &str) -> Result<Arc<GoRegex>, RegexError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<GoRegex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(c) = cache.lock() {
        if let Some(r) = c.get(expr) {
            return Ok(r.clone());
        }
    }
    let re = Arc::new(GoRegex::new(expr)?);
    if let Ok(mut c) = cache.lock() {
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(expr.to_string(), re.clone());
    }
    Ok(re)
}

/// Go's `FindAllString` result: a nil `[]string` when nothing matched.
fn nil_if_empty(v: Vec<String>) -> Value {
    if v.is_empty() {
        Value::TypedNil(Arc::from("[]string"))
    } else {
        strings_value(v)
    }
}

/// Go's `Regexp.Split` result: nil for `n == 0`.
fn split_value(re: &Arc<GoRegex>, s: &str, n: i64) -> Value {
    if n == 0 {
        return Value::TypedNil(Arc::from("[]string"));
    }
    strings_value(re.split(s, n))
}

/// `regexp.MustCompile`'s panic text.
fn must_compile(expr: &str) -> Result<Arc<GoRegex>, FuncError> {
    compile(expr).map_err(|e| fail(format!("regexp: Compile({}): {e}", go_quote(expr))))
}

fn try_compile(expr: &str) -> Result<Arc<GoRegex>, FuncError> {
    compile(expr).map_err(|e| fail(e.to_string()))
}

macro_rules! unary {
    ($r:expr, $names:expr, $f:expr) => {
        $r.fixed($names, vec![Param::String], "string", |_, a| {
            ok($f(sa(&a, 0)))
        })
    };
}

macro_rules! binary_swapped {
    ($r:expr, $names:expr, $result:expr, $f:expr) => {
        $r.fixed(
            $names,
            vec![Param::String, Param::String],
            $result,
            |_, a| Ok(Value::from($f(sa(&a, 1), sa(&a, 0)))),
        )
    };
}

#[allow(clippy::too_many_lines)]
pub(super) fn register(r: &mut Reg<'_>) {
    r.fixed(&["hello"], vec![], "string", |_, _| ok("Hello!"));
    r.fixed(
        &["abbrev"],
        vec![Param::INT, Param::String],
        "string",
        |_, a| ok(text::abbrev(int(&arg(&a, 0)), sa(&a, 1))),
    );
    r.fixed(
        &["abbrevboth"],
        vec![Param::INT, Param::INT, Param::String],
        "string",
        |_, a| {
            ok(text::abbrevboth(
                int(&arg(&a, 0)),
                int(&arg(&a, 1)),
                sa(&a, 2),
            ))
        },
    );
    r.fixed(
        &["trunc"],
        vec![Param::INT, Param::String],
        "string",
        |_, a| ok(text::trunc(int(&arg(&a, 0)), sa(&a, 1))),
    );
    unary!(r, &["trim"], |x: &str| x
        .trim_matches(text::is_space)
        .to_string());
    unary!(r, &["upper"], text::upper);
    unary!(r, &["lower"], text::lower);
    unary!(r, &["title"], text::title);
    unary!(r, &["untitle"], text::untitle);
    r.fixed(
        &["substr"],
        vec![Param::INT, Param::INT, Param::String],
        "string",
        |_, a| {
            text::substr(int(&arg(&a, 0)), int(&arg(&a, 1)), sa(&a, 2))
                .map(Value::string)
                .map_err(|e| fail(e.to_string()))
        },
    );
    r.fixed(
        &["repeat"],
        vec![Param::INT, Param::String],
        "string",
        |ctx, a| Ok(Value::string(repeat(ctx, sa(&a, 1), int(&arg(&a, 0)))?)),
    );
    binary_swapped!(r, &["trimall", "trimAll"], "string", |b: &str, a: &str| {
        text::trim_set(b, a)
    });
    binary_swapped!(r, &["trimSuffix"], "string", |b: &str, a: &str| b
        .strip_suffix(a)
        .unwrap_or(b)
        .to_string());
    binary_swapped!(r, &["trimPrefix"], "string", |b: &str, a: &str| b
        .strip_prefix(a)
        .unwrap_or(b)
        .to_string());
    unary!(r, &["nospace"], text::nospace);
    unary!(r, &["initials"], text::initials);
    for (name, set) in [
        ("randAlphaNum", crypto::Charset::AlphaNum),
        ("randAlpha", crypto::Charset::Alpha),
        ("randAscii", crypto::Charset::Ascii),
        ("randNumeric", crypto::Charset::Numeric),
    ] {
        let body: super::Body = match set {
            crypto::Charset::AlphaNum => |ctx, a| random(ctx, &a, crypto::Charset::AlphaNum),
            crypto::Charset::Alpha => |ctx, a| random(ctx, &a, crypto::Charset::Alpha),
            crypto::Charset::Ascii => |ctx, a| random(ctx, &a, crypto::Charset::Ascii),
            crypto::Charset::Numeric => |ctx, a| random(ctx, &a, crypto::Charset::Numeric),
        };
        r.fixed(&[name], vec![Param::INT], "string", body);
    }
    unary!(r, &["swapcase"], text::swapcase);
    r.fixed(&["shuffle"], vec![Param::String], "string", |_, a| {
        let mut chars: Vec<char> = sa(&a, 0).chars().collect();
        for i in (1..chars.len()).rev() {
            let mut b = [0_u8; 8];
            crypto::random_bytes(&mut b).map_err(fail)?;
            let j = usize::try_from(u64::from_le_bytes(b) % (i as u64 + 1)).unwrap_or(0);
            chars.swap(i, j);
        }
        ok(chars.into_iter().collect::<String>())
    });
    unary!(r, &["snakecase"], |x: &str| text::to_lower_case(x, '_'));
    unary!(r, &["kebabcase"], |x: &str| text::to_lower_case(x, '-'));
    unary!(r, &["camelcase"], text::pascal_case);
    r.fixed(
        &["wrap"],
        vec![Param::INT, Param::String],
        "string",
        |_, a| ok(text::wrap_custom(sa(&a, 1), int(&arg(&a, 0)), "", false)),
    );
    r.fixed(
        &["wrapWith"],
        vec![Param::INT, Param::String, Param::String],
        "string",
        |_, a| {
            ok(text::wrap_custom(
                sa(&a, 2),
                int(&arg(&a, 0)),
                sa(&a, 1),
                true,
            ))
        },
    );
    binary_swapped!(r, &["contains"], "bool", |b: &str, a: &str| b.contains(a));
    binary_swapped!(r, &["hasPrefix"], "bool", |b: &str, a: &str| b
        .starts_with(a));
    binary_swapped!(r, &["hasSuffix"], "bool", |b: &str, a: &str| b.ends_with(a));
    r.variadic(&["quote"], vec![], Param::Any, "string", |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| go_quote(&strval(v)))
            .collect();
        ok(parts.join(" "))
    });
    r.variadic(&["squote"], vec![], Param::Any, "string", |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", v.to_go_string()))
            .collect();
        ok(parts.join(" "))
    });
    r.variadic(&["cat"], vec![], Param::Any, "string", |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(Value::to_go_string)
            .collect();
        ok(parts.join(" "))
    });
    r.fixed(
        &["indent"],
        vec![Param::INT, Param::String],
        "string",
        |ctx, a| ok(indent(ctx, int(&arg(&a, 0)), sa(&a, 1))?),
    );
    r.fixed(
        &["nindent"],
        vec![Param::INT, Param::String],
        "string",
        |ctx, a| ok(format!("\n{}", indent(ctx, int(&arg(&a, 0)), sa(&a, 1))?)),
    );
    r.fixed(
        &["replace"],
        vec![Param::String, Param::String, Param::String],
        "string",
        |ctx, a| {
            let (old, new, src) = (sa(&a, 0), sa(&a, 1), sa(&a, 2));
            let out = if old.is_empty() {
                // Go inserts `new` before every rune and at the end.
                let mut o = String::new();
                for c in src.chars() {
                    o.push_str(new);
                    o.push(c);
                }
                o.push_str(new);
                o
            } else {
                src.replace(old, new)
            };
            charge_bytes(ctx, out.len())?;
            ok(out)
        },
    );
    r.fixed(
        &["plural"],
        vec![Param::String, Param::String, Param::INT],
        "string",
        |_, a| {
            ok(if int(&arg(&a, 2)) == 1 {
                sa(&a, 0)
            } else {
                sa(&a, 1)
            })
        },
    );
    r.fixed(&["toString"], vec![Param::Any], "string", |_, a| {
        ok(strval(&arg(&a, 0)))
    });
    r.fixed(&["atoi"], vec![Param::String], "int", |_, a| {
        Ok(Value::int(atoi(sa(&a, 0))))
    });
    r.fixed(
        &["split"],
        vec![Param::String, Param::String],
        "map[string]string",
        |_, a| Ok(indexed(go_split(sa(&a, 1), sa(&a, 0), -1))),
    );
    r.fixed(
        &["splitList"],
        vec![Param::String, Param::String],
        "[]string",
        |_, a| Ok(strings_value(go_split(sa(&a, 1), sa(&a, 0), -1))),
    );
    r.fixed(
        &["splitn"],
        vec![Param::String, Param::INT, Param::String],
        "map[string]string",
        |_, a| Ok(indexed(go_split(sa(&a, 2), sa(&a, 0), int(&arg(&a, 1))))),
    );
    r.fixed(&["toStrings"], vec![Param::Any], "[]string", |_, a| {
        Ok(strings_value(strslice(&arg(&a, 0))))
    });
    r.fixed(
        &["join"],
        vec![Param::String, Param::Any],
        "string",
        |_, a| ok(strslice(&arg(&a, 1)).join(sa(&a, 0))),
    );
    r.fixed(&["sortAlpha"], vec![Param::Any], "[]string", |_, a| {
        let v = arg(&a, 0);
        if crate::cast::items(&v).is_some() {
            let mut items = strslice(&v);
            items.sort();
            return Ok(strings_value(items));
        }
        Ok(strings_value(vec![strval(&v)]))
    });
    unary!(r, &["b64enc"], |x: &str| crypto::b64enc(x.as_bytes()));
    unary!(r, &["b64dec"], |x: &str| crypto::b64dec(x).map_or_else(
        |e| e,
        |b| String::from_utf8_lossy(&b).into_owned()
    ));
    unary!(r, &["b32enc"], |x: &str| crypto::b32enc(x.as_bytes()));
    unary!(r, &["b32dec"], |x: &str| crypto::b32dec(x).map_or_else(
        |e| e,
        |b| String::from_utf8_lossy(&b).into_owned()
    ));
    r.fixed(&["env"], vec![Param::String], "string", |_, a| {
        ok(env_var(sa(&a, 0)))
    });
    r.fixed(&["expandenv"], vec![Param::String], "string", |_, a| {
        ok(os_expand(sa(&a, 0), &env_var))
    });
    r.fixed(&["getHostByName"], vec![Param::String], "string", |_, _| {
        // No name resolution here: Go's lookup fails, `addrs` is empty and Sprig's
        // `rand.Intn(len(addrs))` panics with this text.
        Err(fail("invalid argument to Intn"))
    });
    r.fixed(&["fail"], vec![Param::String], "string", |_, a| {
        Err(fail(sa(&a, 0)))
    });

    // Paths (`path`) and file paths (`path/filepath`, Linux).
    unary!(r, &["base", "osBase"], paths::base);
    unary!(r, &["dir", "osDir"], paths::dir);
    unary!(r, &["clean", "osClean"], paths::clean);
    unary!(r, &["ext", "osExt"], paths::ext);
    r.fixed(
        &["isAbs", "osIsAbs"],
        vec![Param::String],
        "bool",
        |_, a| Ok(Value::Bool(paths::is_abs(sa(&a, 0)))),
    );

    // URLs.
    r.fixed(
        &["urlParse"],
        vec![Param::String],
        "map[string]interface {}",
        |_, a| {
            let u = url::Url::parse(sa(&a, 0))
                .map_err(|e| fail(format!("unable to parse url: {e}")))?;
            let mut m = BTreeMap::new();
            m.insert("scheme".to_string(), Value::string(u.scheme.as_str()));
            m.insert("host".to_string(), Value::string(u.host.as_str()));
            m.insert("hostname".to_string(), Value::string(u.hostname()));
            m.insert("path".to_string(), Value::string(u.path.as_str()));
            m.insert("query".to_string(), Value::string(u.raw_query.as_str()));
            m.insert("opaque".to_string(), Value::string(u.opaque.as_str()));
            m.insert("fragment".to_string(), Value::string(u.fragment.as_str()));
            m.insert(
                "userinfo".to_string(),
                Value::string(u.userinfo().unwrap_or_default()),
            );
            Ok(Value::map(m))
        },
    );
    r.fixed(&["urlJoin"], vec![Param::any_map()], "string", |_, a| {
        let d = arg(&a, 0);
        let get = |k: &str| -> Result<String, FuncError> {
            let Value::Map(m) = &d else {
                return Ok(String::new());
            };
            match m.entries.get(k) {
                None => Ok(String::new()),
                Some(Value::String(v)) => Ok(v.to_string()),
                Some(Value::Nil) => Err(fail(super::NIL_DEREF)),
                Some(v) => Err(fail(format!(
                    "unable to parse {k} key, must be of type string, but {} found",
                    v.kind().name()
                ))),
            }
        };
        let mut u = url::Url {
            scheme: get("scheme")?,
            host: get("host")?,
            path: get("path")?,
            raw_query: get("query")?,
            opaque: get("opaque")?,
            fragment: get("fragment")?,
            ..url::Url::default()
        };
        let userinfo = get("userinfo")?;
        if !userinfo.is_empty() {
            let tmp = url::Url::parse(&format!("proto://{userinfo}@host"))
                .map_err(|e| fail(format!("unable to parse userinfo in dict: {e}")))?;
            u.user = tmp.user;
        }
        ok(u.to_go_string())
    });

    // Regular expressions.
    r.fixed(
        &["regexMatch"],
        vec![Param::String, Param::String],
        "bool",
        |_, a| {
            Ok(Value::Bool(
                compile(sa(&a, 0)).is_ok_and(|re| re.is_match(sa(&a, 1))),
            ))
        },
    );
    r.fixed(
        &["mustRegexMatch"],
        vec![Param::String, Param::String],
        "bool",
        |_, a| Ok(Value::Bool(try_compile(sa(&a, 0))?.is_match(sa(&a, 1)))),
    );
    r.fixed(
        &["regexFindAll"],
        vec![Param::String, Param::String, Param::INT],
        "[]string",
        |_, a| {
            Ok(nil_if_empty(
                must_compile(sa(&a, 0))?.find_all(sa(&a, 1), int(&arg(&a, 2))),
            ))
        },
    );
    r.fixed(
        &["mustRegexFindAll"],
        vec![Param::String, Param::String, Param::INT],
        "[]string",
        |_, a| {
            Ok(nil_if_empty(
                try_compile(sa(&a, 0))?.find_all(sa(&a, 1), int(&arg(&a, 2))),
            ))
        },
    );
    r.fixed(
        &["regexFind"],
        vec![Param::String, Param::String],
        "string",
        |_, a| ok(must_compile(sa(&a, 0))?.find(sa(&a, 1))),
    );
    r.fixed(
        &["mustRegexFind"],
        vec![Param::String, Param::String],
        "string",
        |_, a| ok(try_compile(sa(&a, 0))?.find(sa(&a, 1))),
    );
    r.fixed(
        &["regexReplaceAll"],
        vec![Param::String, Param::String, Param::String],
        "string",
        |_, a| ok(must_compile(sa(&a, 0))?.replace_all(sa(&a, 1), sa(&a, 2), false)),
    );
    r.fixed(
        &["mustRegexReplaceAll"],
        vec![Param::String, Param::String, Param::String],
        "string",
        |_, a| ok(try_compile(sa(&a, 0))?.replace_all(sa(&a, 1), sa(&a, 2), false)),
    );
    r.fixed(
        &["regexReplaceAllLiteral"],
        vec![Param::String, Param::String, Param::String],
        "string",
        |_, a| ok(must_compile(sa(&a, 0))?.replace_all(sa(&a, 1), sa(&a, 2), true)),
    );
    r.fixed(
        &["mustRegexReplaceAllLiteral"],
        vec![Param::String, Param::String, Param::String],
        "string",
        |_, a| ok(try_compile(sa(&a, 0))?.replace_all(sa(&a, 1), sa(&a, 2), true)),
    );
    r.fixed(
        &["regexSplit"],
        vec![Param::String, Param::String, Param::INT],
        "[]string",
        |_, a| {
            Ok(split_value(
                &must_compile(sa(&a, 0))?,
                sa(&a, 1),
                int(&arg(&a, 2)),
            ))
        },
    );
    r.fixed(
        &["mustRegexSplit"],
        vec![Param::String, Param::String, Param::INT],
        "[]string",
        |_, a| {
            Ok(split_value(
                &try_compile(sa(&a, 0))?,
                sa(&a, 1),
                int(&arg(&a, 2)),
            ))
        },
    );
    unary!(r, &["regexQuoteMeta"], quote_meta);
}

fn random(ctx: &mut CallCtx<'_, '_>, a: &[Value], set: crypto::Charset) -> R {
    // goutils returns an error for a negative count, which Sprig drops: "".
    let Ok(count) = usize::try_from(int(&arg(a, 0))) else {
        return ok("");
    };
    charge_bytes(ctx, count)?;
    ok(crypto::random_string(count, set).map_err(fail)?)
}

fn indent(ctx: &mut CallCtx<'_, '_>, spaces: i64, v: &str) -> Result<String, FuncError> {
    let pad = repeat(ctx, " ", spaces)?;
    let lines = v.matches('\n').count() + 1;
    charge_bytes(ctx, v.len().saturating_add(pad.len().saturating_mul(lines)))?;
    Ok(format!("{pad}{}", v.replace('\n', &format!("\n{pad}"))))
}

/// Sprig's `atoi`: `strconv.Atoi` with the error dropped (0).
fn atoi(s: &str) -> i64 {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    s.parse::<i64>().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_expands() {
        assert_eq!(go_split("a$b$c", "$", 2), vec!["a", "b$c"]);
        assert_eq!(go_split("abc", "", -1), vec!["a", "b", "c"]);
        assert_eq!(go_split("abc", "", 2), vec!["a", "bc"]);
        let map = |n: &str| {
            if n == "FOO" {
                "bar".to_string()
            } else {
                String::new()
            }
        };
        assert_eq!(os_expand("Hello $FOO ${FOO}!", &map), "Hello bar bar!");
        assert_eq!(os_expand("cost $ 5 ${}x", &map), "cost $ 5 x");
        assert_eq!(atoi("42"), 42);
        assert_eq!(atoi("4x"), 0);
    }
}
