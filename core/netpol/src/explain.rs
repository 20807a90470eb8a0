//! Why a connection is allowed or denied: the policies and rules that decide it,
//! with their positions, in a form to paste into a review.

use std::fmt::Write as _;

use serde::Serialize;

use super::eval::{Analysis, Endpoint};
use super::ip::parse_cidr;
use super::model::{Cluster, Direction, Loc, PeerKind, Policy, Rule};
use super::ports::{ConnSet, Protocol};
use stockade_source::source::{Source, Span};

/// One rule of a policy, and what it says about the pair.
#[derive(Debug, Clone, Serialize)]
pub struct RuleExplanation {
    /// 0-based index in the policy's `ingress` or `egress` list.
    pub index: usize,
    /// `path:line:column` of the rule.
    pub location: String,
    /// Whether the rule's peers select the other end.
    pub selects: bool,
    /// Which peer selects it (`every peer (no from/to)`, `peer 0: podSelector app=web`), or why none does.
    pub reason: String,
    /// What the rule allows towards the destination (empty when it does not select).
    #[serde(serialize_with = "as_text")]
    pub allows: ConnSet,
}

/// A policy that selects the workload in the direction explained.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyExplanation {
    /// `ns/name`.
    pub policy: String,
    pub location: String,
    pub rules: Vec<RuleExplanation>,
    #[serde(serialize_with = "as_text")]
    pub allows: ConnSet,
}

/// One side: egress at the source, or ingress at the destination.
#[derive(Debug, Clone, Serialize)]
pub struct SideExplanation {
    pub direction: Direction,
    /// The workload whose policies decide this side.
    pub workload: String,
    /// Whether some policy selects it for this direction.
    pub isolated: bool,
    pub policies: Vec<PolicyExplanation>,
    #[serde(serialize_with = "as_text")]
    pub allows: ConnSet,
}

/// Why `src` may or may not connect to `dst`.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub src: String,
    pub dst: String,
    /// The port asked about, if any (`8080/TCP`).
    pub query: Option<String>,
    /// Egress at the source (absent for an address outside the cluster: not isolated).
    pub egress: Option<SideExplanation>,
    /// Ingress at the destination (absent for an address outside the cluster).
    pub ingress: Option<SideExplanation>,
    /// Both sides together.
    #[serde(serialize_with = "as_text")]
    pub allowed: ConnSet,
    /// Whether the queried port (or, without one, any connection) is allowed.
    pub verdict: bool,
}

fn as_text<S: serde::Serializer>(c: &ConnSet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&c.to_string())
}

/// Parse `8080/TCP`, `53/udp` or `8080` (TCP).
pub fn parse_port(text: &str) -> Result<(Protocol, u16), String> {
    let (port, proto) = text.split_once('/').unwrap_or((text, "TCP"));
    let protocol = Protocol::parse(&proto.to_ascii_uppercase())
        .ok_or_else(|| format!("unknown protocol `{proto}` (expected TCP, UDP or SCTP)"))?;
    let port: u16 = port
        .trim()
        .parse()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("invalid port `{port}` (expected 1-65535)"))?;
    Ok((protocol, port))
}

fn endpoint(cluster: &Cluster, text: &str) -> Result<Endpoint, String> {
    if let Some(w) = cluster.find_workload(text) {
        return Ok(Endpoint::Workload(w));
    }
    let as_cidr = if text.contains('/') && text.parse::<std::net::IpAddr>().is_err() {
        parse_cidr(text).ok().filter(|_| {
            text.split_once('/')
                .is_some_and(|(a, _)| a.parse::<std::net::IpAddr>().is_ok())
        })
    } else {
        None
    };
    if let Some(r) = as_cidr {
        return Ok(Endpoint::External(r));
    }
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        if let Ok(r) = parse_cidr(&format!("{ip}/{bits}")) {
            return Ok(Endpoint::External(r));
        }
    }
    let known: Vec<String> = cluster
        .workloads
        .iter()
        .take(10)
        .map(super::model::Workload::id)
        .collect();
    Err(format!(
        "`{text}` is neither a workload of the manifests (ns/name) nor an IP address or CIDR; workloads include: {}",
        if known.is_empty() { "none".to_string() } else { known.join(", ") }
    ))
}

struct Positions<'s> {
    sources: &'s [Source],
}

