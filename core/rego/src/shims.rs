//! Source rewrites that close the gaps between regorus 0.14 and OPA before a
//! module is compiled. Each works on tokens ([`super::lexer`]), inserts no line
//! breaks (error positions keep their lines), and is covered by a regression test
//! in `core/stockade/tests/gatekeeper_regorus.rs`:
//!
//! 1. **Chained rule bodies** (`violation[x] { a } { b }`, an OR of bodies in OPA):
//!    regorus rejects them ("else cannot be used with set rules"). Each extra body
//!    gets a copy of the rule's head, which is what OPA's parser produces.
//! 2. **A line starting with `(`** inside a body is a new expression in OPA;
//!    regorus parses it as a call on the previous line's last term
//!    (`x := input.a` / `(x) == 1` becomes `input.a(x) == 1`). A `;` is inserted at
//!    the end of the previous line when that line ends with a value.
//! 3. **Dynamic terms under `not`**: OPA's compiler hoists them out of every
//!    expression before evaluating it (stages `RewriteExprTerms`: nested calls and
//!    operator expressions; `RewriteDynamicTerms`: references and comprehensions that
//!    are arguments of a call or comparison, and the bracketed parts of references),
//!    and the hoisted expressions are *not* negated. So `not f(input.missing)` and
//!    `not count(input.missing) > 0` fail in OPA when `input.missing` is undefined,
//!    while regorus evaluates them inside the negation, where undefined makes `not`
//!    succeed. We hoist the same terms (`__stockade_hoistN := term; not …`). Plain
//!    variables are left in place (they are bound, or the rule is unsafe), as are
//!    the sides of a unification `=` (only their bracketed parts move, as in OPA).
//! 4. **Body-less functions in Rego v1** (`f("a", _)` on its own line, meaning
//!    `f("a", _) = true`): regorus' v1 parser says "rule must have a body or
//!    assignment"; ` = true` is appended.

use super::lexer::{tokenize, LexError, Tok, Token};

/// Which rewrites were applied (for tests and diagnostics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub chained_bodies: usize,
    pub paren_lines: usize,
    pub hoisted: usize,
    pub bodyless: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// `{` of a rule, else, every or if body.
    Body,
    /// Any other bracket (object/set literal, array, call, ref index, comprehension).
    Other(u8),
}

struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// Rewrite `src` as described in the module docs; returns the new text and what
/// was done. Input that does not tokenize is returned unchanged (the compiler
/// reports the error).
pub fn rewrite(src: &str, v1: bool) -> (String, Applied) {
    match rewrite_inner(src, v1) {
        Ok(r) => r,
        Err(_) => (src.to_string(), Applied::default()),
    }
}

