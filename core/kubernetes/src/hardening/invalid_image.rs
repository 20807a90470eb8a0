//! K8S050: a container image that is not a valid image reference.

use super::{Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a container whose `image` is not a valid image reference as Docker's
    /// `distribution/reference` (and so the kubelet) reads it: a placeholder left
    /// for a tool to fill in (`${IMAGE}`, `<IMAGE>`, `{{ .Image }}`, `REPLACE_ME`,
    /// `us-docker.pkg.dev/PROJECT_ID/repo/app`), upper-case letters in the
    /// repository (`Nginx`), a tag with a colon, a digest without `@`. The
    /// finding points at the value and says why. The tag and pull-policy rules
    /// still read what they can of it (`PROJECT_ID/app:latest` is also a `latest`
    /// tag).
    ///
    /// ## Why is this bad?
    /// The pod cannot start (`InvalidImageName`). A placeholder in a manifest that
    /// is applied as is (not through the tool meant to fill it in) is a broken
    /// deployment, and one that a later substitution fills from an environment
    /// variable is an image nobody reviewed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: us-docker.pkg.dev/PROJECT_ID/shop/web:1.4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: us-docker.pkg.dev/acme-prod/shop/web:1.4
    /// ```
    /// or scan the manifest after the substitution (kustomize `images:`, Helm
    /// values, `envsubst`).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/#image-names>
    /// - <https://github.com/distribution/reference/blob/main/reference.go> (the grammar)
    pub static META = {
        id: "K8S050",
        name: "invalid-image-reference",
        pack: Pack::Kubernetes,
        aliases: &[],
        severity: Severity::Medium,
        category: Category::BestPractice,
        title: "Container image is not a valid reference",
        remediation: "Write the image as `[registry/]repository[:tag][@digest]`, lower-case, or scan the manifest after its placeholders are filled in.",
    };
}

/// Whether an image value is a placeholder for a tool to fill in: a variable or
/// template (`${X}`, `$X`, `$(X)`, `{{ x }}`, `<x>`, `%x%`, `@X@`, `__X__`) or an
/// upper-case word meant to be replaced (`REPLACE_ME`, `IMAGE`, `PROJECT_ID` as a
/// path component).
pub fn is_placeholder(image: &str) -> bool {
    let v = image.trim();
    if v.is_empty() {
        return false;
    }
    if is_template(v) {
        return true;
    }
    let name = v.split(['@']).next().unwrap_or(v);
    name.split('/').any(|part| {
        let part = part.split(':').next().unwrap_or(part);
        part.len() >= 2
            && part.chars().any(|c| c.is_ascii_uppercase())
            && part
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
    })
}

/// Whether an image value is a variable or template for a tool to fill in
/// (`${X}`, `$X`, `$(X)`, `{{ x }}`, `<x>`, `%x%`, `@X@`, `__X__`): nothing of it
/// can be read.
pub fn is_template(image: &str) -> bool {
    let v = image.trim();
    v.contains('$')
        || v.contains("{{")
        || (v.contains('<') && v.contains('>'))
        || (v.len() > 1 && v.starts_with('%') && v.ends_with('%'))
        || (v.len() > 1 && v.starts_with('@') && v.ends_with('@'))
        || v.contains("__")
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for (c, x) in w.containers() {
        let Some(image) = &x.image else { continue };
        let value = image.value.trim();
        let Err(why) = stockade_source::image::ImageRef::parse(value) else {
            continue;
        };
        let message = if value.is_empty() {
            format!("{} has an empty image", w.who(c))
        } else if is_placeholder(value) {
            format!(
                "{} uses image \"{}\", a placeholder, not an image reference; the kubelet cannot pull it",
                w.who(c),
                image.value
            )
        } else {
            format!(
                "{} uses image \"{}\", which is not a valid image reference ({why}); the kubelet cannot pull it",
                w.who(c),
                image.value
            )
        };
        out.push(Hit::new(&image.loc, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "${IMAGE}",
            "<IMAGE>",
            "{{ .Image }}",
            "REPLACE_ME",
            "us-docker.pkg.dev/PROJECT_ID/repo/app:latest",
            "IMAGE:TAG",
            "$IMG",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for p in ["nginx:1.27", "Nginx", "ghcr.io/acme/app:V1", "a:b:c"] {
            assert!(!is_placeholder(p), "{p}");
        }
    }

    #[test]
    fn lenient_reading_keeps_the_tag() {
        let r = super::super::image_ref("us-docker.pkg.dev/PROJECT_ID/repo/app:latest").unwrap();
        assert_eq!(r.tag.as_deref(), Some("latest"));
        assert_eq!(
            super::super::image_ref("Nginx").unwrap().repository,
            "library/nginx"
        );
        assert!(super::super::image_ref("${IMAGE}").is_none());
    }
}
