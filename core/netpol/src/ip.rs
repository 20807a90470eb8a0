//! IP address ranges: CIDRs, `ipBlock` (CIDR minus `except`), and the partition of
//! the address space that netpol-analyzer reports external peers by.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The address family of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// The last address of the family, as a number.
    pub fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }
}

/// A contiguous, inclusive range of addresses of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpRange {
    pub family: Family,
    pub first: u128,
    pub last: u128,
}

impl IpRange {
    /// Every address of the family (`0.0.0.0/0`, `::/0`).
    pub fn all(family: Family) -> Self {
        Self {
            family,
            first: 0,
            last: family.max(),
        }
    }

    /// Whether `self` lies inside `other`.
    pub fn subset_of_range(&self, other: &IpRange) -> bool {
        self.family == other.family && other.first <= self.first && self.last <= other.last
    }

    /// Whether `self` lies inside `set`.
    pub fn subset_of(&self, set: &IpSet) -> bool {
        set.ranges
            .iter()
            .any(|r| r.family == self.family && r.first <= self.first && self.last <= r.last)
    }
}

fn addr(family: Family, value: u128) -> String {
    match family {
        Family::V4 => Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX)).to_string(),
        Family::V6 => Ipv6Addr::from(value).to_string(),
    }
}

impl fmt::Display for IpRange {
    /// `first-last`, as netpol-analyzer prints IP ranges (`0.0.0.0-255.255.255.255`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            addr(self.family, self.first),
            addr(self.family, self.last)
        )
    }
}

/// A set of addresses: sorted, disjoint, non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpSet {
    pub ranges: Vec<IpRange>,
}

impl IpSet {
    pub fn from_range(range: IpRange) -> Self {
        Self {
            ranges: vec![range],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// `self` minus `other`: one sweep over `other`'s ranges, merged and sorted
    /// once (linear in the ranges after the sort; an `ipBlock` with 50,000
    /// `except` entries used to take quadratic time).
    #[must_use]
    pub fn subtract(&self, other: &IpSet) -> IpSet {
        let cuts = merged(other.ranges.clone());
        let mut out = Vec::new();
        for r in &self.ranges {
            // The first cut of r's family that ends at or after r starts.
            let mut i = cuts.partition_point(|c| (c.family, c.last) < (r.family, r.first));
            let mut from = Some(r.first);
            while let (Some(c), Some(f)) = (cuts.get(i), from) {
                if c.family != r.family || c.first > r.last {
                    break;
                }
                if c.first > f {
                    out.push(IpRange {
                        last: c.first - 1,
                        first: f,
                        ..*r
                    });
                }
                if c.last >= r.last {
                    from = None;
                    break;
                }
                // c.last < r.last: no overflow.
                from = Some(c.last + 1);
                i += 1;
            }
            if let Some(f) = from {
                if f <= r.last {
                    out.push(IpRange { first: f, ..*r });
                }
            }
        }
        out.sort();
        IpSet { ranges: out }
    }

    /// The union of `ranges` (in any order, overlapping or not) as a set.
    pub fn from_ranges(ranges: Vec<IpRange>) -> IpSet {
        IpSet {
            ranges: merged(ranges),
        }
    }

    /// Whether every address of `other` is in `self`.
    pub fn contains_set(&self, other: &IpSet) -> bool {
        other.subtract(self).is_empty()
    }
}

/// `ranges` sorted by family and first address, overlapping and adjacent ones
/// merged (so their last addresses are sorted too).
fn merged(mut ranges: Vec<IpRange>) -> Vec<IpRange> {
    ranges.sort_unstable();
    let mut out: Vec<IpRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if last.family == r.family && r.first <= last.last.saturating_add(1) => {
                last.last = last.last.max(r.last);
            }
            _ => out.push(r),
        }
    }
    out
}

/// Why a CIDR could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidrError(pub String);

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parse a CIDR (`10.0.0.0/8`, `2001:db8::/32`) as Kubernetes validates it
/// (`netutils.ParseCIDRSloppy`: an address, `/`, a prefix length within the family's
/// size). Host bits may be set (`10.0.0.1/8`): the range is that of the network, as
/// Go's `net.ParseCIDR` gives it.
pub fn parse_cidr(text: &str) -> Result<IpRange, CidrError> {
    let Some((address, prefix)) = text.split_once('/') else {
        return Err(CidrError(format!(
            "`{text}` is not a CIDR (expected an address and a prefix length, like 10.0.0.0/8)"
        )));
    };
    let prefix: u32 = prefix
        .parse()
        .ok()
        .filter(|_| !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| CidrError(format!("`{text}`: invalid prefix length `{prefix}`")))?;
    let (family, value, bits) = if let Ok(v4) = address.parse::<Ipv4Addr>() {
        (Family::V4, u128::from(u32::from(v4)), 32)
    } else if let Ok(v6) = address.parse::<Ipv6Addr>() {
        (Family::V6, u128::from(v6), 128)
    } else {
        return Err(CidrError(format!(
            "`{text}`: `{address}` is not an IPv4 or IPv6 address"
        )));
    };
    if prefix > bits {
        return Err(CidrError(format!(
            "`{text}`: prefix length {prefix} is longer than {bits} bits"
        )));
    }
    let host_bits = bits - prefix;
    let mask: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let first = value & !mask;
    let last = (first | mask) & family.max();
    Ok(IpRange {
        family,
        first,
        last,
    })
}

