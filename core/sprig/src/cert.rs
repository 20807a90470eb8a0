//! Keys and certificates as Sprig makes them: `genPrivateKey` (`rsa`: RSA-4096
//! PKCS#1 `RSA PRIVATE KEY`; `ecdsa`: P-256 SEC 1 `EC PRIVATE KEY`; `ed25519`:
//! PKCS#8 `PRIVATE KEY`), `genCA`, `genSelfSignedCert`, `genSignedCert`
//! (RSA-2048 keys, SHA-256 with RSA signatures), their `WithKey` forms (an RSA
//! or P-256 key in PKCS#1, SEC 1 or PKCS#8 PEM; a P-256 signer signs with
//! ECDSA-SHA256, as Go picks), and `buildCustomCert`. Certificates are X.509 v3 shaped as Go's
//! `x509.CreateCertificate` shapes Sprig's template: random 128-bit serial,
//! `CN=<cn>` subject, validity from now for `days` days, key usage digital
//! signature + key encipherment (+ certificate signing for a CA, which is
//! `CA:TRUE` and carries a subject key id), extended key usage server + client
//! authentication, basic constraints, the CA's key id as authority key id, and
//! the given IP addresses and DNS names as subject alternative names.
//!
//! Not made here (an error says so): `dsa` keys for `genPrivateKey`, and
//! certificates for or signed by an Ed25519 or DSA key.

use std::any::Any;
use std::net::IpAddr;

use p256::ecdsa::signature::Signer as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::Digest;
use stockade_gotemplate::{CallCtx, FuncError, Kind, Member, Object, Param, Value};

use crate::crypto::{b64dec, b64enc, random_bytes};
use crate::funcs::{arg, int, sa, Reg};
use crate::gotime::Time;

// ---- randomness for the rsa crate ------------------------------------------------

/// The operating system's random source for the `rsa` crate. [`check_rng`] is
/// called first, so a failing source is an error, never silently zeros.
struct OsRng;

impl rand_core::RngCore for OsRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0_u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0_u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let _ = random_bytes(dest);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for OsRng {}

fn check_rng() -> Result<(), FuncError> {
    let mut b = [0_u8; 8];
    random_bytes(&mut b).map_err(FuncError::msg)
}

// ---- DER ---------------------------------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap_or(0));
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend(trimmed);
    tlv(0x02, &content)
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let first = arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0);
    for arc in std::iter::once(first).chain(arcs.iter().skip(2).copied()) {
        let mut groups = vec![u8::try_from(arc & 0x7f).unwrap_or(0)];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push(0x80 | u8::try_from(v & 0x7f).unwrap_or(0));
            v >>= 7;
        }
        groups.reverse();
        body.extend(groups);
    }
    tlv(0x06, &body)
}

fn bit_string(bytes: &[u8], unused: u8) -> Vec<u8> {
    let mut content = vec![unused];
    content.extend_from_slice(bytes);
    tlv(0x03, &content)
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

fn explicit(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, content)
}

const NULL: [u8; 2] = [0x05, 0x00];

/// Go's `asn1` choice for a string: `PrintableString` when it can, else UTF-8.
fn asn1_string(s: &str) -> Vec<u8> {
    let printable = s
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b" '()+,-./:=?*&".contains(&c));
    tlv(if printable { 0x13 } else { 0x0c }, s.as_bytes())
}

/// `CN=<cn>` (an empty name when `cn` is empty, as Go encodes it).
fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return seq(&[]);
    }
    let atv = seq(&[oid(&[2, 5, 4, 3]), asn1_string(cn)]);
    seq(&[tlv(0x31, &atv)])
}

/// `UTCTime` for 1950–2049, `GeneralizedTime` otherwise (RFC 5280).
fn der_time(t: &Time) -> Vec<u8> {
    let year: i64 = t.format("2006").parse().unwrap_or(1970);
    if (1950..2050).contains(&year) {
        tlv(0x17, t.format("060102150405Z").as_bytes())
    } else {
        tlv(0x18, t.format("20060102150405Z").as_bytes())
    }
}

