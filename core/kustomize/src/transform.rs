//! Field specs and the built-in transformers that use them.

use crate::node::{KNode, KVal, Loc};
use crate::schema::FieldSpec;
use stockade_source::origin::OriginRole;

pub type By = (Loc, OriginRole);

/// Group and version of an `apiVersion`.
pub fn split_api_version(av: &str) -> (&str, &str) {
    av.split_once('/').unwrap_or(("", av))
}

pub fn spec_matches(spec: &FieldSpec, res: &KNode) -> bool {
    let (g, v) = split_api_version(res.get_str("apiVersion").unwrap_or(""));
    let k = res.get_str("kind").unwrap_or("");
    (spec.group.is_empty() || spec.group == g)
        && (spec.version.is_empty() || spec.version == v)
        && (spec.kind.is_empty() || spec.kind == k)
}

/// Split a field-spec path at `/` (not `\/`).
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'/') {
            cur.push('/');
            chars.next();
        } else if c == '/' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Visit the nodes at `path` (sequences on the way are entered element by
/// element; `[]` suffixes are accepted); with `create`, missing maps are made
/// and the last field is created as `make_last()` when missing.
pub fn visit(
    node: &mut KNode,
    path: &[String],
    create: bool,
    make_last: &dyn Fn() -> KNode,
    by: Option<By>,
    f: &mut dyn FnMut(&mut KNode),
) {
    let Some((first, rest)) = path.split_first() else {
        f(node);
        return;
    };
    if let KVal::Seq(items) = &mut node.v {
        for item in items.iter_mut() {
            visit(item, path, create, make_last, by, f);
        }
        return;
    }
    let key = first.trim_end_matches("[]");
    if !matches!(node.v, KVal::Map(_)) {
        return;
    }
    let missing = node.get(key).is_none_or(KNode::is_null);
    if missing {
        // Lists are never created.
        if !create || first.ends_with("[]") {
            return;
        }
        let fresh = if rest.is_empty() {
            make_last()
        } else {
            KNode::map()
        };
        let mut fresh = fresh;
        if let Some(b) = by {
            fresh.mark(b);
        }
        node.set(key, fresh);
    }
    if let Some(child) = node.get_mut(key) {
        visit(child, rest, create, make_last, by, f);
    }
}

/// Apply `f` at every field spec of `specs` matching `res`.
pub fn apply_specs(
    res: &mut KNode,
    specs: &[FieldSpec],
    make_last: &dyn Fn() -> KNode,
    by: Option<By>,
    f: &mut dyn FnMut(&mut KNode),
) {
    for spec in specs {
        if !spec_matches(spec, res) {
            continue;
        }
        let path = split_path(&spec.path);
        visit(res, &path, spec.create, make_last, by, f);
    }
}

/// Add `pairs` to the map nodes at `specs` (labels, annotations).
pub fn add_map_entries(res: &mut KNode, specs: &[FieldSpec], pairs: &[(String, String)], by: By) {
    apply_specs(res, specs, &KNode::map, Some(by), &mut |n| {
        if !matches!(n.v, KVal::Map(_)) {
            return;
        }
        for (k, v) in pairs {
            let same = n.get_str(k) == Some(v.as_str());
            if !same {
                n.set(k, KNode::str(v.clone()).with_by(Some(by)));
            }
        }
    });
}

/// An image reference split as kustomize splits it: name, tag, digest.
pub fn split_image(image: &str) -> (String, String, String) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, d.to_string()),
        None => (image, String::new()),
    };
    // A tag is after the last `:` that follows the last `/`.
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest.get(slash..).and_then(|tail| tail.rfind(':')) {
        Some(i) => {
            let at = slash + i;
            (
                rest.get(..at).unwrap_or("").to_string(),
                rest.get(at + 1..).unwrap_or("").to_string(),
                digest,
            )
        }
        None => (rest.to_string(), String::new(), digest),
    }
}

/// One `images` entry.
#[derive(Debug, Clone, Default)]
pub struct ImageRule {
    pub name: String,
    pub new_name: Option<String>,
    pub new_tag: Option<String>,
    pub digest: Option<String>,
    pub tag_suffix: Option<String>,
}

pub fn update_image(current: &str, rule: &ImageRule) -> Option<String> {
    let (name, tag, digest) = split_image(current);
    if name != rule.name {
        return None;
    }
    let new_name = rule.new_name.clone().unwrap_or(name);
    let mut out = new_name;
    if let Some(d) = &rule.digest {
        out.push('@');
        out.push_str(d);
        return Some(out);
    }
    if let Some(t) = &rule.new_tag {
        out.push(':');
        out.push_str(t);
        if let Some(s) = &rule.tag_suffix {
            out.push_str(s);
        }
        return Some(out);
    }
    if let Some(s) = &rule.tag_suffix {
        out.push(':');
        out.push_str(&tag);
        out.push_str(s);
        return Some(out);
    }
    if !tag.is_empty() {
        out.push(':');
        out.push_str(&tag);
    }
    if !digest.is_empty() {
        out.push('@');
        out.push_str(&digest);
    }
    Some(out)
}

/// Apply image rules to every `containers`/`initContainers` image in `res`
/// (kustomize's image filter looks for those lists anywhere), and to the
/// configured field specs.
pub fn images(res: &mut KNode, rules: &[ImageRule], specs: &[FieldSpec], by: By) {
    fn walk(n: &mut KNode, rules: &[ImageRule], by: By) {
        match &mut n.v {
            KVal::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    if k == "containers" || k == "initContainers" {
                        if let KVal::Seq(items) = &mut v.v {
                            for c in items.iter_mut() {
                                set_image(c, rules, by);
                            }
                        }
                    } else {
                        walk(v, rules, by);
                    }
                }
            }
            KVal::Seq(items) => items.iter_mut().for_each(|i| walk(i, rules, by)),
            _ => {}
        }
    }
    fn set_image(container: &mut KNode, rules: &[ImageRule], by: By) {
        let Some(img) = container.get_mut("image") else {
            return;
        };
        apply_rules(img, rules, by);
    }
    fn apply_rules(img: &mut KNode, rules: &[ImageRule], by: By) {
        let Some(cur) = img.as_str().map(str::to_string) else {
            return;
        };
        for r in rules {
            if let Some(new) = update_image(&cur, r) {
                if new != cur {
                    let base = img.base;
                    *img = KNode::str(new).with_by(Some(by));
                    img.base = base;
                }
                return;
            }
        }
    }
    walk(res, rules, by);
    let extra: Vec<FieldSpec> = specs
        .iter()
        .filter(|s| !s.path.contains("containers") && !s.path.contains("initContainers"))
        .map(|s| FieldSpec {
            create: false,
            ..s.clone()
        })
        .collect();
    apply_specs(res, &extra, &|| KNode::new(KVal::Null), None, &mut |n| {
        apply_rules(n, rules, by);
    });
}
