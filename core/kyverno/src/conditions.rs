//! Conditions (`preconditions`, `deny.conditions`): `any`/`all` blocks and the
//! operators of `pkg/engine/variables/operator`.

use serde_json::Value;

use super::pattern::{operator_of, validate_value, Op};
use super::values::{go_duration, go_sprint, quantity, wildcard_match};
use super::vars::{substitute_all, VarError};

/// Evaluate a conditions document (`{any: [...], all: [...]}` or a plain list)
/// after substituting variables. Returns whether it holds and the messages.
pub fn evaluate(ctx: &Value, conditions: &Value) -> Result<(bool, String), VarError> {
    match conditions {
        Value::Array(list) => {
            let mut msgs = Vec::new();
            for c in list {
                let (ok, msg) = evaluate_one(ctx, c)?;
                if !ok {
                    return Ok((false, msg));
                }
                if !msg.is_empty() {
                    msgs.push(msg);
                }
            }
            Ok((true, msgs.join(";")))
        }
        Value::Object(m) => {
            let mut any_ok = true;
            let mut all_ok = true;
            let mut true_msgs = Vec::new();
            let mut false_msgs = Vec::new();
            if let Some(Value::Array(any)) = m.get("any") {
                any_ok = false;
                for c in any {
                    let (ok, msg) = evaluate_one(ctx, c)?;
                    if ok {
                        any_ok = true;
                        true_msgs.push(msg);
                        break;
                    }
                    false_msgs.push(msg);
                }
            }
            if let Some(Value::Array(all)) = m.get("all") {
                for c in all {
                    let (ok, msg) = evaluate_one(ctx, c)?;
                    if ok {
                        true_msgs.push(msg);
                    } else {
                        all_ok = false;
                        false_msgs.push(msg);
                        break;
                    }
                }
            }
            let join = |v: Vec<String>| {
                v.into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            if any_ok && all_ok {
                Ok((true, join(true_msgs)))
            } else {
                Ok((false, join(false_msgs)))
            }
        }
        Value::Null => Ok((true, String::new())),
        _ => Err(VarError("invalid condition".to_string())),
    }
}

fn evaluate_one(ctx: &Value, condition: &Value) -> Result<(bool, String), VarError> {
    let key = substitute_all(ctx, condition.get("key").unwrap_or(&Value::Null)).map_err(|e| {
        VarError(format!(
            "failed to substitute variables in condition key: {}",
            e.0
        ))
    })?;
    let value =
        substitute_all(ctx, condition.get("value").unwrap_or(&Value::Null)).map_err(|e| {
            VarError(format!(
                "failed to substitute variables in condition value: {}",
                e.0
            ))
        })?;
    let op = condition
        .get("operator")
        .and_then(Value::as_str)
        .unwrap_or("");
    let message = condition
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let result = apply(op, &key, &value).ok_or_else(|| {
        VarError(format!(
            "failed to create handler for condition operator {op}"
        ))
    })?;
    Ok((result, message))
}

/// Apply a condition operator; `None` for an unknown operator.
pub fn apply(op: &str, key: &Value, value: &Value) -> Option<bool> {
    Some(match op.to_ascii_lowercase().as_str() {
        "equal" | "equals" => equals(key, value),
        "notequal" | "notequals" => !equals(key, value),
        "in" => in_op(key, value, false),
        "notin" => in_op(key, value, true),
        "anyin" => any_in(key, value, false),
        "anynotin" => any_in(key, value, true),
        "allin" => all_in(key, value, false),
        "allnotin" => all_in(key, value, true),
        "greaterthanorequals" => numeric(key, value, Op::MoreEqual),
        "greaterthan" => numeric(key, value, Op::More),
        "lessthanorequals" => numeric(key, value, Op::LessEqual),
        "lessthan" => numeric(key, value, Op::Less),
        "durationgreaterthanorequals" => duration_op(key, value, Op::MoreEqual),
        "durationgreaterthan" => duration_op(key, value, Op::More),
        "durationlessthanorequals" => duration_op(key, value, Op::LessEqual),
        "durationlessthan" => duration_op(key, value, Op::Less),
        _ => return None,
    })
}

fn as_f64(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn parse_duration_pair(key: &Value, value: &Value) -> Option<(f64, f64)> {
    let d = |v: &Value| match v {
        Value::String(s) if s != "0" => go_duration(s),
        _ => None,
    };
    let (kd, vd) = (d(key), d(value));
    if kd.is_none() && vd.is_none() {
        return None;
    }
    let secs = |v: &Value| -> Option<f64> {
        match v {
            Value::Number(n) => n.as_f64().map(|f| f * 1e9),
            _ => None,
        }
    };
    let k = kd.or_else(|| secs(key))?;
    let v = vd.or_else(|| secs(value))?;
    Some((k, v))
}

fn equals(key: &Value, value: &Value) -> bool {
    match key {
        Value::Bool(b) => value.as_bool() == Some(*b),
        Value::Number(n) => {
            let k = n.as_f64().unwrap_or(f64::NAN);
            match value {
                Value::Number(v) => v.as_f64() == Some(k),
                Value::String(s) => s.parse::<f64>().ok() == Some(k),
                _ => false,
            }
        }
        Value::String(k) => {
            if let Some((a, b)) = parse_duration_pair(key, value) {
                #[allow(clippy::float_cmp)]
                return a == b;
            }
            if let Some(kq) = quantity(k) {
                if let Value::String(v) = value {
                    return quantity(v) == Some(kq);
                }
            }
            match value {
                Value::String(v) => wildcard_match(v, k),
                _ => false,
            }
        }
        Value::Object(_) | Value::Array(_) => key == value,
        Value::Null => false,
    }
}

fn strings_of(value: &str) -> Option<Vec<String>> {
    serde_json::from_str::<Vec<String>>(value).ok()
}

fn key_exists(key: &str, value: &Value, any_form: bool) -> Option<bool> {
    match value {
        Value::Array(items) => Some(items.iter().any(|v| {
            let s = go_sprint(v);
            wildcard_match(&s, key) || wildcard_match(key, &s)
        })),
        Value::String(v) => {
            if wildcard_match(v, key) {
                return Some(true);
            }
            if any_form {
                if operator_of(v) == Op::InRange {
                    return Some(validate_value(&Value::String(key.to_string()), value));
                }
                let arr = if serde_json::from_str::<Value>(v).is_ok() {
                    strings_of(v)?
                } else {
                    vec![v.clone()]
                };
                Some(arr.iter().any(|a| a == key))
            } else {
                let arr = strings_of(v)?;
                Some(arr.iter().any(|a| a == key))
            }
        }
        _ => None,
    }
}

fn in_op(key: &Value, value: &Value, not: bool) -> bool {
    match key {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            match key_exists(&go_sprint(key), value, false) {
                Some(found) => found != not,
                None => false,
            }
        }
        Value::Array(items) => {
            let Some(keys) = items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
            else {
                return false;
            };
            let set: Option<Vec<String>> = match value {
                Value::Array(v) => v.iter().map(|x| x.as_str().map(str::to_string)).collect(),
                Value::String(s) => {
                    if keys.len() == 1 && keys.first() == Some(s) {
                        return !not;
                    }
                    strings_of(s)
                }
                _ => None,
            };
            let Some(set) = set else { return false };
            if not {
                keys.iter().any(|k| !set.contains(k))
            } else {
                keys.iter().all(|k| set.contains(k))
            }
        }
        _ => false,
    }
}

fn matches_any(k: &str, set: &[String]) -> bool {
    set.iter()
        .any(|v| wildcard_match(k, v) || wildcard_match(v, k))
}

fn set_of(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Array(v) => Some(v.iter().map(go_sprint).collect()),
        Value::Number(_) | Value::Bool(_) => Some(vec![go_sprint(value)]),
        Value::String(s) => {
            if serde_json::from_str::<Value>(s).is_ok() {
                strings_of(s)
            } else {
                Some(vec![s.clone()])
            }
        }
        _ => None,
    }
}

