//! Local channels (`channel` table): the identity rows with their keys; lookups by nickname,
//! id and account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::channel;
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
    /// Scheduled for deletion: removed by the lifecycle job after this time.
    pub channel_delete_after: Option<NaiveDateTime>,
    /// Default audience of new posts (`public`, `connections`, `group:NAME`; empty: the role's).
    pub channel_default_audience: String,
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

/// Holds the channel's row until the transaction ends, so that changes to one channel are
/// numbered one after another (PostgreSQL: `SELECT … FOR UPDATE`; SQLite's transactions
/// already hold the database's write lock).
pub fn lock(conn: &mut AnyConnection, id: i64) -> Result<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT channel_id FROM channel WHERE channel_id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::BigInt, _>(id)
            .execute(pg)?;
    }
    Ok(())
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

/// Renames a channel (display name).
pub fn update_name(conn: &mut AnyConnection, id: i64, name: &str) -> Result<()> {
    diesel::update(channel::table.find(id))
        .set(channel::channel_name.eq(name))
        .execute(conn)?;
    Ok(())
}

/// Finds a live channel by portable id.
pub fn find_by_hash(conn: &mut AnyConnection, hash: &str) -> Result<Option<Channel>> {
    Ok(channel::table
        .filter(channel::channel_hash.eq(hash))
        .filter(channel::channel_removed.eq(false))
        .first::<Channel>(conn)
        .optional()?)
}

/// Marks a channel removed here (its pages and deliveries stop; its row stays so that what it
/// queued can still be signed).
pub fn set_removed(conn: &mut AnyConnection, id: i64) -> Result<()> {
    diesel::update(channel::table.find(id))
        .set(channel::channel_removed.eq(true))
        .execute(conn)?;
    Ok(())
}

/// A channel removed here, by portable id.
pub fn find_removed_by_hash(conn: &mut AnyConnection, hash: &str) -> Result<Option<Channel>> {
    Ok(channel::table
        .filter(channel::channel_hash.eq(hash))
        .filter(channel::channel_removed.eq(true))
        .first::<Channel>(conn)
        .optional()?)
}

/// Deletes a channel row and, by the schema's cascades, everything of it (posts, connections,
/// groups, settings, profile, change log); its queued messages go too.
pub fn purge(conn: &mut AnyConnection, id: i64) -> Result<()> {
    crate::store::outq::delete_of_channel(conn, id)?;
    diesel::delete(channel::table.find(id)).execute(conn)?;
    Ok(())
}
