//! A parsed Dockerfile in the shape conftest gives Rego policies as `input`
//! (conftest's Dockerfile parser: one object per instruction).

use serde_json::{json, Value as Json};

use crate::ast::Dockerfile;

/// A Dockerfile as conftest's input: one command per instruction.
pub fn input(file: &Dockerfile, text: &str) -> Json {
    let mut out = Vec::new();
    let mut stage: i64 = -1;
    for ins in &file.instructions {
        let cmd = ins.keyword_text.to_lowercase();
        if cmd == "from" {
            stage += 1;
        }
        let (sub_cmd, args_ins) = match ins.onbuild() {
            Some(inner) => (inner.keyword_text.to_lowercase(), inner),
            None => (String::new(), ins),
        };
        let values: Vec<&str> = crate::parser::node_args(args_ins);
        let original = text
            .get(ins.span.range())
            .unwrap_or("")
            .lines()
            .map(|l| l.trim_end_matches('\\').trim_end())
            .collect::<Vec<_>>()
            .join(" ");
        out.push(json!({
            "Cmd": cmd,
            "SubCmd": sub_cmd,
            "JSON": args_ins.is_json(),
            "Original": original.trim(),
            "Stage": stage.max(0),
            "Flags": ins.flags.iter().map(|f| f.raw.clone()).collect::<Vec<_>>(),
            "Value": values,
        }));
    }
    Json::Array(out)
}