fn any_in(key: &Value, value: &Value, not: bool) -> bool {
    match key {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            match key_exists(&go_sprint(key), value, true) {
                Some(found) => found != not,
                None => false,
            }
        }
        Value::Array(items) => {
            let keys: Vec<String> = items.iter().map(go_sprint).collect();
            if let Value::String(s) = value {
                if keys.len() == 1 && keys.first() == Some(s) {
                    return !not;
                }
                if operator_of(s) == Op::InRange {
                    let range = if not {
                        s.replacen('-', "!-", 1)
                    } else {
                        s.clone()
                    };
                    let rv = Value::String(range);
                    return keys
                        .iter()
                        .any(|k| validate_value(&Value::String(k.clone()), &rv));
                }
            }
            let Some(set) = set_of(value) else {
                return false;
            };
            if not {
                keys.iter().any(|k| !matches_any(k, &set))
            } else {
                keys.iter().any(|k| matches_any(k, &set))
            }
        }
        _ => false,
    }
}

fn all_in(key: &Value, value: &Value, not: bool) -> bool {
    match key {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            match key_exists(&go_sprint(key), value, true) {
                Some(found) => found != not,
                None => false,
            }
        }
        Value::Array(items) => {
            let keys: Vec<String> = items.iter().map(go_sprint).collect();
            if let Value::String(s) = value {
                if keys.len() == 1 && keys.first() == Some(s) {
                    return !not;
                }
                if operator_of(s) == Op::InRange {
                    let inside = |k: &String| validate_value(&Value::String(k.clone()), value);
                    return if not {
                        !keys.iter().any(inside)
                    } else {
                        keys.iter().all(inside)
                    };
                }
            }
            let set = match value {
                Value::Array(v) => v.iter().map(go_sprint).collect(),
                Value::String(_) => match set_of(value) {
                    Some(s) => s,
                    None => return false,
                },
                _ => return false,
            };
            if not {
                !keys.iter().any(|k| matches_any(k, &set))
            } else {
                keys.iter().all(|k| matches_any(k, &set))
            }
        }
        _ => false,
    }
}

