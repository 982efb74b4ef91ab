//! The channel export format (zot6.md §9): one JSON object with Hubzilla's section and field
//! names (`compatibility`, `relocate`, `channel`, `profile[]`, `abook[]` with `abconfig[]`,
//! `xchan[]`, `hubloc[]`, `group[]`, `group_member[]`, `config[]`), read leniently (Hubzilla
//! writes flags as numbers or strings), plus Caravan's `items[]` (posts, comments and likes
//! with their access lists) and `changelog[]`, which Hubzilla ignores. [`ChannelExport::check`] is what every
//! importer must do first: refuse what is not a Zot6 channel export, and prove that the keys
//! belong to the portable id.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};

/// `compatibility.project` of our exports.
pub const PROJECT: &str = "caravan";
/// The version of Caravan's additions (`items[]`).
pub const FORMAT_VERSION: u32 = 1;

/// Reads a flag written as `true`, `1`, `"1"` or `"true"` (anything else is false).
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0) != 0,
        serde_json::Value::String(s) => s == "1" || s.eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// Reads a text field that may be missing, null or a number.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// The profile photo of an export (HZ `identity_basic_export()`: the 300px image).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPhoto {
    /// Media type.
    #[serde(rename = "type", default, deserialize_with = "text")]
    pub mimetype: String,
    /// The image, base64url (Hubzilla strips the padding).
    #[serde(default, deserialize_with = "text")]
    pub data: String,
}

impl ExportPhoto {
    /// The photo of `bytes`, encoded as Hubzilla writes it.
    pub fn new(mimetype: &str, bytes: &[u8]) -> Self {
        use base64::Engine;
        Self {
            mimetype: mimetype.to_string(),
            data: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    /// The image's bytes (base64url or standard, padded or not).
    pub fn bytes(&self) -> Result<Vec<u8>> {
        use base64::Engine;
        let clean: String = self
            .data
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=')
            .map(|c| match c {
                '+' => '-',
                '/' => '_',
                c => c,
            })
            .collect();
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(clean)
            .map_err(|e| Error::malformed("export photo", e.to_string()))
    }
}

fn photo<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<ExportPhoto>, D::Error> {
    Ok(serde_json::from_value(serde_json::Value::deserialize(d)?).ok())
}

/// `compatibility`: who wrote the export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compatibility {
    /// `hubzilla` or `caravan`.
    #[serde(default, deserialize_with = "text")]
    pub project: String,
    /// The writer's version.
    #[serde(default, deserialize_with = "text")]
    pub version: String,
    /// The writer's database version (Hubzilla) or format version (Caravan).
    #[serde(default, deserialize_with = "text")]
    pub database: String,
    /// Set by Zap/Osada/(streams) exports, which are not Zot6 channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codebase: Option<String>,
}

/// `relocate`: where the channel lived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relocate {
    /// Nickname there.
    #[serde(default, deserialize_with = "text")]
    pub channel_address: String,
    /// That hub's base URL.
    #[serde(default, deserialize_with = "text")]
    pub url: String,
}

/// `channel`: the identity, keys included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// Display name.
    #[serde(default, deserialize_with = "text")]
    pub channel_name: String,
    /// Nickname.
    #[serde(default, deserialize_with = "text")]
    pub channel_address: String,
    /// guid.
    #[serde(default, deserialize_with = "text")]
    pub channel_guid: String,
    /// `sha256.` signature of the guid.
    #[serde(default, deserialize_with = "text")]
    pub channel_guid_sig: String,
    /// Portable id.
    #[serde(default, deserialize_with = "text")]
    pub channel_hash: String,
    /// RSA public key (SPKI PEM).
    #[serde(default, deserialize_with = "text")]
    pub channel_pubkey: String,
    /// RSA private key (PKCS#8 PEM).
    #[serde(default, deserialize_with = "text")]
    pub channel_prvkey: String,
    /// Ed25519 public key.
    #[serde(default, deserialize_with = "text")]
    pub channel_epubkey: String,
    /// Ed25519 private key.
    #[serde(default, deserialize_with = "text")]
    pub channel_eprvkey: String,
    /// Time zone (Hubzilla).
    #[serde(default, deserialize_with = "text")]
    pub channel_timezone: String,
    /// Caravan: the permission role (Hubzilla keeps it in `config` `system.permissions_role`).
    #[serde(default, deserialize_with = "text")]
    pub channel_role: String,
}

