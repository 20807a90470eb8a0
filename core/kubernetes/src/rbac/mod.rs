//! RBAC rules (`K8S024`…): what Roles and `ClusterRoles` grant, and whom
//! `RoleBindings` and `ClusterRoleBindings` grant it to.
//!
//! The rules run on the four kinds of the `rbac.authorization.k8s.io` group
//! ([`is_rbac`]). Role rules read each item of `rules` ([`PolicyRule`]); a
//! `ClusterRole` with an `aggregationRule` has its own `rules` checked like any
//! other (the API server's controller overwrites them with the rules of the
//! `ClusterRoles` its selectors match, which are checked where they are defined).
//!
//! # What a grant is
//!
//! A policy rule grants a verb on a resource of a group when its `apiGroups` holds
//! the group or `*`, its `verbs` hold the verb or `*`, and its `resources` name the
//! resource. A rule whose `resources` is `*` (any resource) is reported by the
//! wildcard rule (`K8S024`) only, not again by every rule about a named resource;
//! the rules about a verb that has one meaning (`escalate`, `bind`,
//! `impersonate`) report it on any resource. A rule restricted with
//! `resourceNames` is not reported by the grant rules: naming the objects is the
//! least-privilege form they recommend.
//!
//! # Where findings point
//!
//! At the offending item: the `*` of a wildcard, the verb that grants (a `*` verb
//! when that is what grants it), the `name` of a binding's subject, or the `name`
//! of its `roleRef`. Object names are [`Object::display_name`]
//! (`Kind/namespace/name`).
//!
//! # Bindings and the roles of the scan
//!
//! [`RoleIndex`] records what each Role and `ClusterRole` of the scan grants of the
//! two most sensitive kinds (secrets, wildcards). The engine builds it over every
//! source of a scan ([`KubernetesPack`](crate::KubernetesPack)'s `prepare`); a
//! single source checked alone ([`check`](crate::check)) sees the roles of that
//! source only. A binding to a role defined outside the scan is not reported by
//! the cross-object rule (`K8S039`).

use std::collections::HashMap;

use crate::objects::{read_root, Object, Read};
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::context::Context;
use stockade_source::finding::Diagnostic;
use stockade_source::rule::RuleMeta;
use stockade_yaml::{Node, Stream};

pub(crate) mod anonymous_binding;
pub(crate) mod approve_csr;
pub(crate) mod authenticated_binding;
pub(crate) mod bind;
pub(crate) mod binding_sensitive_role;
pub(crate) mod create_workloads;
pub(crate) mod default_service_account_binding;
pub(crate) mod escalate;
pub(crate) mod impersonate;
pub(crate) mod nodes_proxy;
pub(crate) mod pod_exec;
pub(crate) mod privileged_role_binding;
pub(crate) mod read_secrets;
pub(crate) mod service_account_token;
pub(crate) mod webhook_config;
pub(crate) mod wildcard;

/// The RBAC API group.
pub const GROUP: &str = "rbac.authorization.k8s.io";

/// Whether the object is a Role, `ClusterRole`, `RoleBinding` or `ClusterRoleBinding`.
pub fn is_rbac(object: &Object<'_>) -> bool {
    object.group() == GROUP
        && matches!(
            object.kind.as_str(),
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
        )
}

fn is_role(object: &Object<'_>) -> bool {
    object.group() == GROUP && matches!(object.kind.as_str(), "Role" | "ClusterRole")
}

fn is_binding(object: &Object<'_>) -> bool {
    object.group() == GROUP && matches!(object.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
}

/// A finding of an RBAC rule, before it becomes a [`Diagnostic`].
#[derive(Debug, Clone)]
pub struct Hit {
    pub loc: Loc,
    pub message: String,
}

/// One string item of a list field of a policy rule, with where it is.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    pub value: &'a str,
    pub loc: Loc,
}

/// One item of a role's `rules`.
#[derive(Debug, Clone)]
pub struct PolicyRule<'a> {
    pub api_groups: Vec<Item<'a>>,
    pub resources: Vec<Item<'a>>,
    pub verbs: Vec<Item<'a>>,
    /// Whether `resourceNames` restricts the rule to named objects.
    pub has_resource_names: bool,
}

