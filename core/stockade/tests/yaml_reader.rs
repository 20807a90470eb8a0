//! The YAML reader: resolution, spans, anchors, merges, errors, limits, comments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;

use serde_json::json;
use stockade::source::LineIndex;
use stockade::yaml::{parse_stream, Limits, Node, Stream, Style, Value};
use stockade::ErrorKind;

fn read(text: &str) -> Stream {
    parse_stream(text, &Limits::default())
}

fn root(text: &str) -> Node {
    let stream = read(text);
    assert_eq!(stream.documents.len(), 1, "{stream:#?}");
    match &stream.documents[0].root {
        Ok(node) => node.clone(),
        Err(p) => panic!("unexpected problem: {p:?}"),
    }
}

fn json_of(text: &str) -> serde_json::Value {
    root(text).to_json()
}

fn problem(text: &str) -> stockade::Problem {
    read(text)
        .problems()
        .next()
        .cloned()
        .unwrap_or_else(|| panic!("no problem for {text:?}"))
}

fn line_col(text: &str, offset: u32) -> (u32, u32) {
    let p = LineIndex::new(text).position(text, offset);
    (p.line.get(), p.column.get())
}

#[test]
fn yaml_1_1_scalars_as_go_yaml_v2() {
    let text = "\
a: yes\nb: Off\nc: y\nd: ~\ne:\nf: 0x1F\ng: 0777\nh: 0o17\ni: 0b101\nj: 1_000\n\
k: -.Inf\nl: 1e3\nm: 2001-12-14\nnn: '123'\no: \"true\"\np: |\n  yes\nq: 08\nr: 1e400\ns: +12\n";
    assert_eq!(
        json_of(text),
        json!({
            "a": true, "b": false, "c": true, "d": null, "e": null, "f": 31, "g": 511,
            "h": 15, "i": 5, "j": 1000, "k": null, "l": 1000, "m": "2001-12-14",
            "nn": "123", "o": "true", "p": "yes\n", "q": 8, "r": "1e400", "s": 12
        })
    );
    let node = root(text);
    assert_eq!(
        node.get("k").unwrap().value,
        Value::Float(f64::NEG_INFINITY)
    );
    assert_eq!(node.get("l").unwrap().value, Value::Float(1000.0));
    assert_eq!(node.get("q").unwrap().value, Value::Float(8.0));
    assert!(matches!(root("x: .nan").get("x").unwrap().value, Value::Float(f) if f.is_nan()));
}

#[test]
fn explicit_tags() {
    let node = root("a: !!str 12\nb: !!int \"12\"\nc: !!float 3\nd: !custom 5\ne: !!bool yes\n");
    assert_eq!(node.get("a").unwrap().value, Value::String("12".into()));
    assert_eq!(node.get("b").unwrap().value, Value::Int(12));
    assert_eq!(node.get("c").unwrap().value, Value::Float(3.0));
    assert_eq!(node.get("d").unwrap().value, Value::String("5".into()));
    assert_eq!(node.get("e").unwrap().value, Value::Bool(true));
    assert_eq!(
        node.get("a").unwrap().tag.as_deref(),
        Some("tag:yaml.org,2002:str")
    );
    assert_eq!(node.get("d").unwrap().tag.as_deref(), Some("!custom"));
    let text = "a: !!int abc\n";
    let p = problem(text);
    assert_eq!(p.kind, ErrorKind::Parse);
    assert_eq!(p.message, "cannot decode !!str `abc` as a !!int");
    assert_eq!(p.span.text(text), "abc");
}

#[test]
fn non_string_keys_become_json_strings() {
    assert_eq!(
        json_of("1: a\ntrue: b\n1.5: c\n0x10: d\n"),
        json!({"1": "a", "true": "b", "1.5": "c", "16": "d"})
    );
    let node = root("1: a\n");
    assert_eq!(node.get("1").unwrap().as_str(), Some("a"));
    // Keys JSON cannot have fail as they fail in Kubernetes.
    let text = "a:\n  ~: a\n";
    let p = problem(text);
    assert!(
        p.message.contains("unsupported map key of type null"),
        "{}",
        p.message
    );
    assert_eq!(p.span.text(text), "~");
    let text = "? [complex]\n: key\n";
    let p = problem(text);
    assert!(p.message.contains("invalid map key"), "{}", p.message);
    assert_eq!(p.span.text(text), "[complex]");
    let p = root("x: .inf\n").try_to_json().unwrap_err();
    assert!(p.message.contains("unsupported value"), "{}", p.message);
}

