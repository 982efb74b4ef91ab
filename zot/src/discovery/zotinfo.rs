//! Channel info ("zot-info", zot6.md §2.3, §2.5): the signed description of a channel and its
//! locations. Verification follows Hubzilla: `id_sig` over the guid must verify with
//! `public_key`; the portable id is always recomputed; each location's `url_sig` must verify
//! with the channel key (failing locations are dropped, not fatal); the site block's
//! `site_sig` must verify with its `sitekey`.

use serde::{Deserialize, Serialize};

use super::{SiteInfo, truthy};
use crate::error::{Error, Result};
use crate::keys::PublicKey;
use crate::sign::simple_verify;

/// One location (hub) of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Host name.
    pub host: String,
    /// `nick@host`.
    pub address: String,
    /// Channel URL at this hub.
    pub id_url: String,
    /// Primary location flag.
    #[serde(default)]
    pub primary: serde_json::Value,
    /// Hub base URL.
    pub url: String,
    /// `sha256.` signature of `url` by the channel key.
    pub url_sig: String,
    /// Site id claimed for the hub (recomputed from `url` + `sitekey` on import).
    #[serde(default)]
    pub site_id: String,
    /// `<url>/zot`.
    #[serde(default)]
    pub callback: String,
    /// Site public key PEM.
    #[serde(default)]
    pub sitekey: String,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Location {
    /// Whether this is the primary location.
    pub fn is_primary(&self) -> bool {
        truthy(&self.primary)
    }

    /// Whether the location is marked deleted.
    pub fn is_deleted(&self) -> bool {
        self.extra.get("deleted").is_some_and(truthy)
    }
}

/// A channel info document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZotInfo {
    /// guid.
    pub id: String,
    /// `sha256.` signature of the guid.
    pub id_sig: String,
    /// Channel public key PEM, byte-exact.
    pub public_key: String,
    /// Locations.
    #[serde(default)]
    pub locations: Vec<Location>,
    /// The answering hub's site block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteInfo>,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What verifying channel info established.
#[derive(Debug, Clone)]
pub struct VerifiedZotInfo {
    /// The portable id recomputed from guid and key.
    pub portable_id: String,
    /// The channel key.
    pub key: PublicKey,
    /// Locations whose `url_sig` verified and that carry a site key.
    pub locations: Vec<Location>,
    /// Locations dropped for a bad signature or a missing site key.
    pub rejected_locations: usize,
    /// Whether a site block was present and verified.
    pub site_verified: bool,
}

impl ZotInfo {
    /// Parses JSON.
    pub fn from_json(text: &[u8]) -> Result<Self> {
        serde_json::from_slice(text).map_err(|e| Error::malformed("channel info", e.to_string()))
    }

    /// Verifies the document as Hubzilla's importer does (see the module doc).
    pub fn verify(&self) -> Result<VerifiedZotInfo> {
        let key = PublicKey::from_pem(&self.public_key)?;
        simple_verify(&key, self.id.as_bytes(), &self.id_sig)?;
        let mut locations = Vec::new();
        let mut rejected = 0;
        for loc in &self.locations {
            let ok = !loc.sitekey.is_empty()
                && simple_verify(&key, loc.url.as_bytes(), &loc.url_sig).is_ok();
            if ok {
                locations.push(loc.clone());
            } else {
                rejected += 1;
            }
        }
        let site_verified = match &self.site {
            Some(site) => {
                site.verify()?;
                true
            }
            None => false,
        };
        Ok(VerifiedZotInfo {
            portable_id: crate::id::portable_id(&self.id, &self.public_key),
            key,
            locations,
            rejected_locations: rejected,
            site_verified,
        })
    }
}
