//! Simple signatures (zot6.md §1.3): `<hash> "." base64url(RSA-PKCS#1-v1.5(data))`, used for
//! `id_sig`, `url_sig` and `site_sig`. Verification accepts `sha256` and `sha512`.

use crate::encoding::{b64url, b64url_decode};
use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};

/// Signs with SHA-256 and returns `sha256.<base64url signature>`.
pub fn simple_sign(key: &RsaKeypair, data: &[u8]) -> Result<String> {
    Ok(format!("sha256.{}", b64url(&key.sign_sha256(data)?)))
}

/// Verifies a simple signature, splitting at the first dot for the hash name.
pub fn simple_verify(key: &PublicKey, data: &[u8], sig: &str) -> Result<()> {
    let (alg, encoded) = sig
        .split_once('.')
        .ok_or_else(|| Error::malformed("simple signature", "no algorithm prefix"))?;
    let raw = b64url_decode(encoded)?;
    match alg {
        "sha256" => key.verify_sha256(data, &raw),
        "sha512" => key.verify_sha512(data, &raw),
        other => Err(Error::UnsupportedAlgorithm(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_and_reject_tampering() {
        let kp = RsaKeypair::generate().unwrap();
        let public = kp.public_key().unwrap();
        let sig = simple_sign(&kp, b"guid").unwrap();
        assert!(sig.starts_with("sha256."));
        simple_verify(&public, b"guid", &sig).unwrap();
        assert!(matches!(
            simple_verify(&public, b"guie", &sig),
            Err(Error::BadSignature)
        ));
        assert!(simple_verify(&public, b"guid", "nodot").is_err());
        assert!(matches!(
            simple_verify(&public, b"guid", "md5.AAAA"),
            Err(Error::UnsupportedAlgorithm(_))
        ));
        // Change one character in the middle (every bit of it is signature data).
        let mut chars: Vec<char> = sig.chars().collect();
        let mid = chars.len() / 2;
        chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
        let flipped: String = chars.into_iter().collect();
        assert!(simple_verify(&public, b"guid", &flipped).is_err());
    }
}
