//! SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
//!
//! One run whose `tool.driver.rules` lists every built-in rule (from
//! [`crate::rules`], in id order, so `ruleIndex` is stable for a given version),
//! followed by a descriptor for each run-time rule (Gatekeeper, Rego, Kyverno)
//! that produced a result. Each descriptor carries the rule's title, the first
//! paragraph of its docs, the full docs as help, its help URL, tags (category,
//! pack, aliases), a default level and the `security-severity` score GitHub uses
//! to rank alerts.
//!
//! Findings become `results`; suppressed findings are results too, with a
//! `suppressions` entry (`inSource` for comments and annotations, `external` for
//! configuration). Scan errors are `toolExecutionNotifications` of the invocation,
//! with their location when they have one.
//!
//! A finding in a rendered document lists its origins (the values file's value,
//! the template's text) as `relatedLocations`, each with its region and a
//! message naming its role (`rendered from this value`).
//!
//! Regions are 1-based and `endColumn` is exclusive (the column after the last
//! character), as SARIF defines. SARIF's default column unit is UTF-16 code units;
//! Stockade's columns count Unicode scalar values, so the run sets `columnKind` to
//! `unicodeCodePoints`. Paths are relative URIs against `%SRCROOT%` (absolute
//! paths become `file://` URIs). Each result has a `partialFingerprints` entry
//! `stockade/v1` that hashes the rule, path, object, pointer and the offending
//! text (not its line number), so an alert survives unrelated edits above it.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::finding::{Finding, Report, ScanError};
use crate::output::Sources;
use crate::rule::{RuleMeta, Severity};
use crate::source::Position;

/// The SARIF 2.1.0 schema the output declares.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The key of Stockade's partial fingerprints.
pub const FINGERPRINT_KEY: &str = "stockade/v1";

/// The result level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` score for a severity.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// Render the report as a SARIF log, followed by a newline.
pub fn render(report: &Report, sources: &dyn Sources, pretty: bool) -> String {
    let log = to_value(report, sources);
    let mut out = if pretty {
        serde_json::to_string_pretty(&log)
    } else {
        serde_json::to_string(&log)
    }
    .unwrap_or_default();
    out.push('\n');
    out
}

/// The SARIF log as a JSON value, describing every built-in rule.
pub fn to_value(report: &Report, sources: &dyn Sources) -> Value {
    to_value_with_rules(report, sources, crate::rules())
}

/// The SARIF log as a JSON value, with `statics` as the driver's rule list (rules
/// of results not among them get a descriptor built from the finding).
pub fn to_value_with_rules(report: &Report, sources: &dyn Sources, statics: &[&RuleMeta]) -> Value {
    let mut rules: Vec<Value> = statics.iter().map(|m| static_descriptor(m)).collect();
    let mut index: HashMap<String, usize> = statics
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.to_string(), i))
        .collect();
    for f in report.findings.iter().chain(&report.suppressed) {
        if !index.contains_key(&f.rule) {
            index.insert(f.rule.clone(), rules.len());
            rules.push(dynamic_descriptor(f));
        }
    }

    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut results = Vec::new();
    for f in &report.findings {
        results.push(result(f, &index, sources, &mut seen));
    }
    for f in &report.suppressed {
        let mut r = result(f, &index, sources, &mut seen);
        let kind = match f.suppression.as_ref().map(|s| s.kind.as_str()) {
            Some("config") => "external",
            _ => "inSource",
        };
        let mut suppression = Map::new();
        suppression.insert("kind".into(), json!(kind));
        suppression.insert("status".into(), json!("accepted"));
        if let Some(s) = &f.suppression {
            suppression.insert(
                "justification".into(),
                json!(match &s.path {
                    Some(path) =>
                        format!("suppressed by a {} on line {} of {path}", s.kind, s.line),
                    None => format!("suppressed by a {} on line {}", s.kind, s.line),
                }),
            );
        }
        if let Some(obj) = r.as_object_mut() {
            obj.insert("suppressions".into(), json!([suppression]));
        }
        results.push(r);
    }

    let notifications: Vec<Value> = report.errors.iter().map(notification).collect();

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "stockade",
                    "version": report.version,
                    "semanticVersion": report.version,
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    })
}

