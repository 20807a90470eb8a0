//! `.helmignore` as Helm's `pkg/ignore` reads it, and Go's `filepath.Match`.

/// One rule of a `.helmignore` file.
#[derive(Debug, Clone)]
struct Pattern {
    /// The rule's characters (read once, matched against every path).
    rule: Vec<char>,
    /// Go's `Match` would give `ErrBadPattern` for it: it matches nothing.
    bad: bool,
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
        let rule: Vec<char> = rule.chars().collect();
        self.patterns.push(Pattern {
            bad: validate(&rule).is_err(),
            rule,
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
        let path_chars: Vec<char> = path.chars().collect();
        let base = path_chars
            .iter()
            .rposition(|&c| c == '/')
            .map_or(&path_chars[..], |i| {
                path_chars.get(i + 1..).unwrap_or_default()
            });
        for p in &self.patterns {
            let subject = match p.kind {
                PatternKind::Rooted | PatternKind::Path => &path_chars[..],
                PatternKind::Base => base,
            };
            let matched = !p.bad && match_from(&p.rule, subject);
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
        self.ignore_file_in(path, &mut DirVerdicts::default())
    }

    /// [`Rules::ignore_file`] for one file of many: the verdict on each
    /// folder is kept in `dirs` and read from there for the next file in it
    /// (the files of a chart folder share a few dozen folders).
    pub fn ignore_file_in(&self, path: &str, dirs: &mut DirVerdicts) -> bool {
        let mut at = 0;
        while let Some(i) = path.get(at..).and_then(|rest| rest.find('/')) {
            let dir = path.get(..at + i).unwrap_or_default();
            let ignored = if let Some(&v) = dirs.0.get(dir) {
                v
            } else {
                let v = self.ignore(dir, true);
                dirs.0.insert(dir.to_string(), v);
                v
            };
            if ignored {
                return true;
            }
            at += i + 1;
        }
        self.ignore(path, false)
    }
}

/// Whether each folder seen so far is ignored (see [`Rules::ignore_file_in`]).
#[derive(Debug, Default)]
pub struct DirVerdicts(std::collections::HashMap<String, bool>);

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

/// Match `p` against all of `n`. A `*` matches a run of characters other than
/// `/`. When a later part fails, only the most recent `*` takes one more
/// character (as Go's `Match` tries each star's chunk leftmost first): the work
/// is at most the product of the lengths, never exponential in the number of
/// stars (`*a*a*a*a*a*a*a*a*b` against a long name).
fn match_from(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0usize, 0usize);
    // Where to resume after the last `*`: (pattern index after it, name index).
    let mut star: Option<(usize, usize)> = None;
    loop {
        let step = match p.get(pi) {
            None => {
                if ni == n.len() {
                    return true;
                }
                None
            }
            Some('*') => {
                star = Some((pi + 1, ni));
                pi += 1;
                continue;
            }
            Some('?') => n.get(ni).filter(|&&c| c != '/').map(|_| (pi + 1, ni + 1)),
            // A class may match `/` (Go's `matchChunk` checks only `?`).
            Some('[') => match n.get(ni) {
                Some(&c) => match class(p, pi, c) {
                    Ok((true, next)) => Some((next, ni + 1)),
                    _ => None,
                },
                _ => None,
            },
            Some('\\') => match (p.get(pi + 1), n.get(ni)) {
                (Some(a), Some(b)) if a == b => Some((pi + 2, ni + 1)),
                _ => None,
            },
            Some(&c) => (n.get(ni) == Some(&c)).then_some((pi + 1, ni + 1)),
        };
        if let Some((np, nn)) = step {
            pi = np;
            ni = nn;
            continue;
        }
        // The last `*` takes one more character, unless it would cross a `/`.
        match star {
            Some((sp, sn)) if n.get(sn).is_some_and(|&c| c != '/') => {
                star = Some((sp, sn + 1));
                pi = sp;
                ni = sn + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Files judged one after another with the folders' verdicts kept are
    /// judged as each is alone, whatever the order.
    #[test]
    fn kept_folder_verdicts_judge_as_each_file_alone() {
        let r = Rules::parse("ci/\nsecret\n*.tgz\n/docs\n").unwrap();
        let paths = [
            "ci/a.yaml",
            "ci/b/c.yaml",
            "templates/a.yaml",
            "templates/keep/x.yaml",
            "x/secret/y",
            "x/secret",
            "x/y/z.tgz",
            "docs/a.md",
            "a/docs/b.md",
            "ci",
        ];
        for order in [paths.to_vec(), paths.iter().rev().copied().collect()] {
            let mut dirs = DirVerdicts::default();
            for p in order {
                assert_eq!(r.ignore_file_in(p, &mut dirs), r.ignore_file(p), "{p}");
            }
        }
        assert!(r.ignore_file("ci/b/c.yaml"));
        assert!(r.ignore_file("x/y/z.tgz"));
        assert!(!r.ignore_file("templates/a.yaml"));
        assert!(!r.ignore_file("templates/keep/x.yaml"));
    }

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
    fn stars_backtrack_without_blowing_up() {
        // Each of these would take exponential time with a backtracking match.
        let many = format!("{}b", "*a".repeat(12));
        let name = "a".repeat(80);
        assert!(!go_match(&many, &name).unwrap());
        assert!(go_match(&many, &format!("{name}b")).unwrap());
        assert!(!go_match(&many, &format!("{name}/b")).unwrap());
        // Later chunks can need an earlier star to give up characters.
        assert!(go_match("*ab*abc", "xabyababc").unwrap());
        assert!(go_match("a*b?c", "axxbbyc").unwrap());
        assert!(!go_match("a*/b", "ax/yb").unwrap());
        assert!(go_match("*/*.yaml", "templates/x.yaml").unwrap());
        assert!(go_match("*\\*", "a*").unwrap());
        assert!(!go_match("*[0-9]", "abc").unwrap());
        assert!(go_match("*[0-9]", "abc7").unwrap());
        assert!(go_match("", "").unwrap());
        // A class matches `/` (Go checks the separator only for `?` and `*`).
        assert!(go_match("a[^b]c", "a/c").unwrap());
        assert!(!go_match("a?c", "a/c").unwrap());
        assert!(!go_match("", "a").unwrap());
        assert!(go_match("*", "").unwrap());
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
