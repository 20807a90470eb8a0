//! The float arithmetic of Sprig's `addf`, `subf`, `mulf`, `divf`, `add1f`: each
//! operand becomes shopspring/decimal's `NewFromFloat` (the shortest decimal that
//! reads back as the same float), the operation is exact in decimal (division
//! rounds half away from zero at 16 decimal places), and the result is read back
//! as the nearest float64. So `addf 1.5 2.2 3` is `6.7`, not `6.700000000000001`.
//!
//! Coefficients are `i128`; an operation that would overflow falls back to the
//! plain float64 operation (far outside what templates compute).

/// A decimal `coef × 10^exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    coef: i128,
    exp: i32,
}

/// What went wrong (shopspring/decimal panics with these texts).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// `NewFromFloat` of NaN or ±Inf.
    #[error("Cannot create a Decimal from {0}")]
    NotFinite(String),
    /// `Div` by zero.
    #[error("decimal division by 0")]
    DivByZero,
}

/// The operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `Add`.
    Add,
    /// `Sub`.
    Sub,
    /// `Mul`.
    Mul,
    /// `Div` (16 decimal places).
    Div,
}

const DIV_PRECISION: i32 = 16;

fn pow10(n: u32) -> Option<i128> {
    10_i128.checked_pow(n)
}

impl Decimal {
    /// `decimal.NewFromFloat`.
    pub fn from_f64(f: f64) -> Result<Decimal, DecimalError> {
        if f.is_nan() {
            return Err(DecimalError::NotFinite("NaN".to_string()));
        }
        if f.is_infinite() {
            return Err(DecimalError::NotFinite(
                if f > 0.0 { "+Inf" } else { "-Inf" }.to_string(),
            ));
        }
        // Rust's `{:e}` is the shortest round-tripping form: `1.5e0`, `-1.2345e-7`.
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let coef: i128 = digits.parse().unwrap_or(0);
        let frac_len = i32::try_from(frac.len()).unwrap_or(0);
        Ok(Decimal {
            coef,
            exp: exp - frac_len,
        })
    }

    /// The nearest float64 (`Decimal.Float64`).
    pub fn to_f64(self) -> f64 {
        format!("{}e{}", self.coef, self.exp).parse().unwrap_or(0.0)
    }

    fn align(a: Decimal, b: Decimal) -> Option<(i128, i128, i32)> {
        let exp = a.exp.min(b.exp);
        let ac = a
            .coef
            .checked_mul(pow10(u32::try_from(a.exp - exp).ok()?)?)?;
        let bc = b
            .coef
            .checked_mul(pow10(u32::try_from(b.exp - exp).ok()?)?)?;
        Some((ac, bc, exp))
    }

    fn apply(self, op: Op, other: Decimal) -> Result<Option<Decimal>, DecimalError> {
        Ok(match op {
            Op::Add => Decimal::align(self, other).and_then(|(a, b, exp)| {
                Some(Decimal {
                    coef: a.checked_add(b)?,
                    exp,
                })
            }),
            Op::Sub => Decimal::align(self, other).and_then(|(a, b, exp)| {
                Some(Decimal {
                    coef: a.checked_sub(b)?,
                    exp,
                })
            }),
            Op::Mul => self.coef.checked_mul(other.coef).map(|coef| Decimal {
                coef,
                exp: self.exp + other.exp,
            }),
            Op::Div => {
                if other.coef == 0 {
                    return Err(DecimalError::DivByZero);
                }
                // q = self / other rounded to 10^-16: scale the numerator so the
                // integer quotient has 16 fraction digits plus one for rounding.
                let shift = self.exp - other.exp + DIV_PRECISION + 1;
                let quotient = if shift >= 0 {
                    u32::try_from(shift)
                        .ok()
                        .and_then(pow10)
                        .and_then(|p| self.coef.checked_mul(p))
                        .map(|n| n / other.coef)
                } else {
                    u32::try_from(-shift)
                        .ok()
                        .and_then(pow10)
                        .and_then(|p| other.coef.checked_mul(p))
                        .map(|d| self.coef / d)
                };
                quotient.map(|q| {
                    let last = q % 10;
                    let mut r = q / 10;
                    if last >= 5 {
                        r += 1;
                    } else if last <= -5 {
                        r -= 1;
                    }
                    Decimal {
                        coef: r,
                        exp: -DIV_PRECISION,
                    }
                })
            }
        })
    }
}

/// Sprig's `execDecimalOp`: folds `op` over `first` and `rest`.
pub fn fold(first: f64, rest: &[f64], op: Op) -> Result<f64, DecimalError> {
    let mut acc = Decimal::from_f64(first)?;
    let mut fallback: Option<f64> = None;
    for &x in rest {
        let d = Decimal::from_f64(x)?;
        if let Some(f) = fallback.as_mut() {
            *f = float_op(*f, x, op);
            continue;
        }
        match acc.apply(op, d)? {
            Some(next) => acc = next,
            None => fallback = Some(float_op(acc.to_f64(), x, op)),
        }
    }
    Ok(fallback.unwrap_or_else(|| acc.to_f64()))
}

fn float_op(a: f64, b: f64, op: Op) -> f64 {
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::float_cmp)]
    use super::*;

    #[test]
    fn exact() {
        assert_eq!(fold(0.0, &[1.5, 2.2, 3.0], Op::Add).unwrap(), 6.7);
        assert_eq!(fold(4.5, &[1.0, 3.0], Op::Sub).unwrap(), 0.5);
        assert_eq!(fold(5.0, &[4.0, 2.0], Op::Div).unwrap(), 0.625);
        assert_eq!(fold(1.0, &[3.0], Op::Div).unwrap(), 0.333_333_333_333_333_3);
        assert_eq!(fold(3.4, &[1.0], Op::Add).unwrap(), 4.4);
        assert_eq!(fold(0.1, &[0.2], Op::Add).unwrap(), 0.3);
        assert_eq!(
            fold(2.0, &[-3.0], Op::Div).unwrap(),
            -0.666_666_666_666_666_7
        );
        assert!(fold(1.0, &[0.0], Op::Div).is_err());
    }
}
