//! Rendered documents and where their text came from.
//!
//! A Helm chart or a Kustomize overlay produces manifests that no file contains.
//! Such a document is a [`Source`] of its own (findings' `start`/`end` refer to
//! the rendered text), made with [`Source::rendered`] from three parts:
//!
//! - the rendered text itself;
//! - the [`OriginFiles`] it was produced from (templates, values files, bases,
//!   patches), with their texts, so that an origin can be positioned in its file.
//!   They are shared ([`Arc`]) by every document of one render;
//! - an [`OriginMap`]: segments of the rendered text, each with the ranges of the
//!   origin files ([`OriginSpan`]) that produced it and the [`OriginRole`] they
//!   played.
//!
//! Segments nest (a template's container block holds a value substituted into
//! it) or are disjoint; they never overlap partially. [`OriginMap::origins_of`]
//! answers with the origins of the smallest segment covering a span: binary
//! search, then a walk up the enclosing segments (as deep as the nesting, a
//! handful in practice). A renderer that knows several origins for one piece of
//! text (the value that was substituted, and the template action that
//! substituted it) gives that segment several origins.
//!
//! Origins are one level deep: an origin file is positioned in its own text, and
//! an origin file that was itself rendered is not followed further.
//!
//! Plain files have no origin map; nothing here costs them anything.
//!
//! ```
//! use std::sync::Arc;
//! use stockade_source::origin::{OriginFiles, OriginMap, OriginRole, OriginSpan};
//! use stockade_source::{Source, Span};
//!
//! let mut files = OriginFiles::new();
//! let values = files.add(Source::new("values.yaml", "privileged: true\n"));
//! let rendered = "securityContext:\n  privileged: true\n";
//! let map = OriginMap::builder()
//!     .with(Span::new(31, 35), OriginSpan::new(values, Span::new(12, 16), OriginRole::Value))
//!     .build()?;
//! let source = Source::rendered("out/pod.yaml", rendered, map, Arc::new(files))?;
//! let rendering = source.rendering().unwrap();
//! let (origin, file) = rendering.origins_of(Span::new(31, 35)).next().unwrap();
//! assert_eq!((file.path(), origin.span.text(file.text())), ("values.yaml", "true"));
//! # Ok::<(), stockade_source::origin::OriginError>(())
//! ```

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::source::{Source, Span};
use crate::suppress::{self, Suppression};

/// What part an origin file played in producing rendered text. Serialised in
/// lower case (`"value"`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OriginRole {
    /// Template text (a Helm template) copied or executed into the output.
    Template,
    /// A value (from a values file, `--set`) substituted into a template.
    Value,
    /// A resource a Kustomize overlay starts from.
    Base,
    /// A patch (strategic merge, JSON 6902) applied to a base.
    Patch,
    /// A generator's input (a `configMapGenerator` entry, a file it reads).
    Generator,
    /// A transformer's configuration (`namePrefix`, `images`, `labels`).
    Transformer,
}

impl OriginRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OriginRole::Template => "template",
            OriginRole::Value => "value",
            OriginRole::Base => "base",
            OriginRole::Patch => "patch",
            OriginRole::Generator => "generator",
            OriginRole::Transformer => "transformer",
        }
    }
}

impl fmt::Display for OriginRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An origin file within its [`OriginFiles`]: the order it was added in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

impl FileId {
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// A range of an origin file that produced part of a rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OriginSpan {
    pub file: FileId,
    /// Byte range in the origin file's text.
    pub span: Span,
    pub role: OriginRole,
}

impl OriginSpan {
    pub const fn new(file: FileId, span: Span, role: OriginRole) -> Self {
        Self { file, span, role }
    }
}

/// The files a render read, with their texts; shared by every document of the
/// render. Suppression comments in them (`# stockade ignore=ID`) are read once,
/// the first time a document of the render is checked.
#[derive(Debug, Default)]
pub struct OriginFiles {
    files: Vec<Source>,
    directives: OnceLock<Vec<Suppression>>,
}

