//! The scan pipeline: detect the kind of a source, let its pack check it, apply
//! configuration and suppressions, and position everything for the report.

use stockade_pack::{Context, Input, Manifest, Pack};
use stockade_source::context::{finding_key, LeftOut};

use crate::config::Config;
use crate::finding::{Diagnostic, ErrorKind, Problem, Report};
use crate::source::Source;
use crate::suppress;
use crate::Kind;

/// Turn what a pack collected into a report for `source`: suppressions applied
/// (for a rendered source, also the `# stockade ignore=` directives of the files
/// it was rendered from), disabled rules dropped, severities overridden. At most
/// [`crate::Limits::max_findings`] findings are kept (the earliest in the file);
/// one `limit` error stands for the rest. The packs already stopped holding
/// findings past about twice the cap ([`stockade_source::context::Findings`]).
pub(crate) fn finish(mut ctx: Context<'_>, source: &Source) -> Report {
    let config = ctx.config;
    let (diagnostics, left_out) = std::mem::take(&mut ctx.diagnostics).into_parts();
    let mut applied = suppress::apply_rendered(
        diagnostics,
        &ctx.suppressions,
        source.rendering(),
        &|name| crate::registry::find_rule(name).is_some(),
    );
    applied.kept.retain(|d| match &d.rule {
        stockade_source::finding::RuleRef::Static(m) => config.is_enabled(m),
        stockade_source::finding::RuleRef::Dynamic(_) => true,
    });
    if let Some(left) = &left_out {
        drop_unknowable_unused(&mut applied, &ctx.suppressions, left);
    }
    let (applied, left_out) = cap_findings(applied, config.limits.max_findings, left_out);
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

/// Findings were left out while collecting (see [`stockade_source::context::Findings`]):
/// a directive that covers a place at or past the first one left out may have
/// covered one of them, so whether it was used is not known. It is not reported
/// as unused (ST0001).
fn drop_unknowable_unused(
    applied: &mut suppress::Applied,
    suppressions: &[suppress::Suppression],
    left: &LeftOut,
) {
    let (document, start) = (left.key.0, left.key.1);
    let unknowable: std::collections::HashSet<(usize, u32, u32)> = suppressions
        .iter()
        .filter(|s| s.reaches(document, start))
        .flat_map(|s| {
            s.rules
                .iter()
                .map(move |(_, span)| (s.document, span.start, span.end))
        })
        .collect();
    if unknowable.is_empty() {
        return;
    }
    applied.kept.retain(|d| {
        d.rule.id() != suppress::UNUSED_SUPPRESSION.id
            || !unknowable.contains(&(d.document, d.span.start, d.span.end))
    });
}

/// Keep the `max` findings (kept or suppressed) earliest in the file, in report
/// order; the span of the first one left out and how many were. `left_out` is
/// what was left out while collecting: everything at or past its first one is
/// left out too (unused-suppression findings made afterwards).
fn cap_findings(
    mut applied: suppress::Applied,
    max: usize,
    left_out: Option<LeftOut>,
) -> (suppress::Applied, Option<(crate::source::Span, usize)>) {
    let mut first = None;
    let mut count = 0;
    if let Some(left) = left_out {
        let before = applied.kept.len() + applied.suppressed.len();
        let is_before = |d: &Diagnostic| finding_key(d) < left.key;
        applied.kept.retain(is_before);
        applied.suppressed.retain(|(d, _)| is_before(d));
        count = left.count + before - applied.kept.len() - applied.suppressed.len();
        first = Some(left.span);
    }
    let total = applied.kept.len() + applied.suppressed.len();
    if total <= max {
        return (applied, first.map(|span| (span, count)));
    }
    // The key of the max-th finding overall: keep those before it.
    let mut keys: Vec<_> = applied
        .kept
        .iter()
        .chain(applied.suppressed.iter().map(|(d, _)| d))
        .map(|d| (finding_key(d), d.span))
        .collect();
    keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let Some((cut, span)) = keys.get(max).cloned() else {
        return (applied, first.map(|span| (span, count)));
    };
    // Ties on the key (same rule, same span, twice) are kept or cut together.
    applied.kept.retain(|d| finding_key(d) < cut);
    applied.suppressed.retain(|(d, _)| finding_key(d) < cut);
    count += total - applied.kept.len() - applied.suppressed.len();
    (applied, Some((span, count)))
}

/// Check one source of a known kind: every active pack in turn, the Kubernetes
/// stream parsed once for all of them (or the one the scan's pre-pass parsed
/// from this text, `parsed`).
pub(crate) fn scan_source(
    config: &Config,
    packs: &[std::sync::Arc<dyn Pack>],
    source: &Source,
    kind: Kind,
    parsed: Option<&crate::yaml::Stream>,
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
            let own;
            let stream = if let Some(stream) = parsed {
                stream
            } else {
                own = stream_of(source, &yaml_limits(&config.limits));
                &*own
            };
            let manifest = Manifest::new(source, stream);
            for pack in active() {
                pack.check(Input::Manifest(&manifest), &mut ctx);
            }
        }
    }
    finish(ctx, source)
}

/// The limits Kubernetes sources are parsed with, in a scan's per-source phase,
/// in its pre-pass ([`crate::Engine::for_scan`]) and ahead of it (a chart's
/// CRDs and outputs, [`crate::helm::chart_sources_within`]).
pub(crate) fn yaml_limits(limits: &crate::Limits) -> crate::yaml::Limits {
    crate::yaml::Limits::for_file_bytes(limits.file_bytes())
}

/// The stream of a Kubernetes source: the one parsed ahead and attached to it
/// ([`crate::yaml::Parsed`]) when that was parsed within `limits`, else one
/// parsed now.
pub(crate) fn stream_of(
    source: &Source,
    limits: &crate::yaml::Limits,
) -> std::sync::Arc<crate::yaml::Stream> {
    match source.prepared::<crate::yaml::Parsed>() {
        Some(ahead) if ahead.limits == *limits => std::sync::Arc::clone(&ahead.stream),
        _ => std::sync::Arc::new(crate::yaml::parse_stream(source.text(), limits)),
    }
}
