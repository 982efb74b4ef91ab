//! Keys (zot6.md §1.6): RSA key pairs of channels and sites (PEM in and out, byte-exact public
//! PEM as OpenSSL writes it), RSA public keys of others, and the Ed25519 channel key in the
//! forms Hubzilla stores and publishes.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{
    KeyPair, KeySize, OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::{
    self, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256,
    RSA_PKCS1_2048_8192_SHA512, RSA_PKCS1_SHA256, RSA_PKCS1_SHA512,
};
use std::sync::Arc;

use crate::encoding::{b64, b64_decode};
use crate::error::{Error, Result};

const SPKI_LABEL: &str = "PUBLIC KEY";
const PKCS1_PUBLIC_LABEL: &str = "RSA PUBLIC KEY";
const PKCS8_LABEL: &str = "PRIVATE KEY";
const PKCS1_PRIVATE_LABEL: &str = "RSA PRIVATE KEY";

/// PEM as OpenSSL writes it: standard base64 in 64-character lines, `\n` endings, trailing `\n`.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = b64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Decodes the first PEM block: its label and DER bytes. Line width and line endings are not
/// checked (keys arrive re-wrapped from some software).
pub fn pem_decode(text: &str) -> Result<(String, Vec<u8>)> {
    let begin = text
        .find("-----BEGIN ")
        .ok_or_else(|| Error::malformed("PEM", "no BEGIN line"))?;
    let rest = &text[begin + "-----BEGIN ".len()..];
    let label_end = rest
        .find("-----")
        .ok_or_else(|| Error::malformed("PEM", "unterminated BEGIN line"))?;
    let label = rest[..label_end].to_string();
    let body_and_end = &rest[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let end = body_and_end
        .find(&end_marker)
        .ok_or_else(|| Error::malformed("PEM", format!("no END {label} line")))?;
    let body: String = body_and_end[..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if body.is_empty() {
        return Err(Error::malformed("PEM", "empty body"));
    }
    Ok((label, b64_decode(&body)?))
}

/// An RSA key pair (a channel's or the site's).
pub struct RsaKeypair {
    inner: KeyPair,
    /// The same key for RSA-OAEP decryption (envelopes, encrypted headers).
    oaep: OaepPrivateDecryptingKey,
}

impl std::fmt::Debug for RsaKeypair {
    // Never print private key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RsaKeypair({} bits)",
            self.inner.public_modulus_len() * 8
        )
    }
}

impl RsaKeypair {
    /// A new RSA-4096 key pair (as Hubzilla creates for channels and sites).
    pub fn generate() -> Result<Self> {
        let inner =
            KeyPair::generate(KeySize::Rsa4096).map_err(|_| Error::Crypto("RSA key generation"))?;
        Self::with_decryption(inner)
    }

    fn with_decryption(inner: KeyPair) -> Result<Self> {
        let der = AsDer::<Pkcs8V1Der>::as_der(&inner).map_err(|_| Error::Crypto("PKCS#8"))?;
        let oaep = PrivateDecryptingKey::from_pkcs8(der.as_ref())
            .ok()
            .and_then(|k| OaepPrivateDecryptingKey::new(k).ok())
            .ok_or_else(|| Error::BadKey("not usable for decryption".into()))?;
        Ok(Self { inner, oaep })
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA-1, empty label) decryption, as PHP's
    /// `OPENSSL_PKCS1_OAEP_PADDING` produces.
    pub fn decrypt_oaep_sha1(&self, ciphertext: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.oaep.min_output_size()];
        let plain = self
            .oaep
            .decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, &mut out, None)
            .map_err(|_| Error::Decrypt("RSA-OAEP"))?;
        Ok(plain.to_vec())
    }

    /// Reads a private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    pub fn from_private_pem(pem: &str) -> Result<Self> {
        let (label, der) = pem_decode(pem)?;
        let inner = match label.as_str() {
            PKCS8_LABEL => KeyPair::from_pkcs8(&der),
            PKCS1_PRIVATE_LABEL => KeyPair::from_der(&der),
            other => return Err(Error::BadKey(format!("not a private key PEM: {other}"))),
        }
        .map_err(|e| Error::BadKey(e.to_string()))?;
        Self::with_decryption(inner)
    }

    /// RSA PKCS#1 v1.5 decryption (OpenWebAuth tokens).
    pub fn decrypt_pkcs1v15(&self, ciphertext: &[u8]) -> Result<Vec<u8>> {
        let der = AsDer::<Pkcs8V1Der>::as_der(&self.inner).map_err(|_| Error::Crypto("PKCS#8"))?;
        let key = PrivateDecryptingKey::from_pkcs8(der.as_ref())
            .ok()
            .and_then(|k| Pkcs1PrivateDecryptingKey::new(k).ok())
            .ok_or_else(|| Error::BadKey("not usable for decryption".into()))?;
        let mut out = vec![0u8; key.min_output_size()];
        let plain = key
            .decrypt(ciphertext, &mut out)
            .map_err(|_| Error::Decrypt("RSA PKCS#1 v1.5"))?;
        Ok(plain.to_vec())
    }

    /// The private key as PKCS#8 PEM.
    pub fn private_pem(&self) -> String {
        match AsDer::<Pkcs8V1Der>::as_der(&self.inner) {
            Ok(der) => pem_encode(PKCS8_LABEL, der.as_ref()),
            Err(_) => String::new(),
        }
    }

    /// The public key as SPKI PEM, byte-identical to OpenSSL's output.
    pub fn public_pem(&self) -> String {
        match AsDer::<PublicKeyX509Der>::as_der(self.inner.public_key()) {
            Ok(der) => pem_encode(SPKI_LABEL, der.as_ref()),
            Err(_) => String::new(),
        }
    }

    /// The public half.
    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_pem(&self.public_pem())
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.inner.public_modulus_len() * 8
    }

    fn sign_with(&self, alg: &'static dyn signature::RsaEncoding, data: &[u8]) -> Result<Vec<u8>> {
        let mut sig = vec![0u8; self.inner.public_modulus_len()];
        self.inner
            .sign(alg, &SystemRandom::new(), data, &mut sig)
            .map_err(|_| Error::Crypto("RSA signing"))?;
        Ok(sig)
    }

    /// RSA PKCS#1 v1.5 signature with SHA-256.
    pub fn sign_sha256(&self, data: &[u8]) -> Result<Vec<u8>> {
        self.sign_with(&RSA_PKCS1_SHA256, data)
    }

    /// RSA PKCS#1 v1.5 signature with SHA-512.
    pub fn sign_sha512(&self, data: &[u8]) -> Result<Vec<u8>> {
        self.sign_with(&RSA_PKCS1_SHA512, data)
    }
}

