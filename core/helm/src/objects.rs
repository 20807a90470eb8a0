//! The Go structs templates see: `.Capabilities` (with `KubeVersion` and
//! `APIVersions.Has`) and `.Files` (`Get`, `GetBytes`, `Glob`, `Lines`,
//! `AsConfig`, `AsSecrets`).

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use stockade_gotemplate::{Func, Member, Object, Param, Value as GoValue};

use crate::chart::ChartFile;
use crate::ignore::go_match;

/// Kubernetes API versions Helm assumes without a cluster (client-go's scheme
/// for Kubernetes 1.36 plus apiextensions), in the order Helm lists them.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1alpha1",
    "certificates.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1alpha1",
    "rbac.authorization.k8s.io/v1beta1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1alpha3",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1beta2",
    "scheduling.k8s.io/v1",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storage.k8s.io/v1beta1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1",
    "apiextensions.k8s.io/v1beta1",
];

/// Helm's default Kubernetes version outside tests: client-go's minor + 1.x.
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// `.Capabilities.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    pub version: String,
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// `common.ParseKubeVersion` (k8s `ParseGeneric`: `[v]MAJOR.MINOR[.PATCH][-…]`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.strip_prefix('v').unwrap_or(text);
        let core_end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let core = t.get(..core_end).unwrap_or(t);
        let parts: Vec<&str> = core.split('.').collect();
        let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u64>().ok());
        let (Some(major), Some(minor)) = (num(0), num(1)) else {
            return Err(format!("could not parse {text:?} as version"));
        };
        if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(format!("could not parse {text:?} as version"));
        }
        let patch = num(2).unwrap_or(0);
        let rest = t.get(core_end..).unwrap_or_default();
        let version = if text.starts_with('v') {
            text.to_string()
        } else {
            format!("v{text}")
        };
        let normalized = format!("v{major}.{minor}.{patch}{rest}");
        Ok(Self {
            version,
            normalized,
            major: major.to_string(),
            minor: minor.to_string(),
        })
    }
}

#[derive(Debug)]
struct KubeVersionObj(KubeVersion);

impl Object for KubeVersionObj {
    fn type_name(&self) -> String {
        "common.KubeVersion".into()
    }
    fn member(&self, name: &str) -> Option<Member> {
        let kv = &self.0;
        Some(match name {
            "Version" => Member::Field(GoValue::string(kv.version.as_str())),
            "Major" => Member::Field(GoValue::string(kv.major.as_str())),
            "Minor" => Member::Field(GoValue::string(kv.minor.as_str())),
            "GitVersion" => Member::Field(GoValue::string(kv.version.as_str())),
            "String" => Member::Field(GoValue::string(kv.normalized.as_str())),
            _ => return None,
        })
    }
    fn go_string(&self) -> Option<String> {
        Some(self.0.normalized.clone())
    }
    fn fields(&self) -> Vec<(String, GoValue)> {
        vec![
            ("Version".into(), GoValue::string(self.0.version.as_str())),
            ("Major".into(), GoValue::string(self.0.major.as_str())),
            ("Minor".into(), GoValue::string(self.0.minor.as_str())),
        ]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Debug)]
