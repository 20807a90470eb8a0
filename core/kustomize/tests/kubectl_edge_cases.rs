//! Hand-made kustomizations that probe the corners where kustomize's output
//! is easy to get wrong (scalar styles, quoting, folding, timestamps, numbers,
//! unicode; kyaml's strategic merge: list order, directives it keeps as
//! fields, lists of unknown types replaced, Service ports; field names in any
//! case, built-in generators and transformers, name references kustomize must
//! not guess, CRD schemas), each built with
//! Stockade and with `kubectl kustomize`: the outputs must be identical.
//! SKIPPED where `kubectl` is absent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::Command;

use stockade_kustomize::{build, FileMap, Options};

const SCALARS: &str = r##"apiVersion: v1
kind: ConfigMap
metadata:
  name: scalars
  annotations:
    t: 2001-12-14
    port: 8080
    flag: true
data:
  a: 2001-12-14 21:59:43.10
  b: 2001-12-14T21:59:43Z
  c: 2001-1-4
  d: "  lead"
  e: "trail  "
  f: "- x"
  g: "a: b"
  h: "a #b"
  i: "#x"
  j: "ü emoji 😀"
  k: "line1\n  line2\n"
  l: " lead\nx"
  m: "x\n\n"
  n: ""
  o: "'quoted'"
  p: '"dq"'
  q: 1e3
  r: 12345678901234567890
  s: -0.0
  u: .5
  v: 0o17
  w: 1_000
  x: "tab\tin"
  y: "very long double quoted string that has \"quotes\" inside it and goes on and on past the eighty column limit of course"
  z: "very long plain string that has : colon inside it and goes on and on past the eighty column limit of course"
  zz: ~
  k1: [1, 2]
  k2: {}
  k3: [[a, b], {c: d}]
  "k 4": null
  "5": five
  k6: "*star"
  k7: "null"
  k8: "?"
  k9: "a\r\nb"
  yes: "yes"
  on: on
  n1: 0777
  n2: 1e-7
  n3: 1234567.5
  b1: yes
  b2: True
  folded: >
    folded text
    continues here

    new para
  bom: "\ufeffx"
  ls: "a\u2028b"
  nel: "a\u0085b"
  long_words: "word word word word word word word word word word word word word word word word word word word word word"
  long_nospace: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  a10: x
  a9: y
"##;

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  finalizers: [a, b, c]
spec:
  template:
    spec:
      tolerations:
      - key: k1
        operator: Exists
      containers:
      - name: a
        image: a:1
        args: [x, y]
        env:
        - {name: E1, value: "1"}
        - {name: E2, value: "2"}
        ports:
        - {containerPort: 80, name: http}
        - containerPort: 443
      - name: b
        image: b:1
        resources:
          limits: {cpu: "1"}
      volumes:
      - {name: v1, emptyDir: {}}
      - {name: v2, configMap: {name: cm}}
"#;

const DEPLOYMENT_PATCH: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  $deleteFromPrimitiveList/finalizers: [b]
spec:
  template:
    spec:
      $setElementOrder/containers:
      - name: b
      - name: a
      $retainKeys: [containers, volumes]
      tolerations:
      - key: k2
        operator: Exists
      containers:
      - name: b
        image: b:2
        resources:
          $patch: replace
          requests: {cpu: "2"}
      - name: c
        image: c:1
      - name: a
        args: [z]
        env:
        - {name: E3, value: "3"}
        - {name: E1, $patch: delete}
        ports:
        - containerPort: 8080
      volumes:
      - {name: v1, $patch: replace}
      - {name: v2, $patch: delete}
      - {name: v3, secret: {secretName: s}}
"#;

const CUSTOM: &str = r"apiVersion: example.com/v1
kind: Thing
metadata:
  name: t
spec:
  items:
  - {name: one, v: 1}
  - {name: two, v: 2}
  plain: [1, 2]
---
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  ports:
  - {port: 53, protocol: UDP, name: dns-udp}
  - {port: 53, protocol: TCP, name: dns-tcp}
";

const CUSTOM_PATCH: &str = r"apiVersion: example.com/v1
kind: Thing
metadata:
  name: t
spec:
  items:
  - {name: two, v: 22}
  - {name: three, v: 3}
  plain: [3]
  gone: null
---
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  ports:
  - {port: 53, protocol: UDP, name: dns-udp, targetPort: 5353}
  - {port: 8080, name: extra}
";

