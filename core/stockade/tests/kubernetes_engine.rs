//! Tests of manifest reading, extraction, namespaces, suppressions and messages.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use stockade::kubernetes::pss::{self, Level, Version};
use stockade::kubernetes::NamespaceIndex;
use stockade::{Config, Engine, Finding, Kind, PssLevel, Report};

/// These tests are about Pod Security: the hardening rules are off here (they have
/// their own tests in `tests/kubernetes_rules.rs`).
fn pss_only(config: Config) -> Config {
    stockade::kubernetes::RULES
        .iter()
        .filter(|r| r.pack == stockade::Pack::Kubernetes)
        .fold(config, |c, r| c.with_rule_enabled(r.id, false))
}

fn scan_with(config: Config, text: &str) -> Report {
    let config = pss_only(config);
    Engine::new(config).scan(text, Some("test.yaml"), Some(Kind::Kubernetes))
}

fn scan(text: &str) -> Report {
    scan_with(Config::default(), text)
}

fn baseline() -> Config {
    pss_only(Config::default().with_pss_level(PssLevel::Baseline))
}

fn span_text<'a>(text: &'a str, f: &Finding) -> &'a str {
    &text[f.start.offset as usize..f.end.offset as usize]
}

fn rules(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

const PRIVILEGED_CONTAINER: &str = "
        containers:
          - name: app
            image: app:1
            securityContext:
              privileged: true
";

fn indent(block: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    block
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(apiVersion, kind, YAML prefix down to the pod spec's parent, pointer of the pod spec)`.
fn workloads() -> Vec<(&'static str, &'static str, String, &'static str)> {
    let spec = |depth: usize| indent(PRIVILEGED_CONTAINER, depth);
    vec![
        ("v1", "Pod", format!("spec:\n{}", spec(0)), "/spec"),
        (
            "v1",
            "PodTemplate",
            format!("template:\n  spec:\n{}", spec(2)),
            "/template/spec",
        ),
        (
            "v1",
            "ReplicationController",
            format!("spec:\n  template:\n    spec:\n{}", spec(4)),
            "/spec/template/spec",
        ),
        (
            "apps/v1",
            "ReplicaSet",
            format!("spec:\n  template:\n    spec:\n{}", spec(4)),
            "/spec/template/spec",
        ),
        (
            "apps/v1",
            "Deployment",
            format!("spec:\n  template:\n    spec:\n{}", spec(4)),
            "/spec/template/spec",
        ),
        (
            "extensions/v1beta1",
            "DaemonSet",
            format!("spec:\n  template:\n    spec:\n{}", spec(4)),
            "/spec/template/spec",
        ),
        (
            "apps/v1",
            "StatefulSet",
            format!("spec:\n  template:\n    spec:\n{}", spec(4)),
            "/spec/template/spec",
        ),
        (
            "batch/v1",
            "Job",
            format!("spec:\n  template:\n    spec:\n{}", spec(4)),
            "/spec/template/spec",
        ),
        (
            "batch/v1",
            "CronJob",
            format!(
                "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n{}",
                spec(8)
            ),
            "/spec/jobTemplate/spec/template/spec",
        ),
    ]
}

#[test]
fn every_workload_kind_yields_its_pod_spec() {
    for (api_version, kind, body, spec_pointer) in workloads() {
        let text =
            format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: web\n  namespace: prod\n{body}\n");
        let report = scan_with(baseline(), &text);
        assert!(report.errors.is_empty(), "{kind}: {:?}", report.errors);
        assert_eq!(rules(&report), ["PSS001"], "{kind}");
        let f = &report.findings[0];
        assert_eq!(
            f.object.as_deref(),
            Some(format!("{kind}/prod/web").as_str())
        );
        assert_eq!(
            f.pointer.as_deref(),
            Some(format!("{spec_pointer}/containers/0/securityContext/privileged").as_str())
        );
        assert_eq!(span_text(&text, f), "true", "{kind}");
        assert_eq!(
            f.message,
            "privileged (container \"app\" must not set securityContext.privileged=true)"
        );
        assert_eq!(report.summary.kinds.get(kind), Some(&1));
        assert_eq!(report.summary.documents, 1);
        assert!(report.summary.skipped.is_empty());
    }
}

#[test]
fn kinds_of_other_groups_are_not_workloads() {
    let text = format!(
        "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n{}\n",
        indent(PRIVILEGED_CONTAINER, 4)
    );
    let report = scan(&text);
    assert!(report.findings.is_empty());
    assert_eq!(report.summary.skipped.len(), 1);
    assert_eq!(
        report.summary.skipped[0].reason,
        "Job/x has no pod spec to check"
    );
}

#[test]
fn init_and_ephemeral_containers_count() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  generateName: web-
spec:
  initContainers:
    - name: init
      securityContext: {privileged: true}
  containers:
    - name: app
  ephemeralContainers:
    - name: debug
      securityContext:
        privileged: true
";
    let report = scan_with(baseline(), text);
    let pointers: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| f.pointer.as_deref())
        .collect();
    assert_eq!(
        pointers,
        [
            "/spec/initContainers/0/securityContext/privileged",
            "/spec/ephemeralContainers/0/securityContext/privileged"
        ]
    );
    assert_eq!(report.findings[0].object.as_deref(), Some("Pod/web-"));
    let pod = pod_of(text);
    let results = pss::evaluate(&pod, Level::Baseline, Version::LATEST);
    assert_eq!(
        results[0].message(),
        "privileged (containers \"init\", \"debug\" must not set securityContext.privileged=true)"
    );
}

#[test]
fn lists_are_read_item_by_item() {
    let text = format!(
        "apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
{}
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
  - just: a map
",
        indent(PRIVILEGED_CONTAINER, 8)
    );
    let report = scan_with(baseline(), &text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(rules(&report), ["PSS001"]);
    assert_eq!(
        report.findings[0].pointer.as_deref(),
        Some("/items/0/spec/template/spec/containers/0/securityContext/privileged")
    );
    assert_eq!(report.summary.documents, 1);
    assert_eq!(report.summary.kinds.get("Deployment"), Some(&1));
    assert_eq!(report.summary.kinds.get("Service"), Some(&1));
    let reasons: Vec<_> = report
        .summary
        .skipped
        .iter()
        .map(|s| s.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        // A Service is read by the exposure rules (K8S040…), not skipped.
        ["list item /items/2 has no apiVersion and kind"]
    );
}

#[test]
fn typed_lists_and_json_are_read() {
    let text = r#"{"apiVersion": "apps/v1", "kind": "DeploymentList", "items": [
      {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"},
       "spec": {"template": {"spec": {"hostPID": true, "containers": [{"name": "c"}]}}}}]}"#;
    let report = Engine::new(baseline()).scan(text, Some("list.json"), None);
    assert_eq!(rules(&report), ["PSS002"]);
    assert_eq!(span_text(text, &report.findings[0]), "true");
    assert_eq!(report.findings[0].message, "host namespaces (hostPID=true)");
}