impl Positions<'_> {
    fn at(&self, loc: &Loc, span: Span) -> String {
        match self.sources.get(loc.source) {
            Some(s) => {
                let p = s.position(span.start);
                format!("{}:{}:{}", s.path(), p.line, p.column)
            }
            None => "?".to_string(),
        }
    }
}

fn peer_text(p: &PeerKind) -> String {
    match p {
        PeerKind::Selectors { namespace, pod } => {
            let mut parts = Vec::new();
            if let Some(ns) = namespace {
                parts.push(format!("namespaceSelector {ns}"));
            }
            if let Some(pod) = pod {
                parts.push(format!("podSelector {pod}"));
            }
            parts.join(" + ")
        }
        PeerKind::IpBlock(b) => {
            let mut t = format!("ipBlock {}", b.cidr);
            if !b.except.is_empty() {
                let ex: Vec<&str> = b.except.iter().map(|(e, _)| e.as_str()).collect();
                let _ = write!(t, " except {}", ex.join(","));
            }
            t
        }
        PeerKind::Invalid(e) => format!("invalid peer ({e})"),
    }
}

fn explain_rule(
    a: &Analysis<'_>,
    pos: &Positions<'_>,
    p: &Policy,
    r: &Rule,
    other: Endpoint,
    dst: Endpoint,
    dir: Direction,
) -> RuleExplanation {
    let matched = a.rule_match(p, r, other);
    let (selects, reason) = match matched {
        Some(None) => (
            true,
            format!(
                "no `{}`: every peer, in and outside the cluster",
                dir.peers_key()
            ),
        ),
        Some(Some(i)) => (
            true,
            format!(
                "{} peer {i} ({}) selects {}",
                dir.peers_key(),
                r.peers
                    .get(i)
                    .map_or_else(String::new, |x| peer_text(&x.kind)),
                a.name(other)
            ),
        ),
        None => {
            let peers: Vec<String> = r.peers.iter().map(|x| peer_text(&x.kind)).collect();
            (
                false,
                format!(
                    "no `{}` peer selects {} (peers: {})",
                    dir.peers_key(),
                    a.name(other),
                    peers.join("; ")
                ),
            )
        }
    };
    let allows = if selects {
        a.rule_conns(r, dst)
    } else {
        ConnSet::none()
    };
    RuleExplanation {
        index: r.index,
        location: pos.at(&r.loc, r.loc.span),
        selects,
        reason,
        allows,
    }
}

fn explain_side(
    a: &Analysis<'_>,
    pos: &Positions<'_>,
    wi: usize,
    dir: Direction,
    other: Endpoint,
) -> SideExplanation {
    let policies = match dir {
        Direction::Ingress => a.ingress_policies.get(wi),
        Direction::Egress => a.egress_policies.get(wi),
    }
    .cloned()
    .unwrap_or_default();
    let dst = match dir {
        Direction::Ingress => Endpoint::Workload(wi),
        Direction::Egress => other,
    };
    let mut out = Vec::new();
    let mut allows = if policies.is_empty() {
        ConnSet::all()
    } else {
        ConnSet::none()
    };
    for pi in policies {
        let Some(p) = a.cluster.policies.get(pi) else {
            continue;
        };
        let rules: Vec<RuleExplanation> = p
            .rules(dir)
            .iter()
            .map(|r| explain_rule(a, pos, p, r, other, dst, dir))
            .collect();
        let mut pa = ConnSet::none();
        for r in &rules {
            pa = pa.union(&r.allows);
        }
        allows = allows.union(&pa);
        out.push(PolicyExplanation {
            policy: p.id(),
            location: pos.at(&p.loc, p.loc.span),
            rules,
            allows: pa,
        });
    }
    SideExplanation {
        direction: dir,
        workload: a.name(Endpoint::Workload(wi)),
        isolated: !out.is_empty(),
        policies: out,
        allows,
    }
}