#[allow(clippy::too_many_lines)] // one pass, easier to follow whole
fn rewrite_inner(src: &str, v1: bool) -> Result<(String, Applied), LexError> {
    let toks: Vec<Token> = tokenize(src)?
        .into_iter()
        .filter(|t| t.kind != Tok::Comment)
        .collect();
    let globals = global_names(src, &toks);
    let mut edits: Vec<Edit> = Vec::new();
    let mut applied = Applied::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut expect_stmt = true;
    let mut stmt_start: Option<usize> = None;
    let mut head_end: Option<usize> = None;
    // Head of the statement whose body just closed (for chained bodies).
    let mut chain_head: Option<(usize, usize)> = None;
    let mut hoist_counter = 0usize;

    let prev_sig = |i: usize| -> Option<&Token> {
        toks.get(..i)?.iter().rev().find(|t| t.kind != Tok::Newline)
    };

    let mut i = 0;
    while let Some(tok) = toks.get(i) {
        let text = tok.text(src);
        if tok.kind == Tok::Newline {
            if stack.is_empty() && prev_sig(i).is_some_and(|p| p.ends_value(src)) {
                expect_stmt = true;
            }
            i += 1;
            continue;
        }
        if stack.is_empty() && expect_stmt {
            expect_stmt = false;
            if text == "{" {
                if let Some((a, b)) = chain_head {
                    // Chained body: repeat the head.
                    let head = toks
                        .get(a)
                        .zip(toks.get(b.saturating_sub(1)))
                        .and_then(|(ta, tb)| src.get(ta.start..tb.end))
                        .unwrap_or("");
                    if !head.is_empty() {
                        edits.push(Edit {
                            start: tok.start,
                            end: tok.start,
                            text: format!("{head} "),
                        });
                        applied.chained_bodies += 1;
                    }
                    stack.push(Open::Body);
                    i += 1;
                    continue;
                }
            } else if text != "else" {
                // A new statement.
                if v1 {
                    if let Some(edit) = bodyless_function(src, &toks, i) {
                        edits.push(edit);
                        applied.bodyless += 1;
                    }
                }
                stmt_start = Some(i);
                head_end = None;
                chain_head = None;
            }
        }
        let prev = prev_sig(i);
        let prev_is_newline = i > 0 && toks.get(i - 1).is_some_and(|t| t.kind == Tok::Newline);
        match text {
            "{" => {
                let body = prev
                    .is_some_and(|p| p.ends_value(src) || p.is(src, "if") || p.is(src, "else"))
                    && !prev.is_some_and(|p| p.is(src, "{"));
                if body && stack.is_empty() && head_end.is_none() {
                    head_end = Some(i);
                }
                stack.push(if body { Open::Body } else { Open::Other(b'{') });
            }
            "[" | "(" => {
                if text == "(" && prev_is_newline && stack.last() == Some(&Open::Body) {
                    if let Some(p) = prev {
                        if p.ends_value(src) && !p.is(src, "{") {
                            edits.push(Edit {
                                start: p.end,
                                end: p.end,
                                text: ";".to_string(),
                            });
                            applied.paren_lines += 1;
                        }
                    }
                }
                stack.push(Open::Other(
                    text.as_bytes().first().copied().unwrap_or(b'('),
                ));
            }
            "}" | "]" | ")" => {
                let popped = stack.pop();
                if stack.is_empty() && popped == Some(Open::Body) {
                    if let (Some(a), Some(b)) = (stmt_start, head_end) {
                        chain_head = Some((a, b));
                    }
                    // A body ends its statement unless `{` (chained) or `else` follows.
                    expect_stmt = true;
                }
            }
            "not" => {
                let starts_literal = match prev {
                    None => false,
                    Some(p) => {
                        p.is(src, ";")
                            || p.is(src, "|")
                            || (p.is(src, "{") && stack.last() == Some(&Open::Body))
                            || (prev_is_newline && stack.last() == Some(&Open::Body))
                    }
                };
                if starts_literal && !stack.is_empty() {
                    let n = hoist_negation(src, &toks, &globals, i, &mut hoist_counter, &mut edits);
                    applied.hoisted += n;
                }
            }
            _ => {}
        }
        i += 1;
    }

    edits.sort_by(|a, b| b.start.cmp(&a.start).then(b.end.cmp(&a.end)));
    let mut out = src.to_string();
    let mut last_start = usize::MAX;
    for e in edits {
        // Overlapping edits cannot happen by construction; skip defensively.
        if e.end > last_start {
            continue;
        }
        if out.is_char_boundary(e.start) && out.is_char_boundary(e.end) && e.start <= e.end {
            out.replace_range(e.start..e.end, &e.text);
            last_start = e.start;
        }
    }
    Ok((out, applied))
}

/// Names that resolve to references in OPA: the module's rule names (first
/// identifier of each top-level statement) and imported names (`import a.b.c`
/// binds `c`; `as x` binds `x`), not `input`/`data` (always references anyway).
fn global_names<'s>(src: &'s str, toks: &[Token]) -> Vec<&'s str> {
    let mut out = Vec::new();
    let mut depth = 0isize;
    let mut line_start = true;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        match t.kind {
            Tok::Newline => {
                line_start = depth == 0;
                i += 1;
                continue;
            }
            Tok::Punct => match t.text(src) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            },
            _ => {}
        }
        if line_start && depth == 0 && t.kind == Tok::Ident {
            match t.text(src) {
                "package" => {}
                "import" => {
                    // The bound name: the last identifier of the path, or the alias.
                    let mut j = i + 1;
                    let mut last = None;
                    while let Some(n) = toks.get(j).filter(|n| n.kind != Tok::Newline) {
                        if n.kind == Tok::Ident && n.text(src) != "as" {
                            last = Some(n.text(src));
                        }
                        j += 1;
                    }
                    if let Some(l) = last.filter(|l| {
                        !matches!(*l, "v1" | "keywords" | "in" | "if" | "contains" | "every")
                    }) {
                        out.push(l);
                    }
                }
                "default" => {
                    if let Some(n) = toks.get(i + 1).filter(|n| n.kind == Tok::Ident) {
                        out.push(n.text(src));
                    }
                }
                name => out.push(name),
            }
        }
        line_start = false;
        i += 1;
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `f(args)` alone as a statement (v1): append ` = true`.
fn bodyless_function(src: &str, toks: &[Token], i: usize) -> Option<Edit> {
    let name = toks.get(i)?;
    if name.kind != Tok::Ident || matches!(name.text(src), "package" | "import" | "default") {
        return None;
    }
    // Dotted names are not allowed for functions; `(` must follow directly.
    let open = toks.get(i + 1)?;
    if !open.is(src, "(") {
        return None;
    }
    let close = matching(src, toks, i + 1)?;
    match toks.get(close + 1) {
        None => {}
        Some(t) if t.kind == Tok::Newline => {}
        _ => return None,
    }
    let end = toks.get(close)?.end;
    Some(Edit {
        start: end,
        end,
        text: " = true".to_string(),
    })
}