#[test]
fn stray_documents_are_skipped_and_empty_ones_ignored() {
    let text = "name: not kubernetes\n---\n---\n# only a comment\n---\n- a\n- b\n";
    let report = scan(text);
    assert!(report.errors.is_empty());
    assert_eq!(report.summary.documents, 2);
    assert!(report
        .summary
        .skipped
        .iter()
        .all(|s| s.kind == "not a Kubernetes object"));
    assert_eq!(report.summary.skipped.len(), 2);
}

#[test]
fn a_broken_document_is_located_and_the_others_checked() {
    let text = "apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  hostNetwork: true
---
apiVersion: v1
kind: Pod
metadata: {name: b
spec: [
---
apiVersion: v1
kind: Pod
metadata: {name: c}
spec:
  hostIPC: true
";
    let report = scan_with(baseline(), text);
    assert_eq!(report.summary.documents, 3);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let e = &report.errors[0];
    assert_eq!(e.document, Some(1));
    assert!(e.start.is_some_and(|p| p.line.get() >= 7), "{e:?}");
    let objects: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| f.object.as_deref())
        .collect();
    assert_eq!(objects, ["Pod/a", "Pod/c"]);
}

#[test]
fn values_of_the_wrong_type_reject_the_object() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: a
  annotations:
    prometheus.io/scrape: true
spec:
  containers:
    - name: app
      securityContext:
        privileged: \"true\"
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  hostPID: yes
";
    let report = scan_with(baseline(), text);
    let messages: Vec<_> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with(
        "invalid Pod/a: /metadata/annotations/prometheus.io~1scrape: expected a string"
    ));
    assert!(messages[1].contains("/spec/containers/0/securityContext/privileged: expected a boolean, found the string \"true\""));
    assert!(report.errors.iter().all(|e| e.document == Some(0)));
    // `yes` is a YAML 1.1 boolean, as Kubernetes reads it.
    assert_eq!(rules(&report), ["PSS002"]);
    assert_eq!(report.findings[0].object.as_deref(), Some("Pod/b"));
}

