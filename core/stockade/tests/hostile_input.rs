//! Hostile input through the public API: binary files, enormous lines and files,
//! broken heredocs and directives, odd line ends, alias bombs and deep nesting.
//!
//! Each input must give a report with a located, typed error or a bounded,
//! explicit result; never a panic, never a silently missing document. Nothing here
//! measures time: sizes and counts are asserted instead.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use std::fmt::Write as _;

use common::invariants::check_report;
use stockade::{Config, Engine, ErrorKind, Kind, Report, ScanError};

fn scan(text: &str, kind: Kind) -> Report {
    let report = stockade::scan(text, Some("input"), Some(kind));
    check_report(text, &report, "scan");
    report
}

fn dockerfile(text: &str) -> Report {
    scan(text, Kind::Dockerfile)
}

fn kubernetes(text: &str) -> Report {
    scan(text, Kind::Kubernetes)
}

/// The errors of `kind`.
fn errors_of(report: &Report, kind: ErrorKind) -> Vec<&ScanError> {
    report.errors.iter().filter(|e| e.kind == kind).collect()
}

/// The one error of `kind`, with its 1-based (line, column).
fn only_error(report: &Report, kind: ErrorKind) -> (&ScanError, (u32, u32)) {
    let errors = errors_of(report, kind);
    assert_eq!(
        errors.len(),
        1,
        "expected one {kind:?} error: {:#?}",
        report.errors
    );
    let e = errors[0];
    let start = e.start.expect("located");
    (e, (start.line.get(), start.column.get()))
}

// ---------------------------------------------------------------------------
// Dockerfiles
// ---------------------------------------------------------------------------

#[test]
fn dockerfile_with_nul_bytes_is_a_located_parse_error() {
    let text = "FROM alpine\nRUN echo \0\0\0\nUSER app\n";
    let report = dockerfile(text);
    let (e, at) = only_error(&report, ErrorKind::Parse);
    assert_eq!(at, (2, 10), "{e:?}");
    assert_eq!(report.summary.documents, 1);
}

/// Deterministic pseudo-random bytes (xorshift), made UTF-8 as a lossy reader would.
fn random_text(seed: u64, len: usize) -> String {
    let mut state = seed;
    let bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn random_bytes_give_located_errors_in_every_pack() {
    for seed in 1..=20 {
        let text = random_text(seed, 4096);
        for kind in [Kind::Dockerfile, Kind::Kubernetes] {
            let report = scan(&text, kind);
            assert!(
                !report.errors.is_empty(),
                "seed {seed} {kind:?}: random bytes read without an error"
            );
            assert!(
                report
                    .errors
                    .iter()
                    .all(|e| matches!(e.kind, ErrorKind::Parse | ErrorKind::Limit)),
                "{:#?}",
                report.errors
            );
        }
    }
}

#[test]
fn a_line_over_64_kib_is_buildkits_line_error() {
    for len in [64 * 1024, 1 << 20] {
        let text = format!("FROM alpine\nRUN echo {}\nUSER app\n", "a".repeat(len));
        let report = dockerfile(&text);
        let (e, at) = only_error(&report, ErrorKind::Parse);
        assert_eq!(at, (2, 1), "{e:?}");
        assert!(e
            .message
            .contains("dockerfile line greater than max allowed size"));
        // The rest of the file is still read.
        assert_eq!(report.summary.documents, 1);
    }
}

#[test]
fn a_long_yaml_line_is_read() {
    let value = "a".repeat(1 << 20);
    let text =
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata:\n  k: {value}\n");
    let report = kubernetes(&text);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.summary.kinds.get("ConfigMap"), Some(&1));
}

#[test]
fn unterminated_heredoc_is_located_at_its_word() {
    let text = "FROM alpine\nRUN <<EOF\necho hi\n";
    let report = dockerfile(text);
    let (e, at) = only_error(&report, ErrorKind::Parse);
    assert!(e.message.contains("unterminated heredoc"), "{e:?}");
    assert_eq!(at.0, 2, "{e:?}");
}

#[test]
fn invalid_escape_directive_is_located_at_the_directive() {
    let report = dockerfile("# escape=x\nFROM alpine\n");
    let (e, at) = only_error(&report, ErrorKind::Parse);
    assert!(e.message.contains("invalid escape token"), "{e:?}");
    assert_eq!(at.0, 1);
}

#[test]
fn repeated_directive_is_located_at_the_second() {
    let report = dockerfile("# escape=`\n# escape=`\nFROM alpine\n");
    let (e, at) = only_error(&report, ErrorKind::Parse);
    assert!(
        e.message.contains("only one escape parser directive"),
        "{e:?}"
    );
    assert_eq!(at.0, 2);
}