/// One DER element: tag, the whole element, its content, what follows it.
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// Reads one TLV.
fn read_tlv(b: &[u8]) -> Option<Tlv<'_>> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, hdr) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0_usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*b.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    Some((tag, b.get(..end)?, b.get(hdr..end)?, b.get(end..)?))
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = b64enc(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Go's `pem.Decode`: the first block's type and bytes.
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = text.get(start + 11..)?;
    let label_end = rest.find("-----")?;
    let label = rest.get(..label_end)?.to_string();
    let body_start = rest.get(label_end + 5..)?;
    let end_marker = format!("-----END {label}-----");
    let body_end = body_start.find(&end_marker)?;
    let body: String = body_start
        .get(..body_end)?
        .lines()
        .filter(|l| !l.contains(':'))
        .collect::<Vec<_>>()
        .concat();
    let der = b64dec(body.trim()).ok()?;
    Some((label, der))
}

// ---- keys ----------------------------------------------------------------------------

/// A key this build can certify and sign with (short-lived: one per call).
#[allow(clippy::large_enum_variant)]
enum Key {
    Rsa(RsaPrivateKey),
    Ec(p256::SecretKey),
}

const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10_045, 2, 1];
const PRIME256V1: &[u64] = &[1, 2, 840, 10_045, 3, 1, 7];

fn ec_point(k: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    k.public_key().to_encoded_point(false).as_bytes().to_vec()
}

/// SEC 1 `ECPrivateKey` with the curve and public key, as Go's
/// `x509.MarshalECPrivateKey` writes it.
fn ec_key_der(k: &p256::SecretKey) -> Vec<u8> {
    seq(&[
        tlv(0x02, &[1]),
        octets(&k.to_bytes()),
        explicit(0, &oid(PRIME256V1)),
        explicit(1, &bit_string(&ec_point(k), 0)),
    ])
}

/// A SEC 1 `ECPrivateKey` on P-256.
fn parse_ec_der(der: &[u8]) -> Result<p256::SecretKey, String> {
    let bad =
        || "parsing EC private key from PEM: x509: failed to parse EC private key".to_string();
    let (_, _, body, _) = read_tlv(der).ok_or_else(bad)?;
    let (_, _, _version, rest) = read_tlv(body).ok_or_else(bad)?;
    let (tag, _, d, rest) = read_tlv(rest).ok_or_else(bad)?;
    if tag != 0x04 {
        return Err(bad());
    }
    if let Some((0xa0, _, curve, _)) = read_tlv(rest) {
        if curve != oid(PRIME256V1).as_slice() {
            return Err(
                "x509: unknown elliptic curve (only P-256 is supported by this build)".to_string(),
            );
        }
    }
    p256::SecretKey::from_slice(d).map_err(|_| bad())
}

impl Key {
    fn pem(&self) -> Result<String, FuncError> {
        match self {
            Key::Rsa(k) => rsa_key_pem(k),
            Key::Ec(k) => Ok(pem("EC PRIVATE KEY", &ec_key_der(k))),
        }
    }

    /// `SubjectPublicKeyInfo` and the public key bits (for the key id).
    fn spki(&self) -> Result<(Vec<u8>, Vec<u8>), FuncError> {
        match self {
            Key::Rsa(k) => {
                let public = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| FuncError::msg(format!("error creating certificate: {e}")))?;
                let bits = public.as_bytes().to_vec();
                let alg = seq(&[oid(&[1, 2, 840, 113_549, 1, 1, 1]), NULL.to_vec()]);
                Ok((seq(&[alg, bit_string(&bits, 0)]), bits))
            }
            Key::Ec(k) => {
                let bits = ec_point(k);
                let alg = seq(&[oid(EC_PUBLIC_KEY), oid(PRIME256V1)]);
                Ok((seq(&[alg, bit_string(&bits, 0)]), bits))
            }
        }
    }

    /// The signature algorithm Go picks for this signer.
    fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            Key::Rsa(_) => seq(&[oid(&[1, 2, 840, 113_549, 1, 1, 11]), NULL.to_vec()]),
            Key::Ec(_) => seq(&[oid(&[1, 2, 840, 10_045, 4, 3, 2])]),
        }
    }

    fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, FuncError> {
        match self {
            Key::Rsa(k) => {
                let mut digest_info = vec![
                    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
                    0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
                ];
                digest_info.extend_from_slice(&sha2::Sha256::digest(tbs));
                k.sign_with_rng(&mut OsRng, Pkcs1v15Sign::new_unprefixed(), &digest_info)
                    .map_err(|e| FuncError::msg(format!("error creating certificate: {e}")))
            }
            Key::Ec(k) => {
                let signer = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature = signer.sign(tbs);
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }
}

/// How the generating functions make the keys they are not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyGen {
    /// As Sprig: RSA (4096 bits for `genPrivateKey`, 2048 for certificates).
    Sprig,
    /// P-256 keys in their place (see [`scan_key_funcs`]).
    Fast,
}

