//! K8S023 (opt-in): Secrets should be mounted as files, not read into the environment.

use super::{Hit, Workload};
use stockade_source::rule::{Category, Pack, Severity};

stockade_source::declare_rule! {
    /// ## What it does
    /// Flags every Secret a container reads into its environment: an `env` item
    /// with `valueFrom.secretKeyRef`, or an `envFrom` item with `secretRef`. The
    /// finding points at the `secretKeyRef` / `secretRef` key. Off by default:
    /// reading a Secret through `secretKeyRef` is the fix for K8S014 (a literal
    /// secret) and is common practice; enable this rule to require the stricter
    /// CIS Kubernetes Benchmark 5.4.1 ("prefer using secrets as files").
    ///
    /// ## Why is this bad?
    /// Environment variables leak: into crash dumps and error reports, into the
    /// logs of programs that print their environment, to child processes, and to
    /// anyone who can read `/proc/<pid>/environ` on the node. A mounted Secret is a
    /// file with permissions, and is updated in place when the Secret changes.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef:
    ///         name: db
    ///         key: password
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD_FILE
    ///     value: /run/secrets/db/password
    /// volumeMounts:
    ///   - name: db
    ///     mountPath: /run/secrets/db
    ///     readOnly: true
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod>
    /// - kube-linter `read-secret-from-env-var`, kubesec `SecretsAsEnvironmentVariables`,
    ///   Checkov `CKV_K8S_35`
    pub static META = {
        id: "K8S023",
        name: "secret-in-env-reference",
        pack: Pack::Kubernetes,
        aliases: &["read-secret-from-env-var", "SecretsAsEnvironmentVariables", "CKV_K8S_35"],
        severity: Severity::Low,
        category: Category::Security,
        title: "Secret read into an environment variable",
        remediation: "Mount the Secret as a volume and let the program read the file.",
        default_enabled: false,
    };
}

pub fn check(w: &Workload<'_>, out: &mut Vec<Hit>) {
    for (c, x) in w.containers() {
        for r in &x.secret_refs {
            let message = if r.variable.is_empty() {
                format!(
                    "{} reads every key of Secret \"{}\" into its environment (envFrom.secretRef); mount it as files instead",
                    w.who(c),
                    r.secret
                )
            } else {
                format!(
                    "{} reads Secret \"{}\" into environment variable {} (valueFrom.secretKeyRef); mount it as a file instead",
                    w.who(c),
                    r.secret,
                    r.variable
                )
            };
            out.push(Hit::new(&r.key, message));
        }
    }
}
