//! Every walk and read outside the main scan (`--policy`, `--rego`,
//! `--inventory`, `--kyverno`, `verify`, `kyverno test`, `netpol`) has the main
//! scan's protections: symlink loops end, FIFOs and devices are never opened,
//! files over the size limit are not read. Each run is killed after 20 s, which
//! fails the test (before the shared walker, several of these hung for ever or
//! read /dev/zero until memory ran out).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Longest a run may take.
const GUARD: Duration = Duration::from_secs(20);

mod common;
use common::{Run, TempDir, BIN};

/// The hostile entries these tests make in a scratch folder.
trait Hostile {
    /// Copy every file of a fixture folder (not recursive) into `rel`.
    fn copy(&self, fixture: &Path, rel: &str);
    /// Two links to the parent folder in `rel`: without a visited set a walk
    /// is exponential in the kernel's link limit (it never ends in practice).
    #[cfg(unix)]
    fn loop_in(&self, rel: &str);
    /// A FIFO nobody writes to: opening it would block for ever.
    #[cfg(unix)]
    fn fifo(&self, rel: &str);
    /// A link to /dev/zero: reading it never ends.
    #[cfg(unix)]
    fn zero(&self, rel: &str);
    /// A sparse file of `len` bytes: cheap to make, far too large to read whole.
    fn sparse(&self, rel: &str, len: u64);
}

impl Hostile for TempDir {
    fn copy(&self, fixture: &Path, rel: &str) {
        std::fs::create_dir_all(self.join(rel)).unwrap();
        for entry in std::fs::read_dir(fixture).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), self.join(rel).join(entry.file_name())).unwrap();
            }
        }
    }

    #[cfg(unix)]
    fn loop_in(&self, rel: &str) {
        let dir = self.join(rel).join("sub");
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink("..", dir.join("up")).unwrap();
        std::os::unix::fs::symlink("..", dir.join("up2")).unwrap();
    }

    #[cfg(unix)]
    fn fifo(&self, rel: &str) {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        assert!(Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success());
    }

    #[cfg(unix)]
    fn zero(&self, rel: &str) {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink("/dev/zero", path).unwrap();
    }

    fn sparse(&self, rel: &str, len: u64) {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    }
}

