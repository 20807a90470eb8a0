//! Arithmetic (Sprig's `numeric.go` and the inline functions of its map):
//! integer functions convert every argument with spf13/cast's `ToInt64` and
//! compute in `int64` with Go's wrapping; `div`/`mod` by zero is Go's panic
//! text; float functions go through shopspring/decimal (see [`crate::decimal`]).
//! `until`, `untilStep` and `seq` charge the step budget before building, so a
//! huge range ends with the engine's limit error instead of exhausting memory.

use stockade_gotemplate::{CallCtx, FuncError, IntType, Param, Value};

use super::{arg, fail, int, int64, Reg};
use crate::cast::{f64_to_i64, to_float64, to_int64};
use crate::decimal::{fold, Op};

type R = Result<Value, FuncError>;

fn float(f: f64) -> Value {
    Value::float(f)
}

/// Go's `math.Max`.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_infinite() && a > 0.0 || b.is_infinite() && b > 0.0 {
        return f64::INFINITY;
    }
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { b } else { a };
    }
    if a > b {
        a
    } else {
        b
    }
}

/// Go's `math.Min`.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_infinite() && a < 0.0 || b.is_infinite() && b < 0.0 {
        return f64::NEG_INFINITY;
    }
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { a } else { b };
    }
    if a < b {
        a
    } else {
        b
    }
}

fn decimal(a: &[Value], first: f64, rest_from: usize, op: Op) -> R {
    let rest: Vec<f64> = a.iter().skip(rest_from).map(to_float64).collect();
    fold(first, &rest, op)
        .map(float)
        .map_err(|e| fail(e.to_string()))
}

/// Sprig's `untilStep`, charging for its elements before building them.
pub(crate) fn until_step(
    ctx: &mut CallCtx<'_, '_>,
    start: i64,
    stop: i64,
    step: i64,
) -> Result<Vec<i64>, FuncError> {
    let count: u128 = if stop < start {
        if step >= 0 {
            return Ok(Vec::new());
        }
        (i128::from(start) - i128::from(stop) + i128::from(-step) - 1).unsigned_abs()
            / u128::from(step.unsigned_abs())
    } else {
        if step <= 0 {
            return Ok(Vec::new());
        }
        (i128::from(stop) - i128::from(start) + i128::from(step) - 1).unsigned_abs()
            / u128::from(step.unsigned_abs())
    };
    ctx.charge(crate::element_steps(
        usize::try_from(count).unwrap_or(usize::MAX),
    ))?;
    let mut v = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut i = start;
    if stop < start {
        while i > stop {
            v.push(i);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
    } else {
        while i < stop {
            v.push(i);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
    }
    Ok(v)
}

fn ints(v: Vec<i64>) -> Value {
    Value::typed_list("int", v.into_iter().map(Value::int).collect())
}

fn seq(ctx: &mut CallCtx<'_, '_>, p: &[i64]) -> Result<String, FuncError> {
    let list = match *p {
        [end] => {
            let start = 1;
            let inc = if end < start { -1 } else { 1 };
            until_step(ctx, start, end.wrapping_add(inc), inc)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(ctx, start, end.wrapping_add(inc), step)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(ctx, start, end.wrapping_add(step), step)?
        }
        _ => return Ok(String::new()),
    };
    Ok(list
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" "))
}

/// Go's `strconv.ParseInt(s, 8, 64)` (Sprig's `toDecimal`; errors give 0).
fn parse_octal(s: &str) -> i64 {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    if body.is_empty() || !body.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
        return 0;
    }
    match i64::from_str_radix(body, 8) {
        Ok(v) if neg => -v,
        Ok(v) => v,
        Err(_) if neg && u64::from_str_radix(body, 8) == Ok(1 << 63) => i64::MIN,
        Err(_) => 0,
    }
}

