//! DF0048 `undefined-arg-in-from`: FROM uses an undeclared ARG.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
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
    for u in facts.model.undefined.iter().filter(|u| u.in_from) {
        if super::PREDEFINED_ARGS.contains(&u.name.as_str()) {
            continue;
        }
        let Some(ins) = facts.file.instructions.get(u.instruction) else { continue };
        let msg = format!(
            "FROM uses `{}`, which is not declared as an ARG before the first FROM",
            u.name
        );
        out.report(&META, facts, ins, u.span, msg);
    }
}
