//! The edits Dockerfile rules propose (see [`stockade_source::fix`]).
//!
//! Every fix edits the text as written and only where the text is what the
//! parsed value says it is (a word whose source text is its value, no line
//! continuation inside what is replaced): when a rule cannot be sure its edit
//! keeps the meaning, it proposes none, or marks it unsafe.

use crate::ast::{Instruction, KeyValue, Keyword};
use crate::command::{Command, Word};
use crate::rules::Facts;
use stockade_source::fix::{Edit, Fix};
use stockade_source::source::Span;

/// Insert ` text` right after `word` (`apk add` → `apk add --no-cache`), when
/// the word is written as its value.
pub fn insert_after_word(facts: &Facts<'_>, word: &Word, text: &str, message: &str) -> Option<Fix> {
    if word.span.text(facts.text) != word.value || word.value.is_empty() {
        return None;
    }
    Some(Fix::safe(
        message,
        vec![Edit::insert(word.span.end, format!(" {text}"))],
    ))
}

/// The keyword written in the case the instruction's keyword is written in.
fn keyword_like(ins: &Instruction, keyword: &str) -> String {
    if ins.keyword_text.chars().any(|c| c.is_ascii_uppercase()) {
        keyword.to_ascii_uppercase()
    } else {
        keyword.to_ascii_lowercase()
    }
}

/// `ADD` of local files → `COPY`, when no flag is one only `ADD` has.
pub fn add_to_copy(ins: &Instruction) -> Option<Fix> {
    const COPY_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude", "parents"];
    if ins
        .flags
        .iter()
        .any(|f| !COPY_FLAGS.contains(&f.name.as_str()))
    {
        return None;
    }
    Some(Fix::safe(
        "Use COPY",
        vec![Edit::replace(ins.keyword_span, keyword_like(ins, "COPY"))],
    ))
}