/// Partition the address space by the boundaries of `ranges`: the maximal
/// contiguous ranges on which membership in every input range is constant. This is
/// how netpol-analyzer splits external addresses into peers (its
/// `DisjointIPBlocks` over the referenced blocks and `0.0.0.0/0`). IPv4 is always
/// partitioned; IPv6 only when some input range is IPv6.
pub fn partition(ranges: &[IpRange]) -> Vec<IpRange> {
    let mut out = Vec::new();
    for family in [Family::V4, Family::V6] {
        let of_family: Vec<&IpRange> = ranges.iter().filter(|r| r.family == family).collect();
        if family == Family::V6 && of_family.is_empty() {
            continue;
        }
        // Start points of pieces: 0, every range's first, every range's last + 1.
        let mut starts: Vec<u128> = vec![0];
        for r in &of_family {
            starts.push(r.first);
            if r.last < family.max() {
                starts.push(r.last + 1);
            }
        }
        starts.sort_unstable();
        starts.dedup();
        for (i, &first) in starts.iter().enumerate() {
            let last = starts
                .get(i + 1)
                .map_or(family.max(), |next| next.saturating_sub(1));
            out.push(IpRange {
                family,
                first,
                last,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        let r = parse_cidr("10.0.0.0/8").unwrap();
        assert_eq!(r.to_string(), "10.0.0.0-10.255.255.255");
        assert_eq!(
            parse_cidr("0.0.0.0/0").unwrap().to_string(),
            "0.0.0.0-255.255.255.255"
        );
        assert_eq!(
            parse_cidr("10.1.2.3/32").unwrap().to_string(),
            "10.1.2.3-10.1.2.3"
        );
        assert_eq!(
            parse_cidr("2001:db8::/32").unwrap().to_string(),
            "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"
        );
        assert_eq!(parse_cidr("::/0").unwrap(), IpRange::all(Family::V6));
        assert!(parse_cidr("10.0.0.0").is_err());
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("10.0.0/8").is_err());
        assert!(parse_cidr("10.0.0.0/+8").is_err());
    }

    #[test]
    fn partition_splits_at_boundaries() {
        let a = parse_cidr("10.0.0.0/8").unwrap();
        let b = parse_cidr("10.1.0.0/16").unwrap();
        let parts: Vec<String> = partition(&[a, b]).iter().map(ToString::to_string).collect();
        assert_eq!(
            parts,
            [
                "0.0.0.0-9.255.255.255",
                "10.0.0.0-10.0.255.255",
                "10.1.0.0-10.1.255.255",
                "10.2.0.0-10.255.255.255",
                "11.0.0.0-255.255.255.255"
            ]
        );
    }

    #[test]
    fn subtract_sweeps_unsorted_overlapping_cuts() {
        let r = |a: u128, b: u128| IpRange {
            family: Family::V4,
            first: a,
            last: b,
        };
        let all = IpSet::from_ranges(vec![r(0, 100), r(200, 300)]);
        let cuts = IpSet {
            ranges: vec![
                r(250, 400),
                r(10, 20),
                r(15, 30),
                r(31, 31),
                r(0, 0),
                r(90, 210),
            ],
        };
        assert_eq!(
            all.subtract(&cuts).ranges,
            [r(1, 9), r(32, 89), r(211, 249)]
        );
        let v6 = IpRange::all(Family::V6);
        let everything = IpSet {
            ranges: vec![IpRange::all(Family::V4), v6],
        };
        assert_eq!(IpSet::from_range(v6).subtract(&everything).ranges, []);
        assert_eq!(everything.subtract(&IpSet::default()), everything);
        assert_eq!(
            IpSet::from_range(r(5, 5))
                .subtract(&IpSet::from_range(r(0, u128::from(u32::MAX))))
                .ranges,
            []
        );
    }

    #[test]
    fn subtract_except() {
        let all = IpSet::from_range(parse_cidr("10.0.0.0/8").unwrap());
        let ex = IpSet::from_range(parse_cidr("10.1.0.0/16").unwrap());
        let d = all.subtract(&ex);
        assert_eq!(d.ranges.len(), 2);
        assert!(!d.contains_set(&ex));
        assert!(all.contains_set(&d));
    }
}
