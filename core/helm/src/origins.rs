//! Rendered manifests as scannable [`Source`]s whose origin maps name, for
//! each piece of output, the template text or action that wrote it and, when
//! an action printed values, the values file (or `--set` flag) and the range
//! each value came from.
//!
//! Segments are built in three layers that nest by construction:
//! 1. every tracer piece (disjoint) → its template text or action;
//! 2. inside an action's output, the values it printed: a scalar where its
//!    text occurs, a map or list printed as YAML (`toYaml`) walked in parallel
//!    with the output parsed as YAML, so `privileged: true` inside
//!    `{{ toYaml .Values.securityContext | nindent 12 }}` points at its own
//!    line of `values.yaml`;
//! 3. YAML nodes of the rendered document that span several pieces (a
//!    container block) → the template range from their first to last piece.

use std::collections::BTreeMap;
use std::sync::Arc;

use stockade_gotemplate::PieceKind;
use stockade_source::finding::{ErrorKind, ScanError};
use stockade_source::origin::{FileId, OriginFiles, OriginMap, OriginRole, OriginSpan};
use stockade_source::{LineIndex, Source, Span};
use stockade_yaml::{Limits, Node, Value as YValue};

use crate::error::{HelmError, HelmErrorKind};
use crate::render::{join_path, Piece, Render, RenderedFile};
use crate::value::{Data, Value};

/// The scannable output of a render.
#[derive(Debug, Default)]
pub struct ChartSources {
    /// One rendered source per template that produced output (hooks and tests
    /// included, `NOTES.txt` and partials not), then the chart's `crds/` files.
    pub sources: Vec<Source>,
    /// Templates that failed (Helm's message, located in the template).
    pub errors: Vec<ScanError>,
}

/// A [`HelmError`] as a scan error, positioned in the file it names
/// (`files`: texts by display path).
pub fn scan_error(e: &HelmError, default_path: &str, files: &BTreeMap<String, &str>) -> ScanError {
    let kind = match e.kind {
        HelmErrorKind::Limit => ErrorKind::Limit,
        HelmErrorKind::Archive
        | HelmErrorKind::Chart
        | HelmErrorKind::Values
        | HelmErrorKind::Schema => ErrorKind::Config,
        _ => ErrorKind::Parse,
    };
    let path = e.file.clone().unwrap_or_else(|| default_path.to_string());
    let mut err = ScanError::file(kind, path.clone(), e.message.clone());
    if let (Some(span), Some(text)) = (e.span, files.get(&path)) {
        let index = LineIndex::new(text);
        let start = span
            .start
            .min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let end = span
            .end
            .max(start)
            .min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        err = err.at(index.position(text, start), index.position(text, end));
    }
    err
}

