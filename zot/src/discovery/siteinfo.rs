//! The site block (zot6.md §2.4), alone from `GET /` with `Accept: application/x-zot+json`, or
//! inside channel info. `site_sig` is the site key's simple signature of the site URL.

use serde::{Deserialize, Serialize};

use crate::crypt;
use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};
use crate::sign::{simple_sign, simple_verify};

/// A hub's self-description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// Base URL.
    pub url: String,
    /// `sha256.` signature of `url` by the site key.
    pub site_sig: String,
    /// Site public key PEM.
    pub sitekey: String,
    /// Envelope algorithms offered, in preference order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encryption: Vec<String>,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SiteInfo {
    /// Builds and signs the site block of this hub.
    pub fn build(
        url: &str,
        key: &RsaKeypair,
        extra: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self> {
        let mut extra = extra;
        extra.insert("post".into(), format!("{url}/zot").into());
        extra.insert("openWebAuth".into(), format!("{url}/owa").into());
        extra.insert("authRedirect".into(), format!("{url}/magic").into());
        extra.insert("zot".into(), "6.0".into());
        Ok(Self {
            url: url.to_string(),
            site_sig: simple_sign(key, url.as_bytes())?,
            sitekey: key.public_pem(),
            encryption: crypt::ACCEPTED.iter().map(|s| s.to_string()).collect(),
            extra,
        })
    }

    /// Checks `site_sig` against the published site key; returns that key.
    pub fn verify(&self) -> Result<PublicKey> {
        let key = PublicKey::from_pem(&self.sitekey)?;
        simple_verify(&key, self.url.as_bytes(), &self.site_sig)?;
        Ok(key)
    }

    /// The site id derived from the published URL and key.
    pub fn site_id(&self) -> String {
        crate::id::site_id(&self.url, &self.sitekey)
    }

    /// Parses JSON.
    pub fn from_json(text: &[u8]) -> Result<Self> {
        serde_json::from_slice(text).map_err(|e| Error::malformed("site info", e.to_string()))
    }
}
