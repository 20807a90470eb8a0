//! Kyverno variables offline: `request.*`, `images`, `element`, context
//! variables, Kyverno `JMESPath` functions, and the CLI's request shapes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Map, Value};
use stockade::kyverno::eval::{evaluate_rule, image_info, rule_matches, Request, Status};
use stockade::kyverno::vars::substitute_str;
use stockade::kyverno::Policies;

fn policy(rule: &str) -> Policies {
    let text = format!(
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n{rule}"
    );
    let (p, errors) = Policies::from_texts([("p.yaml", text.as_str())]);
    // Rules needing the cluster are reported when read; the tests below still
    // evaluate them directly, as `kyverno test` does with a values file.
    assert!(
        errors
            .iter()
            .all(|e| e.problem.kind == stockade::ErrorKind::Unsupported),
        "{errors:?}"
    );
    p
}

fn run(policies: &Policies, resource: &Value, request: &Request) -> Vec<(String, Status, String)> {
    let mut out = Vec::new();
    for p in &policies.policies {
        for r in &p.rules {
            if rule_matches(p, r, resource, request) {
                if let Some(resp) = evaluate_rule(r, resource, request) {
                    out.push((r.name.clone(), resp.status, resp.message));
                }
            }
        }
    }
    out
}

fn pod(image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "1"}},
           "spec": {"containers": [{"name": "app", "image": image}]}})
}

#[test]
fn images_variable_follows_kyverno_image_info() {
    let info = image_info("nginx").unwrap();
    assert_eq!(info["registry"], "docker.io");
    assert_eq!(info["path"], "nginx");
    assert_eq!(info["tag"], "latest");
    let info = image_info("ghcr.io/org/app:1.2@sha256:abc").unwrap();
    assert_eq!(info["registry"], "ghcr.io");
    assert_eq!(info["name"], "app");
    assert_eq!(info["digest"], "sha256:abc");
    let info = image_info("localhost:5000/app").unwrap();
    assert_eq!(info["registry"], "localhost:5000");

    let p = policy(
        "  - name: registry\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    validate:\n      message: \"{{ images.containers.app.registry }} is not allowed\"\n      deny:\n        conditions:\n          any:\n          - key: \"{{ images.containers.*.registry }}\"\n            operator: AnyNotIn\n            value: [ghcr.io]\n",
    );
    let got = run(&p, &pod("nginx:1"), &Request::default());
    assert_eq!(got[0].1, Status::Fail);
    assert_eq!(got[0].2, "docker.io is not allowed");
    assert_eq!(
        run(&p, &pod("ghcr.io/x/y:1"), &Request::default())[0].1,
        Status::Pass
    );
    // The auto-generated Deployment rule sees the template's images.
    let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx"}]}}}});
    let got = run(&p, &deploy, &Request::default());
    assert_eq!(got[0].0, "autogen-registry");
    assert_eq!(got[0].1, Status::Fail);
}

#[test]
fn update_requests_carry_the_old_object() {
    let p = policy(
        "  - name: labels-unchanged\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    preconditions:\n      all:\n      - key: \"{{ request.operation }}\"\n        operator: Equals\n        value: UPDATE\n    validate:\n      deny:\n        conditions:\n          any:\n          - key: \"{{ request.object.metadata.labels | merge(@, {b: null}) }}\"\n            operator: NotEquals\n            value: \"{{ request.oldObject.metadata.labels || `{}` | merge(@, {b: null}) }}\"\n",
    );
    let create = run(&p, &pod("a:1"), &Request::default());
    assert_eq!(create[0].1, Status::Skip);
    let update = Request {
        operation: Some("UPDATE".to_string()),
        ..Request::default()
    };
    assert_eq!(run(&p, &pod("a:1"), &update)[0].1, Status::Pass);
}