impl OriginFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file; its id names it in [`OriginSpan`]s. A file's own origins (if
    /// it was rendered too) are not followed.
    pub fn add(&mut self, file: Source) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        // Directives are read from every file; a later file invalidates them.
        self.directives = OnceLock::new();
        id
    }

    pub fn get(&self, id: FileId) -> Option<&Source> {
        self.files.get(id.index())
    }

    /// The file reported under `path`, if any.
    pub fn find(&self, path: &str) -> Option<&Source> {
        self.files.iter().find(|f| f.path() == path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Source)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The `# stockade ignore=` directives of every file (see
    /// [`suppress::origin_directives`]), read on first use.
    pub fn directives(&self) -> &[Suppression] {
        self.directives.get_or_init(|| {
            self.iter()
                .flat_map(|(id, file)| suppress::origin_directives(id, file.text()))
                .collect()
        })
    }
}

/// A segment of the origin map: a rendered range, the one enclosing it, and its
/// origins (a range of [`OriginMap::origins`]).
#[derive(Debug, Clone)]
struct Segment {
    span: Span,
    /// Index of the smallest segment strictly enclosing this one.
    parent: Option<u32>,
    origins: std::ops::Range<u32>,
}

/// Why an origin map or a rendered source could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OriginError {
    /// Two segments overlap without one containing the other.
    #[error("origin segments {}..{} and {}..{} overlap without nesting", .first.start, .first.end, .second.start, .second.end)]
    Overlap { first: Span, second: Span },
    /// A segment ends past the rendered text.
    #[error("origin segment {}..{} ends past the rendered text ({len} bytes)", .span.start, .span.end)]
    SegmentOutOfBounds { span: Span, len: u32 },
    /// An origin names a file that is not among the origin files.
    #[error("origin names file #{} but only {count} origin files were given", .file.index())]
    UnknownFile { file: FileId, count: usize },
    /// An origin's range ends past its file's text.
    #[error("origin {}..{} ends past the end of `{path}` ({len} bytes)", .span.start, .span.end)]
    OriginOutOfBounds { path: String, span: Span, len: u32 },
}

/// Rendered ranges and the origin ranges that produced them.
///
/// Built with [`OriginMapBuilder`]; looked up with [`OriginMap::origins_of`].
#[derive(Debug, Clone, Default)]
pub struct OriginMap {
    /// Sorted by start, then by end descending (an enclosing segment before the
    /// ones it contains): a pre-order of the nesting.
    segments: Vec<Segment>,
    origins: Vec<OriginSpan>,
}

impl OriginMap {
    pub fn builder() -> OriginMapBuilder {
        OriginMapBuilder::default()
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Number of distinct segments.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Every segment with its origins, in order of the rendered text.
    pub fn segments(&self) -> impl Iterator<Item = (Span, &[OriginSpan])> {
        self.segments
            .iter()
            .map(|s| (s.span, self.origins_of_segment(s)))
    }

    fn origins_of_segment(&self, segment: &Segment) -> &[OriginSpan] {
        self.origins
            .get(segment.origins.start as usize..segment.origins.end as usize)
            .unwrap_or_default()
    }

    /// The origins of the smallest segment that contains all of `span` (empty
    /// when no segment does). `O(log n + nesting depth)`.
    pub fn origins_of(&self, span: Span) -> &[OriginSpan] {
        self.smallest_covering(span)
            .map_or(&[], |s| self.origins_of_segment(s))
    }

    /// The smallest segment that contains all of `span`: its rendered range and
    /// its origins (used to move a fix's edit to the file it came from).
    pub fn segment_of(&self, span: Span) -> Option<(Span, &[OriginSpan])> {
        self.smallest_covering(span)
            .map(|s| (s.span, self.origins_of_segment(s)))
    }

    fn smallest_covering(&self, span: Span) -> Option<&Segment> {
        let (start, end) = (span.start, span.end.max(span.start));
        // The last segment (in pre-order) starting at or before `start`: the
        // deepest segment containing `start`, or one of its descendants that ends
        // before `start`. Either way its ancestors include every segment that
        // contains `span`, smallest first.
        let last = self.segments.partition_point(|s| s.span.start <= start);
        let mut at = self.segments.get(last.checked_sub(1)?)?;
        loop {
            if at.span.start <= start && end <= at.span.end {
                return Some(at);
            }
            at = self.segments.get(at.parent? as usize)?;
        }
    }
}

/// Collects `(rendered span, origin)` pairs into an [`OriginMap`]. Pairs with the
/// same rendered span make one segment with several origins (in the order
/// given); empty rendered spans cover nothing and are dropped.
#[derive(Debug, Clone, Default)]
pub struct OriginMapBuilder {
    entries: Vec<(Span, OriginSpan)>,
}

impl OriginMapBuilder {
    /// `rendered` (bytes of the rendered text) came from `origin`.
    #[must_use]
    pub fn with(mut self, rendered: Span, origin: OriginSpan) -> Self {
        self.push(rendered, origin);
        self
    }

    pub fn push(&mut self, rendered: Span, origin: OriginSpan) {
        if !rendered.is_empty() {
            self.entries.push((rendered, origin));
        }
    }

