//! Span-preserving YAML reading, as Kubernetes reads YAML.
//!
//! [`parse_stream`] reads a YAML (or JSON) stream into [`Document`]s, each holding a
//! [`Node`] tree whose every node, key included, keeps the byte [`Span`] it was read
//! from, or a located [`Problem`] when the document could not be read. One broken
//! document does not lose the others: after an error, reading resumes at the next
//! document boundary (`---` or `...` at column 0).
//!
//! Events come from `saphyr-parser` (a YAML 1.2 parser); the tree, the scalar
//! resolution, anchors, merge keys and limits are ours. Plain block YAML (block
//! mappings and sequences, plain and quoted scalars, literal and folded block
//! scalars, flow collections on one line, comments, `---`: nearly all manifests,
//! CRDs, values files and rendered charts) is read by a faster reader of our own first (`fast.rs`), which
//! gives the parser's events with the parser's spans; at anything else it hands the
//! rest of the stream, from the start of the document it stopped in, to the
//! parser. It decides nothing the parser would not: tests and the `yaml` fuzz
//! target compare the two readings ([`parse_stream_reference`]).
//!
//! # Semantics: sigs.k8s.io/yaml (go-yaml v2, then YAML → JSON)
//!
//! Kubernetes reads manifests with sigs.k8s.io/yaml: go-yaml v2 decodes into
//! `interface{}`, then the result is converted to JSON. We reproduce that:
//!
//! - **Scalar resolution is YAML 1.1 as go-yaml v2.4 does it** (checked against its
//!   `resolve.go`/`decode.go`; only plain scalars resolve: quoted and block scalars are
//!   always strings):
//!   - booleans: `y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On
//!     ON off Off OFF` (keys too: `n: 1` has the key `false`);
//!   - null: `~ null Null NULL` and the empty scalar;
//!   - integers: what Go's `strconv.ParseInt(s, 0, 64)` accepts after removing every
//!     `_`: optional sign, decimal, `0x`, `0o`, `0b`, and a leading `0` for octal
//!     (`0777` is 511);
//!   - floats: `.inf .Inf .INF +.inf … -.inf … .nan .NaN .NAN`, and YAML-style
//!     decimals `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (after removing
//!     `_`): `1.5`, `1.`, `.5`, `1e3`, and `08`/`09` (not octal, but a float). Hex
//!     floats and `-inf`/`Infinity` are strings; out-of-range floats (`1e400`) are
//!     strings, as Go's `ParseFloat` fails on them;
//!   - timestamps (`2001-12-14`, `2001-12-14T21:59:43.10Z`) stay strings: go-yaml v2
//!     keeps their text when decoding into `interface{}`;
//!   - everything else is a string (`yes!`, `0x`, `1_`, `inf`, `nan`, `_1`, `v1.2`).
//! - **Explicit tags**: `!!str` makes any scalar a string; `!!int`, `!!float`,
//!   `!!bool`, `!!null`, `!!timestamp` resolve the text and must agree (`!!int abc` is
//!   the error "cannot decode !!str `abc` as a !!int"); an integer under `!!float`
//!   becomes a float; `!!binary` is base64-decoded into a string (invalid base64 is an
//!   error). Any other tag (`!foo`, `!`, `!!map` on a scalar) gives the text. Tags on
//!   mappings and sequences are ignored. The tag is kept in [`Node::tag`].
//! - **Merge keys**: a plain `<<` key (or one tagged `!!merge`) whose value is a
//!   mapping or an alias to one, or a sequence written out whose items are mappings
//!   or aliases to mappings, merges their entries *where the `<<` is written*, as
//!   go-yaml v2's `decoder.merge` does when decoding into a map: entries are applied
//!   in order, each replacing an earlier value of its key, so a `<<` overrides
//!   explicit keys written before it (`privileged: false` then `<<: {privileged:
//!   true}` is `true`, as kubectl reads it) and explicit keys written after it
//!   override the merged ones; in a sequence, earlier mappings win over later ones.
//!   Anything else under `<<` (a scalar, an alias to a sequence) is an error ("map
//!   merge requires map or sequence of maps as the value"). A quoted `"<<"` is an
//!   ordinary key.
//! - **Repeated keys are an error**, as in Kubernetes' strict reading (the API
//!   server; go-yaml's message is `line 14: key "selector" already set in map`):
//!   "key `selector` already defined at line 12", located at the second occurrence.
//!   Keys are compared after resolution (`1` and `0x1` are the same integer key, `yes`
//!   and `true` the same boolean; `1` and `"1"` are not).
//! - **Keys JSON cannot have are errors**: a mapping or sequence as a key (go-yaml:
//!   "invalid map key") and a null key (sigs.k8s.io/yaml: "unsupported map key").
//! - **Anchors and aliases** work; an alias copies the anchored node (counted against
//!   [`Limits::max_alias_nodes`] so that "billion laughs" documents fail fast with a
//!   [`ErrorKind::Limit`] problem and bounded memory). An undefined alias is an error.
//! - **JSON conversion** ([`Node::to_json`]): keys become strings (`1` → `"1"`, `true`
//!   → `"true"`, floats with Go's 32-bit `%g`), integral floats become integers as
//!   after Go's JSON round trip. [`Node::try_to_json`] fails where Kubernetes fails
//!   (NaN/infinite values, null or collection keys).
//! - **JSON input** is read through the same reader (JSON is YAML 1.2 flow syntax), so
//!   `.json` manifests get the same node tree and positions.
//!
//! # Limits
//!
//! [`Limits::default`]: 16 MiB per stream ([`Limits::max_stream_bytes`]; larger input
//! gives one `Limit` problem and no documents), 3 MiB per document (the API server's
//! request size limit; [`Limits::max_document_bytes`]), nesting depth 256
//! ([`Limits::max_depth`]), 100 000 nodes copied by aliases per stream
//! ([`Limits::max_alias_nodes`]: one budget for all documents, so that many
//! documents each just under it cannot pile up), 1 000 000 nodes per document
//! ([`Limits::max_nodes`]) and 10 000 documents per stream
//! ([`Limits::max_documents`]). A document over a limit becomes a `Limit` problem and
//! reading resumes at the next document.
//!
//! # Spans
//!
//! See [`Node`]. Offsets are bytes into the text given to [`parse_stream`], including
//! with multi-byte characters, CRLF line ends and a leading byte-order mark.
//!
//! # Comments
//!
//! The parser does not report comments; a small scanner finds them between the
//! nodes (a `#` at the start of a line or after a space or tab, outside quoted and
//! block scalars). Each [`Document`] lists the comments inside its span, for
//! `# stockade ignore=ID` suppressions.
//!
//! # Documents
//!
//! Every document the YAML parser reports is listed, empty ones included (a stream
//! `a: 1\n---\n` has two documents; the second one is empty, its root a null node
//! with [`Document::is_empty`] true). An empty input has no documents. Kubernetes
//! tools skip empty (null) documents; callers counting objects should do the same.
//!
//! # Differences from sigs.k8s.io/yaml kept on purpose
//!
//! - Where `saphyr-parser` refuses input go-yaml v2 reads, the stream is read again
//!   (at most 16 times, and more while all rounds together read under 32 MiB) after an edit that changes no value, and every span and comment is mapped back
//!   to the original text (see `fixes.rs`):
//!   - tabs right after `:` (`key:\tvalue`) are blanks, as in go-yaml: they are read
//!     as spaces (tabs inside quoted and block scalars are kept);
//!   - the continuation lines of a quoted scalar may sit at any column, as in
//!     go-yaml v2, whose scanner (libyaml's `scan_flow_scalar`) checks no indentation
//!     there, only that a line does not start with `---` or `...` at column 0:
//!     `description: "When set …` followed by `to false."` at (or left of) the key's
//!     column. `saphyr-parser` wants those lines inside the enclosing block ("invalid
//!     indentation in quoted scalar", "tab cannot be used as indentation"): spaces are
//!     inserted at their start (tabs in their leading blanks are read as spaces).
//!     Leading blanks of a continuation line are not part of the value, so the value
//!     is go-yaml's. Still errors, as in go-yaml: a `---`/`...` line at column 0
//!     inside the scalar, an unclosed scalar, a multi-line quoted key, content after
//!     the closing quote.
//!   - likewise, the lines of a flow collection may sit at any column (libyaml
//!     checks no indentation inside flow collections): `b: [1,` then `2]` at column
//!     0. `saphyr-parser` refuses them ("invalid indentation", "invalid indentation
//!     in flow construct"): spaces are inserted at their start, up to the line
//!     closing the collection. A `---`/`...` line at column 0 inside stays an error.
//! - Documents are split by the YAML grammar. kubectl first splits a stream on lines
//!   starting with `---` and refuses content after the marker (`--- {a: 1}`), and
//!   reads a stream starting with `{` as concatenated JSON objects; here `--- {a: 1}`
//!   is a document and `{…}{…}` is a syntax error.
//! - The grammar is YAML 1.2 (`saphyr-parser`) where go-yaml v2 follows YAML 1.1's
//!   grammar (libyaml); the differences are in corner cases of the syntax (for example
//!   tabs in indentation, `%YAML 1.1` directives, some flow-context edge cases). The
//!   *scalar resolution* is go-yaml v2's, as described above.
//! - Plain integers in `(i64::MAX, u64::MAX]` are kept as floats (go-yaml gives
//!   `uint64`; the JSON text is the same except for precision, and such a key is an
//!   error in sigs.k8s.io/yaml but a float-formatted string here).
//! - Merge keys: overlapping keys (an explicit key and a merged one, or two merged
//!   ones) are not errors; the value is the one kubectl reads (non-strict go-yaml
//!   v2, above). go-yaml v2 in strict mode reports any key a merge sets twice as
//!   "already set in map".
//! - Repeated keys are always an error (sigs.k8s.io/yaml's non-strict `YAMLToJSON`
//!   keeps the last; Kubernetes' strict paths reject them).
//! - NaN and infinite float *values* read fine; Go's JSON encoder rejects them
//!   ([`Node::try_to_json`] reports that, [`Node::to_json`] writes `null`).
//! - A control character (C0 but tab, LF and CR; DEL; C1 but NEL; U+FFFE, U+FFFF)
//!   makes its document fail with "control characters are not allowed", as go-yaml's
//!   reader does; go-yaml then stops reading the stream, we keep the other documents.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod build;
mod comments;
mod fast;
mod fixes;
pub mod goyaml;
mod json;
mod node;
pub mod objects;
mod offsets;
mod resolve;

