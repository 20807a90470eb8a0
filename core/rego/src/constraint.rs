//! Reading a Constraint (an instance of a template's kind) as Gatekeeper does:
//! `spec.match`, `spec.parameters` (an empty object when absent, the template's
//! schema defaults applied), and the enforcement action.

use serde_json::Value as Json;

use super::matching::Match;
use stockade_source::finding::{ErrorKind, Problem};
use stockade_source::rule::Severity;
use stockade_source::source::Span;
use stockade_yaml::Node;

/// The API group of constraints.
pub const GROUP: &str = "constraints.gatekeeper.sh";

/// Enforcement points a scoped action may name.
pub const AUDIT_POINT: &str = "audit.gatekeeper.sh";
pub const GATOR_POINT: &str = "gator.gatekeeper.sh";
pub const WEBHOOK_POINT: &str = "validation.gatekeeper.sh";

/// One entry of `scopedEnforcementActions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedAction {
    pub action: String,
    /// Enforcement point names (`*` for all).
    pub points: Vec<String>,
}

/// A constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub kind: String,
    pub name: String,
    /// `deny` (default), `dryrun`, `warn` or `scoped`.
    pub enforcement_action: String,
    pub scoped: Vec<ScopedAction>,
    pub matcher: Match,
    /// `spec.parameters`, `{}` when absent (defaults not yet applied).
    pub parameters: Json,
    pub span: Span,
    /// The span of `metadata.name`'s value.
    pub name_span: Span,
}

fn problem(span: Span, message: impl Into<String>) -> Problem {
    Problem::new(ErrorKind::Policy, span, message)
}

/// Whether a document is a constraint (`constraints.gatekeeper.sh/*`).
pub fn is_constraint(api_version: &str) -> bool {
    api_version
        .split_once('/')
        .is_some_and(|(group, _)| group == GROUP)
}

impl Constraint {
    pub fn from_node(root: &Node) -> Result<Constraint, Problem> {
        let kind = root
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let name_node = root.get("metadata").and_then(|m| m.get("name"));
        let name = name_node.and_then(Node::as_str).unwrap_or("").to_string();
        if name.is_empty() {
            return Err(problem(
                root.span,
                format!("constraint {kind} has no metadata.name"),
            ));
        }
        let spec = root.get("spec");
        let action_node = spec.and_then(|s| s.get("enforcementAction"));
        let enforcement_action = action_node
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or("deny")
            .to_string();
        if !matches!(
            enforcement_action.as_str(),
            "deny" | "dryrun" | "warn" | "scoped"
        ) {
            return Err(problem(
                action_node.map_or(root.span, |n| n.span),
                format!(
                    "unrecognized enforcementAction `{enforcement_action}` (expected deny, dryrun, warn or scoped)"
                ),
            ));
        }
        let mut scoped = Vec::new();
        if let Some(list) = spec
            .and_then(|s| s.get("scopedEnforcementActions"))
            .and_then(Node::as_seq)
        {
            for entry in list {
                let action = entry
                    .get("action")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string();
                let points = entry
                    .get("enforcementPoints")
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| p.get("name").and_then(Node::as_str).map(str::to_string))
                    .collect();
                scoped.push(ScopedAction { action, points });
            }
        }
        if enforcement_action == "scoped" && scoped.is_empty() {
            return Err(problem(
                action_node.map_or(root.span, |n| n.span),
                "enforcementAction `scoped` needs scopedEnforcementActions",
            ));
        }
        let matcher = match spec.and_then(|s| s.get("match")) {
            Some(m) if !m.is_null() => {
                Match::from_json(&m.to_json()).map_err(|e| problem(m.span, e))?
            }
            _ => Match::default(),
        };
        let parameters = match spec.and_then(|s| s.get("parameters")) {
            Some(p) if !p.is_null() => p.to_json(),
            _ => Json::Object(serde_json::Map::new()),
        };
        Ok(Constraint {
            kind,
            name,
            enforcement_action,
            scoped,
            matcher,
            parameters,
            span: root.span,
            name_span: name_node.map_or(root.span, |n| n.span),
        })
    }

    /// `Kind/name`, the rule id of its findings.
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// The actions that apply at an enforcement point; `None` when the
    /// constraint is not enforced there (a scoped action naming other points).
    pub fn actions_at(&self, point: &str) -> Option<Vec<String>> {
        if self.enforcement_action != "scoped" {
            return Some(vec![self.enforcement_action.clone()]);
        }
        let actions: Vec<String> = self
            .scoped
            .iter()
            .filter(|s| s.points.iter().any(|p| p == "*" || p == point))
            .map(|s| s.action.to_lowercase())
            .collect();
        (!actions.is_empty()).then_some(actions)
    }
}

/// The severity of a finding for an enforcement action: `deny` high, `warn`
/// medium, `dryrun` info (the most severe of several scoped actions).
pub fn severity_of(actions: &[String]) -> Severity {
    let rank = |a: &str| match a {
        "deny" => 0,
        "warn" => 1,
        _ => 2,
    };
    match actions.iter().map(|a| rank(a)).min() {
        Some(0) => Severity::High,
        Some(1) => Severity::Medium,
        _ => Severity::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraint(spec: &str) -> Result<Constraint, Problem> {
        let text = format!(
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sX\nmetadata:\n  name: c\nspec:\n{spec}"
        );
        let node = stockade_yaml::parse_single(&text, &stockade_yaml::Limits::default()).unwrap();
        Constraint::from_node(&node)
    }

    #[test]
    fn enforcement_actions_and_severity() {
        let c = constraint("  parameters: {a: 1}\n").unwrap();
        assert_eq!(c.actions_at(AUDIT_POINT), Some(vec!["deny".to_string()]));
        assert_eq!(c.parameters, serde_json::json!({"a": 1}));
        let c = constraint("  enforcementAction: scoped\n  scopedEnforcementActions:\n  - action: warn\n    enforcementPoints: [{name: audit.gatekeeper.sh}]\n  - action: deny\n    enforcementPoints: [{name: validation.gatekeeper.sh}]\n").unwrap();
        assert_eq!(c.actions_at(AUDIT_POINT), Some(vec!["warn".to_string()]));
        assert_eq!(c.actions_at(GATOR_POINT), None);
        assert_eq!(severity_of(&["warn".into(), "deny".into()]), Severity::High);
        assert_eq!(severity_of(&["dryrun".into()]), Severity::Info);
        assert!(constraint("  enforcementAction: block\n").is_err());
        assert!(constraint("  enforcementAction: scoped\n").is_err());
        let c = constraint("  match: {}\n").unwrap();
        assert_eq!(c.parameters, serde_json::json!({}));
        assert_eq!(c.id(), "K8sX/c");
    }
}
