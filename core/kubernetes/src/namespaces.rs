//! Namespace labels decide the Pod Security level of the pods in a namespace.
//!
//! pod-security-admission reads `pod-security.kubernetes.io/<mode>` and
//! `pod-security.kubernetes.io/<mode>-version` labels of the pod's Namespace for
//! the three modes `enforce`, `audit` and `warn`. An offline scanner reports one
//! set of findings, so it picks one of them:
//!
//! 1. **`enforce`** when the Namespace has it: these are the pods the API server
//!    would reject;
//! 2. otherwise the **stricter of `audit` and `warn`** (audit on a tie): the
//!    namespace owner asked to hear about these violations (as audit annotations
//!    or `kubectl` warnings), so the scanner reports them too;
//! 3. otherwise (no label, or no Namespace object in the scan) the configured
//!    default (`Config::pss_level`, `Config::pss_version`).
//!
//! A level label without its `-version` label takes the configured default
//! version (PSA takes the version of its own defaults, `latest` unless
//! configured). Invalid values are treated as PSA treats them: an invalid
//! `enforce` level is `restricted` (fail closed), an invalid `audit`/`warn` level is
//! `privileged` (fail open), an invalid version is `latest`; each invalid label is
//! also reported as a located error when the Namespace is in the scanned file.
//!
//! **Conflicting Namespace objects.** A scan may hold two Namespace objects of
//! the same name whose Pod Security labels disagree (a `zz.yaml` labelling a
//! namespace `privileged` after `a.yaml` made it `restricted`). Neither file
//! order nor "the last one wins" is how a cluster would end up: the strictest
//! level of the conflicting definitions applies, and each definition is reported
//! (a located `config` error naming the other definitions' places).
//!
//! Not modelled: PSA's exemptions (usernames, runtime classes, namespaces) from
//! the `AdmissionConfiguration`, which an offline scan cannot see.

use std::collections::BTreeMap;

use super::objects::{read_root, Object, Read};
use super::pss::Version;
use stockade_source::settings::PssLevel;
use stockade_source::source::Span;
use stockade_yaml::{Limits, Node};

/// Label prefix shared by the Pod Security labels.
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// The level and version that apply to the pods of one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespacePolicy {
    pub level: PssLevel,
    /// `None`: the configured default version.
    pub version: Option<Version>,
    /// The label that decided (`pod-security.kubernetes.io/enforce`).
    pub decided_by: String,
}

/// An invalid Pod Security label value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelProblem {
    pub label: String,
    pub message: String,
    /// The label value's span, when the Namespace was read from the scanned file.
    pub span: Option<Span>,
}

/// Namespace policies by namespace name, built from Namespace objects (of the
/// scanned file, or of every file of a multi-file scan in a pre-pass).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamespaceIndex {
    namespaces: BTreeMap<String, NamespacePolicy>,
    /// The Namespace objects of the scan by name, where each was defined
    /// (`path:line:column`) and the policy its labels set: several with
    /// different policies are a conflict (see the module documentation).
    defined: BTreeMap<String, Vec<(String, Option<NamespacePolicy>)>>,
}

/// Where a Namespace object is defined: its `metadata.name` (else the object).
pub(crate) fn name_span(o: &Object<'_>) -> Span {
    o.root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .map_or(o.root.span, |n| n.span)
}

/// `path:line:column` of a Namespace object's name, as conflicts name it.
pub(crate) fn place_of(source: &stockade_source::source::Source, o: &Object<'_>) -> String {
    let at = source.position(name_span(o).start);
    format!("{}:{}:{}", source.path(), at.line, at.column)
}