    /// Sort and nest the segments: `O(n log n)`. Fails when two segments overlap
    /// without one containing the other.
    pub fn build(mut self) -> Result<OriginMap, OriginError> {
        // Stable: origins of one span keep the order they were given in.
        self.entries
            .sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
        let mut map = OriginMap {
            segments: Vec::new(),
            origins: Vec::with_capacity(self.entries.len()),
        };
        // Segments enclosing the current one, innermost last.
        let mut open: Vec<u32> = Vec::new();
        for (span, origin) in self.entries {
            let at = map.origins.len() as u32;
            map.origins.push(origin);
            if let Some(last) = map.segments.last_mut() {
                if last.span == span {
                    last.origins.end = at + 1;
                    continue;
                }
            }
            while let Some(&top) = open.last() {
                let Some(enclosing) = map.segments.get(top as usize) else {
                    break;
                };
                if enclosing.span.end <= span.start {
                    open.pop();
                } else if enclosing.span.end < span.end {
                    return Err(OriginError::Overlap {
                        first: enclosing.span,
                        second: span,
                    });
                } else {
                    break;
                }
            }
            let index = map.segments.len() as u32;
            map.segments.push(Segment {
                span,
                parent: open.last().copied(),
                origins: at..at + 1,
            });
            open.push(index);
        }
        Ok(map)
    }
}

/// What makes a [`Source`] rendered: its origin map and the files it names.
#[derive(Debug)]
pub struct Rendering {
    map: OriginMap,
    files: Arc<OriginFiles>,
}

impl Rendering {
    /// Check that every segment lies within the rendered text (`len` bytes) and
    /// every origin names one of `files` and lies within its text.
    pub fn new(map: OriginMap, files: Arc<OriginFiles>, len: usize) -> Result<Self, OriginError> {
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        if let Some(s) = map.segments.iter().find(|s| s.span.end > len) {
            return Err(OriginError::SegmentOutOfBounds { span: s.span, len });
        }
        for origin in &map.origins {
            let Some(file) = files.get(origin.file) else {
                return Err(OriginError::UnknownFile {
                    file: origin.file,
                    count: files.len(),
                });
            };
            let file_len = u32::try_from(file.text().len()).unwrap_or(u32::MAX);
            if origin.span.end > file_len || origin.span.start > origin.span.end {
                return Err(OriginError::OriginOutOfBounds {
                    path: file.path().to_string(),
                    span: origin.span,
                    len: file_len,
                });
            }
        }
        Ok(Self { map, files })
    }

    pub fn map(&self) -> &OriginMap {
        &self.map
    }

    pub fn files(&self) -> &OriginFiles {
        &self.files
    }

    /// The shared origin files (to build the next document of the same render).
    pub fn files_arc(&self) -> &Arc<OriginFiles> {
        &self.files
    }

