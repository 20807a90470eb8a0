//! Go `text/template` rendering (`stockade-gotemplate`): a 500-line Helm-style
//! template (values lookups, `if`/`with`/`range`, `printf`, `include` of a
//! `define`d helper) against JSON values, with and without origin tracing.
//! Run with `cargo bench -p stockade-benches --bench gotemplate`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stockade_gotemplate::{CallCtx, Func, FuncError, Param, Recorder, Template, Value};

/// A template of about 500 lines: 25 Deployment-like documents of 20 lines.
fn template_text() -> String {
    let mut t = String::from("{{- define \"labels\" -}}\napp: {{ .Values.name }}\nrelease: {{ .Release.Name }}\n{{- end -}}\n");
    for i in 0..25 {
        let _ = write!(
            t,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{{{ .Release.Name }}}}-{i}\n  labels:\n{{{{ include \"labels\" . | indent 4 }}}}\nspec:\n  replicas: {{{{ .Values.replicas }}}}\n  template:\n    spec:\n      containers:\n      {{{{- range $j, $c := .Values.containers }}}}\n      - name: {{{{ $c.name }}}}-{{{{ $j }}}}\n        image: {{{{ printf \"%s:%s\" $c.image ($c.tag | default \"latest\") }}}}\n        {{{{- with $c.resources }}}}\n        resources: {{{{ .cpu }}}}/{{{{ .memory }}}}\n        {{{{- end }}}}\n        {{{{- if and $.Values.security.enabled (eq $c.name \"web\") }}}}\n        securityContext: {{{{ $.Values.security.context }}}}\n        {{{{- end }}}}\n      {{{{- end }}}}\n"
        );
    }
    t
}

fn data() -> Value {
    Value::from_json(&serde_json::json!({
        "Release": {"Name": "demo"},
        "Values": {
            "name": "web-app",
            "replicas": 3,
            "security": {"enabled": true, "context": {"runAsNonRoot": true}},
            "containers": [
                {"name": "web", "image": "nginx", "tag": "1.25", "resources": {"cpu": "100m", "memory": "128Mi"}},
                {"name": "sidecar", "image": "envoy", "resources": {"cpu": "50m", "memory": "64Mi"}},
                {"name": "log", "image": "fluent-bit", "tag": "2.2"}
            ]
        }
    }))
}

fn template() -> Template {
    let mut t = Template::new("bench");
    t.option("missingkey=zero").unwrap();
    t.func(
        "include",
        Func::new(
            vec![Param::String, Param::Any],
            |ctx: &mut CallCtx<'_, '_>, a| {
                let name = a[0].as_str().unwrap_or("").to_owned();
                ctx.execute_template(&name, &a[1])
                    .map(Value::from)
                    .map_err(FuncError::from)
            },
        ),
    );
    t.func(
        "indent",
        Func::new(
            vec![Param::INT, Param::String],
            |_: &mut CallCtx<'_, '_>, a| {
                let Value::Int(n, _) = a[0] else {
                    return Ok(Value::Nil);
                };
                let pad = " ".repeat(usize::try_from(n).unwrap_or(0));
                let s = a[1].as_str().unwrap_or("");
                Ok(Value::from(format!(
                    "{pad}{}",
                    s.replace('\n', &format!("\n{pad}"))
                )))
            },
        ),
    );
    t.func(
        "default",
        Func::new(
            vec![Param::Any, Param::Any],
            |_: &mut CallCtx<'_, '_>, a| {
                Ok(if a[1].truth() {
                    a[1].clone()
                } else {
                    a[0].clone()
                })
            },
        ),
    );
    t.parse("deploy.yaml", &template_text()).unwrap();
    t
}

fn bench(c: &mut Criterion) {
    let text = template_text();
    let t = template();
    let d = data();
    let mut out = String::new();
    t.execute("deploy.yaml", &d, &mut out).unwrap();
    let mut g = c.benchmark_group("gotemplate");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse 500 lines", |b| {
        b.iter(|| {
            let mut t = Template::new("p");
            t.func(
                "include",
                Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| Ok(Value::Nil)),
            );
            t.func(
                "indent",
                Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| Ok(Value::Nil)),
            );
            t.func(
                "default",
                Func::new(vec![], |_: &mut CallCtx<'_, '_>, _| Ok(Value::Nil)),
            );
            t.parse("deploy.yaml", &text).unwrap();
            t
        });
    });
    g.bench_function("render 500 lines", |b| {
        b.iter(|| {
            let mut out = String::with_capacity(64 << 10);
            t.execute("deploy.yaml", &d, &mut out).unwrap();
            out
        });
    });
    g.bench_function("render 500 lines traced", |b| {
        b.iter(|| {
            let mut out = String::with_capacity(64 << 10);
            let mut rec = Recorder::default();
            t.execute_traced("deploy.yaml", &d, &mut out, &mut rec)
                .unwrap();
            rec.pieces.len()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
