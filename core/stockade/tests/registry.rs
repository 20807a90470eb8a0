//! The rule registry: every rule is complete, unique and tested by fixtures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::PathBuf;

use stockade::{Engine, Kind, Pack};

const SECTIONS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

#[test]
fn every_rule_is_complete_and_unique() {
    let rules = stockade::rules();
    assert!(
        rules.len() > 50,
        "expected the Dockerfile pack, got {} rules",
        rules.len()
    );
    let mut ids = HashMap::new();
    let mut names = HashMap::new();
    let mut aliases: HashMap<String, &str> = HashMap::new();
    let mut problems = Vec::new();
    for r in rules {
        if ids.insert(r.id, r.name).is_some() {
            problems.push(format!("duplicate id {}", r.id));
        }
        if names.insert(r.name, r.id).is_some() {
            problems.push(format!("duplicate name {}", r.name));
        }
        if r.title.trim().is_empty() {
            problems.push(format!("{}: no title", r.id));
        }
        if r.remediation.trim().is_empty() {
            problems.push(format!("{}: no remediation", r.id));
        }
        let docs = r.docs_markdown();
        let mut last = 0;
        for s in SECTIONS {
            match docs.find(s) {
                Some(at) if at >= last => last = at,
                Some(_) => problems.push(format!("{}: section `{s}` out of order", r.id)),
                None => problems.push(format!("{}: docs lack `{s}`", r.id)),
            }
        }
        for a in r.aliases {
            let key = a.to_ascii_uppercase();
            if let Some(other) = aliases.insert(key, r.id) {
                problems.push(format!("alias {a} claimed by {other} and {}", r.id));
            }
            // An alias must find its rule.
            if stockade::explain(a).map(|m| m.id) != Some(r.id) {
                problems.push(format!("alias {a} does not resolve to {}", r.id));
            }
        }
        if let Some(spec) = r.options {
            // Defaults must parse back (deny_unknown_fields keeps them honest).
            let defaults = (spec.defaults)();
            if (spec.parse)(&defaults).is_err() {
                problems.push(format!("{}: default options do not parse", r.id));
            }
            if (spec.parse)(&serde_json::json!({"no_such_option": 1})).is_ok() {
                problems.push(format!("{}: unknown option keys are accepted", r.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn trivy_alias_spellings_resolve() {
    assert_eq!(stockade::explain("AVD-DS-0001").unwrap().id, "DF0001");
    assert_eq!(stockade::explain("DS001").unwrap().id, "DF0001");
    assert_eq!(stockade::explain("dl3008").unwrap().id, "DF0023");
    assert_eq!(
        stockade::explain("MaintainerDeprecated").unwrap().id,
        "DF0014"
    );
}

/// Every Dockerfile rule has a fail fixture that raises it and a pass fixture that
/// does not (the detailed assertions and snapshots are in `dockerfile_rules.rs`).
/// Trivy's KSV104 fails a container whose seccomp profile is unset (or
/// `Unconfined`): the restricted seccomp check, not the baseline one that only
/// forbids `Unconfined`. KSV004 (no `capabilities.drop` at all) is covered by the
/// restricted capabilities check.
#[test]
fn trivy_ksv_aliases_name_the_right_check() {
    assert_eq!(stockade::explain("KSV-0104").unwrap().id, "PSS017");
    assert_eq!(stockade::explain("KSV104").unwrap().id, "PSS017");
    assert_eq!(stockade::explain("AVD-KSV-0104").unwrap().id, "PSS017");
    assert_eq!(stockade::explain("KSV-0004").unwrap().id, "PSS018");
    assert_eq!(stockade::explain("KSV-0030").unwrap().id, "PSS017");
    assert!(!stockade::explain("PSS009")
        .unwrap()
        .aliases
        .iter()
        .any(|a| a.starts_with("KSV")));
}

#[test]
fn every_dockerfile_rule_has_fixtures_that_work() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile");
    let mut problems = Vec::new();
    for r in stockade::rules()
        .iter()
        .filter(|r| r.pack == Pack::Dockerfile)
    {
        let dir = root.join(r.id);
        let mut config = stockade::Config::default().with_rule_enabled(r.id, true);
        if let Ok(text) = std::fs::read_to_string(dir.join("config.json")) {
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            if let (Some(opts), Some(spec)) = (json.get("options"), r.options) {
                let setting = config.rules.get_mut(r.id).unwrap();
                setting.options = Some(std::sync::Arc::new((spec.parse)(opts).unwrap()));
            }
        }
        let engine = Engine::new(config);
        for (file, want) in [("fail.Dockerfile", true), ("pass.Dockerfile", false)] {
            let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
                problems.push(format!("{}: missing {file}", r.id));
                continue;
            };
            let report = engine.scan(&text, Some(file), Some(Kind::Dockerfile));
            let fired = report.findings.iter().any(|f| f.rule == r.id);
            if fired != want {
                problems.push(format!("{}: {file} fired={fired}, expected {want}", r.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every Kubernetes rule has a fail fixture that raises it and a pass fixture that
/// does not: the hardening and seccomp-profile rules in
/// `fixtures/kubernetes/hardening/<ID>/{fail,pass}.{yaml,json}` (details and
/// snapshots in `kubernetes_rules.rs`), the Pod Security rules in
/// `fixtures/kubernetes/rules/<ID>.{fail,pass}.yaml`, checked at their level (details
/// in `pss_conformance.rs`).
#[test]
fn every_kubernetes_rule_has_fixtures_that_work() {
    use stockade::config::PssLevel;
    use stockade::kubernetes::pss::{self, Level};

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubernetes");
    let mut problems = Vec::new();
    let mut seen = 0;
    for r in stockade::rules()
        .iter()
        .filter(|r| matches!(r.pack, Pack::Kubernetes | Pack::PodSecurity))
    {
        seen += 1;
        let mut config = stockade::Config::default().with_rule_enabled(r.id, true);
        let files: Vec<(PathBuf, bool)> = if r.pack == Pack::PodSecurity {
            let Some(check) = pss::check_by_id(r.id) else {
                problems.push(format!("{}: no Pod Security check", r.id));
                continue;
            };
            config.pss_level = match check.level {
                Level::Baseline => PssLevel::Baseline,
                Level::Restricted => PssLevel::Restricted,
            };
            let dir = root.join("rules");
            vec![
                (dir.join(format!("{}.fail.yaml", r.id)), true),
                (dir.join(format!("{}.pass.yaml", r.id)), false),
            ]
        } else {
            let dir = root.join("hardening").join(r.id);
            if let Ok(text) = std::fs::read_to_string(dir.join("config.json")) {
                let json: serde_json::Value = serde_json::from_str(&text).unwrap();
                if let (Some(opts), Some(spec)) = (json.get("options"), r.options) {
                    let setting = config.rules.get_mut(r.id).unwrap();
                    setting.options = Some(std::sync::Arc::new((spec.parse)(opts).unwrap()));
                }
            }
            ["fail", "pass"]
                .iter()
                .map(|stem| {
                    let yaml = dir.join(format!("{stem}.yaml"));
                    let file = if yaml.exists() {
                        yaml
                    } else {
                        dir.join(format!("{stem}.json"))
                    };
                    (file, *stem == "fail")
                })
                .collect()
        };
        let engine = Engine::new(config);
        for (file, want) in files {
            let name = file.file_name().unwrap().to_str().unwrap().to_string();
            let Ok(text) = std::fs::read_to_string(&file) else {
                problems.push(format!("{}: missing {}", r.id, file.display()));
                continue;
            };
            let report = engine.scan(&text, Some(&name), None);
            let fired = report.findings.iter().any(|f| f.rule == r.id);
            if fired != want {
                problems.push(format!("{}: {name} fired={fired}, expected {want}", r.id));
            }
        }
    }
    assert!(seen > 40, "expected the Kubernetes packs, got {seen} rules");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every `NetworkPolicy` rule has a fail fixture that raises it and a pass fixture
/// that does not (details in `netpol_rules.rs`).
#[test]
fn every_netpol_rule_has_fixtures_that_work() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/netpol");
    let engine = Engine::default();
    let mut problems = Vec::new();
    let mut count = 0;
    for r in stockade::rules()
        .iter()
        .filter(|r| r.pack == Pack::NetworkPolicy)
    {
        count += 1;
        for (file, want) in [("fail.yaml", true), ("pass.yaml", false)] {
            let Ok(text) = std::fs::read_to_string(root.join(r.id).join(file)) else {
                problems.push(format!("{}: missing {file}", r.id));
                continue;
            };
            let report = engine.scan(&text, Some(file), Some(Kind::Kubernetes));
            let fired = report.findings.iter().any(|f| f.rule == r.id);
            if fired != want {
                problems.push(format!("{}: {file} fired={fired}, expected {want}", r.id));
            }
        }
    }
    assert!(count >= 13, "{count} NetworkPolicy rules");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
