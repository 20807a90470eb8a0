//! Values coalescing exactly as Helm's `pkg/chart/common/util/coalesce.go`:
//! user values over chart defaults, `null` deleting a default, subchart values
//! under the subchart's name, globals copied down. Go iterates maps in random
//! order; where that order could matter we visit keys sorted.

use crate::chart::Chart;
use crate::error::{HelmError, HelmErrorKind};
use crate::value::{clean_nil_values, Data, Map, Value};

const GLOBAL: &str = "global";

/// Warnings Helm prints while coalescing (`warning: skipped value for …`).
pub type Warnings = Vec<String>;

/// `CoalesceValues` (`merge == false`) or `MergeValues` (`merge == true`) of a
/// chart whose values are already read (`values`: one map per chart node).
pub fn coalesce_chart(
    chart: &ValuesChart<'_>,
    vals: &Map,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<Map, HelmError> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", merge, warnings)?;
    Ok(dest)
}

/// A chart with its values read: what coalescing walks.
#[derive(Debug, Clone)]
pub struct ValuesChart<'a> {
    pub chart: &'a Chart,
    /// The name the parent knows it by (its alias, if any).
    pub name: String,
    pub values: Map,
    pub dependencies: Vec<ValuesChart<'a>>,
    /// `Chart.yaml`'s dependencies after aliases and conditions (set by
    /// dependency processing; `None` before).
    pub meta_dependencies: Option<Vec<crate::chart::Dependency>>,
    /// Coalesce as Helm 3 does: chart defaults keep their `null`s.
    pub helm3: bool,
}