#[test]
fn missing_fields_point_at_the_nearest_existing_node() {
    let text = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: bare
      image: x
    - name: partial
      securityContext:
        capabilities:
          add: [NET_ADMIN, NET_BIND_SERVICE]
";
    let report = scan(text);
    let found: Vec<(&str, &str, &str)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                span_text(text, f),
                f.pointer.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("PSS014", "bare", "/spec/containers/0/name"),
            ("PSS018", "bare", "/spec/containers/0/name"),
            (
                "PSS014",
                "securityContext",
                "/spec/containers/1/securityContext"
            ),
            (
                "PSS018",
                "capabilities",
                "/spec/containers/1/securityContext/capabilities"
            ),
            // The baseline check fails too: reported at its own rule (HIGH).
            (
                "PSS005",
                "NET_ADMIN",
                "/spec/containers/1/securityContext/capabilities/add/0"
            ),
            (
                "PSS018",
                "NET_ADMIN",
                "/spec/containers/1/securityContext/capabilities/add/0"
            ),
        ]
    );
    let by_span = |s: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == "PSS018" && span_text(text, f) == s)
            .unwrap()
    };
    assert_eq!(
        by_span("NET_ADMIN").message,
        "unrestricted capabilities (container \"partial\" must not include \"NET_ADMIN\" in securityContext.capabilities.add)"
    );
    let results = pss::evaluate(&pod_of(text), Level::Restricted, Version::LATEST);
    let caps = results
        .iter()
        .find(|r| r.check.id == "capabilities_restricted")
        .unwrap();
    assert_eq!(
        caps.message(),
        "unrestricted capabilities (containers \"bare\", \"partial\" must set securityContext.capabilities.drop=[\"ALL\"]; container \"partial\" must not include \"NET_ADMIN\" in securityContext.capabilities.add)"
    );
}

/// Decode the first object of `text` as a pod (test helper).
fn pod_of(text: &str) -> stockade::kubernetes::podspec::Pod {
    let stream = stockade_yaml::parse_stream(text, &stockade_yaml::Limits::default());
    let root = stream.documents[0].node().unwrap();
    let mut decoder = stockade::kubernetes::podspec::Decoder::new();
    let pod = decoder.pod(root, "");
    assert!(decoder.errors.is_empty(), "{:?}", decoder.errors);
    pod
}

#[test]
fn aggregated_messages_match_psa_wording() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/a: unconfined
    container.apparmor.security.beta.kubernetes.io/b: runtime/default
spec:
  securityContext:
    seLinuxOptions: {type: spc_t, user: u}
    sysctls:
      - name: kernel.msgmax
      - name: net.ipv4.tcp_syncookies
      - name: kernel.sem
    appArmorProfile: {type: Unconfined}
  containers:
    - name: a
      ports:
        - containerPort: 80
          hostPort: 9000
        - containerPort: 81
          hostPort: 10000
      securityContext:
        seLinuxOptions: {role: r}
    - name: b
      ports: [{containerPort: 80, hostPort: 9000}]
  volumes:
    - name: v1
      hostPath: {path: /}
    - name: v2
      nfs: {server: s, path: /}
    - name: v3
";
    let pod = pod_of(text);
    let messages = |level| -> Vec<String> {
        pss::evaluate(&pod, level, Version::LATEST)
            .iter()
            .map(pss::CheckResult::message)
            .collect()
    };
    let baseline = messages(Level::Baseline);
    assert!(baseline.contains(&"forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to \"Unconfined\", \"container.apparmor.security.beta.kubernetes.io/a=\"unconfined\"\")".to_string()), "{baseline:?}");
    assert!(baseline.contains(&"hostPath volumes (volume \"v1\")".to_string()));
    assert!(baseline
        .contains(&"hostPort (containers \"a\", \"b\" use hostPorts 10000, 9000)".to_string()));
    assert!(baseline.contains(&"seLinuxOptions (pod and container \"a\" set forbidden securityContext.seLinuxOptions: type \"spc_t\"; user may not be set; role may not be set)".to_string()));
    assert!(baseline.contains(&"forbidden sysctls (kernel.msgmax, kernel.sem)".to_string()));
    let restricted = messages(Level::Restricted);
    assert!(restricted.contains(
        &"restricted volume types (volumes \"v1\", \"v2\" use restricted volume types \"hostPath\", \"nfs\")".to_string()
    ), "{restricted:?}");
    assert!(!restricted.iter().any(|m| m.starts_with("hostPath volumes")));
}

