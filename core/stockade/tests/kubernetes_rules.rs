//! Every Kubernetes hardening and seccomp-profile rule against its fixtures:
//! `fixtures/kubernetes/hardening/<ID>/fail*.{yaml,json}` must raise the rule,
//! `pass*.{yaml,json}` must not. The positioned findings of each fail fixture are
//! snapshotted (`line:col-line:col RULE message`). A `config.json` next to the
//! fixtures holds the rule's options (`{"options": {…}}`); opt-in rules are enabled
//! for their fixtures. Kinds are detected from the file names, as the CLI does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use stockade::config::{PssLevel, RuleSetting};
use stockade::{Config, Engine, Kind, Report, RuleMeta};

fn fixtures_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes/hardening")
}

fn hardening_rules() -> Vec<&'static RuleMeta> {
    stockade::kubernetes::RULES
        .iter()
        .filter(|r| r.pack == stockade::Pack::Kubernetes)
        .copied()
        .collect()
}

/// The configuration a rule's fixtures run with: the rule enabled, its options set.
fn config_for(meta: &RuleMeta, dir: &Path) -> Config {
    let mut setting = RuleSetting {
        enabled: Some(true),
        ..RuleSetting::default()
    };
    let cfg = dir.join("config.json");
    if cfg.exists() {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
        if let Some(opts) = json.get("options") {
            let spec = meta
                .options
                .expect("config.json options for a rule without options");
            let parsed = (spec.parse)(opts).unwrap_or_else(|e| panic!("{}: {e}", cfg.display()));
            setting.options = Some(Arc::new(parsed));
        }
    }
    let mut rules = HashMap::new();
    rules.insert(meta.id.to_string(), setting);
    let mut config = Config::default();
    config.rules = rules;
    config
}