#[test]
fn continuation_at_end_of_file_is_bounded() {
    for text in [
        "FROM alpine\nRUN echo \\",
        "FROM alpine\nRUN echo \\\n",
        "\\",
        "\\\n\\\n",
    ] {
        let report = dockerfile(text);
        assert_eq!(report.summary.documents, 1, "{text:?}");
    }
}

#[test]
fn line_ends_and_byte_order_marks() {
    let lf = dockerfile("FROM node:latest\nUSER root\n");
    let crlf = dockerfile("FROM node:latest\r\nUSER root\r\n");
    let bom = dockerfile("\u{feff}FROM node:latest\r\nUSER root\r\n");
    let rules = |r: &Report| {
        r.findings
            .iter()
            .map(|f| f.rule.clone())
            .collect::<Vec<_>>()
    };
    assert!(lf.errors.is_empty() && crlf.errors.is_empty() && bom.errors.is_empty());
    assert_eq!(rules(&lf), rules(&crlf));
    assert_eq!(rules(&lf), rules(&bom));
    // A lone CR is not a line break (BuildKit splits on \n).
    let cr = dockerfile("FROM node:latest\rUSER root\r");
    assert_eq!(cr.summary.documents, 1);
    for text in ["\r", "\r\r\n", "\u{feff}", "\u{feff}\u{feff}FROM a\n"] {
        dockerfile(text);
        kubernetes(text);
    }
    let yaml = kubernetes("\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: x\r\n");
    assert!(yaml.errors.is_empty(), "{:#?}", yaml.errors);
    assert_eq!(yaml.summary.kinds.get("Pod"), Some(&1));
}

#[test]
fn deep_substitution_and_onbuild_nesting_are_bounded() {
    let deep = format!(
        "FROM alpine\nRUN echo {}x{}\n",
        "${a:-".repeat(10_000),
        "}".repeat(10_000)
    );
    dockerfile(&deep);
    let onbuild = format!("FROM alpine\n{}RUN x\n", "ONBUILD ".repeat(5_000));
    dockerfile(&onbuild);
    let json = format!(
        "FROM alpine\nCMD {}{}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    dockerfile(&json);
}

// ---------------------------------------------------------------------------
// YAML / JSON
// ---------------------------------------------------------------------------

#[test]
fn yaml_with_nul_bytes_is_a_located_parse_error() {
    let report = kubernetes("apiVersion: v1\nkind: Pod\nmetadata: {name: \0}\n");
    let (e, at) = only_error(&report, ErrorKind::Parse);
    assert_eq!(at.0, 3, "{e:?}");
    assert_eq!(report.summary.documents, 1);
}

#[test]
fn billion_laughs_is_a_limit_error() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='j' {
        let _ = writeln!(
            text,
            "{name}: &{name} [{}]",
            vec![format!("*{prev}"); 9].join(",")
        );
        prev = name;
    }
    let report = kubernetes(&text);
    let (e, at) = only_error(&report, ErrorKind::Limit);
    assert!(at.0 >= 2, "{e:?}");
    assert_eq!(report.summary.documents, 1);
}

/// One document whose aliases copy about 75 000 nodes (under the 100 000 budget).
fn alias_document() -> String {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (name, prev) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d")] {
        let _ = writeln!(
            text,
            "{name}: &{name} [{}]",
            vec![format!("*{prev}"); 9].join(", ")
        );
    }
    text
}

fn count_nodes(node: &stockade::yaml::Node) -> usize {
    use stockade::yaml::Value;
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| count_nodes(k) + count_nodes(v))
            .sum(),
        _ => 0,
    }
}

/// Issue 14, item 2: the alias budget is per file, not per document. Thirty
/// documents each just under the old per-document budget made 8.7 KB of YAML
/// several hundred megabytes of nodes; now the second document is a located
/// `limit` problem and the nodes kept stay within the budget.
#[test]
fn alias_expansion_is_bounded_per_file_not_per_document() {
    use stockade::yaml::{parse_stream, Limits};
    let doc = alias_document();
    let text = vec![doc.as_str(); 30].join("---\n");
    let limits = Limits::default();
    let stream = parse_stream(&text, &limits);
    assert_eq!(stream.documents.len(), 30);
    let nodes: usize = stream
        .documents
        .iter()
        .filter_map(|d| d.node())
        .map(count_nodes)
        .sum();
    // The nodes written in the text, and at most the budget's worth of copies.
    assert!(
        nodes <= text.len() + limits.max_alias_nodes,
        "{nodes} nodes kept from {} bytes",
        text.len()
    );
    assert!(stream.documents[0].node().is_some());
    let p = stream.documents[1]
        .problem()
        .expect("second document over the budget");
    assert_eq!(p.kind, ErrorKind::Limit);
    assert!(p.message.contains("in this file"), "{}", p.message);
    assert!(
        p.span.start as usize > doc.len(),
        "located in the second document"
    );
    // Documents without aliases are still read.
    let stream = parse_stream(&format!("{text}---\nok: 1\n"), &limits);
    assert!(stream.documents[30].node().is_some());
}