/// Someone's RSA public key, with the PEM text kept exactly as received (portable ids hash it).
/// Parsed once: verifying and encrypting reuse the parsed forms.
#[derive(Clone)]
pub struct PublicKey {
    pem: String,
    sha256: ParsedPublicKey,
    sha512: ParsedPublicKey,
    oaep: Arc<OaepPublicEncryptingKey>,
    bits: usize,
    der: Arc<[u8]>,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({} bits)", self.bits)
    }
}

impl PublicKey {
    /// Reads an SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`) PEM.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let (label, der) = pem_decode(pem)?;
        if label != SPKI_LABEL && label != PKCS1_PUBLIC_LABEL {
            return Err(Error::BadKey(format!("not a public key PEM: {label}")));
        }
        let bad = |e: aws_lc_rs::error::KeyRejected| Error::BadKey(e.to_string());
        let sha256 = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &der).map_err(bad)?;
        let sha512 = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA512, &der).map_err(bad)?;
        let enc = PublicEncryptingKey::from_der(&der).map_err(bad)?;
        let bits = enc.key_size_bits();
        let oaep = OaepPublicEncryptingKey::new(enc)
            .map_err(|_| Error::BadKey("not usable for encryption".into()))?;
        Ok(Self {
            pem: pem.to_string(),
            sha256,
            sha512,
            oaep: Arc::new(oaep),
            bits,
            der: der.into(),
        })
    }

    /// The PEM text exactly as given.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// RSA-OAEP (SHA-1) encryption of a short secret to this key.
    pub fn encrypt_oaep_sha1(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.oaep.ciphertext_size()];
        let ct = self
            .oaep
            .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, &mut out, None)
            .map_err(|_| Error::Crypto("RSA-OAEP encryption (secret too long for the key?)"))?;
        Ok(ct.to_vec())
    }

    /// RSA PKCS#1 v1.5 encryption (what PHP's `openssl_public_encrypt` does by default; used
    /// for OpenWebAuth tokens).
    pub fn encrypt_pkcs1v15(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let key = PublicEncryptingKey::from_der(&self.der)
            .ok()
            .and_then(|k| Pkcs1PublicEncryptingKey::new(k).ok())
            .ok_or_else(|| Error::BadKey("not usable for encryption".into()))?;
        let mut out = vec![0u8; key.ciphertext_size()];
        let ct = key
            .encrypt(plaintext, &mut out)
            .map_err(|_| Error::Crypto("RSA PKCS#1 v1.5 encryption"))?;
        Ok(ct.to_vec())
    }

    /// Verifies an RSA PKCS#1 v1.5 SHA-256 signature.
    pub fn verify_sha256(&self, data: &[u8], sig: &[u8]) -> Result<()> {
        self.sha256
            .verify_sig(data, sig)
            .map_err(|_| Error::BadSignature)
    }

    /// Verifies an RSA PKCS#1 v1.5 SHA-512 signature.
    pub fn verify_sha512(&self, data: &[u8], sig: &[u8]) -> Result<()> {
        self.sha512
            .verify_sig(data, sig)
            .map_err(|_| Error::BadSignature)
    }
}