fn gen_rsa(ctx: &mut CallCtx<'_, '_>, bits: usize) -> Result<RsaPrivateKey, FuncError> {
    check_rng()?;
    // Key generation is expensive: charged so a loop of it ends at the step budget.
    ctx.charge(u64::try_from(bits * bits / 2).unwrap_or(u64::MAX))?;
    let mut fill = |buf: &mut [u8]| rand_core::RngCore::fill_bytes(&mut OsRng, buf);
    loop {
        let p = crate::prime::random_prime(bits / 2, &mut fill);
        let q = crate::prime::random_prime(bits - bits / 2, &mut fill);
        if p == q {
            continue;
        }
        return RsaPrivateKey::from_p_q(p, q, crate::prime::PUBLIC_EXPONENT.into())
            .map_err(|e| FuncError::msg(format!("error generating rsa key: {e}")));
    }
}

fn rsa_key_pem(key: &RsaPrivateKey) -> Result<String, FuncError> {
    let der = key
        .to_pkcs1_der()
        .map_err(|e| FuncError::msg(format!("error pem-encoding key: {e}")))?;
    Ok(pem("RSA PRIVATE KEY", der.as_bytes()))
}

/// Sprig's `parsePrivateKeyPEM`, for the RSA and P-256 keys this build can sign with.
fn parse_key(text: &str) -> Result<Key, String> {
    let (label, der) = pem_decode(text).ok_or_else(|| "no PEM data in input".to_string())?;
    match label.as_str() {
        "PRIVATE KEY" => {
            if let Ok(k) = RsaPrivateKey::from_pkcs8_der(&der) {
                return Ok(Key::Rsa(k));
            }
            // PKCS#8 of an EC key: { 0, { ecPublicKey, curve }, OCTET STRING { SEC 1 } }.
            let bad = || {
                "decoding PEM as PKCS#8: only RSA and P-256 keys are supported by this build"
                    .to_string()
            };
            let (_, _, body, _) = read_tlv(&der).ok_or_else(bad)?;
            let (_, _, _, rest) = read_tlv(body).ok_or_else(bad)?;
            let (_, _, alg, rest) = read_tlv(rest).ok_or_else(bad)?;
            if !alg.starts_with(&oid(EC_PUBLIC_KEY)) || !alg.ends_with(&oid(PRIME256V1)) {
                return Err(bad());
            }
            let (_, _, sec1, _) = read_tlv(rest).ok_or_else(bad)?;
            parse_ec_der(sec1).map(Key::Ec)
        }
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(&der)
            .map(Key::Rsa)
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC PRIVATE KEY" => parse_ec_der(&der).map(Key::Ec),
        "DSA PRIVATE KEY" => {
            Err("DSA PRIVATE KEY: DSA keys are not supported by this build".to_string())
        }
        l if l.ends_with(" PRIVATE KEY") => Err(format!("invalid private key type {l}")),
        l => Err(format!("no private key data in PEM block of type {l}")),
    }
}

