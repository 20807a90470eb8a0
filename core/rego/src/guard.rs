//! Checks made on Rego text before regorus sees it, for what regorus would
//! otherwise turn into a crash, a hang or an error on every object:
//!
//! - **Nesting** deeper than [`MAX_LITERAL_NESTING`] `[`/`{` or [`MAX_NESTING`]
//!   brackets: regorus' parser is exponential in nested literals (each level of
//!   `[[[…]]]` doubles the time).
//! - **Recursion** between rules and functions (`f(x) := y if { y := f(x) }`):
//!   OPA rejects it when compiling (`rego_recursion_error`); regorus recurses until
//!   the stack overflows. The call graph is built from the tokens of all modules
//!   compiled together (rules and functions by package, `data.` references and
//!   imports resolved), and each cycle is reported once, at its first rule.
//! - **Unknown functions** (`time.now_ns()` in a build without the `time`
//!   builtins): regorus loads them and fails on every evaluation; they are
//!   reported when the policy loads, as OPA's type checker does.
//!
//! Each finding carries the byte offset in its module where it applies.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex};

use super::lexer::{significant, tokenize, Tok, Token};

/// Deepest bracket nesting (`(`, `[`, `{`) accepted in a Rego module.
pub const MAX_NESTING: usize = 32;
/// Deepest nesting of `[` and `{` (rule bodies, literals, comprehensions,
/// references) accepted in a Rego module. regorus 0.14's parser doubles its
/// time with each level of nested literals (16 levels: seconds); Gatekeeper's
/// library nests 4 at most.
pub const MAX_LITERAL_NESTING: usize = 12;
/// Most assignments and unifications (`:=`, `=`) directly inside one query (a
/// rule body or comprehension). regorus 0.14's scheduler copies the query's
/// variable scope at each of them, so its time is quadratic in their number
/// (2,000 in one body: 1.5 s; 15,000: a minute); Gatekeeper's library writes
/// a few dozen at most.
pub const MAX_QUERY_ASSIGNMENTS: usize = 256;

/// One problem, at a byte offset of module `module`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardError {
    pub module: usize,
    pub offset: usize,
    pub message: String,
}

const KEYWORDS: &[&str] = &[
    "package", "import", "default", "not", "some", "with", "as", "in", "if", "contains", "else",
    "every", "true", "false", "null", "input", "data", "_",
];

/// One rule (or function) definition: its name and the tokens it spans.
struct Def {
    name: String,
    offset: usize,
    /// Token range `[start, end)` in the module's significant tokens.
    start: usize,
    end: usize,
}

struct Module<'s> {
    src: &'s str,
    toks: Vec<Token>,
    package: String,
    /// Import alias -> full path (`lib` -> `data.lib`).
    imports: HashMap<String, String>,
    defs: Vec<Def>,
}

fn is(src: &str, t: Option<&Token>, text: &str) -> bool {
    t.is_some_and(|t| t.is(src, text))
}

/// A dotted path starting at token `i` (`a.b.c`); returns it and the index
/// after it.
fn dotted(src: &str, toks: &[Token], mut i: usize) -> (Vec<String>, usize) {
    let mut parts = Vec::new();
    while let Some(t) = toks.get(i).filter(|t| t.kind == Tok::Ident) {
        parts.push(t.text(src).to_string());
        i += 1;
        if is(src, toks.get(i), ".") && toks.get(i + 1).is_some_and(|t| t.kind == Tok::Ident) {
            i += 1;
        } else {
            break;
        }
    }
    (parts, i)
}