/// A channel's Ed25519 key pair (HZ10 `channel_epubkey` / `channel_eprvkey`).
pub struct Ed25519Keypair {
    inner: Ed25519KeyPair,
}

impl std::fmt::Debug for Ed25519Keypair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ed25519Keypair({})", self.public_b64())
    }
}

impl Ed25519Keypair {
    /// A new key pair.
    pub fn generate() -> Result<Self> {
        let inner = Ed25519KeyPair::generate().map_err(|_| Error::Crypto("Ed25519 generation"))?;
        Ok(Self { inner })
    }

    /// Reads the libsodium form Hubzilla stores: standard base64 (no padding) of the 64-byte
    /// secret key (32-byte seed followed by the 32-byte public key).
    pub fn from_private_b64(text: &str) -> Result<Self> {
        let bytes = b64_decode(text)?;
        if bytes.len() != 64 {
            return Err(Error::BadKey(format!(
                "Ed25519 secret key has {} bytes, not 64",
                bytes.len()
            )));
        }
        let inner = Ed25519KeyPair::from_seed_and_public_key(&bytes[..32], &bytes[32..])
            .map_err(|e| Error::BadKey(e.to_string()))?;
        Ok(Self { inner })
    }

    fn public_bytes(&self) -> Vec<u8> {
        self.inner.public_key().as_ref().to_vec()
    }

    /// The secret key in the libsodium form (base64 of seed ‖ public key, no padding).
    pub fn private_b64(&self) -> String {
        let Ok(seed) = self.inner.seed() else {
            return String::new();
        };
        let Ok(seed_bytes) = aws_lc_rs::encoding::AsBigEndian::<
            aws_lc_rs::encoding::Curve25519SeedBin,
        >::as_be_bytes(&seed) else {
            return String::new();
        };
        let mut all = seed_bytes.as_ref().to_vec();
        all.extend(self.public_bytes());
        b64(&all).trim_end_matches('=').to_string()
    }

    /// The public key, standard base64 without padding.
    pub fn public_b64(&self) -> String {
        b64(&self.public_bytes()).trim_end_matches('=').to_string()
    }

    /// The public key as multibase: `z` + base58btc(0xed 0x01 ‖ key).
    pub fn public_multibase(&self) -> String {
        let mut bytes = vec![0xed, 0x01];
        bytes.extend(self.public_bytes());
        format!("z{}", bs58::encode(bytes).into_string())
    }

    /// Signs a message.
    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        self.inner.sign(data).as_ref().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips_and_rejects_garbage() {
        let pem = pem_encode("PUBLIC KEY", &[1, 2, 3]);
        assert_eq!(
            pem,
            "-----BEGIN PUBLIC KEY-----\nAQID\n-----END PUBLIC KEY-----\n"
        );
        assert_eq!(
            pem_decode(&pem).unwrap(),
            ("PUBLIC KEY".into(), vec![1, 2, 3])
        );
        assert!(pem_decode("nothing").is_err());
        assert!(pem_decode("-----BEGIN X-----\n-----END X-----\n").is_err());
        assert!(pem_decode("-----BEGIN X-----\nAQID\n").is_err());
        assert!(PublicKey::from_pem(&pem).is_err(), "not a key");
    }

    #[test]
    fn generated_keys_sign_and_verify_and_survive_pem() {
        let kp = RsaKeypair::generate().unwrap();
        assert_eq!(kp.bits(), 4096);
        let again = RsaKeypair::from_private_pem(&kp.private_pem()).unwrap();
        assert_eq!(again.public_pem(), kp.public_pem());
        let public = kp.public_key().unwrap();
        let sig = kp.sign_sha256(b"data").unwrap();
        public.verify_sha256(b"data", &sig).unwrap();
        assert!(public.verify_sha256(b"other", &sig).is_err());
        assert!(public.verify_sha512(b"data", &sig).is_err());
        let sig512 = kp.sign_sha512(b"data").unwrap();
        public.verify_sha512(b"data", &sig512).unwrap();
        assert!(!format!("{kp:?}").contains("PRIVATE"));
    }

    #[test]
    fn ed25519_keys_round_trip_in_the_libsodium_form() {
        let kp = Ed25519Keypair::generate().unwrap();
        let again = Ed25519Keypair::from_private_b64(&kp.private_b64()).unwrap();
        assert_eq!(again.public_b64(), kp.public_b64());
        assert_eq!(kp.public_b64().len(), 43);
        assert!(kp.public_multibase().starts_with("z6Mk"));
        assert!(Ed25519Keypair::from_private_b64("AAAA").is_err());
    }
}
