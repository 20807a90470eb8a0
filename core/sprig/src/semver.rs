//! Masterminds/semver v3.4.0 (the version current Helm resolves and the Sprig
//! conformance run used; Sprig 3.3.0 asks for 3.3.0 at least) as Sprig's
//! `semver` and `semverCompare` use it:
//! loose version parsing (`v1`, `1.2`, pre-release and metadata), comparison,
//! and constraints (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`, `x`/`*`
//! wildcards, `a - b` ranges, `,`/space for AND, `||` for OR) with the same
//! prerelease rule of v3.4.0 (a prerelease version satisfies an AND group only
//! when some constraint of that group has a prerelease).

use std::cmp::Ordering;
use std::sync::OnceLock;

use regex::Regex;

/// A semantic version (`*semver.Version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major segment.
    pub major: u64,
    /// Minor segment (0 when absent).
    pub minor: u64,
    /// Patch segment (0 when absent).
    pub patch: u64,
    /// Pre-release, without the `-`.
    pub pre: String,
    /// Build metadata, without the `+`.
    pub metadata: String,
    /// The text it was parsed from.
    pub original: String,
}

/// Masterminds/semver's error texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SemverError(pub String);

const SEMVER: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct Regexes {
    version: Regex,
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn regexes() -> Option<&'static Regexes> {
    static R: OnceLock<Option<Regexes>> = OnceLock::new();
    R.get_or_init(|| {
        Some(Regexes {
            version: Regex::new(&format!("^{SEMVER}$")).ok()?,
            constraint: Regex::new(&format!(r"^\s*({OPS})\s*({CV})\s*$")).ok()?,
            range: Regex::new(&format!(r"\s*({CV})\s+-\s+({CV})\s*")).ok()?,
            find: Regex::new(&format!(r"({OPS})\s*({CV})")).ok()?,
            valid: Regex::new(&format!(
                r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$"
            ))
            .ok()?,
        })
    })
    .as_ref()
}

fn internal() -> SemverError {
    SemverError("semver: internal regular expression error".to_string())
}

const NUM: &str = "0123456789";
const ALLOWED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

fn contains_only(s: &str, set: &str) -> bool {
    s.chars().all(|c| set.contains(c))
}

fn validate_prerelease(p: &str) -> Result<(), SemverError> {
    for part in p.split('.') {
        if contains_only(part, NUM) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(SemverError("version segment starts with 0".to_string()));
            }
        } else if !contains_only(part, ALLOWED) {
            return Err(SemverError("invalid prerelease string".to_string()));
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), SemverError> {
    if m.split('.').all(|p| contains_only(p, ALLOWED)) {
        Ok(())
    } else {
        Err(SemverError("invalid metadata string".to_string()))
    }
}

fn parse_segment(s: &str) -> Result<u64, SemverError> {
    s.parse::<u64>().map_err(|_| {
        SemverError(format!(
            "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
            stockade_quote(s)
        ))
    })
}

fn stockade_quote(s: &str) -> String {
    format!("\"{s}\"")
}