#[test]
fn anchors_aliases_and_merges() {
    let text = "\
base: &base {a: 1, b: 2}
other: &other {b: 3, c: 4}
one:
  <<: *base
  b: 9
list:
  <<: [*other, *base]
  d: 5
copy: *base
quoted:
  \"<<\": *base
";
    assert_eq!(
        json_of(text),
        json!({
            "base": {"a": 1, "b": 2},
            "other": {"b": 3, "c": 4},
            "one": {"a": 1, "b": 9},
            "list": {"b": 3, "c": 4, "a": 1, "d": 5},
            "copy": {"a": 1, "b": 2},
            "quoted": {"<<": {"a": 1, "b": 2}}
        })
    );
    // Order: merged entries where `<<` was written, explicit keys keep their place.
    let node = root(text);
    let keys: Vec<_> = node
        .get("list")
        .unwrap()
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    assert_eq!(keys, ["b", "c", "a", "d"]);
    // An alias's copy is located at the alias.
    let copy = node.get("copy").unwrap();
    assert_eq!(copy.span.text(text), "*base");

    // go-yaml refuses an alias to a sequence as a merge value.
    let p = problem("l: &l [{a: 1}]\nb:\n  <<: *l\n");
    assert_eq!(
        p.message,
        "map merge requires map or sequence of maps as the value"
    );
    let text = "a: &x 1\nb:\n  <<: *x\n";
    let p = problem(text);
    assert_eq!(
        p.message,
        "map merge requires map or sequence of maps as the value"
    );
    assert_eq!(p.span.text(text), "*x");
}

/// Small mappings are searched in place for a repeated key, larger ones
/// through a hash: the same answers on both sides of that size.
#[test]
fn repeated_keys_are_found_in_mappings_of_any_size() {
    for size in [2usize, 15, 16, 17, 40] {
        let keys: Vec<String> = (0..size).map(|i| format!("k{i}: {i}\n")).collect();
        let body = keys.concat();
        assert!(read(&body).problems().next().is_none(), "{size}");
        for dup in [0, size / 2, size - 1] {
            let text = format!("{body}k{dup}: again\n");
            let p = problem(&text);
            assert_eq!(
                p.message,
                format!("key `k{dup}` already defined at line {}", dup + 1),
                "{size}"
            );
            assert_eq!(line_col(&text, p.span.start), (size as u32 + 1, 1));
        }
        // Keys of other types, compared after resolution, in large and small maps.
        for (first, again, same) in [
            ("1", "0x1", true),
            ("1", "1.0", false),
            ("0.0", "-0.0", true),
            ("true", "True", true),
            ("~", "null", true),
            (".nan", ".nan", false),
            ("1", "\"1\"", false),
        ] {
            let text = format!("{first}: a\n{body}{again}: b\n");
            assert_eq!(
                read(&text).problems().next().is_some(),
                same,
                "{size}: {first} / {again}"
            );
        }
    }
}

#[test]
fn repeated_keys_name_both_occurrences() {
    let text = "spec:\n  selector: a\n  replicas: 1\n  selector: b\n";
    let p = problem(text);
    assert_eq!(p.kind, ErrorKind::Parse);
    assert_eq!(p.message, "key `selector` already defined at line 2");
    assert_eq!(line_col(text, p.span.start), (4, 3));
    assert_eq!(p.span.text(text), "selector");
    // Keys compare after resolution: 1 and 0x1 are the same integer key…
    assert!(problem("1: a\n0x1: b\n")
        .message
        .contains("already defined at line 1"));
    // …but 1 and "1" are not, and a merge may repeat an explicit key: entries
    // apply in order, as go-yaml v2 decodes into a map.
    assert!(read("1: a\n\"1\": b\n").problems().next().is_none());
    assert!(read("m: &m {a: 1}\nn: {<<: *m, a: 2}\n")
        .problems()
        .next()
        .is_none());
    assert_eq!(
        json_of("m: &m {a: 1, b: 1}\nk: {a: 2, <<: *m, c: 3}\n")["k"],
        json!({"a": 1, "b": 1, "c": 3})
    );
}