/// Issue 14, item 9: a `<<` written after an explicit key overrides it, as go-yaml
/// v2 (kubectl) decodes it: `privileged: false` then `<<: {privileged: true}` is a
/// privileged container. It was read as `false`, hiding the container.
#[test]
fn a_merge_after_an_explicit_key_overrides_it_as_kubectl_reads_it() {
    let pod = |security: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n{security}"
        )
    };
    let privileged = |text: &str| {
        let report = kubernetes(text);
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        report.findings.iter().any(|f| f.rule == "PSS001")
    };
    // The merge comes after the explicit key: it wins.
    assert!(privileged(&pod(
        "      privileged: false\n      <<: {privileged: true}\n"
    )));
    // Through an alias, as a sequence item (earlier items win over later ones).
    let text = format!(
        "x: &on {{privileged: true}}\n---\n{}",
        pod("      privileged: false\n      <<: [{privileged: true}, {privileged: false}]\n")
    );
    assert!(privileged(&text));
    // An explicit key after the merge wins over it.
    assert!(!privileged(&pod(
        "      <<: {privileged: true}\n      privileged: false\n"
    )));
}

/// Issue 14, item 10: runc and moby read a numeric `USER` with `strconv.Atoi`, so
/// `00`, `+0`, `-0` and `000000` are UID 0. DF0005 only knew `0` and `root`.
#[test]
fn user_ids_spelled_differently_are_still_root() {
    let root = |user: &str| {
        let report = dockerfile(&format!("FROM debian:12\nUSER {user}\n"));
        report.findings.iter().any(|f| f.rule == "DF0005")
    };
    for user in ["0", "00", "+0", "-0", "000000", "root", "00:1000", "\"+0\""] {
        assert!(root(user), "USER {user} runs as root");
    }
    for user in ["1000", "0x0", "0_0", "0.0", " 1", "app", "ROOT", "1000:0"] {
        assert!(!root(user), "USER {user} does not run as root");
    }
}

fn assert_depth_limit(text: &str) {
    let report = kubernetes(text);
    let (e, _) = only_error(&report, ErrorKind::Limit);
    assert!(e.message.contains("deep"), "{e:?}");
    assert_eq!(report.summary.documents, 1);
}

#[test]
fn deep_nesting_is_a_limit_error() {
    let n = 10_000;
    assert_depth_limit(&format!("{}{}", "[".repeat(n), "]".repeat(n)));
    assert_depth_limit(&"[".repeat(n));
    assert_depth_limit(&format!("{}1{}", "{a: ".repeat(n), "}".repeat(n)));
    assert_depth_limit(&format!("{}1{}", "{\"a\": ".repeat(n), "}".repeat(n)));
    assert_depth_limit(&format!("{}x\n", "- ".repeat(n)));
    let mut block = String::new();
    for i in 0..3_000 {
        let _ = writeln!(block, "{}a:", " ".repeat(i));
    }
    assert_depth_limit(&block);
}

// ---------------------------------------------------------------------------
// Work bounds found by this suite (each was a hang or a memory blow-up)
// ---------------------------------------------------------------------------

/// `ENV A=$A$A` on every line doubles the value: 60 lines would need 2^60 bytes.
/// The rules' substitution budget stops it with one located `limit` error.
#[test]
fn a_variable_doubled_on_every_line_is_a_limit_error() {
    let mut text = String::from("FROM alpine\nENV A=lol\n");
    for _ in 0..60 {
        text.push_str("ENV A=$A$A\n");
    }
    text.push_str("COPY $A $A /dest\nEXPOSE $A\nWORKDIR $A\n");
    let report = dockerfile(&text);
    let (e, at) = only_error(&report, ErrorKind::Limit);
    assert!(e.message.contains("variables expand to more than"), "{e:?}");
    // Doubling j copies 3·2^j bytes, and the model expands each ENV value
    // twice (once for its value, once to check for undefined variables):
    // 6·(2^(j+1) − 2) in all, past 32 MiB at j = 22, on line 24.
    assert_eq!(at, (24, 1), "{e:?}");
}

/// A chain of stages each built on the previous one and adding an ENV: the
/// inherited variable sets grow quadratically; past the budget the stages are
/// not checked for undefined variables, and the file says so.
#[test]
fn a_long_chain_of_stages_is_bounded() {
    let mut text = String::from("FROM alpine AS s0\nENV V0=1\n");
    for i in 1..1_500 {
        let _ = write!(text, "FROM s{} AS s{i}\nENV V{i}=$V{}\n", i - 1, i - 1);
    }
    let report = dockerfile(&text);
    let (e, at) = only_error(&report, ErrorKind::Limit);
    assert!(e.message.contains("stages inherit more than"), "{e:?}");
    // Sum of 1..=n inherited names passes 1 000 000 at n = 1414: stage s1414.
    assert_eq!(at, (2 * 1_414 + 1, 1), "{e:?}");
}

