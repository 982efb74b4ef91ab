//! Responses to `/zot` and delivery reports (zot6.md §3.5): `{"success":true}`,
//! `{"success":true,"delivery_report":[…]}` or `{"success":false,"message":"…"}`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Delivery statuses Hubzilla reports (HZ8 `Libzot::process_delivery()`, `Libsync.php`).
pub mod status {
    /// Stored as a new item.
    pub const POSTED: &str = "posted";
    /// An existing item was updated.
    pub const UPDATED: &str = "updated";
    /// An update was not applied.
    pub const UPDATE_IGNORED: &str = "update ignored";
    /// The item was deleted.
    pub const DELETED: &str = "deleted";
    /// The recipient may not receive this from the sender.
    pub const PERMISSION_DENIED: &str = "permission denied";
    /// No such recipient here.
    pub const RECIPIENT_NOT_FOUND: &str = "recipient not found";
    /// A comment whose parent is unknown here.
    pub const PARENT_NOT_FOUND: &str = "comment parent not found";
    /// A clone sync packet was applied.
    pub const SYNC_PROCESSED: &str = "channel sync processed";
    /// The activity could not be read.
    pub const CORRUPT: &str = "Incomplete or corrupt activity";
}

/// One delivery report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryReport {
    /// Base URL of the reporting hub.
    pub location: String,
    /// Sender's portable id.
    pub sender: String,
    /// Recipient's portable id.
    pub recipient: String,
    /// Recipient's display name (Hubzilla appends ` <address>`).
    #[serde(default)]
    pub name: String,
    /// The message id concerned.
    pub message_id: String,
    /// What happened (see [`status`]).
    pub status: String,
    /// When (`Y-m-d H:i:s`, UTC).
    pub date: String,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The response to a `/zot` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZotResponse {
    /// Whether the message was accepted.
    pub success: bool,
    /// Reports for `notify`-path messages; `Some(None)` is an explicit `null` (Hubzilla sends
    /// one when nothing was delivered), kept so the response re-serialises as received.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "explicit_null"
    )]
    pub delivery_report: Option<Option<Vec<DeliveryReport>>>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
mod explicit_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }

    pub(super) fn serialize<S, T>(v: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        match v {
            Some(Some(inner)) => inner.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

impl ZotResponse {
    /// The delivery reports, if any.
    pub fn reports(&self) -> &[DeliveryReport] {
        match &self.delivery_report {
            Some(Some(r)) => r,
            _ => &[],
        }
    }

    /// `{"success":true}`
    pub fn ok() -> Self {
        Self {
            success: true,
            delivery_report: None,
            message: None,
            extra: serde_json::Map::new(),
        }
    }

    /// `{"success":true,"delivery_report":[…]}`
    pub fn with_reports(reports: Vec<DeliveryReport>) -> Self {
        Self {
            delivery_report: Some(Some(reports)),
            ..Self::ok()
        }
    }

    /// `{"success":false,"message":…}`
    pub fn failure(message: &str) -> Self {
        Self {
            success: false,
            message: Some(message.to_string()),
            ..Self::ok()
        }
    }

    /// Parses a (decrypted) response body.
    pub fn from_json(body: &[u8]) -> Result<Self> {
        serde_json::from_slice(body).map_err(|e| Error::malformed("zot response", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_hubzilla() {
        assert_eq!(
            serde_json::to_string(&ZotResponse::ok()).unwrap(),
            r#"{"success":true}"#
        );
        assert_eq!(
            serde_json::to_string(&ZotResponse::failure("signature invalid")).unwrap(),
            r#"{"success":false,"message":"signature invalid"}"#
        );
        assert!(ZotResponse::from_json(b"{\"ok\":1}").is_err());
    }
}
