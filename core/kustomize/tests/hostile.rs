//! Bad input gives a typed, located error in bounded time, never a panic or a
//! hang: cycles, deep chains, patches that match nothing, failing JSON-patch
//! tests, missing generator files, remote resources, files outside the root.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use stockade_kustomize::{build, FileMap, KustomizeError, Options};

fn files(entries: &[(&str, &str)]) -> FileMap {
    entries
        .iter()
        .map(|(p, c)| ((*p).to_string(), c.as_bytes().to_vec()))
        .collect()
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n";

#[test]
fn a_cycle_between_kustomizations_is_an_error() {
    let f = files(&[
        ("a/kustomization.yaml", "resources:\n- ../b\n"),
        ("b/kustomization.yaml", "resources:\n- ../a\n"),
    ]);
    let e = build(&f, "a", &Options::default()).unwrap_err();
    assert!(matches!(e, KustomizeError::Cycle { .. }), "{e}");
    assert!(e.to_string().contains("a -> b -> a"), "{e}");
}

#[test]
fn a_ten_thousand_level_chain_stops_at_the_nesting_limit() {
    let mut f = FileMap::new();
    for i in 0..10_000 {
        f.insert(
            format!("k{i}/kustomization.yaml"),
            format!("resources:\n- ../k{}\n", i + 1).into_bytes(),
        );
    }
    let e = build(&f, "k0", &Options::default()).unwrap_err();
    assert!(matches!(e, KustomizeError::Limit { .. }), "{e}");
    // Bounded: the build stops at the 64th level, it does not walk 10,000.
    assert!(e.to_string().contains("nested more than 64 deep"), "{e}");
    assert!(e.path() == "k64", "{}", e.path());
}

/// Two overlays of one base at each of many levels double the objects at
/// each level (kubectl builds all 2^n): the build stops at the first
/// kustomization holding more than `max_resources`, a located limit error.
#[test]
fn doubling_overlays_stop_at_the_resource_limit() {
    let mut f = files(&[
        ("l0/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("l0/cm.yaml", CM),
    ]);
    for n in 1..=30 {
        for side in ["a", "b"] {
            f.insert(
                format!("l{n}/{side}/kustomization.yaml"),
                format!("namePrefix: {side}-\nresources:\n- ../../l{}\n", n - 1).into_bytes(),
            );
        }
        f.insert(
            format!("l{n}/kustomization.yaml"),
            b"resources:\n- a\n- b\n".to_vec(),
        );
    }
    let opts = Options {
        max_resources: 1_000,
        ..Options::default()
    };
    // Within the limit it builds: 2^9 = 512 objects.
    assert!(build(&f, "l9", &opts).is_ok());
    let e = build(&f, "l30", &opts).unwrap_err();
    assert!(matches!(e, KustomizeError::Limit { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("1024 resources here, more than 1000"),
        "{e}"
    );
    assert_eq!(e.path(), "l10/kustomization.yaml");
}

#[test]
fn a_patch_that_matches_nothing_is_kustomizes_error() {
    let f = files(&[
        (
            "k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- path: p.yaml\n",
        ),
        ("k/cm.yaml", CM),
        (
            "k/p.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  a: c\n",
        ),
    ]);
    let e = build(&f, "k", &Options::default()).unwrap_err();
    assert!(
        e.to_string()
            .contains("no resource matches strategic merge patch"),
        "{e}"
    );
    assert_eq!(e.path(), "k/kustomization.yaml");
}

#[test]
fn a_failing_json_patch_test_is_an_error() {
    let f = files(&[
        (
            "k/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- target:\n    kind: ConfigMap\n  patch: |-\n    - op: test\n      path: /data/a\n      value: nope\n",
        ),
        ("k/cm.yaml", CM),
    ]);
    let e = build(&f, "k", &Options::default()).unwrap_err();
    assert!(e.to_string().contains("test failed"), "{e}");
}

#[test]
fn a_generator_reading_a_missing_file_is_an_error() {
    let f = files(&[(
        "k/kustomization.yaml",
        "configMapGenerator:\n- name: x\n  files:\n  - missing.txt\n",
    )]);
    let e = build(&f, "k", &Options::default()).unwrap_err();
    assert!(matches!(e, KustomizeError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("missing.txt"), "{e}");
}

#[test]
fn remote_resources_need_the_network() {
    for url in [
        "github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0",
        "https://raw.githubusercontent.com/x/y/main/deploy.yaml",
    ] {
        let k = format!("resources:\n- {url}\n");
        let f = files(&[("k/kustomization.yaml", &k)]);
        let e = build(&f, "k", &Options::default()).unwrap_err();
        assert!(matches!(e, KustomizeError::Remote { .. }), "{e}");
        assert!(e.to_string().contains("needs the network"), "{e}");
    }
}

#[test]
fn files_outside_the_root_are_refused_by_default() {
    let f = files(&[
        ("k/kustomization.yaml", "resources:\n- ../shared/cm.yaml\n"),
        ("shared/cm.yaml", CM),
    ]);
    let e = build(&f, "k", &Options::default()).unwrap_err();
    assert!(e.to_string().contains("is not in or below"), "{e}");
    // As with --load-restrictor LoadRestrictionsNone.
    let opts = Options {
        root_only: false,
        ..Options::default()
    };
    assert!(build(&f, "k", &opts).is_ok());
}

#[test]
fn helm_charts_without_a_renderer_are_kubectls_enable_helm_error() {
    let f = files(&[(
        "k/kustomization.yaml",
        "helmCharts:\n- name: web\n  repo: https://charts.example\n",
    )]);
    let e = build(&f, "k", &Options::default()).unwrap_err();
    assert!(matches!(e, KustomizeError::Unsupported { .. }), "{e}");
    assert!(e.to_string().contains("--enable-helm"), "{e}");
}

#[test]
fn broken_yaml_is_a_parse_error_with_its_file() {
    let f = files(&[
        ("k/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("k/cm.yaml", "apiVersion: v1\nkind: [\n"),
    ]);
    let e = build(&f, "k", &Options::default()).unwrap_err();
    assert!(matches!(e, KustomizeError::Parse { .. }), "{e}");
    assert_eq!(e.path(), "k/cm.yaml");
}