fn read_module(src: &str) -> Option<Module<'_>> {
    let toks = significant(&tokenize(src).ok()?);
    let mut package = String::new();
    let mut imports = HashMap::new();
    let mut defs: Vec<Def> = Vec::new();
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        let text = t.text(src);
        if t.kind == Tok::Newline || (t.kind == Tok::Punct && text == ";") {
            line_start = depth == 0;
            i += 1;
            continue;
        }
        if line_start && depth == 0 && t.kind == Tok::Ident {
            match text {
                "package" => {
                    let (p, next) = dotted(src, &toks, i + 1);
                    package = p.join(".");
                    i = next;
                    continue;
                }
                "import" => {
                    let (p, mut next) = dotted(src, &toks, i + 1);
                    let mut alias = p.last().cloned().unwrap_or_default();
                    if is(src, toks.get(next), "as") {
                        if let Some(a) = toks.get(next + 1) {
                            alias = a.text(src).to_string();
                            next += 2;
                        }
                    }
                    if p.first().is_some_and(|f| f == "data") {
                        imports.insert(alias, p.join("."));
                    }
                    i = next;
                    continue;
                }
                "else" => {}
                _ => {
                    let at = if text == "default" { i + 1 } else { i };
                    if let Some(name) = toks.get(at).filter(|t| t.kind == Tok::Ident) {
                        if let Some(last) = defs.last_mut() {
                            last.end = i;
                        }
                        defs.push(Def {
                            name: name.text(src).to_string(),
                            offset: name.start,
                            start: at,
                            end: toks.len(),
                        });
                    }
                }
            }
        }
        line_start = false;
        if t.kind == Tok::Punct {
            match text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    Some(Module {
        src,
        toks,
        package,
        imports,
        defs,
    })
}

/// The variables a definition declares: everything named in its head (function
/// arguments, the key of a partial rule, a `contains` element), names assigned
/// with `:=`, and those after `some` or `every`.
fn locals(src: &str, toks: &[Token], def: &Def) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let body = toks.get(def.start..def.end).unwrap_or(&[]);
    let mut depth = 0usize;
    let mut in_head = true;
    let mut declaring = false;
    for (k, t) in body.iter().enumerate() {
        let text = t.text(src);
        if k == 0 {
            continue;
        }
        if t.kind == Tok::Punct {
            if in_head && depth == 0 && matches!(text, "{" | ":=" | "=") {
                in_head = false;
            }
            match text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                _ => {}
            }
            if text == ";" {
                declaring = false;
            }
            continue;
        }
        if t.kind == Tok::Newline {
            declaring = false;
            continue;
        }
        if t.kind != Tok::Ident {
            continue;
        }
        match text {
            "if" if depth == 0 => {
                in_head = false;
                continue;
            }
            "some" | "every" => {
                declaring = true;
                continue;
            }
            "in" => {
                declaring = false;
                continue;
            }
            _ => {}
        }
        let field = k > 0 && is(src, body.get(k - 1), ".");
        if field {
            continue;
        }
        if in_head || declaring || is(src, body.get(k + 1), ":=") {
            out.insert(text.to_string());
        }
    }
    out
}

/// `pkg.name` of a data path (`data.a.b.c`), given the known packages.
fn resolve_data(path: &[String], packages: &BTreeSet<&str>) -> Option<String> {
    let rest = path.get(1..)?;
    (1..rest.len()).rev().find_map(|n| {
        let pkg = rest.get(..n)?.join(".");
        let name = rest.get(n)?;
        packages
            .contains(pkg.as_str())
            .then(|| format!("{pkg}.{name}"))
    })
}

/// Definition (`pkg.name`) -> the definitions it refers to.
type Edges = BTreeMap<String, BTreeSet<String>>;
/// A call of a function no module defines: name, offset, module.
type Call = (String, usize, usize);

