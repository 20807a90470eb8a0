//! The list of every built-in rule, gathered from the packs' registration lists
//! (each pack's [`crate::pack::Pack::rules`]).

use std::sync::OnceLock;

use crate::rule::RuleMeta;

/// Every built-in rule, in id order.
pub fn all_rules() -> &'static [&'static RuleMeta] {
    static RULES: OnceLock<Vec<&'static RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<&'static RuleMeta> = vec![&crate::suppress::UNUSED_SUPPRESSION];
        for pack in crate::Engine::default().packs() {
            rules.extend_from_slice(pack.rules());
        }
        rules.sort_by_key(|r| r.id);
        rules
    })
}

/// The rule with this id, or whose alias this is (case-insensitive).
pub fn find_rule(name: &str) -> Option<&'static RuleMeta> {
    let rules = all_rules();
    rules
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(name.trim()))
        .or_else(|| rules.iter().find(|r| r.answers_to(name)))
        .copied()
}