/// The strictest of two policies (the first one on a tie).
fn stricter(a: Option<NamespacePolicy>, b: Option<NamespacePolicy>) -> Option<NamespacePolicy> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if rank(b.level) > rank(a.level) { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn describe(policy: Option<&NamespacePolicy>) -> String {
    policy.map_or_else(
        || "no Pod Security level".to_string(),
        |p| format!("{} by {}", fail_name(p.level), p.decided_by),
    )
}

fn parse_level(value: &str) -> Option<PssLevel> {
    match value {
        "privileged" => Some(PssLevel::Privileged),
        "baseline" => Some(PssLevel::Baseline),
        "restricted" => Some(PssLevel::Restricted),
        _ => None,
    }
}

fn rank(level: PssLevel) -> u8 {
    match level {
        PssLevel::Privileged => 0,
        PssLevel::Baseline => 1,
        PssLevel::Restricted => 2,
    }
}

/// Derive a namespace's policy from its labels; `None` when no Pod Security level
/// label is set. Invalid label values are returned as problems (with the span of
/// the value when `spans` gives one).
pub fn policy_from_labels(
    labels: &[(String, String, Option<Span>)],
) -> (Option<NamespacePolicy>, Vec<LabelProblem>) {
    let get = |name: &str| {
        labels
            .iter()
            .find(|(k, _, _)| k == &format!("{LABEL_PREFIX}{name}"))
            .map(|(k, v, s)| (k.clone(), v.clone(), *s))
    };
    let mut problems = Vec::new();
    let mut mode = |mode: &str, fail: PssLevel| -> Option<(PssLevel, Option<Version>, String)> {
        let (label, value, span) = get(mode)?;
        let level = parse_level(&value).unwrap_or_else(|| {
            problems.push(LabelProblem {
                label: label.clone(),
                message: format!(
                    "invalid Pod Security level `{value}` in label {label}: must be one of privileged, baseline, restricted (pod-security-admission evaluates it as {})",
                    fail_name(fail)
                ),
                span,
            });
            fail
        });
        let version = get(&format!("{mode}-version")).map(|(vlabel, v, vspan)| {
            Version::parse(&v).unwrap_or_else(|e| {
                problems.push(LabelProblem {
                    label: vlabel.clone(),
                    message: format!(
                        "{e} in label {vlabel} (pod-security-admission evaluates it as latest)"
                    ),
                    span: vspan,
                });
                Version::LATEST
            })
        });
        Some((level, version, label))
    };
    let enforce = mode("enforce", PssLevel::Restricted);
    let audit = mode("audit", PssLevel::Privileged);
    let warn = mode("warn", PssLevel::Privileged);
    let chosen = enforce.or_else(|| match (audit, warn) {
        (Some(a), Some(w)) => Some(if rank(w.0) > rank(a.0) { w } else { a }),
        (a, w) => a.or(w),
    });
    let policy = chosen.map(|(level, version, label)| NamespacePolicy {
        level,
        version,
        decided_by: label,
    });
    (policy, problems)
}

fn fail_name(level: PssLevel) -> &'static str {
    match level {
        PssLevel::Privileged => "privileged",
        PssLevel::Baseline => "baseline",
        PssLevel::Restricted => "restricted",
    }
}

/// The labels of a Namespace object node, with the spans of their values.
pub fn namespace_labels(object: &Node) -> Vec<(String, String, Option<Span>)> {
    let Some(labels) = object
        .get("metadata")
        .and_then(|m| m.get("labels"))
        .and_then(Node::as_map)
    else {
        return Vec::new();
    };
    labels
        .iter()
        .filter_map(|(k, v)| {
            let key = k.key_string()?;
            let value = v.as_str()?.to_string();
            Some((key, value, Some(v.span)))
        })
        .collect()
}

