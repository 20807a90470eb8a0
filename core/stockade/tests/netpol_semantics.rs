//! `NetworkPolicy` semantics (`networking.k8s.io/v1`), one behaviour per test, through
//! the public API (`connlist`, `explain`, `diff`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use stockade::netpol::{self, ConnFormat};
use stockade::Source;

fn deploy(ns: &str, name: &str, labels: &str, ports: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  template:\n    metadata: {{labels: {{{labels}}}}}\n    spec:\n      containers:\n      - name: c\n        image: x\n        ports: [{ports}]\n---\n"
    )
}

fn policy(ns: &str, name: &str, spec: &str) -> String {
    format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{spec}\n---\n")
}

fn conns(yaml: &str) -> BTreeMap<(String, String), String> {
    let list = netpol::connlist(&[Source::new("m.yaml", yaml)]);
    list.connections
        .iter()
        .map(|c| {
            (
                (c.src.name.clone(), c.dst.name.clone()),
                c.conns.to_string(),
            )
        })
        .collect()
}

fn get<'a>(m: &'a BTreeMap<(String, String), String>, s: &str, d: &str) -> Option<&'a str> {
    m.get(&(s.to_string(), d.to_string())).map(String::as_str)
}

const ALL: &str = "0.0.0.0-255.255.255.255[External]";

fn two() -> String {
    deploy("a", "web", "app: web", "")
        + &deploy("a", "db", "app: db", "{name: pg, containerPort: 5432}")
}

#[test]
fn without_policies_everything_is_allowed_but_not_to_itself() {
    let m = conns(&two());
    assert_eq!(
        get(&m, "a/web[Deployment]", "a/db[Deployment]"),
        Some("All Connections")
    );
    assert_eq!(get(&m, ALL, "a/web[Deployment]"), Some("All Connections"));
    assert_eq!(get(&m, "a/web[Deployment]", ALL), Some("All Connections"));
    assert_eq!(get(&m, "a/web[Deployment]", "a/web[Deployment]"), None);
}

#[test]
fn policy_types_default_to_ingress_plus_egress_when_egress_rules_exist() {
    // Only ingress isolation: egress of db stays open.
    let y = two() + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}");
    let m = conns(&y);
    assert_eq!(get(&m, "a/web[Deployment]", "a/db[Deployment]"), None);
    assert_eq!(
        get(&m, "a/db[Deployment]", "a/web[Deployment]"),
        Some("All Connections")
    );
    // Egress rules without policyTypes: egress is isolated too.
    let y = two() + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  egress:\n  - ports: [{port: 53, protocol: UDP}]");
    let m = conns(&y);
    assert_eq!(
        get(&m, "a/db[Deployment]", "a/web[Deployment]"),
        Some("UDP 53")
    );
    assert_eq!(get(&m, "a/db[Deployment]", ALL), Some("UDP 53"));
    // `egress: []` is no egress rule: not isolated for egress.
    let y = two()
        + &policy(
            "a",
            "p",
            "  podSelector: {matchLabels: {app: db}}\n  egress: []",
        );
    assert_eq!(
        get(&conns(&y), "a/db[Deployment]", "a/web[Deployment]"),
        Some("All Connections")
    );
}

#[test]
fn empty_rule_allows_all_and_empty_list_allows_none() {
    let y = two() + &policy("a", "p", "  podSelector: {}\n  ingress: [{}]");
    assert_eq!(
        get(&conns(&y), "a/web[Deployment]", "a/db[Deployment]"),
        Some("All Connections")
    );
    let y = two() + &policy("a", "p", "  podSelector: {}\n  ingress: []");
    assert_eq!(
        get(&conns(&y), "a/web[Deployment]", "a/db[Deployment]"),
        None
    );
}

#[test]
fn a_connection_needs_egress_at_the_source_and_ingress_at_the_destination() {
    let y = two()
        + &policy("a", "deny-egress", "  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]")
        + &policy("a", "allow-in", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]");
    assert_eq!(
        get(&conns(&y), "a/web[Deployment]", "a/db[Deployment]"),
        None
    );
    let e = netpol::explain(
        &[Source::new("m.yaml", &y)],
        "a/web",
        "a/db",
        Some("5432/TCP"),
    )
    .unwrap();
    assert!(!e.verdict);
    assert!(
        e.to_text()
            .contains("no rule allows it at the egress of a/web[Deployment]"),
        "{}",
        e.to_text()
    );
}

#[test]
fn allows_of_several_policies_add_up() {
    let y = two()
        + &policy(
            "a",
            "p1",
            "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports: [{port: 5432}]",
        )
        + &policy(
            "a",
            "p2",
            "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports: [{port: 9187}]",
        );
    assert_eq!(
        get(&conns(&y), "a/web[Deployment]", "a/db[Deployment]"),
        Some("TCP 5432,9187")
    );
}