fn items<'a>(rule: &'a Node, pointer: &str, key: &str) -> Vec<Item<'a>> {
    let list_ptr = child(pointer, key);
    rule.get(key)
        .and_then(Node::as_seq)
        .map(|seq| {
            seq.iter()
                .enumerate()
                .filter_map(|(i, n)| {
                    n.as_str().map(|value| Item {
                        value,
                        loc: Loc::new(n.span, format!("{list_ptr}/{i}")),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `rules` of a Role or `ClusterRole` (items that are not mappings are skipped).
pub fn policy_rules<'a>(object: &Object<'a>) -> Vec<PolicyRule<'a>> {
    let rules_ptr = child(&object.pointer, "rules");
    let Some(seq) = object.root.get("rules").and_then(Node::as_seq) else {
        return Vec::new();
    };
    seq.iter()
        .enumerate()
        .filter(|(_, n)| n.as_map().is_some())
        .map(|(i, n)| {
            let ptr = format!("{rules_ptr}/{i}");
            PolicyRule {
                api_groups: items(n, &ptr, "apiGroups"),
                resources: items(n, &ptr, "resources"),
                verbs: items(n, &ptr, "verbs"),
                has_resource_names: n
                    .get("resourceNames")
                    .and_then(Node::as_seq)
                    .is_some_and(|s| !s.is_empty()),
            }
        })
        .collect()
}

/// What a grant rule looks for: verbs on resources of groups.
pub struct Grant {
    /// `(group, resources)`; an empty resource list means any resource, `*` included.
    pub targets: &'static [(&'static str, &'static [&'static str])],
    pub verbs: &'static [&'static str],
}

/// A verb granted on a resource: the verb item (what a finding points at) and the
/// resource named.
pub struct Granted<'a> {
    pub verb: &'a Item<'a>,
    pub resource: &'a str,
}

impl Grant {
    /// The first verb item of `rule` that grants one of the verbs on one of the
    /// resources, with the resource; `None` when the rule grants none (or is
    /// restricted by `resourceNames`).
    pub fn find<'r>(&self, rule: &'r PolicyRule<'r>) -> Option<Granted<'r>> {
        if rule.has_resource_names {
            return None;
        }
        let verb = rule
            .verbs
            .iter()
            .find(|v| v.value == "*" || self.verbs.contains(&v.value))?;
        for (group, resources) in self.targets {
            let group_ok = rule
                .api_groups
                .iter()
                .any(|g| g.value == *group || g.value == "*");
            if !group_ok {
                continue;
            }
            let resource = if resources.is_empty() {
                rule.resources.first().map(|r| r.value)
            } else {
                rule.resources
                    .iter()
                    .find(|r| resources.contains(&r.value))
                    .map(|r| r.value)
            };
            if let Some(resource) = resource {
                return Some(Granted { verb, resource });
            }
        }
        None
    }

    /// One hit per policy rule of `object` that grants: "`Kind/ns/name` grants
    /// `verb` on `resource`" followed by `why`.
    pub fn hits(&self, object: &Object<'_>, why: &str, out: &mut Vec<Hit>) {
        if !is_role(object) {
            return;
        }
        let name = object.display_name();
        for rule in policy_rules(object) {
            if let Some(g) = self.find(&rule) {
                out.push(Hit {
                    loc: g.verb.loc.clone(),
                    message: format!("{name} grants `{}` on `{}`{why}", g.verb.value, g.resource),
                });
            }
        }
    }
}

/// One subject of a binding.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub namespace: Option<&'a str>,
    /// The subject's `name` value.
    pub loc: Loc,
}

impl Subject<'_> {
    /// `ServiceAccount shop/web`, `User alice`, `Group system:masters`.
    pub fn label(&self) -> String {
        match self.namespace {
            Some(ns) if self.kind == "ServiceAccount" => {
                format!("{} {ns}/{}", self.kind, self.name)
            }
            _ => format!("{} {}", self.kind, self.name),
        }
    }
}

/// The subjects of a binding (entries without a string `kind` and `name` are skipped).
pub fn subjects<'a>(object: &Object<'a>) -> Vec<Subject<'a>> {
    let ptr = child(&object.pointer, "subjects");
    let Some(seq) = object.root.get("subjects").and_then(Node::as_seq) else {
        return Vec::new();
    };
    seq.iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let kind = n.get("kind")?.as_str()?;
            let name_node = n.get("name")?;
            let name = name_node.as_str()?;
            Some(Subject {
                kind,
                name,
                namespace: n.get("namespace").and_then(Node::as_str),
                loc: Loc::new(name_node.span, format!("{ptr}/{i}/name")),
            })
        })
        .collect()
}

/// A binding's `roleRef`.
#[derive(Debug, Clone)]
pub struct RoleRef<'a> {
    /// `Role` or `ClusterRole`.
    pub kind: &'a str,
    pub name: &'a str,
    /// The `name` value.
    pub loc: Loc,
}