fn static_descriptor(m: &RuleMeta) -> Value {
    let docs = m.docs_markdown();
    let mut tags = vec![m.category.as_str().to_string(), m.pack.as_str().to_string()];
    tags.extend(m.aliases.iter().map(|a| (*a).to_string()));
    json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": { "text": m.title },
        "fullDescription": { "text": summary_paragraph(&docs).unwrap_or_else(|| m.title.to_string()) },
        "help": {
            "text": format!("{}\n\n{}", m.remediation, docs.trim_end()),
            "markdown": format!("**Fix:** {}\n\n{}", m.remediation, docs.trim_end()),
        },
        "helpUri": m.help_url(),
        "defaultConfiguration": {
            "enabled": m.default_enabled,
            "level": level(m.severity),
        },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(m.severity),
            "severity": m.severity.as_str(),
        },
    })
}

fn dynamic_descriptor(f: &Finding) -> Value {
    let mut tags = vec![f.category.as_str().to_string()];
    tags.extend(f.aliases.iter().cloned());
    let mut d = json!({
        "id": f.rule,
        "shortDescription": { "text": f.title },
        "fullDescription": { "text": f.title },
        "help": { "text": f.remediation, "markdown": f.remediation },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(f.severity),
            "severity": f.severity.as_str(),
        },
    });
    if f.help.starts_with("http://") || f.help.starts_with("https://") {
        if let Some(obj) = d.as_object_mut() {
            obj.insert("helpUri".into(), json!(f.help));
        }
    }
    d
}

/// The first paragraph of the `## What it does` section, on one line.
fn summary_paragraph(docs: &str) -> Option<String> {
    let mut lines = docs.lines().skip_while(|l| l.trim() != "## What it does");
    lines.next()?;
    let para: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

fn result(
    f: &Finding,
    index: &HashMap<String, usize>,
    sources: &dyn Sources,
    seen: &mut HashMap<u64, usize>,
) -> Value {
    let mut properties = Map::new();
    properties.insert("severity".into(), json!(f.severity.as_str()));
    properties.insert("category".into(), json!(f.category.as_str()));
    properties.insert("document".into(), json!(f.document));
    if let Some(object) = &f.object {
        properties.insert("object".into(), json!(object));
    }
    if let Some(pointer) = &f.pointer {
        properties.insert("pointer".into(), json!(pointer));
    }
    let mut message = f.message.clone();
    if !f.remediation.is_empty() {
        message.push_str("\n\nFix: ");
        message.push_str(&f.remediation);
    }
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": physical_location(&f.path, Some((f.start, f.end))),
        }],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(f, sources, seen) },
        "properties": properties,
    });
    if let (Some(i), Some(obj)) = (index.get(&f.rule), r.as_object_mut()) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    if let (false, Some(obj)) = (f.origins.is_empty(), r.as_object_mut()) {
        let related: Vec<Value> = f
            .origins
            .iter()
            .enumerate()
            .map(|(id, o)| {
                json!({
                    "id": id,
                    "physicalLocation": physical_location(&o.path, Some((o.start, o.end))),
                    "message": { "text": format!("rendered from this {}", o.role) },
                })
            })
            .collect();
        obj.insert("relatedLocations".into(), Value::Array(related));
    }
    if let (Some(fix), Some(obj)) = (&f.fix, r.as_object_mut()) {
        obj.insert("fixes".into(), json!([sarif_fix(f, fix)]));
    }
    r
}