#[test]
fn spans_are_byte_offsets_even_with_multibyte_text() {
    let text = "\u{feff}név: \"ünï\" # ça\r\nliste:\r\n  - é\r\n  - {k: 'v'}\r\nbloc: |\r\n  ligne €\r\n  deux\r\nfin: 1\r\n";
    let stream = read(text);
    let node = stream.documents[0].node().unwrap();
    let (k, v) = node.get_entry("név").unwrap();
    assert_eq!(k.span.text(text), "név");
    assert_eq!(v.span.text(text), "\"ünï\"");
    assert_eq!(v.style, Style::DoubleQuoted);
    assert_eq!(line_col(text, k.span.start), (1, 2));
    let liste = node.get("liste").unwrap();
    assert_eq!(liste.span.text(text), "- é\r\n  - {k: 'v'}");
    assert_eq!(node.pointer("/liste/0").unwrap().span.text(text), "é");
    assert_eq!(
        node.pointer("/liste/1").unwrap().span.text(text),
        "{k: 'v'}"
    );
    assert_eq!(node.pointer("/liste/1/k").unwrap().span.text(text), "'v'");
    let bloc = node.get("bloc").unwrap();
    assert_eq!(bloc.as_str(), Some("ligne €\ndeux\n"));
    assert_eq!(bloc.span.text(text), "|\r\n  ligne €\r\n  deux");
    assert_eq!(node.get("fin").unwrap().span.text(text), "1");
    assert_eq!(
        node.span.text(text),
        text.trim_start_matches('\u{feff}').trim_end()
    );
    let comments: Vec<_> = stream
        .comments()
        .map(|c| (c.text.as_str(), c.line, c.span.text(text)))
        .collect();
    assert_eq!(comments, [(" ça", 0, "# ça")]);
}

#[test]
fn json_input_has_right_positions() {
    let text = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\"containers\": [{\"image\": \"nginx\", \"n\": 1.5e0}]}\n}\n";
    let node = root(text);
    assert_eq!(
        node.to_json(),
        json!({"kind": "Pod", "spec": {"containers": [{"image": "nginx", "n": 1.5}]}})
    );
    let image = node.pointer("/spec/containers/0/image").unwrap();
    assert_eq!(image.span.text(text), "\"nginx\"");
    assert_eq!(line_col(text, image.span.start), (3, 37));
}

#[test]
fn pointers_and_locate() {
    let text = "spec:\n  containers:\n  - name: a\n    image: x\n  a/b: 1\n  t~: 2\n";
    let node = root(text);
    assert_eq!(
        node.pointer("/spec/containers/0/image").unwrap().as_str(),
        Some("x")
    );
    assert_eq!(node.pointer("/spec/a~1b").unwrap().as_i64(), Some(1));
    assert_eq!(node.pointer("/spec/t~0").unwrap().as_i64(), Some(2));
    assert!(node.pointer("/spec/containers/01").is_none());
    assert!(node.pointer("/spec/containers/1").is_none());
    assert!(node.pointer("").is_some());
    let located = node.locate("/spec/securityContext/runAsNonRoot");
    assert!(!located.exact);
    assert_eq!(located.depth, 1);
    assert_eq!(
        located.span().start,
        node.get_entry("spec").unwrap().0.span.start
    );
    let mut pointers = Vec::new();
    node.walk(|p, _| pointers.push(p.to_string()));
    assert!(pointers.contains(&"/spec/containers/0/name".to_string()));
    assert!(pointers.contains(&"/spec/a~1b".to_string()));
}

#[test]
fn a_broken_document_does_not_lose_the_others() {
    let text = "a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n...\ne: {\n...\nf: 6\n";
    let stream = read(text);
    let summary: Vec<_> = stream
        .documents
        .iter()
        .map(|d| {
            d.node()
                .map(Node::to_json)
                .ok_or_else(|| d.problem().unwrap().document)
        })
        .collect();
    assert_eq!(
        summary,
        [
            Ok(json!({"a": 1})),
            Err(Some(1)),
            Ok(json!({"d": 4})),
            Err(Some(3)),
            Ok(json!({"f": 6}))
        ]
    );
    let p = stream.documents[1].problem().unwrap();
    assert_eq!(p.kind, ErrorKind::Parse);
    assert!(p.message.starts_with("invalid YAML"));
    assert!(p.span.start as usize > text.find("b:").unwrap());
    // Document spans cover the stream without gaps.
    let mut at = 0;
    for d in &stream.documents {
        assert_eq!(d.span.start, at);
        at = d.span.end;
    }
    assert_eq!(at as usize, text.len());
}

