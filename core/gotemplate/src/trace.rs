//! Origin tracing: which template node and which data produced each output byte.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::error::Pos;

/// One step of a [`DataPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    /// A map key or struct field (`.Values`, `index $m "k"`).
    Key(crate::parse::Name),
    /// A slice index (`index $l 2`, an element of `range`).
    Index(usize),
}

/// The path from the root data (`$`) to a value, e.g. `Values.image.tag`.
/// Displays with `.` between keys and `[i]` for indices.
///
/// A path shares its parent: extending one ([`DataPath::child`], once per
/// field an action reads) is one small allocation, whatever its length.
#[derive(Clone, Default)]
pub struct DataPath(Option<Arc<Link>>);

struct Link {
    parent: DataPath,
    seg: PathSeg,
}

impl DataPath {
    /// A path of `segments`, root first.
    pub fn new(segments: impl IntoIterator<Item = PathSeg>) -> DataPath {
        segments
            .into_iter()
            .fold(DataPath::default(), |p, seg| p.child(seg))
    }

    /// This path extended by one step.
    #[must_use]
    pub fn child(&self, seg: PathSeg) -> DataPath {
        DataPath(Some(Arc::new(Link {
            parent: self.clone(),
            seg,
        })))
    }

    /// Whether this is the root (no step).
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Whether `other` extends this path by at least one step.
    pub fn is_ancestor_of(&self, other: &DataPath) -> bool {
        let mut at = other;
        while let Some(link) = &at.0 {
            if link.parent == *self {
                return true;
            }
            at = &link.parent;
        }
        false
    }

    /// The steps, root first.
    pub fn segments(&self) -> Vec<&PathSeg> {
        let mut out = Vec::new();
        let mut at = self;
        while let Some(link) = &at.0 {
            out.push(&link.seg);
            at = &link.parent;
        }
        out.reverse();
        out
    }
}

impl PartialEq for DataPath {
    fn eq(&self, other: &DataPath) -> bool {
        let (mut a, mut b) = (self, other);
        loop {
            match (&a.0, &b.0) {
                (None, None) => return true,
                (Some(x), Some(y)) => {
                    if Arc::ptr_eq(x, y) {
                        return true;
                    }
                    if x.seg != y.seg {
                        return false;
                    }
                    a = &x.parent;
                    b = &y.parent;
                }
                _ => return false,
            }
        }
    }
}

impl Eq for DataPath {}

impl std::hash::Hash for DataPath {
    /// The steps, last first (as [`PartialEq`] compares them), without
    /// collecting them.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut at = self;
        while let Some(link) = &at.0 {
            link.seg.hash(state);
            at = &link.parent;
        }
    }
}

impl Drop for DataPath {
    /// Iteratively, so that a long path cannot exhaust the stack.
    fn drop(&mut self) {
        let mut next = self.0.take();
        while let Some(link) = next {
            next = match Arc::try_unwrap(link) {
                Ok(mut link) => link.parent.0.take(),
                Err(_) => None,
            };
        }
    }
}

impl fmt::Debug for DataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DataPath").field(&self.segments()).finish()
    }
}

impl fmt::Display for DataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments().into_iter().enumerate() {
            match s {
                PathSeg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                PathSeg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// What wrote a piece of output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceKind {
    /// Literal template text.
    Text,
    /// An action `{{ pipeline }}` printing its value.
    Action,
}

/// One piece of output and where it came from.
#[derive(Clone, Debug)]
pub struct Piece<'a> {
    /// Byte range in the output string given to `execute`.
    pub output: Range<usize>,
    /// Name of the template executing (a `define` name, or the top template).
    pub template: &'a str,
    /// Go's `ParseName`: the name the text was parsed under (Helm: the file).
    pub parse_name: &'a str,
    /// Position in the parsed text: of the text node, or of the action's pipeline.
    pub pos: Pos,
    pub kind: PieceKind,
    /// For actions: the data paths the pipeline read (each value reached by
    /// field/key/index access from the root data, following `with`/`range` dot and
    /// variables; values that did not come from the root data have none). Reads
    /// inside an `include`/`tpl` whose data was an argument of the call are
    /// included, relative to the root. Empty for text.
    pub paths: &'a [DataPath],
}

/// Told of every piece of output, in output order, as execution proceeds.
///
/// Pieces never overlap and cover every output byte written by the traced
/// execution. Output produced inside a function (Helm's `include`, `tpl`) is
/// part of the value the calling action prints, so it is one piece attributed
/// to that action. Output written before an execution error has been reported.
pub trait Tracer {
    fn piece(&mut self, piece: &Piece<'_>);
}

/// A [`Tracer`] that keeps every piece (owned), for tests and simple callers.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    pub pieces: Vec<OwnedPiece>,
}

/// An owned [`Piece`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedPiece {
    pub output: Range<usize>,
    pub template: String,
    pub parse_name: String,
    pub pos: Pos,
    pub kind: PieceKind,
    pub paths: Vec<DataPath>,
}

impl Tracer for Recorder {
    fn piece(&mut self, p: &Piece<'_>) {
        self.pieces.push(OwnedPiece {
            output: p.output.clone(),
            template: p.template.to_owned(),
            parse_name: p.parse_name.to_owned(),
            pos: p.pos,
            kind: p.kind,
            paths: p.paths.to_vec(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{DataPath, PathSeg};

    fn key(k: &str) -> PathSeg {
        PathSeg::Key(k.into())
    }

    #[test]
    fn paths_share_their_parents_and_compare_by_their_steps() {
        let values = DataPath::default().child(key("Values"));
        let image = values.child(key("image"));
        let tag = image.child(key("tag"));
        let first = values.child(key("list")).child(PathSeg::Index(0));
        assert_eq!(tag.to_string(), "Values.image.tag");
        assert_eq!(first.to_string(), "Values.list[0]");
        assert_eq!(
            tag.segments(),
            vec![&key("Values"), &key("image"), &key("tag")]
        );
        // Built apart, the same steps are the same path.
        assert_eq!(
            tag,
            DataPath::new([key("Values"), key("image"), key("tag")])
        );
        assert_ne!(
            tag,
            DataPath::new([key("Values"), key("image"), key("tags")])
        );
        assert_ne!(tag, image);
        assert!(values.is_ancestor_of(&tag) && image.is_ancestor_of(&tag));
        assert!(DataPath::default().is_ancestor_of(&tag));
        assert!(!tag.is_ancestor_of(&tag) && !tag.is_ancestor_of(&image));
        assert!(!first.is_ancestor_of(&tag));
        assert!(DataPath::default().is_empty() && !values.is_empty());
    }

    #[test]
    fn a_very_long_path_is_freed_without_recursion() {
        let mut p = DataPath::default();
        for i in 0..1_000_000 {
            p = p.child(PathSeg::Index(i));
        }
        assert!(!p.is_empty());
        drop(p);
    }
}
