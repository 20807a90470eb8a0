//! Label selectors (`matchLabels`, `matchExpressions`), as `metav1.LabelSelector`.

use std::collections::BTreeMap;
use std::fmt;

use stockade_source::source::Span;
use stockade_yaml::Node;

/// Labels of a pod or a namespace.
pub type Labels = BTreeMap<String, String>;

/// A `matchExpressions` operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// One requirement of `matchExpressions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    /// As `labels.Requirement.Matches`: `NotIn` and `DoesNotExist` match objects
    /// without the key.
    pub fn matches(&self, labels: &Labels) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::In => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Operator::NotIn => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

/// A label selector. The empty selector (`{}`) selects everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub match_labels: Vec<(String, String)>,
    pub match_expressions: Vec<Requirement>,
    /// Where the selector was written (`{}`, or the mapping).
    pub span: Span,
    /// Problems in the selector (an unknown operator, `In` without values): the API
    /// server rejects such a policy; the selector then matches nothing.
    pub invalid: Option<String>,
}

impl Selector {
    /// Whether this is `{}` (selects all).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty() && self.invalid.is_none()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        if self.invalid.is_some() {
            return false;
        }
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k).is_some_and(|x| x == v))
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }

    /// Label keys the selector reads.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.match_labels
            .iter()
            .map(|(k, _)| k.as_str())
            .chain(self.match_expressions.iter().map(|r| r.key.as_str()))
    }

    /// Read a selector node; `null` reads as `{}` (as Go decodes it into a value).
    pub fn read(node: &Node) -> Selector {
        let mut s = Selector {
            span: node.span,
            ..Selector::default()
        };
        if node.is_null() {
            return s;
        }
        if node.as_map().is_none() {
            s.invalid = Some(format!(
                "a label selector must be a mapping, not a {}",
                node.value.type_name()
            ));
            return s;
        }
        if let Some(ml) = node.get("matchLabels") {
            if let Some(entries) = ml.as_map() {
                for (k, v) in entries {
                    let (Some(k), Some(v)) = (k.key_string(), scalar_text(v)) else {
                        s.invalid = Some("matchLabels values must be strings".to_string());
                        continue;
                    };
                    s.match_labels.push((k, v));
                }
            } else if !ml.is_null() {
                s.invalid = Some("matchLabels must be a mapping".to_string());
            }
        }
        if let Some(me) = node.get("matchExpressions") {
            for item in me.as_seq().unwrap_or_default() {
                match read_requirement(item) {
                    Ok(r) => s.match_expressions.push(r),
                    Err(e) => s.invalid = Some(e),
                }
            }
        }
        s
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        stockade_yaml::Value::String(s) => Some(s.clone()),
        stockade_yaml::Value::Null => Some(String::new()),
        _ => None,
    }
}

fn read_requirement(node: &Node) -> Result<Requirement, String> {
    let key = node
        .get("key")
        .and_then(Node::as_str)
        .ok_or("a matchExpressions item needs a string `key`")?
        .to_string();
    let op = node.get("operator").and_then(Node::as_str).unwrap_or("");
    let operator = match op {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        other => {
            return Err(format!(
                "matchExpressions operator `{other}` is not In, NotIn, Exists or DoesNotExist"
            ))
        }
    };
    let values: Vec<String> = node
        .get("values")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(scalar_text)
        .collect();
    match operator {
        Operator::In | Operator::NotIn if values.is_empty() => Err(format!(
            "matchExpressions `{key} {op}` needs at least one value"
        )),
        Operator::Exists | Operator::DoesNotExist if !values.is_empty() => Err(format!(
            "matchExpressions `{key} {op}` must not have values"
        )),
        _ => Ok(Requirement {
            key,
            operator,
            values,
        }),
    }
}

impl fmt::Display for Selector {
    /// `{}` or `app=web,tier in (a,b),!debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("{}");
        }
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            parts.push(match r.operator {
                Operator::In => format!("{} in ({})", r.key, r.values.join(",")),
                Operator::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
                Operator::Exists => r.key.clone(),
                Operator::DoesNotExist => format!("!{}", r.key),
            });
        }
        if let Some(e) = &self.invalid {
            parts.push(format!("<invalid: {e}>"));
        }
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn operators() {
        let r = |op, values: &[&str]| Requirement {
            key: "app".into(),
            operator: op,
            values: values.iter().map(|s| (*s).to_string()).collect(),
        };
        let web = labels(&[("app", "web")]);
        let none = labels(&[]);
        assert!(r(Operator::In, &["web"]).matches(&web));
        assert!(!r(Operator::In, &["web"]).matches(&none));
        assert!(r(Operator::NotIn, &["db"]).matches(&web));
        assert!(r(Operator::NotIn, &["web"]).matches(&none));
        assert!(!r(Operator::NotIn, &["web"]).matches(&web));
        assert!(r(Operator::Exists, &[]).matches(&web));
        assert!(r(Operator::DoesNotExist, &[]).matches(&none));
        assert!(Selector::default().matches(&web));
    }
}
