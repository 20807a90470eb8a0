//! Build errors: each names the file (and where known the entry) it comes from.

/// Why a kustomization could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KustomizeError {
    /// No kustomization file in a folder, or several.
    #[error("{0}")]
    Missing(String),
    /// A file named by a kustomization does not exist.
    #[error("{path}: {message}")]
    NotFound { path: String, message: String },
    /// A file could not be read as YAML, or has the wrong shape.
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    /// Kustomize refuses this (load restrictions, conflicts, unknown fields).
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// A remote resource: the build needs the network.
    #[error(
        "{path}: remote resource `{url}` needs the network, which a Stockade build does not use"
    )]
    Remote { path: String, url: String },
    /// Kustomizations include each other.
    #[error("{path}: cycle: {chain}")]
    Cycle { path: String, chain: String },
    /// Deeper than the nesting limit, or over a size limit.
    #[error("{path}: {message}")]
    Limit { path: String, message: String },
    /// A feature not built here (plugins, Helm charts until the Helm renderer lands).
    #[error("{path}: {message}")]
    Unsupported { path: String, message: String },
}

impl KustomizeError {
    pub fn invalid(path: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            path: path.to_string(),
            message: message.into(),
        }
    }

    /// The kind of error, for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Missing(_) => "missing",
            Self::NotFound { .. } => "not-found",
            Self::Parse { .. } => "parse",
            Self::Invalid { .. } => "invalid",
            Self::Remote { .. } => "remote",
            Self::Cycle { .. } => "cycle",
            Self::Limit { .. } => "limit",
            Self::Unsupported { .. } => "unsupported",
        }
    }

    /// The file the error is located in.
    pub fn path(&self) -> &str {
        match self {
            Self::Missing(_) => "",
            Self::NotFound { path, .. }
            | Self::Parse { path, .. }
            | Self::Invalid { path, .. }
            | Self::Remote { path, .. }
            | Self::Cycle { path, .. }
            | Self::Limit { path, .. }
            | Self::Unsupported { path, .. } => path,
        }
    }
}
