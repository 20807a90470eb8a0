//! Rendered documents: findings carry their origins (a values file's value, a
//! template's text), every output format shows them, and `# stockade ignore=`
//! comments in origin files suppress what was rendered from the line below.
//!
//! The render is synthetic (what a Helm pack would produce for a one-template
//! chart): the rendered text and its origin map are written out here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use stockade::output::{self, RenderOptions};
use stockade::source::origin::{OriginFiles, OriginMap, OriginRole, OriginSpan};
use stockade::{Config, Engine, Kind, Report, Source, Span};

const TEMPLATE: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-web
spec:
  containers:
    - name: web
      image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
      securityContext:
        privileged: {{ .Values.securityContext.privileged }}
"#;

const VALUES: &str = r#"image:
  repository: nginx
  tag: "1.27"
securityContext:
  privileged: true
"#;

const RENDERED: &str = r#"# Source: web/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: demo-web
spec:
  containers:
    - name: web
      image: "nginx:1.27"
      securityContext:
        privileged: true
"#;

/// The span of the `nth` (0-based) occurrence of `needle` in `text`.
fn nth(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {needle:?} #{nth}"))
        .0;
    Span::from_range(start..start + needle.len())
}

fn at(text: &str, needle: &str) -> Span {
    nth(text, needle, 0)
}

/// From `from` to the end of `text`.
fn rest(text: &str, from: &str) -> Span {
    Span::from_range(text.find(from).unwrap()..text.len())
}

/// The rendered Pod with its origin map, from `template` and `values` (texts
/// that differ from [`TEMPLATE`] and [`VALUES`] only in comment lines).
fn render(path: &str, template: &str, values: &str) -> Source {
    let mut files = OriginFiles::new();
    let t = files.add(Source::new("web/templates/pod.yaml", template));
    let v = files.add(Source::new("web/values.yaml", values));
    render_with(path, &Arc::new(files), t, v, template, values)
}

fn render_with(
    path: &str,
    files: &Arc<OriginFiles>,
    t: stockade::source::origin::FileId,
    v: stockade::source::origin::FileId,
    template: &str,
    values: &str,
) -> Source {
    use OriginRole::{Template, Value};
    let map = OriginMap::builder()
        // The whole object, from the whole template.
        .with(
            rest(RENDERED, "apiVersion"),
            OriginSpan::new(t, rest(template, "apiVersion"), Template),
        )
        // The container block, from the template's.
        .with(
            rest(RENDERED, "- name: web"),
            OriginSpan::new(t, rest(template, "- name: web"), Template),
        )
        // Substituted values: the value, and the action that substituted it.
        .with(
            at(RENDERED, "nginx"),
            OriginSpan::new(v, at(values, "nginx"), Value),
        )
        .with(
            at(RENDERED, "nginx"),
            OriginSpan::new(t, at(template, "{{ .Values.image.repository }}"), Template),
        )
        .with(
            at(RENDERED, "1.27"),
            OriginSpan::new(v, at(values, "\"1.27\""), Value),
        )
        .with(
            nth(RENDERED, "true", 0),
            OriginSpan::new(v, at(values, "true"), Value),
        )
        .with(
            nth(RENDERED, "true", 0),
            OriginSpan::new(
                t,
                at(template, "{{ .Values.securityContext.privileged }}"),
                Template,
            ),
        )
        .build()
        .unwrap();
    Source::rendered(path, RENDERED, map, files.clone()).unwrap()
}

/// Only PSS001 (and the meta rule ST0001), so that the snapshots show one
/// finding and do not change when other rules do.
fn engine() -> Engine {
    let config = stockade::rules()
        .iter()
        .filter(|r| r.id != "PSS001" && r.id != "ST0001")
        .fold(Config::default(), |c, r| c.with_rule_enabled(r.id, false));
    Engine::new(config)
}

fn scan(source: &Source) -> Report {
    let mut report = engine().scan_source(source, Some(Kind::Kubernetes));
    report.version = "0.0.0-test".to_string();
    report
}

