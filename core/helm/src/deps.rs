//! Dependencies as Helm's `ProcessDependencies` handles them: aliases,
//! `condition` and `tags` (which subcharts are enabled), then `import-values`.

use crate::chart::{Dependency, ImportValue};
use crate::coalesce::{coalesce_chart, coalesce_owned, ValuesChart, Warnings};
use crate::error::HelmError;
use crate::value::{Data, Map, Value};

/// `processDependencyEnabled` then `processDependencyImportValues(merge)`.
/// Returns the chart tree with disabled subcharts removed, aliases applied,
/// and imported values in place.
pub fn process_dependencies(
    chart: &mut ValuesChart<'_>,
    vals: &Map,
    merge_imports: bool,
    warnings: &mut Warnings,
) -> Result<(), HelmError> {
    process_enabled(chart, vals, "", warnings)?;
    process_import_values_rec(chart, merge_imports, warnings)
}

/// The dependencies of `Chart.yaml`, with the names aliases give them, of the
/// enabled subcharts only: filled in by [`process_enabled`].
fn meta_deps(chart: &ValuesChart<'_>) -> Vec<Dependency> {
    chart.meta_dependencies.clone().unwrap_or_default()
}

fn process_enabled(
    c: &mut ValuesChart<'_>,
    v: &Map,
    path: &str,
    warnings: &mut Warnings,
) -> Result<(), HelmError> {
    let reqs_src = c.chart.metadata.dependencies.clone();
    if reqs_src.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let mut chart_deps: Vec<ValuesChart<'_>> = existing
        .iter()
        .filter(|e| {
            !reqs_src.iter().any(|r| {
                e.name == r.name
                    && crate::semver::is_compatible_range(&r.version, &e.chart.metadata.version)
            })
        })
        .cloned()
        .collect();
    let mut reqs = reqs_src;
    for req in &mut reqs {
        if let Some(found) = existing.iter().find(|e| {
            e.name == req.name
                && crate::semver::is_compatible_range(&req.version, &e.chart.metadata.version)
        }) {
            let mut out = found.clone();
            if !req.alias.is_empty() {
                out.name.clone_from(&req.alias);
            }
            chart_deps.push(out);
        }
        if !req.alias.is_empty() {
            req.name.clone_from(&req.alias);
        }
        req.enabled = true;
    }
    c.dependencies = chart_deps;
    let cvals = coalesce_chart(c, v, false, warnings)?;
    process_tags(&mut reqs, &cvals);
    process_conditions(&mut reqs, &cvals, path);
    let removed: Vec<String> = reqs
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies.retain(|d| !removed.contains(&d.name));
    reqs.retain(|r| !removed.contains(&r.name));
    for t in &mut c.dependencies {
        let subpath = format!("{path}{}.", t.name);
        process_enabled(t, &cvals, &subpath, warnings)?;
    }
    c.meta_dependencies = Some(reqs);
    Ok(())
}

/// `Values.PathValue`: the value at a dotted path, when it is not a table.
fn path_value<'m>(vals: &'m Map, path: &str) -> Option<&'m Value> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop()?;
    let mut table = vals;
    for p in parts {
        table = table.get(p)?.as_map()?;
    }
    table.get(last).filter(|v| !v.is_table())
}

fn process_conditions(reqs: &mut [Dependency], cvals: &Map, cpath: &str) {
    for r in reqs {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(v) = path_value(cvals, &format!("{cpath}{c}")) {
                if let Some(b) = v.as_bool() {
                    r.enabled = b;
                    break;
                }
            }
        }
    }
}

fn process_tags(reqs: &mut [Dependency], cvals: &Map) {
    let Some(vt) = cvals.get("tags").and_then(Value::as_map) else {
        return;
    };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(b) = vt.get(k).and_then(Value::as_bool) {
                if b {
                    has_true = true;
                } else {
                    has_false = true;
                }
            }
        }
        r.enabled = has_true || !has_false;
    }
}

/// `Values.Table`: the map at a dotted path.
pub fn table<'m>(vals: &'m Map, path: &str) -> Option<&'m Map> {
    let mut t = vals;
    for p in path.split('.') {
        t = t.get(p)?.as_map()?;
    }
    Some(t)
}

fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = Value::map(data);
    for key in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(key.to_string(), cur);
        cur = Value::map(m);
    }
    match cur.data {
        Data::Map(m) => m,
        _ => Map::new(),
    }
}

fn process_import_values_rec(
    c: &mut ValuesChart<'_>,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<(), HelmError> {
    for d in &mut c.dependencies {
        process_import_values_rec(d, merge, warnings)?;
    }
    process_import_values(c, merge, warnings)
}

fn process_import_values(
    c: &mut ValuesChart<'_>,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<(), HelmError> {
    let reqs = meta_deps(c);
    if reqs.is_empty() {
        return Ok(());
    }
    let cvals = coalesce_chart(c, &Map::new(), merge, warnings)?;
    let mut b = Map::new();
    for r in &reqs {
        for iv in &r.import_values {
            let (child, parent) = match iv {
                ImportValue::Map { child, parent } => (child.clone(), parent.clone()),
                ImportValue::Export(s) => (format!("exports.{s}"), ".".to_string()),
            };
            let Some(vv) = table(&cvals, &format!("{}.{child}", r.name)) else {
                warnings.push(format!("ImportValues missing table from chart {}", r.name));
                continue;
            };
            b = coalesce_owned(b, path_to_map(&parent, vv.clone()), merge, warnings);
        }
    }
    let base = if merge { cvals } else { trim_nil(cvals) };
    c.values = coalesce_owned(base, b, merge, warnings);
    Ok(())
}

fn trim_nil(mut vals: Map) -> Map {
    vals.retain(|_, v| !v.is_null());
    for v in vals.values_mut() {
        if let Data::Map(m) = &mut v.data {
            *m = trim_nil(std::mem::take(m));
        }
    }
    vals
}