#[test]
fn selectors_in_one_peer_are_and_in_two_peers_or() {
    let base = two()
        + &deploy("b", "web", "app: web", "")
        + &deploy("b", "job", "app: job", "")
        + "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {team: x}}\n---\n";
    let and = base.clone()
        + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: x}}\n      podSelector: {matchLabels: {app: web}}");
    let m = conns(&and);
    assert!(get(&m, "b/web[Deployment]", "a/db[Deployment]").is_some());
    assert!(get(&m, "b/job[Deployment]", "a/db[Deployment]").is_none());
    assert!(get(&m, "a/web[Deployment]", "a/db[Deployment]").is_none());
    let or = base
        + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: x}}\n    - podSelector: {matchLabels: {app: web}}");
    let m = conns(&or);
    assert!(get(&m, "b/web[Deployment]", "a/db[Deployment]").is_some());
    assert!(get(&m, "b/job[Deployment]", "a/db[Deployment]").is_some());
    // A lone podSelector means the policy's namespace.
    assert!(get(&m, "a/web[Deployment]", "a/db[Deployment]").is_some());
}

#[test]
fn namespaces_carry_their_implied_name_label_and_expressions_match_missing_keys() {
    let y = two()
        + &deploy("c", "x", "tier: batch", "")
        + &policy(
            "a",
            "p",
            "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: c}}\n      podSelector:\n        matchExpressions:\n        - {key: app, operator: NotIn, values: [web]}\n        - {key: debug, operator: DoesNotExist}",
        );
    let m = conns(&y);
    assert!(
        get(&m, "c/x[Deployment]", "a/db[Deployment]").is_some(),
        "{m:?}"
    );
    assert!(get(&m, "a/web[Deployment]", "a/db[Deployment]").is_none());
}

#[test]
fn ip_blocks_split_external_addresses_and_except_is_removed() {
    let y = two()
        + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}");
    let m = conns(&y);
    assert_eq!(
        get(&m, "10.0.0.0-10.0.255.255[External]", "a/db[Deployment]"),
        Some("All Connections")
    );
    assert_eq!(
        get(&m, "10.2.0.0-10.255.255.255[External]", "a/db[Deployment]"),
        Some("All Connections")
    );
    assert_eq!(
        get(&m, "10.1.0.0-10.1.255.255[External]", "a/db[Deployment]"),
        None
    );
    assert_eq!(
        get(&m, "0.0.0.0-9.255.255.255[External]", "a/db[Deployment]"),
        None
    );
    // Unisolated web is reachable from every range.
    assert_eq!(
        get(&m, "10.1.0.0-10.1.255.255[External]", "a/web[Deployment]"),
        Some("All Connections")
    );
    // ipBlocks never select workloads (pods have no known address in manifests).
    assert_eq!(get(&m, "a/web[Deployment]", "a/db[Deployment]"), None);
}

#[test]
fn ipv6_blocks() {
    let y = two()
        + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock: {cidr: '2001:db8::/32'}");
    let m = conns(&y);
    assert_eq!(
        get(
            &m,
            "a/db[Deployment]",
            "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff[External]"
        ),
        Some("All Connections")
    );
    assert_eq!(get(&m, "a/db[Deployment]", ALL), None);
}

#[test]
fn ports_protocols_ranges_and_named_ports() {
    let y = deploy("a", "web", "app: web", "")
        + &deploy("a", "db", "app: db", "{name: pg, containerPort: 5432}, {name: dns, containerPort: 53, protocol: UDP}")
        + &policy(
            "a",
            "p",
            "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - ports:\n    - port: 8000\n      endPort: 8010\n    - protocol: SCTP\n    - port: pg\n    - port: dns\n      protocol: TCP\n    - port: dns\n      protocol: UDP",
        );
    let m = conns(&y);
    assert_eq!(
        get(&m, "a/web[Deployment]", "a/db[Deployment]"),
        Some("SCTP 1-65535,TCP 5432,8000-8010,UDP 53")
    );
    // A named port never matches an address outside the cluster.
    let y = two()
        + &policy("a", "p", "  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: pg}]\n  - to: [{podSelector: {}}]\n    ports: [{port: pg}]");
    let m = conns(&y);
    assert_eq!(get(&m, "a/web[Deployment]", ALL), None);
    assert_eq!(
        get(&m, "a/web[Deployment]", "a/db[Deployment]"),
        Some("TCP 5432")
    );
}