#[test]
fn missing_keys_fail_unless_defaulted() {
    let ctx = json!({"request": {"object": {"spec": {"containers": [{"name": "a"}, {"name": "b", "resources": {"limits": {}}}]}}}});
    let err = substitute_str(&ctx, "{{ request.object.spec.nodeName }}").unwrap_err();
    assert!(err.0.contains("Unknown key \"nodeName\""), "{err:?}");
    assert_eq!(
        substitute_str(&ctx, "{{ request.object.spec.nodeName || 'none' }}").unwrap(),
        json!("none")
    );
    // A projection drops elements missing the key, as Kyverno's fork does.
    assert_eq!(
        substitute_str(
            &ctx,
            "{{ request.object.spec.containers[].resources.keys(@)[] }}"
        )
        .unwrap(),
        json!(["limits"])
    );
    assert_eq!(
        substitute_str(
            &ctx,
            "{{ request.object.spec.containers[].name | join(',', @) }}"
        )
        .unwrap(),
        json!("a,b")
    );
}

#[test]
fn kyverno_functions() {
    let ctx = json!({"m": {"a": 1}, "s": "Hello-World"});
    let cases = [
        ("{{ to_upper(s) }}", json!("HELLO-WORLD")),
        ("{{ split(s, '-') }}", json!(["Hello", "World"])),
        ("{{ regex_replace_all('o', s, '0') }}", json!("Hell0-W0rld")),
        ("{{ merge(m, {b: `2`}) }}", json!({"a": 1, "b": 2})),
        ("{{ items(m, 'k', 'v') }}", json!([{"k": "a", "v": 1}])),
        ("{{ object_from_lists(['x'], [`1`]) }}", json!({"x": 1})),
        ("{{ lookup(m, 'a') }}", json!(1)),
        ("{{ truncate(s, `5`) }}", json!("Hello")),
        ("{{ divide('250m', '1') }}", json!(0.25)),
        ("{{ compare('a', 'b') }}", json!(-1)),
        ("{{ parse_json('{\"x\": [1]}').x[0] }}", json!(1)),
    ];
    for (expr, want) in cases {
        assert_eq!(substitute_str(&ctx, expr).unwrap(), want, "{expr}");
    }
}

#[test]
fn context_variables_and_values() {
    let p = policy(
        "  - name: replicas\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    context:\n    - name: limit\n      variable:\n        value: 2\n    - name: fromcluster\n      apiCall:\n        urlPath: /api/v1/namespaces\n    validate:\n      deny:\n        conditions:\n          any:\n          - key: \"{{ fromcluster }}\"\n            operator: GreaterThan\n            value: \"{{ limit }}\"\n",
    );
    // The apiCall entry cannot run offline...
    let got = run(&p, &pod("a:1"), &Request::default());
    assert_eq!(got[0].1, Status::Error);
    assert!(got[0].2.contains("context apiCall `fromcluster`"));
    // ...unless a values file provides it (as `kyverno test` does).
    let mut values = Map::new();
    values.insert("fromcluster".to_string(), json!(3));
    let req = Request {
        values,
        ..Request::default()
    };
    assert_eq!(run(&p, &pod("a:1"), &req)[0].1, Status::Fail);
}

#[test]
fn cel_policy_kinds_are_unsupported() {
    let text = "apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: v\nspec: {}\n";
    let (p, errors) = Policies::from_texts([("v.yaml", text)]);
    assert!(p.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].problem.kind, stockade::ErrorKind::Unsupported);
}

#[test]
fn match_and_exclude_filters() {
    let p = policy(
        "  - name: r\n    match:\n      all:\n      - resources:\n          kinds: [\"*/Pod\", \"apps/v1/Deployment\"]\n          namespaces: [\"team-*\"]\n          selector:\n            matchLabels:\n              a: \"?\"\n    exclude:\n      any:\n      - resources:\n          names: [\"skip-*\"]\n      - clusterRoles: [cluster-admin]\n    validate:\n      pattern:\n        metadata:\n          name: \"?*\"\n",
    );
    let mut res = pod("a:1");
    assert!(
        run(&p, &res, &Request::default()).is_empty(),
        "no namespace"
    );
    res["metadata"]["namespace"] = json!("team-x");
    assert_eq!(run(&p, &res, &Request::default()).len(), 1);
    res["metadata"]["name"] = json!("skip-me");
    assert!(
        run(&p, &res, &Request::default()).is_empty(),
        "excluded by name"
    );
    res["metadata"]["name"] = json!("p");
    res["metadata"]["labels"]["a"] = json!("10");
    assert!(
        run(&p, &res, &Request::default()).is_empty(),
        "label wildcard needs one char"
    );
}
