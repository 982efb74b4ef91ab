//! Channels and the rows that make up their identity on the network: `channel` (with keys),
//! `profile`, `pconfig`, `xchan` (anyone's public identity), `hubloc` (one per location) and
//! `abook` (connections; a channel's own entry is its "self" connection).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{abook, channel, hubloc, pconfig, profile, xchan};
use crate::error::Result;

/// A local channel.
#[derive(Clone, Queryable)]
pub struct Channel {
    /// Row id.
    pub channel_id: i64,
    /// Owning account.
    pub channel_account_id: i64,
    /// Nickname (the local part of `nick@host`).
    pub channel_address: String,
    /// Display name.
    pub channel_name: String,
    /// Permission role preset.
    pub channel_role: String,
    /// Zot guid.
    pub channel_guid: String,
    /// `sha256.` signature of the guid.
    pub channel_guid_sig: String,
    /// Portable id (xchan hash).
    pub channel_hash: String,
    /// SPKI PEM, byte-exact.
    pub channel_pubkey: String,
    /// PKCS#8 PEM.
    pub channel_prvkey: String,
    /// Ed25519 public key (standard base64, no padding).
    pub channel_epubkey: String,
    /// Ed25519 private key.
    pub channel_eprvkey: String,
    /// Creation time.
    pub channel_created: NaiveDateTime,
    /// Removed by its owner.
    pub channel_removed: bool,
}

impl std::fmt::Debug for Channel {
    // Private keys never reach logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("channel_id", &self.channel_id)
            .field("channel_address", &self.channel_address)
            .field("channel_hash", &self.channel_hash)
            .finish_non_exhaustive()
    }
}

/// A new channel.
#[derive(Insertable)]
#[diesel(table_name = channel)]
pub struct NewChannel<'a> {
    /// Owner.
    pub channel_account_id: i64,
    /// Nickname.
    pub channel_address: &'a str,
    /// Display name.
    pub channel_name: &'a str,
    /// Role preset.
    pub channel_role: &'a str,
    /// guid.
    pub channel_guid: &'a str,
    /// guid signature.
    pub channel_guid_sig: &'a str,
    /// Portable id.
    pub channel_hash: &'a str,
    /// Public key PEM.
    pub channel_pubkey: &'a str,
    /// Private key PEM.
    pub channel_prvkey: &'a str,
    /// Ed25519 public key.
    pub channel_epubkey: &'a str,
    /// Ed25519 private key.
    pub channel_eprvkey: &'a str,
    /// Creation time.
    pub channel_created: NaiveDateTime,
}

/// Inserts a channel; returns its id. A duplicate nickname is a unique violation.
pub fn insert(conn: &mut AnyConnection, new: &NewChannel<'_>) -> Result<i64> {
    Ok(diesel::insert_into(channel::table)
        .values(new)
        .returning(channel::channel_id)
        .get_result(conn)?)
}

/// Finds a live channel by nickname.
pub fn find_by_address(conn: &mut AnyConnection, nick: &str) -> Result<Option<Channel>> {
    Ok(channel::table
        .filter(channel::channel_address.eq(nick))
        .filter(channel::channel_removed.eq(false))
        .first::<Channel>(conn)
        .optional()?)
}

/// Finds a channel by id.
pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Channel>> {
    Ok(channel::table.find(id).first::<Channel>(conn).optional()?)
}

/// The live channels of an account, oldest first.
pub fn find_by_account(conn: &mut AnyConnection, account_id: i64) -> Result<Vec<Channel>> {
    Ok(channel::table
        .filter(channel::channel_account_id.eq(account_id))
        .filter(channel::channel_removed.eq(false))
        .order(channel::channel_id.asc())
        .load::<Channel>(conn)?)
}

/// Number of live channels of an account.
pub fn count_by_account(conn: &mut AnyConnection, account_id: i64) -> Result<i64> {
    Ok(channel::table
        .filter(channel::channel_account_id.eq(account_id))
        .filter(channel::channel_removed.eq(false))
        .count()
        .get_result(conn)?)
}

