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
    /// The JRD of a channel, as Hubzilla publishes it (zot6.md §2.1), for `subject` as asked.
    pub fn for_channel(
        subject: &str,
        site_url: &str,
        nick: &str,
        authority: &str,
        name: &str,
        public_key_pem: &str,
    ) -> Self {
        let channel_url = format!("{site_url}/channel/{nick}");
        let aliases = [
            channel_url.clone(),
            format!("{site_url}/~{nick}"),
            format!("{site_url}/@{nick}"),
            format!("acct:{nick}@{authority}"),
        ]
        .into_iter()
        .filter(|a| a != subject)
        .collect();
        let mut properties = serde_json::Map::new();
        properties.insert("http://webfinger.net/ns/name".into(), name.into());
        properties.insert("http://xmlns.com/foaf/0.1/name".into(), name.into());
        properties.insert(PROP_PUBLIC_KEY.into(), public_key_pem.into());
        properties.insert("http://purl.org/zot/federation".into(), "zot6".into());
        let link = |rel: &str, media_type: Option<&str>, href: String| Link {
            rel: rel.into(),
            media_type: media_type.map(str::to_string),
            href: Some(href),
            extra: serde_json::Map::new(),
        };
        Self {
            subject: subject.to_string(),
            aliases,
            properties,
            links: vec![
                link(
                    "http://webfinger.net/rel/profile-page",
                    Some("text/html"),
                    format!("{site_url}/profile/{nick}"),
                ),
                link(
                    "http://schemas.google.com/g/2010#updates-from",
                    Some("application/atom+xml"),
                    format!("{site_url}/feed/{nick}"),
                ),
                link(REL_ZOT6, Some("application/x-zot+json"), channel_url),
                link(
                    REL_OWA,
                    Some("application/x-zot+json"),
                    format!("{site_url}/owa"),
                ),
            ],
            extra: serde_json::Map::new(),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_jrd_names_the_zot6_url_and_key() {
        let jrd = Jrd::for_channel(
            "acct:alice@a.example",
            "https://a.example",
            "alice",
            "a.example",
            "Alice",
            "PEM",
        );
        assert_eq!(jrd.zot6_url(), Some("https://a.example/channel/alice"));
        assert_eq!(jrd.public_key_pem(), Some("PEM"));
        assert!(
            !jrd.aliases.iter().any(|a| a == "acct:alice@a.example"),
            "subject is not an alias"
        );
        let back = Jrd::from_json(&serde_json::to_vec(&jrd).unwrap()).unwrap();
        assert_eq!(back, jrd);
    }
}
