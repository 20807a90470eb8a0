//! Image references, parsed and normalised as Docker's `distribution/reference`
//! does: registry (default `docker.io`), repository (`library/` for official
//! images), tag and digest, with byte ranges into the parsed string. One type for
//! every pack: Dockerfile `FROM`, pod `image:` fields and Kyverno's image data.

use std::ops::Range;

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host (`docker.io` when none is given).
    pub registry: String,
    /// The registry was written explicitly.
    pub registry_explicit: bool,
    /// Repository path (`library/node` for `node`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// Byte ranges in the parsed string.
    pub name_range: Range<usize>,
    pub tag_range: Option<Range<usize>>,
    pub digest_range: Option<Range<usize>>,
}

fn is_domain_component(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

fn is_domain(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix('[') {
        // IPv6 literal, optional port.
        let Some((addr, after)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
        return !addr.is_empty()
            && addr
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
            && port_ok;
    }
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    !host.is_empty() && host.split('.').all(is_domain_component)
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
#[allow(clippy::many_single_char_names)]
fn is_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut i = 0;
    let mut need_alnum = true;
    while i < b.len() {
        let Some(c) = b.get(i) else { break };
        if alnum(c) {
            need_alnum = false;
            i += 1;
            continue;
        }
        if need_alnum {
            return false;
        }
        // separator
        let sep_len = match c {
            b'.' => 1,
            b'_' => {
                if b.get(i + 1) == Some(&b'_') {
                    2
                } else {
                    1
                }
            }
            b'-' => {
                let mut j = i;
                while b.get(j) == Some(&b'-') {
                    j += 1;
                }
                j - i
            }
            _ => return false,
        };
        i += sep_len;
        need_alnum = true;
    }
    !need_alnum
}

fn is_tag(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b.first()
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn is_digest(s: &str) -> bool {
    let Some((alg, hex)) = s.split_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['-', '_', '+', '.']).all(|p| {
        p.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && p.bytes().all(|c| c.is_ascii_alphanumeric())
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

impl ImageRef {
    /// Parse and normalise a reference (`ParseNormalizedNamed`).
    pub fn parse(s: &str) -> Result<ImageRef, String> {
        const BAD: &str = "invalid reference format";
        if s.is_empty() {
            return Err(BAD.to_string());
        }
        let (name_tag, digest_range) = match s.find('@') {
            Some(at) => {
                let d = s.get(at + 1..).unwrap_or("");
                if !is_digest(d) {
                    return Err(BAD.to_string());
                }
                (s.get(..at).unwrap_or(""), Some(at + 1..s.len()))
            }
            None => (s, None),
        };
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag_range) = match name_tag.get(last_slash..).and_then(|t| t.rfind(':')) {
            Some(c) => {
                let colon = last_slash + c;
                let tag = name_tag.get(colon + 1..).unwrap_or("");
                if !is_tag(tag) {
                    return Err(BAD.to_string());
                }
                (
                    name_tag.get(..colon).unwrap_or(""),
                    Some(colon + 1..name_tag.len()),
                )
            }
            None => (name_tag, None),
        };
        if name.is_empty() || name.len() > 255 {
            return Err(BAD.to_string());
        }
        let (domain, path, explicit) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.to_lowercase() != first =>
            {
                (first.to_string(), rest.to_string(), true)
            }
            _ => ("docker.io".to_string(), name.to_string(), false),
        };
        if explicit && !is_domain(&domain) {
            return Err(BAD.to_string());
        }
        if path.to_lowercase() != path {
            return Err(format!(
                "invalid reference format: repository name ({path}) must be lowercase"
            ));
        }
        if !path.split('/').all(is_path_component) {
            return Err(BAD.to_string());
        }
        let domain = if domain == "index.docker.io" {
            "docker.io".to_string()
        } else {
            domain
        };
        let repository = if domain == "docker.io" && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        Ok(ImageRef {
            registry: domain,
            registry_explicit: explicit,
            repository,
            tag: tag_range.clone().and_then(|r| s.get(r)).map(str::to_string),
            digest: digest_range
                .clone()
                .and_then(|r| s.get(r))
                .map(str::to_string),
            name_range: 0..name.len(),
            tag_range,
            digest_range,
        })
    }

    /// `docker.io/library/node`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// `node`, `bitnami/redis`, `ghcr.io/a/b` (Docker's familiar form).
    pub fn familiar_name(&self) -> String {
        if self.registry == "docker.io" {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            self.full_name()
        }
    }

    /// The tag that will be pulled: the written tag, or `latest` when neither a tag
    /// nor a digest is given.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }
}
