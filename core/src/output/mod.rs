//! Report renderers: text, JSON, SARIF 2.1.0, GitHub annotations (filled by the CLI work).
