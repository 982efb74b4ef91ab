//! Locations of channels (`hubloc` table): one row per hub a portable id lives on.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::hubloc;
use crate::error::Result;

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
pub fn insert(conn: &mut AnyConnection, row: &NewHubloc) -> Result<()> {
    diesel::insert_into(hubloc::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Number of live locations of a portable id.
pub fn count_live(conn: &mut AnyConnection, hash: &str) -> Result<i64> {
    Ok(hubloc::table
        .filter(hubloc::hubloc_hash.eq(hash))
        .filter(hubloc::hubloc_deleted.eq(false))
        .count()
        .get_result(conn)?)
}

/// A location row.
#[derive(Debug, Clone, Queryable)]
pub struct Hubloc {
    /// Row id.
    pub hubloc_id: i64,
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
    /// Signature of the base URL by the channel key.
    pub hubloc_url_sig: String,
    /// Site id.
    pub hubloc_site_id: String,
    /// Host.
    pub hubloc_host: String,
    /// Zot endpoint.
    pub hubloc_callback: String,
    /// Site key PEM.
    pub hubloc_sitekey: String,
    /// Network.
    pub hubloc_network: String,
    /// Primary location.
    pub hubloc_primary: bool,
    /// Deleted.
    pub hubloc_deleted: bool,
    /// Last update.
    pub hubloc_updated: NaiveDateTime,
}

/// The live locations of a portable id, primary first.
pub fn find_by_hash(conn: &mut AnyConnection, hash: &str) -> Result<Vec<Hubloc>> {
    Ok(hubloc::table
        .filter(hubloc::hubloc_hash.eq(hash))
        .filter(hubloc::hubloc_deleted.eq(false))
        .order((hubloc::hubloc_primary.desc(), hubloc::hubloc_id.asc()))
        .load::<Hubloc>(conn)?)
}

/// The live location with this channel URL (an HTTP signature's keyId).
pub fn find_by_id_url(conn: &mut AnyConnection, id_url: &str) -> Result<Option<Hubloc>> {
    Ok(hubloc::table
        .filter(hubloc::hubloc_id_url.eq(id_url))
        .filter(hubloc::hubloc_deleted.eq(false))
        .order(hubloc::hubloc_id.desc())
        .first::<Hubloc>(conn)
        .optional()?)
}

/// The live location with this address (`nick@host`).
pub fn find_by_addr(conn: &mut AnyConnection, addr: &str) -> Result<Option<Hubloc>> {
    Ok(hubloc::table
        .filter(hubloc::hubloc_addr.eq(addr))
        .filter(hubloc::hubloc_deleted.eq(false))
        .order(hubloc::hubloc_id.desc())
        .first::<Hubloc>(conn)
        .optional()?)
}

/// The live location of a portable id at a site.
pub fn find_by_hash_and_site(
    conn: &mut AnyConnection,
    hash: &str,
    site_id: &str,
) -> Result<Option<Hubloc>> {
    Ok(hubloc::table
        .filter(hubloc::hubloc_hash.eq(hash))
        .filter(hubloc::hubloc_site_id.eq(site_id))
        .filter(hubloc::hubloc_deleted.eq(false))
        .first::<Hubloc>(conn)
        .optional()?)
}

/// Replaces the stored fields of a location (rediscovered).
pub fn update(conn: &mut AnyConnection, id: i64, row: &NewHubloc) -> Result<()> {
    diesel::update(hubloc::table.find(id))
        .set((
            hubloc::hubloc_addr.eq(&row.hubloc_addr),
            hubloc::hubloc_id_url.eq(&row.hubloc_id_url),
            hubloc::hubloc_url_sig.eq(&row.hubloc_url_sig),
            hubloc::hubloc_host.eq(&row.hubloc_host),
            hubloc::hubloc_callback.eq(&row.hubloc_callback),
            hubloc::hubloc_sitekey.eq(&row.hubloc_sitekey),
            hubloc::hubloc_primary.eq(row.hubloc_primary),
            hubloc::hubloc_updated.eq(row.hubloc_updated),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks locations deleted: those of `hash` not in `keep` (ids), or, with `url`, those on that
/// hub URL with another site id (a re-installed hub, zot6.md §6.6).
pub fn mark_deleted_except(conn: &mut AnyConnection, hash: &str, keep: &[i64]) -> Result<usize> {
    Ok(diesel::update(
        hubloc::table
            .filter(hubloc::hubloc_hash.eq(hash))
            .filter(hubloc::hubloc_id.ne_all(keep.to_vec()))
            .filter(hubloc::hubloc_deleted.eq(false)),
    )
    .set(hubloc::hubloc_deleted.eq(true))
    .execute(conn)?)
}

/// Marks deleted every live location on hub `url` whose site id is not `site_id`.
pub fn mark_reinstalled(conn: &mut AnyConnection, url: &str, site_id: &str) -> Result<usize> {
    Ok(diesel::update(
        hubloc::table
            .filter(hubloc::hubloc_url.eq(url))
            .filter(hubloc::hubloc_site_id.ne(site_id))
            .filter(hubloc::hubloc_deleted.eq(false)),
    )
    .set(hubloc::hubloc_deleted.eq(true))
    .execute(conn)?)
}

/// The site key named by a live location with this Zot endpoint.
pub fn sitekey_of_callback(conn: &mut AnyConnection, callback: &str) -> Result<Option<String>> {
    Ok(hubloc::table
        .filter(hubloc::hubloc_callback.eq(callback))
        .filter(hubloc::hubloc_deleted.eq(false))
        .select(hubloc::hubloc_sitekey)
        .first::<String>(conn)
        .optional()?)
}

/// Makes the location of `hash` at `site_id` its only primary.
pub fn set_primary(conn: &mut AnyConnection, hash: &str, site_id: &str) -> Result<usize> {
    diesel::update(hubloc::table.filter(hubloc::hubloc_hash.eq(hash)))
        .set(hubloc::hubloc_primary.eq(false))
        .execute(conn)?;
    Ok(diesel::update(
        hubloc::table
            .filter(hubloc::hubloc_hash.eq(hash))
            .filter(hubloc::hubloc_site_id.eq(site_id)),
    )
    .set(hubloc::hubloc_primary.eq(true))
    .execute(conn)?)
}

/// Marks the location of `hash` at `site_id` deleted (dropped); returns how many.
pub fn mark_deleted_at(conn: &mut AnyConnection, hash: &str, site_id: &str) -> Result<usize> {
    Ok(diesel::update(
        hubloc::table
            .filter(hubloc::hubloc_hash.eq(hash))
            .filter(hubloc::hubloc_site_id.eq(site_id))
            .filter(hubloc::hubloc_deleted.eq(false)),
    )
    .set((
        hubloc::hubloc_deleted.eq(true),
        hubloc::hubloc_primary.eq(false),
    ))
    .execute(conn)?)
}

/// Forgets every location row of `hash` at `site_id`, deleted or not (before it is
/// written again by a re-import).
pub fn purge_at(conn: &mut AnyConnection, hash: &str, site_id: &str) -> Result<usize> {
    Ok(diesel::delete(
        hubloc::table
            .filter(hubloc::hubloc_hash.eq(hash))
            .filter(hubloc::hubloc_site_id.eq(site_id)),
    )
    .execute(conn)?)
}
