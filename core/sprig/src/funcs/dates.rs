//! Date functions (Sprig's `date.go`) over [`TimeValue`], Go's `time.Time`.
//! `now`, `ago`, and `date`-family calls given something that is not a time or
//! an integer read the clock; `Local` is UTC (see [`crate::gotime`]).

use std::any::Any;

use stockade_gotemplate::{Func, FuncError, IntType, Kind, Member, Object, Param, Value};

use super::{arg, fail, sa, Reg};
use crate::gotime::{duration_string, parse, parse_duration, Time};

type R = Result<Value, FuncError>;

/// Go's `time.Time`: prints as `2006-01-02 15:04:05.999999999 -0700 MST`; methods
/// `Unix`, `UnixNano`, `UnixMilli`, `Format`, `Year`, `YearDay`, `Day`, `Hour`,
/// `Minute`, `Second`, `Nanosecond`, `UTC`, `Local`, `String`, `IsZero`.
#[derive(Debug, Clone)]
pub struct TimeValue(pub Time);

const TIME_TYPE: &str = "time.Time";

impl TimeValue {
    /// Wraps a time as a template value.
    pub fn value(t: Time) -> Value {
        Value::object(TimeValue(t))
    }
}

fn civil_field(t: &Time, layout: &str) -> i64 {
    t.format(layout).trim().parse().unwrap_or(0)
}

impl Object for TimeValue {
    fn type_name(&self) -> String {
        TIME_TYPE.to_string()
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn member(&self, name: &str) -> Option<Member> {
        let t = self.0.clone();
        let int = |i: i64| Some(Member::Field(Value::int(i)));
        match name {
            "Unix" => Some(Member::Field(Value::Int(t.unix, IntType::Int64))),
            "UnixMilli" => Some(Member::Field(Value::Int(
                t.unix
                    .saturating_mul(1000)
                    .saturating_add(i64::from(t.nanos / 1_000_000)),
                IntType::Int64,
            ))),
            "UnixNano" => Some(Member::Field(Value::Int(
                t.unix
                    .saturating_mul(1_000_000_000)
                    .saturating_add(i64::from(t.nanos)),
                IntType::Int64,
            ))),
            "Year" => int(civil_field(&t, "2006")),
            "YearDay" => int(civil_field(&t, "002")),
            "Day" => int(civil_field(&t, "2")),
            "Hour" => int(civil_field(&t, "15")),
            "Minute" => int(civil_field(&t, "4")),
            "Second" => int(civil_field(&t, "5")),
            "Nanosecond" => int(i64::from(t.nanos)),
            "UTC" | "Local" => Some(Member::Field(TimeValue::value(
                t.in_zone("UTC").unwrap_or(t),
            ))),
            "String" => Some(Member::Field(Value::string(t.go_string()))),
            "IsZero" => Some(Member::Field(Value::Bool(t == Time::zero()))),
            "Format" => Some(Member::Method(
                Func::new(vec![Param::String], move |_, a| {
                    Ok(Value::string(t.format(sa(&a, 0))))
                })
                .with_result("string"),
            )),
            _ => None,
        }
    }
    fn go_string(&self) -> Option<String> {
        Some(self.0.go_string())
    }
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(
            other
                .as_any()
                .downcast_ref::<TimeValue>()
                .is_some_and(|o| o.0 == self.0),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn time_param() -> Param {
    Param::Named(TIME_TYPE.into())
}

/// The `time.Time` inside a value, if it is one.
pub(crate) fn as_time(v: &Value) -> Option<Time> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<TimeValue>().map(|t| t.0.clone()),
        _ => None,
    }
}

/// Sprig's `dateInZone` reading of its `date` argument: a time, or Unix seconds
/// as `int`, `int32` or `int64`; anything else is the current time.
fn time_of(v: &Value) -> Time {
    if let Some(t) = as_time(v) {
        return t;
    }
    match v {
        Value::Int(i, IntType::Int | IntType::Int32 | IntType::Int64) => Time::from_unix(*i, 0),
        _ => Time::now(),
    }
}

fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let t = time_of(date);
    let t = t.in_zone(zone).or_else(|| t.in_zone("UTC")).unwrap_or(t);
    t.format(layout)
}

const HOUR: u64 = 3_600_000_000_000;

fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    let units: [(u64, &str); 6] = [
        (HOUR * 24 * 365, "y"),
        (HOUR * 24 * 30, "mo"),
        (HOUR * 24, "d"),
        (HOUR, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (unit, name) in units {
        if u > unit {
            return format!("{}{name}", u / unit);
        }
    }
    "0s".to_string()
}

/// Go's `Duration.Round(time.Second)`.
fn round_second(d: i64) -> i64 {
    let m = 1_000_000_000_i64;
    let r = d % m;
    if d < 0 {
        let r = -r;
        if r + r < m {
            return d + r;
        }
        return d.checked_sub(m - r).unwrap_or(i64::MIN);
    }
    if r + r < m {
        return d - r;
    }
    d.checked_add(m - r).unwrap_or(i64::MAX)
}

#[allow(clippy::too_many_lines)]
pub(super) fn register(r: &mut Reg<'_>) {
    r.fixed(&["now"], vec![], TIME_TYPE, |_, _| {
        Ok(TimeValue::value(Time::now()))
    });
    r.fixed(&["ago"], vec![Param::Any], "string", |_, a| {
        let t = match arg(&a, 0) {
            Value::Int(i, IntType::Int | IntType::Int64) => Time::from_unix(i, 0),
            v => as_time(&v).unwrap_or_else(Time::now),
        };
        Ok(Value::string(duration_string(round_second(
            Time::now().sub(&t),
        ))))
    });
    r.fixed(
        &["date"],
        vec![Param::String, Param::Any],
        "string",
        |_, a| Ok(Value::string(date_in_zone(sa(&a, 0), &arg(&a, 1), "Local"))),
    );
    r.fixed(
        &["date_in_zone", "dateInZone"],
        vec![Param::String, Param::Any, Param::String],
        "string",
        |_, a| {
            Ok(Value::string(date_in_zone(
                sa(&a, 0),
                &arg(&a, 1),
                sa(&a, 2),
            )))
        },
    );
    r.fixed(&["htmlDate"], vec![Param::Any], "string", |_, a| {
        Ok(Value::string(date_in_zone(
            "2006-01-02",
            &arg(&a, 0),
            "Local",
        )))
    });
    r.fixed(
        &["htmlDateInZone"],
        vec![Param::Any, Param::String],
        "string",
        |_, a| {
            Ok(Value::string(date_in_zone(
                "2006-01-02",
                &arg(&a, 0),
                sa(&a, 1),
            )))
        },
    );
    r.fixed(
        &["date_modify", "dateModify"],
        vec![Param::String, time_param()],
        TIME_TYPE,
        |_, a| {
            let t = as_time(&arg(&a, 1)).unwrap_or_else(Time::zero);
            Ok(TimeValue::value(match parse_duration(sa(&a, 0)) {
                Ok(d) => t.add(d),
                Err(_) => t,
            }))
        },
    );
    r.fixed(
        &["must_date_modify", "mustDateModify"],
        vec![Param::String, time_param()],
        TIME_TYPE,
        |_, a| -> R {
            let t = as_time(&arg(&a, 1)).unwrap_or_else(Time::zero);
            let d = parse_duration(sa(&a, 0)).map_err(|e| fail(e.to_string()))?;
            Ok(TimeValue::value(t.add(d)))
        },
    );
    r.fixed(&["duration"], vec![Param::Any], "string", |_, a| {
        let n = match arg(&a, 0) {
            Value::String(v) => v.parse::<i64>().unwrap_or(0),
            Value::Int(i, IntType::Int64) => i,
            _ => 0,
        };
        Ok(Value::string(duration_string(
            n.wrapping_mul(1_000_000_000),
        )))
    });
    r.fixed(&["durationRound"], vec![Param::Any], "string", |_, a| {
        let v = arg(&a, 0);
        let d = match &v {
            Value::String(x) => parse_duration(x).unwrap_or(0),
            Value::Int(i, IntType::Int64) => *i,
            _ => as_time(&v).map_or(0, |t| Time::now().sub(&t)),
        };
        Ok(Value::string(duration_round(d)))
    });
    r.fixed(
        &["toDate"],
        vec![Param::String, Param::String],
        TIME_TYPE,
        |_, a| {
            Ok(TimeValue::value(
                parse(sa(&a, 0), sa(&a, 1)).unwrap_or_else(|_| Time::zero()),
            ))
        },
    );
    r.fixed(
        &["mustToDate"],
        vec![Param::String, Param::String],
        TIME_TYPE,
        |_, a| {
            parse(sa(&a, 0), sa(&a, 1))
                .map(TimeValue::value)
                .map_err(|e| fail(e.to_string()))
        },
    );
    r.fixed(&["unixEpoch"], vec![time_param()], "string", |_, a| {
        Ok(Value::string(
            as_time(&arg(&a, 0))
                .unwrap_or_else(Time::zero)
                .unix
                .to_string(),
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(duration_round(7_205_000_000_000), "2h");
        assert_eq!(duration_round(86_405_000_000_000), "1d");
        assert_eq!(duration_round(8_640_005_000_000_000), "3mo");
        assert_eq!(round_second(1_500_000_000), 2_000_000_000);
        assert_eq!(round_second(-1_400_000_000), -1_000_000_000);
    }
}