/// Many ENV lines, many stages, many suppression comments: each instruction is
/// looked at a bounded number of times (these were quadratic).
#[test]
fn many_instructions_and_comments_give_complete_results() {
    let n: usize = 5_000;
    let mut text = String::from("FROM alpine\n");
    for i in 0..n {
        let _ = writeln!(
            text,
            "# stockade ignore=DF0017\nENV V{i}=$V{}",
            i.saturating_sub(1)
        );
    }
    let report = dockerfile(&text);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    // Every suppression comment is unused (ST0001), none vanished.
    let unused = report
        .findings
        .iter()
        .filter(|f| f.rule == "ST0001")
        .count();
    assert_eq!(unused, n);

    let mut stages = String::new();
    for i in 0..n {
        let _ = writeln!(
            stages,
            "FROM alpine:3.20 AS s{i}\nCOPY --from=s{} /a /b",
            i.saturating_sub(1)
        );
    }
    let report = dockerfile(&stages);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    // Only the first COPY names its own stage.
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|f| f.rule == "DF0017")
            .count(),
        1,
        "{:?}",
        report.summary
    );
}

/// A pod with thousands of containers (the PSA message helper was quadratic in them).
#[test]
fn a_pod_with_many_containers_gives_a_finding_per_container() {
    let n = 2_000;
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
    for i in 0..n {
        let _ = writeln!(text, "  - {{name: c{i}, image: x}}");
    }
    // Every container gets the findings each container of a small pod gets
    // (Restricted PSS and the hardening rules), plus the pod's own; past the
    // default findings cap, so raised here.
    let (pod, per) = pod_findings("  containers:\n", |i| {
        format!("  - {{name: c{i}, image: x}}\n")
    });
    assert!(per >= 4, "{per}");
    let mut config = Config::default();
    config.limits.max_findings = pod + per * n;
    let report = Engine::new(config).scan(&text, Some("input"), Some(Kind::Kubernetes));
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.findings.len(), pod + per * n);
}

/// The findings of a Pod of its own and per container, from pods of one and two
/// containers (`head` opens the list, `item(i)` is container `i`).
fn pod_findings(head: &str, item: impl Fn(usize) -> String) -> (usize, usize) {
    let pod = |n: usize| {
        let mut t = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{head}");
        for i in 0..n {
            t.push_str(&item(i));
        }
        let r = kubernetes(&t);
        assert!(r.errors.is_empty(), "{:#?}", r.errors);
        r.findings.len()
    };
    let (one, two) = (pod(1), pod(2));
    let per = two - one;
    (one - per, per)
}

// ---------------------------------------------------------------------------
// The engine's file-size limit, enormous files, every document accounted for
// ---------------------------------------------------------------------------

/// Assert the report is the size-limit error alone: one `limit` error at 1:1,
/// nothing parsed.
fn assert_oversized(report: &Report) {
    let (e, at) = only_error(report, ErrorKind::Limit);
    assert_eq!(at, (1, 1), "{e:?}");
    assert!(e.message.contains("over the size limit of"), "{e:?}");
    assert_eq!(report.errors.len(), 1);
    assert!(report.findings.is_empty());
    assert_eq!(report.summary.files, 1);
    assert_eq!(report.summary.documents, 0);
}

#[test]
fn fifty_megabyte_files_are_one_limit_error_not_parsed() {
    let mut dockerfile = String::with_capacity(50 << 20);
    dockerfile.push_str("FROM alpine\n");
    let mut i = 0u64;
    while dockerfile.len() < 50 << 20 {
        let _ = writeln!(dockerfile, "RUN echo {i} && apt-get install -y curl");
        i += 1;
    }
    assert_oversized(&stockade::scan(&dockerfile, Some("Dockerfile"), None));
    drop(dockerfile);

    let mut yaml = String::with_capacity(50 << 20);
    let mut i = 0u64;
    while yaml.len() < 50 << 20 {
        let _ = write!(
            yaml,
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n---\n"
        );
        i += 1;
    }
    assert_oversized(&stockade::scan(&yaml, Some("big.yaml"), None));
}

