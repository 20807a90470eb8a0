//! DF0047 `undefined-variable`: Variable used but not defined in the stage.
use super::{Facts, Out};
use crate::rule::{Category, Pack, Severity};

crate::declare_rule! {
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

use crate::dockerfile::ast::{Args, Keyword};

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
                    declared.insert(super::expand(&kv.key.value, &|_| None).0);
                }
            }
            _ => {}
        }
    }
    for stage in &facts.stages {
        // ENV of the stages this one is built from (not known past the file's
        // inheritance budget: the stage is then not checked, and the file has a
        // `limit` error).
        let Some((inherited, root_scratch)) = facts.inherited_env(stage.index) else {
            continue;
        };
        for ins in &stage.instructions {
            if !matches!(
                ins.keyword,
                Keyword::Env | Keyword::Add | Keyword::Copy | Keyword::Workdir | Keyword::User
                    | Keyword::Expose | Keyword::Label | Keyword::Stopsignal | Keyword::Volume
            ) {
                continue;
            }
            let vars = facts.vars_before(ins);
            // `ENV PATH=/x:$PATH` extends the base image's value.
            let own: HashSet<String> = match &ins.args {
                Args::KeyValues(kvs) if ins.keyword == Keyword::Env => {
                    kvs.iter().map(|kv| super::expand(&kv.key.value, &|_| None).0).collect()
                }
                _ => HashSet::new(),
            };
            let text = &ins.text;
            for (name, range) in super::var_refs(text.as_str()) {
                if own.contains(&name) || vars.contains_key(&name) || inherited.contains(&name) || super::PREDEFINED_ARGS.contains(&name.as_str()) {
                    continue;
                }
                if !(declared.contains(&name) || root_scratch) {
                    continue;
                }
                let global = facts.global_arg(&name).is_some();
                let msg = if global {
                    format!("`{name}` is a global ARG that is not redeclared in this stage (`ARG {name}` after FROM)")
                } else {
                    format!("`{name}` is not defined in this stage")
                };
                out.report(&META, facts, ins, text.span(range), msg);
            }
        }
    }
}
