//! Image references, parsed and normalised as Docker's `distribution/reference`
//! does: registry (default `docker.io`), repository (`library/` for official
//! images), tag and digest, with byte ranges into the parsed string. One type for
//! every pack: Dockerfile `FROM`, pod `image:` fields and Kyverno's image data.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::glob::{build_set, Pattern, PatternError};

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

/// The `registries` option, with one meaning in every pack (Dockerfile `DF0003`,
/// Kubernetes `K8S008`): which registries, or which repositories, images may come
/// from. Each pattern is a glob in which `*` and `?` also match `/`:
///
/// - a pattern without `/` is a registry host pattern, matched against the
///   image's normalised registry: `docker.io` (images without a registry, and
///   `index.docker.io`, are `docker.io`), `ghcr.io`, `*.gcr.io`,
///   `registry.example.com:5000`;
/// - a pattern with `/` is a repository pattern, matched against the fully
///   qualified repository name without tag or digest, `registry/repository`:
///   `nginx:1.27` is `docker.io/library/nginx`, so `docker.io/library/*` allows
///   Docker's official images and `ghcr.io/acme/*` everything under
///   `ghcr.io/acme/` (but not `ghcr.io/acme-evil/api`).
///
/// Compiled once ([`RegistryPatterns::new`], or when deserialised from a list of
/// strings, where an invalid pattern fails at its own list item).
#[derive(Clone, Default)]
pub struct RegistryPatterns {
    patterns: Vec<Pattern>,
    /// The patterns without `/`, over the registry host.
    hosts: globset::GlobSet,
    /// The patterns with `/`, over `registry/repository`.
    repositories: globset::GlobSet,
}

impl RegistryPatterns {
    /// Compile patterns; the error names the first invalid one and its index.
    pub fn new<I, S>(patterns: I) -> Result<Self, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::from_patterns(Pattern::list(patterns)?)
    }

    /// From already compiled patterns. Fails only when the patterns as a whole are
    /// too large for the matcher.
    pub fn from_patterns(patterns: Vec<Pattern>) -> Result<Self, PatternError> {
        let (repositories, hosts): (Vec<&Pattern>, Vec<&Pattern>) =
            patterns.iter().partition(|p| p.as_str().contains('/'));
        let hosts = build_set(hosts).map_err(PatternError::whole_list)?;
        let repositories = build_set(repositories).map_err(PatternError::whole_list)?;
        Ok(Self {
            patterns,
            hosts,
            repositories,
        })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> impl ExactSizeIterator<Item = &str> {
        self.patterns.iter().map(Pattern::as_str)
    }

    /// No patterns (the rules using them then do nothing).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether some pattern has a `/` (allows repositories, not whole registries).
    pub fn has_repository_patterns(&self) -> bool {
        !self.repositories.is_empty()
    }

    /// Whether the image's registry matches a host pattern, or its
    /// `registry/repository` a repository pattern.
    pub fn matches(&self, image: &ImageRef) -> bool {
        self.hosts.is_match(&image.registry)
            || (self.has_repository_patterns() && self.repositories.is_match(image.full_name()))
    }
}

impl fmt::Debug for RegistryPatterns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.patterns).finish()
    }
}

impl PartialEq for RegistryPatterns {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for RegistryPatterns {}

impl Serialize for RegistryPatterns {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.patterns.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RegistryPatterns {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let patterns = Vec::<Pattern>::deserialize(d)?;
        Self::from_patterns(patterns).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(patterns: &[&str], image: &str) -> bool {
        RegistryPatterns::new(patterns.iter().copied())
            .unwrap()
            .matches(&ImageRef::parse(image).unwrap())
    }

    #[test]
    fn host_patterns_match_the_normalised_registry() {
        assert!(allowed(&["docker.io"], "node:22"));
        assert!(allowed(&["docker.io"], "index.docker.io/library/node:22"));
        assert!(allowed(&["docker.io"], "someone/tool"));
        assert!(allowed(
            &["*.example.com"],
            "mirror.example.com/library/node:22"
        ));
        assert!(allowed(&["localhost:5000"], "localhost:5000/app"));
        assert!(!allowed(&["registry.example.com"], "quay.io/org/tool:1.0"));
        assert!(!allowed(&["ghcr.io"], "ghcr.io.evil.com/acme/api"));
    }

    #[test]
    fn repository_patterns_match_registry_and_repository() {
        let patterns = ["ghcr.io/acme/*", "docker.io/library/*"];
        assert!(allowed(&patterns, "nginx:1.27"));
        assert!(allowed(&patterns, "docker.io/library/redis:7"));
        assert!(allowed(&patterns, "ghcr.io/acme/team/worker@sha256:0d5c1b6f1b1d3f3b9f2a7c6e4d8e1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f"));
        assert!(!allowed(&patterns, "someone/nginx:1.27"));
        assert!(!allowed(&patterns, "ghcr.io/acme-evil/api:2.0"));
        assert!(!allowed(&patterns, "quay.io/someone/tools:2.1"));
        // Both kinds in one list.
        assert!(allowed(
            &["quay.io", "ghcr.io/acme/*"],
            "quay.io/someone/tools"
        ));
    }

    #[test]
    fn registry_patterns_are_compiled_once_and_name_a_bad_one() {
        let err = RegistryPatterns::new(["docker.io", "docker.io/[unclosed"]).unwrap_err();
        assert_eq!(err.index, Some(1));
        let parsed: RegistryPatterns =
            serde_json::from_value(serde_json::json!(["docker.io", "ghcr.io/acme/*"])).unwrap();
        assert_eq!(
            parsed.patterns().collect::<Vec<_>>(),
            ["docker.io", "ghcr.io/acme/*"]
        );
        assert!(RegistryPatterns::default().is_empty());
        assert!(!RegistryPatterns::default().matches(&ImageRef::parse("node").unwrap()));
    }
}