#[test]
fn versions_change_the_verdict() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 0
    sysctls: [{name: net.ipv4.tcp_keepalive_time}]
    seLinuxOptions: {type: container_engine_t}
  containers:
    - name: app
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
        seccompProfile: {type: RuntimeDefault}
";
    let at = |level: PssLevel, version: &str| -> Vec<String> {
        let mut config = Config::default().with_pss_level(level);
        config.pss_version = Some(version.to_string());
        let mut r: Vec<String> = rules(&scan_with(config, text))
            .iter()
            .map(ToString::to_string)
            .collect();
        r.sort();
        r
    };
    // v1.18: annotation seccomp check; sysctl and SELinux type not yet allowed.
    assert_eq!(
        at(PssLevel::Baseline, "v1.18"),
        ["PSS007", "PSS009", "PSS010"]
    );
    // v1.19: fields replace annotations.
    assert_eq!(at(PssLevel::Baseline, "v1.19"), ["PSS007", "PSS010"]);
    assert_eq!(at(PssLevel::Baseline, "v1.29"), ["PSS007"]);
    assert!(at(PssLevel::Baseline, "latest").is_empty());
    assert_eq!(at(PssLevel::Restricted, "v1.22"), ["PSS007", "PSS010"]);
    assert_eq!(
        at(PssLevel::Restricted, "v1.23"),
        ["PSS007", "PSS010", "PSS016"]
    );
    assert_eq!(at(PssLevel::Restricted, "v1.99"), ["PSS016"]);
    assert!(at(PssLevel::Privileged, "latest").is_empty());
    let bad = scan_with(
        {
            // Set directly, past the builder's check: the scan must report it.
            let mut config = Config::default();
            config.pss_version = Some("1.25".into());
            config
        },
        text,
    );
    assert_eq!(bad.errors.len(), 1);
    assert_eq!(bad.errors[0].kind, stockade::ErrorKind::Config);
}

const POD_IN: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: NS
spec:
  containers:
    - name: app
      image: app:1
";

#[test]
fn namespace_labels_decide_the_level() {
    let text = format!(
        "apiVersion: v1
kind: Namespace
metadata:
  name: relaxed
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: v1
kind: Namespace
metadata:
  name: open
  labels:
    pod-security.kubernetes.io/enforce: privileged
---
{}---
{}---
{}",
        POD_IN.replace("NS", "relaxed"),
        POD_IN.replace("NS", "open"),
        POD_IN.replace("NS", "other")
    );
    let report = scan(&text);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let objects: std::collections::BTreeSet<_> = report
        .findings
        .iter()
        .filter_map(|f| f.object.as_deref())
        .collect();
    // Only the pod in an unlabelled namespace gets the configured (restricted) level.
    assert_eq!(objects.into_iter().collect::<Vec<_>>(), ["Pod/other/p"]);
    assert_eq!(report.summary.kinds.get("Namespace"), Some(&2));
    assert!(report.summary.skipped.is_empty());
}

#[test]
fn namespace_versions_and_invalid_labels() {
    let text = format!(
        "apiVersion: v1
kind: Namespace
metadata:
  name: old
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.7
---
apiVersion: v1
kind: Namespace
metadata:
  name: typo
  labels:
    pod-security.kubernetes.io/enforce: strict
---
{}---
{}",
        POD_IN.replace("NS", "old"),
        POD_IN.replace("NS", "typo")
    );
    let report = scan_with(baseline(), &text);
    // v1.7 restricted: no allowPrivilegeEscalation (1.8+) nor seccomp/capabilities checks.
    let old: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.object.as_deref() == Some("Pod/old/p"))
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(old, ["PSS015"]);
    // An invalid enforce level fails closed (restricted) and is reported where it is.
    assert_eq!(report.errors.len(), 1);
    assert_eq!(span_text_err(&text, &report.errors[0]), "strict");
    assert!(report
        .findings
        .iter()
        .any(|f| f.object.as_deref() == Some("Pod/typo/p") && f.rule == "PSS017"));
}

fn span_text_err<'a>(text: &'a str, e: &stockade::ScanError) -> &'a str {
    let (s, e) = (
        e.start.unwrap().offset as usize,
        e.end.unwrap().offset as usize,
    );
    &text[s..e]
}