#[test]
fn empty_documents_are_listed_and_null() {
    let stream = read("---\n---\na: 1\n---\n");
    let empty: Vec<_> = stream
        .documents
        .iter()
        .map(stockade::yaml::Document::is_empty)
        .collect();
    assert_eq!(empty, [true, false, true]);
    assert!(read("").documents.is_empty());
    assert!(read("# nothing\n").documents.is_empty());
}

#[test]
fn billion_laughs_is_a_limit_problem() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        writeln!(text, "{n}: &{n} [{refs}]").unwrap();
        prev = n;
    }
    text.push_str("---\nok: 1\n");
    let stream = read(&text);
    let p = stream.documents[0].problem().unwrap();
    assert_eq!(p.kind, ErrorKind::Limit);
    assert!(p.message.contains("aliases expand"), "{}", p.message);
    assert_eq!(
        stream.documents[1].node().unwrap().to_json(),
        json!({"ok": 1})
    );
}

#[test]
fn deep_nesting_is_a_limit_problem() {
    let text = format!("{}{}\n---\nok: 1\n", "[".repeat(10_000), "]".repeat(10_000));
    let stream = read(&text);
    assert_eq!(
        stream.documents[0].problem().unwrap().kind,
        ErrorKind::Limit
    );
    assert_eq!(
        stream.documents[1].node().unwrap().to_json(),
        json!({"ok": 1})
    );

    let block = (0..1000).fold(String::new(), |mut s, i| {
        writeln!(s, "{}k:", " ".repeat(i)).unwrap();
        s
    });
    let stream = read(&block);
    let p = stream.documents[0].problem().unwrap();
    assert_eq!(p.kind, ErrorKind::Limit);
    assert!(
        p.message.contains("deeper than the limit of 256"),
        "{}",
        p.message
    );

    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    assert!(parse_stream("a: {b: 1}\n", &limits)
        .problems()
        .next()
        .is_none());
    let p = parse_stream("a: {b: [1]}\n", &limits)
        .problems()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(p.kind, ErrorKind::Limit);
}

#[test]
fn size_limits() {
    let limits = Limits {
        max_document_bytes: 64,
        ..Limits::default()
    };
    let big = format!("a: \"{}\"\n---\nok: 1\n", "x".repeat(200));
    let stream = parse_stream(&big, &limits);
    assert_eq!(
        stream.documents[0].problem().unwrap().kind,
        ErrorKind::Limit
    );
    assert_eq!(
        stream.documents[1].node().unwrap().to_json(),
        json!({"ok": 1})
    );

    let limits = Limits {
        max_stream_bytes: 10,
        ..Limits::default()
    };
    let stream = parse_stream("a: 1\nb: 2\nc: 3\n", &limits);
    assert_eq!(stream.documents.len(), 1);
    assert_eq!(
        stream.documents[0].problem().unwrap().kind,
        ErrorKind::Limit
    );

    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let stream = parse_stream("a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n", &limits);
    assert_eq!(stream.documents.len(), 3);
    assert_eq!(
        stream.documents[2].problem().unwrap().kind,
        ErrorKind::Limit
    );

    let limits = Limits {
        max_nodes: 5,
        ..Limits::default()
    };
    let p = parse_stream("[1, 2, 3, 4, 5, 6]\n", &limits)
        .problems()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(p.kind, ErrorKind::Limit);
}

#[test]
fn comments_ignore_hashes_inside_scalars() {
    let text = "\
# stockade ignore=KS0001
a: \"x # not\" # one
b: 'y # not'
c: |
  # not a comment
  z
d: e#f
e: [1, 2] # two
f: >- # three
  folded # not
";
    let stream = read(text);
    let comments: Vec<_> = stream
        .comments()
        .map(|c| (c.line, c.text.as_str(), c.own_line))
        .collect();
    assert_eq!(
        comments,
        [
            (0, " stockade ignore=KS0001", true),
            (1, " one", false),
            (7, " two", false),
            (8, " three", false)
        ]
    );
    assert_eq!(json_of(text)["c"], json!("# not a comment\nz\n"));
}

