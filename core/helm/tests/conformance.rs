//! Helm's own test data, read in place from `../shared/conformance/helm/`:
//! the `helm template`/`helm install --dry-run` goldens of Helm 4 (`cases/`)
//! and Helm 3.21 (`cases-v3/`), and the engine's function and render tables
//! (`engine/`). Prints a pass rate per source and every difference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::default_trait_access,
    clippy::cast_precision_loss
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use stockade_helm::funcs::EngineMode;
use stockade_helm::values::{HelmLine, ValuesFile};
use stockade_helm::{Chart, HelmArgs, HelmErrorKind};

#[path = "../../stockade/tests/common/shared.rs"]
mod shared_dir;
use shared_dir::{read_tree, shared};

/// Run one golden case as the CLI would: the whole command output.
fn run_case(dir: &Path, line: HelmLine) -> String {
    let case: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
    let argv: Vec<String> = case["args_local"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut args = match HelmArgs::parse(&argv) {
        Ok(a) => a,
        Err(e) => return format!("Error: {e}\n"),
    };
    let install = args.command == "install";
    if args.positional.is_empty() {
        return "Error: \"helm template\" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]\n".to_string();
    }
    let mut opts = args.options.clone();
    opts.helm_line = line;
    opts.kube_version = opts.kube_version.or_else(|| Some("v1.20.0".to_string()));
    if args.positional.len() >= 2 {
        opts.release_name.clone_from(&args.positional[0]);
    }
    if let Some(t) = &args.name_template {
        match stockade_helm::release_name_from_template(t) {
            Ok(n) => opts.release_name = n,
            Err(e) => return format!("Error: {}\n", e.message),
        }
    }
    for f in std::mem::take(&mut args.values_files) {
        let text = std::fs::read_to_string(dir.join(&f)).unwrap_or_default();
        opts.values_files.push(ValuesFile { name: f, text });
    }
    for sf in &opts.set_file.clone() {
        for part in sf.split(',') {
            if let Some((_, path)) = part.split_once('=') {
                let text = std::fs::read_to_string(dir.join(path)).unwrap_or_default();
                opts.set_file_contents.push((path.to_string(), text));
            }
        }
    }
    let chart_dir = dir.join(args.chart().unwrap());
    let chart = if chart_dir.is_file() {
        Chart::from_archive(&std::fs::read(&chart_dir).unwrap(), &Default::default())
    } else {
        Chart::from_dir_files(read_tree(&chart_dir, |_| false), &Default::default())
    };
    let chart = match chart {
        Ok(c) => c,
        Err(e) => return format!("Error: {}\n", e.message),
    };
    let prefix = if install { "INSTALLATION FAILED: " } else { "" };
    let rendered =
        match stockade_helm::render(&chart, &opts, &stockade_helm::RenderSettings::default()) {
            Ok(r) => r,
            Err(e) => return format!("Error: {prefix}{}\n", e.message),
        };
    if install {
        return install_output(&rendered, &opts, &args);
    }
    match stockade_helm::output::template_output(&rendered, &opts) {
        Ok(out) => out,
        Err((printed, e)) => format!("{printed}Error: {}\n", e.message),
    }
}

fn install_output(
    r: &stockade_helm::Render,
    opts: &stockade_helm::HelmOptions,
    args: &HelmArgs,
) -> String {
    if let Some(e) = &r.first_error {
        return format!("Error: INSTALLATION FAILED: {}\n", e.message);
    }
    let files = r
        .files
        .iter()
        .filter(|f| !f.name.ends_with("NOTES.txt"))
        .map(|f| (f.name.as_str(), f.text.as_str()));
    let sorted = match stockade_helm::output::sort_manifests(files, opts.helm_line) {
        Ok(s) => s,
        Err((_, m)) => return format!("Error: INSTALLATION FAILED: {m}\n"),
    };
    let mut manifest = String::new();
    for m in &sorted.manifests {
        if args.hide_secret && m.kind == "Secret" {
            let _ = write!(
                manifest,
                "---\n# Source: {}\n# HIDDEN: The Secret output has been suppressed\n",
                m.name
            );
        } else {
            let _ = write!(manifest, "---\n# Source: {}\n{}\n", m.name, m.content);
        }
    }
    // Helm 4 prints the release description; Helm 3 does not.
    let description = if opts.helm_line == HelmLine::V4 {
        "DESCRIPTION: Dry run complete\n"
    } else {
        ""
    };
    let mut out = format!(
        "NAME: {}\nLAST DEPLOYED: Fri Sep  2 22:04:05 1977\nNAMESPACE: {}\nSTATUS: pending-install\nREVISION: 1\n{description}TEST SUITE: None\nHOOKS:\n",
        opts.release_name, opts.namespace
    );
    for h in &sorted.hooks {
        let _ = write!(out, "---\n# Source: {}\n{}\n", h.name, h.content);
    }
    let _ = write!(out, "MANIFEST:\n{manifest}\n");
    out
}

fn golden_suite(folder: &str, line: HelmLine) -> (usize, usize, Vec<String>) {
    let Some(root) = shared(&format!("conformance/helm/{folder}")) else {
        return (0, 0, Vec::new());
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    let (mut pass, mut total, mut diffs) = (0, 0, Vec::new());
    for dir in names {
        total += 1;
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let expected =
            std::fs::read_to_string(dir.join(case["expected"].as_str().unwrap())).unwrap();
        let got = std::panic::catch_unwind(|| run_case(&dir, line))
            .unwrap_or_else(|_| "PANIC".to_string());
        if got == expected {
            pass += 1;
        } else {
            diffs.push(format!(
                "{}:\n--- expected\n{expected}\n--- got\n{got}",
                dir.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    (pass, total, diffs)
}

fn report(source: &str, pass: usize, total: usize, diffs: &[String]) {
    if total == 0 {
        return;
    }
    println!(
        "helm conformance {source}: {pass}/{total} pass ({:.1}%)",
        100.0 * pass as f64 / total as f64
    );
    for d in diffs {
        println!("DIFF {source} {d}");
    }
}

#[test]
fn helm4_goldens() {
    let (p, t, d) = golden_suite("cases", HelmLine::V4);
    report("cases (Helm 4)", p, t, &d);
}

#[test]
fn helm3_goldens() {
    let (p, t, d) = golden_suite("cases-v3", HelmLine::V3);
    report("cases-v3 (Helm 3.21)", p, t, &d);
}

/// The Go values of the function tables that have no JSON form and that our
/// values can hold (a self-referencing map and `map[int]string` cannot).
fn go_data(go: &str) -> Option<stockade_gotemplate::Value> {
    use stockade_gotemplate::{IntType, UintType, Value};
    let max_secs = i64::MAX / 1_000_000_000;
    #[allow(clippy::cast_precision_loss)]
    let max_f = i64::MAX as f64 / 1e9;
    #[allow(clippy::cast_precision_loss)]
    let min_f = i64::MIN as f64 / 1e9;
    Some(match go {
        "uint(2)" => Value::Uint(2, UintType::Uint),
        "1500 * time.Millisecond" => {
            Value::object(stockade_helm::durations::Duration(1_500_000_000))
        }
        "uint64(math.MaxInt64) + 1" => Value::Uint(1 << 63, UintType::Uint64),
        "maxDurationSeconds + 1" => Value::Int(max_secs + 1, IntType::Int64),
        "minDurationSeconds - 1" => Value::Int(-max_secs - 1 - 1, IntType::Int64),
        "maxDurationSecondsFloat + 0.5" => Value::float(max_f + 0.5),
        "minDurationSecondsFloat - 0.5" => Value::float(min_f - 0.5),
        "math.NaN()" => Value::float(f64::NAN),
        "math.Inf(1)" => Value::float(f64::INFINITY),
        "math.Inf(-1)" => Value::float(f64::NEG_INFINITY),
        _ => return None,
    })
}

fn funcs_suite(file: &str) {
    let Some(path) = shared(&format!("conformance/helm/engine/{file}")) else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let (mut pass, mut total, mut skipped, mut diffs) = (0, 0, Vec::new(), Vec::new());
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let tpl = case["template"].as_str().unwrap();
        let data = if case["needs_go_data"].as_bool() == Some(true) {
            if let Some(v) = go_data(case["vars_go"].as_str().unwrap_or_default()) {
                v
            } else {
                skipped.push(format!("{tpl}: needs Go data ({})", case["vars_go"]));
                continue;
            }
        } else {
            stockade_gotemplate::Value::from_json(&case["vars"])
        };
        total += 1;
        let mut set = stockade_gotemplate::Template::new("test");
        set.funcs(stockade_helm::engine_funcs(EngineMode::default()));
        let result = set
            .parse("test", tpl)
            .map_err(|e| e.to_string())
            .and_then(|s| {
                let mut out = String::new();
                s.execute("test", &data, &mut out)
                    .map(|()| out)
                    .map_err(|e| e.to_string())
            });
        let expect_error = case["expect_error"].as_bool() == Some(true);
        let ok = match (&result, expect_error) {
            (Err(_), true) => true,
            (Ok(out), false) => case["expected"].as_str() == Some(out.as_str()),
            _ => false,
        };
        if ok {
            pass += 1;
        } else {
            diffs.push(format!(
                "{tpl} (vars {}): expected {} got {result:?}",
                case["vars"], case["expected"]
            ));
        }
    }
    report(&format!("engine/{file}"), pass, total, &diffs);
    println!(
        "engine/{file}: {} skipped (Go data we cannot build)",
        skipped.len()
    );
    for s in &skipped {
        println!("SKIP engine/{file} {s}");
    }
}

#[test]
fn helm4_funcs() {
    funcs_suite("funcs_cases.jsonl");
}

#[test]
fn helm3_funcs() {
    funcs_suite("funcs_cases-v3.jsonl");
}

fn render_suite(file: &str) {
    let Some(path) = shared(&format!("conformance/helm/engine/{file}")) else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let (mut pass, mut total, mut diffs) = (0, 0, Vec::new());
    for line in text.lines() {
        total += 1;
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let got = stockade_helm::engine::render_named(
            &case["templates"],
            case["lint_mode"].as_bool() == Some(true),
        );
        let ok = match (
            &got,
            case["expected"].as_object(),
            case["expected_error"].as_str(),
        ) {
            (Ok(out), Some(exp), None) => exp
                .iter()
                .all(|(k, v)| out.get(k).map(String::as_str) == v.as_str()),
            (Err(e), _, Some(exp)) => e == exp,
            _ => false,
        };
        if ok {
            pass += 1;
        } else {
            diffs.push(format!(
                "{}: expected {:?} / {:?}, got {got:?}",
                case["name"], case["expected"], case["expected_error"]
            ));
        }
    }
    report(&format!("engine/{file}"), pass, total, &diffs);
}

#[test]
fn helm4_engine_render() {
    render_suite("render_cases.jsonl");
}

#[test]
fn helm3_engine_render() {
    render_suite("render_cases-v3.jsonl");
}

#[test]
fn error_kinds_are_located() {
    // A chart without Chart.yaml is a located chart error.
    let err = Chart::from_dir_files(
        BTreeMap::from([("values.yaml".to_string(), b"a: 1\n".to_vec())]),
        &Default::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind, HelmErrorKind::Chart);
    assert_eq!(err.message, "Chart.yaml file is missing");
    assert_eq!(err.file.as_deref(), Some("Chart.yaml"));
}
