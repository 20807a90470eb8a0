//! Hostile and broken charts: each is a located error, found within bounded
//! time and memory, and the templates that do render are still rendered.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::default_trait_access,
    clippy::cast_precision_loss
)]

use std::collections::BTreeMap;

use stockade_helm::archive::{write_archive, ArchiveLimits};
use stockade_helm::{Chart, HelmErrorKind, HelmOptions, RenderSettings};

fn chart(templates: &[(&str, &str)]) -> Chart {
    let mut files = BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        b"apiVersion: v2\nname: c\nversion: 0.1.0\n".to_vec(),
    );
    files.insert("values.yaml".to_string(), b"n: 3\n".to_vec());
    files.insert(
        "templates/ok.yaml".to_string(),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n".to_vec(),
    );
    for (name, text) in templates {
        files.insert(format!("templates/{name}"), text.as_bytes().to_vec());
    }
    Chart::from_dir_files(files, &ArchiveLimits::default()).unwrap()
}

fn render(templates: &[(&str, &str)]) -> stockade_helm::Render {
    stockade_helm::render(
        &chart(templates),
        &HelmOptions::default(),
        &RenderSettings::default(),
    )
    .unwrap()
}

/// The one failing template's error, with the rest rendered.
fn one_error(r: &stockade_helm::Render) -> &stockade_helm::HelmError {
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.files.iter().any(|f| f.name == "c/templates/ok.yaml"),
        "the good template still renders"
    );
    &r.errors[0]
}

#[test]
fn a_parse_error_is_helm_s_message_at_its_line() {
    let c = chart(&[("bad.yaml", "a: 1\nb: {{ .Values.n \n")]);
    let e =
        stockade_helm::render(&c, &HelmOptions::default(), &RenderSettings::default()).unwrap_err();
    assert_eq!(e.kind, HelmErrorKind::Template);
    // Go reports an unclosed action at the line where the text ended.
    assert_eq!(e.message, "parse error at (c/templates/bad.yaml:3): unclosed action started at c/templates/bad.yaml:2");
    assert_eq!(e.file.as_deref(), Some("c/templates/bad.yaml"));
    assert_eq!(e.span.unwrap().start, 22, "located at the start of line 3");
}

#[test]
fn an_undefined_template_is_located() {
    let r = render(&[("x.yaml", "a: {{ include \"nope\" . }}\n")]);
    let e = one_error(&r);
    assert!(e.message.contains("no template \"nope\""), "{}", e.message);
    assert_eq!(e.file.as_deref(), Some("c/templates/x.yaml"));
}

#[test]
fn infinite_include_recursion_stops_with_helm_s_error() {
    let r = render(&[
        (
            "_loop.tpl",
            "{{- define \"loop\" -}}{{ include \"loop\" . }}{{- end -}}",
        ),
        ("x.yaml", "a: {{ include \"loop\" . }}\n"),
    ]);
    let e = one_error(&r);
    assert!(
        e.message.contains(
            "rendering template has a nested reference name: loop: unable to execute template"
        ),
        "{}",
        e.message
    );
}

/// Helm counts nested includes of a name within one template's execution;
/// templates executing at once on other threads do not add to it.
#[test]
fn deep_includes_in_many_templates_at_once_each_have_helm_s_whole_budget() {
    let down = "{{- define \"down\" -}}{{ if gt (int .) 0 }}{{ include \"down\" (sub (int .) 1) }}{{ end }}x{{- end -}}";
    let names: Vec<String> = (0..32).map(|i| format!("t{i:02}.yaml")).collect();
    let mut templates: Vec<(&str, &str)> = vec![("_down.tpl", down)];
    for n in &names {
        templates.push((n.as_str(), "a: {{ include \"down\" 900 | len }}\n"));
    }
    let r = render(&templates);
    assert!(
        r.errors.is_empty(),
        "{:?}",
        r.errors.first().map(|e| &e.message)
    );
    let outputs: Vec<&str> = r
        .files
        .iter()
        .filter(|f| f.name.contains("/templates/t"))
        .map(|f| f.text.as_str())
        .collect();
    assert_eq!(outputs, vec!["a: 901\n"; 32]);
}

