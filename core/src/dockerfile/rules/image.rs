//! Image references as Docker's `distribution/reference` reads them:
//! `[domain[:port]/]path[:tag][@digest]`, with `docker.io` and `library/`
//! implied for Docker Hub names.

use std::ops::Range;

/// A parsed image reference; ranges are byte ranges of the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The domain as written, if any (`ghcr.io`, `localhost:5000`).
    pub domain: Option<String>,
    /// The repository path as written (`node`, `org/app`).
    pub path: String,
    pub tag: Option<String>,
    pub tag_range: Option<Range<usize>>,
    pub digest: Option<String>,
    pub digest_range: Option<Range<usize>>,
    /// The name part (domain and path), without tag or digest.
    pub name_range: Range<usize>,
}

impl ImageRef {
    pub fn parse(text: &str) -> Option<ImageRef> {
        if text.is_empty() || text.contains(char::is_whitespace) {
            return None;
        }
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (text, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest.get(last_slash..).and_then(|l| l.rfind(':')) {
            Some(i) => {
                let at = last_slash + i;
                (rest.get(..at)?, rest.get(at + 1..))
            }
            None => (rest, None),
        };
        if name.is_empty() {
            return None;
        }
        let (domain, path) = match name.split_once('/') {
            Some((first, p))
                if first.contains('.')
                    || first.contains(':')
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (Some(first.to_string()), p.to_string())
            }
            _ => (None, name.to_string()),
        };
        let tag_range = tag.map(|t| {
            let start = name.len() + 1;
            start..start + t.len()
        });
        let digest_range = digest.map(|d| {
            let start = rest.len() + 1;
            start..start + d.len()
        });
        Some(ImageRef {
            domain,
            path,
            tag: tag.map(str::to_string),
            tag_range,
            digest: digest.map(str::to_string),
            digest_range,
            name_range: 0..name.len(),
        })
    }

    /// The registry, `docker.io` when none is written.
    pub fn registry(&self) -> &str {
        match self.domain.as_deref() {
            Some("index.docker.io" | "registry-1.docker.io") | None => "docker.io",
            Some(d) => d,
        }
    }

    /// The fully qualified name without tag or digest (`docker.io/library/node`).
    pub fn full_name(&self) -> String {
        let path = if self.domain.is_none() && !self.path.contains('/') {
            format!("library/{}", self.path)
        } else {
            self.path.clone()
        };
        format!("{}/{}", self.registry(), path)
    }

    /// The name as written (domain and path).
    pub fn written_name(&self) -> String {
        match &self.domain {
            Some(d) => format!("{d}/{}", self.path),
            None => self.path.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("node:18").unwrap();
        assert_eq!(r.full_name(), "docker.io/library/node");
        assert_eq!(r.tag.as_deref(), Some("18"));
        assert_eq!(r.tag_range, Some(5..7));
        let r = ImageRef::parse("localhost:5000/app@sha256:abc").unwrap();
        assert_eq!(r.registry(), "localhost:5000");
        assert_eq!(r.tag, None);
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("ghcr.io/org/app:1.2@sha256:x").unwrap();
        assert_eq!(r.registry(), "ghcr.io");
        assert_eq!(r.path, "org/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.tag_range, Some(20..23));
        assert_eq!(r.digest_range, Some(24..32));
    }
}
