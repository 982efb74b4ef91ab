//! ActivityStreams objects as Hubzilla sends them inside JSalmon envelopes (zot6.md §4.1):
//! Create/Update/Delete of Note and Article, Like, Dislike, Announce, replies. Typed where hubs
//! act on a field; everything else kept, so a re-serialised activity equals what arrived.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The public audience.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Activity types a hub acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityType {
    /// A new object.
    Create,
    /// An edit.
    Update,
    /// A removal.
    Delete,
    /// A like.
    Like,
    /// A dislike.
    Dislike,
    /// A share.
    Announce,
    /// Anything else.
    Other(String),
}

/// An activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// JSON-LD context, as received.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<serde_json::Value>,
    /// `Create`, `Like`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Activity id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Actor: a URL, or an object with an `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<serde_json::Value>,
    /// Object: embedded or a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<serde_json::Value>,
    /// Primary audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<serde_json::Value>,
    /// Secondary audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<serde_json::Value>,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A Note or Article (the object of Create/Update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// `Note`, `Article`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Object id (the item's message id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The parent, for comments.
    #[serde(rename = "inReplyTo", default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// Title (articles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HTML content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Everything else, as received.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn id_of(v: &serde_json::Value) -> Option<&str> {
    match v {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Object(m) => m.get("id").and_then(|i| i.as_str()),
        _ => None,
    }
}

fn mentions(v: &Option<serde_json::Value>, target: &str) -> bool {
    match v {
        Some(serde_json::Value::String(s)) => s == target,
        Some(serde_json::Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(target)),
        _ => false,
    }
}

impl Activity {
    /// Parses JSON.
    pub fn from_json(text: &[u8]) -> Result<Self> {
        serde_json::from_slice(text).map_err(|e| Error::malformed("activity", e.to_string()))
    }

    /// Parses an already decoded document.
    pub fn from_value(value: serde_json::Value) -> Result<Self> {
        serde_json::from_value(value).map_err(|e| Error::malformed("activity", e.to_string()))
    }

    /// The activity type.
    pub fn activity_type(&self) -> ActivityType {
        match self.kind.as_str() {
            "Create" => ActivityType::Create,
            "Update" => ActivityType::Update,
            "Delete" => ActivityType::Delete,
            "Like" => ActivityType::Like,
            "Dislike" => ActivityType::Dislike,
            "Announce" => ActivityType::Announce,
            other => ActivityType::Other(other.to_string()),
        }
    }

    /// The actor's id.
    pub fn actor_id(&self) -> Option<&str> {
        self.actor.as_ref().and_then(id_of)
    }

    /// The object's id (embedded or referenced).
    pub fn object_id(&self) -> Option<&str> {
        self.object.as_ref().and_then(id_of)
    }

    /// The embedded object as a Note/Article, if it is one.
    pub fn object(&self) -> Option<Object> {
        match &self.object {
            Some(v @ serde_json::Value::Object(_)) => serde_json::from_value(v.clone()).ok(),
            _ => None,
        }
    }

    /// The parent a reply answers (from the embedded object).
    pub fn in_reply_to(&self) -> Option<String> {
        self.object().and_then(|o| o.in_reply_to)
    }

    /// Whether the public collection is in `to` or `cc`.
    pub fn is_public(&self) -> bool {
        mentions(&self.to, PUBLIC) || mentions(&self.cc, PUBLIC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_reply_and_keeps_unknown_fields() {
        let json = serde_json::json!({
            "type": "Create", "id": "https://a/activity/1", "actor": "https://a/channel/alice",
            "object": {"type": "Note", "id": "https://a/item/1", "inReplyTo": "https://b/item/0",
                       "content": "hi", "zot:extra": 1},
            "to": [PUBLIC], "diaspora:guid": "g"
        });
        let a = Activity::from_value(json.clone()).unwrap();
        assert_eq!(a.activity_type(), ActivityType::Create);
        assert_eq!(a.actor_id(), Some("https://a/channel/alice"));
        assert_eq!(a.object_id(), Some("https://a/item/1"));
        assert_eq!(a.in_reply_to().as_deref(), Some("https://b/item/0"));
        assert!(a.is_public());
        assert_eq!(serde_json::to_value(&a).unwrap(), json);
        let like = Activity::from_value(
            serde_json::json!({"type":"Like","object":"https://a/item/1","actor":{"id":"x"}}),
        )
        .unwrap();
        assert_eq!(like.activity_type(), ActivityType::Like);
        assert_eq!(like.actor_id(), Some("x"));
        assert!(!like.is_public());
        assert!(Activity::from_json(b"{\"id\":1}").is_err());
    }
}
