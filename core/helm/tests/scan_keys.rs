//! Renders that are scanned make P-256 keys where Sprig makes RSA ones, and
//! bcrypt hashes at the least cost (`EngineMode::scan_keys`); `helm
//! template`'s render keeps RSA and cost 10.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use stockade_helm::archive::ArchiveLimits;
use stockade_helm::funcs::EngineMode;
use stockade_helm::{Chart, HelmOptions, RenderSettings};

const SECRET: &str = r#"{{- $ca := genCA "ca" 365 }}
{{- $cert := genSignedCert "web" nil (list "web.local") 365 $ca }}
{{- $self := genSelfSignedCert "self" nil nil 365 }}
apiVersion: v1
kind: Secret
metadata:
  name: tls
stringData:
  ca.crt: {{ $ca.Cert | quote }}
  tls.crt: {{ $cert.Cert | quote }}
  tls.key: {{ $cert.Key | quote }}
  self.key: {{ $self.Key | quote }}
  extra.key: {{ genPrivateKey "rsa" | quote }}
  default.key: {{ genPrivateKey "" | quote }}
  hash: {{ bcrypt "pw" | quote }}
  auth: {{ htpasswd "admin" "pw" | quote }}
"#;

fn chart() -> Chart {
    let mut files = BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        b"apiVersion: v2\nname: c\nversion: 0.1.0\n".to_vec(),
    );
    files.insert(
        "templates/secret.yaml".to_string(),
        SECRET.as_bytes().to_vec(),
    );
    Chart::from_dir_files(files, &ArchiveLimits::default()).unwrap()
}

fn render(scan_keys: bool) -> String {
    let settings = RenderSettings {
        mode: EngineMode {
            scan_keys,
            ..EngineMode::default()
        },
        ..RenderSettings::default()
    };
    let r = stockade_helm::render(&chart(), &HelmOptions::default(), &settings).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.files[0].text.clone()
}

fn count(text: &str, what: &str) -> usize {
    text.matches(what).count()
}

/// The bcrypt hashes of `hash:` and `auth:` (after `admin:`), checked for
/// bcrypt's shape at `cost`.
fn hashes(text: &str, cost: &str) -> usize {
    let shape = regex::Regex::new(&format!(
        r#"(?m)^  (hash: "|auth: "admin:)\$2a\${cost}\$[./A-Za-z0-9]{{53}}"$"#
    ))
    .unwrap();
    shape.find_iter(text).count()
}

#[test]
fn a_scanned_render_makes_p256_keys_and_valid_certificates() {
    let text = render(true);
    assert_eq!(count(&text, "BEGIN EC PRIVATE KEY"), 4, "{text}");
    assert_eq!(count(&text, "BEGIN RSA PRIVATE KEY"), 0);
    assert_eq!(count(&text, "BEGIN CERTIFICATE"), 2);
    assert_eq!(hashes(&text, "04"), 2, "{text}");
}

#[test]
fn helm_template_keeps_sprig_s_rsa_keys() {
    let text = render(false);
    assert_eq!(count(&text, "BEGIN RSA PRIVATE KEY"), 4, "{text}");
    assert_eq!(count(&text, "BEGIN EC PRIVATE KEY"), 0);
    assert_eq!(hashes(&text, "10"), 2, "{text}");
}
