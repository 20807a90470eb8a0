//! K8S049: an `APIService` that skips TLS verification.

use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use crate::podspec::decode::child;
use crate::podspec::Loc;
use stockade_source::rule::{Category, Pack, Severity};
use stockade_yaml::Value;

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags an APIService (`apiregistration.k8s.io`) with
    /// `spec.insecureSkipTLSVerify: true` (the finding points at `true`).
    ///
    /// ## Why is this bad?
    /// The API server proxies every request for the aggregated API group to the
    /// Service, with the requesting user's identity in headers. Without TLS
    /// verification anything that can answer at the Service's address (a pod that
    /// took over the name, a spoofed endpoint) receives those requests and can
    /// answer them as the cluster's API.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiregistration.k8s.io/v1
    /// kind: APIService
    /// metadata:
    ///   name: v1beta1.metrics.k8s.io
    /// spec:
    ///   group: metrics.k8s.io
    ///   version: v1beta1
    ///   groupPriorityMinimum: 100
    ///   versionPriority: 100
    ///   insecureSkipTLSVerify: true
    ///   service:
    ///     name: metrics-server
    ///     namespace: kube-system
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: apiregistration.k8s.io/v1
    /// kind: APIService
    /// metadata:
    ///   name: v1beta1.metrics.k8s.io
    ///   annotations:
    ///     cert-manager.io/inject-ca-from: kube-system/metrics-server
    /// spec:
    ///   group: metrics.k8s.io
    ///   version: v1beta1
    ///   groupPriorityMinimum: 100
    ///   versionPriority: 100
    ///   service:
    ///     name: metrics-server
    ///     namespace: kube-system
    /// ```
    /// (a `caBundle` that signs the Service's certificate, here injected by cert-manager).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/>
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/api-service-v1/>
    pub static META = {
        id: "K8S049",
        name: "api-service-skips-tls-verify",
        pack: Pack::Kubernetes,
        aliases: &[],
        severity: Severity::High,
        category: Category::Security,
        title: "APIService without TLS verification",
        remediation: "Remove insecureSkipTLSVerify and set caBundle to the CA that signs the Service's certificate.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[("apiregistration.k8s.io", "APIService")],
};

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    let Some(v) = s
        .object
        .root
        .get("spec")
        .and_then(|spec| spec.get("insecureSkipTLSVerify"))
    else {
        return;
    };
    if v.value != Value::Bool(true) {
        return;
    }
    out.push(Hit::new(
        &Loc::new(v.span, child(&child(&s.object.pointer, "spec"), "insecureSkipTLSVerify")),
        format!(
            "{} sets insecureSkipTLSVerify: the API server proxies requests to it without checking its certificate",
            s.object.display_name()
        ),
    ));
}
