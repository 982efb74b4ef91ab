//! Channel info ("zot-info", zot6.md §2.3, §2.5): the signed description of a channel and its
//! locations. Verification follows Hubzilla: `id_sig` over the guid must verify with
//! `public_key`; the portable id is always recomputed; each location's `url_sig` must verify
//! with the channel key (failing locations are dropped, not fatal); the site block's
//! `site_sig` must verify with its `sitekey`.

use serde::{Deserialize, Serialize};

use super::{SiteInfo, truthy};
use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};
use crate::sign::{simple_sign, simple_verify};

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
    /// A location of channel `nick` at the hub `site_url` (whose public key is `sitekey`),
    /// signed with the channel's key.
    pub fn build(
        nick: &str,
        authority: &str,
        site_url: &str,
        sitekey: &str,
        primary: bool,
        channel_key: &RsaKeypair,
    ) -> Result<Self> {
        let mut extra = serde_json::Map::new();
        extra.insert("deleted".into(), false.into());
        Ok(Self {
            host: authority.to_string(),
            address: format!("{nick}@{authority}"),
            id_url: format!("{site_url}/channel/{nick}"),
            primary: primary.into(),
            url: site_url.to_string(),
            url_sig: simple_sign(channel_key, site_url.as_bytes())?,
            site_id: crate::id::site_id(site_url, sitekey),
            callback: format!("{site_url}/zot"),
            sitekey: sitekey.to_string(),
            extra,
        })
    }

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
    /// Builds a signed channel info document. `extra` carries the descriptive fields
    /// (`username`, `name`, `permissions`, `profile`, …) as the caller computed them.
    pub fn build(
        guid: &str,
        channel_key: &RsaKeypair,
        locations: Vec<Location>,
        site: SiteInfo,
        extra: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self> {
        let mut extra = extra;
        extra
            .entry("signing_algorithm")
            .or_insert_with(|| "rsa-sha256".into());
        Ok(Self {
            id: guid.to_string(),
            id_sig: simple_sign(channel_key, guid.as_bytes())?,
            public_key: channel_key.public_pem(),
            locations,
            site: Some(site),
            extra,
        })
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_documents_verify_and_survive_json() {
        let site_key = RsaKeypair::generate().unwrap();
        let channel = RsaKeypair::generate().unwrap();
        let url = "https://caravan.example";
        let site = SiteInfo::build(url, &site_key, Default::default()).unwrap();
        let loc = Location::build(
            "alice",
            "caravan.example",
            url,
            &site.sitekey,
            true,
            &channel,
        )
        .unwrap();
        let guid = crate::id::new_guid(url, "alice");
        let mut extra = serde_json::Map::new();
        extra.insert("username".into(), "alice".into());
        let doc = ZotInfo::build(&guid, &channel, vec![loc], site, extra).unwrap();
        let json = serde_json::to_vec(&doc).unwrap();
        let back = ZotInfo::from_json(&json).unwrap();
        assert_eq!(back, doc);
        let v = back.verify().unwrap();
        assert_eq!(v.locations.len(), 1);
        assert!(v.site_verified && v.locations[0].is_primary());
        assert_eq!(
            v.portable_id,
            crate::id::portable_id(&guid, &channel.public_pem())
        );
        assert_eq!(
            v.locations[0].site_id,
            crate::id::site_id(url, &site_key.public_pem())
        );
    }
}