/// Explain the connection from `from` to `to` (`ns/name`, `ns/name[Kind]`, an IP
/// address or a CIDR outside the cluster), optionally for one port (`8080/TCP`).
pub fn explain(
    sources: &[Source],
    from: &str,
    to: &str,
    port: Option<&str>,
) -> Result<Explanation, String> {
    let cluster = Cluster::from_sources(sources);
    let a = Analysis::new(&cluster);
    let src = endpoint(&cluster, from)?;
    let dst = endpoint(&cluster, to)?;
    if matches!((src, dst), (Endpoint::External(_), Endpoint::External(_))) {
        return Err("one end must be a workload of the manifests".to_string());
    }
    let query = port.map(parse_port).transpose()?;
    let pos = Positions { sources };
    let egress = match src {
        Endpoint::Workload(s) => Some(explain_side(&a, &pos, s, Direction::Egress, dst)),
        Endpoint::External(_) => None,
    };
    let ingress = match dst {
        Endpoint::Workload(d) => Some(explain_side(&a, &pos, d, Direction::Ingress, src)),
        Endpoint::External(_) => None,
    };
    let mut allowed = ConnSet::all();
    for side in [&egress, &ingress].into_iter().flatten() {
        allowed = allowed.intersect(&side.allows);
    }
    let verdict = match query {
        Some((p, n)) => allowed.contains(p, n),
        None => !allowed.is_empty(),
    };
    Ok(Explanation {
        src: a.name(src),
        dst: a.name(dst),
        query: query.map(|(p, n)| format!("{n}/{p}")),
        egress,
        ingress,
        allowed,
        verdict,
    })
}

fn side_text(out: &mut String, side: &SideExplanation, query: Option<(Protocol, u16)>) {
    let (verb, prep) = match side.direction {
        Direction::Egress => ("Egress", "from"),
        Direction::Ingress => ("Ingress", "to"),
    };
    if !side.isolated {
        let _ = writeln!(
            out,
            "{verb} {prep} {}: not isolated (no NetworkPolicy of its namespace selects it with {} in policyTypes), so everything is allowed",
            side.workload,
            side.direction.as_str()
        );
        return;
    }
    let _ = writeln!(
        out,
        "{verb} {prep} {}: isolated by {} NetworkPolic{}; together they allow: {}",
        side.workload,
        side.policies.len(),
        if side.policies.len() == 1 { "y" } else { "ies" },
        side.allows
    );
    for p in &side.policies {
        let _ = writeln!(
            out,
            "  - NetworkPolicy {} ({}) allows: {}",
            p.policy, p.location, p.allows
        );
        if p.rules.is_empty() {
            let _ = writeln!(
                out,
                "      no {} rules: it only isolates",
                side.direction.key()
            );
        }
        for r in &p.rules {
            let mark = match query {
                Some((proto, port)) if r.allows.contains(proto, port) => "ALLOWS the port",
                _ if r.selects && r.allows.is_empty() => {
                    "selects the peer, but none of its ports apply"
                }
                _ if r.selects => "selects the peer",
                _ => "does not apply",
            };
            let _ = writeln!(
                out,
                "      {} rule {} ({}): {mark}: {}{}",
                side.direction.key(),
                r.index,
                r.location,
                r.reason,
                if r.selects {
                    format!("; allows {}", r.allows)
                } else {
                    String::new()
                }
            );
        }
    }
}

impl Explanation {
    /// Plain text, for a terminal or a review comment.
    pub fn to_text(&self) -> String {
        let query = self.query.as_deref().and_then(|q| parse_port(q).ok());
        let mut out = String::new();
        let verdict = if self.verdict { "ALLOWED" } else { "DENIED" };
        match &self.query {
            Some(q) => {
                let _ = writeln!(out, "{} => {} on {q}: {verdict}", self.src, self.dst);
            }
            None => {
                let _ = writeln!(out, "{} => {} : {}", self.src, self.dst, self.allowed);
            }
        }
        out.push('\n');
        match &self.egress {
            Some(side) => side_text(&mut out, side, query),
            None => {
                let _ = writeln!(
                    out,
                    "Egress from {}: outside the cluster, not restricted by NetworkPolicies",
                    self.src
                );
            }
        }
        match &self.ingress {
            Some(side) => side_text(&mut out, side, query),
            None => {
                let _ = writeln!(
                    out,
                    "Ingress to {}: outside the cluster, not restricted by NetworkPolicies",
                    self.dst
                );
            }
        }
        out.push('\n');
        let blocked: Vec<String> = [&self.egress, &self.ingress]
            .into_iter()
            .flatten()
            .filter(|s| match query {
                Some((p, n)) => !s.allows.contains(p, n),
                None => s.allows.is_empty(),
            })
            .map(|s| format!("the {} of {}", s.direction.key(), s.workload))
            .collect();
        if blocked.is_empty() {
            let _ = writeln!(out, "Result: {verdict}: {}", self.allowed);
        } else {
            let _ = writeln!(
                out,
                "Result: {verdict}: no rule allows it at {} (allowed for the pair: {})",
                blocked.join(" and "),
                self.allowed
            );
        }
        out
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