#[test]
fn the_size_limit_is_configurable() {
    let mut config = Config::default();
    config.limits.max_file_bytes = 64;
    let engine = Engine::new(config);
    let text = "FROM alpine:3.20\nUSER app\n";
    let ok = engine.scan(text, Some("Dockerfile"), None);
    assert!(ok.errors.is_empty(), "{:#?}", ok.errors);
    let big = format!("{text}{}", "# padding\n".repeat(5));
    assert_oversized(&engine.scan(&big, Some("Dockerfile"), None));
    assert_oversized(&engine.scan(&big, Some("x.yaml"), None));
    // From stockade.yaml.
    let config = Config::from_yaml("limits:\n  max-file-size: 10\n", "stockade.yaml").unwrap();
    assert_oversized(&Engine::new(config).scan(text, Some("Dockerfile"), None));
    // What callers that read files use before reading one.
    let report = Engine::default().oversized("big.yaml", 17 << 20, false);
    assert_eq!(report.errors[0].path, "big.yaml");
    assert_oversized(&report);
    assert!(Engine::default()
        .oversized("ok.yaml", 1, false)
        .errors
        .is_empty());
}

/// Within the file limit, the YAML reader's own limits give explicit results: past
/// 10 000 documents, one `limit` error stands for the rest.
#[test]
fn documents_past_the_stream_limit_are_one_limit_error() {
    let n = 12_000;
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n".repeat(n);
    let report = kubernetes(&text);
    let (e, at) = only_error(&report, ErrorKind::Limit);
    assert!(e.message.contains("more than 10000 documents"), "{e:?}");
    assert_eq!(e.document, Some(10_000));
    // At the `---` that opens document 10 000.
    assert_eq!(at, (4 * 10_000, 1), "{e:?}");
    assert_eq!(report.summary.kinds.get("ConfigMap"), Some(&10_000));
    assert_eq!(report.summary.documents, 10_001);
}

/// Every document of a stream is accounted for: read as an object (counted by
/// kind), listed as skipped, or reported as an error; empty documents are the only
/// ones not counted, as kubectl skips them.
#[test]
fn every_document_of_a_stream_is_accounted_for() {
    let docs = [
        // 0: a pod (checked)
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n",
        // 1: a ConfigMap (read by the secrets rules: not skipped)
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        // 2: a scalar (not an object: skipped)
        "just text\n",
        // 3: broken YAML (error)
        "a: [\n",
        // 4: empty (not counted)
        "",
        // 5: alias bomb (limit error)
        "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
        // 6: a List of a Deployment and a non-object
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n  spec: {template: {spec: {containers: [{name: c, image: x}]}}}\n- 42\n",
        // 7: a pod the API server would reject (error)
        "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: [{name: c, image: x, securityContext: {privileged: \"yes\"}}]}\n",
        // 8: deep nesting (limit error)
        &format!("{}{}\n", "[".repeat(300), "]".repeat(300)),
        // 9: a NUL byte (error)
        "a: \"\0\"\n",
    ];
    let text = docs.join("---\n");
    let report = kubernetes(&text);
    assert_eq!(report.summary.documents, 9, "{:#?}", report.summary);
    let errors = |kind| -> Vec<usize> {
        let mut d: Vec<usize> = errors_of(&report, kind)
            .iter()
            .map(|e| e.document.unwrap())
            .collect();
        d.dedup();
        d
    };
    assert_eq!(
        errors(ErrorKind::Parse),
        vec![3, 7, 9],
        "{:#?}",
        report.errors
    );
    assert_eq!(errors(ErrorKind::Limit), vec![5, 8], "{:#?}", report.errors);
    let skipped: Vec<(usize, &str)> = report
        .summary
        .skipped
        .iter()
        .map(|s| (s.document, s.kind.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (2, "not a Kubernetes object"),
            (6, "not a Kubernetes object")
        ]
    );
    let kinds: Vec<(&str, usize)> = report
        .summary
        .kinds
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(kinds, vec![("ConfigMap", 1), ("Deployment", 1), ("Pod", 2)]);
    let with_findings: std::collections::BTreeSet<usize> =
        report.findings.iter().map(|f| f.document).collect();
    assert_eq!(with_findings.into_iter().collect::<Vec<_>>(), vec![0, 6]);
}

