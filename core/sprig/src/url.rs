//! Go's `net/url` as Sprig's `urlParse` and `urlJoin` use it: `url.Parse`
//! (scheme, opaque, userinfo, host, path, raw query, fragment) and `URL.String`
//! with Go's escaping rules per component.

use std::fmt::Write;

/// The fields of Go's `url.URL` that Sprig reads and writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Url {
    /// Lower-cased scheme.
    pub scheme: String,
    /// Opaque data after `scheme:` when no `/` follows.
    pub opaque: String,
    /// `user[:password]`, unescaped; `None` when absent.
    pub user: Option<(String, Option<String>)>,
    /// `host[:port]`.
    pub host: String,
    /// The unescaped path.
    pub path: String,
    /// The query without `?`, as written.
    pub raw_query: String,
    /// A `?` with nothing after it.
    pub force_query: bool,
    /// The unescaped fragment.
    pub fragment: String,
    /// The path as written, when it is not the default escaping of `path`.
    pub raw_path: String,
    /// The fragment as written, when it is not the default escaping of `fragment`.
    pub raw_fragment: String,
}

/// A Go `*url.Error` text: `parse "RAW": reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parse {raw}: {reason}")]
pub struct UrlError {
    /// The quoted input.
    pub raw: String,
    /// Go's reason (`missing protocol scheme`, `invalid URL escape "%zz"`, …).
    pub reason: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host {
        return !matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
                | b'-'
                | b'_'
                | b'.'
                | b'~'
        );
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => c == b'?',
            Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
            _ => false,
        },
        b'!' | b'(' | b')' | b'*' if mode == Mode::Fragment => false,
        _ => true,
    }
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if should_escape(b, mode) {
            let _ = write!(out, "%{b:02X}");
        } else {
            out.push(char::from(b));
        }
    }
    out
}

#[allow(clippy::many_single_char_names)]
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        if c == b'%' {
            let h = b.get(i + 1).and_then(|c| char::from(*c).to_digit(16));
            let l = b.get(i + 2).and_then(|c| char::from(*c).to_digit(16));
            if let (Some(h), Some(l)) = (h, l) {
                out.push(u8::try_from(h * 16 + l).unwrap_or(0));
                i += 3;
            } else {
                let bad = s.get(i..(i + 3).min(s.len())).unwrap_or("%");
                return Err(format!("invalid URL escape {}", crate::go_quote(bad)));
            }
        } else {
            if mode == Mode::Host && c < 0x80 && should_escape(c, Mode::Host) {
                return Err(format!(
                    "invalid character {} in host name",
                    crate::go_quote(&char::from(c).to_string())
                ));
            }
            out.push(c);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn split_scheme(raw: &str) -> Result<(String, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok((String::new(), raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".to_string());
                }
                return Ok((
                    raw.get(..i).unwrap_or("").to_string(),
                    raw.get(i + 1..).unwrap_or(""),
                ));
            }
            _ => return Ok((String::new(), raw)),
        }
    }
    Ok((String::new(), raw))
}

