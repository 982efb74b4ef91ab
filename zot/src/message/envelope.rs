//! The envelope (zot6.md §3.3): `{type, encoding, sender, site_id, version, recipients, data}`.
//! Unknown fields are kept, so a received envelope re-serialises unchanged.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::salmon::JSalmon;

/// Largest envelope accepted, in bytes (before or after decryption).
pub const MAX_ENVELOPE_BYTES: usize = 16 * 1024 * 1024;
/// The protocol version we send.
pub const VERSION: &str = "6.0";

/// Message types Hubzilla sends (receiver dispatch in HZ8 `Zot6/Receiver.php`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    /// A new or changed item for recipients (legacy name of `activity`).
    Notify,
    /// An activity from the sender to its audience.
    Activity,
    /// A reaction sent back to a thread owner (comment, like).
    Response,
    /// "Fetch my channel info again" (connections, permissions).
    Refresh,
    /// Refresh even if cached data is fresh.
    ForceRefresh,
    /// Remove the sender's connection (or identity).
    Purge,
    /// Clone synchronisation between locations of one channel.
    Sync,
    /// Key change announcement.
    Rekey,
    /// Key change (emitted by the notifier, no handler in Hubzilla).
    Keychange,
    /// Anything else, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

impl MessageType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Notify => "notify",
            Self::Activity => "activity",
            Self::Response => "response",
            Self::Refresh => "refresh",
            Self::ForceRefresh => "force_refresh",
            Self::Purge => "purge",
            Self::Sync => "sync",
            Self::Rekey => "rekey",
            Self::Keychange => "keychange",
            Self::Other(s) => s,
        }
    }
}

/// A Zot6 envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Message type.
    #[serde(rename = "type")]
    pub kind: MessageType,
    /// `activitystreams`, `hz` (sync) or `zot`; absent for payload-less types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Sender's portable id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Sender's site id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// Protocol version (`6.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Portable ids of the recipients on the receiving hub (private or targeted messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<String>>,
    /// Payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Envelope {
    /// Parses a (decrypted) envelope.
    pub fn from_json(body: &[u8]) -> Result<Self> {
        if body.len() > MAX_ENVELOPE_BYTES {
            return Err(Error::malformed("envelope", "too large"));
        }
        serde_json::from_slice(body).map_err(|e| Error::malformed("envelope", e.to_string()))
    }

    /// A new outgoing envelope from `sender` at `site_id`.
    pub fn new(kind: MessageType, sender: &str, site_id: &str) -> Self {
        Self {
            kind,
            encoding: None,
            sender: Some(sender.to_string()),
            site_id: Some(site_id.to_string()),
            version: Some(VERSION.to_string()),
            recipients: None,
            data: None,
            extra: serde_json::Map::new(),
        }
    }

    /// Attaches a payload with its encoding.
    pub fn with_data(mut self, encoding: &str, data: serde_json::Value) -> Self {
        self.encoding = Some(encoding.to_string());
        self.data = Some(data);
        self
    }

    /// Addresses the message to these portable ids.
    pub fn with_recipients(mut self, recipients: Vec<String>) -> Self {
        self.recipients = Some(recipients);
        self
    }

    /// The JSalmon-signed activity of an `activitystreams` envelope.
    pub fn salmon(&self) -> Result<JSalmon> {
        let data = self
            .data
            .clone()
            .ok_or_else(|| Error::malformed("envelope", "no data"))?;
        serde_json::from_value(data).map_err(|e| Error::malformed("JSalmon", e.to_string()))
    }

    /// The packet of an `hz` (sync) envelope: `data` is a JSON string holding JSON.
    pub fn hz_data(&self) -> Result<serde_json::Value> {
        match &self.data {
            Some(serde_json::Value::String(s)) => {
                serde_json::from_str(s).map_err(|e| Error::malformed("sync data", e.to_string()))
            }
            Some(other) => Ok(other.clone()),
            None => Err(Error::malformed("envelope", "no data")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_parses_with_unknown_types_and_fields() {
        let env =
            Envelope::new(MessageType::Refresh, "s", "site").with_recipients(vec!["r".into()]);
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type":"refresh","sender":"s","site_id":"site","version":"6.0","recipients":["r"]})
        );
        let odd = Envelope::from_json(br#"{"type":"future_thing","x":1}"#).unwrap();
        assert_eq!(odd.kind, MessageType::Other("future_thing".into()));
        assert_eq!(
            serde_json::to_value(&odd).unwrap(),
            serde_json::json!({"type":"future_thing","x":1})
        );
        assert!(Envelope::from_json(b"{}").is_err(), "type is required");
        assert!(Envelope::from_json(b"[]").is_err());
        let sync = Envelope::new(MessageType::Sync, "s", "x").with_data("hz", "{\"a\":1}".into());
        assert_eq!(sync.hz_data().unwrap(), serde_json::json!({"a":1}));
    }
}