/// The definitions each definition refers to, by `pkg.name`, and the calls of
/// functions that no module defines.
fn graph(modules: &[Module<'_>]) -> (Edges, Vec<Call>) {
    let packages: BTreeSet<&str> = modules.iter().map(|m| m.package.as_str()).collect();
    let defined: BTreeSet<String> = modules
        .iter()
        .flat_map(|m| m.defs.iter().map(|d| format!("{}.{}", m.package, d.name)))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // `with X as Y`: under it, X is Y, so X may call whatever Y calls.
    let mut replaced: Vec<(String, String)> = Vec::new();
    let mut calls = Vec::new();
    for (mi, m) in modules.iter().enumerate() {
        let src = m.src;
        for def in &m.defs {
            let from = format!("{}.{}", m.package, def.name);
            let locals = locals(src, &m.toks, def);
            let body = m.toks.get(def.start..def.end).unwrap_or(&[]);
            // A name of this package (not data, an import, a local or a keyword).
            let own = |first: &str| {
                first != "data"
                    && !m.imports.contains_key(first)
                    && !locals.contains(first)
                    && !KEYWORDS.contains(&first)
            };
            // The definition a reference names, if a module defines it.
            let resolve = |path: &[String]| -> Option<String> {
                let first = path.first().map_or("", String::as_str);
                let target = if first == "data" {
                    resolve_data(path, &packages)
                } else if let Some(full) = m.imports.get(first) {
                    let mut p: Vec<String> = full.split('.').map(str::to_string).collect();
                    p.extend(path.iter().skip(1).cloned());
                    resolve_data(&p, &packages)
                } else if own(first) {
                    Some(format!("{}.{first}", m.package))
                } else {
                    None
                };
                target.filter(|t| defined.contains(t))
            };
            let out = edges.entry(from).or_default();
            let mut k = 1;
            while let Some(t) = body.get(k) {
                if t.kind != Tok::Ident || is(src, body.get(k - 1), ".") {
                    k += 1;
                    continue;
                }
                if t.text(src) == "with" {
                    let (x, after) = dotted(src, body, k + 1);
                    if is(src, body.get(after), "as") {
                        let (y, end) = dotted(src, body, after + 1);
                        if let (Some(x), Some(y)) = (resolve(&x), resolve(&y)) {
                            replaced.push((x, y));
                        }
                        k = end.max(k + 1);
                        continue;
                    }
                }
                let (path, next) = dotted(src, body, k);
                let call = is(src, body.get(next), "(");
                let first = path.first().map_or("", String::as_str);
                match resolve(&path) {
                    Some(target) => {
                        out.insert(target);
                    }
                    // A call of a name no module defines: a builtin, or unknown.
                    None if call && own(first) => calls.push((path.join("."), t.start, mi)),
                    None => {}
                }
                k = next.max(k + 1);
            }
        }
    }
    for (x, y) in replaced {
        edges.entry(x).or_default().insert(y);
    }
    (edges, calls)
}

/// Each cycle once, as the list of its nodes (first node repeated last).
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Active,
        Done,
    }
    let mut state: HashMap<&str, State> = HashMap::new();
    let mut found = Vec::new();
    for root in edges.keys() {
        if state.contains_key(root.as_str()) {
            continue;
        }
        // Iterative DFS: (node, its successors, next successor index).
        let mut path: Vec<&str> = vec![root.as_str()];
        let mut stack: Vec<(&str, Vec<&str>, usize)> = vec![(
            root.as_str(),
            edges
                .get(root)
                .map(|s| s.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            0,
        )];
        state.insert(root.as_str(), State::Active);
        while let Some((node, succ, next)) = stack.last_mut() {
            if let Some(&s) = succ.get(*next) {
                *next += 1;
                match state.get(s) {
                    Some(State::Active) => {
                        if let Some(at) = path.iter().position(|p| *p == s) {
                            let mut cycle: Vec<String> = path
                                .get(at..)
                                .unwrap_or(&[])
                                .iter()
                                .map(|p| (*p).to_string())
                                .collect();
                            cycle.push(s.to_string());
                            found.push(cycle);
                        }
                    }
                    Some(State::Done) => {}
                    None => {
                        state.insert(s, State::Active);
                        path.push(s);
                        let succ = edges
                            .get(s)
                            .map(|x| x.iter().map(String::as_str).collect())
                            .unwrap_or_default();
                        stack.push((s, succ, 0));
                    }
                }
            } else {
                state.insert(node, State::Done);
                path.pop();
                stack.pop();
            }
        }
    }
    found
}

