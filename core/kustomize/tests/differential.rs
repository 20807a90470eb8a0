//! Differential test against `kubectl kustomize` (kustomize v5.5): every
//! kustomization under `../shared/corpora/`, and generated overlays over every
//! Kubernetes file of the corpus as a base (name prefix, namespace, labels,
//! annotations, images, replicas and strategic-merge / JSON patches chosen from
//! the file's own objects by a fixed seed). Outputs must be byte-identical, and
//! where kubectl fails the build must fail too. SKIPPED where `kubectl` is
//! absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use stockade_kustomize::{build, FileMap, Options};

mod common;
use common::{kubectl_available, write_tree, Rng};

#[path = "../../stockade/tests/common/shared.rs"]
mod shared_dir;
use shared_dir::shared;

/// Objects of a YAML text: (apiVersion, kind, name, first container image).
fn objects(text: &str) -> Vec<(String, String, String, Option<String>)> {
    let stream = stockade_yaml::parse_stream(text, &stockade_yaml::Limits::default());
    let mut out = Vec::new();
    for d in &stream.documents {
        let Some(n) = d.node() else { continue };
        let (Some(av), Some(k), Some(name)) = (
            n.get("apiVersion").and_then(|v| v.as_str()),
            n.get("kind").and_then(|v| v.as_str()),
            n.get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(|v| v.as_str()),
        ) else {
            continue;
        };
        let mut image = None;
        n.walk(|ptr, node| {
            if image.is_none() && ptr.ends_with("/image") && ptr.contains("containers/") {
                image = node.as_str().map(str::to_string);
            }
        });
        out.push((av.to_string(), k.to_string(), name.to_string(), image));
    }
    out
}

fn overlay(
    rng: &mut Rng,
    objs: &[(String, String, String, Option<String>)],
) -> (String, Vec<(String, String)>) {
    let mut k = String::from(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../base\n",
    );
    let mut extra = Vec::new();
    if rng.pick(2) == 0 {
        k.push_str("namePrefix: pre-\n");
    }
    if rng.pick(3) == 0 {
        k.push_str("nameSuffix: -suf\n");
    }
    if rng.pick(2) == 0 {
        k.push_str("namespace: team-a\n");
    }
    match rng.pick(3) {
        0 => k.push_str("commonLabels:\n  app.kubernetes.io/part-of: shop\n  tier: \"true\"\n"),
        1 => k.push_str("labels:\n- pairs:\n    owner: me\n  includeTemplates: true\n"),
        _ => {}
    }
    if rng.pick(2) == 0 {
        k.push_str("commonAnnotations:\n  note: \"built by a test: yes\"\n");
    }
    if let Some((_, _, _, Some(img))) = objs.iter().find(|o| o.3.is_some()) {
        let name = img.split('@').next().unwrap_or(img);
        let name = match name.rfind(':') {
            Some(i) if !name[i..].contains('/') => &name[..i],
            _ => name,
        };
        let _ = write!(
            k,
            "images:\n- name: {name}\n  newName: registry.example/mirror\n  newTag: \"1.2\"\n"
        );
    }
    let workloads: Vec<_> = objs
        .iter()
        .filter(|o| matches!(o.1.as_str(), "Deployment" | "StatefulSet" | "DaemonSet"))
        .collect();
    if let Some(w) = workloads.first() {
        if rng.pick(2) == 0 && w.1 != "DaemonSet" {
            let _ = write!(k, "replicas:\n- name: {}\n  count: 3\n", w.2);
        }
        match rng.pick(3) {
            0 => {
                extra.push((
                    "patch.yaml".to_string(),
                    format!(
                        "apiVersion: {}\nkind: {}\nmetadata:\n  name: {}\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n",
                        w.0, w.1, w.2
                    ),
                ));
                k.push_str("patches:\n- path: patch.yaml\n");
            }
            1 => {
                let _ = write!(
                    k,
                    "patches:\n- target:\n    kind: {}\n    name: {}\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        patched: \"yes\"\n",
                    w.1, w.2
                );
            }
            _ => {}
        }
    }
    (k, extra)
}

#[test]
fn kubectl_differential() {
    if !kubectl_available() {
        eprintln!(
            "SKIPPED: kubectl is not installed (the differential test needs `kubectl kustomize`)"
        );
        return;
    }
    let Some(corpus) = shared("corpora/kubernetes") else {
        return;
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    names.sort();
    let limit: usize = std::env::var("KUSTOMIZE_DIFF_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let tmp = std::env::temp_dir().join(format!("stockade-kustomize-diff-{}", std::process::id()));
    let mut total = 0;
    let mut same = 0;
    let mut diffs = Vec::new();
    for (i, path) in names.iter().take(limit).enumerate() {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let objs = objects(&text);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1));
        let (k, extra) = overlay(&mut rng, &objs);
        let mut files = FileMap::new();
        files.insert("base/resource.yaml".into(), text.clone().into_bytes());
        files.insert(
            "base/kustomization.yaml".into(),
            b"resources:\n- resource.yaml\n".to_vec(),
        );
        files.insert("overlay/kustomization.yaml".into(), k.into_bytes());
        for (p, c) in extra {
            files.insert(format!("overlay/{p}"), c.into_bytes());
        }
        let dir = tmp.join(format!("{i}"));
        write_tree(&dir, &files);
        let out = Command::new("kubectl")
            .args(["kustomize", "overlay"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let ours = build(&files, "overlay", &Options::default());
        total += 1;
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        match (out.status.success(), ours) {
            (true, Ok(b)) => {
                let want = String::from_utf8_lossy(&out.stdout).to_string();
                let got = b.to_yaml();
                if got == want {
                    same += 1;
                } else {
                    let line = got
                        .lines()
                        .zip(want.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or(0);
                    diffs.push(format!(
                        "{name}: line {}: got {:?} want {:?}",
                        line + 1,
                        got.lines().nth(line).unwrap_or(""),
                        want.lines().nth(line).unwrap_or("")
                    ));
                }
            }
            (false, Err(_)) => same += 1,
            (true, Err(e)) => diffs.push(format!("{name}: we fail ({e}), kubectl builds")),
            (false, Ok(_)) => diffs.push(format!(
                "{name}: we build, kubectl fails: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            )),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&tmp);
    for d in &diffs {
        println!("DIFF {d}");
    }
    println!("kubectl differential: {same}/{total} identical");
    // Every output identical to kubectl's (the goal, reached);
    // KUSTOMIZE_DIFF_LIMIT runs a prefix of the corpus.
    assert!(
        diffs.is_empty(),
        "{} of {total} differ from kubectl",
        diffs.len()
    );
}