fn pss001(report: &Report) -> &stockade::Finding {
    report
        .findings
        .iter()
        .find(|f| f.rule == "PSS001")
        .unwrap_or_else(|| panic!("no PSS001 in {}", report.to_json_pretty()))
}

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots/origins", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[test]
fn privileged_finding_carries_the_values_file_origin() {
    let source = render("rendered/web/pod.yaml", TEMPLATE, VALUES);
    let report = scan(&source);
    let f = pss001(&report);
    // Positioned in the rendered text …
    assert_eq!((f.start.line.get(), f.start.column.get()), (11, 21));
    // … and in the files it came from: the value first, then the action.
    let origins: Vec<(&str, u32, u32, OriginRole)> = f
        .origins
        .iter()
        .map(|o| {
            (
                o.path.as_str(),
                o.start.line.get(),
                o.start.column.get(),
                o.role,
            )
        })
        .collect();
    assert_eq!(
        origins,
        [
            ("web/values.yaml", 5, 15, OriginRole::Value),
            ("web/templates/pod.yaml", 10, 21, OriginRole::Template),
        ]
    );
    let value = &f.origins[0];
    assert_eq!(
        &VALUES[value.start.offset as usize..value.end.offset as usize],
        "true"
    );
    snapshot!("json", report.to_json_pretty());
}

#[test]
fn text_frames_each_origin_with_its_role() {
    let source = render("rendered/web/pod.yaml", TEMPLATE, VALUES);
    let report = scan(&source);
    // The rendered source answers for its origin files' texts too.
    let out = output::render(
        &report,
        output::Format::Text,
        &source,
        RenderOptions::default(),
    );
    assert!(
        out.contains("= rendered from value: web/values.yaml:5:15"),
        "{out}"
    );
    snapshot!("text", out);
    // Without the origin files' texts: the labels, without frames.
    let alone = std::collections::BTreeMap::from([(
        "rendered/web/pod.yaml".to_string(),
        RENDERED.to_string(),
    )]);
    let out = output::render(
        &report,
        output::Format::Text,
        &alone,
        RenderOptions::default(),
    );
    assert!(out.contains("= rendered from template: web/templates/pod.yaml:10:21\n"));
    assert!(!out.contains("{{ .Values"), "{out}");
}

