//! BuildKit's own parser and shell-lexer test data, read in place from
//! `../shared/conformance/buildkit/frontend/dockerfile` (moby/buildkit 73ed682).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::doc_markdown,
    clippy::format_push_string
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use stockade::dockerfile::expand::{Lexer, VarList};
use stockade::dockerfile::parser::{dump, parse, parse_ast};

fn root() -> Option<PathBuf> {
    common::shared("conformance/buildkit/frontend/dockerfile")
}

fn case_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn read(p: &Path) -> String {
    let bytes = fs::read(p).unwrap();
    String::from_utf8(bytes).expect("test data is UTF-8")
}

/// `parser/testfiles/<case>`: parse without a syntax error and dump exactly as
/// BuildKit's `Node.Dump()` (compared line by line with `result`).
#[test]
fn testfiles_dump() {
    let Some(root) = root() else { return };
    let dirs = case_dirs(&root.join("parser/testfiles"));
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let src = read(&dir.join("Dockerfile"));
        let expected = read(&dir.join("result")).replace("\r\n", "\n");
        let parsed = parse_ast(&src);
        if !parsed.problems.is_empty() {
            failures.push(format!("{name}: unexpected problems {:?}", parsed.problems));
            continue;
        }
        let got = dump(&parsed.dockerfile);
        let exp_lines: Vec<&str> = expected.lines().collect();
        let got_lines: Vec<&str> = got.lines().collect();
        if exp_lines != got_lines {
            let mut diff = String::new();
            for i in 0..exp_lines.len().max(got_lines.len()) {
                let e = exp_lines.get(i).copied().unwrap_or("<none>");
                let g = got_lines.get(i).copied().unwrap_or("<none>");
                if e != g {
                    diff.push_str(&format!(
                        "\n  line {}: expected {e}\n  line {}:      got {g}",
                        i + 1,
                        i + 1
                    ));
                }
            }
            failures.push(format!("{name}:{diff}"));
        }
    }
    let passed = dirs.len() - failures.len();
    eprintln!("buildkit testfiles: {passed}/{} passed", dirs.len());
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

/// `parser/testfiles-negative/<case>`: BuildKit rejects them; we give a located error.
#[test]
fn testfiles_negative() {
    let Some(root) = root() else { return };
    let dirs = case_dirs(&root.join("parser/testfiles-negative"));
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let src = read(&dir.join("Dockerfile"));
        let parsed = parse(&src);
        match parsed.problems.first() {
            None => failures.push(format!("{name}: accepted")),
            Some(p) => {
                let len = u32::try_from(src.len()).unwrap();
                if p.span.start > len || p.span.end > len {
                    failures.push(format!("{name}: span out of range {:?}", p.span));
                } else {
                    eprintln!("  {name}: {} at {:?}", p.message, p.span);
                }
            }
        }
    }
    let passed = dirs.len() - failures.len();
    eprintln!(
        "buildkit testfiles-negative: {passed}/{} passed",
        dirs.len()
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

/// `parser/testfile-line/Dockerfile`: start and end lines of every instruction, as
/// BuildKit's `TestParseIncludesLineNumbers` expects them (1-based: 5-5, 11-12, 17-31).
#[test]
fn testfile_line_numbers() {
    let Some(root) = root() else { return };
    let src = read(&root.join("parser/testfile-line/Dockerfile"));
    let parsed = parse_ast(&src);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let expected: [(u32, u32); 3] = [(5, 5), (11, 12), (17, 31)];
    let got: Vec<(u32, u32)> = parsed
        .dockerfile
        .instructions
        .iter()
        .map(|i| (i.start_line + 1, i.end_line + 1))
        .collect();
    let passed = expected
        .iter()
        .enumerate()
        .filter(|(i, e)| got.get(*i) == Some(e))
        .count()
        + usize::from(got.len() == expected.len());
    eprintln!("buildkit testfile-line: {passed}/4 passed (3 instructions + count)");
    assert_eq!(got, expected);
}

/// `shell/envVarTest`: `A|U|W | input | expected`, with BuildKit's environment
/// (PWD=/home SHELL=bash KOREAN=한국어 NULL=). Unix cases run with Unix semantics,
/// Windows cases with Windows semantics (case-insensitive variable names).
#[test]
fn env_var_test() {
    let Some(root) = root() else { return };
    let data = read(&root.join("shell/envVarTest"));
    let vars = ["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="];
    let lex = Lexer::new('\\');
    let mut total = 0;
    let mut cases = 0;
    let mut failures = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        cases += 1;
        let parts: Vec<&str> = line.split('|').collect();
        assert_eq!(parts.len(), 3, "line {}: {line}", n + 1);
        let platform = parts[0].trim();
        let source = parts[1].trim();
        let expected = parts[2].trim();
        let platforms: &[bool] = match platform {
            "A" => &[false, true],
            "U" => &[false],
            "W" => &[true],
            other => panic!("bad platform {other}"),
        };
        for &windows in platforms {
            total += 1;
            let env = VarList::from_assignments(vars, windows);
            let got = lex.process_word(source, &env);
            let ok = match (&got, expected) {
                (Err(_), "error") => true,
                (Ok(r), e) => e != "error" && r.value == e,
                (Err(_), _) => false,
            };
            if !ok {
                failures.push(format!(
                    "line {} ({}): {source:?} expected {expected:?}, got {got:?}",
                    n + 1,
                    if windows { "windows" } else { "unix" }
                ));
            }
        }
    }
    let passed = total - failures.len();
    eprintln!("buildkit envVarTest: {passed}/{total} runs passed ({cases} cases; A cases run as Unix and as Windows)");
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

/// `shell/wordsTest`: `input | word,word`, with `ENV name=value` lines setting
/// variables for later cases (BuildKit's `TestShellParser4Words`, normal mode).
#[test]
fn words_test() {
    let Some(root) = root() else { return };
    let data = read(&root.join("shell/wordsTest"));
    let lex = Lexer::new('\\');
    let mut envs: Vec<String> = Vec::new();
    let mut total = 0;
    let mut failures = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            envs.push(rest.trim_start_matches(' ').to_string());
            continue;
        }
        let parts: Vec<&str> = line.split('|').collect();
        assert_eq!(parts.len(), 2, "line {}: {line}", n + 1);
        let input = parts[0].trim();
        let expected: Vec<&str> = parts[1].trim_start_matches(' ').split(',').collect();
        let env = VarList::from_assignments(envs.iter().map(String::as_str), false);
        let got = lex
            .process_words(input, &env)
            .unwrap_or_else(|_| vec!["error".to_string()]);
        total += 1;
        if got != expected {
            failures.push(format!(
                "line {}: {input:?} expected {expected:?}, got {got:?}",
                n + 1
            ));
        }
    }
    let passed = total - failures.len();
    eprintln!("buildkit wordsTest: {passed}/{total} passed");
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}