pub use json::go_format_float32_g;

/// Whether go-yaml v2's encoder writes `text` as a plain scalar (it reads back
/// as a string: not a null, boolean, number, timestamp or base-60 float).
pub fn plain_reads_as_string(text: &str) -> bool {
    resolve::plain_reads_as_string(text)
}
pub use node::{
    escape_pointer_token, unescape_pointer_token, Located, Node, NodeTag, Style, Value,
};

use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::source::Span;

/// Bounds on the work and memory spent on one stream. See the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted at all, in bytes.
    pub max_stream_bytes: usize,
    /// Largest document, in bytes.
    pub max_document_bytes: usize,
    /// Deepest nesting of mappings and sequences (a scalar in a top-level mapping is
    /// at depth 1). Capped at 1000 whatever the value, so that recursive walks over
    /// the tree fit the stack.
    pub max_depth: usize,
    /// Nodes copied by alias expansion, per stream (all documents together: once it
    /// is spent, every later alias is a `Limit` problem for its document).
    pub max_alias_nodes: usize,
    /// Nodes in a document, aliases expanded.
    pub max_nodes: usize,
    /// Documents in a stream; later ones give one `Limit` problem.
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_stream_bytes: 16 << 20,
            max_document_bytes: 3 << 20,
            max_depth: 256,
            max_alias_nodes: 100_000,
            max_nodes: 1_000_000,
            max_documents: 10_000,
        }
    }
}

