//! What a text is when it has no file name to tell (text pasted into the
//! playground or an editor buffer): a Dockerfile, Kubernetes manifests, or a
//! policy (Gatekeeper ConstraintTemplate/Constraint, Kyverno policy, Rego
//! module). Names are asked first ([`crate::detect_kind`]); content decides the rest.

/// What [`detect_text_kind`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// A Dockerfile or Containerfile (scanned with `kind` `dockerfile`).
    Dockerfile,
    /// Kubernetes manifests, YAML or JSON (`kind` `kubernetes`).
    Kubernetes,
    /// Policies an engine loads (`policies`): Gatekeeper templates and
    /// constraints, Kyverno policies, Rego modules.
    Policy,
}

impl TextKind {
    /// `dockerfile`, `kubernetes` or `policy`.
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Dockerfile => "dockerfile",
            TextKind::Kubernetes => "kubernetes",
            TextKind::Policy => "policy",
        }
    }
}

/// The API groups whose objects are policies rather than resources to check.
const POLICY_GROUPS: [&str; 4] = [
    "templates.gatekeeper.sh/",
    "constraints.gatekeeper.sh/",
    "kyverno.io/",
    "policies.kyverno.io/",
];

/// Dockerfile instructions a file may start with (after comments and parser
/// directives).
const FIRST_INSTRUCTIONS: [&str; 2] = ["FROM", "ARG"];

/// What `text` is, by its name `path` when that tells (as a scan reads it), else
/// by its content: `None` when neither tells.
pub fn detect_text_kind(path: Option<&str>, text: &str) -> Option<TextKind> {
    let named = path.and_then(|p| crate::detect_kind(p, text));
    let by_content = content_kind(text);
    match (named, by_content) {
        // A `.yaml` holding Gatekeeper or Kyverno documents is a policy file.
        (Some(crate::Kind::Kubernetes), Some(TextKind::Policy)) => Some(TextKind::Policy),
        (Some(crate::Kind::Kubernetes), _) => Some(TextKind::Kubernetes),
        (Some(crate::Kind::Dockerfile), _) => Some(TextKind::Dockerfile),
        (None, found) => found,
    }
}

/// Lines that say something: not blank, not a `#` comment.
fn meaningful(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn content_kind(text: &str) -> Option<TextKind> {
    let first = meaningful(text).next()?;
    let word = first.split_whitespace().next().unwrap_or_default();
    if word == "package" || first.starts_with("package ") {
        return Some(TextKind::Policy);
    }
    if FIRST_INSTRUCTIONS
        .iter()
        .any(|i| word.eq_ignore_ascii_case(i))
        && first.len() > word.len()
    {
        return Some(TextKind::Dockerfile);
    }
    let api_versions = api_versions(text);
    if api_versions.is_empty() || !has_top_level_kind(text) {
        return None;
    }
    if api_versions
        .iter()
        .all(|v| POLICY_GROUPS.iter().any(|g| v.starts_with(g)))
    {
        Some(TextKind::Policy)
    } else {
        Some(TextKind::Kubernetes)
    }
}

/// The value of a top-level `key`: a YAML key at the start of a line, or a JSON
/// member `"key"` anywhere.
fn top_level<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let json = format!("\"{key}\"");
    let rest = line.strip_prefix(key).or_else(|| {
        let at = line.find(&json)?;
        line.get(at + json.len()..)
    })?;
    let value = rest.trim_start().strip_prefix(':')?;
    let value = value.trim().trim_end_matches([',', '}']).trim();
    Some(value.trim_matches(['"', '\'']))
}

/// The `apiVersion` values of the text's objects.
fn api_versions(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| top_level(l, "apiVersion"))
        .filter(|v| !v.is_empty())
        .collect()
}

fn has_top_level_kind(text: &str) -> bool {
    text.lines().any(|l| top_level(l, "kind").is_some())
}
