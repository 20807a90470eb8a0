//! Random overlays over real bases, built with Stockade and with `kubectl
//! kustomize` (kustomize v5.5): outputs byte-identical, or both fail.
//!
//! Each case takes a Kubernetes file of `../shared/corpora/kubernetes` as a
//! base (with a generated `ConfigMap` and `Secret` the workloads reference) and
//! stacks one or two overlays and sometimes a component on it, each with
//! random strategic-merge patches (container lists merged by name, env by
//! name, ports, `$patch: delete|replace`, keys deleted with `null`, maps
//! replaced), JSON 6902 patches on paths picked from the objects (add,
//! replace, remove, move, copy, test), patches selecting several objects by
//! kind or label, `namePrefix`/`nameSuffix`, `namespace`, `labels` with
//! selectors and templates, `commonLabels`, `commonAnnotations`, `images`,
//! `replicas`, `configMapGenerator`/`secretGenerator` with `behavior:
//! merge|replace` and `generatorOptions`.
//!
//! A fixed seed makes every run the same; `KUSTOMIZE_RANDOM_CASES` (default
//! 150, about 20 s of kubectl calls) and `KUSTOMIZE_RANDOM_SEED` widen or move
//! it. Prints how many were identical, how many both failed, and every
//! difference. SKIPPED where `kubectl` is absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use stockade_kustomize::{build, FileMap, Options};

mod common;
use common::{kubectl_available, write_tree, Rng};

#[path = "../../stockade/tests/common/shared.rs"]
mod shared_dir;
use shared_dir::shared;

/// An object of the base file.
#[derive(Clone)]
struct Obj {
    api: String,
    kind: String,
    name: String,
    namespace: Option<String>,
    json: Value,
}

impl Obj {
    fn pod_spec_pointer(&self) -> Option<&'static str> {
        match self.kind.as_str() {
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
                Some("/spec/template/spec")
            }
            "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
            "Pod" => Some("/spec"),
            _ => None,
        }
    }
    fn containers(&self) -> Vec<Value> {
        self.pod_spec_pointer()
            .and_then(|p| self.json.pointer(&format!("{p}/containers")))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }
    /// The patch header: apiVersion, kind, metadata.name (and namespace).
    fn header(&self) -> Value {
        let mut meta = json!({"name": self.name});
        if let Some(ns) = &self.namespace {
            meta["namespace"] = json!(ns);
        }
        json!({"apiVersion": self.api, "kind": self.kind, "metadata": meta})
    }
}

fn objects(text: &str) -> Vec<Obj> {
    let stream = stockade_yaml::parse_stream(text, &stockade_yaml::Limits::default());
    let mut out = Vec::new();
    for d in &stream.documents {
        let Some(n) = d.node() else { continue };
        let Ok(v) = n.try_to_json() else { continue };
        let (Some(api), Some(kind), Some(name)) = (
            v["apiVersion"].as_str(),
            v["kind"].as_str(),
            v["metadata"]["name"].as_str(),
        ) else {
            continue;
        };
        if kind.ends_with("List") {
            continue;
        }
        out.push(Obj {
            api: api.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            namespace: v["metadata"]["namespace"].as_str().map(str::to_string),
            json: v.clone(),
        });
    }
    out
}