impl Limits {
    /// The default limits for a file a scan accepts up to `max_bytes` (the scan's
    /// `limits.max-file-size`).
    pub fn for_file_bytes(max_bytes: usize) -> Self {
        Self {
            max_stream_bytes: max_bytes,
            ..Self::default()
        }
    }
}

/// A comment (`# …`) found in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, up to the end of the line (without `\r`).
    pub text: String,
    /// From `#` to the end of the line (without the line ending).
    pub span: Span,
    /// 0-based line of the `#`.
    pub line: u32,
    /// Whether the comment is alone on its line (only blanks before `#`).
    pub own_line: bool,
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based position in the stream.
    pub index: usize,
    /// From the document's start (its `---` when explicit) to the start of the next
    /// document (or the end of the stream). Spans of consecutive documents touch and
    /// cover the stream, so every comment falls in exactly one document.
    pub span: Span,
    /// The root node, or the problem that stopped reading this document.
    pub root: Result<Node, Problem>,
    /// Comments inside [`Document::span`], in order.
    pub comments: Vec<Comment>,
    /// Whether the document started with an explicit `---`.
    pub explicit_start: bool,
}

impl Document {
    /// The root node, when the document was read.
    pub fn node(&self) -> Option<&Node> {
        self.root.as_ref().ok()
    }

