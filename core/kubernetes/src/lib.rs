//! Kubernetes manifests: objects, pod specs and the Pod Security Standards.
//!
//! [`check`] reads a YAML or JSON stream (see [`stockade_yaml`]) and, for every
//! object that carries a pod, decodes the pod as the API server would
//! ([`podspec::decode`]) and evaluates the Pod Security Standards exactly as
//! pod-security-admission does ([`pss`]).
//!
//! # Documents and objects
//!
//! - Every non-empty document is counted (`summary.documents`); empty documents
//!   (a trailing `---`, a document holding only `null` or comments) are skipped
//!   silently, as `kubectl` skips them.
//! - A document that cannot be read gives a located `parse` error; the other
//!   documents are still checked.
//! - A document that is not an object (no string `apiVersion` and `kind`) is listed
//!   in `summary.skipped` as "not a Kubernetes object".
//! - `kind: List` and every `*List` kind: each item of `items` is an object.
//! - Every object is counted by kind (`summary.kinds`). Objects without a pod spec
//!   are listed as skipped, except `Namespace` (read for its Pod Security labels, see
//!   [`namespaces`]), `NetworkPolicy` (the network-policy pack reads them) and the
//!   RBAC kinds `Role`, `ClusterRole`, `RoleBinding`, `ClusterRoleBinding` (checked
//!   by the [`rbac`] rules).
//!
//! # Which objects carry a pod
//!
//! As pod-security-admission: `Pod` (`spec`), `PodTemplate` (`template`),
//! `ReplicationController`, `ReplicaSet`, `Deployment`, `DaemonSet`,
//! `StatefulSet`, `Job` (`spec.template`) and `CronJob`
//! (`spec.jobTemplate.spec.template`), each in its own API group (core, `apps`
//! or the legacy `extensions`, `batch`). The annotations checks read are those of
//! the pod itself, or of the template's own `metadata` for a workload. PSA only
//! *enforces* on Pods and merely warns about workload templates; Stockade
//! evaluates templates as the pods they will create.
//!
//! # Where findings point
//!
//! A finding's span is the offending node: the value (`privileged: true` → the
//! `true`), the offending list item (a capability), or the key of a
//! present-but-forbidden object (a `hostPath:` volume source). A required field that
//! is missing points at the nearest place that exists, consistently:
//! the container's `securityContext` key when there is one, else the container's
//! `name` value (or its first key when it has no name); a missing `drop: ["ALL"]`
//! points at the `drop` key, else the `capabilities` key. The JSON pointer is always
//! that of the node the span covers.
//!
//! # Objects the API server would reject
//!
//! A field of the wrong type (`privileged: "true"`, `runAsUser: root`,
//! an unquoted non-string annotation value) makes the API server reject the whole
//! object, so it never runs: Stockade reports a located `parse` error for it
//! ("… the API server rejects this object") and does not evaluate Pod Security for
//! that object. Other objects of the file are still checked.
//!
//! # Level and version
//!
//! `Config::pss_level` / `Config::pss_version` (default restricted, latest) apply
//! unless the pod's Namespace (an object of the same file, or of a
//! [`NamespaceIndex`] the engine builds from all sources) sets Pod Security labels;
//! see [`namespaces`] for which label wins. A pod without `metadata.namespace` uses
//! the configured default. An invalid `pss_version` is a `config` error and
//! `latest` is used.
//!
//! At the restricted level PSA replaces some baseline checks by stricter ones
//! (`restrictedVolumes` for `hostPathVolumes`, `capabilities_restricted` for
//! `capabilities_baseline`, `procMount_restricted` for `procMount`). Their
//! decision is PSA's, but a violation of the replaced baseline check is still
//! reported at its own rule and severity (a hostPath volume is `PSS003`, HIGH, and
//! `PSS013`), so the default level never lowers a baseline finding's severity.
//!
//! # Hardening rules and seccomp profiles
//!
//! Beyond Pod Security, the [`hardening`] rules (`K8S001`…) check every object
//! with a pod whatever the Pod Security level (resources, probes, images, service
//! account tokens, literal secrets, sensitive host paths, low UIDs/GIDs …) and
//! every namespaced object for the `default` namespace. The [`rbac`] rules
//! (`K8S024`…) check what Roles and `ClusterRoles` grant and to whom bindings grant
//! it. A document that is a custom
//! seccomp profile (a JSON profile with `defaultAction` and `syscalls`, see
//! [`seccomp`]) is counted as kind `SeccompProfile` and checked by its own rules.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod exposure;
mod fix;
pub mod hardening;
pub mod namespaces;
pub mod object_rules;
mod pack;
pub use stockade_yaml::objects;
pub mod podspec;
pub mod pss;
pub mod rbac;
pub mod seccomp;
pub mod secrets;
pub mod suppressions;
pub mod webhooks;
pub mod workloads;

