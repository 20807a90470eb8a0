//! Suppression comments in Dockerfiles.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use stockade::{Kind, Report};

fn scan(text: &str) -> Report {
    stockade::scan(text, Some("Dockerfile"), Some(Kind::Dockerfile))
}

fn rules(r: &[stockade::Finding]) -> Vec<&str> {
    r.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn stockade_ignore_covers_the_next_instruction() {
    let r = scan("# stockade ignore=DF0001\nFROM node:latest\nFROM alpine:latest\n");
    let latest: Vec<_> = r.findings.iter().filter(|f| f.rule == "DF0001").collect();
    assert_eq!(latest.len(), 1, "{:?}", rules(&r.findings));
    assert_eq!(latest[0].start.line.get(), 3);
    let s: Vec<_> = r.suppressed.iter().filter(|f| f.rule == "DF0001").collect();
    assert_eq!(s.len(), 1);
    let sup = s[0].suppression.as_ref().unwrap();
    assert_eq!(sup.line, 1);
    assert_eq!(sup.kind, "comment");
}

#[test]
fn ignore_covers_a_multi_line_instruction_and_several_rules() {
    let text = "FROM debian:12\n# stockade ignore=DF0021, DF0022\n# another comment\nRUN apt-get update \\\n && apt-get install curl=1 \\\n && rm -rf /var/lib/apt/lists/*\n";
    let r = scan(text);
    assert!(
        !rules(&r.findings).contains(&"DF0021"),
        "{:?}",
        rules(&r.findings)
    );
    assert!(!rules(&r.findings).contains(&"DF0022"));
    assert!(rules(&r.suppressed).contains(&"DF0021"));
    assert!(!rules(&r.findings).contains(&"ST0001"));
}

#[test]
fn ignore_separated_by_a_blank_line_does_not_apply() {
    let r = scan("# stockade ignore=DF0001\n\nFROM node:latest\n");
    assert!(rules(&r.findings).contains(&"DF0001"));
}

#[test]
fn global_ignore_covers_the_file() {
    let r = scan("# stockade global ignore=DF0001\nFROM node:latest\nFROM alpine\n");
    assert!(
        !rules(&r.findings).contains(&"DF0001"),
        "{:?}",
        rules(&r.findings)
    );
    let s: Vec<_> = r.suppressed.iter().filter(|f| f.rule == "DF0001").collect();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].suppression.as_ref().unwrap().kind, "global-comment");
}

#[test]
fn hadolint_ignore_matches_through_aliases() {
    let r = scan("FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n");
    assert!(
        !rules(&r.findings).contains(&"DF0023"),
        "{:?}",
        rules(&r.findings)
    );
    assert!(rules(&r.suppressed).contains(&"DF0023"));
    let r = scan("# hadolint global ignore=DL3007,DL3002\nFROM node:latest\nUSER root\n");
    assert!(!rules(&r.findings).contains(&"DF0001"));
    assert!(!rules(&r.findings).contains(&"DF0005"));
}

#[test]
fn unused_suppression_is_reported() {
    let text = "# stockade ignore=DF0001\nFROM alpine:3.20\n";
    let r = scan(text);
    let unused: Vec<_> = r.findings.iter().filter(|f| f.rule == "ST0001").collect();
    assert_eq!(unused.len(), 1, "{:?}", rules(&r.findings));
    // Points at the rule id inside the comment.
    assert_eq!(unused[0].start.line.get(), 1);
    assert_eq!(unused[0].start.column.get(), 19);
    assert_eq!(unused[0].end.column.get(), 25);
    let r = scan("# stockade ignore=DF9999\nFROM alpine:3.20\n");
    let unused: Vec<_> = r.findings.iter().filter(|f| f.rule == "ST0001").collect();
    assert!(unused[0].message.contains("neither a Stockade rule"));
}

#[test]
fn disabled_rules_do_not_run() {
    let engine =
        stockade::Engine::new(stockade::Config::default().with_rule_enabled("DF0001", false));
    let r = engine.scan("FROM node:latest\n", Some("Dockerfile"), None);
    assert!(!rules(&r.findings).contains(&"DF0001"));
}

#[test]
fn heredoc_body_is_not_an_instruction() {
    let r = scan("FROM alpine:3.20 AS a\nRUN <<EOF\nFROM x AS a\nMAINTAINER y\nEOF\n");
    assert!(!rules(&r.findings).contains(&"DF0019"));
    assert!(!rules(&r.findings).contains(&"DF0014"));
}

#[test]
fn findings_carry_stage_and_instruction() {
    let r = scan("FROM golang:1.23 AS build\nRUN sudo make\nFROM alpine:3.20\nRUN sudo ls\n");
    let sudo: Vec<_> = r.findings.iter().filter(|f| f.rule == "DF0006").collect();
    assert_eq!(sudo.len(), 2);
    assert_eq!(sudo[0].object.as_deref(), Some("stage build"));
    assert_eq!(sudo[0].pointer.as_deref(), Some("RUN#1"));
    assert_eq!(sudo[1].object.as_deref(), Some("stage 1"));
    assert_eq!(sudo[1].pointer.as_deref(), Some("RUN#2"));
}