impl Url {
    /// Go's `url.Parse`.
    pub fn parse(raw: &str) -> Result<Url, UrlError> {
        let err = |reason: String| UrlError {
            raw: crate::go_quote(raw),
            reason,
        };
        let (u, frag) = match raw.split_once('#') {
            Some((u, f)) => (u, Some(f)),
            None => (raw, None),
        };
        let mut url = Url::default();
        if u.bytes().any(|c| c < 0x20 || c == 0x7f) {
            return Err(err("net/url: invalid control character in URL".to_string()));
        }
        if u == "*" {
            url.path = "*".to_string();
        } else if !u.is_empty() {
            let (scheme, mut rest) = split_scheme(u).map_err(err)?;
            url.scheme = scheme.to_ascii_lowercase();
            let query;
            if rest.ends_with('?') && rest.matches('?').count() == 1 {
                url.force_query = true;
                rest = rest.get(..rest.len() - 1).unwrap_or("");
            } else if let Some((r, q)) = rest.split_once('?') {
                query = q;
                url.raw_query = query.to_string();
                rest = r;
            }
            if !rest.starts_with('/') {
                if !url.scheme.is_empty() {
                    url.opaque = rest.to_string();
                    url.set_fragment(frag).map_err(err)?;
                    return Ok(url);
                }
                let segment = rest.split('/').next().unwrap_or("");
                if segment.contains(':') {
                    return Err(err(
                        "first path segment in URL cannot contain colon".to_string()
                    ));
                }
            }
            if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
                let after = rest.get(2..).unwrap_or("");
                let (authority, path) = match after.find('/') {
                    Some(i) => (after.get(..i).unwrap_or(""), after.get(i..).unwrap_or("")),
                    None => (after, ""),
                };
                url.parse_authority(authority).map_err(err)?;
                rest = path;
            }
            url.path = unescape(rest, Mode::Path).map_err(err)?;
            if escape(&url.path, Mode::Path) != rest {
                url.raw_path = rest.to_string();
            }
        }
        url.set_fragment(frag).map_err(err)?;
        Ok(url)
    }

    fn set_fragment(&mut self, frag: Option<&str>) -> Result<(), String> {
        if let Some(f) = frag {
            self.fragment = unescape(f, Mode::Fragment)?;
            if escape(&self.fragment, Mode::Fragment) != f {
                self.raw_fragment = f.to_string();
            }
        }
        Ok(())
    }

    fn parse_authority(&mut self, authority: &str) -> Result<(), String> {
        let (userinfo, host) = match authority.rfind('@') {
            Some(i) => (
                Some(authority.get(..i).unwrap_or("")),
                authority.get(i + 1..).unwrap_or(""),
            ),
            None => (None, authority),
        };
        self.host = parse_host(host)?;
        if let Some(ui) = userinfo {
            let valid = ui.bytes().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        b'-' | b'.'
                            | b'_'
                            | b':'
                            | b'~'
                            | b'!'
                            | b'$'
                            | b'&'
                            | b'\''
                            | b'('
                            | b')'
                            | b'*'
                            | b'+'
                            | b','
                            | b';'
                            | b'='
                            | b'%'
                            | b'@'
                    )
            });
            if !valid {
                return Err("net/url: invalid userinfo".to_string());
            }
            self.user = Some(match ui.split_once(':') {
                None => (unescape(ui, Mode::UserPassword)?, None),
                Some((u, p)) => (
                    unescape(u, Mode::UserPassword)?,
                    Some(unescape(p, Mode::UserPassword)?),
                ),
            });
        }
        Ok(())
    }

    /// `URL.Hostname()`: the host without port and brackets.
    pub fn hostname(&self) -> String {
        let host = &self.host;
        if let Some(rest) = host.strip_prefix('[') {
            return rest.split(']').next().unwrap_or("").to_string();
        }
        match host.rfind(':') {
            Some(i) => host.get(..i).unwrap_or("").to_string(),
            None => host.clone(),
        }
    }

    /// `User.String()`: `user[:password]`, escaped.
    pub fn userinfo(&self) -> Option<String> {
        self.user.as_ref().map(|(u, p)| {
            let mut s = escape(u, Mode::UserPassword);
            if let Some(p) = p {
                s.push(':');
                s.push_str(&escape(p, Mode::UserPassword));
            }
            s
        })
    }

    /// Go's `URL.String()`.
    pub fn to_go_string(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if self.opaque.is_empty() {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(ui) = self.userinfo() {
                    buf.push_str(&ui);
                    buf.push('@');
                }
                if !self.host.is_empty() {
                    buf.push_str(&escape(&self.host, Mode::Host));
                }
            }
            let path = escaped(&self.raw_path, &self.path, Mode::Path);
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() && path.split('/').next().unwrap_or("").contains(':') {
                buf.push_str("./");
            }
            buf.push_str(&path);
        } else {
            buf.push_str(&self.opaque);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&escaped(&self.raw_fragment, &self.fragment, Mode::Fragment));
        }
        buf
    }
}

/// Go's `EscapedPath`/`EscapedFragment`: the raw form when it is a valid
/// encoding of the value, else the default escaping.
fn escaped(raw: &str, value: &str, mode: Mode) -> String {
    if !raw.is_empty() && valid_encoded(raw, mode) && unescape(raw, mode).is_ok_and(|v| v == value)
    {
        return raw.to_string();
    }
    if mode == Mode::Path && value == "*" {
        return "*".to_string();
    }
    escape(value, mode)
}

fn valid_encoded(s: &str, mode: Mode) -> bool {
    s.bytes().all(|c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(c, mode)
    })
}

fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".to_string());
        };
        let port = host.get(i + 1..).unwrap_or("");
        if !valid_port(port) {
            return Err(format!("invalid port {} after host", crate::go_quote(port)));
        }
        return unescape(host, Mode::Host);
    }
    if let Some(i) = host.rfind(':') {
        let port = host.get(i..).unwrap_or("");
        if !valid_port(port) {
            return Err(format!("invalid port {} after host", crate::go_quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

fn valid_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|c| c.is_ascii_digit()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parse_and_print() {
        let u = Url::parse("proto://auth@host:80/path?query#fragment").unwrap();
        assert_eq!(u.scheme, "proto");
        assert_eq!(u.host, "host:80");
        assert_eq!(u.hostname(), "host");
        assert_eq!(u.path, "/path");
        assert_eq!(u.raw_query, "query");
        assert_eq!(u.fragment, "fragment");
        assert_eq!(u.userinfo().as_deref(), Some("auth"));
        assert_eq!(u.to_go_string(), "proto://auth@host:80/path?query#fragment");
        let m = Url::parse("mailto:someone@example.com").unwrap();
        assert_eq!(m.opaque, "someone@example.com");
        assert_eq!(Url::parse("/a b%20c").unwrap().to_go_string(), "/a%20b%20c");
        assert_eq!(
            Url::parse("://x").unwrap_err().to_string(),
            "parse \"://x\": missing protocol scheme"
        );
        assert_eq!(
            Url::parse("http://h/%zz").unwrap_err().to_string(),
            "parse \"http://h/%zz\": invalid URL escape \"%zz\""
        );
    }
}
