//! Connectivity lists in text, JSON, CSV, Markdown and Graphviz dot.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use super::ports::ConnSet;

/// An endpoint as shown: its name and whether it is an address range outside the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PeerName {
    /// `ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`.
    pub name: String,
    pub external: bool,
}

/// One allowed connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Connection {
    pub src: PeerName,
    pub dst: PeerName,
    /// `All Connections` or `TCP 80,UDP 53`.
    #[serde(serialize_with = "as_text")]
    pub conns: ConnSet,
}

fn as_text<S: serde::Serializer>(c: &ConnSet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&c.to_string())
}

/// The allowed connections of a set of manifests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConnList {
    /// Every workload, `ns/name[Kind]`, sorted.
    pub workloads: Vec<String>,
    /// Sorted by source, then destination.
    pub connections: Vec<Connection>,
}

/// Output formats of `connlist` and `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnFormat {
    Text,
    Json,
    Csv,
    Markdown,
    Dot,
}

impl std::str::FromStr for ConnFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(ConnFormat::Text),
            "json" => Ok(ConnFormat::Json),
            "csv" => Ok(ConnFormat::Csv),
            "md" | "markdown" => Ok(ConnFormat::Markdown),
            "dot" => Ok(ConnFormat::Dot),
            other => Err(format!(
                "unknown format `{other}` (expected text, json, csv, md or dot)"
            )),
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl ConnList {
    /// Render in `format`.
    pub fn render(&self, format: ConnFormat) -> String {
        match format {
            ConnFormat::Text => self.to_text(),
            ConnFormat::Json => self.to_json(),
            ConnFormat::Csv => self.to_csv(),
            ConnFormat::Markdown => self.to_markdown(),
            ConnFormat::Dot => self.to_dot(),
        }
    }

    /// `src => dst : conns`, one line each (netpol-analyzer's connlist text format).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for c in &self.connections {
            let _ = writeln!(out, "{} => {} : {}", c.src.name, c.dst.name, c.conns);
        }
        out
    }

    /// `[{"src": …, "dst": …, "conn": …}]`, netpol-analyzer's JSON fields.
    pub fn to_json(&self) -> String {
        let rows: Vec<serde_json::Value> = self
            .connections
            .iter()
            .map(|c| {
                serde_json::json!({
                    "src": c.src.name,
                    "dst": c.dst.name,
                    "conn": c.conns.to_string(),
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
        s.push('\n');
        s
    }

    /// `src,dst,conn` with a header row.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("src,dst,conn\n");
        for c in &self.connections {
            let _ = writeln!(
                out,
                "{},{},{}",
                csv_field(&c.src.name),
                csv_field(&c.dst.name),
                csv_field(&c.conns.to_string())
            );
        }
        out
    }

    /// A table `| src | dst | conn |`.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("| src | dst | conn |\n|-----|-----|------|\n");
        for c in &self.connections {
            let _ = writeln!(out, "| {} | {} | {} |", c.src.name, c.dst.name, c.conns);
        }
        out
    }

    /// A Graphviz digraph: workloads grouped by namespace, external ranges as
    /// boxes, one labelled edge per connection.
    pub fn to_dot(&self) -> String {
        let mut out =
            String::from("digraph {\n\tcolor=\"red2\"\n\tfontsize=14\n\tfontcolor=\"maroon\"\n");
        let mut namespaces: std::collections::BTreeMap<&str, Vec<&str>> =
            std::collections::BTreeMap::new();
        for w in &self.workloads {
            let ns = w.split_once('/').map_or("", |(n, _)| n);
            namespaces.entry(ns).or_default().push(w);
        }
        for (i, (ns, ws)) in namespaces.iter().enumerate() {
            let _ = writeln!(
                out,
                "\tsubgraph \"cluster_{i}\" {{\n\t\tlabel={}",
                dot_quote(ns)
            );
            for w in ws {
                let label = w.split_once('/').map_or(*w, |(_, n)| n);
                let _ = writeln!(
                    out,
                    "\t\t{} [label={} color=\"blue\" fontcolor=\"blue\"]",
                    dot_quote(w),
                    dot_quote(label)
                );
            }
            out.push_str("\t}\n");
        }
        let externals: BTreeSet<&str> = self
            .connections
            .iter()
            .flat_map(|c| [&c.src, &c.dst])
            .filter(|p| p.external)
            .map(|p| p.name.as_str())
            .collect();
        for e in externals {
            let label = e.trim_end_matches("[External]");
            let _ = writeln!(
                out,
                "\t{} [label={} shape=\"box\" color=\"red2\" fontcolor=\"red2\"]",
                dot_quote(e),
                dot_quote(label)
            );
        }
        for c in &self.connections {
            let _ = writeln!(
                out,
                "\t{} -> {} [label={} color=\"gold2\" fontcolor=\"darkgreen\"]",
                dot_quote(&c.src.name),
                dot_quote(&c.dst.name),
                dot_quote(&c.conns.to_string())
            );
        }
        out.push_str("}\n");
        out
    }

    /// Read the text format back (`src => dst : conns` lines; blank lines ignored).
    pub fn parse_text(text: &str) -> Result<Vec<(String, String, ConnSet)>, String> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (pair, conns) = line
                .rsplit_once(" : ")
                .ok_or_else(|| format!("line {}: no ` : `", i + 1))?;
            let (src, dst) = pair
                .split_once(" => ")
                .ok_or_else(|| format!("line {}: no ` => `", i + 1))?;
            let conns: ConnSet = conns.parse().map_err(|e| format!("line {}: {e}", i + 1))?;
            out.push((src.trim().to_string(), dst.trim().to_string(), conns));
        }
        Ok(out)
    }
}
