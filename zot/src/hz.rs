//! Hubzilla's own encoding, `hz` (zot6.md §6.3 and §9): the "mirror" item form that Hubzilla's
//! `encode_item()` writes into `sync` packets, item export pages (`/api/z/1.0/item/export_page`)
//! and the `item[]` of exports, and the sync packet around it. Read leniently (Hubzilla writes
//! flags as numbers or strings and leaves fields out); written with every field Hubzilla's
//! importer reads, so its database gets no nulls.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::export::{flag, text};
use crate::keys::{PublicKey, RsaKeypair};

/// The `encoding` of Hubzilla's sync packets.
pub const ENCODING: &str = "hz";
/// Hubzilla's zero date.
pub const NULL_DATE: &str = "0000-00-00 00:00:00";
/// `verb` of a post.
pub const VERB_POST: &str = "http://activitystrea.ms/schema/1.0/post";
/// `verb` of a like.
pub const VERB_LIKE: &str = "http://activitystrea.ms/schema/1.0/like";
/// `verb` of a dislike.
pub const VERB_DISLIKE: &str = "http://purl.org/macgirvin/dfrn/1.0/dislike";
/// `object_type` of a top post.
pub const OBJ_NOTE: &str = "http://activitystrea.ms/schema/1.0/note";
/// `object_type` of a comment.
pub const OBJ_COMMENT: &str = "http://activitystrea.ms/schema/1.0/comment";

/// A photo reference in an [`Person`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// Media type.
    #[serde(default, deserialize_with = "text")]
    pub mimetype: String,
    /// URL.
    #[serde(default, deserialize_with = "text")]
    pub src: String,
}

/// An identity as `encode_item_xchan()` writes it (`owner`, `author`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Display name.
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    /// `nick@host`.
    #[serde(default, deserialize_with = "text")]
    pub address: String,
    /// Channel URL.
    #[serde(default, deserialize_with = "text")]
    pub url: String,
    /// `zot6`.
    #[serde(default, deserialize_with = "text")]
    pub network: String,
    /// Avatar.
    #[serde(default)]
    pub photo: Photo,
    /// guid.
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    /// Signature of the guid.
    #[serde(default, deserialize_with = "text")]
    pub id_sig: String,
    /// RSA public key (PEM).
    #[serde(default, deserialize_with = "text")]
    pub key: String,
}

impl Person {
    /// The portable id, after checking that the key signed the guid.
    pub fn verified_hash(&self) -> Result<String> {
        if self.id.is_empty() || self.key.is_empty() {
            return Err(Error::malformed("hz identity", "no guid or key"));
        }
        let key = PublicKey::from_pem(&self.key)?;
        crate::sign::simple_verify(&key, self.id.as_bytes(), &self.id_sig)?;
        Ok(crate::id::portable_id(&self.id, &self.key))
    }
}

