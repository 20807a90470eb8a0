//! Keys and certificates: the shape Sprig gives them, checked with `openssl`
//! where it is installed (verify the chain, read the extensions).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::process::Command;

use stockade_gotemplate::{Template, Value};

fn render(src: &str) -> Result<String, String> {
    let mut t = Template::new("test");
    t.funcs(stockade_sprig::funcs());
    t.parse("test", src).map_err(|e| e.to_string())?;
    let mut out = String::new();
    t.execute("test", &Value::map(BTreeMap::new()), &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn openssl(args: &[&str], input_files: &[(&str, &str)]) -> Option<String> {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("stockade-sprig-certs-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    for (name, text) in input_files {
        std::fs::write(dir.join(name), text).ok()?;
    }
    let out = Command::new("openssl")
        .args(args)
        .current_dir(&dir)
        .output()
        .ok();
    let _ = std::fs::remove_dir_all(&dir);
    let out = out?;
    Some(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

#[test]
fn ca_and_signed_certificate() {
    let out = render(
        r#"{{- $ca := genCA "my-ca" 365 -}}
{{- $cert := genSignedCert "svc.ns.svc" (list "10.0.0.1") (list "svc" "svc.ns.svc") 30 $ca -}}
{{ $ca.Cert }}@@{{ $ca.Key }}@@{{ $cert.Cert }}@@{{ $cert.Key }}@@{{ typeOf $ca }}"#,
    )
    .unwrap();
    let parts: Vec<&str> = out.split("@@").collect();
    assert_eq!(parts.len(), 5);
    assert!(
        parts[0].starts_with("-----BEGIN CERTIFICATE-----\n")
            && parts[0].ends_with("-----END CERTIFICATE-----\n")
    );
    assert!(parts[1].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(parts[2].starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(parts[3].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert_eq!(parts[4], "sprig.certificate");
    let Some(v) = openssl(
        &["verify", "-CAfile", "ca.pem", "leaf.pem"],
        &[("ca.pem", parts[0]), ("leaf.pem", parts[2])],
    ) else {
        eprintln!("SKIPPED: openssl not installed; shapes checked only");
        return;
    };
    assert!(v.contains("leaf.pem: OK"), "{v}");
    let text = openssl(
        &["x509", "-in", "leaf.pem", "-noout", "-text"],
        &[("leaf.pem", parts[2])],
    )
    .unwrap();
    for want in [
        "Subject: CN = svc.ns.svc",
        "Issuer: CN = my-ca",
        "Public-Key: (2048 bit)",
        "Digital Signature, Key Encipherment",
        "TLS Web Server Authentication, TLS Web Client Authentication",
        "CA:FALSE",
        "DNS:svc, DNS:svc.ns.svc, IP Address:10.0.0.1",
        "sha256WithRSAEncryption",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let ca = openssl(
        &["x509", "-in", "ca.pem", "-noout", "-text"],
        &[("ca.pem", parts[0])],
    )
    .unwrap();
    assert!(
        ca.contains("CA:TRUE") && ca.contains("Certificate Sign"),
        "{ca}"
    );
    let key = openssl(
        &["rsa", "-in", "k.pem", "-check", "-noout"],
        &[("k.pem", parts[3])],
    )
    .unwrap();
    assert!(key.contains("RSA key ok"), "{key}");
}

#[test]
fn self_signed_with_key_and_private_keys() {
    let out = render(
        r#"{{- $k := genPrivateKey "rsa" -}}
{{- $c := genSelfSignedCertWithKey "self" nil nil 1 $k -}}
{{ $c.Cert }}@@{{ eq $c.Key $k }}@@{{ genPrivateKey "ed25519" }}"#,
    )
    .unwrap();
    let parts: Vec<&str> = out.split("@@").collect();
    assert_eq!(parts[1], "true");
    assert!(parts[2].starts_with("-----BEGIN PRIVATE KEY-----\n"));
    if let Some(t) = openssl(
        &["x509", "-in", "c.pem", "-noout", "-text"],
        &[("c.pem", parts[0])],
    ) {
        assert!(
            t.contains("Public-Key: (4096 bit)") && t.contains("Subject: CN = self"),
            "{t}"
        );
    }
    if let Some(t) = openssl(
        &["pkey", "-in", "e.pem", "-noout", "-text"],
        &[("e.pem", parts[2])],
    ) {
        assert!(t.contains("ED25519 Private-Key"), "{t}");
    }
    assert_eq!(
        render(r#"{{ genPrivateKey "foo" }}"#).unwrap(),
        "Unknown type foo"
    );
    let e = render(r#"{{ genSelfSignedCert "x" (list 1) nil 1 }}"#).unwrap_err();
    assert!(
        e.ends_with("error calling genSelfSignedCert: error parsing ip: 1 is not a string"),
        "{e}"
    );
    let e = render(r#"{{ genCAWithKey "x" 1 "junk" }}"#).unwrap_err();
    assert!(
        e.ends_with("error calling genCAWithKey: parsing private key: no PEM data in input"),
        "{e}"
    );
}

#[test]
fn ecdsa_keys_and_certificates() {
    let out = render(
        r#"{{- $k := genPrivateKey "ecdsa" -}}
{{- $ca := genCAWithKey "ec-ca" 10 $k -}}
{{- $leaf := genSignedCert "leaf" nil (list "a.example") 5 $ca -}}
{{ $k }}@@{{ $ca.Cert }}@@{{ $leaf.Cert }}@@{{ eq $ca.Key $k }}"#,
    )
    .unwrap();
    let parts: Vec<&str> = out.split("@@").collect();
    assert!(
        parts[0].starts_with("-----BEGIN EC PRIVATE KEY-----\n"),
        "{}",
        parts[0]
    );
    assert_eq!(parts[3], "true");
    let e = render(r#"{{ genPrivateKey "dsa" }}"#).unwrap_err();
    assert!(e.contains("DSA keys are not supported"), "{e}");
    let Some(k) = openssl(
        &["ec", "-in", "k.pem", "-check", "-noout"],
        &[("k.pem", parts[0])],
    ) else {
        eprintln!("SKIPPED: openssl not installed; shapes checked only");
        return;
    };
    assert!(k.contains("EC Key valid") || k.contains("valid"), "{k}");
    let v = openssl(
        &["verify", "-CAfile", "ca.pem", "leaf.pem"],
        &[("ca.pem", parts[1]), ("leaf.pem", parts[2])],
    )
    .unwrap();
    assert!(v.contains("leaf.pem: OK"), "{v}");
    let ca = openssl(
        &["x509", "-in", "ca.pem", "-noout", "-text"],
        &[("ca.pem", parts[1])],
    )
    .unwrap();
    assert!(
        ca.contains("ecdsa-with-SHA256") && ca.contains("prime256v1") && ca.contains("CA:TRUE"),
        "{ca}"
    );
}