struct VersionSet(Arc<Vec<String>>);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "common.VersionSet".into()
    }
    fn kind(&self) -> stockade_gotemplate::Kind {
        stockade_gotemplate::Kind::Slice
    }
    fn member(&self, name: &str) -> Option<Member> {
        (name == "Has").then(|| {
            let set = Arc::clone(&self.0);
            Member::Method(Func::new(vec![Param::String], move |_, a| {
                let want = a.first().and_then(GoValue::as_str).unwrap_or_default();
                Ok(GoValue::Bool(set.iter().any(|v| v == want)))
            }))
        })
    }
    fn go_string(&self) -> Option<String> {
        Some(format!("[{}]", self.0.join(" ")))
    }
    fn truth(&self) -> bool {
        !self.0.is_empty()
    }
    fn range_entries(&self) -> Option<Vec<(GoValue, GoValue)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, v)| (GoValue::int(i as i64), GoValue::string(v.as_str())))
                .collect(),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Capabilities`.
#[derive(Debug, Clone)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: Arc<Vec<String>>,
}

impl Capabilities {
    /// Helm's defaults with `--kube-version` and `--api-versions` applied.
    pub fn new(kube_version: Option<&str>, extra_api_versions: &[String]) -> Result<Self, String> {
        let kube_version = KubeVersion::parse(kube_version.unwrap_or(DEFAULT_KUBE_VERSION))?;
        let mut api: Vec<String> = DEFAULT_API_VERSIONS
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        api.extend(extra_api_versions.iter().cloned());
        Ok(Self {
            kube_version,
            api_versions: Arc::new(api),
        })
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*common.Capabilities".into()
    }
    fn kind(&self) -> stockade_gotemplate::Kind {
        stockade_gotemplate::Kind::Ptr
    }
    fn member(&self, name: &str) -> Option<Member> {
        Some(match name {
            "KubeVersion" => {
                Member::Field(GoValue::object(KubeVersionObj(self.kube_version.clone())))
            }
            "APIVersions" => {
                Member::Field(GoValue::object(VersionSet(Arc::clone(&self.api_versions))))
            }
            "HelmVersion" => {
                let mut m = BTreeMap::new();
                m.insert("Version".to_string(), GoValue::string("v4.2.4"));
                m.insert("GitCommit".to_string(), GoValue::string(""));
                m.insert("GitTreeState".to_string(), GoValue::string(""));
                m.insert("GoVersion".to_string(), GoValue::string("go1.26.6"));
                Member::Field(GoValue::map(m))
            }
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `.Files`: the chart's non-template files (Helm's `engine.files`).
#[derive(Debug, Clone)]
pub struct Files(pub Arc<BTreeMap<String, ChartFile>>);

impl Files {
    pub fn new(files: &[ChartFile]) -> Self {
        Files(Arc::new(
            files.iter().map(|f| (f.name.clone(), f.clone())).collect(),
        ))
    }

    fn get(&self, name: &str) -> String {
        self.0.get(name).map(ChartFile::text).unwrap_or_default()
    }

    fn glob(&self, pattern: &str) -> Files {
        let glob = Glob::new(pattern);
        Files(Arc::new(
            self.0
                .iter()
                .filter(|(name, _)| glob.is_match(name))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ))
    }

    /// Helm's `AsConfig`/`AsSecrets`. Its `files` are never nil (`.Files` and
    /// every `Glob` result are made maps), so no match gives `{}`, not "".
    fn as_map(&self, base64: bool) -> String {
        let mut m = BTreeMap::new();
        for (k, v) in self.0.iter() {
            let base = k.rsplit('/').next().unwrap_or(k);
            let val = if base64 {
                crate::funcs::base64_of(v.bytes())
            } else {
                v.text()
            };
            m.insert(base.to_string(), GoValue::string(val));
        }
        crate::funcs::to_yaml(&GoValue::map(m)).unwrap_or_default()
    }
}

/// gobwas/glob with `/` as separator, as Helm's `Files.Glob` uses it: `*` stays
/// within a path segment, `**` crosses them, `{a,b}` alternatives.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    Glob::new(pattern).is_match(name)
}

/// A `Files.Glob` pattern, compiled once for every file it is matched against.
pub struct Glob(Vec<GlobPart>);

enum GlobPart {
    /// A pattern with `**` (or too many `{…}` expansions), as a regular
    /// expression (`None`: one that does not compile matches nothing).
    Regex(Option<regex::Regex>),
    /// Any other pattern, matched as Go's `filepath.Match` matches it.
    Go(String),
}

impl Glob {
    pub fn new(pattern: &str) -> Self {
        let regex = |p: &str| GlobPart::Regex(regex::Regex::new(&regex_for(p)).ok());
        // `{a,b}` groups are expanded into patterns; past a few dozen (`{a,b}`
        // thirty times over is a billion) the whole pattern is one regular
        // expression instead, whose matching is linear.
        if brace_expansions(pattern) > MAX_BRACE_EXPANSIONS {
            return Glob(vec![regex(pattern)]);
        }
        Glob(
            expand_braces(pattern)
                .into_iter()
                .map(|p| {
                    if p.contains("**") {
                        regex(&p)
                    } else {
                        GlobPart::Go(p)
                    }
                })
                .collect(),
        )
    }

    pub fn is_match(&self, name: &str) -> bool {
        self.0.iter().any(|part| match part {
            GlobPart::Regex(re) => re.as_ref().is_some_and(|r| r.is_match(name)),
            GlobPart::Go(p) => go_match(p, name).unwrap_or(false),
        })
    }
}

/// The patterns the `{a,b}` groups of `pattern` stand for, first group first.
fn expand_braces(pattern: &str) -> Vec<String> {
    let group = pattern.find('{').and_then(|open| {
        let close = pattern.get(open..)?.find('}')? + open;
        Some((open, close))
    });
    let Some((open, close)) = group else {
        return vec![pattern.to_string()];
    };
    let (pre, post) = (
        pattern.get(..open).unwrap_or_default(),
        pattern.get(close + 1..).unwrap_or_default(),
    );
    pattern
        .get(open + 1..close)
        .unwrap_or_default()
        .split(',')
        .flat_map(|alt| expand_braces(&format!("{pre}{alt}{post}")))
        .collect()
}

/// Most expansions of a pattern's `{…}` groups tried one by one.
const MAX_BRACE_EXPANSIONS: usize = 64;

/// How many patterns the `{a,b}` groups of `pattern` expand to (saturating).
fn brace_expansions(pattern: &str) -> usize {
    let mut product: usize = 1;
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest.get(open..).and_then(|r| r.find('}')).map(|c| c + open) else {
            break;
        };
        let alternatives = rest
            .get(open..close)
            .map_or(1, |g| g.matches(',').count() + 1);
        product = product.saturating_mul(alternatives);
        rest = rest.get(close + 1..).unwrap_or_default();
    }
    product
}

fn regex_for(pattern: &str) -> String {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_group = false;
    while let Some(&c) = chars.get(i) {
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                re.push_str(".*");
                i += 1;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            // A group only when it is closed; else a literal `{`.
            '{' if !in_group && chars.get(i..).is_some_and(|r| r.contains(&'}')) => {
                in_group = true;
                re.push_str("(?:");
            }
            ',' if in_group => re.push('|'),
            '}' if in_group => {
                in_group = false;
                re.push(')');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    re
}

impl Object for Files {
    fn type_name(&self) -> String {
        "engine.files".into()
    }
    fn kind(&self) -> stockade_gotemplate::Kind {
        stockade_gotemplate::Kind::Map
    }
    fn member(&self, name: &str) -> Option<Member> {
        let me = self.clone();
        Some(Member::Method(match name {
            "Get" => Func::new(vec![Param::String], move |_, a| {
                Ok(GoValue::string(me.get(
                    a.first().and_then(GoValue::as_str).unwrap_or_default(),
                )))
            }),
            "GetBytes" => Func::new(vec![Param::String], move |_, a| {
                let n = a.first().and_then(GoValue::as_str).unwrap_or_default();
                Ok(GoValue::Bytes(me.0.get(n).map_or_else(
                    || Arc::from(&[][..]),
                    |f| Arc::from(f.bytes()),
                )))
            }),
            "Glob" => Func::new(vec![Param::String], move |_, a| {
                Ok(GoValue::object(me.glob(
                    a.first().and_then(GoValue::as_str).unwrap_or_default(),
                )))
            }),
            "Lines" => Func::new(vec![Param::String], move |_, a| {
                let n = a.first().and_then(GoValue::as_str).unwrap_or_default();
                let Some(data) = me.0.get(n) else {
                    return Ok(GoValue::typed_list("string", Vec::new()));
                };
                let text = data.text();
                let text = text.strip_suffix('\n').unwrap_or(&text);
                Ok(GoValue::typed_list(
                    "string",
                    text.split('\n').map(GoValue::string).collect(),
                ))
            }),
            "AsConfig" => Func::new(vec![], move |_, _| Ok(GoValue::string(me.as_map(false)))),
            "AsSecrets" => Func::new(vec![], move |_, _| Ok(GoValue::string(me.as_map(true)))),
            _ => return None,
        }))
    }
    /// Go's `%v` of a `map[string][]byte`: `map[a.txt:[104 105] b:[]]`, keys
    /// in order, each byte in decimal. A chart passing its root context where
    /// a string goes (a `dict` key, say) prints every file this way, megabytes
    /// for a chart with CRDs: written straight into one buffer.
    fn go_string(&self) -> Option<String> {
        let size: usize = self
            .0
            .iter()
            .map(|(k, v)| k.len() + 4 * v.bytes().len() + 4)
            .sum();
        let mut out = String::with_capacity(size + 5);
        out.push_str("map[");
        for (i, (name, bytes)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(name);
            out.push_str(":[");
            for (j, &b) in bytes.bytes().iter().enumerate() {
                if j > 0 {
                    out.push(' ');
                }
                if b >= 100 {
                    out.push(char::from(b'0' + b / 100));
                }
                if b >= 10 {
                    out.push(char::from(b'0' + b / 10 % 10));
                }
                out.push(char::from(b'0' + b % 10));
            }
            out.push(']');
        }
        out.push(']');
        Some(out)
    }
    fn truth(&self) -> bool {
        !self.0.is_empty()
    }
    fn range_entries(&self) -> Option<Vec<(GoValue, GoValue)>> {
        Some(
            self.0
                .iter()
                .map(|(k, v)| {
                    (
                        GoValue::string(k.as_str()),
                        GoValue::Bytes(Arc::from(v.bytes())),
                    )
                })
                .collect(),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `fmt.Sprint(map[string][]byte{...})`.
    #[test]
    fn files_print_as_go_prints_a_map_of_byte_slices() {
        let files = Files::new(&[
            ChartFile::new("c", vec![0, 9, 10, 99, 100, 255]),
            ChartFile::new("a.txt", b"hi".to_vec()),
            ChartFile::new("b", Vec::new()),
        ]);
        assert_eq!(
            files.go_string().as_deref(),
            Some("map[a.txt:[104 105] b:[] c:[0 9 10 99 100 255]]")
        );
        assert_eq!(Files::new(&[]).go_string().as_deref(), Some("map[]"));
    }

    #[test]
    fn kube_versions_and_globs() {
        let kv = KubeVersion::parse("1.20").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            (
                kv.version.as_str(),
                kv.normalized.as_str(),
                kv.major.as_str(),
                kv.minor.as_str()
            ),
            ("v1.20", "v1.20.0", "1", "20")
        );
        assert!(KubeVersion::parse("abc").is_err());
        assert!(glob_match("files/*.txt", "files/a.txt"));
        assert!(!glob_match("files/*.txt", "files/x/a.txt"));
        assert!(glob_match("files/**.txt", "files/x/a.txt"));
        assert!(glob_match("{a,b}/*", "b/c"));
        // Thirty groups would be a billion expansions: one expression instead.
        let many = "{a,b}".repeat(30);
        let name = "ab".repeat(15);
        assert!(glob_match(&many, &name));
        assert!(!glob_match(&many, &format!("{name}c")));
        assert!(glob_match(
            &format!("x/{many}*.txt"),
            &format!("x/{name}y.txt")
        ));
        assert!(!glob_match(
            &format!("x/{many}*.txt"),
            &format!("x/{name}/y.txt")
        ));
    }

    /// A `Glob` that matches nothing still renders `AsConfig`/`AsSecrets` as
    /// Helm does: the YAML of an empty map.
    #[test]
    fn empty_glob_as_config_is_an_empty_map() {
        let files = Files(Arc::new(BTreeMap::from([(
            "conf/a.yml".to_string(),
            ChartFile::new("conf/a.yml", b"x: 1\n".to_vec()),
        )])));
        let none = files.glob("conf/*.yaml");
        assert_eq!(none.as_map(false), "{}");
        assert_eq!(none.as_map(true), "{}");
        assert_eq!(files.glob("conf/*.yml").as_map(false), "a.yml: |\n  x: 1");
    }
}