#[allow(clippy::too_many_lines)] // one table of cases
fn cases() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "scalars",
            vec![
                ("k/kustomization.yaml", "resources: [r.yaml]\n"),
                ("k/r.yaml", SCALARS),
            ],
        ),
        (
            "strategic merge, built-in types",
            vec![
                (
                    "k/kustomization.yaml",
                    "resources: [r.yaml]\npatches:\n- path: p.yaml\n",
                ),
                ("k/r.yaml", DEPLOYMENT),
                ("k/p.yaml", DEPLOYMENT_PATCH),
            ],
        ),
        (
            "strategic merge, custom types and Service ports",
            vec![
                (
                    "k/kustomization.yaml",
                    "resources: [r.yaml]\npatchesStrategicMerge:\n- p.yaml\n",
                ),
                ("k/r.yaml", CUSTOM),
                ("k/p.yaml", CUSTOM_PATCH),
            ],
        ),
        (
            "field names in any case, built-in generators and transformers",
            vec![
                (
                    "k/kustomization.yaml",
                    "nameprefix: x-\nNameSuffix: -y\nresources: [r.yaml]\ngenerators:\n- |-\n  apiVersion: builtin\n  kind: IAMPolicyGenerator\n  metadata: {name: g}\n  cloud: gke\n  kubernetesService: {name: ksa, namespace: kns}\n  serviceAccount: {name: gsa, projectId: proj}\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: ValueAddTransformer\n  metadata: {name: v}\n  targets:\n  - selector: {kind: ConfigMap}\n    fieldPath: data/path\n    filePathPosition: 2\n  - fieldPath: metadata/namespace\n",
                ),
                (
                    "k/r.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {path: a/b/c}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: nsx}\n",
                ),
            ],
        ),
        (
            "name references: blank-looking namespaces that are strings, unchanged candidates",
            vec![
                (
                    "k/kustomization.yaml",
                    "resources: [r.yaml, o]\nconfigMapGenerator:\n- {name: c, namespace: one, literals: [a=b]}\n- {name: c, namespace: two, literals: [a=b]}\n",
                ),
                (
                    "k/r.yaml",
                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: base}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- {kind: ServiceAccount, name: sa, namespace: \"\"}\n- {kind: ServiceAccount, name: sa, namespace: base}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\nsubjects:\n- {kind: ServiceAccount, name: sa, namespace: base}\n- {kind: User, name: u, namespace: null}\n",
                ),
                (
                    "k/o/kustomization.yaml",
                    "namespace: moved\nnamePrefix: p-\nresources: [sa.yaml]\n",
                ),
                (
                    "k/o/sa.yaml",
                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: base}\n",
                ),
            ],
        ),
        (
            "CRD schemas and prefixes restricted by configurations",
            vec![
                (
                    "k/kustomization.yaml",
                    "crds: [crd.json]\nconfigurations: [c.yaml]\nnamePrefix: p-\nresources: [r.yaml]\n",
                ),
                (
                    "k/c.yaml",
                    "namePrefix:\n- {path: metadata/name, kind: Secret}\n- {path: metadata/name, kind: Foo}\n",
                ),
                (
                    "k/crd.json",
                    r#"{"x.Foo": {"Schema": {"properties": {"kind": {}, "apiVersion": {}, "metadata": {}, "spec": {"$ref": "x.FooSpec"}}}},
 "x.FooSpec": {"Schema": {"properties": {"secret": {"x-kubernetes-object-ref-api-version": "v1", "x-kubernetes-object-ref-kind": "Secret", "x-kubernetes-object-ref-name-key": "id"}}}}}"#,
                ),
                (
                    "k/r.yaml",
                    "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\napiVersion: ex.com/v1\nkind: Foo\nmetadata: {name: f}\nspec: {secret: {id: s}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
                ),
            ],
        ),
        (
            "one base in two namespaces, references by namespace `default`",
            vec![
                ("k/kustomization.yaml", "resources: [a, b]\n"),
                (
                    "k/a/kustomization.yaml",
                    "namespace: na\nnamePrefix: a-\nresources: [../base]\n",
                ),
                (
                    "k/b/kustomization.yaml",
                    "namespace: nb\nnameSuffix: -b\nresources: [../base]\n",
                ),
                (
                    "k/base/kustomization.yaml",
                    "resources: [r.yaml]\nconfigMapGenerator:\n- {name: cfg, literals: [x=1]}\n",
                ),
                (
                    "k/base/r.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n      containers:\n      - {name: c, image: nginx, envFrom: [{configMapRef: {name: cfg}}]}\n      volumes:\n      - {name: v, configMap: {name: cfg}}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- {kind: ServiceAccount, name: sa}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules: []\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}\nsubjects:\n- {kind: ServiceAccount, name: sa, namespace: default}\n",
                ),
            ],
        ),
        (
            "generators merged into existing objects",
            vec![
                (
                    "k/kustomization.yaml",
                    "resources: [r.yaml]\nsecretGenerator:\n- {name: sec, behavior: merge, literals: [k=v]}\n- {name: s2, behavior: merge, type: foo, literals: [k=v]}\nconfigMapGenerator:\n- {name: c, behavior: merge, literals: [k=v], options: {immutable: true}}\n",
                ),
                (
                    "k/r.yaml",
                    "apiVersion: v1\nkind: Secret\nmetadata: {name: sec}\ntype: kubernetes.io/tls\ndata: {a: YQ==}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s2}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
                ),
            ],
        ),
    ]
}

#[test]
fn edge_cases_match_kubectl() {
    let available = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!(
            "SKIPPED: kubectl is not installed (these cases compare with `kubectl kustomize`)"
        );
        return;
    }
    let tmp = std::env::temp_dir().join(format!("stockade-kustomize-edge-{}", std::process::id()));
    let mut failures = Vec::new();
    for (i, (name, files)) in cases().into_iter().enumerate() {
        let dir = tmp.join(i.to_string());
        let mut map = FileMap::new();
        for (p, c) in &files {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, c).unwrap();
            map.insert((*p).to_string(), c.as_bytes().to_vec());
        }
        let want = Command::new("kubectl")
            .args(["kustomize", "k"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            want.status.success(),
            "{name}: kubectl failed: {}",
            String::from_utf8_lossy(&want.stderr)
        );
        let got = build(&map, "k", &Options::default()).unwrap().to_yaml();
        if got != String::from_utf8_lossy(&want.stdout) {
            failures.push(format!(
                "{name}:\n--- ours\n{got}\n--- kubectl\n{}",
                String::from_utf8_lossy(&want.stdout)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