#[test]
fn a_huge_until_is_a_limit_not_an_allocation() {
    let r = render(&[("x.yaml", "a: {{ len (until 1000000000000) }}\n")]);
    let e = one_error(&r);
    assert!(!e.message.is_empty());
}

#[test]
fn a_tpl_loop_ends() {
    let r = render(&[
        (
            "_t.tpl",
            "{{- define \"t\" -}}{{ tpl \"{{ include \\\"t\\\" . }}\" . }}{{- end -}}",
        ),
        ("x.yaml", "a: {{ include \"t\" . }}\n"),
    ]);
    let e = one_error(&r);
    assert!(
        e.message.contains("nested reference name") || e.message.contains("depth"),
        "{}",
        e.message
    );
}

#[test]
fn an_output_bomb_is_a_limit() {
    let settings = RenderSettings {
        limits: Some(stockade_gotemplate::Limits {
            max_output: 1 << 20,
            ..Default::default()
        }),
        ..RenderSettings::default()
    };
    let c = chart(&[(
        "x.yaml",
        "{{ range until 100000 }}{{ \"x\" | repeat 1000 }}{{ end }}\n",
    )]);
    let r = stockade_helm::render(&c, &HelmOptions::default(), &settings).unwrap();
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].kind, HelmErrorKind::Limit, "{:?}", r.errors);
    // One value over the output limit is a limit too, at the call.
    let c = chart(&[("x.yaml", "{{ $x := repeat 2000000 \"x\" }}\n")]);
    let r = stockade_helm::render(&c, &HelmOptions::default(), &settings).unwrap();
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].kind, HelmErrorKind::Limit, "{:?}", r.errors);
    assert!(
        r.errors[0].message.contains("exceeds the output limit"),
        "{:?}",
        r.errors
    );
}

#[test]
fn a_required_value_is_reported_in_the_template() {
    let r = render(&[("s.yaml", "p: {{ required \"p is required\" .Values.p }}\n")]);
    let e = one_error(&r);
    assert_eq!(
        e.message,
        "execution error at (c/templates/s.yaml:1:6): p is required"
    );
}

#[test]
fn broken_archives_are_errors() {
    let limits = ArchiveLimits::default();
    assert_eq!(
        Chart::from_archive(b"\x1f\x8b\x08garbage", &limits)
            .unwrap_err()
            .kind,
        HelmErrorKind::Archive
    );
    assert_eq!(
        Chart::from_archive(b"plain text", &limits)
            .unwrap_err()
            .message,
        "gzip: invalid header"
    );
    // Truncated in the middle of a file.
    let good = write_archive(&[("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n")]);
    assert!(Chart::from_archive(&good[..good.len() / 2], &limits).is_err());
    assert!(Chart::from_archive(&good, &limits).is_ok());
    // Outside the chart folder.
    let escape = write_archive(&[("c/../../x", b"x"), ("c/Chart.yaml", b"name: c\n")]);
    assert_eq!(
        Chart::from_archive(&escape, &limits).unwrap_err().message,
        "chart illegally references parent directory"
    );
}

#[test]
fn a_zip_bomb_stops_at_the_budget() {
    // 64 MiB of zeros in one entry: a few KiB compressed.
    let big = vec![0u8; 64 << 20];
    let tgz = write_archive(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        ("c/files/zero", &big),
    ]);
    assert!(tgz.len() < 1 << 20);
    let e = Chart::from_archive(&tgz, &ArchiveLimits::default()).unwrap_err();
    assert_eq!(e.kind, HelmErrorKind::Limit);
    assert!(
        e.message.contains("larger than the maximum file size"),
        "{}",
        e.message
    );
    // A bomb of many entries stops at the entry budget.
    let many: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("c/f{i}"), b"x".to_vec()))
        .collect();
    let refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let tgz = write_archive(&refs);
    let e = Chart::from_archive(
        &tgz,
        &ArchiveLimits {
            max_entries: 100,
            ..ArchiveLimits::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.kind, HelmErrorKind::Limit);
}