#[test]
fn tabs_after_colons_are_blanks_as_in_go_yaml() {
    let text = "a:\t1\nq: \"k:\tv\"\nb: |\n  x:\ty\nc: {d:\te} # e:\tf\n";
    let stream = read(text);
    let node = stream.documents[0].node().unwrap();
    assert_eq!(
        node.to_json(),
        json!({"a": 1, "q": "k:\tv", "b": "x:\ty\n", "c": {"d": "e"}})
    );
    assert_eq!(node.get("a").unwrap().span.text(text), "1");
    let comments: Vec<_> = stream.comments().map(|c| c.text.as_str()).collect();
    assert_eq!(comments, [" e:\tf"]);
    // Tabs as indentation stay errors, as in go-yaml.
    assert!(read("a:\n\t- b\n").problems().next().is_some());
}

/// Every node of `node`, depth first, with its span's text in `text`.
fn spans<'a>(node: &Node, text: &'a str, out: &mut Vec<&'a str>) {
    out.push(node.span.text(text));
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|i| spans(i, text, out)),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            spans(k, text, out);
            spans(v, text, out);
        }),
        _ => {}
    }
}

#[test]
fn under_indented_quoted_continuation_lines_read_as_in_go_yaml() {
    // go-yaml v2 (libyaml's scanner) does not check the indentation of a quoted
    // scalar's continuation lines; saphyr-parser wants them inside the block.
    let text = "a:\n  b: \"x\ny\n\tz\"  # c1\n  c: 'p\n q'\n  d: [e, \"f\n  g\"]\n  \
                i:\n    - - \"s\n t\"\n# after\nh: \u{e9}  # c2\n---\nk: \"1\n\"\n";
    for text in [text.to_string(), text.replace('\n', "\r\n")] {
        let text = text.as_str();
        let stream = read(text);
        assert_eq!(stream.documents.len(), 2);
        let node = stream.documents[0].node().unwrap();
        let nl = if text.contains('\r') { "\r\n" } else { "\n" };
        assert_eq!(
            node.to_json(),
            json!({"a": {"b": "x y z", "c": "p q", "d": ["e", "f g"], "i": [["s t"]]}, "h": "\u{e9}"})
        );
        let mut all = Vec::new();
        spans(node, text, &mut all);
        let b = format!("\"x{nl}y{nl}\tz\"");
        let c = format!("'p{nl} q'");
        let d = format!("[e, \"f{nl}  g\"]");
        let fg = format!("\"f{nl}  g\"");
        let st = format!("\"s{nl} t\"");
        let inner = format!("- \"s{nl} t\"");
        let seq = format!("- - \"s{nl} t\"");
        let a_value = &text[text.find("b:").unwrap()..text.find(&st).unwrap() + st.len()];
        let root_text = &text[..text.find("\u{e9}").unwrap() + 2];
        assert_eq!(
            all,
            [
                root_text, "a", a_value, "b", &b, "c", &c, "d", &d, "e", &fg, "i", &seq, &inner,
                &st, "h", "\u{e9}"
            ]
        );
        let comments: Vec<(&str, &str, u32)> = stream
            .comments()
            .map(|c| (c.text.as_str(), c.span.text(text), c.line))
            .collect();
        assert_eq!(
            comments,
            [
                (" c1", "# c1", 3),
                (" after", "# after", 11),
                (" c2", "# c2", 12)
            ]
        );
        let h = node.get("h").unwrap();
        assert_eq!(line_col(text, h.span.start), (13, 4));
        let second = stream.documents[1].node().unwrap();
        assert_eq!(second.get("k").unwrap().as_str(), Some("1 "));
        assert_eq!(
            second.get("k").unwrap().span.text(text),
            format!("\"1{nl}\"")
        );
        let doc_start = text.find("---").unwrap() as u32;
        assert_eq!(stream.documents[0].span.end, doc_start);
        assert_eq!(stream.documents[1].span.start, doc_start);
        assert_eq!(stream.documents[1].span.end as usize, text.len());
    }
    // Tabs in those lines' leading blanks are blanks too.
    let text = "a:\n  b: \"x\n\t  y\"\n  c: 1\n";
    assert_eq!(json_of(text), json!({"a": {"b": "x y", "c": 1}}));
    let c = root(text).get("a").unwrap().get("c").unwrap().span;
    assert_eq!(c.start as usize, text.find("c: 1").unwrap() + 3);
    assert_eq!(c.text(text), "1");
    // A later error is still located in the original text.
    let text = "a:\n  b: \"x\ny\"\n  c: [\n";
    let p = problem(text);
    assert!(p.span.start as usize >= text.find("c:").unwrap(), "{p:?}");
    assert!(p.span.end as usize <= text.len());
}

