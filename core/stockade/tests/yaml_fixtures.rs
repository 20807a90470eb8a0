//! Golden tests: each `tests/fixtures/yaml/<name>.{yaml,json}` is read and compared
//! with `<name>.expected.json` (per document: its JSON, or its error with position,
//! and its comments). `STOCKADE_UPDATE_FIXTURES=1` rewrites the expectations, which
//! must then be reviewed by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use serde_json::{json, Value};
use stockade::source::LineIndex;
use stockade::yaml::{parse_stream, Limits};

fn describe(text: &str) -> Value {
    let stream = parse_stream(text, &Limits::default());
    let lines = LineIndex::new(text);
    let docs: Vec<Value> = stream
        .documents
        .iter()
        .map(|doc| {
            let span = |s: stockade::source::Span| {
                let p = lines.position(text, s.start);
                format!("{}:{}", p.line, p.column)
            };
            let mut out = match &doc.root {
                Ok(node) => json!({ "json": node.to_json(), "at": span(node.span) }),
                Err(p) => json!({
                    "error": {
                        "kind": p.kind.as_str(),
                        "message": p.message,
                        "at": span(p.span),
                        "text": p.span.text(text),
                    }
                }),
            };
            let comments: Vec<Value> = doc
                .comments
                .iter()
                .map(|c| json!([c.line + 1, c.text]))
                .collect();
            out["comments"] = Value::Array(comments);
            out
        })
        .collect();
    Value::Array(docs)
}

#[test]
fn fixtures_read_as_expected() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml");
    let update = std::env::var("STOCKADE_UPDATE_FIXTURES").is_ok_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".expected.json")
                && (name.ends_with(".yaml") || name.ends_with(".json"))
        })
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 5, "fixtures missing in {}", dir.display());
    for input in inputs {
        let text = std::fs::read_to_string(&input).unwrap();
        let got = describe(&text);
        let stem = input.file_stem().unwrap().to_string_lossy().to_string();
        let expected_path = dir.join(format!("{stem}.expected.json"));
        if update {
            std::fs::write(
                &expected_path,
                serde_json::to_string_pretty(&got).unwrap() + "\n",
            )
            .unwrap();
            continue;
        }
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        assert_eq!(got, expected, "{}", input.display());
    }
}