/// One `profile[]` entry (the fields Caravan keeps).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Profile guid.
    #[serde(default, deserialize_with = "text")]
    pub profile_guid: String,
    /// The default (public) profile.
    #[serde(default, deserialize_with = "flag")]
    pub is_default: bool,
    /// Its name ("default").
    #[serde(default, deserialize_with = "text")]
    pub profile_name: String,
    /// Display name.
    #[serde(default, deserialize_with = "text")]
    pub fullname: String,
    /// About text.
    #[serde(default, deserialize_with = "text")]
    pub about: String,
    /// Home page.
    #[serde(default, deserialize_with = "text")]
    pub homepage: String,
    /// Locality.
    #[serde(default, deserialize_with = "text")]
    pub locality: String,
}

/// One `abconfig[]` row of a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Abconfig {
    /// The connection's portable id.
    #[serde(default, deserialize_with = "text")]
    pub xchan: String,
    /// Category (`my_perms`, `their_perms`).
    #[serde(default, deserialize_with = "text")]
    pub cat: String,
    /// Key (a permission name).
    #[serde(default, deserialize_with = "text")]
    pub k: String,
    /// Value (`0`/`1`).
    #[serde(default, deserialize_with = "text")]
    pub v: String,
}

/// One `abook[]` entry: a connection (or the channel's own entry).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Abook {
    /// The other identity.
    #[serde(default, deserialize_with = "text")]
    pub abook_xchan: String,
    /// The channel's own entry.
    #[serde(default, deserialize_with = "flag")]
    pub abook_self: bool,
    /// Not yet approved.
    #[serde(default, deserialize_with = "flag")]
    pub abook_pending: bool,
    /// Blocked.
    #[serde(default, deserialize_with = "flag")]
    pub abook_blocked: bool,
    /// Ignored.
    #[serde(default, deserialize_with = "flag")]
    pub abook_ignored: bool,
    /// Archived.
    #[serde(default, deserialize_with = "flag")]
    pub abook_archived: bool,
    /// Role preset.
    #[serde(default, deserialize_with = "text")]
    pub abook_role: String,
    /// Per-connection settings (permissions).
    #[serde(default)]
    pub abconfig: Vec<Abconfig>,
}

/// One `xchan[]` entry: an identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Xchan {
    /// Portable id.
    #[serde(default, deserialize_with = "text")]
    pub xchan_hash: String,
    /// guid.
    #[serde(default, deserialize_with = "text")]
    pub xchan_guid: String,
    /// guid signature.
    #[serde(default, deserialize_with = "text")]
    pub xchan_guid_sig: String,
    /// Public key.
    #[serde(default, deserialize_with = "text")]
    pub xchan_pubkey: String,
    /// Ed25519 public key.
    #[serde(default, deserialize_with = "text")]
    pub xchan_epubkey: String,
    /// Address.
    #[serde(default, deserialize_with = "text")]
    pub xchan_addr: String,
    /// Channel URL.
    #[serde(default, deserialize_with = "text")]
    pub xchan_url: String,
    /// Name.
    #[serde(default, deserialize_with = "text")]
    pub xchan_name: String,
    /// Network (`zot6`).
    #[serde(default, deserialize_with = "text")]
    pub xchan_network: String,
    /// Deleted.
    #[serde(default, deserialize_with = "flag")]
    pub xchan_deleted: bool,
}

/// One `hubloc[]` entry: a location of an identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hubloc {
    /// guid.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_guid: String,
    /// guid signature.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_guid_sig: String,
    /// Portable id.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_hash: String,
    /// Address at this location.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_addr: String,
    /// Channel URL at this location.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_id_url: String,
    /// Network.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_network: String,
    /// The hub's base URL.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_url: String,
    /// The base URL signed by the identity's key.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_url_sig: String,
    /// The hub's site id.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_site_id: String,
    /// Host.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_host: String,
    /// Zot endpoint.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_callback: String,
    /// The hub's site key.
    #[serde(default, deserialize_with = "text")]
    pub hubloc_sitekey: String,
    /// Primary.
    #[serde(default, deserialize_with = "flag")]
    pub hubloc_primary: bool,
    /// Deleted.
    #[serde(default, deserialize_with = "flag")]
    pub hubloc_deleted: bool,
}

/// One `group[]` entry: a privacy group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Row id in the export (what `group_member.gid` refers to).
    #[serde(default)]
    pub id: i64,
    /// Random id (access lists name it).
    #[serde(default, deserialize_with = "text")]
    pub hash: String,
    /// Name.
    #[serde(default, deserialize_with = "text")]
    pub gname: String,
    /// Deleted.
    #[serde(default, deserialize_with = "flag")]
    pub deleted: bool,
    /// Visible to members (Hubzilla).
    #[serde(default, deserialize_with = "flag")]
    pub visible: bool,
}