/// Index of the bracket closing the one at `open`.
fn matching(src: &str, toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t.text(src) {
            "(" | "[" | "{" if t.kind == Tok::Punct => depth += 1,
            ")" | "]" | "}" if t.kind == Tok::Punct => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

const COMPARISON: &[&str] = &["==", "!=", "<", ">", "<=", ">=", "=", "in"];
const ARITHMETIC: &[&str] = &["+", "-", "*", "/", "%", "&", "|"];

/// End (exclusive) of the literal starting at `start`, or `None` when it has a
/// `with` modifier (left alone).
fn literal_end(src: &str, toks: &[Token], start: usize) -> Option<usize> {
    let mut depth = 0isize;
    let mut j = start;
    while let Some(t) = toks.get(j) {
        let text = t.text(src);
        if t.kind == Tok::Punct {
            match text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => {
                    depth -= 1;
                    if depth < 0 {
                        return Some(j);
                    }
                }
                ";" | "|" if depth == 0 => return Some(j),
                _ => {}
            }
        } else if t.kind == Tok::Newline && depth == 0 {
            let prev = toks
                .get(..j)?
                .iter()
                .rev()
                .find(|t| t.kind != Tok::Newline)?;
            if prev.ends_value(src) {
                return Some(j);
            }
        } else if t.kind == Tok::Ident && depth == 0 && text == "with" {
            return None;
        }
        j += 1;
    }
    Some(j)
}

/// Split `[a, b)` at depth-0 tokens satisfying `is_sep`; returns the pieces and
/// the separators found.
fn split_depth0<'t>(
    src: &str,
    toks: &'t [Token],
    a: usize,
    b: usize,
    is_sep: &dyn Fn(&str, &Token) -> bool,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0isize;
    let mut from = a;
    for j in a..b {
        let Some(t) = toks.get(j) else { break };
        if t.kind == Tok::Punct {
            match t.text(src) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            }
        }
        if depth == 0 && is_sep(src, t) {
            out.push((from, j));
            from = j + 1;
        }
    }
    out.push((from, b));
    out
}

fn is_comparison(src: &str, t: &Token) -> bool {
    (t.kind == Tok::Punct || t.kind == Tok::Ident) && COMPARISON.contains(&t.text(src))
}

fn is_arithmetic(src: &str, t: &Token) -> bool {
    t.kind == Tok::Punct && ARITHMETIC.contains(&t.text(src))
}

/// Whether tokens `[a, b)` are exactly one call `name.path(args)`.
fn whole_call(src: &str, toks: &[Token], a: usize, b: usize) -> Option<usize> {
    let mut j = a;
    if toks.get(j)?.kind != Tok::Ident {
        return None;
    }
    j += 1;
    while toks.get(j).is_some_and(|t| t.is(src, "."))
        && toks.get(j + 1).is_some_and(|t| t.kind == Tok::Ident)
    {
        j += 2;
    }
    if !toks.get(j)?.is(src, "(") {
        return None;
    }
    let close = matching(src, toks, j)?;
    (close + 1 == b).then_some(j)
}

/// Trim newline tokens at both ends of `[a, b)`.
fn trim(toks: &[Token], mut a: usize, mut b: usize) -> (usize, usize) {
    while a < b && toks.get(a).is_some_and(|t| t.kind == Tok::Newline) {
        a += 1;
    }
    while b > a && toks.get(b - 1).is_some_and(|t| t.kind == Tok::Newline) {
        b -= 1;
    }
    (a, b)
}

