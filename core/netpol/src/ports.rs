//! Sets of connections: protocols (TCP, UDP, SCTP) and port ranges.

use std::fmt;

/// A NetworkPolicy protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
    #[serde(rename = "SCTP")]
    Sctp,
}

impl Protocol {
    /// In the order netpol-analyzer prints them (sorted by name).
    pub const ALL: [Protocol; 3] = [Protocol::Sctp, Protocol::Tcp, Protocol::Udp];

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    /// `TCP`, `UDP` or `SCTP`, exactly (the API server is case-sensitive).
    pub fn parse(text: &str) -> Option<Protocol> {
        match text {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    fn index(self) -> usize {
        match self {
            Protocol::Sctp => 0,
            Protocol::Tcp => 1,
            Protocol::Udp => 2,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const MIN_PORT: u16 = 1;
pub const MAX_PORT: u16 = 65535;

/// Sorted, disjoint, non-adjacent inclusive port ranges within 1..=65535.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PortSet {
    pub ranges: Vec<(u16, u16)>,
}

impl PortSet {
    pub fn all() -> Self {
        Self {
            ranges: vec![(MIN_PORT, MAX_PORT)],
        }
    }

    pub fn range(first: u16, last: u16) -> Self {
        let first = first.max(MIN_PORT);
        if first > last {
            return Self::default();
        }
        Self {
            ranges: vec![(first, last)],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_all(&self) -> bool {
        self.ranges == [(MIN_PORT, MAX_PORT)]
    }

    pub fn contains(&self, port: u16) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= port && port <= b)
    }

    #[must_use]
    pub fn union(&self, other: &PortSet) -> PortSet {
        let mut all: Vec<(u16, u16)> = self
            .ranges
            .iter()
            .chain(other.ranges.iter())
            .copied()
            .collect();
        all.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match out.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        PortSet { ranges: out }
    }

    #[must_use]
    pub fn intersect(&self, other: &PortSet) -> PortSet {
        let mut out = Vec::new();
        for &(a, b) in &self.ranges {
            for &(c, d) in &other.ranges {
                let lo = a.max(c);
                let hi = b.min(d);
                if lo <= hi {
                    out.push((lo, hi));
                }
            }
        }
        out.sort_unstable();
        PortSet { ranges: out }
    }

    /// `self` minus `other`.
    #[must_use]
    pub fn subtract(&self, other: &PortSet) -> PortSet {
        let mut pieces = self.ranges.clone();
        for &(c, d) in &other.ranges {
            let mut next = Vec::new();
            for (a, b) in pieces {
                if d < a || c > b {
                    next.push((a, b));
                    continue;
                }
                if c > a {
                    next.push((a, c - 1));
                }
                if d < b {
                    next.push((d + 1, b));
                }
            }
            pieces = next;
        }
        PortSet { ranges: pieces }
    }
}

impl fmt::Display for PortSet {
    /// `80,8080-8090`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (a, b)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}-{b}")?;
            }
        }
        Ok(())
    }
}

/// Allowed connections: a port set per protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ConnSet {
    /// Indexed as [`Protocol::ALL`] (SCTP, TCP, UDP).
    ports: [PortSet; 3],
}

impl ConnSet {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn all() -> Self {
        Self {
            ports: [PortSet::all(), PortSet::all(), PortSet::all()],
        }
    }

    pub fn of(protocol: Protocol, ports: PortSet) -> Self {
        let mut c = Self::none();
        c.set(protocol, ports);
        c
    }

    pub fn ports(&self, protocol: Protocol) -> &PortSet {
        match self.ports.get(protocol.index()) {
            Some(p) => p,
            None => &EMPTY,
        }
    }