#[test]
fn pods_are_grouped_by_their_controller() {
    let pod = |name: &str, owner: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: a\n  labels: {{app: api}}\n  ownerReferences:\n  - {{apiVersion: apps/v1, kind: ReplicaSet, name: {owner}, controller: true}}\nspec:\n  containers: [{{name: c, image: x}}]\n---\n")
    };
    let y =
        pod("api-1", "api-7f9") + &pod("api-2", "api-7f9") + &deploy("a", "web", "app: web", "");
    let list = netpol::connlist(&[Source::new("m.yaml", &y)]);
    assert_eq!(
        list.workloads,
        ["a/api-7f9[ReplicaSet]", "a/web[Deployment]"]
    );
    let text = list.render(ConnFormat::Text);
    assert!(
        text.contains("a/api-7f9[ReplicaSet] => a/web[Deployment] : All Connections"),
        "{text}"
    );
}

#[test]
fn formats() {
    let y = two() + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 5432}, {port: 53, protocol: UDP}]");
    let list = netpol::connlist(&[Source::new("m.yaml", &y)]);
    let csv = list.render(ConnFormat::Csv);
    assert!(csv.starts_with("src,dst,conn\n"));
    assert!(
        csv.contains("a/web[Deployment],a/db[Deployment],\"TCP 5432,UDP 53\""),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&list.render(ConnFormat::Json)).unwrap();
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["conn"] == "TCP 5432,UDP 53"));
    let md = list.render(ConnFormat::Markdown);
    assert!(md.contains("| a/web[Deployment] | a/db[Deployment] | TCP 5432,UDP 53 |"));
    let dot = list.render(ConnFormat::Dot);
    assert!(dot.starts_with("digraph {"));
    assert!(
        dot.contains("\"a/web[Deployment]\" -> \"a/db[Deployment]\" [label=\"TCP 5432,UDP 53\""),
        "{dot}"
    );
    // The text format reads back.
    let parsed = netpol::ConnList::parse_text(&list.to_text()).unwrap();
    assert_eq!(parsed.len(), list.connections.len());
}

#[test]
fn explain_names_the_rule_and_its_position() {
    let y = two() + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 5432}]");
    let e = netpol::explain(
        &[Source::new("m.yaml", &y)],
        "a/web",
        "a/db[Deployment]",
        Some("5432"),
    )
    .unwrap();
    assert!(e.verdict);
    let text = e.to_text();
    assert!(
        text.contains("a/web[Deployment] => a/db[Deployment] on 5432/TCP: ALLOWED"),
        "{text}"
    );
    let rule_line = y
        .lines()
        .position(|l| l.contains("- from: [{podSelector"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!(
            "ingress rule 0 (m.yaml:{rule_line}:5): ALLOWS the port"
        )),
        "{text}"
    );
    assert!(
        text.contains("Egress from a/web[Deployment]: not isolated"),
        "{text}"
    );
    let denied = netpol::explain(
        &[Source::new("m.yaml", &y)],
        "a/web",
        "a/db",
        Some("22/TCP"),
    )
    .unwrap();
    assert!(!denied.verdict);
    let json: serde_json::Value = serde_json::from_str(&denied.to_json()).unwrap();
    assert_eq!(json["ingress"]["policies"][0]["policy"], "a/p");
    assert!(netpol::explain(&[Source::new("m.yaml", &y)], "a/nope", "a/db", None).is_err());
}

#[test]
fn diff_reports_added_removed_and_changed_pairs() {
    let before = two() + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 5432}]");
    let after = two() + &policy("a", "p", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 10.0.0.0/8}}]");
    let d = netpol::diff(
        &[Source::new("old.yaml", &before)],
        &[Source::new("new.yaml", &after)],
    );
    let text = d.to_text();
    assert!(text.contains("diff-type: changed, source: a/web[Deployment], destination: a/db[Deployment], ref1: TCP 5432, ref2: All Connections"), "{text}");
    assert!(text.contains("diff-type: added, source: 10.0.0.0-10.255.255.255[External], destination: a/db[Deployment], ref1: No Connections, ref2: All Connections"), "{text}");
    assert!(
        !text.contains("0.0.0.0-9.255.255.255[External], destination: a/db"),
        "{text}"
    );
    let same = netpol::diff(
        &[Source::new("x.yaml", &before)],
        &[Source::new("y.yaml", &before)],
    );
    assert!(same.changes.is_empty());
    let back = netpol::diff(
        &[Source::new("new.yaml", &after)],
        &[Source::new("old.yaml", &before)],
    );
    assert!(back
        .changes
        .iter()
        .any(|c| c.kind == netpol::ChangeKind::Removed));
}