/// Every pointer of a JSON value with the value there.
fn pointers(v: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    out.push((at.to_string(), v.clone()));
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let t = k.replace('~', "~0").replace('/', "~1");
                pointers(x, &format!("{at}/{t}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Indented block text for a `|-` YAML literal.
fn block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for l in text.lines() {
        let _ = writeln!(out, "{pad}{l}");
    }
    out
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A random scalar or small structure as a patch value.
fn value(rng: &mut Rng) -> Value {
    match rng.pick(7) {
        0 => json!("patched"),
        1 => json!(rng.pick(100)),
        2 => json!(true),
        3 => json!({"added": "yes", "n": 3}),
        4 => json!(["a", "b"]),
        5 => json!("2024-01-02"),
        _ => json!("0755"),
    }
}

/// A random value of the same node kind (map, list, scalar) as `like`: a
/// value of another kind is an error in kustomize's typed walks, which real
/// overlays do not exercise.
fn value_like(rng: &mut Rng, like: &Value) -> Value {
    match like {
        // (keeping its fields: a list element keeps its merge key)
        Value::Object(m) => {
            let mut m = m.clone();
            m.insert("added".into(), json!("yes"));
            m.insert("n".into(), json!(rng.pick(9)));
            Value::Object(m)
        }
        Value::Array(a) => match a.first() {
            Some(first) => json!([first.clone()]),
            None => json!([]),
        },
        _ => loop {
            let v = value(rng);
            if !v.is_object() && !v.is_array() {
                break v;
            }
        },
    }
}

/// A strategic-merge patch of `o` (as a JSON text), or `None`.
fn smp(rng: &mut Rng, o: &Obj) -> Option<String> {
    let mut p = o.header();
    let containers = o.containers();
    let spec_ptr = o.pod_spec_pointer();
    if let (Some(sp), false) = (spec_ptr, containers.is_empty()) {
        if rng.pick(3) != 0 {
            let c = rng.choose(&containers)?;
            let cname = c["name"].as_str()?.to_string();
            let mut item = json!({"name": cname});
            let mut list_extra = Vec::new();
            match rng.pick(10) {
                0 => item["$patch"] = json!("delete"),
                1 => {
                    item["env"] = json!([{"name": "ADDED", "value": "1"}, {"name": "ALSO", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "mode"}}}]);
                }
                2 => {
                    item["resources"] =
                        json!({"limits": {"cpu": "250m", "memory": "64Mi"}, "$patch": "replace"});
                }
                3 => {
                    item["securityContext"] = json!({"privileged": rng.chance(2), "runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}});
                }
                4 => {
                    item["ports"] = json!([{"containerPort": 9000 + rng.pick(3), "name": "extra", "protocol": "TCP"}]);
                }
                5 => item["image"] = json!("example.org/replaced:2.0"),
                6 => {
                    item["args"] = json!(["--flag", "x"]);
                    item["command"] = Value::Null;
                }
                7 => {
                    list_extra.push(json!({"name": "sidecar", "image": "busybox:1.36", "envFrom": [{"configMapRef": {"name": "app-config"}}, {"secretRef": {"name": "app-secret"}}]}));
                }
                8 => {
                    // replace the whole list
                    list_extra.push(json!({"$patch": "replace"}));
                    item["image"] = json!("only:1");
                }
                _ => {
                    item["volumeMounts"] = json!([{"name": "cfg", "mountPath": "/etc/cfg"}]);
                    let vols = json!([{"name": "cfg", "configMap": {"name": "app-config"}}, {"name": "sec", "secret": {"secretName": "app-secret"}}]);
                    set_pointer(&mut p, &format!("{sp}/volumes"), vols);
                }
            }
            let mut list = vec![item];
            list.extend(list_extra);
            set_pointer(&mut p, &format!("{sp}/containers"), Value::Array(list));
            if rng.chance(3) {
                set_pointer(&mut p, &format!("{sp}/serviceAccountName"), json!("app-sa"));
            }
            return Some(serde_json::to_string_pretty(&p).unwrap());
        }
    }
    // A map somewhere in the object (not inside a list): add a key, delete a
    // key with null, or replace/delete the map.
    let mut ptrs = Vec::new();
    pointers(&o.json, "", &mut ptrs);
    let maps: Vec<(String, Value)> = ptrs
        .into_iter()
        .filter(|(p, v)| {
            v.is_object()
                && !p.is_empty()
                && !p.starts_with("/metadata")
                && !p.split('/').any(|t| t.parse::<usize>().is_ok())
        })
        .collect();
    let (ptr, m) = rng.choose(&maps)?.clone();
    let keys: Vec<String> = m.as_object()?.keys().cloned().collect();
    let mut patch_map = json!({});
    match rng.pick(5) {
        0 => patch_map["addedKey"] = value(rng),
        1 => {
            let k = rng.choose(&keys)?.clone();
            patch_map[k] = Value::Null;
        }
        2 => {
            patch_map = m.clone();
            patch_map["$patch"] = json!("replace");
            if let Some(k) = rng.choose(&keys) {
                patch_map.as_object_mut()?.remove(k);
            }
        }
        3 => {
            let k = rng.choose(&keys)?.clone();
            patch_map[k.clone()] = value_like(rng, &m[&k]);
        }
        _ => patch_map = json!({"$patch": "delete"}),
    }
    set_pointer(&mut p, &ptr, patch_map);
    if rng.chance(4) {
        p["metadata"]["labels"] = json!({"patched-by": "smp"});
    }
    Some(serde_json::to_string_pretty(&p).unwrap())
}

fn set_pointer(v: &mut Value, ptr: &str, x: Value) {
    let mut cur = v;
    let tokens: Vec<String> = ptr
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (i, t) in tokens.iter().enumerate() {
        if i + 1 == tokens.len() {
            cur[t.as_str()] = x;
            return;
        }
        if !cur[t.as_str()].is_object() {
            cur[t.as_str()] = json!({});
        }
        cur = &mut cur[t.as_str()];
    }
}

/// A JSON 6902 patch (operations as YAML-flow JSON) on paths of `o`.
fn json6902(rng: &mut Rng, o: &Obj) -> Option<String> {
    let mut ptrs = Vec::new();
    pointers(&o.json, "", &mut ptrs);
    ptrs.retain(|(p, _)| {
        !p.is_empty()
            && p != "/apiVersion"
            && p != "/kind"
            && p != "/metadata"
            && p != "/metadata/name"
    });
    let mut ops = Vec::new();
    for _ in 0..=rng.pick(2) {
        let (ptr, v) = rng.choose(&ptrs)?.clone();
        let op = match rng.pick(7) {
            0 | 1 if v.is_object() => {
                json!({"op": "add", "path": format!("{ptr}/extra"), "value": value(rng)})
            }
            0 | 1 if v.is_array() => {
                // a copy of the first element under a new key (duplicate
                // merge keys are invalid Kubernetes, which kyaml collapses)
                let mut item = v
                    .as_array()
                    .and_then(|a| a.first())
                    .cloned()
                    .unwrap_or(json!("x"));
                if let Some(m) = item.as_object_mut() {
                    for (k, x) in m.iter_mut() {
                        if matches!(
                            k.as_str(),
                            "name" | "mountPath" | "ip" | "topologyKey" | "devicePath"
                        ) {
                            *x = json!(format!("{}-copy", x.as_str().unwrap_or("x")));
                        } else if matches!(k.as_str(), "containerPort" | "port") {
                            *x = json!(x.as_u64().unwrap_or(1) + 31_111);
                        }
                    }
                }
                json!({"op": "add", "path": format!("{ptr}/{}", if rng.chance(2) { "-" } else { "0" }), "value": item})
            }
            2 => json!({"op": "replace", "path": ptr, "value": value_like(rng, &v)}),
            // (not a list element's merge key: kyaml drops elements left
            // without one when a strategic merge walks the list)
            3 if !ptr.starts_with("/metadata/name")
                && !ptr.ends_with("/name")
                && !ptr.ends_with("/containerPort")
                && !ptr.ends_with("/mountPath") =>
            {
                json!({"op": "remove", "path": ptr})
            }
            4 => json!({"op": "test", "path": "/kind", "value": o.kind}),
            5 => json!({"op": "copy", "from": ptr, "path": "/metadata/annotations/copied"}),
            _ if !v.is_object() && !v.is_array() => {
                json!({"op": "replace", "path": ptr, "value": "replaced"})
            }
            _ => json!({"op": "test", "path": "/apiVersion", "value": o.api}),
        };
        let is_remove = op["op"] == "remove";
        ops.push(op);
        if is_remove {
            break; // later paths may be gone
        }
    }
    if ops
        .iter()
        .any(|o| o["path"] == "/metadata/annotations/copied")
    {
        ops.insert(
            0,
            json!({"op": "add", "path": "/metadata/annotations", "value": {}}),
        );
    }
    Some(serde_json::to_string_pretty(&Value::Array(ops)).unwrap())
}

/// One kustomization layer over `below` (a folder name), with its files.
#[allow(clippy::too_many_lines)]
fn layer(
    rng: &mut Rng,
    dir: &str,
    below: &[&str],
    objs: &[Obj],
    files: &mut FileMap,
    component: bool,
) {
    let mut k = String::new();
    if component {
        k.push_str("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n");
    } else {
        k.push_str("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        k.push_str("resources:\n");
        for b in below {
            let _ = writeln!(k, "- {b}");
        }
    }
    if !component && rng.chance(2) {
        let _ = writeln!(
            k,
            "namePrefix: {}",
            rng.choose(&["pre-", "x-", "team-a-"]).unwrap()
        );
    }
    if !component && rng.chance(3) {
        let _ = writeln!(k, "nameSuffix: {}", rng.choose(&["-v2", "-prod"]).unwrap());
    }
    if !component && rng.chance(3) {
        let _ = writeln!(
            k,
            "namespace: {}",
            rng.choose(&["prod", "staging", "kube-system"]).unwrap()
        );
    }
    match rng.pick(5) {
        0 => k.push_str("commonLabels:\n  app.kubernetes.io/part-of: shop\n  tier: \"true\"\n"),
        1 => {
            let _ = write!(
                k,
                "labels:\n- pairs:\n    owner: me\n  includeSelectors: {}\n  includeTemplates: {}\n",
                rng.chance(2),
                rng.chance(2)
            );
        }
        2 => k.push_str("labels:\n- pairs:\n    env: prod\n  includeSelectors: true\n- pairs:\n    cost: \"12\"\n  fields:\n  - path: spec/template/metadata/labels\n    kind: Deployment\n    create: true\n"),
        _ => {}
    }
    if rng.chance(3) {
        k.push_str("commonAnnotations:\n  note: \"built: yes\"\n  number: \"8080\"\n");
    }
    // images
    let images: Vec<String> = objs
        .iter()
        .flat_map(Obj::containers)
        .filter_map(|c| c["image"].as_str().map(str::to_string))
        .collect();
    if let Some(img) = rng.choose(&images) {
        if rng.chance(2) {
            let name = img.split('@').next().unwrap_or(img);
            let name = match name.rfind(':') {
                Some(i) if !name[i..].contains('/') => &name[..i],
                _ => name,
            };
            let _ = writeln!(k, "images:\n- name: {}", yaml_str(name));
            match rng.pick(4) {
                0 => k.push_str("  newName: registry.example/mirror\n  newTag: \"1.2\"\n"),
                1 => k.push_str("  digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3\n"),
                2 => k.push_str("  newTag: latest\n"),
                _ => k.push_str("  newName: mirror.example/x\n"),
            }
        }
    }
    // replicas
    let scalable: Vec<&Obj> = objs
        .iter()
        .filter(|o| matches!(o.kind.as_str(), "Deployment" | "StatefulSet" | "ReplicaSet"))
        .collect();
    if let Some(o) = rng.choose(&scalable) {
        if !component && rng.chance(3) {
            let _ = write!(
                k,
                "replicas:\n- name: {}\n  count: {}\n",
                o.name,
                rng.pick(5)
            );
        }
    }
    // generators: the base creates them; overlays merge or replace
    if below.first().is_some_and(|b| !b.starts_with("..")) {
        k.push_str("configMapGenerator:\n- name: app-config\n  literals:\n  - mode=base\n  - LEVEL=1\nsecretGenerator:\n- name: app-secret\n  literals:\n  - password=hunter2\n");
        files.insert(
            format!("{dir}/sa.yaml"),
            b"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app-sa\n".to_vec(),
        );
    } else if rng.chance(2) {
        match rng.pick(3) {
            0 => k.push_str("configMapGenerator:\n- name: app-config\n  behavior: merge\n  literals:\n  - mode=overlay\n  - EXTRA=2\n"),
            1 => k.push_str("configMapGenerator:\n- name: app-config\n  behavior: replace\n  literals:\n  - only=this\n"),
            _ => k.push_str("secretGenerator:\n- name: app-secret\n  behavior: merge\n  literals:\n  - token=abc\n"),
        }
        if rng.chance(3) {
            let _ = write!(
                k,
                "generatorOptions:\n  disableNameSuffixHash: {}\n  labels:\n    generated: \"yes\"\n",
                rng.chance(3)
            );
        }
    }
    // patches
    let mut patches = String::new();
    for i in 0..rng.pick(4) {
        let Some(o) = rng.choose(objs) else { break };
        match rng.pick(5) {
            0 | 1 => {
                let Some(p) = smp(rng, o) else { continue };
                if rng.chance(2) {
                    let f = format!("smp{i}.yaml");
                    files.insert(format!("{dir}/{f}"), p.into_bytes());
                    let _ = writeln!(patches, "- path: {f}");
                } else {
                    let _ = write!(patches, "- patch: |-\n{}", block(&p, 4));
                }
            }
            2 | 3 => {
                let Some(p) = json6902(rng, o) else { continue };
                let _ = write!(
                    patches,
                    "- target:\n    kind: {}\n    name: {}\n",
                    o.kind,
                    yaml_str(&o.name)
                );
                if let Some(ns) = &o.namespace {
                    let _ = writeln!(patches, "    namespace: {ns}");
                }
                if rng.chance(2) {
                    let f = format!("json{i}.yaml");
                    files.insert(format!("{dir}/{f}"), p.into_bytes());
                    let _ = writeln!(patches, "  path: {f}");
                } else {
                    let _ = write!(patches, "  patch: |-\n{}", block(&p, 4));
                }
            }
            _ => {
                // several objects at once, by kind (regex) or label
                let (target, p) = if rng.chance(2) {
                    (
                        format!("    kind: {}\n", o.kind),
                        "apiVersion: v1\nkind: Any\nmetadata:\n  name: any\n  annotations:\n    many: \"true\"\n".to_string(),
                    )
                } else {
                    (
                        "    labelSelector: app.kubernetes.io/part-of=shop\n".to_string(),
                        "- op: add\n  path: /metadata/annotations\n  value:\n    selected: by-label\n".to_string(),
                    )
                };
                let _ = write!(patches, "- target:\n{target}  patch: |-\n{}", block(&p, 4));
            }
        }
    }
    if !patches.is_empty() {
        k.push_str("patches:\n");
        k.push_str(&patches);
    }
    files.insert(format!("{dir}/kustomization.yaml"), k.into_bytes());
}

/// A case: the files and the folder to build.
fn case(rng: &mut Rng, text: &str) -> (FileMap, String) {
    let objs = objects(text);
    let mut files = FileMap::new();
    files.insert("base/resource.yaml".into(), text.as_bytes().to_vec());
    layer(
        rng,
        "base",
        &["resource.yaml", "sa.yaml"],
        &objs,
        &mut files,
        false,
    );
    layer(rng, "mid", &["../base"], &objs, &mut files, false);
    if rng.chance(2) {
        return (files, "mid".into());
    }
    let with_component = rng.chance(2);
    if with_component {
        layer(rng, "comp", &[], &objs, &mut files, true);
    }
    layer(rng, "top", &["../mid"], &objs, &mut files, false);
    if with_component {
        if let Some(k) = files.get_mut("top/kustomization.yaml") {
            k.extend_from_slice(b"components:\n- ../comp\n");
        }
    }
    (files, "top".into())
}

#[test]
#[allow(clippy::too_many_lines)] // one loop: generate, build twice, compare
fn random_overlays_match_kubectl() {
    if !kubectl_available() {
        eprintln!("SKIPPED: kubectl is not installed (random overlays are compared with `kubectl kustomize`)");
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
    let texts: Vec<(String, String)> = names
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(p).unwrap_or_default(),
            )
        })
        .filter(|(_, t)| !objects(t).is_empty())
        .collect();
    let count: usize = std::env::var("KUSTOMIZE_RANDOM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("KUSTOMIZE_RANDOM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_cafe);
    let keep = std::env::var("KUSTOMIZE_RANDOM_KEEP").is_ok();
    let tmp =
        std::env::temp_dir().join(format!("stockade-kustomize-random-{}", std::process::id()));
    let (mut same, mut both_fail, mut diffs) = (0, 0, Vec::new());
    for i in 0..count {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (i as u64 + 1));
        let (name, text) = &texts[rng.pick(texts.len())];
        let (files, dir) = case(&mut rng, text);
        let work = tmp.join(i.to_string());
        write_tree(&work, &files);
        let out = Command::new("kubectl")
            .args(["kustomize", &dir])
            .current_dir(&work)
            .output()
            .unwrap();
        let ours = build(&files, &dir, &Options::default());
        let label = format!("case {i} ({name})");
        let mut differs = true;
        match (out.status.success(), ours) {
            (true, Ok(b)) => {
                let want = String::from_utf8_lossy(&out.stdout).to_string();
                let got = b.to_yaml();
                if got == want {
                    same += 1;
                    differs = false;
                } else {
                    let line = got
                        .lines()
                        .zip(want.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or(got.lines().count().min(want.lines().count()));
                    diffs.push(format!(
                        "{label}: line {}: got {:?} want {:?}",
                        line + 1,
                        got.lines().nth(line).unwrap_or("<end>"),
                        want.lines().nth(line).unwrap_or("<end>")
                    ));
                }
            }
            (false, Err(e)) => {
                both_fail += 1;
                differs = false;
                if std::env::var("KUSTOMIZE_RANDOM_VERBOSE").is_ok() {
                    println!("BOTH FAIL {label}: {e}");
                }
            }
            (true, Err(e)) => diffs.push(format!("{label}: we fail ({e}), kubectl builds")),
            (false, Ok(_)) => diffs.push(format!(
                "{label}: we build, kubectl fails: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            )),
        }
        if !(keep && differs) {
            let _ = std::fs::remove_dir_all(&work);
        }
    }
    if !keep {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    for d in &diffs {
        println!("DIFF {d}");
    }
    println!(
        "random overlays against kubectl: {}/{count} identical ({same} built, {both_fail} rejected by both), {} differ",
        same + both_fail,
        diffs.len()
    );
    assert!(
        diffs.is_empty(),
        "{} of {count} differ from kubectl",
        diffs.len()
    );
}
