//! Glob sets for image, registry and path patterns (`globset`, `*` crossing `/`).

/// A glob set from patterns; `None` when there are none (or none compile).
pub fn glob_set(patterns: &[String]) -> Option<globset::GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = globset::GlobBuilder::new(p)
            .literal_separator(false)
            .build()
        {
            b.add(g);
        }
    }
    b.build().ok()
}
