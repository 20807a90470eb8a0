//! Replays every input the fuzz targets saved (`fuzz/regressions/<target>/`: the
//! crashes, time-outs and memory blow-ups `scripts/fuzz.sh` found, each kept once
//! fixed) through the same checks as the fuzz targets (`fuzz/src/targets.rs`), on
//! the stable toolchain: CI needs no nightly for the regression part.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/invariants.rs"]
mod invariants;
#[path = "../../../fuzz/src/targets.rs"]
mod targets;

use std::path::Path;

#[test]
fn every_saved_fuzz_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in targets::TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for file in files.iter().filter(|f| f.is_file()) {
            let data = std::fs::read(file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {} fails", file.display());
            replayed += 1;
        }
    }
    println!("replayed {replayed} saved fuzz inputs");
    assert!(replayed > 0, "no saved input under {}", root.display());
}

/// The targets themselves run on a small input of each kind (so that a change
/// breaking a target's harness shows here, not only on nightly).
#[test]
fn every_target_runs_on_a_sample() {
    let samples: &[(&str, &str)] = &[
        ("dockerfile", "FROM alpine\nRUN echo $HOME\n"),
        ("yaml", "a: &x [1, 2]\nb: *x\n"),
        ("kubernetes", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n"),
        ("rego", "package main\ndeny[msg] { input.kind == \"Pod\"; msg := \"pod\" }\n"),
        ("kyverno", "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    validate: {message: m, pattern: {spec: {containers: [{image: \"!*:latest\"}]}}}\n"),
        ("netpol", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec: {podSelector: {}}\n"),
        ("gotemplate", "{{ range $i, $x := .list }}{{ $i }}={{ $x | upper | quote }}\n{{ end }}{{ include \"nope\" . }}\n#---\nlist: [a, b]\n"),
        ("helm", "apiVersion: v2\nname: c\nversion: 0.1.0\n#--- values.yaml\nsc: {privileged: true}\n#--- templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext:\n      {{- toYaml .Values.sc | nindent 6 }}\n"),
        ("kustomize", "resources: [pod.yaml]\npatches:\n- patch: |-\n    - op: add\n      path: /spec/containers/0/securityContext\n      value: {privileged: true}\n  target: {kind: Pod}\n#--- pod.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n"),
    ];
    for (name, text) in samples {
        let (_, target) = targets::TARGETS.iter().find(|(n, _)| n == name).unwrap();
        target(text.as_bytes());
    }
}
