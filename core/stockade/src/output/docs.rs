//! Rule documentation generated from the registry: the `stockade rules` listings
//! (text table, JSON, Markdown), `stockade explain`, and `docs/rules.md` (which is
//! exactly [`rules_markdown`] of [`crate::rules`]).

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::rule::RuleMeta;

/// The command that regenerates `docs/rules.md`.
pub const REGENERATE: &str = "cargo run -p stockade-cli -- rules --format markdown > docs/rules.md";

/// Which column of the alias table an alias belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasTool {
    /// `DL3007`, `SC2086`.
    Hadolint,
    /// `DS-0001`, `AVD-DS-0001`, `KSV-0017`.
    Trivy,
    /// `CKV_DOCKER_2`, `CKV_K8S_16`.
    Checkov,
    /// `BuildKit` checks, Pod Security Admission controls, kube-linter, … .
    Other,
}

/// Classify an alias by the naming scheme of the tool it comes from.
pub fn alias_tool(alias: &str) -> AliasTool {
    let upper = alias.to_ascii_uppercase();
    let numbered = |prefix: &str| {
        upper
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    if numbered("DL") || numbered("SC") {
        AliasTool::Hadolint
    } else if upper.starts_with("DS-")
        || upper.starts_with("KSV-")
        || upper.starts_with("AVD-")
        || numbered("DS")
        || numbered("KSV")
    {
        AliasTool::Trivy
    } else if upper.starts_with("CKV") {
        AliasTool::Checkov
    } else {
        AliasTool::Other
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Escape text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn code_list(items: &[&str]) -> String {
    if items.is_empty() {
        "—".to_string()
    } else {
        items
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Shift the Markdown headings of a rule's docs down by `levels` (outside code fences).
fn demote_headings(docs: &str, levels: usize) -> String {
    let mut out = String::with_capacity(docs.len() + 64);
    let mut fence: Option<&str> = None;
    for line in docs.lines() {
        let trimmed = line.trim_start();
        let marker = if trimmed.starts_with("```") {
            Some("```")
        } else if trimmed.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(f), Some(m)) if f == m => fence = None,
            _ => {}
        }
        if fence.is_none() && marker.is_none() && line.starts_with('#') {
            out.push_str(&"#".repeat(levels));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `docs/rules.md`: an index, the alias table, then every rule's metadata and docs,
/// each under a heading whose anchor is the lower-case id (the help URLs' target).
pub fn rules_markdown(rules: &[&RuleMeta]) -> String {
    let mut out = String::new();
    out.push_str("# Stockade rules\n\n");
    let _ = writeln!(
        out,
        "<!-- Generated from the rule registry; do not edit by hand. Regenerate with:\n     {REGENERATE} -->\n"
    );
    let _ = writeln!(
        out,
        "Stockade has {} built-in {}. Each has a stable id; suppressions and the \
         configuration also accept the rule's name and the ids of the matching rules \
         of other tools (its aliases).\n",
        rules.len(),
        if rules.len() == 1 { "rule" } else { "rules" }
    );

    out.push_str("## Index\n\n");
    out.push_str("| ID | Severity | Category | Pack | Title | Aliases |\n");
    out.push_str("|----|----------|----------|------|-------|---------|\n");
    for r in rules {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} | {} | {} |",
            r.id,
            r.id.to_ascii_lowercase(),
            r.severity,
            r.category.as_str(),
            r.pack.as_str(),
            cell(r.title),
            cell(&code_list(r.aliases)),
        );
    }
    out.push('\n');

    out.push_str("## Aliases\n\n");
    out.push_str(
        "The same concern as named by other tools: hadolint (`DL*`, `SC*`), Trivy \
         (`DS-*`, `KSV-*`), Checkov (`CKV*`), and others (BuildKit checks, Pod Security \
         Admission controls, kube-linter, …).\n\n",
    );
    out.push_str("| Concept | Stockade | hadolint | Trivy | Checkov | Others |\n");
    out.push_str("|---------|----------|----------|-------|---------|--------|\n");
    let mut any = false;
    for r in rules.iter().filter(|r| !r.aliases.is_empty()) {
        any = true;
        let column = |tool: AliasTool| {
            let names: Vec<&str> = r
                .aliases
                .iter()
                .copied()
                .filter(|a| alias_tool(a) == tool)
                .collect();
            cell(&code_list(&names))
        };
        let _ = writeln!(
            out,
            "| {} | [{}](#{}) | {} | {} | {} | {} |",
            cell(r.title),
            r.id,
            r.id.to_ascii_lowercase(),
            column(AliasTool::Hadolint),
            column(AliasTool::Trivy),
            column(AliasTool::Checkov),
            column(AliasTool::Other),
        );
    }
    if !any {
        out.push_str("| — | — | — | — | — | — |\n");
    }
    out.push('\n');

    out.push_str("## Rule reference\n");
    for r in rules {
        out.push('\n');
        let _ = writeln!(out, "### {}\n", r.id);
        let _ = writeln!(out, "**{}**\n", r.title);
        out.push_str("| | |\n|---|---|\n");
        let _ = writeln!(out, "| Name | `{}` |", r.name);
        let _ = writeln!(out, "| Severity | {} |", r.severity);
        let _ = writeln!(out, "| Category | {} |", r.category.as_str());
        let _ = writeln!(out, "| Pack | {} |", r.pack.as_str());
        let _ = writeln!(
            out,
            "| Enabled by default | {} |",
            yes_no(r.default_enabled)
        );
        let _ = writeln!(out, "| Aliases | {} |", cell(&code_list(r.aliases)));
        out.push('\n');
        let _ = writeln!(out, "**Fix:** {}\n", r.remediation);
        if let Some(options) = r.options {
            let defaults = serde_json::to_string_pretty(&(options.defaults)()).unwrap_or_default();
            let _ = writeln!(
                out,
                "**Options** (`rules.{}.options` in `stockade.yaml`), with their defaults:\n\n```json\n{defaults}\n```\n",
                r.id
            );
        }
        out.push_str(demote_headings(&r.docs_markdown(), 2).trim_end());
        out.push('\n');
    }
    out
}

/// `stockade rules`: an aligned table, one rule a line.
pub fn rules_table(rules: &[&RuleMeta]) -> String {
    let header = ["ID", "SEVERITY", "CATEGORY", "PACK", "TITLE", "ALIASES"];
    let rows: Vec<[String; 6]> = rules
        .iter()
        .map(|r| {
            [
                r.id.to_string(),
                r.severity.to_string(),
                r.category.as_str().to_string(),
                r.pack.as_str().to_string(),
                r.title.to_string(),
                r.aliases.join(", "),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 6]| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$}  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]].map(String::as_str));
    }
    out
}

/// One rule's metadata as JSON (the elements of `stockade rules --format json`).
pub fn rule_json(r: &RuleMeta) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "pack": r.pack,
        "severity": r.severity,
        "category": r.category,
        "title": r.title,
        "remediation": r.remediation,
        "aliases": r.aliases,
        "default_enabled": r.default_enabled,
        "help": r.help_url(),
        "options": r.options.map(|o| (o.defaults)()),
        "docs": r.docs_markdown(),
    })
}