fn gen_private_key(
    ctx: &mut CallCtx<'_, '_>,
    a: &[Value],
    keys: KeyGen,
) -> Result<Value, FuncError> {
    let typ = sa(a, 0);
    let text = match (typ, keys) {
        ("" | "rsa", KeyGen::Sprig) => rsa_key_pem(&gen_rsa(ctx, 4096)?)?,
        ("ed25519", _) => {
            // PKCS#8 of an Ed25519 key is its 32-byte seed (RFC 8410), as Go writes it.
            let mut seed = [0_u8; 32];
            random_bytes(&mut seed).map_err(FuncError::msg)?;
            let der = seq(&[
                tlv(0x02, &[0]),
                seq(&[oid(&[1, 3, 101, 112])]),
                octets(&octets(&seed)),
            ]);
            pem("PRIVATE KEY", &der)
        }
        ("ecdsa", _) | ("" | "rsa", KeyGen::Fast) => {
            check_rng()?;
            pem("EC PRIVATE KEY", &ec_key_der(&p256::SecretKey::random(&mut OsRng)))
        }
        ("dsa", _) => {
            return Err(FuncError::msg(
                "genPrivateKey dsa: DSA keys are not supported by this build (rsa, ecdsa and ed25519 are)",
            ))
        }
        (other, _) => format!("Unknown type {other}"),
    };
    Ok(Value::string(text))
}

// ---- certificates --------------------------------------------------------------------

/// Sprig's `certificate` struct: `.Cert` and `.Key`, PEM text.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The certificate, PEM.
    pub cert: String,
    /// Its private key, PEM.
    pub key: String,
}

const CERT_TYPE: &str = "sprig.certificate";

