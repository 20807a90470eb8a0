//! The node tree: values with the byte span they were read from.

use stockade_source::finding::Problem;
use stockade_source::source::Span;

/// How a node was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Style {
    /// A plain (unquoted) scalar, or an empty value.
    #[default]
    Plain,
    /// `'single quoted'`.
    SingleQuoted,
    /// `"double quoted"`.
    DoubleQuoted,
    /// `|` block scalar.
    Literal,
    /// `>` block scalar.
    Folded,
    /// Block (indented) mapping or sequence.
    Block,
    /// Flow (`{}` / `[]`) mapping or sequence.
    Flow,
}

impl Style {
    /// Quoted or block scalars: always strings unless explicitly tagged.
    pub fn is_quoted_or_block(self) -> bool {
        matches!(
            self,
            Style::SingleQuoted | Style::DoubleQuoted | Style::Literal | Style::Folded
        )
    }
}

/// A resolved value, as go-yaml v2 resolves it for an `interface{}` target.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Integers that fit `i64`. Plain integers in `(i64::MAX, u64::MAX]` are kept as
    /// [`Value::Float`] (go-yaml gives `uint64`; see the module docs).
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in source order (merge keys `<<` already applied, see the module docs).
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The name used in messages (`string`, `mapping`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }
}

/// An explicit tag of a [`Node`], read as a `str` (it derefs to one). Tags
/// are rare: the text is kept behind one thin pointer so that the many untagged
/// nodes stay small (a node is 56 bytes, not 72 as with an `Option<String>`).
#[derive(Clone, PartialEq, Eq, Hash)]
// The box is the point: a thin pointer where a `String` takes three words.
#[allow(clippy::box_collection)]
pub struct NodeTag(Box<String>);

impl NodeTag {
    pub fn new(tag: impl Into<String>) -> Self {
        Self(Box::new(tag.into()))
    }
}

impl std::ops::Deref for NodeTag {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NodeTag {
    /// As the text (`"!custom"`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self.0, f)
    }
}

