//! DF0048 `undefined-arg-in-from`: FROM uses an undeclared ARG.
use super::{Facts, Out};
use crate::rule::{Category, Pack, Severity};

crate::declare_rule! {
    /// ## What it does
    /// Reports a variable in `FROM` (image or `--platform`) that is neither a global `ARG`
    /// (declared before the first `FROM`) nor one of BuildKit's automatic platform args.
    ///
    /// ## Why is this bad?
    /// Only global ARGs are visible in FROM: the variable expands to an empty string and the
    /// build pulls an unexpected image or fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:${VERSION}
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VERSION=3.20
    /// FROM alpine:${VERSION}
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/undefined-arg-in-from/>
    pub static META = {
        id: "DF0048",
        name: "undefined-arg-in-from",
        pack: Pack::Dockerfile,
        aliases: &["UndefinedArgInFrom"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "FROM uses an undeclared ARG",
        remediation: "Declare the ARG before the first FROM (`ARG NAME=default`).",
    };
}

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for stage in &facts.stages {
        let mut words: Vec<(&str, crate::source::Span)> = Vec::new();
        if let Some(w) = stage.image_word {
            words.push((w.value.as_str(), w.span));
        }
        if let Some(f) = stage.from.flag("platform") {
            if let (Some(v), Some(span)) = (f.value.as_deref(), f.value_span) {
                words.push((v, span));
            }
        }
        for (text, span) in words {
            let written = span.text(facts.text);
            for (name, range) in super::var_refs(text) {
                let known = facts.global_arg(&name).is_some()
                    || super::AUTOMATIC_ARGS.contains(&name.as_str())
                    || super::PREDEFINED_ARGS.contains(&name.as_str());
                if !known {
                    let s = super::sub_span(span, text, written, range);
                    let msg = format!("FROM uses `{name}`, which is not declared as an ARG before the first FROM");
                    out.report(&META, facts, stage.from, s, msg);
                }
            }
        }
    }
}