fn cmp(a: f64, b: f64, op: Op) -> bool {
    match op {
        Op::MoreEqual => a >= b,
        Op::More => a > b,
        Op::LessEqual => a <= b,
        Op::Less => a < b,
        _ => false,
    }
}

fn semver(s: &str) -> Option<(u64, u64, u64)> {
    let core = s.split(['-', '+']).next()?;
    let mut it = core.split('.');
    let a = it.next()?.parse().ok()?;
    let b = it.next()?.parse().ok()?;
    let c = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Some((a, b, c))
}

fn numeric_num(k: f64, value: &Value, op: Op) -> bool {
    match value {
        Value::Number(n) => as_f64(value).or(n.as_f64()).is_some_and(|v| cmp(k, v, op)),
        Value::String(s) => {
            if let Some((a, b)) = parse_duration_pair(&Value::from(k), value) {
                return cmp(a, b, op);
            }
            s.parse::<f64>().is_ok_and(|v| cmp(k, v, op))
        }
        _ => false,
    }
}

fn numeric(key: &Value, value: &Value, op: Op) -> bool {
    match key {
        Value::Number(n) => n.as_f64().is_some_and(|k| numeric_num(k, value, op)),
        Value::String(k) => {
            if let Some((a, b)) = parse_duration_pair(key, value) {
                return cmp(a, b, op);
            }
            if let (Some(a), Value::String(v)) = (quantity(k), value) {
                if let Some(b) = quantity(v) {
                    let c = match a.partial_cmp(&b) {
                        Some(std::cmp::Ordering::Less) => -1.0,
                        Some(std::cmp::Ordering::Greater) => 1.0,
                        _ => 0.0,
                    };
                    return cmp(c, 0.0, op);
                }
            }
            if let Ok(f) = k.parse::<f64>() {
                return numeric_num(f, value, op);
            }
            if let (Some(a), Some(b)) = (semver(k), value.as_str().and_then(semver)) {
                return match op {
                    Op::MoreEqual => a >= b,
                    Op::More => a > b,
                    Op::LessEqual => a <= b,
                    Op::Less => a < b,
                    _ => false,
                };
            }
            false
        }
        _ => false,
    }
}

fn duration_op(key: &Value, value: &Value, op: Op) -> bool {
    let d = |v: &Value| match v {
        Value::String(s) => go_duration(s),
        Value::Number(n) => n.as_f64().map(|f| f * 1e9),
        _ => None,
    };
    match (d(key), d(value)) {
        (Some(a), Some(b)) => cmp(a, b, op),
        _ => false,
    }
}
