//! Every Dockerfile of the shared corpus (`../shared/corpora/dockerfiles`, 1,096
//! real-world files) parses and builds a model with no problem, except the one file
//! BuildKit itself rejects.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::doc_markdown
)]

mod common;

use std::fs;
use std::time::Instant;

use stockade::dockerfile::model::Model;
use stockade::dockerfile::parser::parse;
use stockade::LineIndex;

/// BuildKit rejects this one: `COPY --from build …` (line 15) is "missing a value on flag: --from".
const REJECTED: &str = "vimagick__dockerfiles__obs-web-arm__Dockerfile.Dockerfile";

#[test]
fn corpus_parses() {
    let Some(dir) = common::shared("corpora/dockerfiles") else {
        return;
    };
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let bytes = fs::read(p).unwrap();
            (
                name,
                String::from_utf8(bytes).expect("corpus files are UTF-8"),
            )
        })
        .collect();

    let started = Instant::now();
    let mut results = Vec::with_capacity(texts.len());
    let mut instructions = 0usize;
    for (name, text) in &texts {
        let parsed = parse(text);
        let model = Model::build(&parsed.dockerfile, text);
        instructions += parsed.dockerfile.instructions.len();
        results.push((name, text, parsed, model));
    }
    let elapsed = started.elapsed();

    let mut failures = Vec::new();
    let mut saw_rejected = false;
    let mut template_files = 0;
    for (name, text, parsed, model) in &results {
        if name.as_str() == REJECTED {
            saw_rejected = true;
            let p = parsed
                .problems
                .first()
                .expect("obs-web-arm must be rejected");
            assert_eq!(p.message, "missing a value on flag: --from");
            let line = LineIndex::new(text).position(text, p.span.start).line.get();
            assert_eq!(line, 15, "error must be located at line 15");
            assert_eq!(p.span.text(text), "--from");
            continue;
        }
        if !parsed.problems.is_empty() {
            failures.push(format!("{name}: {:?}", parsed.problems));
        }
        // Dev-container templates keep `${templateOption:x}` placeholders, which
        // BuildKit's lexer rejects when it expands them at build time ("unsupported
        // modifier (:x) in substitution"). Parsing accepts them, as BuildKit's parser
        // does; the model records the expansion errors. Any other expansion error fails.
        if !model.expansion_errors.is_empty() {
            template_files += 1;
            for e in &model.expansion_errors {
                if !(e.message.contains("${templateOption:")
                    && e.message.contains("unsupported modifier"))
                {
                    failures.push(format!("{name}: expansion error {e:?}"));
                }
            }
        }
        if model.stages.is_empty() {
            failures.push(format!("{name}: no stage"));
        }
    }
    assert!(saw_rejected, "{REJECTED} missing from the corpus");
    let ok = results.len() - 1 - failures.len();
    eprintln!(
        "dockerfile corpus: {ok}/{} files parse and model with no problem (+1 rejected as BuildKit does); \
         {template_files} of them are templates with `${{templateOption:…}}` placeholders BuildKit \
         would reject at build-time expansion; {instructions} instructions; parse+model took {:.1} ms",
        results.len() - 1,
        elapsed.as_secs_f64() * 1000.0
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