#[test]
fn under_indented_flow_collection_lines_read_as_in_go_yaml() {
    // libyaml checks no indentation inside flow collections either.
    let text =
        "a:\n  b: [1,\n2,\n 3, {c: [4,\n5]},\n\"x\ny\", z # n\n]\n  c: d # e\nf: [1,\n    2]\n";
    let stream = read(text);
    let node = stream.documents[0].node().unwrap();
    assert_eq!(
        node.to_json(),
        json!({"a": {"b": [1, 2, 3, {"c": [4, 5]}, "x y", "z"], "c": "d"}, "f": [1, 2]})
    );
    let mut all = Vec::new();
    spans(node, text, &mut all);
    let b = &text[text.find('[').unwrap()..=text.find("]\n  c").unwrap()];
    let a_value = &text[text.find("b:").unwrap()..text.find(" # e").unwrap()];
    assert_eq!(
        all,
        [
            text.trim_end(),
            "a",
            a_value,
            "b",
            b,
            "1",
            "2",
            "3",
            "{c: [4,\n5]}",
            "c",
            "[4,\n5]",
            "4",
            "5",
            "\"x\ny\"",
            "z",
            "c",
            "d",
            "f",
            "[1,\n    2]",
            "1",
            "2"
        ]
    );
    let comments: Vec<(&str, u32)> = stream
        .comments()
        .map(|c| (c.span.text(text), c.line))
        .collect();
    assert_eq!(comments, [("# n", 6), ("# e", 8)]);
    // A document marker inside stays an error.
    assert!(read("a:\n  b: [1,\n---\n]\n").problems().next().is_some());
}

#[test]
fn indentless_sequences_start_at_their_first_dash() {
    let text = "a:\n- b\n- - c\nd: &x # n\n# m\n- e: 1\nf:\n  - g\n";
    let node = root(text);
    let mut all = Vec::new();
    spans(&node, text, &mut all);
    assert_eq!(
        all,
        [
            text.trim_end(),
            "a",
            "- b\n- - c",
            "b",
            "- c",
            "c",
            "d",
            "- e: 1",
            "e: 1",
            "e",
            "1",
            "f",
            "- g",
            "g"
        ]
    );
}

#[test]
fn quoted_scalars_go_yaml_refuses_stay_errors() {
    for text in [
        // A document marker at column 0 inside the scalar.
        "a:\n  b: \"x\n---\ny\"\n",
        "a:\n  b: 'x\n...\ny'\n",
        // Not closed.
        "a:\n  b: \"x\ny\n",
        // A multi-line key.
        "a:\n  \"x\ny\": 1\n",
        // Content after the closing quote.
        "a:\n  b: \"x\ny\" z\n",
        // A plain scalar's continuation is not a quoted one.
        "a:\n  b: x\ny\n",
    ] {
        assert!(
            read(text).problems().next().is_some(),
            "{text:?} should not be read"
        );
    }
}

#[test]
fn control_characters_are_errors_as_in_go_yaml() {
    let text = "a: 1\n---\nb: x\u{1}y\n---\nc: \"\u{7f}\"\n---\nd: \"\t\u{85}\"\n";
    let stream = read(text);
    assert_eq!(stream.documents.len(), 4);
    assert!(stream.documents[0].node().is_some());
    let p = stream.documents[1].problem().unwrap();
    assert_eq!(p.message, "control characters are not allowed (U+0001)");
    assert_eq!(p.span.text(text), "\u{1}");
    assert_eq!(p.document, Some(1));
    assert!(stream.documents[2].problem().is_some());
    assert!(
        stream.documents[3].node().is_some(),
        "tab and NEL are allowed"
    );
    let p = problem("a: b\0c\n");
    assert!(p.message.contains("U+0000"), "{}", p.message);
    // Every kind of control character, after text long enough that the
    // byte pre-check passes over whole chunks first.
    let pad = "x".repeat(200);
    for (c, code) in [
        ('\u{9f}', "U+009F"),
        ('\u{80}', "U+0080"),
        ('\u{fffe}', "U+FFFE"),
        ('\u{ffff}', "U+FFFF"),
        ('\u{1f}', "U+001F"),
    ] {
        let p = problem(&format!("a: {pad}\nb: x{c}y\n"));
        assert!(p.message.contains(code), "{code}: {}", p.message);
    }
    // Characters sharing those lead bytes that are not controls.
    for ok in [
        "a: \u{a0}é\u{b1}\n",
        "a: \u{f000}\u{fffd}\u{fefe}\n",
        "a: \"\tb\"\r\n",
    ] {
        assert!(read(ok).documents[0].node().is_some(), "{ok:?}");
    }
}