/// Deep nesting must not overflow the stack, also on a thread with a small stack
/// (bindings and servers scan on worker threads): 1 MiB here, with debug-build
/// frames.
#[test]
fn deep_nesting_fits_a_small_stack() {
    // Each line stays under BuildKit's 64 KiB line limit, so that it is parsed.
    let n = 10_000;
    let subst = format!("{}x{}", "${a:-".repeat(n), "}".repeat(n));
    let inputs: Vec<(Kind, String)> = vec![
        (Kind::Dockerfile, format!("FROM alpine\nENV A={subst}\nCOPY a {subst}\nWORKDIR {subst}\nEXPOSE {subst}\nUSER {subst}\n")),
        (Kind::Dockerfile, format!("ARG A={subst}\nFROM {subst}\nRUN echo {subst}\nCOPY --from={subst} a b\n")),
        (Kind::Dockerfile, format!("FROM alpine\nRUN {}{}\n", "$(".repeat(n), ")".repeat(n))),
        (Kind::Dockerfile, format!("FROM alpine\nRUN {}\n", "( ".repeat(n))),
        (Kind::Dockerfile, format!("FROM alpine\nRUN {}\n", "{ ".repeat(n))),
        (Kind::Dockerfile, format!("FROM alpine\nRUN {}true\n", "if true; then ".repeat(n / 4))),
        (Kind::Dockerfile, format!("FROM alpine\nRUN {}\n", "\"$(".repeat(n / 2))),
        (Kind::Dockerfile, format!("FROM alpine\nCMD {}{}\n", "[".repeat(n), "]".repeat(n))),
        (Kind::Kubernetes, format!("{}{}", "[".repeat(n), "]".repeat(n))),
        (Kind::Kubernetes, format!("{}1{}", "{a: ".repeat(n), "}".repeat(n))),
        (Kind::Kubernetes, format!("{}x\n", "- ".repeat(n))),
        (Kind::Kubernetes, format!("a: &a {}1{}\nb: *a\n", "[".repeat(200), "]".repeat(200))),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            for (kind, text) in &inputs {
                let report = stockade::scan(text, Some("deep"), Some(*kind));
                check_report(text, &report, "deep");
                if text.contains("${a:-${a:-") {
                    // Variable defaults nest 64 levels deep at most, explicitly.
                    let (e, _) = only_error(&report, ErrorKind::Limit);
                    assert!(e.message.contains("nest more than 64 levels"), "{e:?}");
                }
            }
        })
        .unwrap();
    handle.join().expect("no panic");
}

/// One `RUN` continued over thousands of lines, or a heredoc of thousands of
/// lines, is one script of thousands of pipelines: each pipeline is looked up
/// once (this was quadratic: minutes for 2 MB).
#[test]
fn one_enormous_run_gives_a_finding_per_pipeline() {
    let n = 4_000;
    let mut continued = String::from("FROM alpine\nRUN true && \\\n");
    let mut heredoc = String::from("FROM alpine\nRUN <<EOF\n");
    for i in 0..n {
        let _ = writeln!(continued, "  curl http://x/{i} | sh && \\");
        let _ = writeln!(heredoc, "curl http://x/{i} | sh");
    }
    continued.push_str("  true\n");
    heredoc.push_str("EOF\n");
    let assignments = format!("FROM alpine\nRUN {} true\n", "A=1 \\\n".repeat(n));
    for text in [&continued, &heredoc] {
        let report = dockerfile(text);
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        let count = |rule: &str| report.findings.iter().filter(|f| f.rule == rule).count();
        assert_eq!(count("DF0011"), n, "curl piped into sh");
        assert_eq!(count("DF0037"), n, "pipe without pipefail");
    }
    let report = dockerfile(&assignments);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
}

/// What one Dockerfile may hold is bounded so that its memory stays within the
/// budget per input byte (issue 14, item 19): instructions, argument words,
/// comments and the commands and words of its scripts. Up to each limit
/// everything is read; past it one located `limit` error says what was left out.
#[test]
fn dockerfile_budgets_keep_everything_up_to_the_limit_and_say_where_they_stop() {
    use stockade::dockerfile::{command::MAX_COMMANDS, parser};
    let limit_at = |report: &Report| -> Vec<(String, u32)> {
        errors_of(report, ErrorKind::Limit)
            .iter()
            .map(|e| (e.message.clone(), e.start.map_or(0, |s| s.line.get())))
            .collect()
    };
    // Instructions: the last one read is line MAX_INSTRUCTIONS + 1 (FROM is line 1).
    let n = parser::MAX_INSTRUCTIONS;
    let mut text = String::from("FROM alpine:3.20\n");
    for i in 1..n {
        let _ = writeln!(text, "RUN echo {i}");
    }
    assert!(
        limit_at(&dockerfile(&text)).is_empty(),
        "{n} instructions are read"
    );
    text.push_str("RUN curl http://x | sh\n");
    let report = dockerfile(&text);
    let limits = limit_at(&report);
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(
        limits[0].0.contains("more than 20000 instructions"),
        "{limits:?}"
    );
    assert_eq!(limits[0].1, u32::try_from(n).unwrap() + 1);
    assert!(
        !report.findings.iter().any(|f| f.rule == "DF0011"),
        "not read"
    );

    // Argument words: one EXPOSE over continuation lines.
    let words = format!(
        "FROM alpine\nEXPOSE {}80\n",
        "1 2 3 4 5 6 7 8 9 10 \\\n".repeat(60_000)
    );
    let limits = limit_at(&dockerfile(&words));
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(limits[0].0.contains("more than 500000 words"), "{limits:?}");
    assert_eq!(limits[0].1, 2);
    // Just under the limit, it is all read.
    let words = format!(
        "FROM alpine\nEXPOSE {}80\n",
        "1 2 3 4 5 6 7 8 9 10 \\\n".repeat(40_000)
    );
    assert!(limit_at(&dockerfile(&words)).is_empty());

    // Comments: suppressions past the limit are not read, and that is said.
    let comments = format!(
        "FROM alpine\n{}RUN true\n",
        "# note\n".repeat(parser::MAX_COMMENTS + 10)
    );
    let limits = limit_at(&dockerfile(&comments));
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(limits[0].0.contains("comment lines"), "{limits:?}");
    assert_eq!(
        limits[0].1,
        u32::try_from(parser::MAX_COMMENTS).unwrap() + 2
    );

    // Script commands: a heredoc of more commands than the budget.
    let lines = MAX_COMMANDS / 3 + 10;
    let mut heredoc = String::from("FROM alpine\nRUN <<EOF\n");
    for i in 0..lines {
        let _ = writeln!(heredoc, "echo {i}");
    }
    heredoc.push_str("EOF\nRUN curl http://x | sh\n");
    let report = dockerfile(&heredoc);
    let limits = limit_at(&report);
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(limits[0].0.contains("shell commands"), "{limits:?}");
    assert_eq!(limits[0].1, 2, "at the RUN whose script went past it");
    // The RUN after it is not parsed as a script any more: no DF0011.
    assert!(!report.findings.iter().any(|f| f.rule == "DF0011"));
}

