//! Issue 14, round two, through the real binary: inputs that used to vanish or
//! widen silently now give located errors and exit 2, and text from scanned
//! files cannot drive the terminal or forge report lines.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

mod common;
use common::TempDir;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::run_in(dir, args, None).parts()
}

fn pod(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: default\n  labels:\n    app: {name}\nspec:\n  containers:\n  - name: c\n    image: nginx:1\n"
    )
}

/// Item 12: a deny-all policy with a repeated key used to disappear, the output
/// then read "All Connections" and the command exited 0.
#[test]
fn netpol_reports_an_unreadable_policy_and_exits_2() {
    let dir = TempDir::new("netpol-dup");
    dir.write("pods.yaml", format!("{}---\n{}", pod("a"), pod("b")));
    dir.write(
        "deny.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: default\n  namespace: default\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
    );
    for args in [
        &["netpol", "connlist", "."][..],
        &[
            "netpol",
            "explain",
            ".",
            "--from",
            "default/a",
            "--to",
            "default/b",
        ][..],
        &["netpol", "diff", "--before", ".", "--after", "."][..],
    ] {
        let (code, _, err) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("deny.yaml:6:3: key `namespace` already defined at line 5"),
            "{args:?}: {err}"
        );
    }
}

fn policy_with_port(port: &str) -> String {
    format!(
        "{}---\n{}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: default\nspec:\n  podSelector:\n    matchLabels: {{app: b}}\n  policyTypes: [Ingress]\n  ingress:\n  - ports:\n    - port: {port}\n",
        pod("a"),
        pod("b")
    )
}

/// Item 14: ports are read as kubectl then the API server read them; a port the
/// API server rejects is a located error and never "all ports".
#[test]
fn netpol_ports_are_read_as_the_api_server_reads_them() {
    // kubectl turns these into the JSON number 80 (`kubectl label --local -o json`).
    for port in ["80", "80.0", "8e1", "080", "0x50"] {
        let dir = TempDir::new("port-ok");
        dir.write("all.yaml", policy_with_port(port));
        let (code, out, err) = run(dir.path(), &["netpol", "connlist", "."]);
        assert_eq!(code, 0, "{port}: {err}");
        assert!(
            out.contains("default/a[Pod] => default/b[Pod] : TCP 80\n"),
            "{port}: {out}"
        );
    }
    for (port, message) in [
        (
            "true",
            "port must be an integer or a port name, not the boolean `true`",
        ),
        (
            "[80]",
            "port must be an integer or a port name, not the list `[80]`",
        ),
        ("80.5", "port `80.5` is not an integer"),
        ("0", "port 0 is out of range"),
        ("-5", "port -5 is out of range"),
        ("70000", "port 70000 is out of range"),
        ("'Web_Port'", "port `Web_Port` is not a valid port name"),
    ] {
        let dir = TempDir::new("port-bad");
        dir.write("all.yaml", policy_with_port(port));
        let (code, out, err) = run(dir.path(), &["netpol", "connlist", "."]);
        assert_eq!(code, 2, "{port}: {err}");
        assert!(
            err.contains(&format!(
                "all.yaml:36:13: NetworkPolicy default/np: {message}"
            )),
            "{port}: {err}"
        );
        assert!(
            !out.contains("default/a[Pod] => default/b[Pod]"),
            "{port}: never widened to all ports: {out}"
        );
        // The scan reports the same, located.
        let (code, out, _) = run(
            dir.path(),
            &["scan", "--no-config", "--format", "concise", "."],
        );
        assert_eq!(code, 2, "{port}: {out}");
        assert!(
            out.contains(&format!(
                "all.yaml:36:13: error[parse] NetworkPolicy default/np: {message}"
            )),
            "{port}: {out}"
        );
    }
}

