//! DF0047 `undefined-variable`: Variable used but not defined in the stage.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports a `$VAR` in an instruction the builder expands (ENV, ADD, COPY, WORKDIR, USER,
    /// EXPOSE, LABEL, STOPSIGNAL, VOLUME) when the stage has no `ARG` or `ENV` of that name
    /// before it, and either the name is declared elsewhere in the file (a global `ARG` not
    /// redeclared after `FROM`, a variable of another stage) or the stage starts `FROM
    /// scratch`. Variables with a default (`${X:-d}`) are not reported. Unlike BuildKit, the
    /// base image's environment is not known, so other names are assumed to come from it.
    ///
    /// ## Why is this bad?
    /// The variable expands to an empty string: a path, a user or a port silently becomes
    /// something else.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.2
    /// FROM alpine:3.20
    /// COPY app-$VERSION.tar.gz /opt/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VERSION=1.2
    /// FROM alpine:3.20
    /// ARG VERSION
    /// COPY app-$VERSION.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/undefined-var/>
    pub static META = {
        id: "DF0047",
        name: "undefined-variable",
        pack: Pack::Dockerfile,
        aliases: &["UndefinedVar"],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Variable used but not defined in the stage",
        remediation: "Declare the variable in the stage (`ARG NAME` after the FROM to use a global ARG), or fix its name.",
    };
}

use std::collections::HashSet;

use crate::ast::{Args, Keyword};

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    let mut declared: HashSet<String> = HashSet::new();
    for ins in facts.instructions() {
        match (&ins.args, ins.keyword) {
            (Args::Words(ws), Keyword::Arg) => {
                for w in ws {
                    declared.insert(super::split_arg(&w.value).0.to_string());
                }
            }
            (Args::KeyValues(kvs), Keyword::Env) => {
                for kv in kvs {
                    declared.insert(facts.expand_at(ins, &kv.key.value).0);
                }
            }
            _ => {}
        }
    }
    for u in facts.model.undefined.iter().filter(|u| !u.in_from) {
        let Some(ins) = facts.file.instructions.get(u.instruction) else { continue };
        let name = &u.name;
        if super::PREDEFINED_ARGS.contains(&name.as_str()) {
            continue;
        }
        // `ENV PATH=/x:$PATH` extends the base image's value; `ARG X=${X:-d}` too.
        let own = match (&ins.args, ins.keyword) {
            (Args::KeyValues(kvs), Keyword::Env) => {
                kvs.iter().any(|kv| facts.expand_at(ins, &kv.key.value).0 == *name)
            }
            (Args::Words(ws), Keyword::Arg) => ws.iter().any(|w| super::split_arg(&w.value).0 == name),
            _ => false,
        };
        // `${X:-default}`, `${X-default}`, `${X:+alt}`, `${X:?msg}`
        let used = u.span.text(facts.text);
        let with_default = used
            .strip_prefix("${")
            .and_then(|r| r.strip_prefix(name.as_str()))
            .is_some_and(|r| r.starts_with([':', '-', '+', '?']));
        if own || with_default {
            continue;
        }
        if !(u.env_known || declared.contains(name)) {
            continue;
        }
        let global = facts.global_args.iter().any(|(_, n, _)| n == name);
        let msg = if global {
            format!("`{name}` is a global ARG that is not redeclared in this stage (`ARG {name}` after FROM)")
        } else {
            format!("`{name}` is not defined in this stage")
        };
        out.report(&META, facts, ins, u.span, msg);
    }
}