    fn set(&mut self, protocol: Protocol, ports: PortSet) {
        if let Some(slot) = self.ports.get_mut(protocol.index()) {
            *slot = ports;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ports.iter().all(PortSet::is_empty)
    }

    pub fn is_all(&self) -> bool {
        self.ports.iter().all(PortSet::is_all)
    }

    pub fn contains(&self, protocol: Protocol, port: u16) -> bool {
        self.ports(protocol).contains(port)
    }

    pub fn add(&mut self, protocol: Protocol, ports: &PortSet) {
        let merged = self.ports(protocol).union(ports);
        self.set(protocol, merged);
    }

    #[must_use]
    pub fn union(&self, other: &ConnSet) -> ConnSet {
        let mut out = self.clone();
        for p in Protocol::ALL {
            out.add(p, other.ports(p));
        }
        out
    }

    #[must_use]
    pub fn intersect(&self, other: &ConnSet) -> ConnSet {
        let mut out = ConnSet::none();
        for p in Protocol::ALL {
            out.set(p, self.ports(p).intersect(other.ports(p)));
        }
        out
    }

    #[must_use]
    pub fn subtract(&self, other: &ConnSet) -> ConnSet {
        let mut out = ConnSet::none();
        for p in Protocol::ALL {
            out.set(p, self.ports(p).subtract(other.ports(p)));
        }
        out
    }

    /// Protocols with some port, with their ports.
    pub fn iter(&self) -> impl Iterator<Item = (Protocol, &PortSet)> {
        Protocol::ALL
            .into_iter()
            .map(|p| (p, self.ports(p)))
            .filter(|(_, s)| !s.is_empty())
    }
}

static EMPTY: PortSet = PortSet { ranges: Vec::new() };

impl fmt::Display for ConnSet {
    /// As netpol-analyzer: `All Connections`, `No Connections`, or
    /// `TCP 80,8080-8090,UDP 53` (protocols in name order).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("All Connections");
        }
        if self.is_empty() {
            return f.write_str("No Connections");
        }
        for (i, (p, ports)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{p} {ports}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ConnSet {
    type Err = String;
    /// Read the text form back (`All Connections`, `TCP 80,UDP 53-54`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s == "All Connections" {
            return Ok(ConnSet::all());
        }
        if s == "No Connections" || s.is_empty() {
            return Ok(ConnSet::none());
        }
        let mut out = ConnSet::none();
        let mut current: Option<Protocol> = None;
        for part in s.split(',') {
            let part = part.trim();
            let ports = if let Some((proto, rest)) = part.split_once(' ') {
                current = Some(
                    Protocol::parse(proto).ok_or_else(|| format!("unknown protocol `{proto}`"))?,
                );
                rest
            } else {
                part
            };
            let protocol = current.ok_or_else(|| format!("no protocol before `{part}`"))?;
            let (a, b) = match ports.split_once('-') {
                Some((a, b)) => (a, b),
                None => (ports, ports),
            };
            let a: u16 = a.trim().parse().map_err(|_| format!("bad port `{a}`"))?;
            let b: u16 = b.trim().parse().map_err(|_| format!("bad port `{b}`"))?;
            out.add(protocol, &PortSet::range(a, b));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse() {
        let mut c = ConnSet::none();
        c.add(Protocol::Tcp, &PortSet::range(8080, 8080));
        c.add(Protocol::Tcp, &PortSet::range(9090, 9090));
        c.add(Protocol::Udp, &PortSet::range(8080, 8080));
        assert_eq!(c.to_string(), "TCP 8080,9090,UDP 8080");
        assert_eq!("TCP 8080,9090,UDP 8080".parse::<ConnSet>().unwrap(), c);
        assert_eq!(ConnSet::all().to_string(), "All Connections");
        let t: ConnSet = "TCP 10053-10054,UDP 10053".parse().unwrap();
        assert!(t.contains(Protocol::Tcp, 10054));
        assert!(!t.contains(Protocol::Udp, 10054));
        let mut all = ConnSet::none();
        for p in Protocol::ALL {
            all.add(p, &PortSet::all());
        }
        assert_eq!(all.to_string(), "All Connections");
        assert_eq!(
            ConnSet::of(Protocol::Tcp, PortSet::all()).to_string(),
            "TCP 1-65535"
        );
    }

    #[test]
    fn union_merges_adjacent() {
        let a = PortSet::range(1, 5).union(&PortSet::range(6, 9));
        assert_eq!(a.ranges, vec![(1, 9)]);
        assert_eq!(
            a.subtract(&PortSet::range(3, 3)).ranges,
            vec![(1, 2), (4, 9)]
        );
    }
}