#[test]
fn sarif_lists_origins_as_related_locations() {
    let source = render("rendered/web/pod.yaml", TEMPLATE, VALUES);
    let report = scan(&source);
    // No built-in rule list: the snapshot shows the result, not every rule's docs.
    let log = output::sarif::to_value_with_rules(&report, &source, &[]);
    let results = &log["runs"][0]["results"];
    assert_eq!(
        results[0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "web/values.yaml"
    );
    snapshot!("sarif", serde_json::to_string_pretty(results).unwrap());
}

#[test]
fn github_annotates_the_first_origin_too() {
    let source = render("rendered/web/pod.yaml", TEMPLATE, VALUES);
    let report = scan(&source);
    let out = output::render(
        &report,
        output::Format::Github,
        &source,
        RenderOptions::default(),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[1].starts_with("::error file=web/values.yaml,line=5,col=15,endLine=5,endColumn=19,")
    );
    snapshot!("github", out);
}

#[test]
fn plain_file_output_is_unchanged() {
    let plain = scan(&Source::new("rendered/web/pod.yaml", RENDERED));
    let json = plain.to_json();
    assert!(!json.contains("\"origins\""), "{json}");
    // The rendered document reports the same, plus origins.
    let mut rendered = scan(&render("rendered/web/pod.yaml", TEMPLATE, VALUES));
    assert!(!rendered.findings[0].origins.is_empty());
    for f in &mut rendered.findings {
        f.origins.clear();
    }
    assert_eq!(rendered.to_json(), json);
    // A source made rendered with an empty map has no origins either.
    let empty = Source::rendered(
        "rendered/web/pod.yaml",
        RENDERED,
        OriginMap::default(),
        Arc::new(OriginFiles::new()),
    )
    .unwrap();
    assert_eq!(scan(&empty).to_json(), json);
}

#[test]
fn a_values_file_comment_suppresses_what_was_rendered_from_the_line_below() {
    let values = VALUES.replace(
        "  privileged: true",
        "  # stockade ignore=PSS001 the CNI plugin needs it\n  privileged: true",
    );
    let report = scan(&render("rendered/web/pod.yaml", TEMPLATE, &values));
    assert!(report.findings.is_empty(), "{}", report.to_json_pretty());
    let f = &report.suppressed[0];
    assert_eq!(f.rule, "PSS001");
    let by = f.suppression.as_ref().unwrap();
    assert_eq!((by.line, by.kind.as_str()), (5, "comment"));
    assert_eq!(by.path.as_deref(), Some("web/values.yaml"));
    // SARIF says where.
    let log = output::sarif::to_value_with_rules(&report, &output::NoSources, &[]);
    assert_eq!(
        log["runs"][0]["results"][0]["suppressions"][0]["justification"],
        "suppressed by a comment on line 5 of web/values.yaml"
    );
}

#[test]
fn a_template_comment_suppresses_too_by_alias() {
    let template = TEMPLATE.replace(
        "        privileged: {{",
        "        # stockade ignore=privileged\n        privileged: {{",
    );
    let report = scan(&render("rendered/web/pod.yaml", &template, VALUES));
    assert!(report.findings.is_empty(), "{}", report.to_json_pretty());
    let by = report.suppressed[0].suppression.as_ref().unwrap();
    assert_eq!(by.path.as_deref(), Some("web/templates/pod.yaml"));
    assert_eq!(by.line, 10);
    // A global directive in the values file covers everything from that file.
    let values = format!("# stockade global ignore=PSS001\n{VALUES}");
    let report = scan(&render("rendered/web/pod.yaml", TEMPLATE, &values));
    assert_eq!(
        report.suppressed[0].suppression.as_ref().unwrap().kind,
        "global-comment"
    );
}

#[test]
fn a_comment_above_another_line_does_not_suppress_and_is_not_reported() {
    // Above `tag:`, not above `privileged:`; and a directive naming a rule that
    // fires nowhere.
    let values = VALUES
        .replace("  tag:", "  # stockade ignore=PSS001\n  tag:")
        .replace(
            "securityContext:",
            "# stockade ignore=PSS002\nsecurityContext:",
        );
    let report = scan(&render("rendered/web/pod.yaml", TEMPLATE, &values));
    assert_eq!(report.findings.len(), 1, "{}", report.to_json_pretty());
    assert_eq!(report.findings[0].rule, "PSS001");
    assert!(report.suppressed.is_empty());
}

#[test]
fn unused_origin_directives_do_not_repeat_per_rendered_document() {
    // Three documents of one render share their origin files; the values file's
    // directive matches nothing in any of them. No ST0001, three PSS001.
    let values = format!("# stockade ignore=PSS003\n{VALUES}");
    let mut files = OriginFiles::new();
    let t = files.add(Source::new("web/templates/pod.yaml", TEMPLATE));
    let v = files.add(Source::new("web/values.yaml", values.as_str()));
    let files = Arc::new(files);
    let sources: Vec<Source> = (0..3)
        .map(|i| {
            render_with(
                &format!("rendered/web/pod-{i}.yaml"),
                &files,
                t,
                v,
                TEMPLATE,
                &values,
            )
        })
        .collect();
    let report = engine().scan_sources(&sources, Some(Kind::Kubernetes));
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["PSS001"; 3]);
    // The origin frames render from an index over every source and origin file.
    let index = output::SourceIndex::new(&sources);
    let out = output::render(
        &report,
        output::Format::Text,
        &index,
        RenderOptions::default(),
    );
    assert_eq!(out.matches("6 |   privileged: true").count(), 3, "{out}");
}
