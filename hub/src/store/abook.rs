//! Connections (`abook` table: one row per channel and identity it is connected to; a channel's
//! own entry is its "self" connection) and their per-connection settings (`abconfig`:
//! `my_perms` = what the channel grants, `their_perms` = what the other side grants).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{abconfig, abook};
use crate::error::Result;

/// A connection row.
#[derive(Debug, Clone, Queryable)]
pub struct Abook {
    /// Row id.
    pub abook_id: i64,
    /// Owning account.
    pub abook_account: i64,
    /// The local channel.
    pub abook_channel: i64,
    /// The other identity's portable id.
    pub abook_xchan: String,
    /// The channel's own entry.
    pub abook_self: bool,
    /// Created.
    pub abook_created: NaiveDateTime,
    /// Waiting for the channel's approval.
    pub abook_pending: bool,
    /// Blocked: nothing is accepted from or sent to it.
    pub abook_blocked: bool,
    /// Ignored: only public content is exchanged.
    pub abook_ignored: bool,
    /// Archived: kept, but out of the way.
    pub abook_archived: bool,
    /// The role preset the permissions came from.
    pub abook_role: String,
}

/// Inserts a connection (`abook`) row.
pub fn insert(
    conn: &mut AnyConnection,
    account_id: i64,
    channel_id: i64,
    xchan_hash: &str,
    is_self: bool,
    at: NaiveDateTime,
) -> Result<()> {
    insert_full(
        conn, account_id, channel_id, xchan_hash, is_self, false, "", at,
    )
}

/// Inserts a connection with its state.
#[allow(clippy::too_many_arguments)]
pub fn insert_full(
    conn: &mut AnyConnection,
    account_id: i64,
    channel_id: i64,
    xchan_hash: &str,
    is_self: bool,
    pending: bool,
    role: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(abook::table)
        .values((
            abook::abook_account.eq(account_id),
            abook::abook_channel.eq(channel_id),
            abook::abook_xchan.eq(xchan_hash),
            abook::abook_self.eq(is_self),
            abook::abook_created.eq(at),
            abook::abook_pending.eq(pending),
            abook::abook_role.eq(role),
        ))
        .execute(conn)?;
    Ok(())
}

/// The connection of a channel with an identity.
pub fn find(conn: &mut AnyConnection, channel_id: i64, xchan: &str) -> Result<Option<Abook>> {
    Ok(abook::table
        .filter(abook::abook_channel.eq(channel_id))
        .filter(abook::abook_xchan.eq(xchan))
        .first::<Abook>(conn)
        .optional()?)
}

/// Every connection of a channel (not its self entry), oldest first.
pub fn find_by_channel(conn: &mut AnyConnection, channel_id: i64) -> Result<Vec<Abook>> {
    Ok(abook::table
        .filter(abook::abook_channel.eq(channel_id))
        .filter(abook::abook_self.eq(false))
        .order(abook::abook_id.asc())
        .load::<Abook>(conn)?)
}

/// Every local connection of an identity (which local channels know it).
pub fn find_by_xchan(conn: &mut AnyConnection, xchan: &str) -> Result<Vec<Abook>> {
    Ok(abook::table
        .filter(abook::abook_xchan.eq(xchan))
        .filter(abook::abook_self.eq(false))
        .load::<Abook>(conn)?)
}

/// Sets the state flags of a connection.
pub fn update_state(
    conn: &mut AnyConnection,
    id: i64,
    pending: bool,
    blocked: bool,
    ignored: bool,
    archived: bool,
) -> Result<()> {
    diesel::update(abook::table.find(id))
        .set((
            abook::abook_pending.eq(pending),
            abook::abook_blocked.eq(blocked),
            abook::abook_ignored.eq(ignored),
            abook::abook_archived.eq(archived),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the role a connection's permissions came from.
pub fn update_role(conn: &mut AnyConnection, id: i64, role: &str) -> Result<()> {
    diesel::update(abook::table.find(id))
        .set(abook::abook_role.eq(role))
        .execute(conn)?;
    Ok(())
}

/// Deletes a connection and its settings.
pub fn delete(conn: &mut AnyConnection, channel_id: i64, xchan: &str) -> Result<usize> {
    diesel::delete(
        abconfig::table
            .filter(abconfig::chan.eq(channel_id))
            .filter(abconfig::xchan.eq(xchan)),
    )
    .execute(conn)?;
    Ok(diesel::delete(
        abook::table
            .filter(abook::abook_channel.eq(channel_id))
            .filter(abook::abook_xchan.eq(xchan))
            .filter(abook::abook_self.eq(false)),
    )
    .execute(conn)?)
}

/// Reads one per-connection setting.
pub fn get_config(
    conn: &mut AnyConnection,
    channel_id: i64,
    xchan: &str,
    cat: &str,
    k: &str,
) -> Result<Option<String>> {
    Ok(abconfig::table
        .filter(abconfig::chan.eq(channel_id))
        .filter(abconfig::xchan.eq(xchan))
        .filter(abconfig::cat.eq(cat))
        .filter(abconfig::k.eq(k))
        .select(abconfig::v)
        .first::<String>(conn)
        .optional()?)
}

/// Writes one per-connection setting (update, else insert).
pub fn set_config(
    conn: &mut AnyConnection,
    channel_id: i64,
    xchan: &str,
    cat: &str,
    k: &str,
    v: &str,
) -> Result<()> {
    let n = diesel::update(
        abconfig::table
            .filter(abconfig::chan.eq(channel_id))
            .filter(abconfig::xchan.eq(xchan))
            .filter(abconfig::cat.eq(cat))
            .filter(abconfig::k.eq(k)),
    )
    .set(abconfig::v.eq(v))
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(abconfig::table)
            .values((
                abconfig::chan.eq(channel_id),
                abconfig::xchan.eq(xchan),
                abconfig::cat.eq(cat),
                abconfig::k.eq(k),
                abconfig::v.eq(v),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every per-connection setting of a channel: (xchan, cat, k, v), for the export.
/// The per-connection settings of one connection: (xchan, cat, k, v).
pub fn config_of(
    conn: &mut AnyConnection,
    channel_id: i64,
    xchan: &str,
) -> Result<Vec<(String, String, String, String)>> {
    Ok(abconfig::table
        .filter(abconfig::chan.eq(channel_id))
        .filter(abconfig::xchan.eq(xchan))
        .order(abconfig::id.asc())
        .select((abconfig::xchan, abconfig::cat, abconfig::k, abconfig::v))
        .load(conn)?)
}

pub fn all_config(
    conn: &mut AnyConnection,
    channel_id: i64,
) -> Result<Vec<(String, String, String, String)>> {
    Ok(abconfig::table
        .filter(abconfig::chan.eq(channel_id))
        .order(abconfig::id.asc())
        .select((abconfig::xchan, abconfig::cat, abconfig::k, abconfig::v))
        .load(conn)?)
}