    /// The problem, when it was not.
    pub fn problem(&self) -> Option<&Problem> {
        self.root.as_ref().err()
    }

    /// Read, and nothing in it (no content, or only `null`/`~`): what Kubernetes
    /// tools skip.
    pub fn is_empty(&self) -> bool {
        self.node().is_some_and(Node::is_null)
    }
}

/// A stream parsed ahead of a scan, with the limits it was parsed within:
/// whoever parsed a source's text attaches it to the source
/// (`Source::with_prepared`), and a scan within the same limits reads it
/// instead of parsing the text again.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub limits: Limits,
    pub stream: std::sync::Arc<Stream>,
}

/// A YAML stream: its documents in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stream {
    pub documents: Vec<Document>,
}

impl Stream {
    /// Problems of all documents, in order (each tagged with its document index).
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.documents.iter().filter_map(Document::problem)
    }

    /// Every comment of the stream, in order.
    pub fn comments(&self) -> impl Iterator<Item = &Comment> {
        self.documents.iter().flat_map(|d| d.comments.iter())
    }
}

/// Read a YAML or JSON stream. Never panics; work and memory are bounded by `limits`.
pub fn parse_stream(text: &str, limits: &Limits) -> Stream {
    if text.len() > limits.max_stream_bytes {
        let problem = Problem::new(
            ErrorKind::Limit,
            Span::from_range(0..text.len().min(1)),
            format!(
                "input is {} bytes, over the limit of {} bytes",
                text.len(),
                limits.max_stream_bytes
            ),
        )
        .in_document(0);
        return Stream {
            documents: vec![Document {
                index: 0,
                span: Span::from_range(0..text.len()),
                root: Err(problem),
                comments: Vec::new(),
                explicit_start: false,
            }],
        };
    }
    build::parse(text, limits)
}

/// [`parse_stream`] with `saphyr-parser` alone, without the fast reader for plain
/// block YAML that [`parse_stream`] tries first: the reference its tests compare
/// with. Not for other uses.
#[doc(hidden)]
pub fn parse_stream_reference(text: &str, limits: &Limits) -> Stream {
    if text.len() > limits.max_stream_bytes {
        return parse_stream(text, limits);
    }
    build::parse_with(text, limits, false)
}

/// Read a single-document YAML text (a configuration file): the first document's
/// root, or every problem of the stream. An empty text is a null node.
pub fn parse_single(text: &str, limits: &Limits) -> Result<Node, Vec<Problem>> {
    let stream = parse_stream(text, limits);
    let problems: Vec<Problem> = stream.problems().cloned().collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut docs = stream.documents.into_iter();
    let first = docs.next();
    if let Some(second) = docs.find(|d| !d.is_empty()) {
        return Err(vec![Problem::parse(
            Span::empty_at(second.span.start),
            "expected a single YAML document, found several",
        )]);
    }
    match first.map(|d| d.root) {
        Some(Ok(node)) => Ok(node),
        Some(Err(p)) => Err(vec![p]),
        None => Ok(Node::new(Value::Null, Span::empty_at(0))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every mapping and sequence of a parsed tree holds exactly its
    /// children (no spare capacity), whichever reader read it.
    #[test]
    fn collections_hold_exactly_their_children() {
        fn check(node: &Node) {
            match &node.value {
                Value::Map(entries) => {
                    assert_eq!(entries.capacity(), entries.len());
                    for (k, v) in entries {
                        check(k);
                        check(v);
                    }
                }
                Value::Seq(items) => {
                    assert_eq!(items.capacity(), items.len());
                    items.iter().for_each(check);
                }
                _ => {}
            }
        }
        let limits = Limits::default();
        for text in [
            "a: 1\nb:\n  - x\n  - {c: 2, d: [3, 4, 5]}\n  - - 6\n    - 7\ne:\n  f:\n    g: h\n",
            "a:\t1\nb: [1, 2, 3]\n---\n- x\n- y: 1\n  z: 2\n",
        ] {
            for doc in &parse_stream(text, &limits).documents {
                check(doc.root.as_ref().expect("a tree"));
            }
        }
    }

    /// The fast reader and the parser alone read a plain text into equal
    /// streams.
    #[test]
    fn fast_and_reference_readers_give_equal_streams() {
        let limits = Limits::default();
        assert_eq!(
            parse_stream("a: 1\n", &limits),
            parse_stream_reference("a: 1\n", &limits)
        );
    }
}
