//! Findings as the Language Server Protocol shows them: diagnostics with
//! UTF-16 ranges, code actions (apply a fix, suppress on the line or in the
//! file, disable the rule in `stockade.yaml`) and hover text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Hover, HoverContents, Location, MarkupContent, MarkupKind, NumberOrString,
    Position, Range, TextEdit, Url, WorkspaceEdit,
};
use stockade::fix::Applicability;
use stockade::{Finding, LineIndex, ScanError, Severity, Source};

/// The UTF-16 LSP position of a byte offset of `source`.
pub fn position(source: &Source, offset: u32) -> Position {
    let p = source.utf16_position(offset);
    Position::new(p.line.to_zero_indexed(), p.column.to_zero_indexed())
}

/// The byte offset of an LSP position in `text`.
pub fn offset(index: &LineIndex, text: &str, p: Position) -> u32 {
    index.offset_of_utf16(text, p.line, p.character)
}

pub fn range(source: &Source, start: u32, end: u32) -> Range {
    Range::new(position(source, start), position(source, end))
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Critical | Severity::High => DiagnosticSeverity::ERROR,
        Severity::Medium => DiagnosticSeverity::WARNING,
        Severity::Low => DiagnosticSeverity::INFORMATION,
        Severity::Info => DiagnosticSeverity::HINT,
    }
}

/// An absolute path's `file://` URI.
pub fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// A finding as a diagnostic; `index` (its place in the document's findings)
/// goes in `data` for code actions.
pub fn diagnostic(source: &Source, f: &Finding, index: usize, base: &Path) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .origins
        .iter()
        .filter_map(|o| {
            let path = base.join(&o.path);
            let uri = uri_of(&path)?;
            // Origin positions are in code points; exact UTF-16 needs the file's text.
            let text = std::fs::read_to_string(&path).ok();
            let range = match text {
                Some(t) => {
                    let s = Source::new(o.path.as_str(), t);
                    range(&s, o.start.offset, o.end.offset)
                }
                None => Range::new(
                    Position::new(
                        o.start.line.to_zero_indexed(),
                        o.start.column.to_zero_indexed(),
                    ),
                    Position::new(o.end.line.to_zero_indexed(), o.end.column.to_zero_indexed()),
                ),
            };
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range),
                message: format!("rendered from this {}", o.role),
            })
        })
        .collect();
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        if fix.applies_at(Applicability::Safe) {
            message.push_str(" [*]");
        }
    }
    Diagnostic {
        range: range(source, f.start.offset, f.end.offset),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.clone())),
        code_description: Url::parse(&f.help)
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("stockade".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "index": index, "title": f.title })),
    }
}

/// Every finding and error of `report` on `source` as diagnostics (findings
/// first, in report order: a diagnostic's `data.index` is its finding's index).
pub fn diagnostics(source: &Source, report: &stockade::Report, base: &Path) -> Vec<Diagnostic> {
    let findings = report
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| diagnostic(source, f, i, base));
    let errors = report
        .errors
        .iter()
        .map(|e| error_diagnostic(Some(source), e));
    findings.chain(errors).collect()
}

/// A scan error as a diagnostic (at the top of the file when it has no place).
pub fn error_diagnostic(source: Option<&Source>, e: &ScanError) -> Diagnostic {
    let range = match (source, e.start, e.end) {
        (Some(s), Some(a), Some(b)) => range(s, a.offset, b.offset),
        _ => Range::default(),
    };
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(e.kind.as_str().to_string())),
        source: Some("stockade".to_string()),
        message: if source.is_some() {
            e.message.clone()
        } else {
            e.to_string()
        },
        ..Diagnostic::default()
    }
}

fn overlaps(a: Range, b: Range) -> bool {
    !(a.end < b.start || b.end < a.start)
}

/// Everything a code action needs about the document.
pub struct Doc<'a> {
    pub uri: &'a Url,
    pub source: &'a Source,
    pub findings: &'a [Finding],
    /// The configuration file in force, if any, and where a new one would go.
    pub config: Option<&'a Path>,
    pub new_config: PathBuf,
}

/// The code actions for the findings whose range meets `range`.
pub fn code_actions(doc: &Doc<'_>, range: Range) -> Vec<CodeAction> {
    let mut out = Vec::new();
    let mut seen_rules = Vec::new();
    for (i, f) in doc.findings.iter().enumerate() {
        let r = self::range(doc.source, f.start.offset, f.end.offset);
        if !overlaps(r, range) {
            continue;
        }
        let diag = diagnostic(doc.source, f, i, Path::new(""));
        if let Some(fix) = &f.fix {
            if let Some(edit) = fix_edit(doc, f) {
                let how = match fix.applicability {
                    Applicability::Safe => "",
                    Applicability::Unsafe => " (unsafe)",
                    Applicability::DisplayOnly => " (display only: review it)",
                };
                out.push(CodeAction {
                    title: format!("{}: {}{how}", f.rule, fix.message),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diag.clone()]),
                    edit: Some(edit),
                    is_preferred: Some(fix.applicability == Applicability::Safe),
                    ..CodeAction::default()
                });
            }
        }
        out.push(suppress_line(doc, f, diag.clone()));
        if !seen_rules.contains(&f.rule) {
            seen_rules.push(f.rule.clone());
            out.push(suppress_file(doc, f, diag.clone()));
            if let Some(a) = disable_rule(doc, f, diag) {
                out.push(a);
            }
        }
    }
    out
}