/// One item in Hubzilla's mirror form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// `activity`.
    #[serde(rename = "type", default, deserialize_with = "text")]
    pub kind: String,
    /// `zot`.
    #[serde(default, deserialize_with = "text")]
    pub encoding: String,
    /// Message id.
    #[serde(default, deserialize_with = "text")]
    pub message_id: String,
    /// The thread's top message id.
    #[serde(default, deserialize_with = "text")]
    pub message_top: String,
    /// The message id it answers (its own for a top post).
    #[serde(default, deserialize_with = "text")]
    pub message_parent: String,
    /// uuid.
    #[serde(default, deserialize_with = "text")]
    pub uuid: String,
    /// Created, `YYYY-MM-DD HH:MM:SS` UTC.
    #[serde(default, deserialize_with = "text")]
    pub created: String,
    /// Last edit.
    #[serde(default, deserialize_with = "text")]
    pub edited: String,
    /// Expiry (`0000-00-00 00:00:00` for none).
    #[serde(default, deserialize_with = "text")]
    pub expires: String,
    /// Last comment.
    #[serde(default, deserialize_with = "text")]
    pub commented: String,
    /// `text/bbcode`, `text/markdown`, `text/html`, `text/plain`.
    #[serde(default, deserialize_with = "text")]
    pub mimetype: String,
    /// Title.
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    /// Summary.
    #[serde(default, deserialize_with = "text")]
    pub summary: String,
    /// Source text.
    #[serde(default, deserialize_with = "text")]
    pub body: String,
    /// Application.
    #[serde(default, deserialize_with = "text")]
    pub app: String,
    /// Activity verb.
    #[serde(default, deserialize_with = "text")]
    pub verb: String,
    /// Object type.
    #[serde(default, deserialize_with = "text")]
    pub object_type: String,
    /// Target type.
    #[serde(default, deserialize_with = "text")]
    pub target_type: String,
    /// Permalink.
    #[serde(default, deserialize_with = "text")]
    pub permalink: String,
    /// Location.
    #[serde(default, deserialize_with = "text")]
    pub location: String,
    /// Coordinates.
    #[serde(default, deserialize_with = "text")]
    pub longlat: String,
    /// `sha256.` signature of `body` by the author's key.
    #[serde(default, deserialize_with = "text")]
    pub signature: String,
    /// Route.
    #[serde(default, deserialize_with = "text")]
    pub route: String,
    /// Thread owner.
    #[serde(default)]
    pub owner: Person,
    /// Author.
    #[serde(default)]
    pub author: Person,
    /// `thread_parent`, `deleted`, `private`, `direct`, …
    #[serde(default)]
    pub flags: Vec<String>,
    /// Public scope (empty for public).
    #[serde(default, deserialize_with = "text")]
    pub public_scope: String,
    /// Who may comment.
    #[serde(default, deserialize_with = "text")]
    pub comment_scope: String,
    /// Access list (`<id>` form).
    #[serde(default, deserialize_with = "text")]
    pub allow_cid: String,
    /// Access list.
    #[serde(default, deserialize_with = "text")]
    pub allow_gid: String,
    /// Access list.
    #[serde(default, deserialize_with = "text")]
    pub deny_cid: String,
    /// Access list.
    #[serde(default, deserialize_with = "text")]
    pub deny_gid: String,
    /// Revision (the mirror form has it; its presence tells the importer to read the rest).
    #[serde(default)]
    pub revision: i64,
    /// Layout.
    #[serde(default, deserialize_with = "text")]
    pub layout_mid: String,
    /// Post options.
    #[serde(default, deserialize_with = "text")]
    pub postopts: String,
    /// Resource id.
    #[serde(default, deserialize_with = "text")]
    pub resource_id: String,
    /// Resource type.
    #[serde(default, deserialize_with = "text")]
    pub resource_type: String,
    /// Attachments (JSON text).
    #[serde(default, deserialize_with = "text")]
    pub attach: String,
    /// Written by the channel at the sending location.
    #[serde(default, deserialize_with = "flag", serialize_with = "as_int")]
    pub item_origin: bool,
    /// On the channel's own wall.
    #[serde(default, deserialize_with = "flag", serialize_with = "as_int")]
    pub item_wall: bool,
    /// A thread's top post.
    #[serde(default, deserialize_with = "flag", serialize_with = "as_int")]
    pub item_thread_top: bool,
    /// Deleted.
    #[serde(default, deserialize_with = "flag", serialize_with = "as_int")]
    pub item_deleted: bool,
    /// Comments closed.
    #[serde(default, deserialize_with = "flag", serialize_with = "as_int")]
    pub item_nocomment: bool,
    /// Checked signature.
    #[serde(default, deserialize_with = "flag", serialize_with = "as_int")]
    pub item_verified: bool,
    /// Hidden.
    #[serde(default, deserialize_with = "flag", serialize_with = "as_int")]
    pub item_hidden: bool,
    /// Item type (0 post, others are pages, wikis, …).
    #[serde(default)]
    pub item_type: i64,
    /// Other `item_*` flags Hubzilla's importer reads (written as 0).
    #[serde(flatten, skip_deserializing)]
    pub zero_flags: ZeroFlags,
    /// The activity object, when Hubzilla sends one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<serde_json::Value>,
}

/// The `item_*` flags Caravan has no use for, written as 0 so Hubzilla stores no nulls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ZeroFlags {
    item_unseen: i64,
    item_starred: i64,
    item_uplink: i64,
    item_consensus: i64,
    item_notshown: i64,
    item_nsfw: i64,
    item_relay: i64,
    item_mentionsme: i64,
    item_obscured: i64,
    item_retained: i64,
    item_rss: i64,
    item_unpublished: i64,
    item_delayed: i64,
    item_pending_remove: i64,
    item_blocked: i64,
}

impl<'de> Deserialize<'de> for ZeroFlags {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> std::result::Result<Self, D::Error> {
        Ok(Self::default())
    }
}

fn as_int<S: serde::Serializer>(b: &bool, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_i64(i64::from(*b))
}

impl Item {
    /// Restricted to an access list.
    pub fn is_private(&self) -> bool {
        self.flags.iter().any(|f| f == "private")
            || !(self.allow_cid.is_empty() && self.allow_gid.is_empty())
    }

    /// Deleted (flag or column).
    pub fn is_deleted(&self) -> bool {
        self.item_deleted || self.flags.iter().any(|f| f == "deleted")
    }

    /// A top post.
    pub fn is_top(&self) -> bool {
        self.message_top.is_empty() || self.message_top == self.message_id
    }

    /// The message it answers, empty for a top post.
    pub fn answers(&self) -> &str {
        if self.message_parent.is_empty() || self.message_parent == self.message_id {
            ""
        } else {
            &self.message_parent
        }
    }

    /// A like or dislike.
    pub fn is_reaction(&self) -> bool {
        self.verb == VERB_LIKE || self.verb == VERB_DISLIKE || self.verb == "Like"
    }

