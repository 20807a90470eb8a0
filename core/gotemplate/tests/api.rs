//! The public API as Helm and Sprig use it: functions with typed parameters,
//! `include`/`tpl` through `CallCtx`, budgets, objects with fields and methods,
//! and origin tracing.
#![allow(
    clippy::pedantic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::any::Any;
use std::collections::BTreeMap;

use stockade_gotemplate::{
    CallCtx, ExecErrorKind, Func, FuncError, Kind, Limits, Member, Object, Param, PieceKind,
    Recorder, Template, Value,
};

fn values() -> Value {
    Value::from_json(&serde_json::json!({
        "Values": {
            "image": {"repository": "nginx", "tag": "1.25"},
            "securityContext": {"privileged": true, "runAsUser": 0},
            "replicas": 3,
            "list": ["a", "b"],
            "big": 1000000
        },
        "Release": {"Name": "rel"}
    }))
}

fn helm_like() -> Template {
    let mut t = Template::new("gotpl");
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
        "tpl",
        Func::new(
            vec![Param::String, Param::Any],
            |ctx: &mut CallCtx<'_, '_>, a| {
                let text = a[0].as_str().unwrap_or("").to_owned();
                ctx.execute_text("tpl", &text, &a[1])
                    .map(Value::from)
                    .map_err(FuncError::from)
            },
        ),
    );
    t.func(
        "until",
        Func::new(vec![Param::INT], |ctx: &mut CallCtx<'_, '_>, a| {
            let Value::Int(n, _) = a[0] else {
                return Ok(Value::Nil);
            };
            let n = u64::try_from(n).unwrap_or(0);
            ctx.charge(n)?;
            Ok(Value::list(
                (0..n)
                    .map(|i| Value::int(i64::try_from(i).unwrap()))
                    .collect(),
            ))
        }),
    );
    t.func(
        "upper",
        Func::new(vec![Param::String], |_: &mut CallCtx<'_, '_>, a| {
            Ok(Value::from(a[0].as_str().unwrap_or("").to_uppercase()))
        }),
    );
    t.func(
        "add1f",
        Func::new(vec![Param::FLOAT64], |_: &mut CallCtx<'_, '_>, a| {
            match a[0] {
                Value::Float(f, _) => Ok(Value::float(f + 1.0)),
                _ => Err(FuncError::msg("not a float")),
            }
        }),
    );
    t
}

fn render(t: &mut Template, text: &str, data: &Value) -> Result<String, String> {
    t.parse("main", text).map_err(|e| e.to_string())?;
    let mut out = String::new();
    t.execute("main", data, &mut out)
        .map(|()| out)
        .map_err(|e| e.to_string())
}

#[test]
fn printing_as_helm_sees_values() {
    let mut t = helm_like();
    let out = render(
        &mut t,
        "{{.Values.replicas}} {{.Values.big}} {{.Values.list}} {{.Values.image}} {{.Values.nope}}",
        &values(),
    );
    // JSON numbers are float64 (Helm's values), missingkey=zero prints no value.
    assert_eq!(
        out.unwrap(),
        "3 1e+06 [a b] map[repository:nginx tag:1.25] <no value>"
    );
}

#[test]
fn typed_parameters_convert_and_fail_as_go() {
    let mut t = helm_like();
    assert_eq!(render(&mut t, "{{add1f 2}}", &values()).unwrap(), "3");
    let e = render(&mut t, "{{upper .Values.replicas}}", &values()).unwrap_err();
    assert_eq!(
        e,
        "template: main:1:15: executing \"main\" at <.Values.replicas>: wrong type for value; expected string; got float64"
    );
    let e = render(&mut t, "{{upper .Values.missing}}", &values()).unwrap_err();
    assert!(
        e.ends_with("wrong type for value; expected string; got interface {}"),
        "{e}"
    );
    let e = render(&mut t, "{{.Values.missing.tag}}", &values()).unwrap_err();
    assert!(
        e.ends_with("nil pointer evaluating interface {}.tag"),
        "{e}"
    );
    let e = render(&mut t, "{{upper 3}}", &values()).unwrap_err();
    assert!(e.ends_with("expected string; found 3"), "{e}");
}

#[test]
fn include_and_tpl() {
    let mut t = helm_like();
    t.parse(
        "_helpers.tpl",
        "{{define \"name\"}}{{.Release.Name}}-app{{end}}",
    )
    .unwrap();
    let out = render(
        &mut t,
        "{{include \"name\" . | upper}} {{tpl \"{{.Values.image.tag}}\" .}} {{tpl \"{{define \\\"x\\\"}}X{{end}}{{template \\\"x\\\"}}\" .}}",
        &values(),
    );
    assert_eq!(out.unwrap(), "REL-APP 1.25 X");
    // tpl's define does not leak into the set.
    assert!(t.lookup("x").is_none());
    let e = render(&mut t, "{{include \"nope\" .}}", &values()).unwrap_err();
    assert_eq!(
        e,
        "template: main:1:2: executing \"main\" at <include \"nope\" .>: error calling include: template: no template \"nope\" associated with template \"gotpl\""
    );
}

