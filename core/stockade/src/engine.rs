//! The scan pipeline: detect the kind of a source, let its pack check it, apply
//! configuration and suppressions, and position everything for the report.

use stockade_pack::{Context, Input, Manifest, Pack};

use crate::config::Config;
use crate::finding::{Diagnostic, ErrorKind, Problem, Report};
use crate::source::Source;
use crate::suppress;
use crate::Kind;

/// Turn what a pack collected into a report for `source`: suppressions applied
/// (for a rendered source, also the `# stockade ignore=` directives of the files
/// it was rendered from), disabled rules dropped, severities overridden. At most
/// [`crate::Limits::max_findings`] findings are kept (the earliest in the file);
/// one `limit` error stands for the rest.
pub(crate) fn finish(mut ctx: Context<'_>, source: &Source) -> Report {
    let config = ctx.config;
    let mut applied = suppress::apply_rendered(
        std::mem::take(&mut ctx.diagnostics),
        &ctx.suppressions,
        source.rendering(),
        &|name| crate::registry::find_rule(name).is_some(),
    );
    applied.kept.retain(|d| match &d.rule {
        stockade_source::finding::RuleRef::Static(m) => config.is_enabled(m),
        stockade_source::finding::RuleRef::Dynamic(_) => true,
    });
    let (applied, left_out) = cap_findings(applied, config.limits.max_findings);
    if let Some((span, n)) = left_out {
        ctx.problems.push(Problem::new(
                ErrorKind::Limit,
                span,
                format!(
                    "{n} more findings from here on are not reported: a file reports at most {} (raise `limits: max-findings`)",
                    config.limits.max_findings
                ),
            ));
    }
    let mut report = Report::default();
    report.summary.notices = applied
        .foreign
        .iter()
        .map(|(name, tool)| crate::finding::foreign_id_notice(name, tool))
        .collect();
    report.summary.notices.sort();
    report.summary.notices.dedup();
    let with_override = |mut d: Diagnostic| {
        if d.severity.is_none() {
            d.severity = config.severity_override(d.rule.id());
        }
        d
    };
    report.findings = applied
        .kept
        .into_iter()
        .map(|d| with_override(d).to_finding(source))
        .collect();
    report.suppressed = applied
        .suppressed
        .into_iter()
        .map(|(d, r)| {
            let mut f = with_override(d).to_finding(source);
            f.suppression = Some(r);
            f
        })
        .collect();
    report.errors = ctx.problems.iter().map(|p| p.to_error(source)).collect();
    report.summary.files = 1;
    report.summary.documents = ctx.documents;
    report.summary.kinds = ctx.kinds;
    report.summary.skipped = ctx.skipped;
    report.sort();
    report.recount();
    report
}

/// Keep the `max` findings (kept or suppressed) earliest in the file, in report
/// order; the span of the first one left out and how many were.
fn cap_findings(
    mut applied: suppress::Applied,
    max: usize,
) -> (suppress::Applied, Option<(crate::source::Span, usize)>) {
    let total = applied.kept.len() + applied.suppressed.len();
    if total <= max {
        return (applied, None);
    }
    let key = |d: &Diagnostic| {
        (
            d.document,
            d.span.start,
            d.span.end,
            d.rule.id().to_string(),
        )
    };
    // The key of the max-th finding overall: keep those before it.
    let mut keys: Vec<_> = applied
        .kept
        .iter()
        .chain(applied.suppressed.iter().map(|(d, _)| d))
        .map(|d| (key(d), d.span))
        .collect();
    keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let Some((cut, span)) = keys.get(max).cloned() else {
        return (applied, None);
    };
    // Ties on the key (same rule, same span, twice) are kept or cut together.
    applied.kept.retain(|d| key(d) < cut);
    applied.suppressed.retain(|(d, _)| key(d) < cut);
    let left_out = total - applied.kept.len() - applied.suppressed.len();
    (applied, Some((span, left_out)))
}

/// Check one source of a known kind: every active pack in turn, the Kubernetes
/// stream parsed once for all of them.
pub(crate) fn scan_source(
    config: &Config,
    packs: &[std::sync::Arc<dyn Pack>],
    source: &Source,
    kind: Kind,
) -> Report {
    let mut ctx = Context::new(config.settings());
    let active = || packs.iter().filter(|p| p.is_active());
    match kind {
        Kind::Dockerfile => {
            ctx.wants_document = active().any(|p| p.reads_documents());
            for pack in active() {
                pack.check(Input::Dockerfile(source), &mut ctx);
            }
            if let Some((value, span)) = ctx.document.take() {
                let input = Input::Document {
                    source,
                    value: &value,
                    span,
                };
                for pack in active().filter(|p| p.reads_documents()) {
                    pack.check(input, &mut ctx);
                }
            }
        }
        Kind::Kubernetes => {
            let stream = crate::yaml::parse_stream(source.text(), &yaml_limits(config));
            let manifest = Manifest::new(source, &stream);
            for pack in active() {
                pack.check(Input::Manifest(&manifest), &mut ctx);
            }
        }
    }
    finish(ctx, source)
}

/// The limits Kubernetes sources are parsed with, in a scan's per-source phase and
/// in its pre-pass ([`crate::Engine::for_scan`]).
pub(crate) fn yaml_limits(config: &Config) -> crate::yaml::Limits {
    crate::yaml::Limits::for_file_bytes(config.limits.file_bytes())
}