/// `MAINTAINER who` → `LABEL org.opencontainers.image.authors="who"`.
pub fn maintainer_to_label(facts: &Facts<'_>, ins: &Instruction) -> Option<Fix> {
    let who = ins.text.as_str().trim();
    if who.is_empty() || facts.file.escape != '\\' || ins.start_line != ins.end_line {
        return None;
    }
    let mut quoted = String::with_capacity(who.len() + 2);
    for c in who.chars() {
        if matches!(c, '"' | '\\' | '$') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    let span = Span::new(ins.keyword_span.start, ins.text.full_span().end);
    let label = keyword_like(ins, "LABEL");
    Some(Fix::safe(
        "Replace MAINTAINER with an authors LABEL",
        vec![Edit::replace(
            span,
            format!("{label} org.opencontainers.image.authors=\"{quoted}\""),
        )],
    ))
}

/// Shell builtins and keywords that mean nothing (or something else) run
/// without a shell.
const SHELL_ONLY: &[&str] = &[
    ".", ":", "alias", "bg", "cd", "command", "eval", "exec", "exit", "export", "fg", "for", "if",
    "jobs", "read", "readonly", "return", "set", "shift", "source", "test", "times", "trap",
    "type", "ulimit", "umask", "unalias", "unset", "wait", "while", "[",
];

/// Shell-form `CMD`/`ENTRYPOINT` whose text is a plain word list → exec form.
/// Safe for `CMD`; unsafe for `ENTRYPOINT` (in exec form the image's `CMD` is
/// appended to it as arguments, in shell form it is ignored). No fix when the
/// stage sets a `SHELL` (shell form would not run under `/bin/sh`), or the text
/// has anything a shell interprets (quotes, variables, globs, operators).
pub fn shell_to_exec(facts: &Facts<'_>, ins: &Instruction, word: &crate::ast::Word) -> Option<Fix> {
    let plain = |w: &str| {
        !w.is_empty()
            && w.bytes().all(|b| {
                b.is_ascii_alphanumeric()
                    || matches!(
                        b,
                        b'_' | b'.' | b'/' | b':' | b'=' | b'@' | b'%' | b'+' | b',' | b'-'
                    )
            })
    };
    let words: Vec<&str> = word.value.split_ascii_whitespace().collect();
    let first = words.first()?;
    if word.span.text(facts.text) != word.value
        || !words.iter().all(|w| plain(w))
        || SHELL_ONLY.contains(first)
        || first.contains('=')
        || facts
            .stage_of(ins)
            .is_some_and(|s| s.with(Keyword::Shell).next().is_some())
    {
        return None;
    }
    let json = format!(
        "[{}]",
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let edits = vec![Edit::replace(word.span, json)];
    let message = "Use the JSON exec form";
    Some(if ins.keyword == Keyword::Entrypoint {
        Fix::unsafe_edits(message, edits)
    } else {
        Fix::safe(message, edits)
    })
}

/// Legacy `ENV key value` → `ENV key=value` (the value quoted when it has
/// blanks), when the value has no quote or escape to re-read.
pub fn legacy_to_equals(facts: &Facts<'_>, kv: &KeyValue) -> Option<Fix> {
    let raw = kv.value.span.text(facts.text);
    let key = kv.key.span.text(facts.text);
    if raw.is_empty()
        || key != kv.key.value
        || raw.contains(['"', '\'', '\\', '\n', '\r', facts.file.escape])
        || kv.value.span.start < kv.key.span.end
    {
        return None;
    }
    let gap = Span::new(kv.key.span.end, kv.value.span.start);
    let mut edits = vec![Edit::replace(gap, "=")];
    if raw.contains(char::is_whitespace) {
        edits.push(Edit::replace(kv.value.span, format!("\"{raw}\"")));
    }
    Some(Fix::safe("Use `key=value`", edits))
}

/// A stage name → lower case.
pub fn lower_stage_name(facts: &Facts<'_>, name: &crate::ast::Word) -> Option<Fix> {
    if name.span.text(facts.text) != name.value {
        return None;
    }
    Some(Fix::safe(
        "Lower-case the stage name",
        vec![Edit::replace(name.span, name.value.to_ascii_lowercase())],
    ))
}

/// Append ` && rm -rf /var/lib/apt/lists/*` to a shell-form RUN. Unsafe when a
/// later RUN of the same stage installs with apt without updating first (it
/// would find no lists).
pub fn remove_apt_lists(facts: &Facts<'_>, ins: &Instruction) -> Option<Fix> {
    if !matches!(ins.args, crate::ast::Args::Text(_)) || !ins.heredocs.is_empty() {
        return None;
    }
    let script = ins.text.as_str().trim_end();
    if script.is_empty()
        || script.ends_with([';', '&', '|', '\\', '('])
        || script.contains('#')
        || script.contains('`')
    {
        return None;
    }
    let end = ins.text.full_span().end;
    let edits = vec![Edit::insert(end, " && rm -rf /var/lib/apt/lists/*")];
    let message = "Remove the apt lists in the same RUN";
    let stage = facts.stage_of(ins).map(|s| s.index);
    let later_install = facts
        .runs
        .iter()
        .filter(|r| r.stage == stage && r.ins.span.start > ins.span.start)
        .any(|r| {
            let installs = r
                .script
                .iter()
                .any(|c| is_apt(c, &["install", "upgrade", "dist-upgrade", "full-upgrade"]));
            let updates = r.script.iter().any(|c| is_apt(c, &["update"]));
            installs && !updates
        });
    Some(if later_install {
        Fix::unsafe_edits(message, edits)
    } else {
        Fix::safe(message, edits)
    })
}

fn is_apt(cmd: &Command, subs: &[&str]) -> bool {
    cmd.is(&["apt-get", "apt"])
        && crate::rules::sub_is(cmd, crate::rules::APT_VALUE_OPTS, subs).is_some()
}