/// Hoist dynamic terms out of the negated literal at `not_idx`, as OPA's
/// `RewriteExprTerms` and `RewriteDynamicTerms` compiler stages do; returns how
/// many were hoisted.
fn hoist_negation(
    src: &str,
    toks: &[Token],
    globals: &[&str],
    not_idx: usize,
    counter: &mut usize,
    edits: &mut Vec<Edit>,
) -> usize {
    let a = not_idx + 1;
    let Some(b) = literal_end(src, toks, a) else {
        return 0;
    };
    let (a, b) = trim(toks, a, b);
    if a >= b {
        return 0;
    }
    let mut h = Hoister {
        src,
        toks,
        globals,
        counter,
        edits,
        hoisted: Vec::new(),
    };
    let unify = split_depth0(src, toks, a, b, &|s, t| {
        t.kind == Tok::Punct && t.is(s, "=")
    });
    if unify.len() == 2 {
        for (x, y) in unify {
            h.in_term(x, y);
        }
    } else {
        let cmp = split_depth0(src, toks, a, b, &is_comparison);
        if cmp.len() == 2 {
            for (x, y) in cmp {
                h.one(x, y);
            }
        } else if let Some(open) = whole_call(src, toks, a, b) {
            if let Some(close) = matching(src, toks, open) {
                for (x, y) in split_depth0(src, toks, open + 1, close, &|s, t| t.is(s, ",")) {
                    h.one(x, y);
                }
            }
        } else {
            let arith = split_depth0(src, toks, a, b, &is_arithmetic);
            if arith.len() > 1 {
                for (x, y) in arith {
                    h.one(x, y);
                }
            } else {
                h.in_term(a, b);
            }
        }
    }
    let n = h.hoisted.len();
    if n > 0 {
        if let Some(t) = toks.get(not_idx) {
            let text = h.hoisted.concat();
            h.edits.push(Edit {
                start: t.start,
                end: t.start,
                text,
            });
        }
    }
    n
}

struct Hoister<'a, 'b> {
    src: &'a str,
    toks: &'a [Token],
    /// Names that are references in OPA (rules of the module, imports).
    globals: &'a [&'a str],
    counter: &'b mut usize,
    edits: &'b mut Vec<Edit>,
    hoisted: Vec<String>,
}

impl Hoister<'_, '_> {
    fn hoist(&mut self, x: usize, y: usize) {
        let (Some(tx), Some(ty)) = (self.toks.get(x), self.toks.get(y.saturating_sub(1))) else {
            return;
        };
        let Some(text) = self.src.get(tx.start..ty.end) else {
            return;
        };
        let var = format!("__stockade_hoist{}", self.counter);
        *self.counter += 1;
        self.hoisted.push(format!("{var} := {text}; "));
        self.edits.push(Edit {
            start: tx.start,
            end: ty.end,
            text: var,
        });
    }

    /// A composite literal `[…]`/`{…}` spanning `[x, y)`: `Some(is_comprehension)`.
    fn composite(&self, x: usize, y: usize) -> Option<bool> {
        let first = self.toks.get(x)?;
        if !(first.is(self.src, "[") || first.is(self.src, "{")) {
            return None;
        }
        let close = matching(self.src, self.toks, x)?;
        if close + 1 != y {
            return None;
        }
        let parts = split_depth0(self.src, self.toks, x + 1, close, &|s, t| t.is(s, "|"));
        Some(parts.len() > 1)
    }

    /// Elements of a composite literal (object values and keys separately).
    fn elements(&mut self, x: usize, y: usize) {
        let (src, toks) = (self.src, self.toks);
        for (ex, ey) in split_depth0(src, toks, x + 1, y - 1, &|s, t| t.is(s, ",")) {
            for (kx, ky) in split_depth0(src, toks, ex, ey, &|s, t| t.is(s, ":")) {
                self.one(kx, ky);
            }
        }
    }

    /// OPA's `rewriteDynamicsOne` (plus `expandExprTerm` for calls): refs,
    /// calls, operator expressions and comprehensions are hoisted; composite
    /// literals are entered; scalars and plain variables stay.
    fn one(&mut self, x: usize, y: usize) {
        let (x, y) = trim(self.toks, x, y);
        if x >= y {
            return;
        }
        if y - x == 1 {
            // A rule or an imported name is a reference (hoisted); a scalar or a
            // local variable stays.
            let t = self.toks.get(x);
            if t.is_some_and(|t| t.kind == Tok::Ident && self.globals.contains(&t.text(self.src))) {
                self.hoist(x, y);
            }
            return;
        }
        if y - x == 2 && self.toks.get(x).is_some_and(|t| t.is(self.src, "-")) {
            return; // a negative number
        }
        match self.composite(x, y) {
            Some(false) => self.elements(x, y),
            Some(true) | None => self.hoist(x, y),
        }
    }

