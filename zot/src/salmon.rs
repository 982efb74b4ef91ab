//! JSalmon envelopes (zot6.md §4.2): an activity signed by its author's channel key, so it stays
//! verifiable however many hubs relay it. `sigs` is a single object in Hubzilla.

use serde::{Deserialize, Serialize};

use crate::encoding::{b64url, b64url_decode};
use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};

/// The data type Hubzilla signs.
pub const DATA_TYPE: &str = "application/x-zot+json";
/// The only encoding in use.
pub const ENCODING: &str = "base64url";
/// The only algorithm in use.
pub const ALG: &str = "RSA-SHA256";

/// The signature object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalmonSig {
    /// base64url signature.
    pub value: String,
    /// base64url of the signer's channel URL.
    pub key_id: String,
}

/// `{"signed":true,"data","data_type","encoding","alg","sigs"}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JSalmon {
    /// Always true.
    pub signed: bool,
    /// base64url of the JSON document.
    pub data: String,
    /// `application/x-zot+json`.
    pub data_type: String,
    /// `base64url`.
    pub encoding: String,
    /// `RSA-SHA256`.
    pub alg: String,
    /// The signature.
    pub sigs: SalmonSig,
}

fn signed_text(data: &str, data_type: &str, encoding: &str, alg: &str) -> String {
    format!(
        "{data}.{}.{}.{}",
        b64url(data_type.as_bytes()),
        b64url(encoding.as_bytes()),
        b64url(alg.as_bytes())
    )
}

impl JSalmon {
    /// Wraps a JSON document, signed by the channel whose URL is `key_id`.
    pub fn sign(document: &serde_json::Value, key: &RsaKeypair, key_id: &str) -> Result<Self> {
        let json = serde_json::to_string(document)
            .map_err(|e| Error::malformed("document", e.to_string()))?;
        let data = b64url(json.as_bytes());
        let sig = key.sign_sha256(signed_text(&data, DATA_TYPE, ENCODING, ALG).as_bytes())?;
        Ok(Self {
            signed: true,
            data,
            data_type: DATA_TYPE.into(),
            encoding: ENCODING.into(),
            alg: ALG.into(),
            sigs: SalmonSig {
                value: b64url(&sig),
                key_id: b64url(key_id.as_bytes()),
            },
        })
    }

    /// The signer's channel URL (decoded `key_id`).
    pub fn signer(&self) -> Result<String> {
        String::from_utf8(b64url_decode(&self.sigs.key_id)?)
            .map_err(|_| Error::malformed("JSalmon key_id", "not UTF-8"))
    }

    /// Verifies with the signer's key and returns the decoded document.
    pub fn verify(&self, key: &PublicKey) -> Result<serde_json::Value> {
        if !self.alg.eq_ignore_ascii_case(ALG) {
            return Err(Error::UnsupportedAlgorithm(self.alg.clone()));
        }
        let data: String = self.data.chars().filter(|c| !c.is_whitespace()).collect();
        let text = signed_text(&data, &self.data_type, &self.encoding, &self.alg);
        key.verify_sha256(text.as_bytes(), &b64url_decode(&self.sigs.value)?)?;
        serde_json::from_slice(&b64url_decode(&data)?)
            .map_err(|e| Error::malformed("JSalmon data", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_reject_changes() {
        let kp = RsaKeypair::generate().unwrap();
        let doc = serde_json::json!({"type": "Create", "actor": "https://a.example/channel/alice"});
        let env = JSalmon::sign(&doc, &kp, "https://a.example/channel/alice").unwrap();
        assert_eq!(env.signer().unwrap(), "https://a.example/channel/alice");
        let public = kp.public_key().unwrap();
        assert_eq!(env.verify(&public).unwrap(), doc);
        let mut bad = env.clone();
        bad.data_type = "application/json".into();
        assert!(matches!(bad.verify(&public), Err(Error::BadSignature)));
        let mut bad = env.clone();
        bad.alg = "RSA-SHA1".into();
        assert!(matches!(
            bad.verify(&public),
            Err(Error::UnsupportedAlgorithm(_))
        ));
    }
}