impl Object for Certificate {
    fn type_name(&self) -> String {
        CERT_TYPE.to_string()
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn member(&self, name: &str) -> Option<Member> {
        match name {
            "Cert" => Some(Member::Field(Value::string(self.cert.as_str()))),
            "Key" => Some(Member::Field(Value::string(self.key.as_str()))),
            _ => None,
        }
    }
    fn fields(&self) -> Vec<(String, Value)> {
        vec![
            ("Cert".to_string(), Value::string(self.cert.as_str())),
            ("Key".to_string(), Value::string(self.key.as_str())),
        ]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct Template {
    cn: String,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

fn net_ips(v: &Value) -> Result<Vec<Vec<u8>>, FuncError> {
    let Some(items) = crate::cast::items(v) else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|ip| {
            let Some(s) = ip.as_str() else {
                return Err(FuncError::msg(format!(
                    "error parsing ip: {} is not a string",
                    ip.to_go_string()
                )));
            };
            match s.parse::<IpAddr>() {
                Ok(IpAddr::V4(a)) => Ok(a.octets().to_vec()),
                Ok(IpAddr::V6(a)) => Ok(a
                    .to_ipv4_mapped()
                    .map_or_else(|| a.octets().to_vec(), |v4| v4.octets().to_vec())),
                Err(_) => Err(FuncError::msg(format!("error parsing ip: {s}"))),
            }
        })
        .collect()
}

fn dns_names(v: &Value) -> Result<Vec<String>, FuncError> {
    let Some(items) = crate::cast::items(v) else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|d| {
            d.as_str().map(str::to_string).ok_or_else(|| {
                FuncError::msg(format!(
                    "error processing alternate dns name: {} is not a string",
                    d.to_go_string()
                ))
            })
        })
        .collect()
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(tlv(0x01, &[0xff]));
    }
    parts.push(octets(value));
    seq(&parts)
}

/// Go's key-usage bit string: bit 0 (digital signature) is the first bit.
fn key_usage(bits: &[u8]) -> Vec<u8> {
    let mut byte = 0_u8;
    for b in bits {
        byte |= 0x80 >> b;
    }
    let unused = u8::try_from(byte.trailing_zeros()).unwrap_or(0);
    bit_string(&[byte], unused)
}

/// The parts of a signer certificate a child needs: its subject and key id.
struct Signer {
    subject: Vec<u8>,
    key_id: Option<Vec<u8>>,
    key: Key,
}

fn parse_signer(ca: &Certificate) -> Result<Signer, FuncError> {
    let (label, der) =
        pem_decode(&ca.cert).ok_or_else(|| FuncError::msg("unable to decode certificate"))?;
    let bad = || {
        FuncError::msg(
            "error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate",
        )
    };
    if label != "CERTIFICATE" {
        return Err(bad());
    }
    let (_, _, cert, _) = read_tlv(&der).ok_or_else(bad)?;
    let (_, _, tbs, _) = read_tlv(cert).ok_or_else(bad)?;
    let mut rest = tbs;
    let mut fields = Vec::new();
    while let Some((tag, whole, content, next)) = read_tlv(rest) {
        fields.push((tag, whole, content));
        rest = next;
    }
    let skip = usize::from(fields.first().is_some_and(|f| f.0 == 0xa0));
    let subject = fields.get(skip + 4).map(|f| f.1.to_vec()).ok_or_else(bad)?;
    let mut key_id = None;
    if let Some((_, _, exts)) = fields.iter().find(|f| f.0 == 0xa3) {
        let (_, _, list, _) = read_tlv(exts).ok_or_else(bad)?;
        let mut rest = list;
        let skid = oid(&[2, 5, 29, 14]);
        while let Some((_, _, ext, next)) = read_tlv(rest) {
            if ext.starts_with(&skid) {
                let mut inner = ext.get(skid.len()..).unwrap_or(&[]);
                while let Some((tag, _, content, n)) = read_tlv(inner) {
                    if tag == 0x04 {
                        key_id = read_tlv(content).map(|(_, _, id, _)| id.to_vec());
                    }
                    inner = n;
                }
            }
            rest = next;
        }
    }
    let key = parse_key(&ca.key)
        .map_err(|e| FuncError::msg(format!("error parsing private key: {e}")))?;
    Ok(Signer {
        subject,
        key_id,
        key,
    })
}

/// Go's `x509.CreateCertificate` for Sprig's template, signed by `signer`
/// (`None`: self-signed with `key`).
fn create_certificate(
    t: &Template,
    key: &Key,
    signer: Option<&Signer>,
) -> Result<Certificate, FuncError> {
    let (spki, public_bits) = key.spki()?;
    let signing_key = signer.map_or(key, |s| &s.key);
    let alg = signing_key.signature_algorithm();
    let mut serial = [0_u8; 16];
    random_bytes(&mut serial).map_err(FuncError::msg)?;
    let now = Time::now();
    let not_after = now.add(t.days.saturating_mul(86_400_000_000_000));
    let subject = name(&t.cn);
    let issuer = signer.map_or_else(|| subject.clone(), |s| s.subject.clone());

    let mut exts = Vec::new();
    let mut usage = vec![0_u8, 2];
    if t.is_ca {
        usage.push(5);
    }
    exts.push(extension(&[2, 5, 29, 15], true, &key_usage(&usage)));
    let eku = seq(&[
        oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
        oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
    ]);
    exts.push(extension(&[2, 5, 29, 37], false, &eku));
    let bc = if t.is_ca {
        seq(&[tlv(0x01, &[0xff])])
    } else {
        seq(&[])
    };
    exts.push(extension(&[2, 5, 29, 19], true, &bc));
    if t.is_ca {
        // Go ≥ 1.25: the first 160 bits of SHA-256 of the public key.
        let id = sha2::Sha256::digest(&public_bits);
        exts.push(extension(
            &[2, 5, 29, 14],
            false,
            &octets(id.get(..20).unwrap_or(&id)),
        ));
    }
    if let Some(id) = signer
        .and_then(|s| s.key_id.as_ref())
        .filter(|_| issuer != subject)
    {
        exts.push(extension(&[2, 5, 29, 35], false, &seq(&[tlv(0x80, id)])));
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names: Vec<Vec<u8>> = t.dns.iter().map(|d| tlv(0x82, d.as_bytes())).collect();
        names.extend(t.ips.iter().map(|ip| tlv(0x87, ip)));
        exts.push(extension(&[2, 5, 29, 17], false, &seq(&names)));
    }
    let tbs = seq(&[
        explicit(0, &uint(&[2])),
        uint(&serial),
        alg.clone(),
        issuer,
        seq(&[der_time(&now), der_time(&not_after)]),
        subject,
        spki,
        explicit(3, &seq(&exts)),
    ]);
    let signature = signing_key.sign(&tbs)?;
    let cert = seq(&[tbs, alg, bit_string(&signature, 0)]);
    Ok(Certificate {
        cert: pem("CERTIFICATE", &cert),
        key: key.pem()?,
    })
}

fn as_certificate(v: &Value) -> Certificate {
    match v {
        Value::Object(o) => {
            o.as_any()
                .downcast_ref::<Certificate>()
                .cloned()
                .unwrap_or(Certificate {
                    cert: String::new(),
                    key: String::new(),
                })
        }
        _ => Certificate {
            cert: String::new(),
            key: String::new(),
        },
    }
}

/// Which certificate function, and where its arguments are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind2 {
    Ca,
    SelfSigned,
    Signed,
}

