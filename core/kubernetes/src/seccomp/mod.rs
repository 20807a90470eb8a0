//! Custom seccomp profiles (the JSON files of `seccompProfile.type: Localhost`,
//! in the format of the OCI runtime / Docker's `seccomp.json`).
//!
//! A document is a profile when it is a mapping with a string `defaultAction` and a
//! `syscalls` or `architectures` key, and is not a Kubernetes object. Such a file
//! (`*.json` is detected by this shape, see [`crate::detect_kind`]) is read by the
//! Kubernetes pack, counted as kind `SeccompProfile` and checked by `K8S020` (the
//! default action must deny) and `K8S021` (dangerous syscalls must not be allowed).

use crate::hardening::Hit;
use stockade_source::context::Context;
use stockade_source::finding::Diagnostic;
use stockade_source::rule::RuleMeta;
use stockade_yaml::Node;

pub(crate) mod dangerous_syscalls;
pub(crate) mod default_action;

/// The kind a profile is counted as.
pub const KIND: &str = "SeccompProfile";

/// Actions that let the syscall run.
pub const ALLOWING: &[&str] = &["SCMP_ACT_ALLOW", "SCMP_ACT_LOG"];

/// Whether a document is a seccomp profile.
pub fn is_profile(root: &Node) -> bool {
    root.as_map().is_some()
        && root.get("defaultAction").and_then(Node::as_str).is_some()
        && (root.get("syscalls").is_some() || root.get("architectures").is_some())
        && !(root.get("apiVersion").is_some() && root.get("kind").is_some())
}

/// Whether a text (a `*.json` file) looks like a seccomp profile, for kind detection.
pub fn looks_like_profile(text: &str) -> bool {
    text.contains("\"defaultAction\"")
        && (text.contains("\"syscalls\"") || text.contains("\"architectures\""))
}

/// A seccomp rule's check.
type CheckFn = fn(&Node, &mut Vec<Hit>);

/// Check one profile document.
pub fn check(ctx: &mut Context<'_>, document: usize, root: &Node) {
    ctx.count_kind(KIND);
    let rules: [(&'static RuleMeta, CheckFn); 2] = [
        (&default_action::META, default_action::check),
        (&dangerous_syscalls::META, dangerous_syscalls::check),
    ];
    for (meta, check) in rules {
        if !ctx.enabled(meta) {
            continue;
        }
        let mut hits = Vec::new();
        check(root, &mut hits);
        for hit in hits {
            ctx.report(
                Diagnostic::new(meta, hit.loc.span, hit.message)
                    .in_document(document)
                    .with_object(KIND)
                    .with_pointer(hit.loc.pointer),
            );
        }
    }
}