#[test]
fn a_chart_nested_in_a_tgz_in_a_tgz_loads() {
    let sub = write_archive(&[
        (
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        (
            "sub/templates/cm.yaml",
            b"kind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}\n",
        ),
    ]);
    let top = write_archive(&[
        (
            "top/Chart.yaml",
            b"apiVersion: v2\nname: top\nversion: 1.0.0\n",
        ),
        ("top/charts/sub-1.0.0.tgz", &sub),
    ]);
    let c = Chart::from_archive(&top, &ArchiveLimits::default()).unwrap();
    let r = stockade_helm::render(&c, &HelmOptions::default(), &RenderSettings::default()).unwrap();
    assert_eq!(r.files[0].name, "top/charts/sub/templates/cm.yaml");
    assert_eq!(r.files[0].text, "kind: ConfigMap\nmetadata:\n  name: sub\n");
}

fn chart_with(chart_yaml: &str, sub: Option<&str>) -> Chart {
    let mut files = BTreeMap::new();
    files.insert("Chart.yaml".to_string(), chart_yaml.as_bytes().to_vec());
    files.insert(
        "templates/ok.yaml".to_string(),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n".to_vec(),
    );
    if let Some(name) = sub {
        files.insert(
            format!("charts/{name}/Chart.yaml"),
            format!("apiVersion: v2\nname: {name}\nversion: 9.9.9\n").into_bytes(),
        );
    }
    Chart::from_dir_files(files, &ArchiveLimits::default()).unwrap()
}

#[test]
fn dependencies_missing_from_charts_stop_helm_template_with_helm_s_message() {
    let deps = "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: there\n    version: 1.0.0\n    alias: other\n  - name: gone\n    version: 1.0.0\n    condition: gone.enabled\n  - name: lost\n    version: 2.0.0\n";
    // `there` is present (Helm compares names only, not versions or aliases);
    // `gone` counts although its condition is unset, as in Helm.
    let c = chart_with(deps, Some("there"));
    assert_eq!(stockade_helm::missing_dependencies(&c), ["gone", "lost"]);
    let (printed, e) = stockade_helm::template(&c, &HelmOptions::default()).unwrap_err();
    assert!(printed.is_empty());
    assert_eq!(e.kind, HelmErrorKind::Chart);
    assert_eq!(
        e.message,
        "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: gone, lost"
    );
    let v3 = HelmOptions {
        helm_line: stockade_helm::HelmLine::V3,
        ..HelmOptions::default()
    };
    let (_, e) = stockade_helm::template(&c, &v3).unwrap_err();
    assert!(
        e.message.starts_with("An error occurred while checking for chart dependencies. You may need to run `helm dependency build`"),
        "{}",
        e.message
    );
    // Everything present: renders.
    let full = chart_with(
        "apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n  - name: there\n    version: 1.0.0\n",
        Some("there"),
    );
    assert!(stockade_helm::missing_dependencies(&full).is_empty());
    assert!(stockade_helm::template(&full, &HelmOptions::default()).is_ok());
}

#[test]
fn a_library_chart_is_not_installable() {
    let c = chart_with(
        "apiVersion: v2\nname: c\nversion: 0.1.0\ntype: library\n",
        None,
    );
    let (_, e) = stockade_helm::template(&c, &HelmOptions::default()).unwrap_err();
    assert_eq!(e.message, "library charts are not installable");
}

/// What one template execution builds and keeps is bounded by its steps, not
/// only each value by the output limit: a dict of thousands of `repeat`
/// results (48 GB as written) and `until` of 49 million numbers each stop at
/// the step budget, located at the call.
#[test]
fn values_a_template_builds_are_charged_to_its_steps() {
    for (body, at) in [
        (
            "{{- $d := dict }}{{- range until 3000 }}{{ $_ := set $d (toString .) (repeat 1600000 \"xxxxxxxxxx\") }}{{ end }}",
            "repeat 1600000",
        ),
        ("n: {{ len (until 49000000) }}", "until 49000000"),
    ] {
        let r = render(&[("x.yaml", body)]);
        let e = one_error(&r);
        assert!(e.message.contains("exceeded the step budget"), "{e:?}");
        assert!(e.message.contains(at), "{e:?}");
    }
}
