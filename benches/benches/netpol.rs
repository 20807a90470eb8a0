//! `NetworkPolicy` connectivity on a synthetic cluster at 10×, 100× and 1000× scale.
//!
//! One unit is a namespace with 10 Deployments (5 front, 5 back) and 6
//! `NetworkPolicies` (default deny, DNS egress, front → back on 8080, monitoring
//! ingress by `namespaceSelector`, ingress from and egress to an `ipBlock` of its own
//! with an `except`), plus a shared `kube-system/kube-dns` and a `monitoring`
//! namespace. Scale N has N namespaces: 10 N workloads, 6 N policies.
//! Run with `cargo bench -p stockade-benches --bench netpol`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use stockade::netpol;
use stockade::Source;

/// The manifests of a synthetic cluster with `n` application namespaces, one file
/// per namespace.
pub fn cluster(n: usize) -> Vec<Source> {
    let mut files = Vec::new();
    let mut y = String::new();
    let deploy = |y: &mut String, ns: &str, name: &str, labels: &str| {
        let _ = write!(
            y,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  template:\n    metadata: {{labels: {{{labels}}}}}\n    spec:\n      containers:\n      - name: c\n        image: x\n        ports: [{{name: http, containerPort: 8080}}]\n---\n"
        );
    };
    deploy(&mut y, "kube-system", "kube-dns", "k8s-app: kube-dns");
    y.push_str("apiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring, labels: {purpose: monitoring}}\n---\n");
    deploy(&mut y, "monitoring", "prometheus", "app: prometheus");
    files.push(Source::new("shared.yaml", std::mem::take(&mut y)));
    for i in 0..n {
        let ns = format!("app-{i}");
        let _ = write!(y, "apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}, labels: {{team: t{}}}}}\n---\n", i % 7);
        for j in 0..10 {
            let tier = if j < 5 { "front" } else { "back" };
            deploy(
                &mut y,
                &ns,
                &format!("svc-{j}"),
                &format!("app: svc-{j}, tier: {tier}"),
            );
        }
        let (a, b) = (10 + i / 250, i % 250);
        let policies = [
            ("default-deny", "  podSelector: {}\n  policyTypes: [Ingress, Egress]".to_string()),
            ("allow-dns", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n      podSelector: {matchLabels: {k8s-app: kube-dns}}\n    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]".to_string()),
            ("front-to-back", "  podSelector: {matchLabels: {tier: back}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {tier: front}}}]\n    ports: [{port: http}]".to_string()),
            ("front-egress", "  podSelector: {matchLabels: {tier: front}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {tier: back}}}]\n    ports: [{port: 8080}]".to_string()),
            ("monitoring", "  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {purpose: monitoring}}}]\n    ports: [{port: 9090}]".to_string()),
            ("external", format!("  podSelector: {{matchLabels: {{tier: front}}}}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from: [{{ipBlock: {{cidr: {a}.{b}.0.0/16, except: [{a}.{b}.1.0/24]}}}}]\n    ports: [{{port: 443}}]\n  egress:\n  - to: [{{ipBlock: {{cidr: {a}.{b}.128.0/17}}}}]")),
        ];
        for (name, spec) in policies {
            let _ = write!(y, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{spec}\n---\n");
        }
        files.push(Source::new(format!("{ns}.yaml"), std::mem::take(&mut y)));
    }
    files
}

fn connlist(c: &mut Criterion) {
    let mut group = c.benchmark_group("netpol-connlist");
    group.sample_size(10);
    for scale in [10usize, 100, 1000] {
        let sources = cluster(scale);
        let read = netpol::Cluster::from_sources(&sources);
        let lines = netpol::connlist_of(&read).connections.len();
        eprintln!(
            "scale {scale}x: {} workloads, {} policies, {lines} connections",
            read.workloads.len(),
            read.policies.len()
        );
        group.throughput(Throughput::Elements(read.workloads.len() as u64));
        group.bench_with_input(BenchmarkId::new("read+analyse", scale), &sources, |b, s| {
            b.iter(|| netpol::connlist(s).connections.len());
        });
        group.bench_with_input(BenchmarkId::new("analyse", scale), &read, |b, r| {
            b.iter(|| netpol::connlist_of(r).connections.len());
        });
    }
    group.finish();
}

criterion_group!(benches, connlist);
criterion_main!(benches);