/// A YAML node: its value and where it was read from.
///
/// Spans are byte offsets into the text given to [`super::parse_stream`]:
/// - plain scalars: the scalar text; quoted scalars: the text *including* the quotes;
///   block scalars: from the `|`/`>` indicator to the end of the last content line;
///   an empty value (`key:` with nothing after it): an empty span right after the `:`
///   (or where the parser placed it);
/// - mappings and sequences: from their first character (`{`, `[`, `-`, or the first
///   key) to the end of their last child (flow: through the closing bracket);
/// - nodes copied from an anchor by an alias keep the spans of the anchored node,
///   except the copy's root, which takes the span of the alias (`*name`).
///
/// Keys are nodes too and keep their own spans (see [`Node::get_entry`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// The explicit tag as written, expanded (`!!str` → `tag:yaml.org,2002:str`,
    /// `!foo` → `!foo`); `None` when untagged (`tag.as_deref()` reads it).
    pub tag: Option<NodeTag>,
    pub style: Style,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Self {
            value,
            span,
            tag: None,
            style: Style::Plain,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    /// Integers and floats as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The key as JSON sees it (sigs.k8s.io/yaml turns `1`, `true`, `1.5` keys into
    /// strings); `None` for keys JSON cannot have (null, collections).
    pub fn key_string(&self) -> Option<String> {
        super::json::key_string(self)
    }

    /// The value under `key` in a mapping (compared as JSON would: a key `1` matches `"1"`).
    /// With repeated keys (only possible through merges) the last one wins, as in JSON.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key node and value node for `key` in a mapping.
    pub fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        let entries = self.as_map()?;
        entries
            .iter()
            .rev()
            .find(|(k, _)| key_matches(k, key))
            .map(|(k, v)| (k, v))
    }

    /// The `index`-th item of a sequence.
    pub fn at(&self, index: usize) -> Option<&Node> {
        self.as_seq()?.get(index)
    }

    /// The node at a JSON pointer (RFC 6901: `""` is the node itself,
    /// `/spec/containers/0/image`, `~1` for `/` and `~0` for `~`).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let located = self.locate(pointer);
        located.exact.then_some(located.node)
    }

    /// Span of the node at a JSON pointer, if it exists.
    pub fn pointer_span(&self, pointer: &str) -> Option<Span> {
        self.pointer(pointer).map(|n| n.span)
    }

    /// Walk a JSON pointer as far as it exists. Positions Rego/Kyverno findings:
    /// when the pointer names a missing field (`/spec/securityContext/runAsNonRoot`
    /// absent), the deepest existing ancestor is returned with `exact == false`.
    pub fn locate(&self, pointer: &str) -> Located<'_> {
        let mut located = Located {
            node: self,
            key: None,
            depth: 0,
            exact: true,
        };
        if pointer.is_empty() {
            return located;
        }
        let Some(rest) = pointer.strip_prefix('/') else {
            located.exact = false;
            return located;
        };
        for raw in rest.split('/') {
            let token = unescape_pointer_token(raw);
            let next = match &located.node.value {
                Value::Map(_) => located.node.get_entry(&token).map(|(k, v)| (Some(k), v)),
                Value::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .filter(|_| token == "0" || !token.starts_with('0'))
                    .and_then(|i| items.get(i))
                    .map(|v| (None, v)),
                _ => None,
            };
            let Some((key, node)) = next else {
                located.exact = false;
                return located;
            };
            located.node = node;
            located.key = key;
            located.depth += 1;
        }
        located
    }

    /// Convert to JSON as sigs.k8s.io/yaml's `YAMLToJSON` does: non-string keys become
    /// strings, later duplicate keys (after conversion) win. Lossy where Kubernetes would
    /// fail (NaN/infinite floats become `null`, null or collection keys are dropped);
    /// use [`Node::try_to_json`] to get those failures as located problems.
    pub fn to_json(&self) -> serde_json::Value {
        super::json::to_json_lossy(self)
    }

    /// Like [`Node::to_json`], but fails where Kubernetes' conversion fails: NaN or
    /// infinite float values (`json: unsupported value`), and keys that are null,
    /// collections or out of `int64` range (`unsupported map key`).
    pub fn try_to_json(&self) -> Result<serde_json::Value, Problem> {
        super::json::to_json_strict(self)
    }

    /// Every node in the tree with its JSON pointer, pre-order (for building an index
    /// when many pointers are looked up in one document).
    pub fn walk<F: FnMut(&str, &Node)>(&self, mut f: F) {
        let mut path = String::new();
        walk_inner(self, &mut path, &mut f);
    }
}

fn walk_inner<F: FnMut(&str, &Node)>(node: &Node, path: &mut String, f: &mut F) {
    f(path, node);
    let len = path.len();
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                if let Some(key) = k.key_string() {
                    path.push('/');
                    path.push_str(&escape_pointer_token(&key));
                    walk_inner(v, path, f);
                    path.truncate(len);
                }
            }
        }
        Value::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push('/');
                path.push_str(&i.to_string());
                walk_inner(v, path, f);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Result of [`Node::locate`].
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    /// The node reached (the target when `exact`, else the deepest existing ancestor).
    pub node: &'a Node,
    /// The key node under which `node` sits, when its parent is a mapping.
    pub key: Option<&'a Node>,
    /// How many pointer tokens were matched.
    pub depth: usize,
    /// Whether the whole pointer was matched.
    pub exact: bool,
}

impl Located<'_> {
    /// The span to point a finding at: the node's, or for a missing field the key of
    /// its deepest existing ancestor (so `spec:` is highlighted, not the whole spec).
    pub fn span(&self) -> Span {
        match (self.exact, self.key) {
            (false, Some(key)) => key.span,
            _ => self.node.span,
        }
    }
}

fn key_matches(k: &Node, key: &str) -> bool {
    match &k.value {
        Value::String(s) => s == key,
        _ => k.key_string().is_some_and(|s| s == key),
    }
}

/// Decode one JSON pointer token (`~1` → `/`, `~0` → `~`).
pub fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Encode one JSON pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        std::borrow::Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}