/// One `group_member[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    /// The group's export row id.
    #[serde(default)]
    pub gid: i64,
    /// The member's portable id.
    #[serde(default, deserialize_with = "text")]
    pub xchan: String,
}

/// One `config[]` row (channel settings, `pconfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Category.
    #[serde(default, deserialize_with = "text")]
    pub cat: String,
    /// Key.
    #[serde(default, deserialize_with = "text")]
    pub k: String,
    /// Value.
    #[serde(default, deserialize_with = "text")]
    pub v: String,
}

/// One of Caravan's `items[]`: a post, comment or like as stored, with its access list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Message id.
    pub mid: String,
    /// The thread's top message id.
    pub parent_mid: String,
    /// The message id it answers (empty for a top post).
    #[serde(default)]
    pub thr_parent: String,
    /// Author's portable id.
    pub author_xchan: String,
    /// Thread owner's portable id.
    pub owner_xchan: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Source text.
    #[serde(default)]
    pub body: String,
    /// Sanitised HTML.
    #[serde(default)]
    pub html: String,
    /// Source format.
    #[serde(default)]
    pub mimetype: String,
    /// `Create`, `Like`, `Dislike`.
    #[serde(default)]
    pub verb: String,
    /// Created, `YYYY-MM-DD HH:MM:SS[.ffffff]` UTC.
    pub created: String,
    /// Last edit, same form.
    pub edited: String,
    /// Restricted.
    #[serde(default)]
    pub item_private: bool,
    /// Deleted.
    #[serde(default)]
    pub item_deleted: bool,
    /// Written at the exporting location's channel (not received).
    #[serde(default)]
    pub item_origin: bool,
    /// Access list (`<id>` form).
    #[serde(default)]
    pub allow_cid: String,
    /// Access list.
    #[serde(default)]
    pub allow_gid: String,
    /// Access list.
    #[serde(default)]
    pub deny_cid: String,
    /// Access list.
    #[serde(default)]
    pub deny_gid: String,
    /// The JSalmon-signed activity, for relaying unchanged.
    #[serde(default)]
    pub signed_data: String,
}

/// A whole export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelExport {
    /// Who wrote it.
    #[serde(default)]
    pub compatibility: Compatibility,
    /// Where the channel lived.
    #[serde(default)]
    pub relocate: Relocate,
    /// The identity.
    #[serde(default)]
    pub channel: Channel,
    /// Profiles.
    #[serde(default)]
    pub profile: Vec<Profile>,
    /// Connections (and the channel's own entry).
    #[serde(default)]
    pub abook: Vec<Abook>,
    /// Identities of the channel and its connections.
    #[serde(default)]
    pub xchan: Vec<Xchan>,
    /// Their locations.
    #[serde(default)]
    pub hubloc: Vec<Hubloc>,
    /// Privacy groups.
    #[serde(default)]
    pub group: Vec<Group>,
    /// Their members.
    #[serde(default)]
    pub group_member: Vec<GroupMember>,
    /// Channel settings.
    #[serde(default)]
    pub config: Vec<Config>,
    /// The 300px profile photo (Hubzilla's `photo {type, data}`); anything but such an object
    /// reads as none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "photo"
    )]
    pub photo: Option<ExportPhoto>,
    /// Caravan: items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
    /// Caravan: the channel's change log (so a clone starts where the export left off).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changelog: Vec<LogEntry>,
}

/// One entry of Caravan's `changelog[]`: a change made at one of the channel's locations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Site id of the location where it was made.
    pub origin: String,
    /// Its number there.
    pub seq: i64,
    /// Kind of object.
    pub kind: String,
    /// Which object.
    pub obj: String,
    /// Hybrid logical clock.
    pub hlc: i64,
    /// The object's state then (JSON text).
    #[serde(default)]
    pub body: String,
}

/// The export's identity, proven.
#[derive(Debug)]
pub struct Proven {
    /// The channel's key pair (the private key matches the published key).
    pub key: RsaKeypair,
}

fn refuse(why: impl Into<String>) -> Error {
    Error::malformed("channel export", why.into())
}

/// Whether a dotted version is at most `max` (both `a.b.c`, missing parts are 0).
fn version_at_most(version: &str, max: &[u64]) -> bool {
    let parts: Vec<u64> = version
        .split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    for (i, m) in max.iter().enumerate() {
        let v = parts.get(i).copied().unwrap_or(0);
        if v != *m {
            return v < *m;
        }
    }
    true
}