impl NamespaceIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record a namespace's labels (`(key, value)` pairs). Returns the invalid labels.
    pub fn insert_labels<'a, I>(&mut self, namespace: &str, labels: I) -> Vec<LabelProblem>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let labels: Vec<(String, String, Option<Span>)> = labels
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string(), None))
            .collect();
        self.insert_spanned(namespace, &labels)
    }

    pub(crate) fn insert_spanned(
        &mut self,
        namespace: &str,
        labels: &[(String, String, Option<Span>)],
    ) -> Vec<LabelProblem> {
        let (policy, problems) = policy_from_labels(labels);
        match policy {
            Some(p) => {
                self.namespaces.insert(namespace.to_string(), p);
            }
            None => {
                self.namespaces.remove(namespace);
            }
        }
        problems
    }

    /// Record the Namespace objects of a scanned manifest, noting where each was
    /// defined: objects of the same name with different policies merge to the
    /// strictest (see the module documentation) and
    /// [`NamespaceIndex::conflict`] describes them.
    pub fn add_manifest(&mut self, manifest: &super::Manifest<'_>) {
        let source = manifest.source;
        for (_, o) in manifest.objects() {
            if o.kind != "Namespace" || !o.group().is_empty() {
                continue;
            }
            let Some(name) = &o.name else { continue };
            let (policy, _) = policy_from_labels(&namespace_labels(o.root));
            let place = place_of(source, o);
            let defs = self.defined.entry(name.clone()).or_default();
            let merged = if defs.is_empty() {
                policy.clone()
            } else {
                stricter(self.namespaces.get(name).cloned(), policy.clone())
            };
            defs.push((place, policy));
            match merged {
                Some(p) => {
                    self.namespaces.insert(name.clone(), p);
                }
                None => {
                    self.namespaces.remove(name);
                }
            }
        }
    }

    /// Whether a scanned Namespace object of this name was recorded by
    /// [`NamespaceIndex::add_manifest`].
    pub fn defined_in_scan(&self, namespace: &str) -> bool {
        self.defined.contains_key(namespace)
    }

    /// When the scan defines `namespace` more than once with different Pod
    /// Security policies: a message for the definition at `place`
    /// (`path:line:column`) naming the others and the level that applies.
    pub fn conflict(&self, namespace: &str, place: &str) -> Option<String> {
        let defs = self.defined.get(namespace)?;
        let first = defs.first()?;
        if defs.iter().all(|(_, p)| p == &first.1) {
            return None;
        }
        let others: Vec<String> = defs
            .iter()
            .filter(|(at, _)| at != place)
            .map(|(at, p)| format!("{at} ({})", describe(p.as_ref())))
            .collect();
        let mine = defs
            .iter()
            .find(|(at, _)| at == place)
            .map_or_else(String::new, |(_, p)| format!(" ({})", describe(p.as_ref())));
        Some(format!(
            "Namespace {namespace}{mine} is also defined with different Pod Security labels at {}; the strictest applies: {}",
            others.join(", "),
            describe(self.namespaces.get(namespace))
        ))
    }

    /// Record every Namespace object of a YAML/JSON text (errors are ignored here;
    /// the scan of that text reports them).
    pub fn add_text(&mut self, text: &str) {
        let stream = stockade_yaml::parse_stream(text, &Limits::default());
        for doc in &stream.documents {
            let Some(root) = doc.node() else { continue };
            if let Read::Objects(objects, _) = read_root(root) {
                self.add_objects(&objects);
            }
        }
    }

    /// Record every Namespace object among `objects` (those of a source already
    /// read, [`super::Manifest::objects`]).
    pub fn add_objects<'o, 'a: 'o>(&mut self, objects: impl IntoIterator<Item = &'o Object<'a>>) {
        for o in objects {
            if o.kind == "Namespace" && o.group().is_empty() {
                if let Some(name) = &o.name {
                    self.insert_spanned(name, &namespace_labels(o.root));
                }
            }
        }
    }

    /// Build an index from the texts of every source of a scan (the pre-pass).
    pub fn from_texts<'a, I: IntoIterator<Item = &'a str>>(texts: I) -> Self {
        let mut index = Self::new();
        for text in texts {
            index.add_text(text);
        }
        index
    }

    /// Merge `other` into `self`; `other` wins for namespaces both know (the
    /// scan's Namespace objects over the ones given beside it).
    pub fn extend(&mut self, other: &NamespaceIndex) {
        for (k, v) in &other.namespaces {
            self.namespaces.insert(k.clone(), v.clone());
        }
        for (k, defs) in &other.defined {
            if !other.namespaces.contains_key(k) {
                self.namespaces.remove(k);
            }
            self.defined.insert(k.clone(), defs.clone());
        }
    }

    /// The namespaces of `self` that `scan` did not record from the scan's
    /// objects (the ones a file defines when it is scanned alone).
    #[must_use]
    pub fn without(&self, scan: &NamespaceIndex) -> NamespaceIndex {
        let keep = |name: &String| !scan.defined_in_scan(name);
        NamespaceIndex {
            namespaces: self
                .namespaces
                .iter()
                .filter(|(k, _)| keep(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            defined: self
                .defined
                .iter()
                .filter(|(k, _)| keep(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Whether it holds no namespace at all: neither a policy nor a definition.
    pub(crate) fn records_nothing(&self) -> bool {
        self.namespaces.is_empty() && self.defined.is_empty()
    }

    /// The policy of a namespace, when its labels set one.
    pub fn policy(&self, namespace: &str) -> Option<&NamespacePolicy> {
        self.namespaces.get(namespace)
    }

    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty()
    }

    pub fn len(&self) -> usize {
        self.namespaces.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(labels: &[(&str, &str)]) -> Option<NamespacePolicy> {
        let mut index = NamespaceIndex::new();
        index.insert_labels("ns", labels.iter().copied());
        index.policy("ns").cloned()
    }

    #[test]
    fn enforce_decides_then_the_stricter_of_audit_and_warn() {
        let p = policy(&[
            ("pod-security.kubernetes.io/enforce", "baseline"),
            ("pod-security.kubernetes.io/warn", "restricted"),
        ])
        .unwrap();
        assert_eq!(p.level, PssLevel::Baseline);
        assert_eq!(p.version, None);
        let p = policy(&[
            ("pod-security.kubernetes.io/audit", "baseline"),
            ("pod-security.kubernetes.io/warn", "restricted"),
            ("pod-security.kubernetes.io/warn-version", "v1.24"),
        ])
        .unwrap();
        assert_eq!(p.level, PssLevel::Restricted);
        assert_eq!(p.version, Some(Version::v1(24)));
        assert_eq!(policy(&[("team", "a")]), None);
    }

    #[test]
    fn invalid_values_fall_back_as_psa_does() {
        let mut index = NamespaceIndex::new();
        let problems = index.insert_labels(
            "ns",
            [
                ("pod-security.kubernetes.io/enforce", "strict"),
                ("pod-security.kubernetes.io/enforce-version", "1.25"),
            ],
        );
        assert_eq!(problems.len(), 2);
        let p = index.policy("ns").unwrap();
        assert_eq!(p.level, PssLevel::Restricted);
        assert_eq!(p.version, Some(Version::LATEST));
        let mut index = NamespaceIndex::new();
        index.insert_labels("ns", [("pod-security.kubernetes.io/warn", "nope")]);
        assert_eq!(index.policy("ns").unwrap().level, PssLevel::Privileged);
    }
}
