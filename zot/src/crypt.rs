//! Envelope encryption ("encapsulate", zot6.md §3.6): a random key and IV, each RSA-OAEP
//! (SHA-1) encrypted for the receiving site, and the payload under a symmetric cipher, all
//! base64url. We send `aes256ctr.oaep`; we also read `aes256cbc.oaep`. Hubzilla's other offers
//! (`camellia256cfb.oaep`, `cast5cfb.oaep`) are refused with `UnsupportedAlgorithm`: we never
//! advertise them, so a conforming peer never picks them.

use aws_lc_rs::cipher::{
    AES_256, DecryptionContext, EncryptingKey, EncryptionContext, PaddedBlockDecryptingKey,
    UnboundCipherKey,
};
use aws_lc_rs::iv::FixedLength;
use serde::{Deserialize, Serialize};

use crate::encoding::{b64url, b64url_decode};
use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};

/// The algorithm we send.
pub const AES256CTR_OAEP: &str = "aes256ctr.oaep";
/// A legacy algorithm we can read.
pub const AES256CBC_OAEP: &str = "aes256cbc.oaep";
/// Algorithms we accept, in preference order (published as `site.encryption`).
pub const ACCEPTED: &[&str] = &[AES256CTR_OAEP, AES256CBC_OAEP];

/// Largest encrypted payload we decode (base64 text), against memory exhaustion.
pub const MAX_DATA_CHARS: usize = 64 * 1024 * 1024;
/// Size of the random key and IV Hubzilla generates (only their prefixes are used).
const SECRET_LEN: usize = 256;

/// An encrypted envelope body: `{"encrypted":true,"alg","key","iv","data"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encrypted {
    /// Always `true` on the wire.
    pub encrypted: bool,
    /// Algorithm name, e.g. `aes256ctr.oaep`.
    pub alg: String,
    /// RSA-OAEP-encrypted symmetric key, base64url.
    pub key: String,
    /// RSA-OAEP-encrypted IV, base64url.
    pub iv: String,
    /// Ciphertext, base64url.
    pub data: String,
}

impl Encrypted {
    /// Parses a JSON body if it is an encrypted envelope (`encrypted` truthy); `None` for a
    /// plain body.
    pub fn from_json(body: &[u8]) -> Result<Option<Self>> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| Error::malformed("JSON body", e.to_string()))?;
        let flagged = match value.get("encrypted") {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::Number(n)) => n.as_i64() != Some(0),
            Some(serde_json::Value::String(s)) => !s.is_empty() && s != "0",
            _ => false,
        };
        if !flagged {
            return Ok(None);
        }
        let field = |k: &'static str| -> Result<String> {
            value
                .get(k)
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| Error::malformed("encrypted envelope", format!("no {k}")))
        };
        Ok(Some(Self {
            encrypted: true,
            alg: field("alg")?,
            key: field("key")?,
            iv: field("iv")?,
            data: field("data")?,
        }))
    }
}

fn key_iv_lengths(alg: &str) -> Result<(usize, usize)> {
    match alg {
        AES256CTR_OAEP | AES256CBC_OAEP => Ok((32, 16)),
        other => Err(Error::UnsupportedAlgorithm(other.to_string())),
    }
}