#[test]
fn hostile_input_never_panics() {
    let inputs = [
        "\0",
        "a: \u{1}\n",
        "\t- a\n",
        "a:\n\tb: 1\n",
        "key: [\n",
        "{a: 1, a: 2}",
        "&a [*a]",
        "*nothing",
        "? [complex]\n: key\n",
        "%YAML 1.1\n---\na: 1\n",
        "%TAG ! tag:x,2000:\n--- !foo\na: 1\n",
        "a: b: c\n",
        "- - - - -\n",
        "\"unterminated",
        "'",
        "|",
        ">-\n",
        "---\n...\n...\n---\n",
        "\u{feff}\u{feff}a: 1",
        "a: 1\r\rb: 2",
        "a: 😀\n😀: b\n",
        ":\n",
        "- ? : x\n",
        "[a, b]: c\n",
        "!!binary aGVsbG8=\n",
        "<<: {a: 1}\n",
        "<<: 5\n",
    ];
    for input in inputs {
        let stream = read(input);
        for d in &stream.documents {
            if let Some(p) = d.problem() {
                assert!(p.span.end as usize <= input.len(), "{input:?}: {p:?}");
                assert!(
                    input.is_char_boundary(p.span.start as usize),
                    "{input:?}: {p:?}"
                );
            }
            if let Some(n) = d.node() {
                let _ = n.to_json();
                let _ = n.try_to_json();
            }
        }
    }
    assert!(read("&a [*a]").problems().next().is_some());
    assert!(read("*nothing").problems().next().is_some());
}

/// Deterministic mutations of a manifest: deleting, duplicating and inserting
/// YAML-significant characters must never panic, and every span stays on character
/// boundaries inside the text.
#[test]
fn mutated_manifests_never_panic() {
    let base = "\u{feff}apiVersion: v1 # é\r\nkind: Pod\nmetadata: &m\n  name: \"x: y\"\n  labels: {a: 'b', c: [1, 2]}\nspec:\n  <<: *m\n  containers:\n  - name: c\n    image: |\n      nginx\n    args: [\"--a\", >-\n      b]\n---\n- ? k\n  : v\n...\n";
    let pieces = [
        "\t", ":", "- ", "[", "]", "{", "}", "'", "\"", "#", "&a ", "*a", "!!str ", "\n", "\r\n",
        "---\n", "...", "|", ">", "?", "é", "😀", "\0", "\\", ",", "<<: ",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let mut text = base.to_string();
        for _ in 0..=(next() % 4) {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|i| text.is_char_boundary(*i))
                .collect();
            let at = boundaries[(next() as usize) % boundaries.len()];
            match next() % 3 {
                0 => {
                    let piece = pieces[(next() as usize) % pieces.len()];
                    text.insert_str(at, piece);
                }
                1 => {
                    let end = boundaries.iter().copied().find(|b| *b > at).unwrap_or(at);
                    text.replace_range(at..end, "");
                }
                _ => {
                    let end = boundaries
                        .iter()
                        .copied()
                        .filter(|b| *b > at)
                        .nth(3)
                        .unwrap_or(at);
                    let copy = text[at..end].to_string();
                    text.insert_str(at, &copy);
                }
            }
        }
        let stream = read(&text);
        let check = |span: stockade::source::Span| {
            assert!(
                span.start <= span.end && span.end as usize <= text.len(),
                "{text:?}: {span:?}"
            );
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize),
                "{text:?}: {span:?}"
            );
        };
        for d in &stream.documents {
            check(d.span);
            d.comments.iter().for_each(|c| check(c.span));
            match &d.root {
                Ok(node) => node.walk(|_, n| check(n.span)),
                Err(p) => check(p.span),
            }
        }
    }
}
