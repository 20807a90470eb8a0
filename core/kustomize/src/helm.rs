//! `helmCharts`: kustomize's `HelmChartInflationGenerator` runs `helm
//! template` on a chart of a local folder. This crate renders no chart
//! itself (it sits below the Helm layer): the caller hands the build a
//! [`HelmRenderer`] (the `stockade` facade gives one over its Helm renderer);
//! without one, `helmCharts` is the error `kubectl kustomize` gives without
//! `--enable-helm`.

use std::sync::Arc;

use crate::files::FileMap;

/// What kustomize passes to `helm template` for one chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmChartRequest {
    /// The chart folder in the build's files (for messages).
    pub chart_dir: String,
    /// The chart's files, by path relative to its folder.
    pub chart_files: FileMap,
    /// `releaseName`; `None`: kustomize passes `--generate-name` (Helm makes
    /// up a name with the time in it; a renderer picks a fixed one).
    pub release_name: Option<String>,
    /// `nameTemplate` (`--name-template`).
    pub name_template: Option<String>,
    /// `namespace` (`--namespace`).
    pub namespace: Option<String>,
    /// `-f` files in order, `(name, text)`: the values file kustomize writes
    /// (the chart's `values.yaml`, `valuesFile`, or either merged with
    /// `valuesInline`), then `additionalValuesFiles`.
    pub values_files: Vec<(String, String)>,
    /// `apiVersions` (`--api-versions`).
    pub api_versions: Vec<String>,
    /// `kubeVersion` (`--kube-version`).
    pub kube_version: Option<String>,
    /// `includeCRDs` (`--include-crds`).
    pub include_crds: bool,
    /// `skipTests` (`--skip-tests`).
    pub skip_tests: bool,
    /// `skipHooks` (`--no-hooks`).
    pub skip_hooks: bool,
}

/// Renders a chart as `helm template` prints it (its standard output), or
/// says why not.
pub trait HelmRenderer: Send + Sync {
    fn template(&self, request: &HelmChartRequest) -> Result<String, String>;
}

/// A [`HelmRenderer`] in build [`crate::Options`] (`kubectl kustomize
/// --enable-helm`).
#[derive(Clone)]
pub struct HelmHook(pub Arc<dyn HelmRenderer>);

impl std::fmt::Debug for HelmHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HelmHook")
    }
}