fn lines_of(report: &Report, id: &str) -> String {
    report
        .findings
        .iter()
        .filter(|f| f.rule == id)
        .map(|f| {
            format!(
                "{}:{}-{}:{} {} {}",
                f.start.line, f.start.column, f.end.line, f.end.column, f.rule, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_rule_fixture() {
    let mut failures = Vec::new();
    for meta in hardening_rules() {
        let dir = fixtures_root().join(meta.id);
        let Ok(read) = std::fs::read_dir(&dir) else {
            failures.push(format!("{}: no fixture directory", meta.id));
            continue;
        };
        let mut entries: Vec<PathBuf> = read.map(|e| e.unwrap().path()).collect();
        entries.sort();
        let engine = Engine::new(config_for(meta, &dir));
        let (mut has_fail, mut has_pass) = (false, false);
        for file in entries {
            let name = file.file_name().unwrap().to_str().unwrap().to_string();
            if !name.starts_with("fail") && !name.starts_with("pass") {
                continue;
            }
            let Some(stem) = name
                .strip_suffix(".yaml")
                .or_else(|| name.strip_suffix(".json"))
            else {
                continue;
            };
            let text = std::fs::read_to_string(&file).unwrap();
            let report = engine.scan(&text, Some(&name), None);
            if !report.errors.is_empty() {
                failures.push(format!("{}/{name}: errors {:?}", meta.id, report.errors));
            }
            // A seccomp profile is read, never skipped.
            if file.extension().is_some_and(|e| e == "json") && !report.summary.skipped.is_empty() {
                failures.push(format!(
                    "{}/{name}: skipped {:?}",
                    meta.id, report.summary.skipped
                ));
            }
            let mine: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == meta.id)
                .collect();
            if name.starts_with("fail") {
                has_fail = true;
                if mine.is_empty() {
                    failures.push(format!("{}/{name}: expected {} to fire", meta.id, meta.id));
                }
                for f in &mine {
                    if f.end.offset <= f.start.offset || f.pointer.is_none() || f.object.is_none() {
                        failures.push(format!("{}/{name}: incomplete finding {f:?}", meta.id));
                    }
                }
                insta::with_settings!({
                    snapshot_path => "snapshots/kubernetes",
                    prepend_module_to_snapshot => false,
                    omit_expression => true,
                    description => format!("{}/{name}", meta.id),
                }, {
                    insta::assert_snapshot!(format!("{}__{stem}", meta.id), lines_of(&report, meta.id));
                });
            } else if name.starts_with("pass") {
                has_pass = true;
                if !mine.is_empty() {
                    failures.push(format!(
                        "{}/{name}: expected no {} finding, got:\n{}",
                        meta.id,
                        meta.id,
                        lines_of(&report, meta.id)
                    ));
                }
            }
        }
        if !has_fail || !has_pass {
            failures.push(format!("{}: needs a fail and a pass fixture", meta.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The pointer of every finding names the node its span covers.
#[test]
fn pointers_name_the_spanned_node() {
    for meta in hardening_rules() {
        let dir = fixtures_root().join(meta.id);
        let engine = Engine::new(config_for(meta, &dir));
        for ext in ["yaml", "json"] {
            let file = dir.join(format!("fail.{ext}"));
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let report = engine.scan(&text, Some(&format!("fail.{ext}")), None);
            let stream = stockade::yaml::parse_stream(&text, &stockade::yaml::Limits::default());
            for f in report.findings.iter().filter(|f| f.rule == meta.id) {
                let doc = stream.documents[f.document].node().unwrap();
                let pointer = f.pointer.as_deref().unwrap();
                let node = doc.locate(pointer);
                assert!(node.exact, "{}: {pointer} does not exist", meta.id);
                let span = (f.start.offset, f.end.offset);
                let covers = node.node.span.start == span.0 && node.node.span.end == span.1;
                let key_covers = node
                    .key
                    .is_some_and(|k| k.span.start == span.0 && k.span.end == span.1);
                // A container without a name is pointed at by its first key.
                let first_key_covers = node
                    .node
                    .as_map()
                    .and_then(|m| m.first())
                    .is_some_and(|(k, _)| k.span.start == span.0 && k.span.end == span.1);
                assert!(
                    covers || key_covers || first_key_covers,
                    "{}: {pointer} is not the node at {span:?}",
                    meta.id
                );
            }
        }
    }
}

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  automountServiceAccountToken: false
  containers:
    # stockade ignore=RULE
    - name: app
      image: registry.example.com/app:1.0
";

fn only(rule: &str) -> Config {
    let mut config = Config::default();
    for r in hardening_rules() {
        config = config.with_rule_enabled(r.id, r.id == rule);
    }
    config
}

#[test]
fn comment_suppressions_work_by_id_and_by_alias() {
    let engine = Engine::new(only("K8S001"));
    let open = POD.replace("    # stockade ignore=RULE\n", "");
    let report = engine.scan(&open, Some("pod.yaml"), None);
    assert_eq!(lines_of(&report, "K8S001").lines().count(), 1);
    for name in [
        "K8S001",
        "read-only-root-filesystem",
        "CKV_K8S_22",
        "KSV014",
        "AVD-KSV-0014",
    ] {
        let text = POD.replace("RULE", name);
        let report = engine.scan(&text, Some("pod.yaml"), None);
        assert!(
            report.findings.iter().all(|f| f.rule != "K8S001"),
            "{name}: {:?}",
            report.findings
        );
        assert_eq!(report.suppressed.len(), 1, "{name}");
        assert_eq!(report.suppressed[0].rule, "K8S001");
    }
}

#[test]
fn annotation_suppressions_work_by_alias() {
    let engine = Engine::new(only("K8S001"));
    let text = POD.replace("    # stockade ignore=RULE\n", "").replace(
        "  namespace: shop\n",
        "  namespace: shop\n  annotations:\n    stockade.io/ignore: \"CKV_K8S_22\"\n",
    );
    let report = engine.scan(&text, Some("pod.yaml"), None);
    assert!(report.findings.iter().all(|f| f.rule != "K8S001"));
    assert_eq!(report.suppressed.len(), 1);
}

#[test]
fn peer_ids_resolve_to_one_rule_each() {
    for (alias, id) in [
        ("CKV_K8S_22", "K8S001"),
        ("no-read-only-root-fs", "K8S001"),
        ("unset-cpu-requirements", "K8S002"),
        ("unset-memory-requirements", "K8S005"),
        ("KSV011", "K8S003"),
        ("latest-tag", "K8S006"),
        ("CKV_K8S_43", "K8S007"),
        ("AVD-KSV-0125", "K8S008"),
        ("CKV_K8S_15", "K8S009"),
        ("automountServiceAccountToken", "K8S010"),
        ("use-namespace", "K8S011"),
        ("no-liveness-probe", "K8S012"),
        ("readinessProbeMissing", "K8S013"),
        ("env-var-secret", "K8S014"),
        ("docker-sock", "K8S015"),
        ("container-runtime-sock", "K8S015"),
        ("sensitive-host-mounts", "K8S016"),
        ("CKV_K8S_40", "K8S017"),
        ("RunAsGroup", "K8S018"),
        ("CKV_K8S_39", "K8S022"),
        // Peers' ids for Pod Security concepts.
        ("privileged-container", "PSS001"),
        ("host-pid", "PSS002"),
        ("HostNetwork", "PSS002"),
        ("hostPathSet", "PSS003"),
        ("hostPortSet", "PSS004"),
        ("unsafe-proc-mount", "PSS008"),
        ("unsafe-sysctls", "PSS010"),
        ("privilege-escalation-container", "PSS014"),
        ("run-as-non-root", "PSS015"),
        ("SeccompAny", "PSS017"),
        ("drop-net-raw-capability", "PSS018"),
        ("CKV_K8S_28", "PSS018"),
    ] {
        assert_eq!(stockade::explain(alias).map(|r| r.id), Some(id), "{alias}");
    }
}

#[test]
fn a_missing_namespace_is_a_finding_only_when_required() {
    let text =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n";
    let report = Engine::new(only("K8S011")).scan(text, Some("svc.yaml"), None);
    assert!(report.findings.iter().all(|f| f.rule != "K8S011"));
    let dir = fixtures_root().join("K8S011");
    let meta = stockade::explain("K8S011").unwrap();
    let report = Engine::new(config_for(meta, &dir)).scan(text, Some("svc.yaml"), None);
    assert_eq!(
        lines_of(&report, "K8S011"),
        "3:1-3:9 K8S011 Service/web sets no namespace; it is created in the namespace kubectl points at (`default` unless told otherwise)"
    );
}

#[test]
fn hardening_rules_run_whatever_the_pod_security_level() {
    let text = POD.replace("    # stockade ignore=RULE\n", "");
    let config = only("K8S001").with_pss_level(PssLevel::Privileged);
    let report = Engine::new(config).scan(&text, Some("pod.yaml"), None);
    assert_eq!(lines_of(&report, "K8S001").lines().count(), 1);
    assert!(report.findings.iter().all(|f| !f.rule.starts_with("PSS")));
}

#[test]
fn a_hardening_field_of_the_wrong_type_rejects_the_object() {
    let text = POD
        .replace("    # stockade ignore=RULE\n", "")
        .replace(
            "      image: registry.example.com/app:1.0\n",
            "      image: registry.example.com/app:1.0\n      securityContext:\n        readOnlyRootFilesystem: \"true\"\n",
        );
    let report = Engine::new(Config::default()).scan(&text, Some("pod.yaml"), None);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.errors.len(), 1);
    let e = &report.errors[0];
    assert!(
        e.message.contains("readOnlyRootFilesystem"),
        "{}",
        e.message
    );
    let (s, t) = (
        e.start.unwrap().offset as usize,
        e.end.unwrap().offset as usize,
    );
    assert_eq!(&text[s..t], "\"true\"");
}

#[test]
fn seccomp_profiles_are_detected_and_counted() {
    let text = std::fs::read_to_string(fixtures_root().join("K8S021/pass.json")).unwrap();
    assert_eq!(
        stockade::detect_kind("profiles/app.json", &text),
        Some(Kind::Kubernetes)
    );
    assert_eq!(
        stockade::detect_kind("package.json", "{\"name\": \"x\"}"),
        None
    );
    let report = Engine::new(Config::default()).scan(&text, Some("app.json"), None);
    assert_eq!(report.summary.kinds.get("SeccompProfile"), Some(&1));
    assert!(report.summary.skipped.is_empty());
    assert!(report.errors.is_empty());
    // An allowing default is one finding; the explicit allows are not repeated.
    let text = r#"{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW"}]}"#;
    let report = Engine::new(Config::default()).scan(text, Some("p.json"), None);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["K8S020"]);
}

#[test]
fn opt_in_and_option_driven_rules_are_quiet_by_default() {
    let engine = Engine::new(Config::default());
    for (rule, file) in [
        ("K8S007", "K8S007/fail.yaml"),
        ("K8S008", "K8S008/fail.yaml"),
    ] {
        let text = std::fs::read_to_string(fixtures_root().join(file)).unwrap();
        let report = engine.scan(&text, Some("fail.yaml"), None);
        assert!(
            report.findings.iter().all(|f| f.rule != rule),
            "{rule} fired without being enabled or configured"
        );
    }
}

const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
  - apiGroups: [\"\"]
    resources: [\"secrets\"]
    verbs: [\"get\"]
";

const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
  - {kind: ServiceAccount, name: web, namespace: shop}
";

#[test]
fn rbac_objects_are_checked_not_skipped() {
    let text = format!(
        "{ROLE}---\n{BINDING}---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: c, namespace: shop}}\n"
    );
    let report = Engine::default().scan(&text, Some("rbac.yaml"), None);
    let reasons: Vec<_> = report
        .summary
        .skipped
        .iter()
        .map(|s| s.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        ["PersistentVolumeClaim/shop/c has no pod spec to check"]
    );
    assert_eq!(report.summary.kinds.get("Role"), Some(&1));
    assert_eq!(report.summary.kinds.get("RoleBinding"), Some(&1));
}

/// The binding rule sees the roles of every file of the scan; a file scanned
/// alone sees its own roles only.
#[test]
fn bindings_see_the_roles_of_the_whole_scan() {
    let roles = stockade::Source::new("roles.yaml", ROLE);
    let bindings = stockade::Source::new("bindings.yaml", BINDING);
    let report = Engine::default().scan_sources(&[roles, bindings.clone()], None);
    let k8s039: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "K8S039")
        .collect();
    assert_eq!(k8s039.len(), 1, "{:?}", report.findings);
    assert_eq!(k8s039[0].path, "bindings.yaml");
    assert_eq!(
        k8s039[0].message,
        "RoleBinding/shop/web-reader binds Role/shop/reader, which grants `get` on `secrets`, to ServiceAccount shop/web"
    );
    let alone = Engine::default().scan_sources(&[bindings], None);
    assert!(alone.findings.iter().all(|f| f.rule != "K8S039"));
}