/// Whether any channel (even removed) has this nickname.
pub fn address_taken(conn: &mut AnyConnection, nick: &str) -> Result<bool> {
    let n: i64 = channel::table
        .filter(channel::channel_address.eq(nick))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A channel's profile.
#[derive(Debug, Clone, Queryable)]
pub struct Profile {
    /// Row id.
    pub id: i64,
    /// Channel id.
    pub uid: i64,
    /// About text (Markdown).
    pub about: String,
    /// Home page URL.
    pub homepage: String,
    /// Where the channel is.
    pub locality: String,
    /// Last edit.
    pub edited: NaiveDateTime,
}

/// Creates the (empty) profile of a new channel.
pub fn insert_profile(conn: &mut AnyConnection, uid: i64, at: NaiveDateTime) -> Result<()> {
    diesel::insert_into(profile::table)
        .values((profile::uid.eq(uid), profile::edited.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// The profile of a channel.
pub fn find_profile(conn: &mut AnyConnection, uid: i64) -> Result<Option<Profile>> {
    Ok(profile::table
        .filter(profile::uid.eq(uid))
        .first::<Profile>(conn)
        .optional()?)
}

/// Replaces the editable profile fields.
pub fn update_profile(
    conn: &mut AnyConnection,
    uid: i64,
    about: &str,
    homepage: &str,
    locality: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(profile::table.filter(profile::uid.eq(uid)))
        .set((
            profile::about.eq(about),
            profile::homepage.eq(homepage),
            profile::locality.eq(locality),
            profile::edited.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Renames a channel (display name).
pub fn update_name(conn: &mut AnyConnection, id: i64, name: &str) -> Result<()> {
    diesel::update(channel::table.find(id))
        .set(channel::channel_name.eq(name))
        .execute(conn)?;
    Ok(())
}

/// Writes a per-channel setting.
pub fn set_pconfig(conn: &mut AnyConnection, uid: i64, cat: &str, k: &str, v: &str) -> Result<()> {
    let updated = diesel::update(
        pconfig::table
            .filter(pconfig::uid.eq(uid))
            .filter(pconfig::cat.eq(cat))
            .filter(pconfig::k.eq(k)),
    )
    .set(pconfig::v.eq(v))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(pconfig::table)
            .values((
                pconfig::uid.eq(uid),
                pconfig::cat.eq(cat),
                pconfig::k.eq(k),
                pconfig::v.eq(v),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Reads a per-channel setting.
pub fn get_pconfig(
    conn: &mut AnyConnection,
    uid: i64,
    cat: &str,
    k: &str,
) -> Result<Option<String>> {
    Ok(pconfig::table
        .filter(pconfig::uid.eq(uid))
        .filter(pconfig::cat.eq(cat))
        .filter(pconfig::k.eq(k))
        .select(pconfig::v)
        .first::<String>(conn)
        .optional()?)
}

/// A public identity (local or remote).
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = xchan)]
pub struct Xchan {
    /// Portable id.
    pub xchan_hash: String,
    /// guid.
    pub xchan_guid: String,
    /// guid signature.
    pub xchan_guid_sig: String,
    /// SPKI PEM.
    pub xchan_pubkey: String,
    /// Ed25519 public key, multibase.
    pub xchan_epubkey: String,
    /// `nick@host` of the primary location.
    pub xchan_addr: String,
    /// Channel URL at the primary location.
    pub xchan_url: String,
    /// Display name.
    pub xchan_name: String,
    /// Protocol (`zot6`).
    pub xchan_network: String,
    /// When the name last changed.
    pub xchan_name_date: NaiveDateTime,
    /// Identity deleted.
    pub xchan_deleted: bool,
}

/// Inserts an xchan.
pub fn insert_xchan(conn: &mut AnyConnection, row: &Xchan) -> Result<()> {
    diesel::insert_into(xchan::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Finds an xchan by portable id.
pub fn find_xchan(conn: &mut AnyConnection, hash: &str) -> Result<Option<Xchan>> {
    Ok(xchan::table.find(hash).first::<Xchan>(conn).optional()?)
}

/// Renames an xchan.
pub fn update_xchan_name(
    conn: &mut AnyConnection,
    hash: &str,
    name: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(xchan::table.find(hash))
        .set((xchan::xchan_name.eq(name), xchan::xchan_name_date.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// A new location of a channel.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = hubloc)]
pub struct NewHubloc {
    /// guid.
    pub hubloc_guid: String,
    /// Portable id.
    pub hubloc_hash: String,
    /// `nick@host`.
    pub hubloc_addr: String,
    /// Channel URL at this location.
    pub hubloc_id_url: String,
    /// Hub base URL.
    pub hubloc_url: String,
    /// `sha256.` signature of the base URL by the channel key.
    pub hubloc_url_sig: String,
    /// Site id of the hub.
    pub hubloc_site_id: String,
    /// Host name.
    pub hubloc_host: String,
    /// `<url>/zot`.
    pub hubloc_callback: String,
    /// Site key PEM of the hub.
    pub hubloc_sitekey: String,
    /// This is the primary location.
    pub hubloc_primary: bool,
    /// Last update.
    pub hubloc_updated: NaiveDateTime,
}

/// Inserts a location.
pub fn insert_hubloc(conn: &mut AnyConnection, row: &NewHubloc) -> Result<()> {
    diesel::insert_into(hubloc::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Number of live locations of a portable id.
pub fn count_hublocs(conn: &mut AnyConnection, hash: &str) -> Result<i64> {
    Ok(hubloc::table
        .filter(hubloc::hubloc_hash.eq(hash))
        .filter(hubloc::hubloc_deleted.eq(false))
        .count()
        .get_result(conn)?)
}

/// Inserts a connection (`abook`) row.
pub fn insert_abook(
    conn: &mut AnyConnection,
    account_id: i64,
    channel_id: i64,
    xchan_hash: &str,
    is_self: bool,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(abook::table)
        .values((
            abook::abook_account.eq(account_id),
            abook::abook_channel.eq(channel_id),
            abook::abook_xchan.eq(xchan_hash),
            abook::abook_self.eq(is_self),
            abook::abook_created.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