fn aes_ctr(key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<()> {
    let iv: [u8; 16] = iv.try_into().map_err(|_| Error::Decrypt("IV length"))?;
    let key = UnboundCipherKey::new(&AES_256, key).map_err(|_| Error::Decrypt("AES key"))?;
    let key = EncryptingKey::ctr(key).map_err(|_| Error::Decrypt("AES-CTR"))?;
    // CTR is its own inverse: the keystream XOR serves both directions.
    key.less_safe_encrypt(data, EncryptionContext::Iv128(FixedLength::from(iv)))
        .map_err(|_| Error::Decrypt("AES-CTR"))?;
    Ok(())
}

fn aes_cbc_decrypt(key: &[u8], iv: &[u8], data: &mut Vec<u8>) -> Result<()> {
    let iv: [u8; 16] = iv.try_into().map_err(|_| Error::Decrypt("IV length"))?;
    let key = UnboundCipherKey::new(&AES_256, key).map_err(|_| Error::Decrypt("AES key"))?;
    let key = PaddedBlockDecryptingKey::cbc_pkcs7(key).map_err(|_| Error::Decrypt("AES-CBC"))?;
    let n = key
        .decrypt(data, DecryptionContext::Iv128(FixedLength::from(iv)))
        .map_err(|_| Error::Decrypt("AES-CBC"))?
        .len();
    data.truncate(n);
    Ok(())
}

/// Encrypts a payload for a site with `aes256ctr.oaep`, exactly as Hubzilla does: 256 random
/// bytes each for key and IV, both RSA-encrypted whole, the first 32 and 16 bytes used.
pub fn encrypt(plaintext: &[u8], to: &PublicKey) -> Result<Encrypted> {
    let mut key = [0u8; SECRET_LEN];
    let mut iv = [0u8; SECRET_LEN];
    aws_lc_rs::rand::fill(&mut key).map_err(|_| Error::Crypto("random key"))?;
    aws_lc_rs::rand::fill(&mut iv).map_err(|_| Error::Crypto("random IV"))?;
    let mut data = plaintext.to_vec();
    aes_ctr(&key[..32], &iv[..16], &mut data)?;
    Ok(Encrypted {
        encrypted: true,
        alg: AES256CTR_OAEP.to_string(),
        key: b64url(&to.encrypt_oaep_sha1(&key)?),
        iv: b64url(&to.encrypt_oaep_sha1(&iv)?),
        data: b64url(&data),
    })
}

/// Decrypts with our site (or channel) key.
pub fn decrypt(env: &Encrypted, with: &RsaKeypair) -> Result<Vec<u8>> {
    decrypt_parts(&env.alg, &env.key, &env.iv, &env.data, with)
}

/// Decrypts from the four parts (the same layout is used for encrypted Signature headers).
pub fn decrypt_parts(
    alg: &str,
    key: &str,
    iv: &str,
    data: &str,
    with: &RsaKeypair,
) -> Result<Vec<u8>> {
    let (key_len, iv_len) = key_iv_lengths(alg)?;
    if data.len() > MAX_DATA_CHARS {
        return Err(Error::malformed("encrypted data", "too large"));
    }
    let key = with.decrypt_oaep_sha1(&b64url_decode(key)?)?;
    let iv = with.decrypt_oaep_sha1(&b64url_decode(iv)?)?;
    if key.len() < key_len || iv.len() < iv_len {
        return Err(Error::Decrypt("key or IV shorter than the cipher needs"));
    }
    let mut data = b64url_decode(data)?;
    match alg {
        AES256CTR_OAEP => aes_ctr(&key[..key_len], &iv[..iv_len], &mut data)?,
        _ => aes_cbc_decrypt(&key[..key_len], &iv[..iv_len], &mut data)?,
    }
    Ok(data)
}

/// Picks the first of our algorithms the peer offers (its `site.encryption`); `None` means
/// the peer offers none we speak (Hubzilla would then send in plaintext).
pub fn best_algorithm(peer_offers: &[String]) -> Option<&'static str> {
    [AES256CTR_OAEP]
        .into_iter()
        .find(|ours| peer_offers.iter().any(|p| p == ours))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_tampering_fails() {
        let site = RsaKeypair::generate().unwrap();
        let public = site.public_key().unwrap();
        let env = encrypt(b"{\"type\":\"notify\"}", &public).unwrap();
        assert_eq!(decrypt(&env, &site).unwrap(), b"{\"type\":\"notify\"}");
        let other = RsaKeypair::generate().unwrap();
        assert!(matches!(decrypt(&env, &other), Err(Error::Decrypt(_))));
        let mut bad = env.clone();
        bad.alg = "camellia256cfb.oaep".into();
        assert!(matches!(
            decrypt(&bad, &site),
            Err(Error::UnsupportedAlgorithm(_))
        ));
        let mut bad = env.clone();
        bad.key = bad.key[..bad.key.len() - 4].to_string();
        assert!(decrypt(&bad, &site).is_err());
        let mut bad = env.clone();
        bad.data.push('!');
        assert!(decrypt(&bad, &site).is_err());
    }

    #[test]
    fn plain_bodies_are_not_envelopes() {
        assert_eq!(
            Encrypted::from_json(b"{\"type\":\"refresh\"}").unwrap(),
            None
        );
        assert!(Encrypted::from_json(b"not json").is_err());
        assert!(Encrypted::from_json(b"{\"encrypted\":true}").is_err());
    }

    #[test]
    fn best_algorithm_prefers_ours() {
        let offers = vec![
            "camellia256cfb.oaep".to_string(),
            "aes256ctr.oaep".to_string(),
        ];
        assert_eq!(best_algorithm(&offers), Some(AES256CTR_OAEP));
        assert_eq!(best_algorithm(&["cast5cfb.oaep".to_string()]), None);
    }
}