#[test]
fn runaway_recursion_and_loops_end_with_errors() {
    let mut t = helm_like();
    t.limits(Limits {
        max_steps: 100_000,
        ..Limits::default()
    });
    t.parse(
        "_r.tpl",
        "{{define \"r\"}}{{include \"r\" .}}{{end}}{{define \"s\"}}{{template \"s\" .}}{{end}}",
    )
    .unwrap();
    let e = render(&mut t, "{{include \"r\" .}}", &values()).unwrap_err();
    // Depth 200, or the native stack guard first (debug builds use ~20 KiB per include).
    assert!(e.contains("exceeded maximum template depth ("), "{e}");
    assert!(
        !e.contains("error calling include: template"),
        "a limit error passes through unwrapped: {e}"
    );
    let e = render(&mut t, "{{template \"s\" .}}", &values()).unwrap_err();
    assert!(e.contains("exceeded maximum template depth ("), "{e}");
    let e = render(&mut t, "{{range until 1000000000}}x{{end}}", &values()).unwrap_err();
    assert!(e.contains("step budget"), "{e}");
    let e = render(&mut t, "{{range 1000000000}}{{end}}", &values()).unwrap_err();
    assert!(e.contains("step budget"), "{e}");
    // Large strings built and dropped count too.
    let e = render(
        &mut t,
        "{{range 100000}}{{$x := printf \"%900000d\" 1}}{{end}}",
        &values(),
    )
    .unwrap_err();
    assert!(e.contains("step budget"), "{e}");
    // tpl that includes itself through the data.
    let data = Value::from_json(&serde_json::json!({"t": "{{tpl .t .}}"}));
    let e = render(&mut t, "{{tpl .t .}}", &data).unwrap_err();
    assert!(e.contains("exceeded maximum template depth"), "{e}");
    let mut t = helm_like();
    t.limits(Limits {
        max_output: 1000,
        ..Limits::default()
    });
    let e = render(&mut t, "{{range 2000}}x{{end}}", &values()).unwrap_err();
    assert!(e.contains("output exceeds the limit of 1000 bytes"), "{e}");
    let mut t = helm_like();
    t.parse("main", "{{range 5}}{{end}}").unwrap();
    let mut out = String::new();
    let mut t2 = t.clone();
    t2.limits(Limits {
        max_steps: 3,
        ..Limits::default()
    });
    assert_eq!(
        t2.execute("main", &Value::Nil, &mut out).unwrap_err().kind,
        ExecErrorKind::Limit
    );
}

#[test]
fn missing_key_options() {
    let data = values();
    let mut t = Template::new("m");
    assert_eq!(
        render(&mut t, "{{.Values.nope}}", &data).unwrap(),
        "<no value>"
    );
    t.option("missingkey=error").unwrap();
    let e = render(&mut t, "{{.Values.nope}}", &data).unwrap_err();
    assert_eq!(e, "template: main:1:9: executing \"main\" at <.Values.nope>: map has no entry for key \"nope\"");
    assert!(t.option("missingkey=bogus").is_err());
}

#[derive(Debug)]
struct Files;

