//! DF0051 `legacy-key-value-format`: ENV or LABEL in the legacy `key value` form.
use super::{Facts, Out};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Reports `ENV key value` and `LABEL key value` written without `=`.
    ///
    /// ## Why is this bad?
    /// The legacy form sets a single variable whose value is the rest of the line, spaces
    /// included, which is easy to misread; it is deprecated.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV APP_HOME=/app
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/build-checks/legacy-key-value-format/>
    pub static META = {
        id: "DF0051",
        name: "legacy-key-value-format",
        pack: Pack::Dockerfile,
        aliases: &["LegacyKeyValueFormat"],
        severity: Severity::Low,
        category: Category::BestPractice,
        title: "ENV or LABEL in the legacy `key value` form",
        remediation: "Write `ENV key=value` (and `LABEL key=value`).",
    };
}

use crate::ast::Args;

pub fn check(facts: &Facts<'_>, out: &mut Out<'_>) {
    for ins in facts.instructions() {
        let Args::KeyValues(kvs) = &ins.args else { continue };
        for kv in kvs.iter().filter(|kv| !kv.equals) {
            let msg = format!(
                "`{kw} {k} {v}` uses the legacy format; write `{kw} {k}={v}`",
                kw = ins.keyword,
                k = kv.key.value,
                v = kv.value.value
            );
            out.report_fix(&META, facts, ins, kv.key.span.cover(kv.value.span), msg, crate::fixes::legacy_to_equals(facts, kv));
        }
    }
}
