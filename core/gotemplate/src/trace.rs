//! Origin tracing: which template node and which data produced each output byte.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::error::Pos;

/// One step of a [`DataPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    /// A map key or struct field (`.Values`, `index $m "k"`).
    Key(Arc<str>),
    /// A slice index (`index $l 2`, an element of `range`).
    Index(usize),
}

/// The path from the root data (`$`) to a value, e.g. `Values.image.tag`.
/// Displays with `.` between keys and `[i]` for indices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DataPath(pub Vec<PathSeg>);

impl DataPath {
    /// This path extended by one step.
    #[must_use]
    pub fn child(&self, seg: PathSeg) -> DataPath {
        let mut v = self.0.clone();
        v.push(seg);
        DataPath(v)
    }
}

impl fmt::Display for DataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
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
