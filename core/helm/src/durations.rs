//! Helm 4's duration helpers (`mustToDuration`, `durationSeconds`, …,
//! `durationRoundTo`, `durationTruncateTo`): a number is seconds, a string is
//! a Go duration (`1m30s`) or seconds (`"2.5"`); results print as Go's
//! `time.Duration` does.

use std::any::Any;

use stockade_gotemplate::{Func, FuncError, FuncMap, Member, Object, Param, Value as GoValue};
use stockade_sprig::gotime::{duration_string, parse_duration};

const SECOND: f64 = 1e9;

/// A Go `time.Duration` (nanoseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub i64);

impl Object for Duration {
    fn type_name(&self) -> String {
        "time.Duration".into()
    }
    fn kind(&self) -> stockade_gotemplate::Kind {
        stockade_gotemplate::Kind::Int64
    }
    fn member(&self, _name: &str) -> Option<Member> {
        None
    }
    fn go_string(&self) -> Option<String> {
        Some(duration_string(self.0))
    }
    fn truth(&self) -> bool {
        self.0 != 0
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn from_seconds_f(seconds: f64) -> Result<i64, String> {
    if !seconds.is_finite() {
        return Err(format!("invalid duration seconds: {seconds}"));
    }
    let nanos = seconds * SECOND;
    #[allow(clippy::cast_precision_loss)]
    if nanos > i64::MAX as f64 || nanos < i64::MIN as f64 {
        return Err(format!("duration seconds overflow: {seconds}"));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(nanos as i64)
}

/// Helm's `asDuration`.
pub fn as_duration(v: &GoValue) -> Result<i64, String> {
    match v {
        GoValue::Object(o) => o
            .as_any()
            .downcast_ref::<Duration>()
            .map(|d| d.0)
            .ok_or_else(|| format!("unsupported duration type {}", v.type_name())),
        GoValue::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Err("empty duration".into());
            }
            if let Ok(d) = parse_duration(s) {
                return Ok(d);
            }
            match s.parse::<f64>() {
                Ok(f) if !s.contains(['x', 'X', '_']) => from_seconds_f(f),
                _ => Err(format!("could not parse duration {s:?}")),
            }
        }
        GoValue::Nil => Err("invalid duration".into()),
        GoValue::Int(i, _) => i
            .checked_mul(1_000_000_000)
            .ok_or_else(|| format!("duration seconds overflow: {i}")),
        GoValue::Uint(u, _) => i64::try_from(*u)
            .ok()
            .and_then(|i| i.checked_mul(1_000_000_000))
            .ok_or_else(|| format!("duration seconds overflow: {u}")),
        GoValue::Float(f, _) => from_seconds_f(*f),
        other => Err(format!("unsupported duration type {}", other.type_name())),
    }
}

fn round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let r = d % m;
    if d < 0 {
        let r = -r;
        if r + r < m {
            d + r
        } else {
            d.saturating_sub(m).saturating_add(r)
        }
    } else if r + r < m {
        d - r
    } else {
        d.saturating_add(m - r)
    }
}

fn truncate(d: i64, m: i64) -> i64 {
    if m <= 0 {
        d
    } else {
        d - d % m
    }
}

#[allow(clippy::cast_precision_loss)]
fn float_of(d: i64, unit: f64) -> GoValue {
    GoValue::float(d as f64 / unit)
}

/// The duration functions of Helm 4's `funcMap`.
pub fn funcs() -> FuncMap {
    let mut f = FuncMap::new();
    let arg0 = |a: &[GoValue]| a.first().cloned().unwrap_or_default();
    f.insert(
        "mustToDuration".into(),
        Func::new(vec![Param::Any], move |_, a| {
            as_duration(&arg0(&a))
                .map(|d| GoValue::object(Duration(d)))
                .map_err(FuncError::msg)
        }),
    );
    let float_fn = |unit: f64| {
        Func::new(vec![Param::Any], move |_, a| {
            Ok(float_of(as_duration(&arg0(&a)).unwrap_or(0), unit))
        })
    };
    f.insert("durationSeconds".into(), float_fn(SECOND));
    f.insert("durationMinutes".into(), float_fn(60.0 * SECOND));
    f.insert("durationHours".into(), float_fn(3600.0 * SECOND));
    f.insert("durationDays".into(), float_fn(86400.0 * SECOND));
    f.insert("durationWeeks".into(), float_fn(7.0 * 86400.0 * SECOND));
    let int_fn = |div: i64| {
        Func::new(vec![Param::Any], move |_, a| {
            Ok(GoValue::Int(
                as_duration(&arg0(&a)).unwrap_or(0) / div,
                stockade_gotemplate::IntType::Int64,
            ))
        })
    };
    f.insert("durationMilliseconds".into(), int_fn(1_000_000));
    f.insert("durationMicroseconds".into(), int_fn(1_000));
    f.insert("durationNanoseconds".into(), int_fn(1));
    let to_fn = |op: fn(i64, i64) -> i64| {
        Func::new(vec![Param::Any, Param::Any], move |_, a| {
            let Ok(d) = as_duration(&a.first().cloned().unwrap_or_default()) else {
                return Ok(GoValue::object(Duration(0)));
            };
            let r = match as_duration(&a.get(1).cloned().unwrap_or_default()) {
                Ok(m) => op(d, m),
                Err(_) => d,
            };
            Ok(GoValue::object(Duration(r)))
        })
    };
    f.insert("durationRoundTo".into(), to_fn(round));
    f.insert("durationTruncateTo".into(), to_fn(truncate));
    f
}
