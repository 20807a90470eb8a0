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

/// An array index as `gopkg.in/evanphx/json-patch.v4` reads it (Go's
/// `strconv.Atoi`, negative indices counted from the end): `len` is the
/// length it is checked against, `None` when out of range.
fn index(token: &str, len: usize) -> Result<Option<usize>, String> {
    let digits = token.strip_prefix(['+', '-']).unwrap_or(token);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("value was not a proper array index: '{token}'"));
    }
    let i: i64 = token
        .parse()
        .map_err(|_| format!("value was not a proper array index: '{token}'"))?;
    let n = i64::try_from(len).unwrap_or(i64::MAX);
    let i = if i < 0 { i + n } else { i };
    Ok(if (0..n).contains(&i) {
        usize::try_from(i).ok()
    } else {
        None
    })
}

/// json-patch v4's `findObject`: the container holding the last token.
fn parent_mut<'a>(mut cur: &'a mut KNode, toks: &[String]) -> Option<&'a mut KNode> {
    for t in toks {
        cur = match &mut cur.v {
            KVal::Map(m) => m.iter_mut().find(|(k, _)| k == t).map(|(_, v)| v)?,
            KVal::Seq(items) => {
                let i = index(t, items.len()).ok()??;
                items.get_mut(i)?
            }
            _ => return None,
        };
    }
    match cur.v {
        KVal::Map(_) | KVal::Seq(_) => Some(cur),
        _ => None,
    }
}

/// The value at `toks`: `Ok(None)` for a missing map key (json-patch v4
/// reads it as a nil node), an error for a missing container or index.
fn get_at(doc: &mut KNode, toks: &[String], what: &str) -> Result<Option<KNode>, String> {
    let Some((last, parent)) = toks.split_last() else {
        return Ok(Some(doc.clone()));
    };
    let p = parent_mut(doc, parent)
        .ok_or_else(|| format!("{what} operation does not apply: doc is missing path"))?;
    match &p.v {
        KVal::Map(_) => Ok(p.get(last).cloned()),
        KVal::Seq(items) => {
            let i = index(last, items.len())?
                .ok_or_else(|| "Unable to access invalid index".to_string())?;
            Ok(items.get(i).cloned())
        }
        _ => Err(format!(
            "{what} operation does not apply: doc is missing path"
        )),
    }
}

fn remove(doc: &mut KNode, toks: &[String]) -> Result<KNode, String> {
    let (last, parent) = toks.split_last().ok_or("cannot remove the root")?;
    let p =
        parent_mut(doc, parent).ok_or("remove operation does not apply: doc is missing path")?;
    match &mut p.v {
        KVal::Map(_) => p
            .remove(last)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {last}")),
        KVal::Seq(items) => {
            let i = index(last, items.len())?
                .ok_or_else(|| "Unable to remove invalid index".to_string())?;
            Ok(items.remove(i))
        }
        _ => Err("remove operation does not apply: doc is missing path".into()),
    }
}

/// `add` (or `replace`, which json-patch v4 lets set a missing map key).
fn add(doc: &mut KNode, toks: &[String], value: KNode, replace: bool) -> Result<(), String> {
    let Some((last, parent)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    let what = if replace { "replace" } else { "add" };
    let p = parent_mut(doc, parent)
        .ok_or_else(|| format!("{what} operation does not apply: doc is missing path"))?;
    match &mut p.v {
        KVal::Map(_) => {
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
            if replace {
                let i = index(last, items.len())?.ok_or_else(|| {
                    "replace operation does not apply: doc is missing key".to_string()
                })?;
                if let Some(slot) = items.get_mut(i) {
                    *slot = value;
                }
            } else {
                let i = index(last, items.len() + 1)?
                    .ok_or_else(|| "Unable to access invalid index".to_string())?;
                items.insert(i, value);
            }
            Ok(())
        }
        _ => Err(format!(
            "{what} operation does not apply: doc is missing path"
        )),
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
                // A missing map key reads as null (json-patch v4); moving it
                // fails on the removal.
                let v = if kind == "move" {
                    remove(doc, &from)?
                } else {
                    get_at(doc, &from, kind)?
                        .unwrap_or_else(|| KNode::new(KVal::Null).with_by(Some(by)))
                };
                add(doc, &path, v, false)?;
            }
            "test" => {
                let want = op.get("value");
                let failed = || {
                    format!(
                        "testing value {} failed: test failed",
                        op.get_str("path").unwrap_or("")
                    )
                };
                // (kubectl crashes on a `test` without a value)
                let want = want.ok_or("operation without `value`")?;
                match get_at(doc, &path, "test")? {
                    // a missing key passes against null
                    None if want.is_null() => {}
                    Some(h) if json_equal(&h.to_json(), &want.to_json()) => {}
                    _ => return Err(failed()),
                }
            }
            other => return Err(format!("unexpected kind of operation `{other}`")),
        }
    }
    Ok(())
}

/// Equality as json-patch v4 tests it on YAML patches (numbers by value:
/// the YAML patch's `1.0` is JSON `1`).
fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