#[test]
fn the_engine_takes_namespaces_from_other_files() {
    let namespaces = NamespaceIndex::from_texts([
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
    ]);
    assert_eq!(namespaces.len(), 1);
    let text = POD_IN.replace("NS", "team");
    let engine = Engine::new(pss_only(Config::default()));
    assert!(!engine
        .scan(&text, Some("pod.yaml"), None)
        .findings
        .is_empty());
    let engine = engine.with_namespaces(namespaces);
    assert!(engine
        .scan(&text, Some("pod.yaml"), None)
        .findings
        .is_empty());
}

/// Under restricted, a baseline violation that a restricted check replaces (PSA
/// reports only `restrictedVolumes`, `capabilities_restricted`) keeps its own rule
/// and severity; the restricted check's finding stays, and its extra requirements
/// (an nfs volume, a missing drop ALL) are reported by it alone.
#[test]
fn baseline_violations_keep_their_severity_under_restricted() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: x
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
          add: [NET_ADMIN]
  volumes:
    - name: host
      hostPath:
        path: /var/run
    - name: share
      nfs:
        server: nfs.example.com
        path: /exports
";
    let report = scan(text);
    let found: Vec<(&str, &str, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                span_text(text, f),
                format!("{:?}", f.severity),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("PSS005", "NET_ADMIN", "High".to_string()),
            ("PSS018", "NET_ADMIN", "Low".to_string()),
            ("PSS003", "hostPath", "High".to_string()),
            ("PSS013", "hostPath", "Low".to_string()),
            ("PSS013", "nfs", "Low".to_string()),
        ]
    );
    // Baseline itself is unchanged.
    let report = scan_with(baseline(), text);
    assert_eq!(rules(&report), ["PSS005", "PSS003"]);
}

#[test]
fn comment_and_annotation_suppressions() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    stockade.io/ignore: \"PSS002, seccompProfile_restricted\"
spec:
  hostNetwork: true
  securityContext:
    runAsNonRoot: true
  containers:
    # stockade ignore=allowPrivilegeEscalation,PSS018
    - name: quiet
      image: x
    - name: loud
      image: x
      securityContext:
        # stockade ignore=PSS001
        privileged: true
        allowPrivilegeEscalation: true # stockade ignore=KSV-0001
    - name: extra
      # stockade ignore=PSS005
      image: x
";
    let report = scan(text);
    let kept: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.pointer.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        kept,
        [
            ("PSS018", "/spec/containers/1/securityContext"),
            ("PSS014", "/spec/containers/2/name"),
            ("PSS018", "/spec/containers/2/name"),
            // PSS005 does not run at the restricted level (capabilities_restricted replaces it).
            ("ST0001", ""),
        ]
    );
    let unused = report.findings.iter().find(|f| f.rule == "ST0001").unwrap();
    assert_eq!(span_text(text, unused), "PSS005");
    let suppressed: Vec<(&str, &str)> = report
        .suppressed
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                f.suppression.as_ref().unwrap().kind.as_str(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        // In source order: the pod, `quiet` (its item), `loud`, `extra`.
        [
            ("PSS002", "annotation"),
            ("PSS014", "comment"),
            ("PSS017", "annotation"),
            ("PSS018", "comment"),
            ("PSS017", "annotation"),
            ("PSS001", "comment"),
            ("PSS014", "comment"),
            ("PSS017", "annotation"),
        ]
    );
}

#[test]
fn kinds_are_detected() {
    use stockade::detect_kind;
    assert_eq!(
        detect_kind("k8s/deploy.yaml", "a: 1"),
        Some(Kind::Kubernetes)
    );
    assert_eq!(detect_kind("x.YML", ""), Some(Kind::Kubernetes));
    assert_eq!(
        detect_kind("pod.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}"),
        Some(Kind::Kubernetes)
    );
    assert_eq!(detect_kind("package.json", "{\"name\": \"x\"}"), None);
    assert_eq!("yaml".parse::<Kind>(), Ok(Kind::Kubernetes));
    assert_eq!("kubernetes".parse::<Kind>(), Ok(Kind::Kubernetes));
}