    /// OPA's `rewriteDynamicsInTerm`: a reference stays but its dynamic parts
    /// (bracketed terms) are hoisted; composite literals are entered.
    fn in_term(&mut self, x: usize, y: usize) {
        let (x, y) = trim(self.toks, x, y);
        if x >= y {
            return;
        }
        match self.composite(x, y) {
            Some(false) => {
                self.elements(x, y);
                return;
            }
            Some(true) => return,
            None => {}
        }
        if self.toks.get(x).is_some_and(|t| t.kind == Tok::Ident) {
            let mut j = x + 1;
            while j < y {
                let Some(t) = self.toks.get(j) else { break };
                if t.is(self.src, ".") {
                    j += 2;
                } else if t.is(self.src, "[") {
                    let Some(close) = matching(self.src, self.toks, j) else {
                        return;
                    };
                    self.one(j + 1, close);
                    j = close + 1;
                } else {
                    return; // a call or something else: left alone
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chained_bodies_repeat_the_head() {
        let (out, a) = rewrite(
            "package p\nviolation[{\"msg\": m}] { m := \"a\" } {\n m := \"b\"\n}\n",
            false,
        );
        assert_eq!(a.chained_bodies, 1);
        assert!(
            out.contains("} violation[{\"msg\": m}] {\n m := \"b\""),
            "{out}"
        );
        let (out, a) = rewrite(
            "package p\np { true } else = 1 { true }\nq { true }\n{ true }\n",
            false,
        );
        assert_eq!(a.chained_bodies, 1, "{out}");
    }

    #[test]
    fn paren_lines_get_a_separator() {
        let (out, a) = rewrite("package p\nx {\n  y := input.a\n  (y) == 1\n}\n", false);
        assert_eq!(a.paren_lines, 1);
        assert!(out.contains("y := input.a;\n  (y) == 1"), "{out}");
        // A continued call is left alone.
        let (_, a) = rewrite("package p\nx {\n  f(1,\n  (2))\n}\n", false);
        assert_eq!(a.paren_lines, 0);
    }

    #[test]
    fn negated_calls_are_hoisted() {
        let (out, a) = rewrite("package p\nx {\n  not count(input.a) > 0\n}\n", false);
        assert_eq!(a.hoisted, 1);
        assert!(
            out.contains("__stockade_hoist0 := count(input.a); not __stockade_hoist0 > 0"),
            "{out}"
        );
        let (out, a) = rewrite("package p\nx { not f(lower(input.a), input.b) }\n", false);
        assert_eq!(a.hoisted, 2, "{out}");
        assert!(
            out.contains("not f(__stockade_hoist0, __stockade_hoist1)"),
            "{out}"
        );
        // References in call arguments are hoisted too (RewriteDynamicTerms).
        let (out, a) = rewrite("package p\nx { not f(input.a, y, \"s\") }\n", false);
        assert_eq!(a.hoisted, 1, "{out}");
        assert!(
            out.contains("__stockade_hoist0 := input.a; not f(__stockade_hoist0, y, \"s\")"),
            "{out}"
        );
        let (out, a) = rewrite("package p\nx { not input.a[lower(input.b)] }\n", false);
        assert_eq!(a.hoisted, 1, "{out}");
        let (_, a) = rewrite("package p\nx { not input.a }\n", false);
        assert_eq!(a.hoisted, 0);
        // A rule name is a reference in OPA: hoisted; a local variable is not.
        let (out, a) = rewrite(
            "package p\nname := input.x\nx { y := 1; not f(name, y) }\n",
            false,
        );
        assert_eq!(a.hoisted, 1, "{out}");
        assert!(
            out.contains("__stockade_hoist0 := name; not f(__stockade_hoist0, y)"),
            "{out}"
        );
        let (out, a) = rewrite("package p\nx { not input.a == -1 }\n", false);
        assert_eq!(a.hoisted, 1, "{out}");
        let (_, a) = rewrite("package p\nx { not input.a = [1, 2] }\n", false);
        assert_eq!(a.hoisted, 0);
    }

    #[test]
    fn bodyless_v1_functions() {
        let (out, a) = rewrite("package p\nf(\"a\", _)\nx if f(\"a\", 1)\n", true);
        assert_eq!(a.bodyless, 1);
        assert!(out.contains("f(\"a\", _) = true\n"), "{out}");
        let (_, a) = rewrite("package p\nf(\"a\", _)\n", false);
        assert_eq!(a.bodyless, 0);
    }
}
