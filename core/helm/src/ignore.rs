//! `.helmignore` as Helm's `pkg/ignore` reads it, and Go's `filepath.Match`.

/// One rule of a `.helmignore` file.
#[derive(Debug, Clone)]
struct Pattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    kind: PatternKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatternKind {
    /// `/x`: matched against the whole path, anchored.
    Rooted,
    /// Contains `/`: matched against the whole path.
    Path,
    /// Matched against the base name.
    Base,
}

/// The rules of a chart's `.helmignore`, plus Helm's default
/// (`templates/.?*`: hidden files in `templates/`).
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// Parse a `.helmignore` text. Rules Helm rejects (`**`, bad patterns) are
    /// errors, with Helm's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rules = Rules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.lines() {
            rules.add(line)?;
        }
        Ok(rules)
    }

    pub fn add_defaults(&mut self) {
        let _ = self.add("templates/.?*");
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".to_string());
        }
        if go_match(rule, "abc").is_err() {
            return Err("syntax error in pattern".to_string());
        }
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (must_dir, rule) = match rule.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (kind, rule) = if let Some(r) = rule.strip_prefix('/') {
            (PatternKind::Rooted, r)
        } else if rule.contains('/') {
            (PatternKind::Path, rule)
        } else {
            (PatternKind::Base, rule)
        };
        self.patterns.push(Pattern {
            rule: rule.to_string(),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether `path` (slash-separated, relative to the chart) is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            let subject = match p.kind {
                PatternKind::Rooted | PatternKind::Path => path,
                PatternKind::Base => path.rsplit('/').next().unwrap_or(path),
            };
            let matched = go_match(&p.rule, subject).unwrap_or(false);
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }

    /// Whether a file is ignored, its folders included (a walk would not have
    /// entered an ignored folder).
    pub fn ignore_file(&self, path: &str) -> bool {
        let mut at = 0;
        while let Some(i) = path.get(at..).and_then(|rest| rest.find('/')) {
            let dir = path.get(..at + i).unwrap_or_default();
            if self.ignore(dir, true) {
                return true;
            }
            at += i + 1;
        }
        self.ignore(path, false)
    }
}

/// Go's `path/filepath.Match` on `/`-separated names: `*` and `?` do not match
/// `/`; `[...]` classes with ranges and `^` negation; `\` escapes.
/// `Err` for a malformed pattern (Go's `ErrBadPattern`).
pub fn go_match(pattern: &str, name: &str) -> Result<bool, ()> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Validate the whole pattern first, as Go does for the result to be an error.
    validate(&p)?;
    Ok(match_from(&p, &n))
}

fn validate(p: &[char]) -> Result<(), ()> {
    let mut i = 0;
    while i < p.len() {
        match p.get(i) {
            Some('\\') => {
                if i + 1 >= p.len() {
                    return Err(());
                }
                i += 2;
            }
            Some('[') => {
                let (_, next) = class(p, i, '\0')?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Match the class starting at `p[i] == '['` against `c`: (matched, index after `]`).
fn class(p: &[char], mut i: usize, c: char) -> Result<(bool, usize), ()> {
    i += 1;
    let negated = p.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i).ok_or(())?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, next) = class_char(p, i)?;
        i = next;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|&c| c != ']') {
            let (h, next) = class_char(p, i + 1)?;
            hi = h;
            i = next;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    Ok((matched != negated, i))
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), ()> {
    match p.get(i) {
        Some('\\') => p.get(i + 1).map(|&c| (c, i + 2)).ok_or(()),
        Some('-' | ']') | None => Err(()),
        Some(&c) => Ok((c, i + 1)),
    }
}

fn match_from(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => {
            let rest = p.get(1..).unwrap_or_default();
            for k in 0..=n.len() {
                if k > 0 && n.get(k - 1) == Some(&'/') {
                    return false;
                }
                if match_from(rest, n.get(k..).unwrap_or_default()) {
                    return true;
                }
            }
            false
        }
        Some('?') => match n.first() {
            Some(&c) if c != '/' => match_from(
                p.get(1..).unwrap_or_default(),
                n.get(1..).unwrap_or_default(),
            ),
            _ => false,
        },
        Some('[') => {
            let Some(&c) = n.first() else { return false };
            if c == '/' {
                return false;
            }
            match class(p, 0, c) {
                Ok((true, next)) => match_from(
                    p.get(next..).unwrap_or_default(),
                    n.get(1..).unwrap_or_default(),
                ),
                _ => false,
            }
        }
        Some('\\') => match (p.get(1), n.first()) {
            (Some(a), Some(b)) if a == b => match_from(
                p.get(2..).unwrap_or_default(),
                n.get(1..).unwrap_or_default(),
            ),
            _ => false,
        },
        Some(&c) => match n.first() {
            Some(&d) if c == d => match_from(
                p.get(1..).unwrap_or_default(),
                n.get(1..).unwrap_or_default(),
            ),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn go_match_semantics() {
        assert!(go_match("*.yaml", "a.yaml").unwrap());
        assert!(!go_match("*.yaml", "t/a.yaml").unwrap());
        assert!(go_match("templates/*", "templates/x.yaml").unwrap());
        assert!(go_match("[a-c]?", "bz").unwrap());
        assert!(!go_match("[^a-c]?", "bz").unwrap());
        assert!(go_match("a[", "a").is_err());
    }

    #[test]
    fn helmignore_rules() {
        let mut r = Rules::parse("# c\n*.bak\n/ci/\nsecret/\n").unwrap();
        r.add_defaults();
        assert!(r.ignore_file("ci/x-values.yaml"));
        assert!(r.ignore_file("templates/.hidden"));
        assert!(r.ignore_file("x/secret/y"));
        assert!(!r.ignore_file("templates/a.yaml"));
        assert!(Rules::parse("a/**/b").is_err());
    }
}