/// Build the sources of `render` (chart files shown under `display_root`),
/// reading each output as YAML (for its origin map) within `limits`: each
/// rendered source carries that stream ([`stockade_yaml::Parsed`]), for a
/// scan within the same limits to use.
pub fn to_sources(render: &Render, display_root: &str, limits: &Limits) -> ChartSources {
    let root = if display_root.is_empty() {
        render.chart_name.as_str()
    } else {
        display_root
    };
    let mut files = OriginFiles::new();
    let mut template_ids: BTreeMap<&str, FileId> = BTreeMap::new();
    for (name, t) in &render.templates {
        let id = files.add(Source::from_shared(
            join_path(root, "", &t.location),
            Arc::clone(&t.text),
        ));
        template_ids.insert(name.as_str(), id);
    }
    let mut value_ids: Vec<FileId> = Vec::new();
    for s in &render.sources.sources {
        value_ids.push(files.add(Source::new(s.path.clone(), s.text.clone())));
    }
    let files = Arc::new(files);
    let mut out = ChartSources::default();
    // Each output's origin map is its own work (it reads the output as YAML):
    // on every core for a chart with many, in the outputs' order.
    let threads = stockade_source::parallel::threads_for(render.files.len(), MAP_FILES_PER_THREAD);
    let rendered = stockade_source::parallel::map(&render.files, threads, |f| {
        if f.name.ends_with("NOTES.txt") || f.text.trim().is_empty() {
            return None;
        }
        let split = crate::render::split_document_markers(f);
        let f = &split;
        let t = render.templates.get(&f.name)?;
        let path = rendered_path(&join_path(root, "", &t.location));
        let stream = Arc::new(stockade_yaml::parse_stream(&f.text, limits));
        let map = build_map(render, f, &stream, &template_ids, &value_ids, &files);
        let source = match map.and_then(|m| {
            Source::rendered(path.clone(), f.text.clone(), m, Arc::clone(&files)).ok()
        }) {
            Some(s) => s,
            None => Source::new(path, f.text.clone()),
        };
        Some(source.with_prepared(Arc::new(stockade_yaml::Parsed {
            limits: *limits,
            stream,
        })))
    });
    out.sources.extend(rendered.into_iter().flatten());
    for (_, location, text) in &render.crds {
        out.sources.push(Source::from_shared(
            join_path(root, "", location),
            Arc::clone(text),
        ));
    }
    let texts: BTreeMap<String, &str> = render
        .templates
        .values()
        .map(|t| (join_path(root, "", &t.location), t.text.as_str()))
        .chain(
            render
                .sources
                .sources
                .iter()
                .map(|s| (s.path.clone(), s.text.as_str())),
        )
        .collect();
    for e in &render.errors {
        out.errors.push(scan_error(e, root, &texts));
    }
    out
}

/// A thread more for origin maps per this many rendered outputs.
const MAP_FILES_PER_THREAD: usize = 8;

/// The path a template's rendered output is reported under: the template's
/// path with ` (rendered)`, so that it never shadows the template itself (whose
/// text the origins frame).
pub fn rendered_path(template_path: &str) -> String {
    format!("{template_path} (rendered)")
}

fn action_span(text: &str, offset: usize) -> Span {
    let before = text.as_bytes().get(..offset).unwrap_or_default();
    let start = match (rfind_pair(before, b'{'), rfind_pair(before, b'}')) {
        (Some(open), Some(close)) if close > open => offset,
        (Some(open), _) => open,
        _ => offset,
    };
    let end = text
        .as_bytes()
        .get(offset..)
        .and_then(|r| find_pair(r, b'}'))
        .map_or(offset + 1, |e| offset + e + 2)
        .min(text.len());
    Span::from_range(start..end.max(start))
}

/// Where the last `cc` (`{{` or `}}`) in `hay` starts: the delimiters are
/// two bytes, so a byte search does it without setting up a substring search
/// for each action.
fn rfind_pair(hay: &[u8], c: u8) -> Option<usize> {
    memchr::memrchr_iter(c, hay).find_map(|i| {
        let start = i.checked_sub(1)?;
        (hay.get(start) == Some(&c)).then_some(start)
    })
}

/// Where the first `cc` in `hay` starts.
fn find_pair(hay: &[u8], c: u8) -> Option<usize> {
    memchr::memchr_iter(c, hay).find(|&i| hay.get(i + 1) == Some(&c))
}

