//! The part of Masterminds/semver's constraints Helm uses to match a
//! dependency's `version` against a subchart's: `1.2.3`, `~1.2`, `^1`,
//! comparisons, wildcards (`1.x`, `*`), ranges (`1 - 2`), `,`/space (and) and
//! `||` (or). Pre-releases match only a constraint that names one.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct V(u64, u64, u64);

fn parse_version(v: &str) -> Option<(V, bool)> {
    let v = v.trim().strip_prefix('v').unwrap_or(v.trim());
    let core = v.split('+').next().unwrap_or(v);
    let (core, pre) = match core.split_once('-') {
        Some((c, _)) => (c, true),
        None => (core, false),
    };
    let mut parts = core.split('.');
    let a = parts.next()?.parse().ok()?;
    let b = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    let c = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    Some((V(a, b, c), pre))
}

/// A partial version: how many parts were given (wildcards end it).
fn parse_partial(v: &str) -> Option<(V, usize, bool)> {
    let v = v.trim().strip_prefix('v').unwrap_or(v.trim());
    if v.is_empty() || v == "*" || v == "x" || v == "X" {
        return Some((V(0, 0, 0), 0, false));
    }
    let core = v.split('+').next().unwrap_or(v);
    let (core, pre) = match core.split_once('-') {
        Some((c, _)) => (c, true),
        None => (core, false),
    };
    let mut nums = [0u64; 3];
    let mut given = 0;
    for (i, p) in core.split('.').enumerate() {
        if i >= 3 {
            return None;
        }
        if matches!(p, "x" | "X" | "*") {
            break;
        }
        *nums.get_mut(i)? = p.parse().ok()?;
        given = i + 1;
    }
    Some((V(nums[0], nums[1], nums[2]), given, pre))
}

fn bump(v: V, given: usize) -> V {
    match given {
        0 => V(u64::MAX, 0, 0),
        1 => V(v.0 + 1, 0, 0),
        2 => V(v.0, v.1 + 1, 0),
        _ => V(v.0, v.1, v.2 + 1),
    }
}

fn check_one(op: &str, target: &str, v: V) -> Option<bool> {
    let (t, given, _) = parse_partial(target)?;
    Some(match op {
        "" | "=" => given == 0 || (t <= v && v < bump(t, given)),
        "!=" => !(given == 0 || (t <= v && v < bump(t, given))),
        ">" => {
            if given >= 3 {
                v > t
            } else {
                given > 0 && v >= bump(t, given)
            }
        }
        ">=" | "=>" => v >= t,
        "<" => v < t,
        "<=" | "=<" => given == 0 || v < bump(t, given),
        "~" | "~>" => t <= v && v < bump(t, given.clamp(1, 2)),
        "^" => {
            let upper = if t.0 > 0 || given <= 1 {
                V(t.0 + 1, 0, 0)
            } else if t.1 > 0 || given == 2 {
                V(0, t.1 + 1, 0)
            } else {
                V(0, 0, t.2 + 1)
            };
            t <= v && v < upper
        }
        _ => return None,
    })
}

/// `chartutil.IsCompatibleRange(constraint, version)`. An empty constraint
/// matches anything here (Helm compares only when a chart is in `charts/`, and
/// an empty `version:` is how those are usually declared).
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Some((v, pre)) = parse_version(version) else {
        return false;
    };
    let constraint = constraint.trim();
    if constraint.is_empty() {
        return true;
    }
    let constraint = join_operators(constraint);
    let constraint = constraint.as_str();
    constraint.split("||").any(|alt| {
        let alt = alt.trim();
        if let Some((lo, hi)) = alt.split_once(" - ") {
            return check_one(">=", lo, v).unwrap_or(true)
                && check_one("<=", hi, v).unwrap_or(true);
        }
        let mut any_pre = false;
        let ok = alt.split([',', ' ']).filter(|s| !s.is_empty()).all(|term| {
            let op_len = term
                .find(|c: char| c.is_ascii_alphanumeric() || c == '*')
                .unwrap_or(term.len());
            let (op, target) = term.split_at(op_len);
            any_pre |= target.contains('-');
            check_one(op.trim(), target, v).unwrap_or(true)
        });
        ok && (!pre || any_pre)
    })
}

/// `>= 1.2` is one term: the blanks after a run of operators are dropped
/// (Masterminds' `([<>=!~^]+)\s+` → `$1`, `\s` being Go's ASCII class).
fn join_operators(constraint: &str) -> String {
    let mut out = String::with_capacity(constraint.len());
    let mut after_operator = false;
    for c in constraint.chars() {
        if after_operator && matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ') {
            continue;
        }
        after_operator = matches!(c, '<' | '>' | '=' | '!' | '~' | '^');
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_compatible_range as ok;

    #[test]
    fn operators_join_their_versions() {
        assert_eq!(
            super::join_operators(">= 1.2, <  2 || ~ 3"),
            ">=1.2, <2 || ~3"
        );
        assert_eq!(super::join_operators("> = 1"), ">=1");
        assert_eq!(super::join_operators("1.0 - 2.0"), "1.0 - 2.0");
        assert_eq!(super::join_operators("=\t\r\n1"), "=1");
        // Go's `\s` is ASCII.
        assert_eq!(super::join_operators("=\u{a0}1"), "=\u{a0}1");
    }

    #[test]
    fn constraints() {
        assert!(ok("0.1.0", "0.1.0"));
        assert!(!ok("0.1.0", "0.2.0"));
        assert!(ok("~1.2.0", "1.2.9"));
        assert!(!ok("~1.2.0", "1.3.0"));
        assert!(ok("^1.2", "1.9.0"));
        assert!(ok(">=1.0.0, <2", "1.5.0"));
        assert!(!ok(">=1.0.0 <2", "2.0.0"));
        assert!(ok("1.x", "1.4.2"));
        assert!(ok("*", "3.0.0"));
        assert!(ok("1 || 2", "2.1.0"));
        assert!(!ok("^1", "1.0.0-rc1"));
        assert!(ok(">= 1.22.0-0", "v1.36.0"));
        assert!(!ok(">= 1.22.0-0", "v1.20.0"));
    }
}
