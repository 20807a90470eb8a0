//! Glob patterns for image, registry and path options (`globset`, `*` crossing
//! `/`), compiled once when the configuration is built.
//!
//! A rule option holding patterns uses [`Globs`] (or a matcher built on
//! [`Pattern`], such as [`crate::image::RegistryPatterns`]): it deserialises from a
//! list of strings, compiling each one as it is read, so an invalid pattern is an
//! error located at that list item, and a rule never compiles patterns per file.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An invalid glob pattern in a list: which item, its text, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PatternError {
    /// Index of the invalid pattern in the list it came from (0-based); `None`
    /// when every pattern is valid but the list as a whole is too large to match.
    pub index: Option<usize>,
    /// The invalid pattern as written (`None` with `index`).
    pub pattern: Option<String>,
    /// What is wrong (`unclosed character class; missing ']'`).
    pub reason: String,
}

impl PatternError {
    pub(crate) fn at(index: usize, pattern: String, reason: String) -> Self {
        Self {
            index: Some(index),
            pattern: Some(pattern),
            reason,
        }
    }

    pub(crate) fn whole_list(reason: String) -> Self {
        Self {
            index: None,
            pattern: None,
            reason,
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.pattern, self.index) {
            (Some(pattern), Some(index)) => write!(
                f,
                "invalid glob pattern `{pattern}` (item {index}): {}",
                self.reason
            ),
            _ => write!(
                f,
                "the glob patterns cannot be matched together: {}",
                self.reason
            ),
        }
    }
}

impl std::error::Error for PatternError {}

/// One compiled glob pattern, kept with its text. `*` and `?` also match `/`.
#[derive(Clone)]
pub struct Pattern {
    text: String,
    glob: globset::Glob,
}

impl Pattern {
    /// Compile a pattern; the error is the reason it is invalid.
    pub fn new(text: impl Into<String>) -> Result<Self, String> {
        let text = text.into();
        match globset::GlobBuilder::new(&text)
            .literal_separator(false)
            .build()
        {
            Ok(glob) => Ok(Self { text, glob }),
            Err(e) => Err(e.kind().to_string()),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Compile a list of patterns, naming the first invalid one.
    pub fn list<I, S>(patterns: I) -> Result<Vec<Self>, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        patterns
            .into_iter()
            .enumerate()
            .map(|(index, text)| {
                let text = text.into();
                Self::new(text.clone()).map_err(|reason| PatternError::at(index, text, reason))
            })
            .collect()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Pattern {}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// A string, compiled as it is read: an invalid pattern fails at its own list
/// item, so the configuration error points at it.
impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::new(text.clone()).map_err(|reason| {
            serde::de::Error::custom(format!("invalid glob pattern `{text}`: {reason}"))
        })
    }
}

/// One matcher for compiled patterns (`globset::GlobSet`).
pub(crate) fn build_set<'a>(
    patterns: impl IntoIterator<Item = &'a Pattern>,
) -> Result<globset::GlobSet, String> {
    let mut builder = globset::GlobSetBuilder::new();
    for p in patterns {
        builder.add(p.glob.clone());
    }
    builder.build().map_err(|e| e.kind().to_string())
}

/// A list of glob patterns compiled into one set, kept with the patterns as
/// written. Deserialises from (and serialises to) a list of strings.
#[derive(Clone, Default)]
pub struct Globs {
    patterns: Vec<Pattern>,
    set: globset::GlobSet,
}

impl Globs {
    /// Compile patterns (`docker.io/library/*`, `*.example.com`); the error names
    /// the first invalid one and its index.
    pub fn new<I, S>(patterns: I) -> Result<Self, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let patterns = Pattern::list(patterns)?;
        Self::from_patterns(patterns)
    }

    /// A set of already compiled patterns. Fails only when the set as a whole is
    /// too large for the matcher.
    pub fn from_patterns(patterns: Vec<Pattern>) -> Result<Self, PatternError> {
        let set = build_set(&patterns).map_err(PatternError::whole_list)?;
        Ok(Self { patterns, set })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> impl ExactSizeIterator<Item = &str> {
        self.patterns.iter().map(Pattern::as_str)
    }

    /// No patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any pattern matches the whole of `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.set.is_match(text)
    }
}

impl fmt::Debug for Globs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.patterns).finish()
    }
}

impl PartialEq for Globs {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for Globs {}

impl Serialize for Globs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.patterns.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Globs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let patterns = Vec::<Pattern>::deserialize(d)?;
        Self::from_patterns(patterns).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_across_slashes_and_keep_the_patterns() {
        let globs = Globs::new(["ghcr.io/acme/*", "*.example.com"]).unwrap();
        assert!(globs.is_match("ghcr.io/acme/team/api"));
        assert!(globs.is_match("mirror.example.com"));
        assert!(!globs.is_match("ghcr.io/acme-evil/api"));
        assert_eq!(
            globs.patterns().collect::<Vec<_>>(),
            ["ghcr.io/acme/*", "*.example.com"]
        );
        assert!(Globs::default().is_empty());
        assert!(!Globs::default().is_match(""));
    }

    #[test]
    fn an_invalid_pattern_is_an_error_naming_it() {
        let err = Globs::new(["docker.io", "docker.io/[unclosed"]).unwrap_err();
        assert_eq!(err.index, Some(1));
        assert_eq!(err.pattern.as_deref(), Some("docker.io/[unclosed"));
        assert!(err.reason.contains("unclosed character class"), "{err}");
        let err = serde_json::from_value::<Globs>(serde_json::json!(["a{b"])).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid glob pattern `a{b`"),
            "{err}"
        );
    }

    #[test]
    fn globs_round_trip_as_a_list_of_strings() {
        let globs: Globs = serde_json::from_value(serde_json::json!(["a/*", "b"])).unwrap();
        assert_eq!(
            serde_json::to_value(&globs).unwrap(),
            serde_json::json!(["a/*", "b"])
        );
    }
}