fn concat(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn coalesce(
    ch: &ValuesChart<'_>,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<(), HelmError> {
    coalesce_values(ch, dest, prefix, merge, warnings);
    coalesce_deps(ch, dest, prefix, merge, warnings)
}

fn coalesce_deps(
    ch: &ValuesChart<'_>,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<(), HelmError> {
    for sub in &ch.dependencies {
        match dest.get(&sub.name) {
            None => {
                dest.insert(sub.name.clone(), Value::empty_map());
            }
            Some(v) if !v.is_table() => {
                return Err(HelmError::new(
                    HelmErrorKind::Values,
                    format!("type mismatch on {}: %!t({})", sub.name, go_type_name(v)),
                ));
            }
            Some(_) => {}
        }
        let sub_prefix = concat(prefix, &ch.name);
        let mut dv = dest
            .remove(&sub.name)
            .and_then(|v| match v.data {
                Data::Map(m) => Some((m, v.origin)),
                _ => None,
            })
            .unwrap_or_default();
        coalesce_globals(&mut dv.0, dest, warnings);
        coalesce(sub, &mut dv.0, &sub_prefix, merge, warnings)?;
        dest.insert(sub.name.clone(), Value::map(dv.0).with_origin(dv.1));
    }
    Ok(())
}

fn go_type_name(v: &Value) -> String {
    match &v.data {
        Data::String(s) => format!("string={s}"),
        Data::Float(f) => format!("float64={f}"),
        Data::Int(i) => format!("int64={i}"),
        Data::Bool(b) => b.to_string(),
        Data::List(_) => "[]interface {}=[...]".to_string(),
        Data::Null | Data::Map(_) => "<nil>".to_string(),
    }
}

fn coalesce_globals(dest: &mut Map, src: &Map, warnings: &mut Warnings) {
    let mut dg = match dest.get(GLOBAL) {
        None => Map::new(),
        Some(v) => {
            if let Some(m) = v.as_map() {
                m.clone()
            } else {
                warnings.push(
                    "warning: skipping globals because destination global is not a table.".into(),
                );
                return;
            }
        }
    };
    let sg = match src.get(GLOBAL) {
        None => Map::new(),
        Some(v) => {
            if let Some(m) = v.as_map() {
                m.clone()
            } else {
                warnings
                    .push("warning: skipping globals because source global is not a table.".into());
                return;
            }
        }
    };
    for (key, val) in sg {
        if let Some(vmap) = val.as_map() {
            let mut vv = vmap.clone();
            match dg.get_mut(&key) {
                None => {
                    dg.insert(key, Value::map(vv).with_origin(val.origin));
                }
                Some(destv) => {
                    if let Some(destvmap) = destv.as_map_mut() {
                        let mut src_copy = destvmap.clone();
                        coalesce_tables(&mut vv, &mut src_copy, "", true, warnings);
                        *destv = Value::map(vv).with_origin(val.origin);
                    } else {
                        warnings.push(format!(
                            "Conflict: cannot merge map onto non-map for {key:?}. Skipping."
                        ));
                    }
                }
            }
        } else if dg.get(&key).is_some_and(Value::is_table) {
            warnings.push(format!("key {key} is table. Skipping"));
        } else {
            dg.insert(key, val);
        }
    }
    let origin = dest.get(GLOBAL).and_then(|g| g.origin);
    dest.insert(GLOBAL.to_string(), Value::map(dg).with_origin(origin));
}

fn coalesce_values(
    ch: &ValuesChart<'_>,
    v: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Warnings,
) {
    let sub_prefix = concat(prefix, &ch.name);
    for (key, val) in &ch.values {
        if let Some(value) = v.get_mut(key) {
            if value.is_null() && !merge {
                v.remove(key);
            } else if let Some(dest) = value.as_map_mut() {
                match &val.data {
                    Data::Map(src) => {
                        let merge = merge || ch.dependencies.iter().any(|d| &d.name == key);
                        let mut src = src.clone();
                        if !merge && !ch.helm3 {
                            clean_nil_values(&mut src);
                        }
                        coalesce_tables(dest, &mut src, &concat(&sub_prefix, key), merge, warnings);
                    }
                    Data::Null => {}
                    _ => warnings.push(format!(
                        "warning: skipped value for {sub_prefix}.{key}: Not a table."
                    )),
                }
            }
        } else {
            let mut val = val.clone();
            if !merge && !ch.helm3 {
                if val.is_null() {
                    continue;
                }
                if let Some(sub) = val.as_map_mut() {
                    clean_nil_values(sub);
                }
            }
            v.insert(key.clone(), val);
        }
    }
}

/// `CoalesceTables` (`merge == false`) / `MergeTables` (`merge == true`):
/// `dst` wins, `src` fills in.
pub fn coalesce_tables(
    dst: &mut Map,
    src: &mut Map,
    prefix: &str,
    merge: bool,
    warnings: &mut Warnings,
) {
    let src_non_nil: std::collections::BTreeSet<String> = src
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k.clone())
        .collect();
    for (key, val) in dst.iter() {
        if val.is_null() {
            src.insert(key.clone(), Value::null());
        }
    }
    for (key, val) in std::mem::take(src) {
        let fullkey = concat(prefix, &key);
        match dst.get_mut(&key) {
            Some(dv) if !merge && dv.is_null() && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, val);
            }
            Some(dv) => {
                if let Data::Map(mut vmap) = val.data {
                    if let Some(dmap) = dv.as_map_mut() {
                        coalesce_tables(dmap, &mut vmap, &fullkey, merge, warnings);
                    } else {
                        warnings.push(format!("warning: cannot overwrite table with non table for {fullkey} (map[...])"));
                    }
                } else if dv.is_table() && !val.is_null() {
                    warnings.push(format!(
                        "warning: destination for {fullkey} is a table. Ignoring non-table value ({})",
                        go_type_name(&val)
                    ));
                }
            }
        }
    }
}

/// `CoalesceTables` on owned maps.
pub fn coalesce_owned(mut dst: Map, mut src: Map, merge: bool, warnings: &mut Warnings) -> Map {
    coalesce_tables(&mut dst, &mut src, "", merge, warnings);
    dst
}
