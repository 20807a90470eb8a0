//! Connections added and removed between two sets of manifests (before and after a
//! change), for code review.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::eval::{Analysis, Endpoint};
use super::ip::partition;
use super::model::{Cluster, Direction};
use super::ports::ConnSet;
use super::render::ConnFormat;
use stockade_source::source::Source;

/// How a pair's connections changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The pair could not connect before and can now.
    Added,
    /// The pair could connect before and cannot now.
    Removed,
    /// The pair connects before and after, with different ports.
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One changed pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub src: String,
    pub dst: String,
    #[serde(serialize_with = "as_text")]
    pub before: ConnSet,
    #[serde(serialize_with = "as_text")]
    pub after: ConnSet,
    /// What the change opens (after minus before).
    #[serde(serialize_with = "as_text")]
    pub opened: ConnSet,
    /// What it closes (before minus after).
    #[serde(serialize_with = "as_text")]
    pub closed: ConnSet,
}

fn as_text<S: serde::Serializer>(c: &ConnSet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&c.to_string())
}

/// The changes between two connectivity lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConnDiff {
    /// Sorted by source, destination.
    pub changes: Vec<Change>,
}

fn conns_of(
    cluster: &Cluster,
    src_ranges: &[super::ip::IpRange],
    dst_ranges: &[super::ip::IpRange],
) -> BTreeMap<(String, String), ConnSet> {
    let a = Analysis::new(cluster);
    a.connections_with(src_ranges, dst_ranges)
        .into_iter()
        .map(|(s, d, c): (Endpoint, Endpoint, ConnSet)| ((a.name(s), a.name(d)), c))
        .collect()
}

/// Compare the connections of `before` and `after`. External addresses are split by
/// the `ipBlock`s of both sides, so that a range is compared with itself.
pub fn diff(before: &[Source], after: &[Source]) -> ConnDiff {
    let b = Cluster::from_sources(before);
    let a = Cluster::from_sources(after);
    let (ab, aa) = (Analysis::new(&b), Analysis::new(&a));
    let mut src = ab.ip_blocks(Direction::Ingress);
    src.extend(aa.ip_blocks(Direction::Ingress));
    let mut dst = ab.ip_blocks(Direction::Egress);
    dst.extend(aa.ip_blocks(Direction::Egress));
    let (src, dst) = (partition(&src), partition(&dst));
    let before = conns_of(&b, &src, &dst);
    let after = conns_of(&a, &src, &dst);
    let mut keys: Vec<&(String, String)> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let none = ConnSet::none();
    let mut changes = Vec::new();
    for k in keys {
        let x = before.get(k).unwrap_or(&none);
        let y = after.get(k).unwrap_or(&none);
        if x == y {
            continue;
        }
        let kind = if x.is_empty() {
            ChangeKind::Added
        } else if y.is_empty() {
            ChangeKind::Removed
        } else {
            ChangeKind::Changed
        };
        changes.push(Change {
            kind,
            src: k.0.clone(),
            dst: k.1.clone(),
            before: x.clone(),
            after: y.clone(),
            opened: y.subtract(x),
            closed: x.subtract(y),
        });
    }
    ConnDiff { changes }
}

impl ConnDiff {
    pub fn render(&self, format: ConnFormat) -> String {
        match format {
            ConnFormat::Text => self.to_text(),
            ConnFormat::Json => {
                let mut s = serde_json::to_string_pretty(&self.changes).unwrap_or_default();
                s.push('\n');
                s
            }
            ConnFormat::Csv => {
                let mut out = String::from("diff-type,source,destination,before,after\n");
                for c in &self.changes {
                    let q = |s: &str| {
                        if s.contains(',') {
                            format!("\"{s}\"")
                        } else {
                            s.to_string()
                        }
                    };
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{}",
                        c.kind.as_str(),
                        q(&c.src),
                        q(&c.dst),
                        q(&c.before.to_string()),
                        q(&c.after.to_string())
                    );
                }
                out
            }
            ConnFormat::Markdown => {
                let mut out = String::from(
                    "| diff-type | source | destination | before | after |\n|-----------|--------|-------------|--------|-------|\n",
                );
                for c in &self.changes {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {} | {} |",
                        c.kind.as_str(),
                        c.src,
                        c.dst,
                        c.before,
                        c.after
                    );
                }
                out
            }
            ConnFormat::Dot => {
                let mut out = String::from("digraph {\n");
                for c in &self.changes {
                    let color = match c.kind {
                        ChangeKind::Added => "#008000",
                        ChangeKind::Removed => "red2",
                        ChangeKind::Changed => "magenta",
                    };
                    let _ = writeln!(
                        out,
                        "\t\"{}\" -> \"{}\" [label=\"{} -> {}\" color=\"{color}\" fontcolor=\"{color}\"]",
                        c.src, c.dst, c.before, c.after
                    );
                }
                out.push_str("}\n");
                out
            }
        }
    }

    /// One line per change, as netpol-analyzer's diff text:
    /// `diff-type: added, source: …, destination: …, ref1: No Connections, ref2: TCP 80`.
    pub fn to_text(&self) -> String {
        if self.changes.is_empty() {
            return "No connections changed.\n".to_string();
        }
        let mut out = String::from("Connectivity diff:\n");
        for c in &self.changes {
            let _ = writeln!(
                out,
                "diff-type: {}, source: {}, destination: {}, ref1: {}, ref2: {}",
                c.kind.as_str(),
                c.src,
                c.dst,
                c.before,
                c.after
            );
        }
        out
    }
}