    /// Checks what the item says about itself: a message id, an author and owner whose keys
    /// signed their guids, and (when present) the author's signature of the body. Returns the
    /// author's and the owner's portable ids.
    pub fn check(&self) -> Result<(String, String)> {
        if self.message_id.is_empty() || self.message_id.len() > 1000 {
            return Err(Error::malformed("hz item", "no message id"));
        }
        let author = self.author.verified_hash()?;
        let owner = self.owner.verified_hash()?;
        if !self.signature.is_empty() {
            let key = PublicKey::from_pem(&self.author.key)?;
            crate::sign::simple_verify(&key, self.body.as_bytes(), &self.signature)?;
        }
        Ok((author, owner))
    }

    /// Signs the body with the author's key (what Hubzilla's `signature` holds).
    pub fn sign(&mut self, author_key: &RsaKeypair) -> Result<()> {
        self.signature = crate::sign::simple_sign(author_key, self.body.as_bytes())?;
        self.item_verified = true;
        Ok(())
    }

    /// Sets the flags list from the columns.
    pub fn set_flags(&mut self, private: bool) {
        let mut flags = Vec::new();
        if self.item_deleted {
            flags.push("deleted".to_string());
        }
        if self.item_thread_top {
            flags.push("thread_parent".to_string());
        }
        if private {
            flags.push("private".to_string());
        }
        self.flags = flags;
    }
}

/// `relocate`: where the packet comes from (the same shape as an export's).
pub use crate::export::Relocate;

/// The part of `channel` Caravan reads and writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncChannel {
    /// Display name.
    #[serde(default, deserialize_with = "text")]
    pub channel_name: String,
    /// Portable id.
    #[serde(default, deserialize_with = "text")]
    pub channel_hash: String,
    /// guid.
    #[serde(default, deserialize_with = "text")]
    pub channel_guid: String,
    /// Signature of the guid.
    #[serde(default, deserialize_with = "text")]
    pub channel_guid_sig: String,
}

/// A `sync` packet (the envelope's `data`, a JSON text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPacket {
    /// `sync`.
    #[serde(rename = "type", default, deserialize_with = "text")]
    pub kind: String,
    /// `hz`.
    #[serde(default, deserialize_with = "text")]
    pub encoding: String,
    /// Where it comes from.
    #[serde(default)]
    pub relocate: Relocate,
    /// The channel row (minus secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<SyncChannel>,
    /// Items changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<Item>,
    /// Profiles changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<crate::export::Profile>,
    /// Settings changed (pconfig: category → key → value; keys `pcfgud:…` carry update times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Connections changed (read by the hub; Hubzilla's abook rows joined with the xchan).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abook: Vec<serde_json::Value>,
}

impl SyncPacket {
    /// Reads the `data` of a sync envelope (a JSON text, or already an object).
    pub fn from_data(data: &serde_json::Value) -> Result<Self> {
        let parsed = match data {
            serde_json::Value::String(s) => serde_json::from_str(s)
                .map_err(|e| Error::malformed("hz sync packet", e.to_string()))?,
            other => serde_json::from_value(other.clone())
                .map_err(|e| Error::malformed("hz sync packet", e.to_string()))?,
        };
        Ok(parsed)
    }

    /// The packet as the JSON text Hubzilla's receiver decodes.
    pub fn to_data(&self) -> serde_json::Value {
        let mut p = self.clone();
        p.kind = "sync".into();
        p.encoding = ENCODING.into();
        serde_json::Value::String(serde_json::to_string(&p).unwrap_or_default())
    }
}

/// One page of `/api/z/1.0/item/export_page`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPage {
    /// Where the items come from.
    #[serde(default)]
    pub relocate: Relocate,
    /// Items in the whole range.
    #[serde(default, deserialize_with = "lenient_int")]
    pub items_total: i64,
    /// Items per page.
    #[serde(default, deserialize_with = "lenient_int")]
    pub items_page: i64,
    /// This page.
    #[serde(default)]
    pub item: Vec<Item>,
}

fn lenient_int<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<i64, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0),
        serde_json::Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_from_numbers_strings_and_lists() {
        let it: Item = serde_json::from_value(serde_json::json!({
            "message_id": "m", "message_top": "m", "message_parent": "m",
            "item_deleted": "1", "item_wall": 1, "flags": ["thread_parent", "private"],
            "revision": 0, "body": "b"
        }))
        .unwrap();
        assert!(it.is_deleted() && it.item_wall && it.is_private() && it.is_top());
        assert_eq!(it.answers(), "");
    }

    #[test]
    fn written_items_have_every_flag_as_a_number() {
        let mut it = Item {
            message_id: "m".into(),
            item_wall: true,
            ..Item::default()
        };
        it.set_flags(false);
        let v = serde_json::to_value(&it).unwrap();
        assert_eq!(v["item_wall"], 1);
        assert_eq!(v["item_blocked"], 0);
        assert_eq!(v["item_pending_remove"], 0);
    }
}
