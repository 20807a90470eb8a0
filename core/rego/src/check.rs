//! The checks Gatekeeper's template compiler makes and regorus does not (from
//! frameworks' `regorewriter` and driver):
//!
//! - the template module must define a `violation` rule;
//! - every lib's package must be under `lib` (`package lib.x`, not `lib` itself);
//! - imports may name only `data.lib…` and `future.…` (never `input`; `rego.v1` is
//!   rejected in v0 templates);
//! - data references may reach only `data.lib…` and `data.inventory…`.
//!
//! Each failure carries the byte offset in the module text where it was found.

use super::lexer::{tokenize, Tok, Token};

/// A failed check: message and byte offset in the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    pub offset: usize,
    pub message: String,
}

/// A module's package path (`["lib", "helpers"]`) and its offset.
pub fn package_of(src: &str) -> Option<(Vec<String>, usize)> {
    let toks: Vec<Token> = tokenize(src)
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t.kind, Tok::Comment | Tok::Newline))
        .collect();
    let first = toks.first()?;
    if !first.is(src, "package") {
        return None;
    }
    Some((path_at(src, &toks, 1).0, first.start))
}

/// A dotted / bracketed static path starting at token `i`: components and the
/// index after it. `["a"]` components are unquoted.
#[allow(clippy::many_single_char_names)]
fn path_at(src: &str, toks: &[Token], mut i: usize) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    if let Some(t) = toks.get(i).filter(|t| t.kind == Tok::Ident) {
        out.push(t.text(src).to_string());
        i += 1;
    } else {
        return (out, i);
    }
    loop {
        match (toks.get(i), toks.get(i + 1), toks.get(i + 2)) {
            (Some(d), Some(n), _) if d.is(src, ".") && n.kind == Tok::Ident => {
                out.push(n.text(src).to_string());
                i += 2;
            }
            (Some(o), Some(s), Some(c))
                if o.is(src, "[") && s.kind == Tok::Str && c.is(src, "]") =>
            {
                let t = s.text(src);
                out.push(
                    t.get(1..t.len().saturating_sub(1))
                        .unwrap_or("")
                        .to_string(),
                );
                i += 3;
            }
            _ => return (out, i),
        }
    }
}

/// Check one module (`is_lib`: a lib; else the template's entry module).
#[allow(clippy::too_many_lines)] // one pass, easier to follow whole
pub fn check_module(src: &str, is_lib: bool, v1: bool) -> Vec<CheckError> {
    let mut errors = Vec::new();
    if !v1 {
        if let Some((offset, kw)) = super::guard::unimported_future_keyword(src) {
            errors.push(CheckError {
                offset,
                message: super::guard::future_keyword_message(kw),
            });
            return errors;
        }
    }
    let Ok(all) = tokenize(src) else {
        return errors; // the compiler reports it
    };
    let toks: Vec<Token> = all
        .iter()
        .copied()
        .filter(|t| t.kind != Tok::Comment)
        .collect();
    let sig: Vec<Token> = toks
        .iter()
        .copied()
        .filter(|t| t.kind != Tok::Newline)
        .collect();

    if let Some((pkg, offset)) = package_of(src) {
        if is_lib && !(pkg.len() > 1 && pkg.first().map(String::as_str) == Some("lib")) {
            errors.push(CheckError {
                offset,
                message: format!(
                    "invalid lib: package `{}` is not under `lib` (libs must be `package lib.<name>`)",
                    pkg.join(".")
                ),
            });
        }
    }

    // Imports and top-level rule names: statements start after a newline at depth 0.
    let mut depth = 0isize;
    let mut at_line_start = true;
    let mut has_violation = false;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            Tok::Newline => {
                at_line_start = depth == 0;
                continue;
            }
            Tok::Punct => match t.text(src) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            },
            _ => {}
        }
        if at_line_start && depth == 0 && t.kind == Tok::Ident {
            let word = t.text(src);
            if word == "import" {
                let sig_i = sig.iter().position(|s| s.start == t.start).unwrap_or(0);
                let (path, _) = path_at(src, &sig, sig_i + 1);
                let joined = path.join(".");
                let ok = match path.first().map(String::as_str) {
                    Some("data") => path.get(1).map(String::as_str) == Some("lib"),
                    Some("future") => true,
                    Some("rego") if v1 && joined == "rego.v1" => true,
                    _ => false,
                };
                if !ok {
                    let message = if path.first().map(String::as_str) == Some("input") {
                        format!("invalid import: cannot import input: `{joined}`")
                    } else {
                        format!("invalid import: bad import `{joined}` (templates may import only data.lib.* and future.*)")
                    };
                    errors.push(CheckError {
                        offset: t.start,
                        message,
                    });
                }
            } else if word == "violation"
                || (word == "default" && toks.get(i + 1).is_some_and(|n| n.is(src, "violation")))
            {
                has_violation = true;
            }
        }
        at_line_start = false;
    }
    // `violation` may also follow `default` on a line; handled above.
    if !is_lib && !has_violation {
        errors.push(CheckError {
            offset: 0,
            message: "invalid rego: missing required rules: [violation]".into(),
        });
    }

    // Data references.
    let mut i = 0;
    while let Some(t) = sig.get(i) {
        let after_dot = i > 0 && sig.get(i - 1).is_some_and(|p| p.is(src, "."));
        let is_import = i > 0 && sig.get(i - 1).is_some_and(|p| p.is(src, "import"));
        if t.kind == Tok::Ident && t.is(src, "data") && !after_dot && !is_import {
            let (path, next) = path_at(src, &sig, i);
            let allowed = matches!(path.get(1).map(String::as_str), Some("lib" | "inventory"));
            if !allowed {
                let shown = if path.len() > 1 {
                    path.join(".")
                } else {
                    "data".to_string()
                };
                errors.push(CheckError {
                    offset: t.start,
                    message: format!(
                        "disallowed data reference `{shown}` (templates may read only data.lib.* and data.inventory)"
                    ),
                });
            }
            i = next.max(i + 1);
            continue;
        }
        i += 1;
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gatekeeper_checks() {
        assert!(check_module(
            "package a\nviolation[{\"msg\": m}] { m := data.inventory.x }\n",
            false,
            false
        )
        .is_empty());
        let e = check_module("package a\ndeny[m] { m := 1 }\n", false, false);
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("violation"));
        let e = check_module(
            "package a\nimport data.other\nimport rego.v1\nviolation[m] { m := data.foo.bar }\n",
            false,
            false,
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(check_module(
            "package a\nimport rego.v1\nviolation contains m if { m := 1 }\n",
            false,
            true
        )
        .is_empty());
        let e = check_module("package helpers\nf(x) { x }\n", true, false);
        assert_eq!(e.len(), 1);
        assert!(check_module(
            "package lib.helpers\nimport future.keywords.in\nf(x) { x }\n",
            true,
            false
        )
        .is_empty());
        assert_eq!(
            package_of("# c\npackage lib[\"x\"].y\n").unwrap().0,
            ["lib", "x", "y"]
        );
    }
}