use std::borrow::Cow;
use std::collections::HashSet;

pub use exposure::ServiceIndex;
pub use namespaces::{NamespaceIndex, NamespacePolicy};
pub use objects::Manifest;
pub use pack::KubernetesPack;
pub use rbac::RoleIndex;

use stockade_source::context::Context;
use stockade_source::finding::{Diagnostic, ErrorKind, Problem, Skipped};
use stockade_source::settings::PssLevel;
use stockade_source::source::{Source, Span};
use stockade_source::suppress::Scope;
use stockade_yaml::Node;

use objects::{Object, Read};
use pss::{Level, Version};

stockade_source::register_rules! {
    /// Every Kubernetes rule: Pod Security ([`pss`]), hardening ([`hardening`]),
    /// seccomp profiles ([`seccomp`]) and RBAC ([`rbac`]). The pack's registration list.
    pub static RULES = [
        pss::privileged,
        pss::host_namespaces,
        pss::host_path_volumes,
        pss::host_ports,
        pss::capabilities_baseline,
        pss::app_armor_profile,
        pss::se_linux_options,
        pss::proc_mount,
        pss::seccomp_profile_baseline,
        pss::sysctls,
        pss::windows_host_process,
        pss::host_probes_and_host_lifecycle,
        pss::restricted_volumes,
        pss::allow_privilege_escalation,
        pss::run_as_non_root,
        pss::run_as_user,
        pss::seccomp_profile_restricted,
        pss::capabilities_restricted,
        pss::proc_mount_restricted,
        hardening::read_only_root_filesystem,
        hardening::cpu_requests,
        hardening::cpu_limits,
        hardening::memory_requests,
        hardening::memory_limits,
        hardening::image_latest_tag,
        hardening::image_digest,
        hardening::image_registries,
        hardening::image_pull_policy,
        hardening::automount_token,
        hardening::default_namespace,
        hardening::liveness_probe,
        hardening::readiness_probe,
        hardening::secret_env,
        hardening::runtime_socket,
        hardening::sensitive_host_path,
        hardening::run_as_user_low,
        hardening::run_as_group_low,
        hardening::share_process_namespace,
        hardening::dangerous_capabilities,
        hardening::secret_env_ref,
        hardening::invalid_image,
        seccomp::default_action,
        seccomp::dangerous_syscalls,
        rbac::wildcard,
        rbac::read_secrets,
        rbac::pod_exec,
        rbac::create_workloads,
        rbac::escalate,
        rbac::bind,
        rbac::impersonate,
        rbac::nodes_proxy,
        rbac::service_account_token,
        rbac::approve_csr,
        rbac::webhook_config,
        rbac::privileged_role_binding,
        rbac::anonymous_binding,
        rbac::authenticated_binding,
        rbac::default_service_account_binding,
        rbac::binding_sensitive_role,
        exposure::node_port,
        exposure::load_balancer_source_ranges,
        exposure::external_ips,
        exposure::ingress_tls,
        exposure::route_missing_service,
        secrets::config_map_secret,
        secrets::annotation_secret,
        secrets::secret_literal_data,
        webhooks::webhook_fail_open,
        webhooks::api_service_insecure_tls,
    ];
}

/// Kinds other packs read: counted, never listed as skipped (`ServiceAccount`s
/// are read by the pod rules on service account tokens, Namespaces for Pod
/// Security levels).
const READ_ELSEWHERE: &[&str] = &["NetworkPolicy"];

/// Check one Kubernetes manifest source, with only its own Namespaces.
pub fn check(source: &Source, ctx: &mut Context<'_>) {
    check_with_namespaces(source, ctx, &NamespaceIndex::default());
}

