//! Every file of the shared Kubernetes corpus reads without errors, except the five
//! files that repeat a mapping key (see /work/shared/corpora/README.md).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;

use stockade::source::LineIndex;
use stockade::yaml::{parse_stream, Limits, Node};

/// The five files with a repeated key, in name order: (file, repeated key).
const REPEATED_KEYS: [(&str, &str); 5] = [
    ("k8s-examples___archived__openshift-origin__etcd-controller.yaml", "selector"),
    ("k8s-examples___archived__openshift-origin__etcd-discovery-controller.yaml", "selector"),
    ("k8s-examples___archived__openshift-origin__openshift-controller.yaml", "selector"),
    ("k8s-examples___archived__persistent-volume-provisioning__quobyte__quobyte-admin-secret.yaml", "type"),
    ("k8s-examples___archived__volumes__scaleio__sc-pvc.yaml", "storageClassName"),
];

/// Objects in a document as the corpus index counts them: a `…List` with `items`
/// counts its items.
fn objects(node: &Node) -> usize {
    let is_list = node
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k.ends_with("List"));
    match (is_list, node.get("items").and_then(Node::as_seq)) {
        (true, Some(items)) => items.len(),
        _ => 1,
    }
}

#[test]
fn kubernetes_corpus_reads_like_kubernetes() {
    let Some(dir) = common::shared("corpora/kubernetes") else {
        return;
    };
    let index = std::fs::read_to_string(dir.with_file_name("kubernetes.csv")).unwrap();
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
        expected.insert(cols[0].to_string(), cols[cols.len() - 1].parse().unwrap());
    }

    let mut files = 0;
    let mut documents = 0;
    let mut objects_total = 0;
    let mut failed = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let stream = parse_stream(&text, &Limits::default());
        files += 1;
        documents += stream.documents.len();
        let mut file_objects = 0;
        for doc in &stream.documents {
            match &doc.root {
                Ok(node) if node.is_null() => {}
                Ok(node) => file_objects += objects(node),
                Err(problem) => {
                    let lines = LineIndex::new(&text);
                    let line = lines.position(&text, problem.span.start).line.get();
                    failed.push((
                        name.clone(),
                        problem.message.clone(),
                        line,
                        problem.span.text(&text).to_string(),
                    ));
                    file_objects += 1;
                }
            }
        }
        objects_total += file_objects;
        assert_eq!(Some(&file_objects), expected.get(&name), "{name}: objects");
    }
    assert_eq!(files, 418);
    // 628 YAML documents (none empty); the corpus index counts 632 because two
    // `RoleList`/`RoleBindingList` documents hold 3 items each.
    assert_eq!(documents, 628);
    assert_eq!(objects_total, 632);

    let names: Vec<&str> = failed.iter().map(|f| f.0.as_str()).collect();
    let want: Vec<&str> = REPEATED_KEYS.iter().map(|r| r.0).collect();
    assert_eq!(
        names, want,
        "only the five files with a repeated key fail: {failed:#?}"
    );
    for ((_, message, line, text), (_, key)) in failed.iter().zip(REPEATED_KEYS) {
        // Located at the second occurrence, naming the line of the first.
        assert_eq!(text, key);
        let first: u32 = message.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(first < *line, "{message} (at line {line})");
        assert_eq!(
            message,
            &format!("key `{key}` already defined at line {first}")
        );
    }
}