fn fix_edit(doc: &Doc<'_>, f: &Finding) -> Option<WorkspaceEdit> {
    let fix = f.fix.as_ref()?;
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for e in &fix.edits {
        match &e.path {
            None => changes
                .entry(doc.uri.clone())
                .or_default()
                .push(TextEdit::new(
                    range(doc.source, e.start.offset, e.end.offset),
                    e.content.clone(),
                )),
            Some(path) => {
                let text = std::fs::read_to_string(path).ok()?;
                let other = Source::new(path.as_str(), text);
                let uri = uri_of(&std::fs::canonicalize(path).ok()?)?;
                changes.entry(uri).or_default().push(TextEdit::new(
                    range(&other, e.start.offset, e.end.offset),
                    e.content.clone(),
                ));
            }
        }
    }
    Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

/// The leading blanks of the line holding `offset`.
fn indentation(source: &Source, offset: u32) -> (u32, String) {
    let index = source.line_index();
    let line = index.line_of(offset);
    let span = index.line_span(line, source.text());
    let text = span.text(source.text());
    let blanks: String = text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    (line, blanks)
}

/// `# stockade ignore=ID` on its own line above the finding's line.
fn suppress_line(doc: &Doc<'_>, f: &Finding, diag: Diagnostic) -> CodeAction {
    let (line, blanks) = indentation(doc.source, f.start.offset);
    // A YAML list item: the comment goes at the item's key column.
    let pad = if doc
        .source
        .text()
        .get(doc.source.line_index().line_start(line) as usize..)
        .is_some_and(|t| t.trim_start().starts_with("- "))
    {
        format!("{blanks}  ")
    } else {
        blanks
    };
    insert_line(
        doc,
        line,
        format!("{pad}# stockade ignore={}\n", f.rule),
        format!("Ignore {} on this line", f.rule),
        diag,
    )
}

/// `# stockade global ignore=ID` at the top of the file.
fn suppress_file(doc: &Doc<'_>, f: &Finding, diag: Diagnostic) -> CodeAction {
    insert_line(
        doc,
        0,
        format!("# stockade global ignore={}\n", f.rule),
        format!("Ignore {} in this file", f.rule),
        diag,
    )
}

/// A quick fix inserting `text` (a whole line) before line `line` of the document.
fn insert_line(
    doc: &Doc<'_>,
    line: u32,
    text: String,
    title: String,
    diag: Diagnostic,
) -> CodeAction {
    let at = Position::new(line, 0);
    let edit = TextEdit::new(Range::new(at, at), text);
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(doc.uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }
}

/// `ID: off` under `rules:` of the configuration in force, or a new
/// `stockade.yaml` at the workspace root holding it.
fn disable_rule(doc: &Doc<'_>, f: &Finding, diag: Diagnostic) -> Option<CodeAction> {
    let (path, text) = match doc.config {
        Some(p) => (p.to_path_buf(), std::fs::read_to_string(p).ok()?),
        None => (doc.new_config.clone(), String::new()),
    };
    let source = Source::new(path.to_string_lossy(), text.as_str());
    let line = format!("  {}: off", f.rule);
    let edit = if let Some(n) = text.lines().position(|l| l.trim_end() == "rules:") {
        let end = source
            .line_index()
            .line_span(u32::try_from(n).ok()?, &text)
            .end;
        let at = position(&source, end);
        TextEdit::new(Range::new(at, at), format!("\n{line}"))
    } else {
        let end = u32::try_from(text.len()).ok()?;
        let at = position(&source, end);
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        TextEdit::new(Range::new(at, at), format!("{sep}rules:\n{line}\n"))
    };
    let uri = uri_of(&path)?;
    let mut workspace_edit = WorkspaceEdit::default();
    if doc.config.is_none() {
        use lsp_types::{
            CreateFile, DocumentChangeOperation, DocumentChanges, OneOf,
            OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentEdit,
        };
        workspace_edit.document_changes = Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: None,
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![OneOf::Left(edit)],
            }),
        ]));
    } else {
        workspace_edit.changes = Some(HashMap::from([(uri, vec![edit])]));
    }
    Some(CodeAction {
        title: format!(
            "Disable {} in {}",
            f.rule,
            path.file_name()?.to_string_lossy()
        ),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag]),
        edit: Some(workspace_edit),
        ..CodeAction::default()
    })
}

/// The documentation of the rule of the finding under `at`.
pub fn hover(source: &Source, findings: &[Finding], at: Position) -> Option<Hover> {
    let f = findings.iter().find(|f| {
        let r = range(source, f.start.offset, f.end.offset);
        r.start <= at && at <= r.end
    })?;
    let docs = stockade::explain(&f.rule)
        .filter(|m| m.id == f.rule)
        .map_or_else(
            || {
                format!(
                    "**{}** {}\n\n{}\n\n{}",
                    f.rule, f.title, f.remediation, f.help
                )
            },
            |m| {
                format!(
                    "**{}** `{}`: {}\n\n{}",
                    m.id,
                    m.name,
                    m.title,
                    m.docs_markdown()
                )
            },
        );
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: docs,
        }),
        range: Some(range(source, f.start.offset, f.end.offset)),
    })
}