impl Object for Files {
    fn type_name(&self) -> String {
        "chart.Files".to_owned()
    }
    fn member(&self, name: &str) -> Option<Member> {
        match name {
            "Get" => Some(Member::Method(Func::new(
                vec![Param::String],
                |_: &mut CallCtx<'_, '_>, a| {
                    Ok(Value::from(format!(
                        "contents of {}",
                        a[0].as_str().unwrap_or("")
                    )))
                },
            ))),
            "Count" => Some(Member::Field(Value::int(2))),
            _ => None,
        }
    }
    fn fields(&self) -> Vec<(String, Value)> {
        vec![("Count".into(), Value::int(2))]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn objects_with_fields_and_methods() {
    let mut m = BTreeMap::new();
    m.insert("Files".to_owned(), Value::object(Files));
    let data = Value::map(m);
    let mut t = Template::new("o");
    assert_eq!(
        render(&mut t, "{{.Files.Get \"a.txt\"}}|{{.Files.Count}}|{{.Files}}|{{printf \"%+v %T\" .Files .Files}}", &data)
            .unwrap(),
        "contents of a.txt|2|{2}|{Count:2} chart.Files"
    );
    let e = render(&mut t, "{{.Files.Nope}}", &data).unwrap_err();
    // Go names the static type: the value came out of a map of interfaces.
    assert!(
        e.ends_with("can't evaluate field Nope in type interface {}"),
        "{e}"
    );
    let e = render(&mut t, "{{.Files.Count 1}}", &data).unwrap_err();
    assert!(
        e.ends_with("Count has arguments but cannot be invoked as function"),
        "{e}"
    );
    assert_eq!(data.kind(), Kind::Map);
}

#[test]
fn tracing_attributes_output_to_nodes_and_data_paths() {
    let mut t = helm_like();
    t.parse("_helpers.tpl", "{{define \"sc\"}}{{.privileged}}{{end}}")
        .unwrap();
    let text = "image: {{ .Values.image.tag }}\n{{- with .Values.securityContext }}\nsc: {{ .runAsUser }}\n{{- end }}\n{{ range $i, $x := .Values.list }}{{ $x }}{{ end }}\np: {{ include \"sc\" .Values.securityContext }}\n{{ index .Values \"image\" \"repository\" }}";
    t.parse("deploy.yaml", text).unwrap();
    let mut out = String::new();
    let mut rec = Recorder::default();
    t.execute_traced("deploy.yaml", &values(), &mut out, &mut rec)
        .unwrap();
    assert_eq!(out, "image: 1.25\nsc: 0\nab\np: true\nnginx");
    // Pieces cover the output in order, without gaps.
    let mut at = 0;
    for p in &rec.pieces {
        assert_eq!(p.output.start, at);
        at = p.output.end;
    }
    assert_eq!(at, out.len());
    let find = |s: &str| {
        let start = out.find(s).unwrap();
        rec.pieces
            .iter()
            .find(|p| p.output.start == start && p.kind == PieceKind::Action)
            .unwrap()
            .clone()
    };
    let tag = find("1.25");
    assert_eq!(
        tag.paths
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["Values.image.tag"]
    );
    assert_eq!((tag.pos.line, tag.pos.col), (1, 10));
    assert_eq!(&text[tag.pos.offset..tag.pos.offset + 7], ".Values");
    // The pipeline of an action starts at its first token (after `{{ `).
    let sc = find("0");
    assert_eq!(sc.paths[0].to_string(), "Values.securityContext.runAsUser");
    assert_eq!(sc.pos.line, 3);
    let b = find("b");
    assert_eq!(b.paths[0].to_string(), "Values.list[1]");
    let inc = find("true");
    assert_eq!(
        inc.paths
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "Values.securityContext",
            "Values.securityContext.privileged"
        ]
    );
    let idx = find("nginx");
    assert_eq!(
        idx.paths
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["Values.image.repository"]
    );
    let text_piece = rec
        .pieces
        .iter()
        .find(|p| p.kind == PieceKind::Text)
        .unwrap();
    assert_eq!(text_piece.output, 0..7);
    assert_eq!(text_piece.parse_name, "deploy.yaml");
    assert!(text_piece.paths.is_empty());
}

#[test]
fn errors_carry_positions_of_defining_file() {
    let mut t = Template::new("x");
    t.parse(
        "_helpers.tpl",
        "\n\n{{define \"d\"}}\n  {{ .a.b.c }}{{end}}",
    )
    .unwrap();
    t.parse("main", "{{template \"d\" 1}}").unwrap();
    let mut out = String::new();
    let e = t.execute("main", &Value::Nil, &mut out).unwrap_err();
    // Go positions a field chain at its second field (`.b`).
    assert_eq!(e.to_string(), "template: _helpers.tpl:4:7: executing \"d\" at <.a.b.c>: can't evaluate field a in type int");
    assert_eq!(e.template, "d");
    assert_eq!(e.parse_name, "_helpers.tpl");
    assert_eq!(e.pos.unwrap().line, 4);
    let p = t.parse("bad", "a\n{{ if }}").unwrap_err();
    assert_eq!(p.to_string(), "template: bad:2: missing value for if");
    assert_eq!(p.line, 2);
}

#[test]
fn deep_syntax_is_bounded() {
    let mut t = Template::new("d");
    let ok = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    assert!(t.parse("a", &format!("{{{{{ok}}}}}")).is_ok());
    let bad = format!("{}1{}", "(".repeat(201), ")".repeat(201));
    let e = t.parse("b", &format!("{{{{{bad}}}}}")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "template: b:1: max expression depth exceeded"
    );
    let ifs = format!("{}x{}", "{{if 1}}".repeat(200), "{{end}}".repeat(200));
    t.parse("c", &ifs).unwrap();
    let mut out = String::new();
    // Executes, or stops with the stack guard; never overflows.
    match t.execute("c", &Value::Nil, &mut out) {
        Ok(()) => assert_eq!(out, "x"),
        Err(e) => assert!(e.to_string().contains("stack limit"), "{e}"),
    }
    let e = t
        .parse(
            "e",
            &format!("{}x{}", "{{if 1}}".repeat(201), "{{end}}".repeat(201)),
        )
        .unwrap_err();
    assert!(
        e.to_string().ends_with("max expression depth exceeded"),
        "{e}"
    );
}

/// Token soup: parsing and executing arbitrary text never panics and always ends.
#[test]
fn arbitrary_text_never_panics() {
    const PIECES: &[&str] = &[
        "{{",
        "}}",
        "{{-",
        "-}}",
        " ",
        "\n",
        ".",
        "$",
        "$x",
        ":=",
        "=",
        "|",
        "(",
        ")",
        "\"",
        "`",
        "'",
        "a",
        "1",
        "-1",
        "0x",
        "1e",
        "i",
        "if",
        "else",
        "end",
        "range",
        "with",
        "define",
        "template",
        "block",
        "break",
        "continue",
        "nil",
        "true",
        "printf",
        "len",
        "index",
        "slice",
        "eq",
        "and",
        "or",
        "not",
        "/*",
        "*/",
        ",",
        "\\",
        "é",
        "\t",
        "\"x\"",
        "`r`",
        "'a'",
        ".a.b",
        "$.a",
        "{{end}}",
        "{{else}}",
        "{{if 1}}",
        "{{range .}}",
        "{{define \"d\"}}",
        "{{template \"d\" .}}",
        "%d",
        "\u{0}",
        "\u{7f}",
        "𝄞",
    ];
    let data = Value::from_json(&serde_json::json!({"a": {"b": [1, "x", null]}, "l": [1, 2]}));
    let mut seed = 0x1234_5678_9abc_def0_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut parsed = 0;
    for _ in 0..20_000 {
        let n = (next() % 12) as usize;
        let text: String = (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let mut t = Template::new("soup");
        t.limits(Limits {
            max_steps: 10_000,
            ..Limits::default()
        });
        if t.parse("soup", &text).is_ok() {
            parsed += 1;
            let mut out = String::new();
            let _ = t.execute("soup", &data, &mut out);
            let _ = t.execute("d", &data, &mut out);
        }
    }
    assert!(
        parsed > 1000,
        "the soup should parse often enough to exercise the executor ({parsed})"
    );
}

#[test]
fn sets_and_values_cross_threads() {
    fn check<T: Send + Sync>() {}
    check::<Template>();
    check::<Value>();
    check::<Func>();
}

#[test]
fn depth_errors_point_at_the_call() {
    let mut t = helm_like();
    t.parse("_r.tpl", "{{define \"r\"}}{{include \"r\" .}}{{end}}")
        .unwrap();
    let e = render(&mut t, "{{include \"r\" .}}", &values()).unwrap_err();
    assert!(e.starts_with("template: _r.tpl:1:16: executing \"r\" at <include \"r\" .>: exceeded maximum template depth"), "{e}");
}

/// Every list, pipeline and command of a parsed tree is held in a vector of
/// exactly its length (a chart's trees are hundreds of thousands of nodes),
/// at the top level and nested, and the trees print back as written.
#[test]
fn parsed_lists_and_commands_are_exactly_sized() {
    use stockade_gotemplate::parse::{Node, PipeNode};
    fn pipe(p: &PipeNode) {
        assert_eq!(p.cmds.capacity(), p.cmds.len(), "{p}");
        for c in &p.cmds {
            assert_eq!(c.args.capacity(), c.args.len(), "{c}");
            nodes(&c.args);
        }
    }
    fn nodes(list: &[Node]) {
        for n in list {
            match n {
                Node::Action { pipe: p, .. } | Node::Pipe(p) => pipe(p),
                Node::Branch(b) => {
                    assert_eq!(b.list.capacity(), b.list.len());
                    pipe(&b.pipe);
                    nodes(&b.list);
                    if let Some(e) = &b.else_list {
                        assert_eq!(e.capacity(), e.len());
                        nodes(e);
                    }
                }
                _ => {}
            }
        }
    }
    let text = "a {{ if .x }}b{{ printf \"%s-%d\" .y (len .z) | print }}{{ else if .w }}c{{ range $i, $v := .l }}{{ $v }} {{ end }}{{ else }}d{{ end }}\n{{ define \"t\" }}{{ with .q }}{{ printf \"u\" (index . \"k\") }}{{ end }}{{ end }}";
    let set = Template::new("root");
    let trees = set.parse_trees("root", text).unwrap();
    assert!(trees.len() >= 2);
    for tree in &trees {
        nodes(&tree.root);
    }
    let printed: String = trees.iter().find(|t| t.name == "t").unwrap().to_string();
    assert!(
        printed.contains("printf \"u\" (index . \"k\")"),
        "{printed}"
    );
}