fn generate(
    ctx: &mut CallCtx<'_, '_>,
    a: &[Value],
    kind: Kind2,
    with_key: bool,
    keys: KeyGen,
) -> Result<Value, FuncError> {
    let t = match kind {
        Kind2::Ca => Template {
            cn: sa(a, 0).to_string(),
            ips: Vec::new(),
            dns: Vec::new(),
            days: int(&arg(a, 1)),
            is_ca: true,
        },
        _ => Template {
            cn: sa(a, 0).to_string(),
            ips: net_ips(&arg(a, 1))?,
            dns: dns_names(&arg(a, 2))?,
            days: int(&arg(a, 3)),
            is_ca: false,
        },
    };
    let key_at = match kind {
        Kind2::Ca => 2,
        Kind2::SelfSigned => 4,
        Kind2::Signed => 5,
    };
    let key = if with_key {
        parse_key(sa(a, key_at)).map_err(|e| FuncError::msg(format!("parsing private key: {e}")))?
    } else if keys == KeyGen::Fast {
        check_rng()?;
        Key::Ec(p256::SecretKey::random(&mut OsRng))
    } else {
        Key::Rsa(gen_rsa(ctx, 2048)?)
    };
    check_rng()?;
    let signer = if kind == Kind2::Signed {
        Some(parse_signer(&as_certificate(&arg(a, 4)))?)
    } else {
        None
    };
    create_certificate(&t, &key, signer.as_ref()).map(Value::object)
}

fn build_custom(a: &[Value]) -> Result<Value, FuncError> {
    let cert =
        b64dec(sa(a, 0)).map_err(|_| FuncError::msg("unable to decode base64 certificate"))?;
    let key =
        b64dec(sa(a, 1)).map_err(|_| FuncError::msg("unable to decode base64 private key"))?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (label, der) =
        pem_decode(&cert).ok_or_else(|| FuncError::msg("unable to decode certificate"))?;
    let parsed = read_tlv(&der).filter(|(tag, _, _, rest)| *tag == 0x30 && rest.is_empty());
    if label != "CERTIFICATE" || parsed.is_none() {
        return Err(FuncError::msg(
            "error parsing certificate: decodedCert.Bytes: x509: malformed certificate",
        ));
    }
    // Any well-formed private key block is accepted (Sprig only checks it parses).
    match pem_decode(&key) {
        Some((l, _)) if l.ends_with("PRIVATE KEY") => {}
        Some((l, _)) => {
            return Err(FuncError::msg(format!(
                "error parsing private key: no private key data in PEM block of type {l}"
            )))
        }
        None => {
            return Err(FuncError::msg(
                "error parsing private key: no PEM data in input",
            ))
        }
    }
    Ok(Value::object(Certificate { cert, key }))
}

pub(crate) fn register(r: &mut Reg<'_>) {
    let cert = || Param::Named(CERT_TYPE.into());
    register_generators(r, KeyGen::Sprig);
    r.fixed(
        &["buildCustomCert"],
        vec![Param::String, Param::String],
        CERT_TYPE,
        |_, a| build_custom(&a),
    );
    r.fixed(
        &["genCAWithKey"],
        vec![Param::String, Param::INT, Param::String],
        CERT_TYPE,
        |ctx, a| generate(ctx, &a, Kind2::Ca, true, KeyGen::Sprig),
    );
    let mut with_key = leaf_params();
    with_key.push(Param::String);
    r.fixed(
        &["genSelfSignedCertWithKey"],
        with_key,
        CERT_TYPE,
        |ctx, a| generate(ctx, &a, Kind2::SelfSigned, true, KeyGen::Sprig),
    );
    let mut signed = leaf_params();
    signed.push(cert());
    signed.push(Param::String);
    r.fixed(&["genSignedCertWithKey"], signed, CERT_TYPE, |ctx, a| {
        generate(ctx, &a, Kind2::Signed, true, KeyGen::Sprig)
    });
}

