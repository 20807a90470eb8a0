//! Errors of loading and rendering a chart: Helm's own text, and where.

use stockade_source::Span;

/// What went wrong, by stage.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelmErrorKind {
    /// A `.tgz` that is not a valid, bounded gzip tar.
    Archive,
    /// A chart that cannot be loaded (`Chart.yaml`, its type, a dependency).
    Chart,
    /// A values file or flag that cannot be read.
    Values,
    /// Values rejected by a chart's `values.schema.json`.
    Schema,
    /// A template that does not parse or fails to execute (`required`, `fail`).
    Template,
    /// Rendered output that is not YAML, or a `--show-only` that matches nothing.
    Output,
    /// A budget was spent (archive size, recursion, output size).
    Limit,
}

impl HelmErrorKind {
    /// Whether Stockade's report should call it a limit rather than a parse error.
    pub fn is_limit(self) -> bool {
        matches!(self, HelmErrorKind::Limit)
    }
}

/// An error with Helm's message (what `helm template` prints after `Error: `)
/// and, when known, the chart file and byte range it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HelmError {
    pub kind: HelmErrorKind,
    pub message: String,
    /// A path in the chart (`mychart/templates/x.yaml`) or a values file.
    pub file: Option<String>,
    pub span: Option<Span>,
}

impl HelmError {
    pub fn new(kind: HelmErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            file: None,
            span: None,
        }
    }

    #[must_use]
    pub fn at(mut self, file: impl Into<String>, span: Option<Span>) -> Self {
        self.file = Some(file.into());
        self.span = span;
        self
    }
}

pub(crate) fn chart_err(message: impl Into<String>) -> HelmError {
    HelmError::new(HelmErrorKind::Chart, message)
}