/// Rendered text of a scalar value as a template prints it.
fn printed(v: &Value) -> Option<String> {
    match &v.data {
        Data::Bool(b) => Some(b.to_string()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(_) => Some(crate::funcs::to_go(v).to_go_string()),
        Data::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

struct Builder<'a> {
    segments: Vec<(Span, OriginSpan)>,
    value_ids: &'a [FileId],
    /// The action whose output is being mapped: every value segment inside it
    /// names the action too.
    action: Option<OriginSpan>,
}

impl Builder<'_> {
    fn value(&mut self, rendered: Span, v: &Value) {
        if let Some(o) = v.origin {
            if let Some(&file) = self.value_ids.get(o.source as usize) {
                self.segments
                    .push((rendered, OriginSpan::new(file, o.span, OriginRole::Value)));
                if let Some(action) = self.action {
                    self.segments.push((rendered, action));
                }
            }
        }
    }

    /// Walk a YAML node of the output beside the values node it printed.
    fn walk(&mut self, node: &Node, base: usize, v: &Value, depth: usize) {
        if depth > 64 {
            return;
        }
        let span = Span::from_range(node.span.start as usize + base..node.span.end as usize + base);
        self.value(span, v);
        match (&node.value, &v.data) {
            (YValue::Map(entries), Data::Map(m)) => {
                for (k, child) in entries {
                    if let Some(cv) = k.key_string().and_then(|k| m.get(&k)) {
                        self.walk(child, base, cv, depth + 1);
                    }
                }
            }
            (YValue::Seq(items), Data::List(l)) => {
                for (child, cv) in items.iter().zip(l) {
                    self.walk(child, base, cv, depth + 1);
                }
            }
            _ => {}
        }
    }
}

fn build_map(
    render: &Render,
    f: &RenderedFile,
    stream: &stockade_yaml::Stream,
    template_ids: &BTreeMap<&str, FileId>,
    value_ids: &[FileId],
    files: &OriginFiles,
) -> Option<OriginMap> {
    let scope = render
        .templates
        .get(&f.name)
        .map(|t| t.values_scope.clone())
        .unwrap_or_default();
    let mut b = Builder {
        segments: Vec::new(),
        value_ids,
        action: None,
    };
    let mut piece_spans: Vec<(Span, Option<(FileId, Span)>, bool)> = Vec::new();
    // Pieces in a row from one file share its name (the very `Arc`): the
    // file is looked up once per run of them.
    let mut last: Option<(&std::sync::Arc<str>, Option<FileId>)> = None;
    for p in &f.pieces {
        let rendered = Span::from_range(p.output.clone());
        let id = match last {
            Some((name, id)) if std::sync::Arc::ptr_eq(name, &p.parse_name) => id,
            _ => {
                let id = template_ids.get(&*p.parse_name).copied();
                last = Some((&p.parse_name, id));
                id
            }
        };
        let Some(tid) = id else {
            piece_spans.push((rendered, None, false));
            continue;
        };
        let ttext = files.get(tid).map(Source::text).unwrap_or_default();
        let tspan = match p.kind {
            PieceKind::Text => {
                Span::from_range(p.offset..(p.offset + p.output.len()).min(ttext.len()))
            }
            PieceKind::Action => action_span(ttext, p.offset),
        };
        let is_text = p.kind == PieceKind::Text;
        piece_spans.push((rendered, Some((tid, tspan)), is_text));
        if is_text {
            // Each line of copied text maps to its own line of the template.
            let out = f.text.get(p.output.clone()).unwrap_or_default();
            let mut at = 0usize;
            for line in out.split('\n') {
                let indent = line.len() - line.trim_start().len();
                let (rs, ts) = (
                    p.output.start + at + indent,
                    tspan.start as usize + at + indent,
                );
                let len = line.len() - indent;
                if len > 0 && line.len() < out.len() && ts + len <= ttext.len() {
                    b.segments.push((
                        Span::from_range(rs..rs + len),
                        OriginSpan::new(tid, Span::from_range(ts..ts + len), OriginRole::Template),
                    ));
                }
                at += line.len() + 1;
            }
        }
        if p.kind == PieceKind::Action {
            b.action = Some(OriginSpan::new(tid, tspan, OriginRole::Template));
            add_values(render, &scope, p, f, &mut b);
            b.action = None;
        }
        b.segments
            .push((rendered, OriginSpan::new(tid, tspan, OriginRole::Template)));
    }
    // Layer 3: YAML nodes spanning several pieces.
    let mut node_candidates: Vec<(Span, OriginSpan)> = Vec::new();
    for doc in &stream.documents {
        if let Ok(node) = &doc.root {
            collect_nodes(node, &piece_spans, &mut node_candidates, 0);
        }
    }
    let mut accepted: Vec<(Span, OriginSpan)> = Vec::new();
    node_candidates.sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
    let mut stack: Vec<Span> = Vec::new();
    for (span, origin) in node_candidates {
        while stack.last().is_some_and(|top| top.end <= span.start) {
            stack.pop();
        }
        if stack.last().is_some_and(|top| top.end < span.end) {
            continue;
        }
        stack.push(span);
        accepted.push((span, origin));
    }
    let mut builder = OriginMap::builder();
    for (s, o) in b.segments.into_iter().chain(accepted) {
        builder.push(s, o);
    }
    builder.build().ok()
}

fn add_values(render: &Render, scope: &[String], p: &Piece, f: &RenderedFile, b: &mut Builder<'_>) {
    let mut nodes: Vec<&Value> = Vec::new();
    for path in &p.paths {
        if let Some(v) = render.value_at(scope, path) {
            if !nodes.iter().any(|n| std::ptr::eq(*n, v)) {
                nodes.push(v);
            }
        }
    }
    let out = f.text.get(p.output.clone()).unwrap_or_default();
    let rendered = Span::from_range(p.output.clone());
    if let [single] = nodes.as_slice() {
        match &single.data {
            Data::Map(_) | Data::List(_) => {
                b.value(rendered, single);
                let stream = stockade_yaml::parse_stream(out, &Limits::default());
                if let Some(Ok(node)) = stream.documents.first().map(|d| &d.root) {
                    b.walk(node, p.output.start, single, 0);
                }
                return;
            }
            _ => {
                if printed(single).is_some_and(|t| out.trim() == t) {
                    b.value(rendered, single);
                    return;
                }
            }
        }
    }
    for v in nodes {
        let Some(t) = printed(v) else { continue };
        let mut hits = out.match_indices(t.as_str());
        if let (Some((at, _)), None) = (hits.next(), hits.next()) {
            let start = p.output.start + at;
            b.value(Span::from_range(start..start + t.len()), v);
        }
    }
}

fn collect_nodes(
    node: &Node,
    pieces: &[(Span, Option<(FileId, Span)>, bool)],
    out: &mut Vec<(Span, OriginSpan)>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let span = node.span;
    // Pieces overlapping the node.
    let first = pieces.partition_point(|(s, _, _)| s.end <= span.start);
    let last = pieces.partition_point(|(s, _, _)| s.start < span.end);
    if last > first + 1 {
        let covered = pieces.get(first..last).unwrap_or_default();
        if let (Some((s0, Some((f0, t0)), text0)), Some((s1, Some((f1, t1)), text1))) =
            (covered.first(), covered.last())
        {
            // Copied text maps byte for byte: start and end where the node does.
            let tstart = if *text0 {
                t0.start + (span.start.max(s0.start) - s0.start)
            } else {
                t0.start
            };
            let tend = if *text1 {
                (t1.start + (span.end.min(s1.end) - s1.start)).min(t1.end)
            } else {
                t1.end
            };
            if f0 == f1 && tstart <= tend {
                let rendered = Span::new(s0.start.min(span.start), s1.end.max(span.end));
                out.push((
                    rendered,
                    OriginSpan::new(*f0, Span::new(tstart, tend), OriginRole::Template),
                ));
            }
        }
    }
    match &node.value {
        YValue::Map(entries) => {
            for (_, v) in entries {
                collect_nodes(v, pieces, out, depth + 1);
            }
        }
        YValue::Seq(items) => {
            for v in items {
                collect_nodes(v, pieces, out, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    /// The byte searches for `{{` and `}}` find what `str::rfind` and
    /// `str::find` find, runs of three and texts' ends included.
    #[test]
    fn pair_searches_find_what_substring_searches_find() {
        for text in [
            "", "{", "{{", "{{{", "a{{", "{{a", "a{b{", "{{a{{b", "}}{{", "{{ x }}}", "}}}",
            "a}b}}c", "é{{ü}}", "{ {", "} }",
        ] {
            for (c, pair) in [(b'{', "{{"), (b'}', "}}")] {
                assert_eq!(
                    super::rfind_pair(text.as_bytes(), c),
                    text.rfind(pair),
                    "{text:?} {pair}"
                );
                assert_eq!(
                    super::find_pair(text.as_bytes(), c),
                    text.find(pair),
                    "{text:?} {pair}"
                );
            }
        }
    }
}
