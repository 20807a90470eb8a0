//! JSON patch (RFC 6902) on the build's nodes.

use crate::node::{KNode, KVal, Loc};
use stockade_source::origin::OriginRole;

fn tokens(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("invalid JSON pointer `{pointer}`"));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn get_mut<'a>(mut cur: &'a mut KNode, toks: &[String]) -> Option<&'a mut KNode> {
    for t in toks {
        cur = match &mut cur.v {
            KVal::Map(m) => m.iter_mut().find(|(k, _)| k == t).map(|(_, v)| v)?,
            KVal::Seq(items) => items.get_mut(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn get<'a>(mut cur: &'a KNode, toks: &[String]) -> Option<&'a KNode> {
    for t in toks {
        cur = match &cur.v {
            KVal::Map(_) => cur.get(t)?,
            KVal::Seq(items) => items.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn remove(doc: &mut KNode, toks: &[String]) -> Result<KNode, String> {
    let (last, parent) = toks.split_last().ok_or("cannot remove the root")?;
    let p = get_mut(doc, parent).ok_or("path not found")?;
    match &mut p.v {
        KVal::Map(_) => p.remove(last).ok_or_else(|| "path not found".to_string()),
        KVal::Seq(items) => {
            let i = last.parse::<usize>().map_err(|_| "bad index".to_string())?;
            if i < items.len() {
                Ok(items.remove(i))
            } else {
                Err("index out of range".into())
            }
        }
        _ => Err("path not found".into()),
    }
}

fn add(doc: &mut KNode, toks: &[String], value: KNode, replace: bool) -> Result<(), String> {
    let Some((last, parent)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    let p = get_mut(doc, parent).ok_or("doc is missing path")?;
    match &mut p.v {
        KVal::Map(_) => {
            if replace && p.get(last).is_none() {
                return Err("replace operation does not apply: doc is missing key".into());
            }
            if let Some(old) = p.get_mut(last) {
                let base = old.base;
                *old = value;
                if old.base.is_none() {
                    old.base = base;
                }
            } else {
                p.set(last, value);
            }
            Ok(())
        }
        KVal::Seq(items) => {
            if last == "-" && !replace {
                items.push(value);
                return Ok(());
            }
            let i = last
                .parse::<usize>()
                .map_err(|_| format!("invalid index `{last}`"))?;
            if replace {
                let slot = items.get_mut(i).ok_or("index out of range")?;
                *slot = value;
            } else if i <= items.len() {
                items.insert(i, value);
            } else {
                return Err("index out of range".into());
            }
            Ok(())
        }
        _ => Err("doc is missing path".into()),
    }
}

/// Apply the operations of `patch` (a sequence of operation maps) to `doc`.
pub fn apply(doc: &mut KNode, patch: &KNode, by: (Loc, OriginRole)) -> Result<(), String> {
    let ops = patch
        .as_seq()
        .ok_or("a JSON patch must be a list of operations")?;
    for op in ops {
        let kind = op.get_str("op").ok_or("operation without `op`")?;
        let path = tokens(op.get_str("path").ok_or("operation without `path`")?)?;
        let value = || -> Result<KNode, String> {
            let mut v = op
                .get("value")
                .cloned()
                .ok_or("operation without `value`")?;
            // Each added node is traced to its own place in the patch.
            v.mark_own(by.1, op.base.unwrap_or(by.0));
            Ok(v)
        };
        match kind {
            "add" => add(doc, &path, value()?, false)?,
            "replace" => add(doc, &path, value()?, true)?,
            "remove" => {
                remove(doc, &path)?;
            }
            "move" | "copy" => {
                let from = tokens(op.get_str("from").ok_or("operation without `from`")?)?;
                let v = if kind == "move" {
                    remove(doc, &from)?
                } else {
                    get(doc, &from).cloned().ok_or("from path not found")?
                };
                add(doc, &path, v, false)?;
            }
            "test" => {
                let want = op.get("value").ok_or("operation without `value`")?;
                let have = get(doc, &path);
                if !have.is_some_and(|h| h.to_json() == want.to_json()) {
                    return Err(format!(
                        "testing value {} failed: test failed",
                        op.get_str("path").unwrap_or("")
                    ));
                }
            }
            other => return Err(format!("unexpected kind of operation `{other}`")),
        }
    }
    Ok(())
}