/// Run `stockade args…` in `cwd`; kill it and fail after [`GUARD`].
fn run(cwd: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`stockade {}` still running after {GUARD:?}: killed",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    eprintln!("`stockade {}`: {:?}", args.join(" "), start.elapsed());
    Run {
        code: status.code().expect("exited normally"),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn fixtures(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/stockade/tests/fixtures")
        .join(rel)
}

/// Gatekeeper and conftest rules among the findings of a report.
fn policy_rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .filter(|r| r.starts_with("K8s") || r.starts_with("main."))
        .collect()
}

#[cfg(unix)]
#[test]
fn policy_rego_and_inventory_folders_with_link_loops_are_read_once() {
    let dir = TempDir::new("policy-loop");
    dir.copy(&fixtures("rego/policy"), "policy");
    dir.copy(&fixtures("rego/conftest"), "rego");
    dir.write(
        "inventory/ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n",
    );
    std::fs::copy(fixtures("rego/manifests.yaml"), dir.join("manifests.yaml")).unwrap();
    for folder in ["policy", "rego", "inventory"] {
        dir.loop_in(folder);
    }
    let out = run(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--policy",
            "policy",
            "--rego",
            "rego",
            "--inventory",
            "inventory",
            "manifests.yaml",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // As `gatekeeper.rs` finds without the loops: each template loaded once.
    assert_eq!(
        policy_rules(&out.json()),
        [
            "main.violation",
            "K8sRequiredTeam/pods-need-team",
            "K8sUniqueAppName/unique-app",
            "K8sUniqueAppName/unique-app",
            "main.violation",
            "K8sRequiredTeam/pods-need-team",
            "K8sRequiredTeam/deployments-should-have-owner",
        ]
    );
}

#[cfg(unix)]
#[test]
fn verify_and_kyverno_test_folders_with_link_loops_end() {
    let dir = TempDir::new("suite-loop");
    dir.copy(&fixtures("rego/suite"), "suites/suite");
    dir.loop_in("suites");
    dir.loop_in("suites/suite");
    let out = run(dir.path(), &["verify", "suites"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout.matches("ok\tsuites/suite/suite.yaml\t").count(),
        1,
        "{}",
        out.stdout
    );

    dir.copy(&fixtures("kyverno/suite"), "kyverno/.kyverno-test");
    dir.loop_in("kyverno");
    dir.loop_in("kyverno/.kyverno-test");
    let out = run(dir.path(), &["kyverno", "test", "kyverno"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("1/1 tests passed, 6/6 results passed"),
        "{}",
        out.stdout
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_dev_zero_in_policy_and_inventory_folders_are_errors_not_reads() {
    let dir = TempDir::new("policy-special");
    dir.copy(&fixtures("rego/policy"), "policy");
    dir.fifo("policy/pipe.yaml");
    dir.zero("policy/zero.yaml");
    dir.fifo("inventory/pipe.json");
    dir.zero("inventory/zero.yml");
    dir.fifo("kyverno/pipe.yaml");
    dir.zero("kyverno/zero.yaml");
    dir.zero("rego/zero.rego");
    // Names no policy walk reads are passed over.
    dir.fifo("policy/notes");
    dir.zero("policy/zero.txt");
    std::fs::copy(fixtures("rego/manifests.yaml"), dir.join("manifests.yaml")).unwrap();
    let out = run(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--policy",
            "policy",
            "--policy",
            "/dev/zero",
            "--rego",
            "rego",
            "--inventory",
            "inventory",
            "--kyverno",
            "kyverno",
            "manifests.yaml",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let mut errors = out.errors();
    errors.sort();
    let fifo = "a named pipe (FIFO): not a regular file; it was not opened";
    let device = "a character device: not a regular file; it was not opened";
    let want: Vec<(String, String, String)> = [
        ("/dev/zero", device),
        ("inventory/pipe.json", fifo),
        ("inventory/zero.yml", device),
        ("kyverno/pipe.yaml", fifo),
        ("kyverno/zero.yaml", device),
        ("policy/pipe.yaml", fifo),
        ("policy/zero.yaml", device),
        ("rego/zero.rego", device),
    ]
    .iter()
    .map(|(p, m)| ("unsupported".to_string(), p.to_string(), m.to_string()))
    .collect();
    // `--kyverno` found no policy besides: one more error says so.
    let (policy_errors, others): (Vec<_>, Vec<_>) =
        errors.into_iter().partition(|(k, _, _)| k == "unsupported");
    assert_eq!(policy_errors, want, "{others:?}");
    assert!(others.is_empty(), "{others:?}");
    // The policies that could be read still apply.
    assert!(policy_rules(&out.json())
        .iter()
        .any(|r| r == "K8sRequiredTeam/pods-need-team"));
}

#[cfg(unix)]
#[test]
fn fifos_and_dev_zero_in_suites_and_kyverno_tests_fail_them_without_blocking() {
    let dir = TempDir::new("suite-special");
    dir.copy(&fixtures("rego/suite"), "suites/good");
    dir.fifo("suites/pipe.yaml");
    dir.zero("suites/zero.yaml");
    // A suite whose template is /dev/zero and whose object is a FIFO.
    dir.copy(&fixtures("rego/suite"), "suites/bad");
    std::fs::remove_file(dir.join("suites/bad/template.yaml")).unwrap();
    dir.zero("suites/bad/template.yaml");
    let out = run(dir.path(), &["verify", "suites"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("ok\tsuites/good/suite.yaml\t"),
        "{}",
        out.stdout
    );
    for (path, what) in [
        ("suites/pipe.yaml", "a named pipe (FIFO)"),
        ("suites/zero.yaml", "a character device"),
        ("suites/bad/template.yaml", "a character device"),
    ] {
        assert!(
            out.stdout
                .contains(&format!("reading {path:?}: {what}: not a regular file")),
            "{path}:\n{}",
            out.stdout
        );
    }
    let out = run(dir.path(), &["verify", "/dev/zero"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("a character device"), "{}", out.stdout);

    dir.copy(&fixtures("kyverno/suite"), "kyverno/good");
    dir.fifo("kyverno/pipe/kyverno-test.yaml");
    dir.zero("kyverno/zero/kyverno-test.yaml");
    // A test whose resources file is a FIFO.
    dir.copy(&fixtures("kyverno/suite"), "kyverno/bad");
    std::fs::remove_file(dir.join("kyverno/bad/resources.yaml")).unwrap();
    dir.fifo("kyverno/bad/resources.yaml");
    let out = run(
        dir.path(),
        &["kyverno", "test", "--format", "json", "kyverno"],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let runs = out.json();
    let runs: Vec<(String, String)> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["error"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(runs.len(), 4, "{runs:?}");
    assert_eq!(runs[0].0, "kyverno/bad/kyverno-test.yaml");
    assert!(
        runs[0].1.contains("resources.yaml: a named pipe (FIFO)"),
        "{runs:?}"
    );
    assert_eq!(
        runs[1],
        ("kyverno/good/kyverno-test.yaml".to_string(), String::new())
    );
    assert_eq!(runs[2].0, "kyverno/pipe/kyverno-test.yaml");
    assert!(runs[2].1.contains("a named pipe (FIFO)"), "{runs:?}");
    assert_eq!(runs[3].0, "kyverno/zero/kyverno-test.yaml");
    assert!(runs[3].1.contains("a character device"), "{runs:?}");
}

#[cfg(unix)]
#[test]
fn netpol_passes_over_fifos_and_dev_zero_with_a_warning() {
    let dir = TempDir::new("netpol-special");
    dir.write(
        "manifests/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\n  labels: {app: web}\nspec:\n  containers: [{name: web, image: nginx}]\n",
    );
    dir.fifo("manifests/pipe.yaml");
    dir.zero("manifests/zero.yaml");
    dir.loop_in("manifests");
    let out = run(dir.path(), &["netpol", "connlist", "manifests"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("manifests/pipe.yaml: skipped"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("manifests/zero.yaml: skipped"),
        "{}",
        out.stderr
    );
}

const HUGE: u64 = 8 << 30;

#[test]
fn policy_and_inventory_files_over_the_limit_are_limit_errors_and_not_read() {
    let dir = TempDir::new("policy-size");
    dir.copy(&fixtures("rego/policy"), "policy");
    // 8 GiB: reading it whole would take minutes and more memory than there is.
    dir.sparse("policy/huge.yaml", HUGE);
    dir.sparse("inventory/huge.json", HUGE);
    dir.sparse("rego/huge.rego", HUGE);
    dir.sparse("kyverno/huge.yaml", HUGE);
    std::fs::copy(fixtures("rego/manifests.yaml"), dir.join("manifests.yaml")).unwrap();
    let out = run(
        dir.path(),
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--policy",
            "policy",
            "--rego",
            "rego",
            "--inventory",
            "inventory",
            "--kyverno",
            "kyverno",
            "manifests.yaml",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let errors: Vec<(String, String, String)> = out
        .errors()
        .into_iter()
        .filter(|(k, _, _)| k == "limit")
        .collect();
    let paths: Vec<&str> = errors.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "inventory/huge.json",
            "kyverno/huge.yaml",
            "policy/huge.yaml",
            "rego/huge.rego"
        ],
        "{errors:?}"
    );
    for (_, _, message) in &errors {
        // The exact length: known from the metadata, before any read.
        assert!(
            message.contains(&format!(
                "the file is {HUGE} bytes, over the size limit of 16777216 bytes"
            )),
            "{message}"
        );
    }

    // The configured limit applies to policies too.
    dir.write("stockade.yaml", "limits:\n  max-file-size: 1100\n");
    std::fs::remove_file(dir.join("policy/huge.yaml")).unwrap();
    let out = run(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            "--policy",
            "policy",
            "manifests.yaml",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    let errors = out.errors();
    assert!(
        errors.iter().any(|(k, p, m)| k == "limit"
            && p == "policy/requiredteam.yaml"
            && m.contains("1425 bytes, over the size limit of 1100 bytes")),
        "{errors:?}"
    );
    // requiredteam.yaml (1425 bytes) is over it, uniquename.yaml (1060) is not.
    assert!(
        !errors.iter().any(|(_, p, _)| p == "policy/uniquename.yaml"),
        "{errors:?}"
    );
}

#[test]
fn suites_and_kyverno_tests_over_the_limit_are_not_read() {
    let dir = TempDir::new("suite-size");
    dir.copy(&fixtures("rego/suite"), "suites/suite");
    std::fs::remove_file(dir.join("suites/suite/template.yaml")).unwrap();
    dir.sparse("suites/suite/template.yaml", HUGE);
    dir.sparse("suites/huge.yaml", HUGE);
    let out = run(dir.path(), &["verify", "suites"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    for path in ["suites/huge.yaml", "suites/suite/template.yaml"] {
        assert!(
            out.stdout.contains(&format!(
                "reading {path:?}: the file is {HUGE} bytes, over the size limit"
            )),
            "{path}:\n{}",
            out.stdout
        );
    }

    dir.sparse("kyverno/huge/kyverno-test.yaml", HUGE);
    let out = run(dir.path(), &["kyverno", "test", "kyverno"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(&format!(
            "kyverno/huge/kyverno-test.yaml: the file is {HUGE} bytes, over the size limit"
        )),
        "{}",
        out.stdout
    );
}
