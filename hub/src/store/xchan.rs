//! Public identities (`xchan` table), local or remote, keyed by portable id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::xchan;
use crate::error::Result;

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
pub fn insert(conn: &mut AnyConnection, row: &Xchan) -> Result<()> {
    diesel::insert_into(xchan::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Finds an xchan by portable id.
pub fn find(conn: &mut AnyConnection, hash: &str) -> Result<Option<Xchan>> {
    Ok(xchan::table.find(hash).first::<Xchan>(conn).optional()?)
}

/// Renames an xchan.
pub fn update_name(
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

/// Inserts or replaces an xchan (a rediscovered identity).
pub fn upsert(conn: &mut AnyConnection, row: &Xchan) -> Result<()> {
    let n = diesel::update(xchan::table.find(&row.xchan_hash))
        .set((
            xchan::xchan_addr.eq(&row.xchan_addr),
            xchan::xchan_url.eq(&row.xchan_url),
            xchan::xchan_name.eq(&row.xchan_name),
            xchan::xchan_epubkey.eq(&row.xchan_epubkey),
            xchan::xchan_name_date.eq(row.xchan_name_date),
            xchan::xchan_deleted.eq(row.xchan_deleted),
        ))
        .execute(conn)?;
    if n == 0 {
        insert(conn, row)?;
    }
    Ok(())
}

/// Finds an identity by address (`nick@host`).
pub fn find_by_addr(conn: &mut AnyConnection, addr: &str) -> Result<Option<Xchan>> {
    Ok(xchan::table
        .filter(xchan::xchan_addr.eq(addr))
        .first::<Xchan>(conn)
        .optional()?)
}

/// Points an identity at its (new) primary location: its address and channel URL there.
pub fn set_primary_location(
    conn: &mut AnyConnection,
    hash: &str,
    addr: &str,
    url: &str,
) -> Result<()> {
    diesel::update(xchan::table.find(hash))
        .set((xchan::xchan_addr.eq(addr), xchan::xchan_url.eq(url)))
        .execute(conn)?;
    Ok(())
}