impl Version {
    /// `semver.NewVersion` (the loose parser).
    pub fn parse(v: &str) -> Result<Version, SemverError> {
        let re = regexes().ok_or_else(internal)?;
        let m = re
            .version
            .captures(v)
            .ok_or_else(|| SemverError("invalid semantic version".to_string()))?;
        let group = |i: usize| m.get(i).map_or("", |g| g.as_str());
        let major = parse_segment(group(1))?;
        let minor = match group(2) {
            "" => 0,
            s => parse_segment(s.trim_start_matches('.'))?,
        };
        let patch = match group(3) {
            "" => 0,
            s => parse_segment(s.trim_start_matches('.'))?,
        };
        let pre = group(5).to_string();
        let metadata = group(8).to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: v.to_string(),
        })
    }

    /// `Version.Compare`: -1, 0 or 1 (metadata is ignored).
    pub fn compare(&self, o: &Version) -> i64 {
        let ord = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if ord != Ordering::Equal {
            return ord as i64;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    fn less_than(&self, o: &Version) -> bool {
        self.compare(o) < 0
    }
}

impl std::fmt::Display for Version {
    /// `Version.String()`: `1.2.3-pre+meta` (no `v`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(v: &str, o: &str) -> i64 {
    let sp: Vec<&str> = v.split('.').collect();
    let op: Vec<&str> = o.split('.').collect();
    for i in 0..sp.len().max(op.len()) {
        let d = compare_pre_part(
            sp.get(i).copied().unwrap_or(""),
            op.get(i).copied().unwrap_or(""),
        );
        if d != 0 {
            return d;
        }
    }
    0
}

fn compare_pre_part(s: &str, o: &str) -> i64 {
    if s == o {
        return 0;
    }
    if s.is_empty() {
        return -1;
    }
    if o.is_empty() {
        return 1;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                1
            } else {
                -1
            }
        }
        (Ok(_), Err(_)) => -1,
        (Err(_), Ok(_)) => 1,
        (Ok(si), Ok(oi)) => {
            if si > oi {
                1
            } else {
                -1
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Constraint {
    con: Version,
    op: Op,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A parsed constraint set (`*semver.Constraints`): OR of ANDs.
#[derive(Debug, Clone)]
pub struct Constraints {
    ors: Vec<Vec<Constraint>>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

fn parse_constraint(c: &str) -> Result<Constraint, SemverError> {
    let re = regexes().ok_or_else(internal)?;
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse("0.0.0")?,
            op: Op::TildeOrEqual,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let m = re
        .constraint
        .captures(c)
        .ok_or_else(|| SemverError(format!("improper constraint: {c}")))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let op = match g(1) {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con =
        Version::parse(&ver).map_err(|_| SemverError("constraint parser error".to_string()))?;
    Ok(Constraint {
        con,
        op,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, SemverError> {
        let re = regexes().ok_or_else(internal)?;
        // Rewrite `a - b` ranges as `>= a, <= b`.
        let mut c = c.to_string();
        let found: Vec<(String, String, String)> = re
            .range
            .captures_iter(&c)
            .map(|m| {
                (
                    m.get(0).map_or("", |x| x.as_str()).to_string(),
                    m.get(1).map_or("", |x| x.as_str()).to_string(),
                    m.get(11).map_or("", |x| x.as_str()).to_string(),
                )
            })
            .collect();
        for (whole, a, b) in found {
            c = c.replacen(&whole, &format!(">= {a}, <= {b} "), 1);
        }
        let mut ors = Vec::new();
        for v in c.split("||") {
            if !re.valid.is_match(v) {
                return Err(SemverError(format!("improper constraint: {v}")));
            }
            let mut cs: Vec<&str> = re.find.find_iter(v).map(|m| m.as_str()).collect();
            if cs.is_empty() {
                cs.push(v);
            }
            ors.push(
                cs.into_iter()
                    .map(parse_constraint)
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        Ok(Constraints { ors })
    }

    /// `Constraints.Check`.
    pub fn check(&self, v: &Version) -> bool {
        self.ors.iter().any(|and| {
            let include_pre = and.iter().any(|c| !c.con.pre.is_empty());
            and.iter().all(|c| c.check(v, include_pre))
        })
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        let c = &self.con;
        // Every operator refuses a prerelease version unless its AND group has one.
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != 0;
                        }
                        return false;
                    }
                }
                v.compare(c) != 0
            }
            Op::Greater => {
                if !self.dirty {
                    return v.compare(c) == 1;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == 1
                }
            }
            Op::Less => v.compare(c) < 0,
            Op::GreaterEqual => v.compare(c) >= 0,
            Op::LessEqual => {
                if !self.dirty {
                    return v.compare(c) <= 0;
                }
                !(v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            Op::TildeOrEqual if !self.dirty => v.compare(c) == 0,
            Op::Tilde | Op::TildeOrEqual => {
                if v.less_than(c) {
                    return false;
                }
                if c.major == 0
                    && c.minor == 0
                    && c.patch == 0
                    && !self.minor_dirty
                    && !self.patch_dirty
                {
                    return true;
                }
                if v.major != c.major {
                    return false;
                }
                v.minor == c.minor || self.minor_dirty
            }
            Op::Caret => {
                if v.less_than(c) {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }
}

/// Sprig's `semverCompare constraint version`.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, SemverError> {
    let c = Constraints::parse_kept(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}

impl Constraints {
    /// [`Constraints::parse`], kept per thread (at most 256): charts ask the
    /// same few constraints in template after template (`semverCompare
    /// ">=1.21-0" .Capabilities.KubeVersion.GitVersion`), and parsing one runs
    /// three regular expressions.
    fn parse_kept(c: &str) -> Result<std::sync::Arc<Constraints>, SemverError> {
        type Kept =
            std::collections::HashMap<String, Result<std::sync::Arc<Constraints>, SemverError>>;
        thread_local! {
            static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::default();
        }
        const MAX_KEPT: usize = 256;
        if let Some(known) = KEPT.with(|k| k.borrow().get(c).cloned()) {
            return known;
        }
        let parsed = Constraints::parse(c).map(std::sync::Arc::new);
        KEPT.with(|k| {
            let mut k = k.borrow_mut();
            if k.len() >= MAX_KEPT {
                k.clear();
            }
            k.insert(c.to_string(), parsed.clone());
        });
        parsed
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ok(c: &str, v: &str) -> bool {
        semver_compare(c, v).unwrap()
    }

    /// A constraint asked for again (kept per thread) gives the same answer,
    /// an error included, whichever part was wrong; past the bound the kept
    /// constraints are dropped and parsed again.
    #[test]
    fn answers_asked_again_are_the_same() {
        for _ in 0..2 {
            assert!(ok(">=1.21-0", "v1.33.0"));
            assert!(!ok("<1.21-0", "v1.33.0"));
            assert_eq!(
                semver_compare(">=1.21-0", "bad").unwrap_err().0,
                "invalid semantic version"
            );
            assert!(semver_compare("not a constraint", "1.2.3")
                .unwrap_err()
                .0
                .starts_with("improper constraint"));
        }
        for i in 0..600 {
            assert!(ok(&format!(">= 1.{i}.0"), &format!("1.{i}.1")));
        }
        assert!(ok(">=1.21-0", "v1.33.0"));
    }

    #[test]
    fn versions() {
        let v = Version::parse("v1.2.3-beta.1+c0ff33").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, 2, 3));
        assert_eq!(v.to_string(), "1.2.3-beta.1+c0ff33");
        assert_eq!(Version::parse("1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(
            Version::parse("bad").unwrap_err().0,
            "invalid semantic version"
        );
        assert_eq!(
            Version::parse("1.2.3-01").unwrap_err().0,
            "version segment starts with 0"
        );
        let a = Version::parse("1.2.3").unwrap();
        let b = Version::parse("1.3.3").unwrap();
        assert_eq!(b.compare(&a), 1);
        assert_eq!(a.compare(&b), -1);
        assert_eq!(
            Version::parse("1.0.0-alpha")
                .unwrap()
                .compare(&Version::parse("1.0.0-alpha.1").unwrap()),
            -1
        );
    }

    #[test]
    fn constraints() {
        assert!(ok("1.2.3", "1.2.3"));
        assert!(!ok("^1.2.0", "2.2.3"));
        assert!(ok("^1.2.0", "1.9.0"));
        assert!(ok(">=1.20.0-0", "1.21.3-gke.100"));
        assert!(!ok(">=1.20.0", "1.21.3-gke.100"));
        assert!(ok("~1.2.3", "1.2.9"));
        assert!(!ok("~1.2.3", "1.3.0"));
        assert!(ok("1.2 - 1.4", "1.3.5"));
        assert!(!ok("1.2 - 1.4", "1.5.0"));
        assert!(ok("<1.0 || >=2.1", "2.1.0"));
        assert!(ok("1.x", "1.9.9"));
        assert!(ok("*", "3.0.0"));
        assert!(ok(">= 1.2, < 3.0.0", "2.0.0"));
        assert!(ok("!=1.2.3", "1.2.4"));
        assert!(ok("^0.2.3", "0.2.5"));
        assert!(!ok("^0.2.3", "0.3.0"));
        assert_eq!(
            semver_compare("badConstraint", "1.2.3").unwrap_err().0,
            "improper constraint: badConstraint"
        );
        assert_eq!(
            semver_compare("1.2.0", "badVersion").unwrap_err().0,
            "invalid semantic version"
        );
    }
}