/// Names of the builtins regorus has, probed once per name.
static KNOWN_FUNCTIONS: LazyLock<Mutex<HashMap<String, bool>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether regorus (with Stockade's extensions) has function `name`: a call
/// with undefined arguments is undefined for a builtin (never run), and "could
/// not find function" otherwise.
fn is_known_function(name: &str, extensions: &[&str]) -> bool {
    if name == "print" || extensions.contains(&name) {
        return true;
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return true;
    }
    if let Some(&known) = KNOWN_FUNCTIONS
        .lock()
        .ok()
        .and_then(|k| k.get(name).copied())
        .as_ref()
    {
        return known;
    }
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    let probe = format!("package probe\nr := {name}(input.x)\n");
    let known = engine.add_policy("probe.rego".into(), probe).is_ok()
        && !matches!(
            engine.eval_rule("data.probe.r".into()),
            Err(e) if format!("{e}").contains("could not find function")
        );
    if let Ok(mut k) = KNOWN_FUNCTIONS.lock() {
        k.insert(name.to_string(), known);
    }
    known
}

/// The Rego v1 keywords a v0 module must import (`import future.keywords.…`).
const FUTURE_KEYWORDS: [&str; 4] = ["if", "contains", "every", "in"];

/// The first Rego v1 keyword (`if`, `contains` not called as the v0 builtin,
/// `every`, `in`) a module uses without importing it (`import
/// future.keywords[.kw]` or `import rego.v1`), with its byte offset. In a Rego
/// v0 module OPA's parser rejects these; regorus' parser prints a warning on
/// standard error (which no library caller can catch) and goes on reading the
/// word as a name. Stockade reports it first, located, so regorus never sees it.
pub fn unimported_future_keyword(src: &str) -> Option<(usize, &'static str)> {
    let toks = significant(&tokenize(src).ok()?);
    let mut imported: Vec<&str> = Vec::new();
    let mut all = false;
    for (i, t) in toks.iter().enumerate() {
        if !is(src, Some(t), "import") {
            continue;
        }
        let (path, _) = dotted(src, &toks, i + 1);
        match path
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["rego", "v1"] | ["future", "keywords"] => all = true,
            ["future", "keywords", kw] => {
                imported.extend(FUTURE_KEYWORDS.into_iter().filter(|k| k == kw));
            }
            _ => {}
        }
    }
    if all {
        return None;
    }
    toks.iter().enumerate().find_map(|(i, t)| {
        if t.kind != Tok::Ident {
            return None;
        }
        let kw = FUTURE_KEYWORDS.into_iter().find(|k| t.is(src, k))?;
        // A field (`x.in`) or a call of the v0 builtin (`contains(s, "a")`) is
        // no keyword.
        let after_dot = i
            .checked_sub(1)
            .and_then(|j| toks.get(j))
            .is_some_and(|p| p.is(src, "."));
        let called = is(src, toks.get(i + 1), "(");
        (!imported.contains(&kw) && !after_dot && !called).then_some((t.start, kw))
    })
}

/// The message for [`unimported_future_keyword`].
pub fn future_keyword_message(kw: &str) -> String {
    format!(
        "rego_parse_error: `{kw}` is a keyword only with `import future.keywords.{kw}` or `import rego.v1` in a Rego v0 module"
    )
}