/// Past `limits.max_findings` (10 000 by default) a file reports the findings
/// earliest in it and one `limit` error, at the first one left out, with the count
/// of the rest; every output format then stays bounded. Text frames show an
/// excerpt of long lines.
#[test]
fn findings_past_the_limit_are_counted_in_one_error() {
    let n = 3_000;
    let mut text =
        String::from("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [");
    for i in 0..n {
        let _ = write!(text, "{{name: c{i}, image: x}}, ");
    }
    text.push_str("]}}\n");
    // The findings of a pod of one container, for each container: over 10 000.
    let (pod, per) = pod_findings("  containers:\n", |i| {
        format!("  - {{name: c{i}, image: x}}\n")
    });
    let total = pod + per * n;
    assert!(total > 10_000, "{total}");
    let report = kubernetes(&text);
    assert_eq!(report.findings.len(), 10_000);
    let (e, at) = only_error(&report, ErrorKind::Limit);
    assert!(
        e.message.starts_with(&format!(
            "{} more findings from here on are not reported",
            total - 10_000
        )),
        "{e:?}"
    );
    let last_kept = report.findings.last().unwrap().start.offset;
    assert!(e.start.unwrap().offset >= last_kept, "{e:?}");
    assert_eq!(at.0, 1);

    let mut config = Config::default();
    config.limits.max_findings = 7;
    let report = Engine::new(config).scan(&text, Some("x.yaml"), None);
    assert_eq!(report.findings.len(), 7);
    let (e, _) = only_error(&report, ErrorKind::Limit);
    assert!(
        e.message
            .starts_with(&format!("{} more findings", total - 7)),
        "{e:?}"
    );

    // Text output: one frame per finding, each line cut to a window.
    let sources: std::collections::BTreeMap<String, String> =
        [("x.yaml".to_string(), text.clone())].into_iter().collect();
    let rendered = stockade::output::render(
        &report,
        stockade::output::Format::Text,
        &sources,
        stockade::output::RenderOptions::default(),
    );
    let frame_lines: Vec<&str> = rendered.lines().filter(|l| l.starts_with("1 | ")).collect();
    assert_eq!(frame_lines.len(), 7 + 1, "{rendered}");
    assert!(
        frame_lines.iter().all(|l| l.chars().count() < 140),
        "{rendered}"
    );
}

/// Issue 14, item 4: past `limits.max_findings` a pack stops holding findings
/// (they are counted): a context never holds more than about twice the cap,
/// whatever the order findings come in.
#[test]
fn findings_past_the_cap_are_counted_not_held() {
    let mut config = Config::default();
    config.limits.max_findings = 10;
    let mut ctx = stockade::Context::new(config.settings());
    let mut peak = 0;
    for i in (0..100_000u32).rev() {
        let d = stockade::Diagnostic::new(
            &stockade::source::suppress::UNUSED_SUPPRESSION,
            stockade::Span::new(i, i + 1),
            "x",
        );
        ctx.report(d);
        peak = peak.max(ctx.diagnostics.len());
    }
    assert!(peak <= 2 * 10 + 64, "{peak} findings held");
    let (held, left) = std::mem::take(&mut ctx.diagnostics).into_parts();
    assert_eq!(held.len(), 10);
    assert_eq!(left.unwrap().count, 100_000 - 10);
}