    /// The origins of `span` with the files they are in.
    pub fn origins_of(&self, span: Span) -> impl Iterator<Item = (&OriginSpan, &Source)> {
        self.map
            .origins_of(span)
            .iter()
            .filter_map(|o| self.files.get(o.file).map(|f| (o, f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(n: usize) -> (Arc<OriginFiles>, Vec<FileId>) {
        let mut files = OriginFiles::new();
        let ids = (0..n)
            .map(|i| files.add(Source::new(format!("f{i}"), "x".repeat(100))))
            .collect();
        (Arc::new(files), ids)
    }

    fn o(file: FileId, start: u32, role: OriginRole) -> OriginSpan {
        OriginSpan::new(file, Span::new(start, start + 1), role)
    }

    #[test]
    fn smallest_covering_segment_wins() {
        let (_, ids) = files(2);
        let (t, v) = (ids[0], ids[1]);
        let map = OriginMap::builder()
            .with(Span::new(0, 100), o(t, 0, OriginRole::Template))
            .with(Span::new(10, 40), o(t, 10, OriginRole::Template))
            .with(Span::new(20, 24), o(v, 5, OriginRole::Value))
            .with(Span::new(20, 24), o(t, 30, OriginRole::Template))
            .with(Span::new(30, 35), o(v, 9, OriginRole::Value))
            .with(Span::new(50, 60), o(t, 50, OriginRole::Template))
            .build()
            .unwrap();
        assert_eq!(map.len(), 5);
        let roles = |span| -> Vec<(u32, OriginRole)> {
            map.origins_of(span)
                .iter()
                .map(|o| (o.span.start, o.role))
                .collect()
        };
        // Inside the value: the value, then the template action, as given.
        assert_eq!(
            roles(Span::new(21, 23)),
            [(5, OriginRole::Value), (30, OriginRole::Template)]
        );
        assert_eq!(roles(Span::new(20, 24)).len(), 2);
        // Across the value and the text after it: the enclosing block.
        assert_eq!(roles(Span::new(22, 26)), [(10, OriginRole::Template)]);
        // After a nested segment, before the next: the block again.
        assert_eq!(roles(Span::new(36, 38)), [(10, OriginRole::Template)]);
        assert_eq!(roles(Span::new(45, 46)), [(0, OriginRole::Template)]);
        assert_eq!(roles(Span::new(55, 55)), [(50, OriginRole::Template)]);
        assert_eq!(roles(Span::new(40, 55)), [(0, OriginRole::Template)]);
        // Past every segment, or across the outermost one: nothing.
        assert!(roles(Span::new(100, 101)).is_empty());
        assert!(roles(Span::new(99, 120)).is_empty());
    }

    #[test]
    fn disjoint_top_level_segments_and_gaps() {
        let (_, ids) = files(1);
        let map = OriginMap::builder()
            .with(Span::new(0, 10), o(ids[0], 1, OriginRole::Base))
            .with(Span::new(20, 30), o(ids[0], 2, OriginRole::Patch))
            .with(Span::new(5, 5), o(ids[0], 3, OriginRole::Value))
            .build()
            .unwrap();
        assert_eq!(map.len(), 2, "the empty segment is dropped");
        assert!(map.origins_of(Span::new(12, 14)).is_empty());
        assert_eq!(map.origins_of(Span::new(25, 26))[0].role, OriginRole::Patch);
        assert!(OriginMap::default().origins_of(Span::new(0, 1)).is_empty());
    }

    #[test]
    fn partial_overlap_is_an_error() {
        let (_, ids) = files(1);
        let err = OriginMap::builder()
            .with(Span::new(0, 10), o(ids[0], 1, OriginRole::Template))
            .with(Span::new(5, 15), o(ids[0], 2, OriginRole::Template))
            .build()
            .unwrap_err();
        assert_eq!(
            err,
            OriginError::Overlap {
                first: Span::new(0, 10),
                second: Span::new(5, 15)
            }
        );
    }

    #[test]
    fn many_siblings_stay_fast() {
        let (_, ids) = files(1);
        let mut b = OriginMap::builder();
        // 50 000 sibling segments of 4 bytes inside one block.
        b.push(Span::new(0, 200_000), o(ids[0], 0, OriginRole::Template));
        for i in 0..50_000u32 {
            b.push(
                Span::new(i * 4, i * 4 + 3),
                o(ids[0], i % 99, OriginRole::Value),
            );
        }
        let map = b.build().unwrap();
        for i in (0..50_000u32).step_by(7) {
            assert_eq!(map.origins_of(Span::new(i * 4, i * 4 + 2)).len(), 1);
            assert_eq!(
                map.origins_of(Span::new(i * 4 + 3, i * 4 + 4))[0].role,
                OriginRole::Template
            );
        }
    }

    #[test]
    fn rendering_checks_files_and_bounds() {
        let (files, ids) = files(1);
        let map = |span: Span, origin: OriginSpan| {
            OriginMap::builder().with(span, origin).build().unwrap()
        };
        let ok = map(Span::new(0, 4), o(ids[0], 0, OriginRole::Value));
        assert!(Rendering::new(ok, files.clone(), 4).is_ok());
        let past = map(Span::new(0, 5), o(ids[0], 0, OriginRole::Value));
        assert!(matches!(
            Rendering::new(past, files.clone(), 4),
            Err(OriginError::SegmentOutOfBounds { .. })
        ));
        let unknown = map(Span::new(0, 4), o(FileId(7), 0, OriginRole::Value));
        assert!(matches!(
            Rendering::new(unknown, files.clone(), 4),
            Err(OriginError::UnknownFile { .. })
        ));
        let outside = map(
            Span::new(0, 4),
            OriginSpan::new(ids[0], Span::new(99, 101), OriginRole::Value),
        );
        let err = Rendering::new(outside, files, 4).unwrap_err();
        assert_eq!(
            err.to_string(),
            "origin 99..101 ends past the end of `f0` (100 bytes)"
        );
    }

    #[test]
    fn roles_serialise_in_lower_case() {
        assert_eq!(
            serde_json::to_string(&OriginRole::Transformer).unwrap(),
            "\"transformer\""
        );
        assert_eq!(OriginRole::Value.to_string(), "value");
    }
}
