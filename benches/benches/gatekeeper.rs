//! Gatekeeper template evaluation: one (template, object) evaluation for three
//! library templates of different sizes, ours (interpreter and bytecode VM)
//! beside raw regorus on the same template and input in the same run.
//! Needs `../shared/conformance/gatekeeper-library`; skipped without it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value as Json};
use stockade::rego::{review, Backend, CompiledTemplate, Template};

/// (name, template folder, sample object, constraint parameters)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "small: allowedrepos",
        "general/allowedrepos",
        "samples/repo-must-be-openpolicyagent/disallowed_all.yaml",
        r#"{"repos": ["openpolicyagent/"]}"#,
    ),
    (
        "medium: containerresources",
        "general/containerresources",
        "samples/container-must-have-limits-and-requests/only-requests-defined-disallowed.yaml",
        r#"{"limits": ["cpu", "memory"], "requests": ["cpu", "memory"]}"#,
    ),
    (
        "large: psp users",
        "pod-security-policy/users",
        "samples/psp-pods-allowed-user-ranges/example_disallowed.yaml",
        r#"{"runAsUser": {"rule": "MustRunAsNonRoot"}, "runAsGroup": {"rule": "RunAsAny"}, "supplementalGroups": {"rule": "RunAsAny"}, "fsGroup": {"rule": "RunAsAny"}}"#,
    ),
];

fn library() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance/gatekeeper-library");
    dir.exists().then_some(dir)
}

fn yaml(path: &PathBuf) -> (String, stockade::yaml::Node) {
    let text = std::fs::read_to_string(path).unwrap();
    let node = stockade::yaml::parse_single(&text, &stockade::yaml::Limits::default()).unwrap();
    (text, node)
}

fn evaluation(c: &mut Criterion) {
    let Some(lib) = library() else {
        eprintln!("SKIPPED: ../shared/conformance/gatekeeper-library not found");
        return;
    };
    let mut group = c.benchmark_group("gatekeeper per (template, object)");
    for (name, folder, sample, params) in CASES {
        let (text, node) = yaml(&lib.join(folder).join("template.yaml"));
        let template = Template::from_node(&node).unwrap();
        let compiled = CompiledTemplate::compile(template.clone(), Some(&text)).unwrap();
        let (_, obj) = yaml(&lib.join(folder).join(sample));
        let obj = obj.to_json();
        let review = review::from_object(&obj).review;
        let params: Json = serde_json::from_str(params).unwrap();
        let interp = compiled.prepare(&json!({}), Backend::Interpreter);
        let vm = compiled.prepare(&json!({}), Backend::Vm);
        let expected = interp.violations(&review, &params).unwrap();
        eprintln!(
            "{name}: {} violations; VM in use: {}",
            expected.len(),
            vm.uses_vm()
        );

        // Raw regorus: the same Rego (no shims, no extensions), prepared once.
        let mut raw = regorus::Engine::new();
        raw.set_rego_v0(!template.v1);
        let pkg = raw
            .add_policy("t.rego".into(), template.rego.clone())
            .unwrap();
        for (i, l) in template.libs.iter().enumerate() {
            raw.add_policy(format!("l{i}.rego"), l.clone()).unwrap();
        }
        raw.add_data(regorus::Value::from(json!({"inventory": {}})))
            .unwrap();
        let rule = format!("{pkg}.violation");
        let input = json!({"review": review, "parameters": params});

        group.bench_function(format!("{name} / stockade (interpreter)"), |b| {
            b.iter(|| interp.violations(&review, &params).unwrap().len());
        });
        if vm.uses_vm() {
            group.bench_function(format!("{name} / stockade (RVM)"), |b| {
                b.iter(|| vm.violations(&review, &params).map_or(0, |v| v.len()));
            });
        }
        group.bench_function(format!("{name} / raw regorus"), |b| {
            b.iter(|| {
                raw.set_input(regorus::Value::from(input.clone()));
                raw.eval_rule(rule.clone())
                    .is_ok_and(|v| v != regorus::Value::Undefined)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, evaluation);
criterion_main!(benches);
