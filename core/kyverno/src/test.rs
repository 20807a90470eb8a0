//! `kyverno test`: run a `kyverno-test.yaml` (`cli.kyverno.io/v1alpha1` `Test`)
//! as the Kyverno CLI does.
//!
//! Semantics (from `cmd/cli/kubectl-kyverno/commands/test`): every policy is
//! applied to every resource; each `results[]` entry names a policy, a rule
//! (matching also its `autogen-` and `autogen-cronjob-` variants) and
//! resources by name (`name` or `namespace/name`; the entry's `kind` is not used
//! to select them); each rule response found is compared with the expected
//! `result` (`pass`, `fail`, `skip`, `error`, `warn`). A resource the rule does
//! not apply to gives no rule response: Kyverno reports it as "excluded" and
//! does not count it as a failure. A resource name not found in the test's
//! resources is a failure. Values files (`variables:`) give `request.operation`
//! and other variables per resource, per rule or globally, and namespace labels
//! for `namespaceSelector`.

use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use super::eval::{self, Request, Status};
use super::policy::{read_policy, Policy};
use stockade_source::walk::{self, Entry, Folders, Reader, Walker};
use stockade_yaml::{Limits, Node};

/// One checked (result entry, resource, rule) row.
#[derive(Debug, Clone, Serialize)]
pub struct TestEntryResult {
    /// Index of the entry in `results[]`.
    pub entry: usize,
    pub policy: String,
    pub rule: String,
    pub resource: String,
    pub kind: String,
    pub expected: String,
    /// `pass`, `fail`, `skip`, `error`, `excluded` (no rule response) or
    /// `not found` (the policy is not among the test's policies).
    pub actual: String,
    /// Whether Kyverno's `test` command counts the row as passed.
    pub ok: bool,
    pub message: String,
    /// Whether the rule uses a feature outside the offline subset.
    pub unsupported: bool,
}

/// The outcome of one test file.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TestRun {
    pub path: String,
    pub name: String,
    /// Why the test could not run at all (a missing file, a broken policy).
    pub error: Option<String>,
    /// Number of `results[]` entries.
    pub entries: usize,
    pub rows: Vec<TestEntryResult>,
}

impl TestRun {
    /// Whether every row passed (and the test could run).
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.rows.iter().all(|r| r.ok)
    }

    /// Entries whose rows all passed.
    pub fn entries_passed(&self) -> usize {
        if self.error.is_some() {
            return 0;
        }
        (0..self.entries)
            .filter(|i| self.rows.iter().filter(|r| r.entry == *i).all(|r| r.ok))
            .count()
    }
}

/// Reads a file named relative to the test file's folder (a path joined to
/// that folder); the error is a message.
pub type Loader<'a> = dyn Fn(&Path) -> Result<String, String> + 'a;

fn read_docs(path: &Path, load: &Loader<'_>) -> Result<Vec<(Node, Value)>, String> {
    let text = load(path)?;
    let stream = stockade_yaml::parse_stream(&text, &Limits::default());
    let mut out = Vec::new();
    for doc in stream.documents {
        match doc.root {
            Ok(node) if !node.is_null() => {
                let json = node.to_json();
                out.push((node, json));
            }
            Ok(_) => {}
            Err(p) => return Err(format!("{}: {}", path.display(), p.message)),
        }
    }
    Ok(out)
}