impl ChannelExport {
    /// What an importer checks before anything else (Hubzilla `Module/Import.php` and zot6.md
    /// §9): a Zot6 channel export (not Zap/Osada, not Hubzilla 4.7.3 or older, not a newer
    /// Caravan format), whose portable id is the hash of its guid and public key, whose guid
    /// signature verifies, and whose private key belongs to the public key.
    pub fn check(&self) -> Result<Proven> {
        let c = &self.compatibility;
        if let Some(codebase) = &c.codebase {
            return Err(refuse(format!(
                "this is a {codebase} export; only Zot6 channels (Hubzilla, Caravan) can be imported"
            )));
        }
        match c.project.as_str() {
            "hubzilla" | "redmatrix" if version_at_most(&c.version, &[4, 7, 3]) => {
                return Err(refuse(format!(
                    "Hubzilla {} exports predate Zot6 and cannot be imported",
                    c.version
                )));
            }
            "hubzilla" => {}
            PROJECT => {
                let v: u32 = c.database.parse().unwrap_or(u32::MAX);
                if v > FORMAT_VERSION {
                    return Err(refuse(format!(
                        "this export is of a newer Caravan format ({}); upgrade this hub first",
                        c.database
                    )));
                }
            }
            "" => return Err(refuse("this file is not a channel export")),
            other => return Err(refuse(format!("exports of {other} are not supported"))),
        }
        let ch = &self.channel;
        if ch.channel_guid.is_empty()
            || ch.channel_pubkey.is_empty()
            || ch.channel_prvkey.is_empty()
        {
            return Err(refuse("the export has no identity (guid and keys)"));
        }
        let expected = crate::id::portable_id(&ch.channel_guid, &ch.channel_pubkey);
        if expected != ch.channel_hash {
            return Err(refuse("the portable id does not match the guid and key"));
        }
        let public = PublicKey::from_pem(&ch.channel_pubkey)?;
        crate::sign::simple_verify(&public, ch.channel_guid.as_bytes(), &ch.channel_guid_sig)
            .map_err(|_| refuse("the guid signature does not verify"))?;
        let key = RsaKeypair::from_private_pem(&ch.channel_prvkey)
            .map_err(|_| refuse("the private key cannot be read"))?;
        if key.public_pem().trim() != ch.channel_pubkey.trim() {
            let probe = b"caravan import key check";
            let sig = key.sign_sha256(probe)?;
            public
                .verify_sha256(probe, &sig)
                .map_err(|_| refuse("the private key does not belong to the channel's key"))?;
        }
        Ok(Proven { key })
    }

    /// The channel's permission role: Caravan's field, else Hubzilla's
    /// `config` `system.permissions_role`, else `personal`.
    pub fn role(&self) -> String {
        if !self.channel.channel_role.is_empty() {
            return self.channel.channel_role.clone();
        }
        self.config
            .iter()
            .find(|c| c.cat == "system" && c.k == "permissions_role")
            .map(|c| c.v.clone())
            .filter(|r| crate::perms::role(r).is_some())
            .unwrap_or_else(|| "personal".into())
    }

    /// The default profile, if any.
    pub fn default_profile(&self) -> Option<&Profile> {
        self.profile
            .iter()
            .find(|p| p.is_default)
            .or(self.profile.first())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_part_by_part() {
        assert!(version_at_most("4.7.3", &[4, 7, 3]));
        assert!(version_at_most("4.6", &[4, 7, 3]));
        assert!(!version_at_most("4.7.4", &[4, 7, 3]));
        assert!(!version_at_most("8.9.3", &[4, 7, 3]));
        assert!(!version_at_most("10.0", &[4, 7, 3]));
    }

    #[test]
    fn flags_and_texts_are_read_leniently() {
        let a: Abook = serde_json::from_str(
            r#"{"abook_xchan":"x","abook_self":1,"abook_pending":"0","abook_blocked":true,"abook_role":null}"#,
        )
        .unwrap();
        assert!(a.abook_self && !a.abook_pending && a.abook_blocked);
        assert_eq!(a.abook_role, "");
    }

    #[test]
    fn foreign_and_empty_exports_are_refused() {
        let mut e = ChannelExport::default();
        assert!(e.check().is_err());
        e.compatibility.project = "hubzilla".into();
        e.compatibility.version = "4.6.2".into();
        assert!(e.check().unwrap_err().to_string().contains("predate"));
        e.compatibility.codebase = Some("zap".into());
        assert!(e.check().unwrap_err().to_string().contains("zap"));
    }
}