fn leaf_params() -> Vec<Param> {
    vec![
        Param::String,
        Param::any_slice(),
        Param::any_slice(),
        Param::INT,
    ]
}

/// The functions that generate a key: `genPrivateKey`, `genCA`,
/// `genSelfSignedCert`, `genSignedCert`.
fn register_generators(r: &mut Reg<'_>, keys: KeyGen) {
    // Function bodies are plain `fn`s: one set per way of making keys.
    type B = crate::funcs::Body;
    let (private, ca, self_signed, signed): (B, B, B, B) = match keys {
        KeyGen::Sprig => (
            |ctx, a| gen_private_key(ctx, &a, KeyGen::Sprig),
            |ctx, a| generate(ctx, &a, Kind2::Ca, false, KeyGen::Sprig),
            |ctx, a| generate(ctx, &a, Kind2::SelfSigned, false, KeyGen::Sprig),
            |ctx, a| generate(ctx, &a, Kind2::Signed, false, KeyGen::Sprig),
        ),
        KeyGen::Fast => (
            |ctx, a| gen_private_key(ctx, &a, KeyGen::Fast),
            |ctx, a| generate(ctx, &a, Kind2::Ca, false, KeyGen::Fast),
            |ctx, a| generate(ctx, &a, Kind2::SelfSigned, false, KeyGen::Fast),
            |ctx, a| generate(ctx, &a, Kind2::Signed, false, KeyGen::Fast),
        ),
    };
    r.fixed(&["genPrivateKey"], vec![Param::String], "string", private);
    r.fixed(&["genCA"], vec![Param::String, Param::INT], CERT_TYPE, ca);
    r.fixed(
        &["genSelfSignedCert"],
        leaf_params(),
        CERT_TYPE,
        self_signed,
    );
    let mut params = leaf_params();
    params.push(Param::Named(CERT_TYPE.into()));
    r.fixed(&["genSignedCert"], params, CERT_TYPE, signed);
}

/// `genPrivateKey` (for `rsa`, its default), `genCA`, `genSelfSignedCert` and
/// `genSignedCert` making P-256 keys instead of RSA ones, and `bcrypt` and
/// `htpasswd` hashing at bcrypt's least cost (4, not 10), for renders that
/// are scanned rather than deployed: RSA key generation costs 0.1–1 s per key
/// (a chart that makes a CA and two certificates spends most of its render
/// there) and a cost-10 hash about 60 ms, while no rule reads key material or
/// hashes. Insert them over [`crate::funcs`]'s map. Everything else is as
/// Sprig makes it: keys are random, certificates valid and signed
/// (ECDSA-SHA256), hashes verifiable (`$2a$04$…`, as long as `$2a$10$…`).
pub fn scan_key_funcs() -> stockade_gotemplate::FuncMap {
    let mut map = stockade_gotemplate::FuncMap::new();
    let mut r = Reg::new(&mut map);
    register_generators(&mut r, KeyGen::Fast);
    crate::funcs::register_bcrypt::<{ crate::crypto::BCRYPT_MIN_COST }>(&mut r);
    map
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn der_pieces() {
        assert_eq!(
            oid(&[1, 2, 840, 113_549, 1, 1, 11]),
            vec![0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]
        );
        assert_eq!(uint(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(uint(&[0, 0, 1]), vec![0x02, 0x01, 0x01]);
        assert_eq!(key_usage(&[0, 2]), vec![0x03, 0x02, 0x05, 0xa0]);
        assert_eq!(key_usage(&[0, 2, 5]), vec![0x03, 0x02, 0x02, 0xa4]);
        let long = tlv(0x04, &[0; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let (tag, whole, content, rest) = read_tlv(&long).unwrap();
        assert_eq!(
            (tag, whole.len(), content.len(), rest.len()),
            (0x04, 304, 300, 0)
        );
        let p = pem("CERTIFICATE", &[1, 2, 3]);
        assert_eq!(
            pem_decode(&p).unwrap(),
            ("CERTIFICATE".to_string(), vec![1, 2, 3])
        );
    }
}