/// Item 20: control characters in paths and names are shown, never sent.
#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = TempDir::new("controls");
    dir.write(
        "\u{1b}[31mred/Dockerfile",
        "FROM ubuntu:latest\nUSER root\n",
    );
    dir.write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"evil\\nforged.yaml:1:1: fake\\u001b[2J\"\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: true\n",
    );
    dir.write(
        "bad\nname.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, name: b}\n",
    );
    for format in ["text", "concise", "github"] {
        let (code, out, err) = run(
            dir.path(),
            &[
                "scan",
                "--no-config",
                "--color",
                "never",
                "--format",
                format,
                ".",
            ],
        );
        assert_eq!(code, 2, "{format}: {err}");
        for text in [&out, &err] {
            assert!(
                !text.contains('\u{1b}'),
                "{format}: ESC reached the output: {text:?}"
            );
            assert!(
                !text
                    .lines()
                    .any(|l| l.starts_with("forged.yaml") || l.starts_with("name.yaml")),
                "{format}: a forged line: {text}"
            );
        }
        assert!(
            out.contains("\u{241b}[31mred/Dockerfile"),
            "{format}: {out}"
        );
    }
}

/// Item 11: an `--inventory` document that cannot be parsed used to vanish
/// (exit 0); it is now a located error, as for `--policy`.
#[test]
fn inventory_documents_that_cannot_be_parsed_are_errors() {
    let dir = TempDir::new("inventory");
    dir.write(
        "inv/bad.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n",
    );
    dir.write(
        "inv/ok.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\n",
    );
    dir.write("policy/p.yaml", TEMPLATE);
    dir.write("scan/pod.yaml", pod("p"));
    let (code, out, err) = run(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "--format",
            "concise",
            "--policy",
            "policy",
            "--inventory",
            "inv",
            "scan",
        ],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("bad.yaml:5:3: error[parse] key `name` already defined at line 4"),
        "{out}"
    );
    assert!(!out.contains("ok.yaml"), "{out}");
}

const TEMPLATE: &str = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8snothing\nspec:\n  crd:\n    spec:\n      names:\n        kind: K8sNothing\n  targets:\n  - target: admission.k8s.gatekeeper.sh\n    rego: |\n      package k8snothing\n      violation[{\"msg\": msg}] {\n        input.review.object.kind == \"Nothing\"\n        msg := \"x\"\n      }\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sNothing\nmetadata:\n  name: nothing\n";

/// Item 24: a second Namespace object relabelling a namespace `privileged` used
/// to remove every Pod Security finding of its pods (the last file won).
#[test]
fn conflicting_namespaces_are_reported_and_the_strictest_level_applies() {
    let ns = |level: &str| {
        format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    pod-security.kubernetes.io/enforce: {level}\n")
    };
    let privileged_pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: prod\nspec:\n  containers:\n  - name: c\n    image: nginx:1\n    securityContext:\n      privileged: true\n      runAsNonRoot: true\n";
    let dir = TempDir::new("namespaces");
    dir.write("a.yaml", ns("baseline"));
    dir.write("zz.yaml", ns("privileged"));
    dir.write("pod.yaml", privileged_pod);
    // One file holding all three reads the same.
    let one = TempDir::new("namespaces-one");
    one.write(
        "all.yaml",
        format!(
            "{privileged_pod}---\n{}---\n{}",
            ns("privileged"),
            ns("baseline")
        ),
    );
    for (dir, path) in [(&dir, "."), (&one, "all.yaml")] {
        let (code, out, _) = run(
            dir.path(),
            &["scan", "--no-config", "--format", "concise", path],
        );
        assert_eq!(code, 2, "{out}");
        assert!(
            out.contains("PSS001"),
            "{path}: the privileged pod is reported: {out}"
        );
        let conflicts: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("is also defined"))
            .collect();
        assert_eq!(conflicts.len(), 2, "{path}: {out}");
        assert!(
            conflicts
                .iter()
                .all(|l| l.contains("the strictest applies: baseline")),
            "{out}"
        );
    }
    let (_, out, _) = run(
        dir.path(),
        &["scan", "--no-config", "--format", "concise", "."],
    );
    assert!(out.contains("zz.yaml:4:9: error[config] Namespace prod (privileged by pod-security.kubernetes.io/enforce) is also defined with different Pod Security labels at a.yaml:4:9"), "{out}");
}