#[allow(clippy::too_many_lines)]
pub(super) fn register(r: &mut Reg<'_>) {
    r.fixed(&["add1"], vec![Param::Any], "int64", |_, a| {
        Ok(int64(to_int64(&arg(&a, 0)).wrapping_add(1)))
    });
    r.variadic(&["add"], vec![], Param::Any, "int64", |_, a| {
        Ok(int64(a.iter().map(to_int64).fold(0_i64, i64::wrapping_add)))
    });
    r.fixed(&["sub"], vec![Param::Any, Param::Any], "int64", |_, a| {
        Ok(int64(
            to_int64(&arg(&a, 0)).wrapping_sub(to_int64(&arg(&a, 1))),
        ))
    });
    r.fixed(&["div"], vec![Param::Any, Param::Any], "int64", |_, a| {
        let d = to_int64(&arg(&a, 1));
        if d == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok(int64(to_int64(&arg(&a, 0)).wrapping_div(d)))
    });
    r.fixed(&["mod"], vec![Param::Any, Param::Any], "int64", |_, a| {
        let d = to_int64(&arg(&a, 1));
        if d == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok(int64(to_int64(&arg(&a, 0)).wrapping_rem(d)))
    });
    r.variadic(&["mul"], vec![Param::Any], Param::Any, "int64", |_, a| {
        Ok(int64(a.iter().map(to_int64).fold(1_i64, i64::wrapping_mul)))
    });
    r.fixed(&["randInt"], vec![Param::INT, Param::INT], "int", |_, a| {
        let (min, max) = (int(&arg(&a, 0)), int(&arg(&a, 1)));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(fail("invalid argument to Intn"));
        }
        let mut b = [0_u8; 8];
        crate::crypto::random_bytes(&mut b).map_err(fail)?;
        let x = i64::try_from(u64::from_le_bytes(b) % n.unsigned_abs()).unwrap_or(0);
        Ok(Value::int(x + min))
    });
    r.fixed(&["add1f"], vec![Param::Any], "float64", |_, a| {
        fold(to_float64(&arg(&a, 0)), &[1.0], Op::Add)
            .map(float)
            .map_err(|e| fail(e.to_string()))
    });
    r.variadic(&["addf"], vec![], Param::Any, "float64", |_, a| {
        decimal(&a, 0.0, 0, Op::Add)
    });
    r.variadic(
        &["subf"],
        vec![Param::Any],
        Param::Any,
        "float64",
        |_, a| decimal(&a, to_float64(&arg(&a, 0)), 1, Op::Sub),
    );
    r.variadic(
        &["divf"],
        vec![Param::Any],
        Param::Any,
        "float64",
        |_, a| decimal(&a, to_float64(&arg(&a, 0)), 1, Op::Div),
    );
    r.variadic(
        &["mulf"],
        vec![Param::Any],
        Param::Any,
        "float64",
        |_, a| decimal(&a, to_float64(&arg(&a, 0)), 1, Op::Mul),
    );
    r.variadic(
        &["biggest", "max"],
        vec![Param::Any],
        Param::Any,
        "int64",
        |_, a| Ok(int64(a.iter().map(to_int64).max().unwrap_or(0))),
    );
    r.variadic(&["min"], vec![Param::Any], Param::Any, "int64", |_, a| {
        Ok(int64(a.iter().map(to_int64).min().unwrap_or(0)))
    });
    r.variadic(
        &["maxf"],
        vec![Param::Any],
        Param::Any,
        "float64",
        |_, a| {
            let first = to_float64(&arg(&a, 0));
            Ok(float(a.iter().skip(1).map(to_float64).fold(first, go_max)))
        },
    );
    r.variadic(
        &["minf"],
        vec![Param::Any],
        Param::Any,
        "float64",
        |_, a| {
            let first = to_float64(&arg(&a, 0));
            Ok(float(a.iter().skip(1).map(to_float64).fold(first, go_min)))
        },
    );
    r.fixed(&["ceil"], vec![Param::Any], "float64", |_, a| {
        Ok(float(to_float64(&arg(&a, 0)).ceil()))
    });
    r.fixed(&["floor"], vec![Param::Any], "float64", |_, a| {
        Ok(float(to_float64(&arg(&a, 0)).floor()))
    });
    r.variadic(
        &["round"],
        vec![Param::Any, Param::INT],
        Param::FLOAT64,
        "float64",
        |_, a| {
            let round_on = a.get(2).map_or(0.5, to_float64);
            let val = to_float64(&arg(&a, 0));
            #[allow(clippy::cast_precision_loss)]
            let pow = 10_f64.powf(int(&arg(&a, 1)) as f64);
            let digit = pow * val;
            let div = digit.fract();
            let rounded = if div >= round_on {
                digit.ceil()
            } else {
                digit.floor()
            };
            Ok(float(rounded / pow))
        },
    );
    r.fixed(&["until"], vec![Param::INT], "[]int", |ctx, a| {
        let count = int(&arg(&a, 0));
        let step = if count < 0 { -1 } else { 1 };
        Ok(ints(until_step(ctx, 0, count, step)?))
    });
    r.fixed(
        &["untilStep"],
        vec![Param::INT, Param::INT, Param::INT],
        "[]int",
        |ctx, a| {
            Ok(ints(until_step(
                ctx,
                int(&arg(&a, 0)),
                int(&arg(&a, 1)),
                int(&arg(&a, 2)),
            )?))
        },
    );
    r.variadic(&["seq"], vec![], Param::INT, "string", |ctx, a| {
        let p: Vec<i64> = a.iter().map(int).collect();
        Ok(Value::string(seq(ctx, &p)?))
    });
    r.fixed(&["int64"], vec![Param::Any], "int64", |_, a| {
        Ok(int64(to_int64(&arg(&a, 0))))
    });
    r.fixed(&["int"], vec![Param::Any], "int", |_, a| {
        Ok(Value::Int(to_int64(&arg(&a, 0)), IntType::Int))
    });
    r.fixed(&["float64"], vec![Param::Any], "float64", |_, a| {
        Ok(float(to_float64(&arg(&a, 0))))
    });
    r.fixed(&["toDecimal"], vec![Param::Any], "int64", |_, a| {
        Ok(int64(parse_octal(&arg(&a, 0).to_go_string())))
    });
    let _ = f64_to_i64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(parse_octal("0777"), 511);
        assert_eq!(parse_octal("8"), 0);
        assert!(go_max(1.0, f64::NAN).is_nan());
        assert!(go_min(0.0, -0.0).is_sign_negative());
    }
}
