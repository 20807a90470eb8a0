//! `NetworkPolicy` lint rules: every rule fires on its `fail.yaml` fixture and not on
//! its `pass.yaml`; findings are located; the scan-level pass sees every file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use stockade::{Engine, Kind, Pack, Source};

fn fixture(id: &str, file: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/netpol")
        .join(id)
        .join(file);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_netpol_rule_fires_on_fail_and_not_on_pass() {
    let engine = Engine::default();
    let mut problems = Vec::new();
    let rules: Vec<_> = stockade::rules()
        .iter()
        .filter(|r| r.pack == Pack::NetworkPolicy)
        .collect();
    assert!(rules.len() >= 13, "{} rules", rules.len());
    for r in rules {
        for (file, want) in [("fail.yaml", true), ("pass.yaml", false)] {
            let text = fixture(r.id, file);
            let report = engine.scan(&text, Some(file), Some(Kind::Kubernetes));
            assert!(
                report.errors.is_empty(),
                "{} {file}: {:?}",
                r.id,
                report.errors
            );
            let hits: Vec<_> = report.findings.iter().filter(|f| f.rule == r.id).collect();
            if hits.is_empty() == want {
                problems.push(format!(
                    "{} {file}: fired={}, expected {want}; findings: {:?}",
                    r.id,
                    !hits.is_empty(),
                    report
                        .findings
                        .iter()
                        .map(|f| format!("{} {}", f.rule, f.message))
                        .collect::<Vec<_>>()
                ));
            }
            for h in hits {
                // Every finding points at text of its own file.
                assert!(h.start.line.get() >= 1, "{}: {h:?}", r.id);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn finding_line(text: &str, rule: &str) -> Vec<(u32, String)> {
    let report = stockade::scan(text, Some("p.yaml"), Some(Kind::Kubernetes));
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.start.line.get(), f.message.clone()))
        .collect()
}

#[test]
fn findings_point_at_the_offending_node() {
    let text = fixture("NP001", "fail.yaml");
    let hits = finding_line(&text, "NP001");
    assert_eq!(hits.len(), 1);
    let line = text.lines().nth(hits[0].0 as usize - 1).unwrap();
    assert!(
        line.contains("matchLabels: {app: api-server}") || line.contains("podSelector"),
        "{line}"
    );
    assert!(hits[0].1.contains("shop/api-ingress"), "{}", hits[0].1);

    let text = fixture("NP008", "fail.yaml");
    let hits = finding_line(&text, "NP008");
    let line = text.lines().nth(hits[0].0 as usize - 1).unwrap();
    assert!(line.contains("192.168.1.0/24"), "{line}");

    let text = fixture("NP009", "fail.yaml");
    let hits = finding_line(&text, "NP009");
    let line = text.lines().nth(hits[0].0 as usize - 1).unwrap();
    assert!(line.contains("endPort: 31000"), "{line}");
    assert!(hits[0].1.contains("below port 32000"), "{}", hits[0].1);
}

#[test]
fn aliases_resolve_to_the_coverage_rule() {
    for alias in ["non-isolated-pod", "missingNetworkPolicy", "CKV2_K8S_6"] {
        assert_eq!(stockade::explain(alias).unwrap().id, "NP011", "{alias}");
    }
}

#[test]
fn scan_level_pass_sees_every_file_and_attributes_findings() {
    let workloads = Source::new(
        "apps.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: x}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: db, image: x}]}\n",
    );
    let policies = Source::new(
        "netpol.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n",
    );
    let report = Engine::default().scan_sources(&[workloads.clone(), policies.clone()], None);
    // The policy selects `api` (in the other file): no NP001.
    assert!(
        !report.findings.iter().any(|f| f.rule == "NP001"),
        "{:?}",
        report.findings
    );
    // `db` is not isolated: reported in apps.yaml, at its name.
    let np011: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "NP011")
        .collect();
    assert_eq!(np011.len(), 1, "{np011:?}");
    assert_eq!(np011[0].path, "apps.yaml");
    assert!(np011[0].message.contains("shop/db[Deployment]"));
    assert_eq!(np011[0].start.line.get(), 11);

    // Alone, the policy file selects nothing it can see, and says nothing about workloads.
    let alone = stockade::scan(policies.text(), Some("netpol.yaml"), Some(Kind::Kubernetes));
    assert!(
        !alone.findings.iter().any(|f| f.rule == "NP001"),
        "no workloads: not judged"
    );
    assert!(!alone.findings.iter().any(|f| f.rule == "NP011"));
}

#[test]
fn suppressions_apply_to_netpol_findings() {
    let text = fixture("NP009", "fail.yaml").replace(
        "kind: NetworkPolicy\nmetadata:\n",
        "kind: NetworkPolicy\nmetadata:\n  annotations:\n    stockade.io/ignore: NP009\n",
    );
    let report = stockade::scan(&text, Some("p.yaml"), Some(Kind::Kubernetes));
    assert!(!report.findings.iter().any(|f| f.rule == "NP009"));
    assert!(report.suppressed.iter().any(|f| f.rule == "NP009"));
}

#[test]
fn invalid_policies_are_located_errors() {
    let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: a}\nspec:\n  podSelector:\n    matchExpressions: [{key: app, operator: Equals, values: [a]}]\n";
    let report = stockade::scan(text, Some("p.yaml"), Some(Kind::Kubernetes));
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(report.errors[0].message.contains("Equals"));
    assert_eq!(report.errors[0].start.as_ref().unwrap().line.get(), 6);
}

#[test]
fn joined_selectors_that_only_match_in_the_policy_namespace_are_reported() {
    // The reverse of the split case: one peer with both selectors, where the pods
    // exist only in the policy's own namespace, which the namespaceSelector misses.
    let text = fixture("NP001", "pass.yaml").replace(
        "    - podSelector: {matchLabels: {app: web}}",
        "    - namespaceSelector: {matchLabels: {team: other}}\n      podSelector: {matchLabels: {app: web}}",
    );
    let hits = finding_line(&text, "NP003");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(
        hits[0].1.contains("two peers were likely meant"),
        "{}",
        hits[0].1
    );
}

#[test]
fn named_port_towards_an_ip_block_is_reported() {
    let text = fixture("NP008", "pass.yaml").replace(
        "        except: [10.0.1.0/24]",
        "        except: [10.0.1.0/24]\n    ports:\n    - port: http",
    );
    let hits = finding_line(&text, "NP007");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(
        hits[0].1.contains("never matches an ipBlock"),
        "{}",
        hits[0].1
    );
}

#[test]
fn udp_only_service_ports_count_for_the_protocol_check() {
    let text = fixture("NP001", "pass.yaml").replace(
        "    - podSelector: {matchLabels: {app: web}}",
        "    - podSelector: {matchLabels: {app: web}}\n    ports:\n    - port: 5353",
    ) + "---\napiVersion: v1\nkind: Service\nmetadata: {name: mdns, namespace: shop}\nspec:\n  selector: {app: api}\n  ports:\n  - {port: 5353, protocol: UDP}\n";
    let hits = finding_line(&text, "NP006");
    assert_eq!(hits.len(), 1, "{hits:?}");
}

/// Issue 10: the same workload and policy copied into two folders (two samples of
/// one repository) are reported in both files, and objects are named as the
/// Kubernetes pack names them (`Kind/namespace/name`, the namespace as written).
#[test]
fn same_named_objects_in_two_files_are_each_reported() {
    let text = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-ingress}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
";
    let a = Source::new("a/app.yaml", text);
    let b = Source::new("b/app.yaml", text);
    let report = Engine::default().scan_sources(&[a, b], None);
    let egress: Vec<(&str, Option<&str>)> = report
        .findings
        .iter()
        .filter(|f| f.rule == "NP012")
        .map(|f| (f.path.as_str(), f.object.as_deref()))
        .collect();
    assert_eq!(
        egress,
        [
            ("a/app.yaml", Some("Deployment/web")),
            ("b/app.yaml", Some("Deployment/web"))
        ]
    );
    // The Kubernetes pack names the same object the same way.
    assert!(report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("K8S") && f.path == "a/app.yaml")
        .all(|f| f.object.as_deref() == Some("Deployment/web")
            || f.object.as_deref() == Some("NetworkPolicy/only-ingress")));
}