/// A SARIF `fix`: one `artifactChange` per file the edits touch, each edit a
/// `replacement` of a region (empty for an insertion) by the new text. The
/// applicability is in the description and in `properties`.
fn sarif_fix(f: &Finding, fix: &crate::fix::LocatedFix) -> Value {
    let mut by_file: Vec<(&str, Vec<Value>)> = Vec::new();
    for edit in &fix.edits {
        let path = edit.path.as_deref().unwrap_or(&f.path);
        let replacement = json!({
            "deletedRegion": {
                "startLine": edit.start.line.get(),
                "startColumn": edit.start.column.get(),
                "endLine": edit.end.line.get(),
                "endColumn": edit.end.column.get(),
            },
            "insertedContent": { "text": edit.content },
        });
        match by_file.iter_mut().find(|(p, _)| *p == path) {
            Some((_, list)) => list.push(replacement),
            None => by_file.push((path, vec![replacement])),
        }
    }
    let changes: Vec<Value> = by_file
        .into_iter()
        .map(|(path, replacements)| {
            json!({ "artifactLocation": artifact_location(path), "replacements": replacements })
        })
        .collect();
    json!({
        "description": { "text": format!("{} ({})", fix.message, fix.applicability.as_str()) },
        "artifactChanges": changes,
        "properties": { "applicability": fix.applicability.as_str() },
    })
}

/// A hash of what the finding is about, independent of its line number; repeated
/// identical findings in one file are told apart by their occurrence number.
fn fingerprint(f: &Finding, sources: &dyn Sources, seen: &mut HashMap<u64, usize>) -> String {
    let snippet = sources.text(&f.path).and_then(|text| {
        text.get(f.start.offset as usize..f.end.offset as usize)
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    });
    let what = snippet.unwrap_or_else(|| format!("{}:{}", f.start.line, f.start.column));
    let document = f.document.to_string();
    let base = super::fnv1a(&[
        &f.rule,
        &f.path,
        &document,
        f.object.as_deref().unwrap_or(""),
        f.pointer.as_deref().unwrap_or(""),
        &what,
    ]);
    let n = seen.entry(base).or_insert(0);
    *n += 1;
    format!("{base:016x}:{n}")
}

fn physical_location(path: &str, range: Option<(Position, Position)>) -> Value {
    let mut location = Map::new();
    location.insert("artifactLocation".into(), artifact_location(path));
    if let Some((start, end)) = range {
        location.insert(
            "region".into(),
            json!({
                "startLine": start.line.get(),
                "startColumn": start.column.get(),
                "endLine": end.line.get().max(start.line.get()),
                "endColumn": if end.line > start.line { end.column.get() } else { end.column.get().max(start.column.get()) },
            }),
        );
    }
    Value::Object(location)
}

/// A relative path as a URI reference against `%SRCROOT%`; an absolute path as a
/// `file://` URI.
fn artifact_location(path: &str) -> Value {
    let path = path.replace('\\', "/");
    if path.starts_with('/') {
        return json!({ "uri": format!("file://{}", encode_uri_path(&path)) });
    }
    let mut rel = path.as_str();
    while let Some(rest) = rel.strip_prefix("./") {
        rel = rest;
    }
    json!({ "uri": encode_uri_path(rel), "uriBaseId": "%SRCROOT%" })
}

