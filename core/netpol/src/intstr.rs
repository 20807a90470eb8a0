//! A NetworkPolicy port as the API server reads it (`IntOrString`).
//!
//! kubectl converts YAML to JSON first (sigs.k8s.io/yaml), so a YAML `80.0`,
//! `8e1`, `080` or `0x50` arrives as the JSON number `80` and is port 80 (what
//! [`Node::to_json`] gives); a quoted value is a string, a port name. The API
//! server then rejects, and so do we, with a located problem: any other JSON
//! type (`true`, a list, a mapping), a number that is not an integer, a number
//! outside 1–65535, and a name that is not an IANA service name. A rejected
//! port matches no traffic: it is never read as "all ports".

use serde_json::Value as Json;
use stockade_yaml::Node;

use super::model::PortValue;
use super::ports::{MAX_PORT, MIN_PORT};

/// `port`: a number in 1–65535 or an IANA service name.
pub(crate) fn read_port(node: &Node) -> Result<PortValue, String> {
    match node.to_json() {
        Json::String(name) => match port_name_problem(&name) {
            None => Ok(PortValue::Name(name)),
            Some(why) => Err(format!("port `{name}` is not a valid port name: {why}")),
        },
        json => read_number(&json, "port").map(PortValue::Number),
    }
}

/// `endPort`: a number in 1–65535 (an `int32` in the API: never a name).
pub(crate) fn read_end_port(node: &Node) -> Result<i64, String> {
    read_number(&node.to_json(), "endPort")
}

fn read_number(json: &Json, field: &str) -> Result<i64, String> {
    let shown = json.to_string();
    let Json::Number(n) = json else {
        return Err(format!(
            "{field} must be an integer or a port name, not {} `{shown}` (the API server rejects it)",
            type_name(json)
        ));
    };
    let Some(i) = n.as_i64() else {
        return Err(format!(
            "{field} `{shown}` is not an integer (the API server rejects it)"
        ));
    };
    if i < i64::from(MIN_PORT) || i > i64::from(MAX_PORT) {
        return Err(format!(
            "{field} {i} is out of range: it must be between {MIN_PORT} and {MAX_PORT}, inclusive"
        ));
    }
    Ok(i)
}

fn type_name(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "the boolean",
        Json::Number(_) => "the number",
        Json::String(_) => "the string",
        Json::Array(_) => "the list",
        Json::Object(_) => "the mapping",
    }
}

/// Why `name` is not an IANA service name (Kubernetes' `IsValidPortName`: at most
/// 15 characters of `a-z`, `0-9` and `-`, at least one letter, no hyphen at either
/// end nor two in a row).
fn port_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.len() > 15 {
        return Some("it must be 1 to 15 characters long");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("it may contain only lower-case letters, digits and '-'");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("it must contain at least one letter");
    }
    if name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        return Some("it must not start or end with '-' nor contain '--'");
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use stockade_yaml::{parse_single, Limits};

    fn port(text: &str) -> Result<PortValue, String> {
        read_port(&parse_single(text, &Limits::default()).unwrap())
    }

    #[test]
    fn ports_read_as_kubectl_then_the_api_server_read_them() {
        for ok in ["80", "80.0", "8e1", "080", "0x50", "0o120", "+80"] {
            assert_eq!(port(ok), Ok(PortValue::Number(80)), "{ok}");
        }
        assert_eq!(port("65535"), Ok(PortValue::Number(65535)));
        assert_eq!(port("http"), Ok(PortValue::Name("http".into())));
        assert_eq!(
            port("'80'"),
            Err("port `80` is not a valid port name: it must contain at least one letter".into())
        );
        for bad in [
            "0",
            "-5",
            "70000",
            "80.5",
            "true",
            "yes",
            "[80]",
            "{a: 1}",
            "HTTP",
            "a--b",
            "-a",
            "sixteen-chars-xx",
        ] {
            assert!(port(bad).is_err(), "{bad}: {:?}", port(bad));
        }
    }
}
