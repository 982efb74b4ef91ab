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