#[test]
fn rules_are_registered_with_aliases() {
    for (alias, id) in [
        ("privileged", "PSS001"),
        ("hostNamespaces", "PSS002"),
        ("KSV-0017", "PSS001"),
        ("AVD-KSV-0001", "PSS014"),
        ("CKV_K8S_20", "PSS014"),
        ("procMount_restricted", "PSS019"),
        ("hostProbesAndHostLifecycle", "PSS012"),
    ] {
        assert_eq!(stockade::explain(alias).map(|r| r.id), Some(id), "{alias}");
    }
    for rule in stockade::kubernetes::RULES {
        let docs = rule.docs_markdown();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(docs.contains(section), "{} lacks {section}", rule.id);
        }
    }
}

#[test]
fn more_psa_messages() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
    container.seccomp.security.alpha.kubernetes.io/b: unknown
    container.seccomp.security.alpha.kubernetes.io/a: docker/default
spec:
  securityContext:
    runAsNonRoot: false
    runAsUser: 0
    windowsOptions: {hostProcess: true}
    seccompProfile: {type: Unconfined}
  initContainers:
    - name: z
      readinessProbe: {tcpSocket: {host: b.com, port: 1}}
  containers:
    - name: a
      livenessProbe: {httpGet: {host: a.com, port: 1}}
      lifecycle: {preStop: {httpGet: {host: \"\", port: 1}}}
      securityContext:
        procMount: Unmasked
        runAsNonRoot: false
        windowsOptions: {hostProcess: true}
    - name: b
      securityContext:
        procMount: other
        runAsUser: 0
        seccompProfile: {type: Unconfined}
";
    let pod = pod_of(text);
    let at = |level, minor| -> Vec<String> {
        pss::evaluate(&pod, level, Version::v1(minor))
            .iter()
            .map(pss::CheckResult::message)
            .collect()
    };
    let expect = |messages: &[String], m: &str| {
        assert!(messages.iter().any(|x| x == m), "{m}\nnot in {messages:#?}");
    };
    let b18 = at(Level::Baseline, 18);
    expect(&b18, "seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/b=\"unknown\", seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")");
    expect(&b18, "hostProcess (pod and container \"a\" must not set securityContext.windowsOptions.hostProcess=true)");
    expect(&b18, "procMount (containers \"a\", \"b\" must not set securityContext.procMount to \"Unmasked\", \"other\")");
    let b34 = at(Level::Baseline, 34);
    expect(&b34, "seccompProfile (pod and container \"b\" must not set securityContext.seccompProfile.type to \"Unconfined\")");
    // PSA lists the containers of this check sorted by name.
    expect(&b34, "probe or lifecycle host (containers \"a\", \"z\" use probe or lifecycle hosts \"a.com\", \"b.com\")");
    let r = at(Level::Restricted, 37);
    expect(&r, "runAsNonRoot != true (pod and container \"a\" must not set securityContext.runAsNonRoot=false)");
    expect(
        &r,
        "runAsUser=0 (pod and container \"b\" must not set runAsUser=0)",
    );
    expect(&r, "seccompProfile (pod and container \"b\" must not set securityContext.seccompProfile.type to \"Unconfined\")");
    expect(&r, "allowPrivilegeEscalation != false (containers \"z\", \"a\", \"b\" must set securityContext.allowPrivilegeEscalation=false)");
}

#[test]
fn host_network_pods_get_default_host_ports() {
    let pod = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  containers:
    - name: app
      ports: [{containerPort: 8080}]
";
    let report = scan_with(baseline(), pod);
    assert_eq!(rules(&report), ["PSS002", "PSS004"]);
    assert_eq!(span_text(pod, &report.findings[1]), "8080");
    assert_eq!(
        report.findings[1].message,
        "hostPort (container \"app\" uses hostPort 8080)"
    );
    // Templates are not defaulted.
    let deployment = "apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: app
          ports: [{containerPort: 8080}]
";
    assert_eq!(rules(&scan_with(baseline(), deployment)), ["PSS002"]);
}

#[test]
fn labels_and_annotations_of_any_object_must_be_strings() {
    let text = "apiVersion: v1
kind: Service
metadata:
  name: s
  labels:
    version: 1.2
    tier: web
";
    let report = scan(text);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(span_text_err(text, &report.errors[0]), "1.2");
    assert!(report.errors[0]
        .message
        .contains("/metadata/labels/version: expected a string (label values must be strings; quote it), found the number 1.2"));
}

#[test]
fn a_directive_with_nothing_to_cover_is_reported_unused() {
    let text = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostPID: true
# stockade ignore=PSS002
";
    let report = scan_with(baseline(), text);
    assert_eq!(rules(&report), ["PSS002", "ST0001"]);
}
