//! Webfinger JRD (zot6.md §2.1): subject, aliases, properties and links; the zot6 link names the
//! channel URL to fetch channel info from.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Link relation of the Zot6 channel URL.
pub const REL_ZOT6: &str = "http://purl.org/zot/protocol/6.0";
/// Link relation of the OpenWebAuth endpoint.
pub const REL_OWA: &str = "http://purl.org/openwebauth/v1";
/// Property holding the public key PEM.
pub const PROP_PUBLIC_KEY: &str = "https://w3id.org/security/v1#publicKeyPem";

/// One link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Relation.
    pub rel: String,
    /// Media type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Everything else (templates, titles).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A JRD document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Jrd {
    /// The resource asked for.
    pub subject: String,
    /// Other names of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Properties.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Links.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Everything else (`zot` with embedded channel info when asked with `zot=1`).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Jrd {
    /// Parses JSON.
    pub fn from_json(text: &[u8]) -> Result<Self> {
        serde_json::from_slice(text).map_err(|e| Error::malformed("webfinger", e.to_string()))
    }

    /// The href of the first link with this relation.
    pub fn link(&self, rel: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|l| l.rel == rel)
            .and_then(|l| l.href.as_deref())
    }

    /// The channel URL to fetch Zot6 channel info from.
    pub fn zot6_url(&self) -> Option<&str> {
        self.link(REL_ZOT6)
    }

    /// The published public key PEM.
    pub fn public_key_pem(&self) -> Option<&str> {
        self.properties
            .get(PROP_PUBLIC_KEY)
            .and_then(|v| v.as_str())
    }
}
