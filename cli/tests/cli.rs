//! Integration tests running the real `stockade` binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::{run_in, Run, TempDir};

fn run(dir: &TempDir, args: &[&str]) -> Run {
    run_in(dir.path(), args, None)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A Dockerfile without findings under the default rules.
const DOCKERFILE: &str =
    "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.0-r2\nUSER 1000\nHEALTHCHECK NONE\n";

// ---------------------------------------------------------------- docs

#[test]
fn docs_rules_md_is_up_to_date() {
    let root = workspace_root();
    let out = run_in(&root, &["rules", "--format", "markdown"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = root.join("docs/rules.md");
    if std::env::var_os("STOCKADE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == out.stdout,
        "docs/rules.md is stale: regenerate it with\n    {}\n(or run this test with STOCKADE_UPDATE_DOCS=1)",
        stockade::output::docs::REGENERATE
    );
}

#[test]
fn rules_lists_every_rule_in_each_format() {
    let dir = TempDir::new("rules");
    let text = run(&dir, &["rules"]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.starts_with("ID "));
    let json = run(&dir, &["rules", "--format", "json"]).json();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), stockade::rules().len());
    for rule in stockade::rules() {
        assert!(text.stdout.contains(rule.id), "{} missing", rule.id);
        assert!(list.iter().any(|r| r["id"] == rule.id));
    }
    let st = list.iter().find(|r| r["id"] == "ST0001").unwrap();
    assert_eq!(st["severity"], "info");
    assert_eq!(st["name"], "unused-suppression");
}

#[test]
fn explain_finds_ids_and_names_case_insensitively() {
    let dir = TempDir::new("explain");
    for name in ["ST0001", "st0001", "unused-suppression"] {
        let out = run(&dir, &["explain", name]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert!(out.stdout.starts_with("ST0001 (unused-suppression)\n"));
        assert!(out.stdout.contains("## What it does"));
        assert!(out.stdout.contains("docs/rules.md#st0001"));
    }
    let json = run(&dir, &["explain", "--format", "json", "st0001"]).json();
    assert_eq!(json["id"], "ST0001");
}

#[test]
fn explain_unknown_rule_exits_2() {
    let dir = TempDir::new("explain-unknown");
    let out = run(&dir, &["explain", "NOPE9999"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("no rule `NOPE9999`"), "{}", out.stderr);
}

// ---------------------------------------------------------------- inputs

#[test]
fn walk_scans_known_kinds_and_skips_the_rest() {
    let dir = TempDir::new("walk");
    dir.write("Dockerfile", DOCKERFILE);
    dir.write("svc/api.dockerfile", DOCKERFILE);
    dir.write("svc/Containerfile", DOCKERFILE);
    dir.write("README.md", "# not scanned\n");
    dir.write("logo.png", [0x89, b'P', b'N', b'G', 0, 0xff]);
    dir.write(".hidden/Dockerfile", DOCKERFILE);
    dir.write("node_modules/pkg/Dockerfile", DOCKERFILE);
    dir.write("target/Dockerfile", DOCKERFILE);
    dir.write(".git/Dockerfile", DOCKERFILE);
    let out = run(&dir, &["scan", "--no-config", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(report["summary"]["kinds"]["Dockerfile"], 3);
    assert_eq!(report["errors"], Value::Array(vec![]));
}

#[test]
fn hidden_folder_named_explicitly_is_scanned() {
    let dir = TempDir::new("hidden");
    dir.write(".ci/Dockerfile", DOCKERFILE);
    let out = run(&dir, &["scan", "--no-config", "--format", "json", ".ci"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["summary"]["files"], 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_and_files_are_scanned_once() {
    let dir = TempDir::new("loop");
    dir.write("a/Dockerfile", DOCKERFILE);
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("a/again")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("a/Dockerfile"),
        dir.path().join("link.dockerfile"),
    )
    .unwrap();
    let out = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            ".",
            "a/Dockerfile",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["summary"]["files"], 1);
}

#[test]
fn named_file_of_unknown_kind_is_unsupported() {
    let dir = TempDir::new("unsupported");
    dir.write("notes.txt", DOCKERFILE);
    let out = run(
        &dir,
        &["scan", "--no-config", "--format", "json", "notes.txt"],
    );
    assert_eq!(out.code, 2);
    let report = out.json();
    assert_eq!(report["errors"][0]["kind"], "unsupported");
    assert_eq!(report["errors"][0]["path"], "notes.txt");
    assert!(out.stderr.contains("notes.txt"), "{}", out.stderr);
    // --kind makes it scannable.
    let out = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--kind",
            "dockerfile",
            "notes.txt",
        ],
    );
    assert_eq!(out.json()["errors"], Value::Array(vec![]));
}

#[test]
fn missing_path_is_an_error_and_the_rest_is_still_scanned() {
    let dir = TempDir::new("missing");
    dir.write("Dockerfile", DOCKERFILE);
    let out = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--exit-code",
            "5",
            "nope/Dockerfile",
            ".",
        ],
    );
    assert_eq!(out.code, 2, "errors win over --exit-code");
    let report = out.json();
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["errors"][0]["kind"], "io");
    assert_eq!(report["errors"][0]["path"], "nope/Dockerfile");
    assert_eq!(report["errors"][0]["start"], Value::Null);
    assert!(
        out.stderr.contains("stockade: error[io]: nope/Dockerfile"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_io_error() {
    let dir = TempDir::new("unreadable");
    dir.write("ok/Dockerfile", DOCKERFILE);
    // A dangling symlink named on the command line cannot be read (and, unlike a
    // mode-000 file, that holds when the tests run as root).
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("Dockerfile")).unwrap();
    let out = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "Dockerfile",
            "ok",
        ],
    );
    assert_eq!(out.code, 2);
    let report = out.json();
    assert_eq!(report["errors"][0]["kind"], "io");
    assert_eq!(report["summary"]["files"], 1);
    // Found by walking, the dangling link is not an error, but it does not vanish:
    // it is listed as skipped, with the reason.
    let out = run(&dir, &["scan", "--no-config", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let skipped = &out.json()["summary"]["skipped"];
    assert_eq!(skipped.as_array().unwrap().len(), 1, "{skipped}");
    assert_eq!(skipped[0]["path"], "Dockerfile");
    assert_eq!(skipped[0]["kind"], "unreadable");
}

#[cfg(unix)]
#[test]
fn walks_list_special_files_and_link_loops_and_never_open_them() {
    let dir = TempDir::new("special");
    dir.write("Dockerfile", DOCKERFILE);
    let fifo = |name: &str| {
        let status = Command::new("mkfifo")
            .arg(dir.path().join(name))
            .status()
            .unwrap();
        assert!(status.success());
    };
    // Nobody writes to these pipes: opening one would block for ever.
    fifo("pod.yaml");
    fifo("notes");
    std::os::unix::fs::symlink("loop.yaml", dir.path().join("loop.yaml")).unwrap();
    let out = run(&dir, &["scan", "--no-config", "--format", "json", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["files"], 1);
    let skipped: Vec<(String, String)> = report["summary"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // `notes` is of no known kind: passed over like any other such file.
    assert_eq!(
        skipped,
        [
            ("loop.yaml".to_string(), "unreadable".to_string()),
            ("pod.yaml".to_string(), "not a regular file".to_string()),
        ]
    );
}

#[cfg(unix)]
#[test]
fn named_devices_are_unsupported_and_not_read() {
    let dir = TempDir::new("device");
    // /dev/zero never ends: reading it would exhaust memory.
    let out = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--kind",
            "dockerfile",
            "/dev/zero",
        ],
    );
    assert_eq!(out.code, 2);
    let error = &out.json()["errors"][0];
    assert_eq!(error["kind"], "unsupported");
    assert_eq!(error["path"], "/dev/zero");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("a character device"),
        "{error}"
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_read() {
    let dir = TempDir::new("pipe");
    let pipe = dir.path().join("Dockerfile");
    assert!(Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap()
        .success());
    let writer = std::thread::spawn(move || std::fs::write(pipe, DOCKERFILE).unwrap());
    let out = run(
        &dir,
        &["scan", "--no-config", "--format", "json", "Dockerfile"],
    );
    writer.join().unwrap();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["summary"]["kinds"]["Dockerfile"], 1);
}

#[test]
fn files_and_stdin_over_the_size_limit_are_one_limit_error() {
    let dir = TempDir::new("size");
    dir.write("stockade.yaml", "limits:\n  max-file-size: 32\n");
    dir.write("Dockerfile", DOCKERFILE);
    dir.write("small/Dockerfile", "FROM alpine:3.20\n");
    let out = run(&dir, &["scan", "--format", "json", "Dockerfile", "small"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["summary"]["documents"], 1);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["kind"], "limit");
    assert_eq!(errors[0]["path"], "Dockerfile");
    assert_eq!(errors[0]["start"]["line"], 1);
    assert_eq!(errors[0]["start"]["column"], 1);
    assert!(
        errors[0]["message"].as_str().unwrap().contains(&format!(
            "{} bytes, over the size limit of 32",
            DOCKERFILE.len()
        )),
        "{errors:?}"
    );
    // Standard input is read up to the limit only.
    let out = run_in(
        dir.path(),
        &["scan", "--format", "json", "--kind", "dockerfile", "-"],
        Some(DOCKERFILE.repeat(1000).as_bytes()),
    );
    assert_eq!(out.code, 2);
    let error = &out.json()["errors"][0];
    assert_eq!(error["kind"], "limit");
    assert_eq!(error["path"], "-");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("more than 32 bytes"),
        "{error}"
    );
}

/// Issue 14, item 13: a walked `.json` manifest over the size limit was passed
/// over (`files: 0`, exit 0) where a `.yaml` of the same size is a `limit` error:
/// its kind was decided from content not read. Its first bytes decide now; an
/// oversized `.json` that is not a manifest is still passed over.
#[test]
fn an_oversized_json_manifest_in_a_walk_is_a_limit_error() {
    let dir = TempDir::new("size-json");
    dir.write("stockade.yaml", "limits:\n  max-file-size: 64\n");
    let manifest = format!(
        "{{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {{\"name\": \"{}\"}}}}\n",
        "p".repeat(100)
    );
    dir.write("m/pod.json", &manifest);
    dir.write("m/pod.yaml", &manifest);
    dir.write(
        "m/data.json",
        format!("{{\"data\": \"{}\"}}\n", "x".repeat(200)),
    );
    let out = run(&dir, &["scan", "--format", "json", "m"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["files"], 2, "{report}");
    let errors = report["errors"].as_array().unwrap();
    let paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["m/pod.json", "m/pod.yaml"], "{errors:?}");
    assert!(errors.iter().all(|e| e["kind"] == "limit"), "{errors:?}");
}

#[test]
fn empty_files_are_accounted_for() {
    let dir = TempDir::new("empty");
    dir.write("Dockerfile", "");
    dir.write("empty.yaml", "");
    let out = run(&dir, &["scan", "--no-config", "--format", "json", "."]);
    let report = out.json();
    assert_eq!(report["summary"]["files"], 2);
    // An empty Dockerfile is BuildKit's error; an empty YAML stream has no documents.
    assert_eq!(report["summary"]["documents"], 1);
    assert_eq!(report["errors"][0]["message"], "file with no instructions");
    assert_eq!(report["errors"][0]["path"], "Dockerfile");
    assert_eq!(out.code, 2);
}

#[test]
fn binary_dockerfile_gets_a_located_error() {
    let dir = TempDir::new("binary");
    dir.write("Dockerfile", b"FROM alpine\nRUN echo \xff\xfe\n");
    let out = run(
        &dir,
        &["scan", "--no-config", "--format", "json", "Dockerfile"],
    );
    assert_eq!(out.code, 2);
    let error = &out.json()["errors"][0];
    assert_eq!(error["kind"], "parse");
    assert_eq!(error["start"]["line"], 2);
    assert_eq!(error["start"]["column"], 10);
    assert!(error["message"].as_str().unwrap().contains("0xFF"));
}

#[test]
fn stdin_needs_a_kind() {
    let dir = TempDir::new("stdin-kind");
    let out = run_in(
        dir.path(),
        &["scan", "--no-config", "-"],
        Some(DOCKERFILE.as_bytes()),
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--kind"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn stdin_is_scanned_as_dash() {
    let dir = TempDir::new("stdin");
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "--kind",
            "Dockerfile",
            "--format",
            "json",
            "-",
        ],
        Some(DOCKERFILE.as_bytes()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["kinds"]["Dockerfile"], 1);
}

#[test]
fn output_is_deterministic_across_runs() {
    let dir = TempDir::new("order");
    for i in 0..24 {
        dir.write(&format!("svc{i:02}/Dockerfile"), DOCKERFILE);
        dir.write(&format!("svc{i:02}/bad.dockerfile"), b"\xff");
    }
    let first = run(&dir, &["scan", "--no-config", "--format", "json"]);
    let second = run(&dir, &["scan", "--no-config", "--format", "json"]);
    assert_eq!(first.code, 2);
    assert_eq!(first.stdout, second.stdout);
    let report = first.json();
    assert_eq!(report["summary"]["files"], 48);
    let paths: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    assert_eq!(paths.len(), 24);
}

// ---------------------------------------------------------------- options

#[test]
fn severity_accepts_trivy_spelling_and_rejects_unknown() {
    let dir = TempDir::new("severity");
    dir.write("Dockerfile", DOCKERFILE);
    let ok = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--severity",
            "HIGH,critical",
            "--format",
            "json",
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let bad = run(&dir, &["scan", "--no-config", "--severity", "urgent"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown severity"), "{}", bad.stderr);
}

#[test]
fn output_file_and_formats() {
    let dir = TempDir::new("formats");
    dir.write("Dockerfile", DOCKERFILE);
    let out = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "stockade");
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
    assert!(sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "ST0001"));

    let text = run(&dir, &["scan", "--no-config"]);
    assert_eq!(text.stdout, "Scanned 1 file (1 document): no findings\n");

    let github = run(&dir, &["scan", "--no-config", "--format", "github"]);
    assert_eq!(github.stdout, "Scanned 1 file (1 document): no findings\n");

    let compact = run(&dir, &["scan", "--no-config", "--format", "json"]);
    assert_eq!(compact.stdout.lines().count(), 1);
    let pretty = run(
        &dir,
        &["scan", "--no-config", "--format", "json", "--pretty"],
    );
    assert!(pretty.stdout.lines().count() > 10);
    assert_eq!(compact.json(), pretty.json());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = TempDir::new("colour");
    dir.write("Dockerfile", DOCKERFILE);
    let always = run(&dir, &["scan", "--no-config", "--color", "always"]);
    assert!(always.stdout.contains('\x1b'));
    // auto: stdout is a pipe here, so no colour.
    let auto = run(&dir, &["scan", "--no-config"]);
    assert!(!auto.stdout.contains('\x1b'));
    let never = run(&dir, &["scan", "--no-config", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
}

#[test]
fn exit_code_is_zero_without_findings() {
    let dir = TempDir::new("exit");
    dir.write("Dockerfile", DOCKERFILE);
    let out = run(&dir, &["scan", "--no-config", "--exit-code", "3"]);
    assert_eq!(out.code, 0);
}

// ---------------------------------------------------------------- config

fn rule_ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn config_is_discovered_in_parent_folders() {
    let dir = TempDir::new("config");
    dir.write("project/sub/Dockerfile", "FROM node:latest\nUSER 1000\n");
    dir.write("project/.stockade.yaml", "rules:\n  DL3007: off\n");
    let sub = dir.path().join("project/sub");
    let with = run_in(&sub, &["scan", "--format", "json"], None);
    assert_eq!(with.code, 0, "{}", with.stderr);
    let rules = rule_ids(&with.json());
    assert!(!rules.contains(&"DF0001".to_string()), "{rules:?}");
    assert!(rules.contains(&"DF0012".to_string()), "{rules:?}");
    // --no-config ignores it.
    let without = run_in(&sub, &["scan", "--no-config", "--format", "json"], None);
    assert!(rule_ids(&without.json()).contains(&"DF0001".to_string()));
    // stockade.yaml beats .stockade.yaml in the same folder.
    dir.write("project/stockade.yaml", "rules:\n  DF0012: off\n");
    let rules = rule_ids(&run_in(&sub, &["scan", "--format", "json"], None).json());
    assert!(rules.contains(&"DF0001".to_string()), "{rules:?}");
    assert!(!rules.contains(&"DF0012".to_string()), "{rules:?}");
    // --config names another file; severities can be overridden.
    dir.write("strict.yaml", "rules:\n  DF0012:\n    severity: critical\n");
    let strict = run_in(
        &sub,
        &["scan", "--config", "../../strict.yaml", "--format", "json"],
        None,
    );
    let report = strict.json();
    let df0012 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DF0012")
        .unwrap();
    assert_eq!(df0012["severity"], "critical");
}

#[test]
fn invalid_config_stops_the_scan_with_located_errors() {
    let dir = TempDir::new("config-invalid");
    dir.write("Dockerfile", DOCKERFILE);
    dir.write(
        "stockade.yaml",
        "rules:\n  DF0001: off\n  NOPE42: off\nbogus: 1\n",
    );
    let out = run(&dir, &["scan", "--format", "json"]);
    assert_eq!(out.code, 2);
    let report = out.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors
        .iter()
        .all(|e| e["kind"] == "config" && e["path"] == "stockade.yaml"));
    assert_eq!(errors[0]["start"]["line"], 3);
    assert_eq!(errors[0]["start"]["column"], 3);
    assert_eq!(errors[1]["start"]["line"], 4);
    assert_eq!(
        report["summary"]["files"], 0,
        "nothing is scanned with a bad config"
    );
    // The text format shows the configuration's lines.
    let text = run(&dir, &["scan"]);
    assert!(
        text.stdout.contains("stockade.yaml:3:3: error[config]"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("3 |   NOPE42: off\n  |   ^^^^^^"),
        "{}",
        text.stdout
    );
    assert!(text
        .stderr
        .contains("stockade: error[config]: stockade.yaml:3:3: "));
}

#[test]
fn explicit_missing_config_is_an_error() {
    let dir = TempDir::new("config-missing");
    dir.write("Dockerfile", DOCKERFILE);
    let out = run(
        &dir,
        &["scan", "--config", "nope.yaml", "--format", "sarif"],
    );
    assert_eq!(out.code, 2);
    let sarif = out.json();
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["descriptor"]["id"], "config");
    assert!(out.stderr.contains("nope.yaml"), "{}", out.stderr);
}

#[test]
fn examples_are_scanned() {
    let root = workspace_root();
    let out = run_in(
        &root,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "testdata/examples",
        ],
        None,
    );
    let report = out.json();
    assert!(report["summary"]["files"].as_u64().unwrap() >= 2);
    assert_eq!(report["errors"], Value::Array(vec![]), "{}", out.stdout);
}

#[test]
fn errors_are_on_stderr_in_every_format() {
    let dir = TempDir::new("stderr");
    for format in ["text", "json", "sarif", "github"] {
        let out = run(
            &dir,
            &[
                "scan",
                "--no-config",
                "--format",
                format,
                "missing.dockerfile",
            ],
        );
        assert_eq!(out.code, 2);
        assert!(
            out.stderr
                .contains("stockade: error[io]: missing.dockerfile: "),
            "{format}: {}",
            out.stderr
        );
        assert!(
            out.stdout.contains("missing.dockerfile"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn unwritable_output_file_exits_2() {
    let dir = TempDir::new("unwritable");
    dir.write("Dockerfile", DOCKERFILE);
    let out = run(
        &dir,
        &["scan", "--no-config", "--output", "no/such/dir/out.txt"],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot write no/such/dir/out.txt"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------- with the Dockerfile rules

/// Findings of the real rule pack: `latest` (DF0001, medium), root user (high),
/// a suppressed `latest` and an unused suppression (ST0001, info).
const FINDINGS: &str = "\
FROM node:latest AS build
RUN npm ci

# hadolint ignore=DL3007
FROM node:latest
# stockade ignore=DF0006
USER root
HEALTHCHECK NONE
CMD [\"node\", \"server.js\"]
";

fn severities(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn real_findings_in_json_with_severity_filter() {
    let dir = TempDir::new("real-json");
    dir.write("Dockerfile", FINDINGS);
    let all = run(&dir, &["scan", "--no-config", "--format", "json"]);
    assert_eq!(all.code, 0, "findings alone exit 0: {}", all.stderr);
    let report = all.json();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"DF0001"), "{rules:?}");
    assert!(rules.contains(&"ST0001"), "{rules:?}");
    assert!(report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "DF0001" && f["suppression"]["line"] == 4));
    let sev = severities(&report);
    assert!(sev.iter().any(|s| s == "high") && sev.iter().any(|s| s != "high"));

    let high = run(
        &dir,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "-s",
            "HIGH,Critical",
        ],
    );
    let filtered = high.json();
    let kept = severities(&filtered);
    assert!(!kept.is_empty());
    assert!(
        kept.iter().all(|s| s == "high" || s == "critical"),
        "{kept:?}"
    );
    assert_eq!(
        kept.len(),
        sev.iter()
            .filter(|s| *s == "high" || *s == "critical")
            .count()
    );
    let total = &filtered["summary"]["findings"];
    assert_eq!(
        total["high"].as_u64().unwrap() + total["critical"].as_u64().unwrap(),
        kept.len() as u64
    );
    assert_eq!(total["medium"], 0);
}

#[test]
fn exit_code_applies_after_filtering() {
    let dir = TempDir::new("real-exit");
    dir.write("Dockerfile", FINDINGS);
    assert_eq!(
        run(&dir, &["scan", "--no-config", "--exit-code", "3"]).code,
        3
    );
    assert_eq!(
        run(
            &dir,
            &[
                "scan",
                "--no-config",
                "--exit-code",
                "3",
                "--severity",
                "critical"
            ]
        )
        .code,
        0
    );
    // An error anywhere wins.
    assert_eq!(
        run(
            &dir,
            &["scan", "--no-config", "--exit-code", "3", ".", "gone"]
        )
        .code,
        2
    );
}

#[test]
fn real_findings_in_text_sarif_and_github() {
    let dir = TempDir::new("real-formats");
    dir.write("app/Dockerfile", FINDINGS);
    let text = run(&dir, &["scan", "--no-config", "app"]);
    assert!(
        text.stdout.contains("app/Dockerfile:1:11: MEDIUM DF0001 "),
        "{}",
        text.stdout
    );
    assert!(text
        .stdout
        .contains("1 | FROM node:latest AS build\n  |           ^^^^^^\n"));
    assert!(text.stdout.contains(", 1 suppressed"), "{}", text.stdout);

    let sarif = run(&dir, &["scan", "--no-config", "--format", "sarif"]).json();
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), stockade::rules().len());
    let results = run0["results"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "app/Dockerfile"
        );
    }
    let latest: Vec<&Value> = results.iter().filter(|r| r["ruleId"] == "DF0001").collect();
    assert_eq!(latest.len(), 2);
    assert_eq!(
        latest
            .iter()
            .filter(|r| r.get("suppressions").is_some())
            .count(),
        1
    );
    let region = &latest[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(1), Some(11))
    );
    assert_eq!(region["endColumn"], 17);
    let df0001 = rules.iter().find(|r| r["id"] == "DF0001").unwrap();
    assert_eq!(df0001["properties"]["security-severity"], "5.5");
    assert!(df0001["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "DL3007"));

    let github = run(&dir, &["scan", "--no-config", "--format", "github"]);
    assert!(
        github.stdout.lines().any(|l| l.starts_with(
            "::warning file=app/Dockerfile,line=1,col=11,endLine=1,endColumn=17,title=DF0001 "
        )),
        "{}",
        github.stdout
    );
    assert!(github
        .stdout
        .lines()
        .any(|l| l.starts_with("::notice file=app/Dockerfile,line=6,")));
}

#[test]
fn explain_accepts_aliases_of_other_tools() {
    let dir = TempDir::new("explain-alias");
    for alias in ["DL3007", "ds-0001", "AVD-DS-0001", "image-latest-tag"] {
        let out = run(&dir, &["explain", alias]);
        assert_eq!(out.code, 0, "{alias}: {}", out.stderr);
        assert!(out.stdout.starts_with("DF0001 "), "{alias}: {}", out.stdout);
    }
}

#[test]
fn bundled_examples_show_the_classic_mistakes() {
    let root = workspace_root();
    let out = run_in(
        &root,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "testdata/examples",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let in_file = |path: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == path)
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let insecure = in_file("testdata/examples/insecure/Dockerfile");
    for rule in ["DF0001", "DF0005", "DF0006", "DF0010", "DF0011", "DF0039"] {
        assert!(
            insecure.iter().any(|r| r == rule),
            "{rule} missing: {insecure:?}"
        );
    }
    let hardened = in_file("testdata/examples/hardened/Dockerfile");
    assert!(
        hardened.is_empty(),
        "the hardened example has findings: {hardened:?}"
    );
}

// ---------------------------------------------------------------- Kubernetes

const PRIVILEGED_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: debugger
  namespace: debug
spec:
  containers:
    - name: shell
      image: busybox:1.37
      securityContext:
        privileged: true
";

#[test]
fn namespace_labels_from_other_files_apply() {
    let dir = TempDir::new("namespaces");
    dir.write("pod.yaml", PRIVILEGED_POD);
    let alone = run(&dir, &["scan", "--no-config", "--format", "json"]).json();
    let rules = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        rules(&alone).iter().any(|r| r == "PSS001"),
        "{:?}",
        rules(&alone)
    );
    // A Namespace in another file of the same scan enforces `privileged`.
    dir.write(
        "namespaces/debug.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: debug\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n",
    );
    let both = run(&dir, &["scan", "--no-config", "--format", "json"]).json();
    assert_eq!(both["summary"]["files"], 2);
    assert!(
        !rules(&both).iter().any(|r| r == "PSS001"),
        "{:?}",
        rules(&both)
    );
}

#[test]
fn kubernetes_from_stdin_and_the_yaml_examples() {
    let dir = TempDir::new("k8s-stdin");
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "--kind",
            "kubernetes",
            "--format",
            "json",
            "-",
        ],
        Some(PRIVILEGED_POD.as_bytes()),
    );
    let report = out.json();
    let pss001 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "PSS001")
        .unwrap();
    assert_eq!(pss001["path"], "-");
    assert_eq!(pss001["start"]["line"], 11);

    let root = workspace_root();
    let out = run_in(
        &root,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "testdata/examples/kubernetes",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["summary"]["documents"], 4);
    let severities: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "testdata/examples/kubernetes/privileged-pod.yaml")
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert!(severities.contains(&"critical"), "{severities:?}");
}
