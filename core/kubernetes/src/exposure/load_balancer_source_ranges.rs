//! K8S041: a `LoadBalancer` Service open to every address.

use super::{annotation, service_type};
use crate::hardening::Hit;
use crate::object_rules::{ObjectRule, Scanned};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags a Service of `type: LoadBalancer` that sets no
    /// `spec.loadBalancerSourceRanges` (nor the
    /// `service.beta.kubernetes.io/load-balancer-source-ranges` annotation) and is
    /// not marked internal by its cloud's annotation (GKE
    /// `networking.gke.io/load-balancer-type: Internal`, AWS
    /// `service.beta.kubernetes.io/aws-load-balancer-internal` or
    /// `aws-load-balancer-scheme: internal`, Azure
    /// `azure-load-balancer-internal: "true"`, and the like). The finding points at
    /// `LoadBalancer`.
    ///
    /// ## Why is this bad?
    /// Without source ranges the cloud's load balancer accepts connections from
    /// every address on the internet. Most Services behind a load balancer have a
    /// known set of clients (an office, a partner, another VPC); the rest usually
    /// belong behind an Ingress or Gateway with TLS and authentication.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: admin
    /// spec:
    ///   type: LoadBalancer
    ///   selector:
    ///     app: admin
    ///   ports:
    ///     - port: 443
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: admin
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: ["203.0.113.0/24"]
    ///   selector:
    ///     app: admin
    ///   ports:
    ///     - port: 443
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip>
    /// - <https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec>
    pub static META = {
        id: "K8S041",
        name: "load-balancer-without-source-ranges",
        pack: Pack::Kubernetes,
        aliases: &[],
        severity: Severity::Medium,
        category: Category::Security,
        title: "LoadBalancer Service open to every address",
        remediation: "Set spec.loadBalancerSourceRanges to the clients' address ranges, or make the load balancer internal.",
    };
}

pub static RULE: ObjectRule = ObjectRule {
    meta: &META,
    check,
    kinds: &[("", "Service")],
};

/// Annotations that make a cloud load balancer internal: `(key, value)`, where
/// `None` accepts any value but `"false"`.
const INTERNAL: &[(&str, Option<&str>)] = &[
    ("networking.gke.io/load-balancer-type", Some("internal")),
    ("cloud.google.com/load-balancer-type", Some("internal")),
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        None,
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        Some("internal"),
    ),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        Some("true"),
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        Some("true"),
    ),
    (
        "service.beta.kubernetes.io/openstack-internal-load-balancer",
        Some("true"),
    ),
    (
        "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
        Some("private"),
    ),
    (
        "service.beta.kubernetes.io/do-loadbalancer-type",
        Some("internal"),
    ),
];

fn is_internal(s: &Scanned<'_>) -> bool {
    INTERNAL.iter().any(|(key, want)| {
        annotation(s.object, key).is_some_and(|v| match want {
            Some(w) => v.eq_ignore_ascii_case(w),
            None => !v.eq_ignore_ascii_case("false"),
        })
    })
}

fn check(s: &Scanned<'_>, out: &mut Vec<Hit>) {
    let Some(("LoadBalancer", loc)) = service_type(s.object) else {
        return;
    };
    let ranges = s
        .object
        .root
        .get("spec")
        .and_then(|spec| spec.get("loadBalancerSourceRanges"))
        .and_then(stockade_yaml::Node::as_seq)
        .is_some_and(|r| !r.is_empty());
    let annotated = annotation(
        s.object,
        "service.beta.kubernetes.io/load-balancer-source-ranges",
    )
    .is_some_and(|v| !v.trim().is_empty());
    if ranges || annotated || is_internal(s) {
        return;
    }
    out.push(Hit::new(
        &loc,
        format!(
            "{} is a LoadBalancer without loadBalancerSourceRanges: it accepts connections from every address",
            s.object.display_name()
        ),
    ));
}