/// Check one source; `namespaces` holds the Namespace labels of the whole scan
/// (a pre-pass over all sources, [`NamespaceIndex::from_texts`]). Namespaces
/// defined in this source take precedence. Parses the source, then
/// [`check_manifest`].
pub fn check_with_namespaces(source: &Source, ctx: &mut Context<'_>, namespaces: &NamespaceIndex) {
    let stream = stockade_yaml::parse_stream(
        source.text(),
        &stockade_yaml::Limits::for_file_bytes(ctx.config.limits.file_bytes()),
    );
    check_manifest(&Manifest::new(source, &stream), ctx, namespaces);
}

/// Pass 1 of [`check_manifest_with`]: the Namespace index for this file's pods.
/// Those the scan's pre-pass recorded are in `namespaces` already, merged with
/// their namesakes elsewhere (the strictest applies, and each conflicting
/// definition is reported here); the others (a scan of this file alone) are
/// merged the same way within the file. Invalid labels are `config` errors.
fn namespaces_of_file<'n>(
    manifest: &Manifest<'_>,
    ctx: &mut Context<'_>,
    namespaces: &'n NamespaceIndex,
) -> Cow<'n, NamespaceIndex> {
    let source = manifest.source;
    let mut own = NamespaceIndex::new();
    own.add_manifest(manifest);
    for (doc, read) in manifest.documents() {
        let (Some(root), Some(Read::Objects(objects, _))) = (doc.node(), read) else {
            continue;
        };
        for o in objects
            .iter()
            .filter(|o| o.kind == "Namespace" && o.group().is_empty())
        {
            let Some(name) = &o.name else { continue };
            let labels = namespaces::namespace_labels(o.root);
            let (_, problems) = namespaces::policy_from_labels(&labels);
            for problem in problems {
                let span = problem.span.unwrap_or(root.span);
                ctx.error(
                    Problem::new(ErrorKind::Config, span, problem.message).in_document(doc.index),
                );
            }
            let place = namespaces::place_of(source, o);
            let scanned = if namespaces.defined_in_scan(name) {
                namespaces
            } else {
                &own
            };
            if let Some(message) = scanned.conflict(name, &place) {
                let span = namespaces::name_span(o);
                ctx.error(Problem::new(ErrorKind::Config, span, message).in_document(doc.index));
            }
        }
    }
    // Only a file defining a namespace the scan does not know needs a copy (a
    // scan of this file alone); the scan-wide index already holds the others.
    let new = own.without(namespaces);
    if new.records_nothing() {
        return Cow::Borrowed(namespaces);
    }
    let mut index = namespaces.clone();
    index.extend(&new);
    Cow::Owned(index)
}

/// [`check_with_namespaces`] on a source already read; the rules on RBAC bindings
/// see the roles of this source only.
pub fn check_manifest(manifest: &Manifest<'_>, ctx: &mut Context<'_>, namespaces: &NamespaceIndex) {
    check_manifest_with(manifest, ctx, namespaces, &RoleIndex::default());
}

/// [`check_manifest`], with the Roles and `ClusterRoles` of the whole scan (`roles`,
/// see [`RoleIndex`]) for the rules on RBAC bindings; the roles of this source are
/// added to them.
pub fn check_manifest_with(
    manifest: &Manifest<'_>,
    ctx: &mut Context<'_>,
    namespaces: &NamespaceIndex,
    roles: &RoleIndex,
) {
    let scan = ScanIndex {
        roles: roles.clone(),
        ..ScanIndex::default()
    };
    check_manifest_in(manifest, ctx, namespaces, &scan);
}

/// What the rules that read other objects see of the whole scan: its Roles and
/// `ClusterRoles` (the RBAC binding rules) and its Services (the route rule).
#[derive(Debug, Clone, Default)]
pub struct ScanIndex {
    pub roles: RoleIndex,
    pub services: ServiceIndex,
    /// The paths of the sources already indexed (a prepared scan's), whose
    /// objects need not be added again when each of them is checked.
    pub sources: HashSet<String>,
}

