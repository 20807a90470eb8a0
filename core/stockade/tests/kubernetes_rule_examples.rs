//! The `## Example` of each exposure, secrets, webhook and image-reference rule
//! raises it, and its `## Use instead` does not (the docs are checked like
//! fixtures, as biome runs its rules' examples).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use stockade::{Config, Engine};

/// The fenced YAML blocks of a section of a rule's docs.
fn yaml_blocks(docs: &str, section: &str) -> Vec<String> {
    let Some(start) = docs.find(section) else {
        return Vec::new();
    };
    let rest = &docs[start + section.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let mut out = Vec::new();
    let mut lines = rest[..end].lines();
    while let Some(line) = lines.next() {
        if line.trim() == "```yaml" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            out.push(block.join("\n") + "\n");
        }
    }
    out
}

#[test]
fn examples_raise_the_rule_and_use_instead_does_not() {
    let ids = [
        "K8S040", "K8S041", "K8S042", "K8S043", "K8S044", "K8S045", "K8S046", "K8S047", "K8S048",
        "K8S049", "K8S050",
    ];
    let mut problems = Vec::new();
    for id in ids {
        let meta = stockade::explain(id).unwrap();
        let docs = meta.docs_markdown();
        let engine = Engine::new(Config::default().with_rule_enabled(id, true));
        for (section, want) in [("## Example", true), ("## Use instead", false)] {
            let blocks = yaml_blocks(&docs, section);
            if blocks.is_empty() {
                problems.push(format!("{id}: no yaml block in {section}"));
            }
            for block in blocks {
                let report = engine.scan(&block, Some("example.yaml"), None);
                let fired = report.findings.iter().any(|f| f.rule == id);
                if fired != want || !report.errors.is_empty() {
                    problems.push(format!(
                        "{id} {section}: fired={fired} errors={:?}",
                        report.errors
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