/// `stockade rules --format json`: an array of [`rule_json`], followed by a newline.
pub fn rules_json(rules: &[&RuleMeta]) -> String {
    let list: Vec<Value> = rules.iter().map(|r| rule_json(r)).collect();
    let mut out = serde_json::to_string_pretty(&list).unwrap_or_default();
    out.push('\n');
    out
}

/// `stockade explain ID`: the rule's metadata, fix, options and docs.
pub fn explain_text(r: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", r.id, r.name);
    let _ = writeln!(out, "{}\n", r.title);
    let _ = writeln!(out, "Severity:  {}", r.severity);
    let _ = writeln!(out, "Category:  {}", r.category.as_str());
    let _ = writeln!(out, "Pack:      {}", r.pack.as_str());
    let _ = writeln!(out, "Enabled:   {}", yes_no(r.default_enabled));
    if !r.aliases.is_empty() {
        let _ = writeln!(out, "Aliases:   {}", r.aliases.join(", "));
    }
    let _ = writeln!(out, "Help:      {}", r.help_url());
    let _ = writeln!(out, "\nFix: {}", r.remediation);
    if let Some(options) = r.options {
        let defaults = serde_json::to_string_pretty(&(options.defaults)()).unwrap_or_default();
        let _ = writeln!(out, "\nOptions (defaults):\n{defaults}");
    }
    out.push('\n');
    out.push_str(r.docs_markdown().trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Category, Pack, Severity};

    stockade_source::declare_rule! {
        /// ## What it does
        /// Flags `latest`.
        ///
        /// ## Example
        /// ```dockerfile
        /// # a comment, not a heading
        /// FROM node:latest
        /// ```
        pub static SAMPLE = {
            id: "DF9999",
            name: "sample-rule",
            pack: Pack::Dockerfile,
            aliases: &["DL3007", "DS-0001", "CKV_DOCKER_7", "buildkit:FromLatest"],
            severity: Severity::Medium,
            category: Category::Security,
            title: "Image uses | the latest tag",
            remediation: "Pin it.",
        };
    }

    #[test]
    fn aliases_are_classified_by_tool() {
        assert_eq!(alias_tool("DL3007"), AliasTool::Hadolint);
        assert_eq!(alias_tool("SC2086"), AliasTool::Hadolint);
        assert_eq!(alias_tool("DS-0001"), AliasTool::Trivy);
        assert_eq!(alias_tool("AVD-KSV-0017"), AliasTool::Trivy);
        assert_eq!(alias_tool("KSV017"), AliasTool::Trivy);
        assert_eq!(alias_tool("CKV_K8S_16"), AliasTool::Checkov);
        assert_eq!(alias_tool("privileged"), AliasTool::Other);
        assert_eq!(alias_tool("DLX"), AliasTool::Other);
    }

    #[test]
    fn markdown_snapshot() {
        let rules: Vec<&RuleMeta> = vec![&crate::suppress::UNUSED_SUPPRESSION, &SAMPLE];
        let md = rules_markdown(&rules);
        // Code-fence comments are not turned into headings.
        assert!(md.contains("\n# a comment, not a heading\n"));
        assert!(md.contains("\n#### What it does\n"));
        insta::assert_snapshot!(md);
    }

    #[test]
    fn table_json_and_explain_snapshots() {
        let rules: Vec<&RuleMeta> = vec![&crate::suppress::UNUSED_SUPPRESSION, &SAMPLE];
        insta::assert_snapshot!("table", rules_table(&rules));
        insta::assert_snapshot!("explain", explain_text(&SAMPLE));
        let json: Value = serde_json::from_str(&rules_json(&rules)).unwrap();
        assert_eq!(json[1]["aliases"][0], "DL3007");
        assert_eq!(json[0]["severity"], "info");
        assert_eq!(json[0]["pack"], "meta");
    }
}