impl ScanIndex {
    /// Add the Roles and Services of `manifest`.
    pub fn add_manifest(&mut self, manifest: &Manifest<'_>) {
        self.roles.add_objects(manifest.objects().map(|(_, o)| o));
        self.services
            .add_objects(manifest.objects().map(|(_, o)| o));
        self.sources.insert(manifest.source.path().to_string());
    }

    /// This index with `manifest`'s objects: borrowed when it already holds
    /// them (every source of a prepared scan), so a scan does not copy the
    /// scan-wide index once per file.
    fn with(&self, manifest: &Manifest<'_>) -> Cow<'_, ScanIndex> {
        if self.sources.contains(manifest.source.path()) {
            return Cow::Borrowed(self);
        }
        let mut all = self.clone();
        all.add_manifest(manifest);
        Cow::Owned(all)
    }
}

/// [`check_manifest`], with the Roles and Services of the whole scan (`scan`); those
/// of this source are added to them.
pub fn check_manifest_in(
    manifest: &Manifest<'_>,
    ctx: &mut Context<'_>,
    namespaces: &NamespaceIndex,
    scan: &ScanIndex,
) {
    let source = manifest.source;

    let (default_level, default_version) = configured_policy(ctx);
    let accounts = hardening::ServiceAccounts::from_stream(manifest.stream);
    let all = scan.with(manifest);

    // Pass 1: Namespaces of this file.
    let index = namespaces_of_file(manifest, ctx, namespaces);

    // Pass 2: every document.
    for (doc, read) in manifest.documents() {
        let root = match &doc.root {
            Ok(root) => root,
            Err(problem) => {
                ctx.documents += 1;
                let mut p = problem.clone();
                p.document.get_or_insert(doc.index);
                ctx.error(p);
                continue;
            }
        };
        if doc.is_empty() {
            continue;
        }
        ctx.documents += 1;
        ctx.suppressions.extend(suppressions::comment_suppressions(
            Some(root),
            &doc.comments,
            doc.index,
            source,
        ));
        let Some(read) = read else { continue };
        match read {
            Read::NotObject(_) if seccomp::is_profile(root) => seccomp::check(ctx, doc.index, root),
            Read::NotObject(reason) => ctx.skipped.push(Skipped::new(
                source.path().to_string(),
                doc.index,
                "not a Kubernetes object".to_string(),
                reason.clone(),
            )),
            Read::Objects(objects, not_objects) => {
                for pointer in not_objects {
                    ctx.skipped.push(Skipped::new(
                        source.path().to_string(),
                        doc.index,
                        "not a Kubernetes object".to_string(),
                        format!("list item {pointer} has no apiVersion and kind"),
                    ));
                }
                for object in objects {
                    let scope = if object.in_list {
                        Scope::Range {
                            document: doc.index,
                            span: object.root.span,
                        }
                    } else {
                        Scope::Document(doc.index)
                    };
                    if let Some(s) =
                        suppressions::annotation_suppression(object.root, scope, doc.index, source)
                    {
                        ctx.suppressions.push(s);
                    }
                    ctx.suppressions
                        .extend(suppressions::foreign_annotation_suppressions(
                            object.root,
                            scope,
                            doc.index,
                            source,
                        ));
                    let policy = |ns: Option<&str>| -> (PssLevel, Version) {
                        match ns.and_then(|ns| index.policy(ns)) {
                            Some(p) => (p.level, p.version.unwrap_or(default_version)),
                            None => (default_level, default_version),
                        }
                    };
                    let (level, version) = policy(object.namespace.as_deref());
                    check_object(
                        source,
                        ctx,
                        doc.index,
                        object,
                        (level, version),
                        (&accounts, &all),
                    );
                }
            }
        }
    }
}

fn configured_policy(ctx: &mut Context<'_>) -> (PssLevel, Version) {
    let level = ctx.config.pss_level;
    let version = match ctx.config.pss_version.as_deref() {
        None => Version::LATEST,
        Some(text) => Version::parse(text).unwrap_or_else(|e| {
            ctx.error(Problem::new(
                ErrorKind::Config,
                Span::empty_at(0),
                format!("pss_version: {e}; using latest"),
            ));
            Version::LATEST
        }),
    };
    (level, version)
}

/// Count one object, run the object rules on it ([`hardening::check_object`]), and
/// when it carries a pod, the pod rules ([`hardening::check_pod`]) and Pod Security.
/// An object the API server would reject gets its located errors and no findings.
fn check_object(
    source: &Source,
    ctx: &mut Context<'_>,
    document: usize,
    object: &Object<'_>,
    (level, version): (PssLevel, Version),
    (accounts, scan): (&hardening::ServiceAccounts, &ScanIndex),
) {
    ctx.count_kind(object.kind.clone());
    // The object's own labels and annotations must be strings, whatever its kind.
    let mut decoder = podspec::Decoder::new();
    if let Some((_, metadata, ptr)) = decoder.object(object.root, &object.pointer, "metadata") {
        decoder.string_map(metadata, &ptr, "labels");
        decoder.string_map(metadata, &ptr, "annotations");
    }
    let Some(path) = object.pod_path() else {
        let (pods, found) = workloads::locate(object, &ctx.config.pod_templates);
        if decoder.errors.is_empty() && !pods.is_empty() {
            object_rules::check(ctx, document, object, &scan.services);
            check_custom_pods(
                (source, ctx),
                document,
                object,
                &pods,
                found,
                (level, version),
                accounts,
            );
            return;
        }
        if decoder.errors.is_empty() {
            hardening::check_object(ctx, document, object);
            object_rules::check(ctx, document, object, &scan.services);
            rbac::check_object(ctx, document, object, &scan.roles);
        }
        report_decode_errors(ctx, document, object, &decoder);
        let elsewhere = READ_ELSEWHERE.contains(&object.kind.as_str())
            || (object.kind == "Namespace" && object.group().is_empty())
            || (object.kind == "ServiceAccount" && object.group().is_empty())
            || rbac::is_rbac(object)
            || object_rules::reads_kind(object);
        if !is_kubernetes_group(object.group()) {
            // `apiVersion: release-notes/v2` (Istio's release notes), Skaffold's
            // `skaffold/v4beta1`: API groups are the built-in ones or DNS names.
            ctx.skipped.push(Skipped::new(
                source.path().to_string(),
                document,
                "not a Kubernetes object".to_string(),
                format!(
                    "`apiVersion: {}` is not a Kubernetes API group (custom groups are DNS names such as `example.com`)",
                    object.api_version
                ),
            ));
        } else if !elsewhere {
            ctx.skipped.push(Skipped::new(
                source.path().to_string(),
                document,
                object.kind.clone(),
                format!("{} has no pod spec to check", object.display_name()),
            ));
        }
        return;
    };
    decoder.default_host_network_ports = object.kind == "Pod";
    let Some((holder, pointer)) = walk_to_pod(&mut decoder, object, path) else {
        report_decode_errors(ctx, document, object, &decoder);
        if decoder.errors.is_empty() {
            hardening::check_object(ctx, document, object);
            object_rules::check(ctx, document, object, &scan.services);
            ctx.skipped.push(Skipped::new(
                source.path().to_string(),
                document,
                object.kind.clone(),
                format!(
                    "{} has no pod template ({})",
                    object.display_name(),
                    path.join(".")
                ),
            ));
        }
        return;
    };
    if let Some(decoded) = decode_pod(&mut decoder, holder, &pointer) {
        hardening::check_object(ctx, document, object);
        object_rules::check(ctx, document, object, &scan.services);
        check_pod(ctx, document, object, &decoded, (level, version), accounts);
    } else {
        report_decode_errors(ctx, document, object, &decoder);
    }
}

/// The pods of a custom resource ([`workloads::locate`]): each is decoded and
/// checked; one found generically that does not decode is skipped with the reason.
fn check_custom_pods(
    (source, ctx): (&Source, &mut Context<'_>),
    document: usize,
    object: &Object<'_>,
    pods: &[workloads::PodAt<'_>],
    found: workloads::Found,
    policy: (PssLevel, Version),
    accounts: &hardening::ServiceAccounts,
) {
    hardening::check_object(ctx, document, object);
    for at in pods {
        let mut decoder = podspec::Decoder::new();
        match decode_pod(&mut decoder, at.holder, &at.pointer) {
            Some(decoded) => check_pod(ctx, document, object, &decoded, policy, accounts),
            None if found == workloads::Found::Generic => {
                let first = decoder
                    .errors
                    .first()
                    .map(|e| e.message.clone())
                    .unwrap_or_default();
                ctx.skipped.push(Skipped::new(
                    source.path().to_string(),
                    document,
                    object.kind.clone(),
                    format!(
                        "{} has what looks like a pod template at {} that does not decode as one ({first})",
                        object.display_name(),
                        if at.pointer.is_empty() { "/" } else { at.pointer.as_str() }
                    ),
                ));
            }
            None => report_decode_errors(ctx, document, object, &decoder),
        }
    }
}

/// A decoded pod with its hardening fields; `None` when the decoder found errors.
fn decode_pod(
    decoder: &mut podspec::Decoder,
    holder: &Node,
    pointer: &str,
) -> Option<(podspec::Pod, hardening::Extra)> {
    let pod = decoder.pod(holder, pointer);
    let extra = hardening::model::decode(decoder, holder, pointer);
    decoder.errors.is_empty().then_some((pod, extra))
}

/// The pod rules and Pod Security on one decoded pod of `object`.
fn check_pod(
    ctx: &mut Context<'_>,
    document: usize,
    object: &Object<'_>,
    (pod, extra): &(podspec::Pod, hardening::Extra),
    (level, version): (PssLevel, Version),
    accounts: &hardening::ServiceAccounts,
) {
    hardening::check_pod(ctx, document, object, pod, extra, accounts);
    let Some(level) = Level::from_config(level) else {
        return;
    };
    let name = object.display_name();
    let report = |ctx: &mut Context<'_>, check: &pss::PssCheck, violation: &pss::Violation| {
        ctx.report(
            Diagnostic::new(
                check.meta,
                violation.loc.span,
                pss::violation_message(check, violation),
            )
            .in_document(document)
            .with_object(name.clone())
            .with_pointer(violation.loc.pointer.clone()),
        );
    };
    // Under restricted, PSA replaces some baseline checks by stricter ones (a
    // hostPath volume fails `restrictedVolumes`, LOW, instead of `hostPathVolumes`,
    // HIGH): a violation of the baseline check is still reported at its own rule
    // and severity, next to the restricted check's finding.
    if level == Level::Restricted {
        for (check, implementation) in pss::replaced_at_restricted(version) {
            for violation in &(implementation.eval)(pod) {
                report(ctx, check, violation);
            }
        }
    }
    for result in pss::evaluate(pod, level, version) {
        for violation in &result.violations {
            report(ctx, result.check, violation);
        }
    }
}

/// Whether `group` can be a Kubernetes API group: the core group, a built-in group
/// without a dot, or a DNS subdomain (every custom resource's group has a dot).
fn is_kubernetes_group(group: &str) -> bool {
    group.contains('.')
        || matches!(
            group,
            "" | "apps" | "batch" | "autoscaling" | "policy" | "extensions"
        )
}

/// Follow `path` from the object to the mapping that holds the pod's `metadata`
/// and `spec`; `None` when part of the path is missing (or of the wrong type).
fn walk_to_pod<'a>(
    decoder: &mut podspec::Decoder,
    object: &Object<'a>,
    path: &[&str],
) -> Option<(&'a Node, String)> {
    let mut node = object.root;
    let mut pointer = object.pointer.clone();
    for key in path {
        let (_, next, ptr) = decoder.object(node, &pointer, key)?;
        node = next;
        pointer = ptr;
    }
    Some((node, pointer))
}

fn report_decode_errors(
    ctx: &mut Context<'_>,
    document: usize,
    object: &Object<'_>,
    decoder: &podspec::Decoder,
) {
    let mut seen = std::collections::HashSet::new();
    for e in &decoder.errors {
        // A Pod's own metadata is read twice (as the object's and as the pod's).
        if !seen.insert((e.span, e.message.as_str())) {
            continue;
        }
        ctx.error(
            Problem::new(
                ErrorKind::Parse,
                e.span,
                format!(
                    "invalid {}: {}; the API server rejects this object, so Pod Security was not evaluated for it",
                    object.display_name(),
                    e.message
                ),
            )
            .in_document(document),
        );
    }
}