impl RoleRef<'_> {
    /// `Role/ns/name` (a Role is in the binding's namespace) or `ClusterRole/name`.
    pub fn display_name(&self, binding_namespace: Option<&str>) -> String {
        match (self.kind, binding_namespace) {
            ("Role", Some(ns)) => format!("Role/{ns}/{}", self.name),
            (kind, _) => format!("{kind}/{}", self.name),
        }
    }
}

/// The `roleRef` of a binding, when it has a string `kind` and `name`.
pub fn role_ref<'a>(object: &Object<'a>) -> Option<RoleRef<'a>> {
    let node = object.root.get("roleRef")?;
    let kind = node.get("kind")?.as_str()?;
    let name_node = node.get("name")?;
    Some(RoleRef {
        kind,
        name: name_node.as_str()?,
        loc: Loc::new(
            name_node.span,
            child(&child(&object.pointer, "roleRef"), "name"),
        ),
    })
}

/// `User alice, Group devs`: the subjects, for messages (empty when there are none).
pub fn subject_list(subjects: &[Subject<'_>]) -> String {
    subjects
        .iter()
        .map(Subject::label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What each Role and `ClusterRole` of a scan grants of the sensitive kinds (secrets,
/// wildcards), for the rules on bindings. `ClusterRoles` are keyed by name, Roles by
/// namespace and name.
#[derive(Debug, Clone, Default)]
pub struct RoleIndex {
    roles: HashMap<(String, Option<String>, String), RoleEntry>,
}

#[derive(Debug, Clone, Default)]
struct RoleEntry {
    /// Short descriptions: "`get` on `secrets`", "`*` in `verbs`".
    grants: Vec<String>,
    labels: Vec<(String, String)>,
    /// `matchLabels` of each `aggregationRule.clusterRoleSelectors` item.
    aggregates: Vec<Vec<(String, String)>>,
}

fn string_pairs(node: Option<&Node>) -> Vec<(String, String)> {
    node.and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.key_string()?, v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

impl RoleIndex {
    /// Record every Role and `ClusterRole` of `objects`.
    pub fn add_objects<'o, 'a: 'o>(&mut self, objects: impl IntoIterator<Item = &'o Object<'a>>) {
        for o in objects {
            if !is_role(o) {
                continue;
            }
            let Some(name) = &o.name else { continue };
            let namespace = if o.kind == "Role" {
                o.namespace.clone()
            } else {
                None
            };
            let mut grants = Vec::new();
            for rule in policy_rules(o) {
                grants.extend(wildcard::describe(&rule));
                grants.extend(read_secrets::describe(&rule));
            }
            let metadata = o.root.get("metadata");
            let aggregates = o
                .root
                .get("aggregationRule")
                .and_then(|a| a.get("clusterRoleSelectors"))
                .and_then(Node::as_seq)
                .map(|s| {
                    s.iter()
                        .map(|sel| string_pairs(sel.get("matchLabels")))
                        .filter(|m| !m.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            self.roles.insert(
                (o.kind.clone(), namespace, name.clone()),
                RoleEntry {
                    grants,
                    labels: string_pairs(metadata.and_then(|m| m.get("labels"))),
                    aggregates,
                },
            );
        }
    }

    /// Read every Role and `ClusterRole` of a stream.
    pub fn from_stream(stream: &Stream) -> Self {
        let mut out = Self::default();
        for doc in &stream.documents {
            let Some(root) = doc.node() else { continue };
            if let Read::Objects(objects, _) = read_root(root) {
                out.add_objects(objects.iter());
            }
        }
        out
    }

    /// Add the roles of `other` (they replace same-named roles of `self`).
    pub fn extend(&mut self, other: &RoleIndex) {
        self.roles
            .extend(other.roles.iter().map(|(k, v)| (k.clone(), v.clone())));
    }

    /// Whether the index knows no role.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }

    /// What the role a binding refers to grants of the sensitive kinds, with the
    /// rules an aggregated `ClusterRole` gathers (`matchLabels` selectors) from the
    /// `ClusterRoles` of the scan; `None` when the role is not in the scan.
    pub fn sensitive_grants(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Vec<String>> {
        let ns = if kind == "Role" {
            namespace.map(str::to_string)
        } else {
            None
        };
        let entry = self.roles.get(&(kind.to_string(), ns, name.to_string()))?;
        let mut grants = entry.grants.clone();
        if kind == "ClusterRole" {
            let mut names: Vec<_> = self
                .roles
                .iter()
                .filter(|((k, _, n), e)| {
                    k == "ClusterRole"
                        && n != name
                        && entry
                            .aggregates
                            .iter()
                            .any(|sel| sel.iter().all(|pair| e.labels.contains(pair)))
                })
                .collect();
            names.sort_by(|a, b| a.0.cmp(b.0));
            for ((_, _, n), e) in names {
                grants.extend(
                    e.grants
                        .iter()
                        .map(|g| format!("{g} (aggregated from ClusterRole/{n})")),
                );
            }
        }
        Some(grants)
    }
}

/// What a rule on one RBAC object sees.
pub struct Rbac<'a> {
    pub object: &'a Object<'a>,
    pub roles: &'a RoleIndex,
}

/// An RBAC rule.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Rbac<'_>, &mut Vec<Hit>),
}

/// The RBAC rules, in id order.
pub static RBAC_RULES: &[Rule] = &[
    Rule {
        meta: &wildcard::META,
        check: wildcard::check,
    },
    Rule {
        meta: &read_secrets::META,
        check: read_secrets::check,
    },
    Rule {
        meta: &pod_exec::META,
        check: pod_exec::check,
    },
    Rule {
        meta: &create_workloads::META,
        check: create_workloads::check,
    },
    Rule {
        meta: &escalate::META,
        check: escalate::check,
    },
    Rule {
        meta: &bind::META,
        check: bind::check,
    },
    Rule {
        meta: &impersonate::META,
        check: impersonate::check,
    },
    Rule {
        meta: &nodes_proxy::META,
        check: nodes_proxy::check,
    },
    Rule {
        meta: &service_account_token::META,
        check: service_account_token::check,
    },
    Rule {
        meta: &approve_csr::META,
        check: approve_csr::check,
    },
    Rule {
        meta: &webhook_config::META,
        check: webhook_config::check,
    },
    Rule {
        meta: &privileged_role_binding::META,
        check: privileged_role_binding::check,
    },
    Rule {
        meta: &anonymous_binding::META,
        check: anonymous_binding::check,
    },
    Rule {
        meta: &authenticated_binding::META,
        check: authenticated_binding::check,
    },
    Rule {
        meta: &default_service_account_binding::META,
        check: default_service_account_binding::check,
    },
    Rule {
        meta: &binding_sensitive_role::META,
        check: binding_sensitive_role::check,
    },
];

/// Run the RBAC rules on one object (nothing happens for other kinds).
pub fn check_object(
    ctx: &mut Context<'_>,
    document: usize,
    object: &Object<'_>,
    roles: &RoleIndex,
) {
    if !is_rbac(object) {
        return;
    }
    let name = object.display_name();
    let input = Rbac { object, roles };
    for rule in RBAC_RULES {
        if !ctx.enabled(rule.meta) {
            continue;
        }
        let mut hits = Vec::new();
        (rule.check)(&input, &mut hits);
        for hit in hits {
            ctx.report(
                Diagnostic::new(rule.meta, hit.loc.span, hit.message)
                    .in_document(document)
                    .with_object(name.clone())
                    .with_pointer(hit.loc.pointer),
            );
        }
    }
}

/// Binding rule helper: one hit per subject `matches` accepts, at its `name`.
pub(crate) fn subject_hits(
    object: &Object<'_>,
    out: &mut Vec<Hit>,
    mut message: impl FnMut(&Subject<'_>, &str) -> Option<String>,
) {
    if !is_binding(object) {
        return;
    }
    let role = role_ref(object).map_or_else(
        || "its role".to_string(),
        |r| r.display_name(object.namespace.as_deref()),
    );
    for s in subjects(object) {
        if let Some(m) = message(&s, &role) {
            out.push(Hit {
                loc: s.loc.clone(),
                message: m,
            });
        }
    }
}

/// Rules about a verb with one meaning (`escalate`, `bind`, `impersonate`): a hit
/// where `grant` finds it (the verb or `*` on the resources it is about), or where
/// the verb is written out on any resource (`any`).
pub(crate) fn explicit_or(
    grant: &Grant,
    any: &Grant,
    verb: &str,
    object: &Object<'_>,
    why: &str,
    out: &mut Vec<Hit>,
) {
    if !is_role(object) {
        return;
    }
    let name = object.display_name();
    for rule in policy_rules(object) {
        let found = grant.find(&rule).or_else(|| {
            any.find(&rule)
                .filter(|_| rule.verbs.iter().any(|v| v.value == verb))
                .map(|g| Granted {
                    verb: rule
                        .verbs
                        .iter()
                        .find(|v| v.value == verb)
                        .unwrap_or(g.verb),
                    resource: g.resource,
                })
        });
        if let Some(g) = found {
            out.push(Hit {
                loc: g.verb.loc.clone(),
                message: format!("{name} grants `{}` on `{}`{why}", g.verb.value, g.resource),
            });
        }
    }
}