/// The file system, through the shared bounded reader: regular files only, at
/// most the default size limit.
fn read_fs(path: &Path) -> Result<String, String> {
    Reader::default()
        .read_to_string(path)
        .map_err(|e| format!("cannot read {}: {}", path.display(), e.message()))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Find every `kyverno-test.yaml` under `dir` (hidden folders such as
/// `.kyverno-test` included, `.git` not) and run it. The shared walker
/// ([`stockade_source::walk`]) enters each folder once, so link loops end; a
/// test file that is not a regular file (a FIFO, a device, a dangling link) is
/// not opened and gives a run with the reason as its error, as does a folder
/// that cannot be read.
pub fn run_test_dir(dir: &Path) -> Vec<TestRun> {
    let mut walker = Walker::new(Folders::AllButGit, |name| {
        name == "kyverno-test.yaml" || name == "kyverno-test.yml"
    });
    let not_run = |path: &Path, error: String| TestRun {
        path: path.display().to_string(),
        error: Some(error),
        ..TestRun::default()
    };
    walker
        .walk(dir, &walk::display_path(dir))
        .into_iter()
        .map(|entry| match entry {
            Entry::File { path, .. } => run_test(&path),
            Entry::Skipped { path, reason, .. } => {
                not_run(&path, format!("cannot read {}: {reason}", path.display()))
            }
            Entry::Error { path, error, .. } => {
                not_run(&path, format!("cannot read {}: {error}", path.display()))
            }
        })
        .collect()
}

struct Values {
    global: Map<String, Value>,
    /// (policy, resource) → values
    per_resource: Vec<(String, String, Map<String, Value>)>,
    /// (policy, rule) → values
    per_rule: Vec<(String, String, Map<String, Value>)>,
    namespaces: Vec<(String, Map<String, Value>)>,
}

fn read_values(v: &Value) -> Values {
    let obj = |x: Option<&Value>| x.and_then(Value::as_object).cloned().unwrap_or_default();
    // The elements of the array under `key` (none when absent or not an array).
    let items = |x: &'_ Value, key: &str| -> Vec<Value> {
        x.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let name = |x: &Value| {
        x.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut values = Values {
        global: obj(v.get("globalValues")),
        per_resource: Vec::new(),
        per_rule: Vec::new(),
        namespaces: Vec::new(),
    };
    for p in items(v, "policies") {
        let pname = name(&p);
        for r in items(&p, "resources") {
            values
                .per_resource
                .push((pname.clone(), name(&r), obj(r.get("values"))));
        }
        for r in items(&p, "rules") {
            values
                .per_rule
                .push((pname.clone(), name(&r), obj(r.get("values"))));
        }
    }
    for n in items(v, "namespaceSelector") {
        values.namespaces.push((name(&n), obj(n.get("labels"))));
    }
    values
}

struct Response {
    policy: String,
    rule: String,
    status: Status,
    message: String,
    unsupported: bool,
}

/// Run one `kyverno-test.yaml` from the file system.
pub fn run_test(test_file: &Path) -> TestRun {
    run_test_with(test_file, &read_fs)
}

/// Run the `kyverno-test.yaml` at `path` over files held in memory (`path → text`,
/// paths as written with `/`, `.` and `..` resolved), as the WebAssembly bindings do.
pub fn run_test_texts(path: &str, files: &std::collections::BTreeMap<String, String>) -> TestRun {
    let norm = |p: &str| stockade_source::go::path_join(".", &p.replace('\\', "/"));
    let files: std::collections::BTreeMap<String, &String> =
        files.iter().map(|(p, t)| (norm(p), t)).collect();
    let load = |p: &Path| {
        let shown = p.to_string_lossy();
        files
            .get(&norm(&shown))
            .map(|t| (*t).clone())
            .ok_or_else(|| format!("cannot read {shown}: no such file"))
    };
    run_test_with(Path::new(path), &load)
}

/// Run one `kyverno-test.yaml`, reading it and the files it names through
/// `load` (for callers without a file system, such as WebAssembly bindings).
#[allow(clippy::too_many_lines)]
pub fn run_test_with(test_file: &Path, load: &Loader<'_>) -> TestRun {
    let mut run = TestRun {
        path: test_file.display().to_string(),
        ..TestRun::default()
    };
    let dir = test_file.parent().unwrap_or(Path::new("."));
    let test = match read_docs(test_file, load) {
        Ok(mut docs) if !docs.is_empty() => docs.swap_remove(0).1,
        Ok(_) => {
            run.error = Some("empty test file".to_string());
            return run;
        }
        Err(e) => {
            run.error = Some(e);
            return run;
        }
    };
    run.name = test
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let results: Vec<Value> = test
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    run.entries = results.len();

    let mut errors = Vec::new();
    let mut policies: Vec<Policy> = Vec::new();
    // Policies of kinds Stockade does not evaluate (CEL-based), by name.
    let mut unsupported_policies: Vec<(String, String)> = Vec::new();
    for p in str_list(test.get("policies")) {
        let path = dir.join(&p);
        match read_docs(&path, load) {
            Ok(docs) => {
                for (node, json) in docs {
                    if let Some(kind) = super::unsupported_policy_kind(&node) {
                        let name = json
                            .pointer("/metadata/name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        unsupported_policies.push((name, kind));
                        continue;
                    }
                    if super::is_policy(&node) {
                        match read_policy(&json, &p, node.span) {
                            Ok(pol) => policies.push(pol),
                            Err(e) => errors.push(format!("{p}: {e}")),
                        }
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let mut resources: Vec<Value> = Vec::new();
    for r in str_list(test.get("resources")) {
        match read_docs(&dir.join(&r), load) {
            Ok(docs) => {
                for (node, json) in docs {
                    if let stockade_yaml::objects::Read::Objects(objs, _) =
                        stockade_yaml::objects::read_root(&node)
                    {
                        for o in objs {
                            resources.push(o.root.to_json());
                        }
                    }
                    let _ = json;
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let values = match test.get("variables").and_then(Value::as_str) {
        Some(v) => match read_docs(&dir.join(v), load) {
            Ok(mut docs) if !docs.is_empty() => Some(read_values(&docs.swap_remove(0).1)),
            Ok(_) => None,
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        run.error = Some(errors.join("; "));
        // Kyverno stops the test on a load error: every entry fails.
        for (i, entry) in results.iter().enumerate() {
            run.rows.push(TestEntryResult {
                entry: i,
                policy: entry
                    .get("policy")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                rule: entry
                    .get("rule")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                resource: String::new(),
                kind: entry
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                expected: expected_of(entry),
                actual: "error".to_string(),
                ok: false,
                message: run.error.clone().unwrap_or_default(),
                unsupported: false,
            });
        }
        return run;
    }

    // Apply every policy to every resource.
    let mut responses: Vec<Vec<Response>> = Vec::new();
    for resource in &resources {
        let name = resource
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let namespace = resource
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut out = Vec::new();
        for policy in &policies {
            for rule in &policy.rules {
                let mut request = Request::default();
                if let Some(v) = &values {
                    let mut merged = v.global.clone();
                    for (p, r, vals) in &v.per_rule {
                        if *p == policy.name
                            && (*r == rule.name
                                || rule.generated_from.as_deref() == Some(r.as_str()))
                        {
                            merged.extend(vals.clone());
                        }
                    }
                    for (p, r, vals) in &v.per_resource {
                        if *p == policy.name && r == name {
                            merged.extend(vals.clone());
                        }
                    }
                    if let Some(op) = merged.get("request.operation").and_then(Value::as_str) {
                        request.operation = Some(op.to_string());
                    }
                    request.values = merged;
                    let ns = if namespace.is_empty() {
                        name
                    } else {
                        namespace
                    };
                    request.namespace_labels = v
                        .namespaces
                        .iter()
                        .find(|(n, _)| n == ns)
                        .map(|(_, l)| l.clone());
                }
                if !eval::rule_matches(policy, rule, resource, &request) {
                    continue;
                }
                if let Some(r) = eval::evaluate_rule(rule, resource, &request) {
                    out.push(Response {
                        policy: policy.name.clone(),
                        rule: rule.name.clone(),
                        status: r.status,
                        message: r.message,
                        unsupported: r.unsupported,
                    });
                }
            }
        }
        responses.push(out);
    }

    for (i, entry) in results.iter().enumerate() {
        let policy_full = entry.get("policy").and_then(Value::as_str).unwrap_or("");
        let policy = policy_full.rsplit('/').next().unwrap_or(policy_full);
        let rule = entry.get("rule").and_then(Value::as_str).unwrap_or("");
        let kind = entry
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let expected = expected_of(entry);
        let mut names = str_list(entry.get("resources"));
        names.extend(str_list(entry.get("resource")));
        let selected: Vec<usize> = if names.is_empty() {
            (0..resources.len()).collect()
        } else {
            let mut sel = Vec::new();
            for n in &names {
                for (idx, r) in resources.iter().enumerate() {
                    let rn = r
                        .pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    // The CLI puts resources without a namespace in `default`.
                    let rns = r
                        .pointer("/metadata/namespace")
                        .and_then(Value::as_str)
                        .unwrap_or("default");
                    let hit = match n.split_once('/') {
                        Some((ns, nm)) => ns == rns && nm == rn,
                        None => n == rn,
                    };
                    if hit {
                        sel.push(idx);
                    }
                }
            }
            sel
        };
        let row = |resource: String, actual: &str, ok: bool, message: String, unsupported: bool| {
            TestEntryResult {
                entry: i,
                policy: policy_full.to_string(),
                rule: rule.to_string(),
                resource,
                kind: kind.clone(),
                expected: expected.clone(),
                actual: actual.to_string(),
                ok,
                message,
                unsupported,
            }
        };
        // As the CLI: names that match no resource are ignored, and when none
        // matches, the entry applies to every resource of the test.
        let selected = if selected.is_empty() {
            (0..resources.len()).collect()
        } else {
            selected
        };
        let policy_known = policies.iter().any(|p| p.name == policy);
        for idx in selected {
            let r = resources.get(idx);
            let rname = r
                .and_then(|r| r.pointer("/metadata/name"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some((_, pkind)) = unsupported_policies.iter().find(|(n, _)| n == policy) {
                run.rows.push(row(
                    rname,
                    "error",
                    false,
                    format!("unsupported: {pkind} policies (CEL) are outside Stockade's offline Kyverno subset"),
                    true,
                ));
                continue;
            }
            if !policy_known {
                run.rows.push(row(
                    rname,
                    "not found",
                    false,
                    format!("policy {policy} not found"),
                    false,
                ));
                continue;
            }
            let mut any = false;
            for resp in responses.get(idx).into_iter().flatten() {
                if resp.policy != policy {
                    continue;
                }
                if !rule.is_empty()
                    && resp.rule != rule
                    && resp.rule != format!("autogen-{rule}")
                    && resp.rule != format!("autogen-cronjob-{rule}")
                {
                    continue;
                }
                any = true;
                let actual = resp.status.as_str();
                run.rows.push(row(
                    rname.clone(),
                    actual,
                    actual == expected,
                    resp.message.clone(),
                    resp.unsupported,
                ));
            }
            if !any {
                run.rows.push(row(
                    rname,
                    "excluded",
                    true,
                    "rule did not apply (excluded)".to_string(),
                    false,
                ));
            }
        }
    }
    run
}

fn expected_of(entry: &Value) -> String {
    entry
        .get("result")
        .or_else(|| entry.get("status"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}