/// Percent-encode a path for a URI: everything but unreserved characters and `/`.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn notification(e: &ScanError) -> Value {
    let range = e.start.map(|s| (s, e.end.unwrap_or(s)));
    json!({
        "level": "error",
        "message": { "text": e.message },
        "descriptor": { "id": e.kind.as_str() },
        "locations": [{ "physicalLocation": physical_location(&e.path, range) }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixtures;

    fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("missing string at {pointer}"))
    }

    fn u64_at(v: &Value, key: &str) -> u64 {
        v.get(key)
            .and_then(Value::as_u64)
            .unwrap_or_else(|| panic!("missing number {key} in {v}"))
    }

    fn check_region(region: &Value) {
        let (sl, sc) = (u64_at(region, "startLine"), u64_at(region, "startColumn"));
        let (el, ec) = (u64_at(region, "endLine"), u64_at(region, "endColumn"));
        assert!(sl >= 1 && sc >= 1 && el >= 1 && ec >= 1, "{region}");
        assert!(
            (el, ec) >= (sl, sc),
            "region ends before it starts: {region}"
        );
    }

    fn check_location(location: &Value) {
        let artifact = &location["physicalLocation"]["artifactLocation"];
        let uri = str_at(artifact, "/uri");
        assert!(!uri.is_empty() && !uri.contains(' ') && !uri.starts_with("./"));
        if let Some(region) = location["physicalLocation"].get("region") {
            check_region(region);
        }
    }

    /// The parts of the SARIF 2.1.0 schema that consumers rely on: required
    /// properties, enumerations, 1-based regions and consistent rule indices.
    fn validate(log: &Value) {
        assert_eq!(str_at(log, "/version"), "2.1.0");
        assert!(str_at(log, "/$schema").contains("sarif-schema-2.1.0"));
        let runs = log["runs"].as_array().expect("runs");
        assert!(!runs.is_empty());
        for run in runs {
            let driver = &run["tool"]["driver"];
            assert_eq!(str_at(driver, "/name"), "stockade");
            assert!(str_at(driver, "/informationUri").starts_with("https://"));
            assert!(matches!(
                str_at(run, "/columnKind"),
                "unicodeCodePoints" | "utf16CodeUnits"
            ));
            let rules = driver["rules"].as_array().expect("rules");
            let mut ids = std::collections::HashSet::new();
            for rule in rules {
                let id = str_at(rule, "/id");
                assert!(ids.insert(id.to_string()), "duplicate rule {id}");
                assert!(!str_at(rule, "/shortDescription/text").is_empty());
                assert!(matches!(
                    str_at(rule, "/defaultConfiguration/level"),
                    "none" | "note" | "warning" | "error"
                ));
                let score: f64 = str_at(rule, "/properties/security-severity")
                    .parse()
                    .unwrap();
                assert!((0.0..=10.0).contains(&score));
                assert!(rule["properties"]["tags"].is_array());
            }
            for result in run["results"].as_array().expect("results") {
                let rule_id = str_at(result, "/ruleId");
                assert!(!str_at(result, "/message/text").is_empty());
                assert!(matches!(
                    str_at(result, "/level"),
                    "none" | "note" | "warning" | "error"
                ));
                let i = usize::try_from(u64_at(result, "ruleIndex")).unwrap();
                assert_eq!(str_at(&rules[i], "/id"), rule_id);
                for location in result["locations"].as_array().expect("locations") {
                    check_location(location);
                }
                if let Some(related) = result.get("relatedLocations") {
                    for location in related.as_array().expect("relatedLocations") {
                        check_location(location);
                        assert!(location["id"].is_u64(), "{location}");
                        assert!(!str_at(location, "/message/text").is_empty());
                    }
                }
                let fingerprints = result["partialFingerprints"].as_object().unwrap();
                assert!(fingerprints.values().all(Value::is_string));
                if let Some(suppressions) = result.get("suppressions") {
                    for s in suppressions.as_array().unwrap() {
                        assert!(matches!(str_at(s, "/kind"), "inSource" | "external"));
                    }
                }
            }
            for invocation in run["invocations"].as_array().expect("invocations") {
                assert!(invocation["executionSuccessful"].is_boolean());
                for n in invocation["toolExecutionNotifications"].as_array().unwrap() {
                    assert!(!str_at(n, "/message/text").is_empty());
                    assert_eq!(str_at(n, "/level"), "error");
                    for location in n["locations"].as_array().unwrap() {
                        check_location(location);
                    }
                }
            }
        }
    }

    #[test]
    fn snapshot() {
        // Only ST0001 as a built-in rule, so the snapshot does not change with the
        // rule packs; the fixture's other rules get descriptors from their findings.
        let (report, sources) = fixtures::report();
        let log = to_value_with_rules(&report, &sources, &[&crate::suppress::UNUSED_SUPPRESSION]);
        validate(&log);
        insta::assert_snapshot!(serde_json::to_string_pretty(&log).unwrap());
    }

    #[test]
    fn structure_is_valid_sarif() {
        let (report, sources) = fixtures::report();
        let log = to_value(&report, &sources);
        validate(&log);
        let run = &log["runs"][0];
        // Four findings plus one suppressed; the suppressed one says so.
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 5);
        let suppressed: Vec<&Value> = results
            .iter()
            .filter(|r| r.get("suppressions").is_some())
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(str_at(suppressed[0], "/ruleId"), "DF0002");
        assert_eq!(str_at(suppressed[0], "/suppressions/0/kind"), "inSource");
        // The real rule ST0001 points at its registry descriptor.
        let st = results
            .iter()
            .find(|r| str_at(r, "/ruleId") == "ST0001")
            .unwrap();
        let rule = &run["tool"]["driver"]["rules"][u64_at(st, "ruleIndex") as usize];
        assert_eq!(str_at(rule, "/name"), "unused-suppression");
        assert_eq!(str_at(rule, "/properties/security-severity"), "0.0");
        assert!(str_at(rule, "/help/markdown").contains("## What it does"));
        assert!(str_at(rule, "/helpUri").ends_with("docs/rules.md#st0001"));
        assert!(str_at(rule, "/fullDescription/text").starts_with("Reports a suppression"));
        // Errors are notifications; the located one keeps its region.
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(run["invocations"][0]["executionSuccessful"], json!(false));
        assert_eq!(
            notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            json!(2)
        );
    }

    #[test]
    fn columns_count_scalars_and_regions_are_exclusive() {
        let (report, sources) = fixtures::report();
        let log = to_value(&report, &sources);
        let results = log["runs"][0]["results"].as_array().unwrap();
        let secret = results
            .iter()
            .find(|r| str_at(r, "/ruleId") == "DF0020")
            .unwrap();
        let region = &secret["locations"][0]["physicalLocation"]["region"];
        // `ENV API_TOKEN="s3cr€t"`: the span starts at column 5 and its 18
        // characters (the euro sign is one scalar, three bytes) end before column 23.
        assert_eq!(region["startColumn"], json!(5));
        assert_eq!(region["endColumn"], json!(23));
    }

    #[test]
    fn fingerprints_ignore_line_moves_and_separate_repeats() {
        let (report, sources) = fixtures::report();
        let fp = |log: &Value, rule: &str| -> String {
            let r = log["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| str_at(r, "/ruleId") == rule)
                .unwrap();
            str_at(
                r,
                &format!(
                    "/partialFingerprints/{}",
                    FINGERPRINT_KEY.replace('/', "~1")
                ),
            )
            .to_string()
        };
        let before = to_value(&report, &sources);
        // Insert a line at the top: positions move, the fingerprint does not.
        let mut moved = report.clone();
        let mut moved_sources = sources.clone();
        let text = format!("# a new comment\n{}", fixtures::DOCKERFILE);
        let shift = "# a new comment\n".len() as u32;
        for f in &mut moved.findings {
            f.start.offset += shift;
            f.end.offset += shift;
            f.start.line = crate::source::OneIndexed::new(f.start.line.get() + 1);
            f.end.line = crate::source::OneIndexed::new(f.end.line.get() + 1);
        }
        moved_sources.insert("app/Dockerfile".to_string(), text);
        let after = to_value(&moved, &moved_sources);
        assert_eq!(fp(&before, "DF0001"), fp(&after, "DF0001"));
        // The same finding twice gets two fingerprints.
        let mut twice = report.clone();
        let dup = twice.findings[0].clone();
        twice.findings.push(dup);
        let log = to_value(&twice, &sources);
        let fps: std::collections::HashSet<&str> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].as_str().unwrap())
            .collect();
        assert_eq!(fps.len(), 6);
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact_location("./a dir/Dockerfile"),
            json!({"uri": "a%20dir/Dockerfile", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("/srv/x#1/Dockerfile"),
            json!({"uri": "file:///srv/x%231/Dockerfile"})
        );
    }
}