/// Check modules compiled together. `extensions` are functions registered on
/// the engine (see [`super::builtins::EXTENSIONS`]).
pub fn check_modules(texts: &[&str], extensions: &[&str]) -> Vec<GuardError> {
    let mut errors = Vec::new();
    for (mi, src) in texts.iter().enumerate() {
        if let Some((offset, message)) = too_deep(src) {
            errors.push(GuardError {
                module: mi,
                offset,
                message,
            });
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    let modules: Vec<(usize, Module<'_>)> = texts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| read_module(s).map(|m| (i, m)))
        .collect();
    let index: Vec<usize> = modules.iter().map(|(i, _)| *i).collect();
    let modules: Vec<Module<'_>> = modules.into_iter().map(|(_, m)| m).collect();
    let (edges, calls) = graph(&modules);
    for cycle in cycles(&edges) {
        let Some(first) = cycle.first() else { continue };
        let located = modules.iter().enumerate().find_map(|(mi, m)| {
            m.defs
                .iter()
                .find(|d| format!("{}.{}", m.package, d.name) == *first)
                .map(|d| (mi, d.offset))
        });
        let (mi, offset) = located.unwrap_or((0, 0));
        let path: Vec<String> = cycle.iter().map(|n| format!("data.{n}")).collect();
        errors.push(GuardError {
            module: index.get(mi).copied().unwrap_or(0),
            offset,
            message: format!(
                "rego_recursion_error: rule data.{first} is recursive: {}",
                path.join(" -> ")
            ),
        });
    }
    let mut reported = BTreeSet::new();
    for (name, offset, mi) in calls {
        if reported.contains(&name) || is_known_function(&name, extensions) {
            continue;
        }
        errors.push(GuardError {
            module: index.get(mi).copied().unwrap_or(0),
            offset,
            message: format!(
                "rego_type_error: undefined function {name} (not a builtin of this build of regorus)"
            ),
        });
        reported.insert(name);
    }
    errors
}

/// Where brackets first nest too deep, and the message: more than
/// [`MAX_NESTING`] brackets, or more than [`MAX_LITERAL_NESTING`] of `[` and `{`.
fn too_deep(src: &str) -> Option<(usize, String)> {
    let toks = tokenize(src).ok()?;
    let mut stack: Vec<bool> = Vec::new();
    // Assignments directly inside each open bracket.
    let mut assignments: Vec<usize> = Vec::new();
    let mut literal = 0usize;
    for t in toks.iter().filter(|t| t.kind == Tok::Punct) {
        match t.text(src) {
            ":=" | "=" => {
                if let Some(n) = assignments.last_mut() {
                    *n += 1;
                    if *n > MAX_QUERY_ASSIGNMENTS {
                        return Some((
                            t.start,
                            format!(
                                "more than {MAX_QUERY_ASSIGNMENTS} assignments (`:=`, `=`) in one rule body or comprehension (the most Stockade accepts in Rego: regorus' compile time grows with the square of their number); split it into rules or functions"
                            ),
                        ));
                    }
                }
            }
            open @ ("(" | "[" | "{") => {
                let is_literal = open != "(";
                assignments.push(0);
                stack.push(is_literal);
                literal += usize::from(is_literal);
                if stack.len() > MAX_NESTING {
                    return Some((
                        t.start,
                        format!(
                            "brackets nest more than {MAX_NESTING} deep here (the most Stockade accepts in Rego)"
                        ),
                    ));
                }
                if literal > MAX_LITERAL_NESTING {
                    return Some((
                        t.start,
                        format!(
                            "`[` and `{{` nest more than {MAX_LITERAL_NESTING} deep here (the most Stockade accepts in Rego: regorus' parser takes twice as long for each further level)"
                        ),
                    ));
                }
            }
            ")" | "]" | "}" => {
                assignments.pop();
                if stack.pop() == Some(true) {
                    literal = literal.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn messages(texts: &[&str]) -> Vec<String> {
        check_modules(texts, &[])
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn recursion_through_a_with_replacement_is_found() {
        // Under `with g as k`, g is k, and k calls g: regorus recursed until
        // the stack overflowed (found by the rego fuzz target).
        let found = messages(&[
            "package main\ng(x) := x\nk(x) := g(x)\nf(x) := y if {\n\ty := k(x) with g as k\n}\n",
        ]);
        assert!(
            found.iter().any(|m| m.starts_with("rego_recursion_error")
                && m.contains("data.main.g")
                && m.contains("data.main.k")),
            "{found:?}"
        );
        // A replacement that does not call back is fine.
        assert!(messages(&[
            "package main\ng(x) := x\nh(x) := 1\nf(x) := y if {\n\ty := g(x) with g as h\n}\n"
        ])
        .is_empty());
    }

    #[test]
    fn recursion_is_found() {
        let m = messages(&["package main\n\nf(x) := y if { y := f(x) }\n"]);
        assert_eq!(
            m,
            ["rego_recursion_error: rule data.main.f is recursive: data.main.f -> data.main.f"]
        );
        let m = messages(&["package p\na { b }\nb { c }\nc { a }\n"]);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].contains("data.p.a -> data.p.b -> data.p.c -> data.p.a"),
            "{m:?}"
        );
        // Across modules, through an import.
        let m = messages(&[
            "package main\nimport data.lib.util\nr { util.g(1) }\n",
            "package lib.util\ng(x) { data.main.r }\n",
        ]);
        assert_eq!(m.len(), 1, "{m:?}");
    }

    #[test]
    fn future_keywords_without_their_import_are_found() {
        fn found(t: &str) -> Option<(&str, &'static str)> {
            unimported_future_keyword(t).map(|(o, k)| (&t[o..o + k.len()], k))
        }
        assert_eq!(found("package p\nr := 1 if { true }\n"), Some(("if", "if")));
        assert_eq!(
            found("package p\ndeny contains m if { m := 1 }\n"),
            Some(("contains", "contains"))
        );
        assert_eq!(
            found("package p\nr { some x in input.a }\n"),
            Some(("in", "in"))
        );
        for ok in [
            "package p\nimport rego.v1\nr := 1 if { true }\n",
            "package p\nimport future.keywords\nr := 1 if { true }\n",
            "package p\nimport future.keywords.if\nr := 1 if { true }\n",
            "package p\nr { contains(input.a, \"x\") }\n",
            "package p\nr { input.in == 1 }\n",
            "package p\n# if contains every in\nr { x := \"if in\" }\n",
        ] {
            assert_eq!(found(ok), None, "{ok}");
        }
        // Imported one by one: each counts for itself only.
        assert_eq!(
            found("package p\nimport future.keywords.if\ndeny contains m if { m := 1 }\n"),
            Some(("contains", "contains"))
        );
    }

    #[test]
    fn assignments_per_query_are_bounded() {
        let body = |n: usize, op: &str| {
            let lines: Vec<String> = (0..n).map(|i| format!("  x{i} {op} {i}")).collect();
            format!("package p\nr if {{\n{}\n}}\n", lines.join("\n"))
        };
        for op in [":=", "="] {
            assert!(messages(&[&body(MAX_QUERY_ASSIGNMENTS, op)]).is_empty());
            let text = body(MAX_QUERY_ASSIGNMENTS + 1, op);
            let errors = check_modules(&[&text], &[]);
            assert_eq!(errors.len(), 1, "{errors:?}");
            let e = &errors[0];
            assert!(e.message.contains("more than 256 assignments"), "{e:?}");
            // At the first assignment past the limit.
            let last = format!("x{MAX_QUERY_ASSIGNMENTS} {op}");
            assert_eq!(
                Some(e.offset),
                text.find(&last).map(|o| o + last.len() - op.len())
            );
        }
        // Counted per query: as many in separate rules, or nested in
        // comprehensions of one body, are fine.
        let mut rules = String::new();
        for i in 0..2 * MAX_QUERY_ASSIGNMENTS {
            let _ = writeln!(rules, "r{i} if {{ x := {i}; y = x }}");
        }
        assert!(messages(&[&format!("package p\n{rules}")]).is_empty());
        let compr: Vec<String> = (0..MAX_QUERY_ASSIGNMENTS)
            .map(|i| format!("  c{i} := [v | v := input.a[_]]"))
            .collect();
        assert!(messages(&[&format!("package p\nr if {{\n{}\n}}\n", compr.join("\n"))]).is_empty());
    }

    #[test]
    fn locals_and_fields_are_not_references() {
        let ok = [
            "package p\nf(x) := y if { y := x + 1 }\ng(f) := f\n",
            "package p\nname := input.name\nr if { some name in input.names; name == \"a\" }\n",
            "package p\nr[msg] { x := input.a; msg := sprintf(\"%v\", [x.r]) }\n",
            "package p\ndefault allow := false\nallow if { input.ok }\n",
            "package p\nr := 1 if { false } else := 2\n",
        ];
        for text in ok {
            assert_eq!(messages(&[text]), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let deep = format!("package p\nx := {}1{}\n", "[".repeat(20), "]".repeat(20));
        let errors = check_modules(&[&deep], &[]);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].offset,
            "package p\nx := ".len() + MAX_LITERAL_NESTING
        );
        let parens = format!("package p\nx := {}1{}\n", "(".repeat(40), ")".repeat(40));
        let errors = check_modules(&[&parens], &[]);
        assert_eq!(errors[0].offset, "package p\nx := ".len() + MAX_NESTING);
        let ok = format!("package p\nx := {}1{}\n", "[".repeat(12), "]".repeat(12));
        assert!(check_modules(&[&ok], &[]).is_empty());
    }

    #[test]
    fn unknown_functions_are_errors() {
        let m = messages(&["package p\nr if { time.now_ns() > 0; count([]) == 0 }\n"]);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("time.now_ns"), "{m:?}");
        assert!(messages(&["package p\nr if { startswith(\"a\", \"b\") }\n"]).is_empty());
    }
}