/// The cap while collecting reports what a cut at the end reported: the same
/// findings and count; a directive before the cut that covers findings past it
/// is not reported as unused (ST0001), since what it covered was not kept.
#[test]
fn the_cap_while_collecting_keeps_suppressions_honest() {
    let n = 200;
    let mut text = String::from("# stockade global ignore=DF0005\nFROM debian:12\n");
    for _ in 0..n {
        text.push_str("RUN curl -fsSL http://example.com/x | sh\n");
    }
    text.push_str("USER root\n");
    let scan = |max: usize| {
        let mut config = Config::default();
        config.limits.max_findings = max;
        Engine::new(config).scan(&text, Some("Dockerfile"), None)
    };
    let all = scan(100_000);
    assert!(all.errors.is_empty(), "{:#?}", all.errors);
    assert!(all.findings.iter().all(|f| f.rule != "ST0001"));
    assert_eq!(all.suppressed.len(), 1);
    let total = all.findings.len() + all.suppressed.len();
    assert!(total > 2 * 10 + 64, "{total}");
    let capped = scan(10);
    assert_eq!(capped.findings.len() + capped.suppressed.len(), 10);
    assert!(
        capped.findings.iter().all(|f| f.rule != "ST0001"),
        "{:#?}",
        capped.findings
    );
    let (e, _) = only_error(&capped, ErrorKind::Limit);
    assert!(
        e.message
            .starts_with(&format!("{} more findings", total - 10)),
        "{e:?}"
    );
    let first: Vec<_> = all
        .findings
        .iter()
        .take(10)
        .map(|f| (&f.rule, f.start.offset))
        .collect();
    let kept: Vec<_> = capped
        .findings
        .iter()
        .map(|f| (&f.rule, f.start.offset))
        .collect();
    assert_eq!(first, kept);
}

/// A line continuation inside the base image word: the value's byte ranges do
/// not map 1:1 to the source, so findings cover the whole word (a sub-span once
/// ended inside the `é`, found by the mutation fuzzer). Names with `é` or a BOM
/// are invalid references (no DF0001 on them): their findings must still start
/// and end on characters (`check_report`) and cover the whole word.
#[test]
fn continuation_inside_the_image_word_keeps_spans_on_characters() {
    for (text, latest) in [
        ("FROM al\\\n\u{e9}x\n", false),
        ("FROM al\\\n\u{feff}\n", false),
        ("FROM al\\\npine\n", true),
        ("FROM alpine:\\\nlatest\n", true),
        ("FROM \"node\":\\\nlatest\n", true),
    ] {
        let report = dockerfile(text);
        if latest {
            assert!(
                report.findings.iter().any(|f| f.rule == "DF0001"),
                "{text:?}: {:#?}",
                report.findings
            );
        }
        for f in report.findings.iter().filter(|f| f.start.offset >= 5) {
            assert_eq!(f.start.offset, 5, "{text:?} {f:?}");
            assert_eq!(f.end.offset as usize, text.len() - 1, "{text:?} {f:?}");
        }
    }
}

/// A 392-byte text (found by the rego fuzz target) whose flow-collection
/// padding and tab edits undid each other round after round: the reader tried
/// 85,000 rounds (minutes) before the rounds were capped. Now it stops at its
/// cap and the document is a located parse error, as kubectl refuses it too.
#[test]
fn edits_that_undo_each_other_stop_at_the_round_cap() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions/yaml/flow-padding-rounds.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let report = kubernetes(&text);
    let (e, at) = only_error(&report, ErrorKind::Parse);
    assert!(e.message.contains("invalid indentation"), "{e:?}");
    assert_eq!(at.0, 8);
}

/// A three-line template that prints gigabytes (`range until`) is rendered for
/// a scan only up to the largest source the scan reads (`max-file-size`): its
/// render stops there with a located error, and the rest of the chart is still
/// scanned. (It rendered 174 MB, in 36 s and 6.3 GB, before being refused.)
#[test]
fn a_chart_template_renders_no_more_than_a_scan_reads() {
    use stockade::helm::{load_chart, ChartInput, HelmOptions};
    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        b"apiVersion: v2\nname: c\nversion: 0.1.0\n".to_vec(),
    );
    files.insert(
        "templates/big.yaml".to_string(),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n{{- range until 5000000 }}\n  k{{ . }}: \"v\"\n{{- end }}\n".to_vec(),
    );
    files.insert(
        "templates/pod.yaml".to_string(),
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: true\n".to_vec(),
    );
    let chart = load_chart(ChartInput::Files(files), "c").unwrap();
    let limits = stockade::Limits {
        max_file_bytes: 100_000,
        ..stockade::Limits::default()
    };
    let engine = stockade::Engine::new(Config::default().with_limits(limits));
    let report = engine.scan_chart(&chart, &HelmOptions::default(), "c");
    let errors: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "c/templates/big.yaml");
    assert!(
        errors[0]
            .1
            .contains("output exceeds the limit of 100000 bytes"),
        "{errors:?}"
    );
    assert!(
        report.findings.iter().any(|f| f.rule == "PSS001"),
        "the rest is scanned"
    );
}
