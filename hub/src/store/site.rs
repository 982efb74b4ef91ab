//! Site-wide rows: the `config` key/value table (Hubzilla's `get_config`/`set_config`) and the
//! `site` table of known hubs, including this one.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{config, site};
use crate::error::Result;

/// Reads a site setting.
pub fn get_config(conn: &mut AnyConnection, cat: &str, k: &str) -> Result<Option<String>> {
    Ok(config::table
        .filter(config::cat.eq(cat))
        .filter(config::k.eq(k))
        .select(config::v)
        .first::<String>(conn)
        .optional()?)
}

/// Writes a site setting (update, or insert when absent; call inside a transaction).
pub fn set_config(conn: &mut AnyConnection, cat: &str, k: &str, v: &str) -> Result<()> {
    let updated = diesel::update(
        config::table
            .filter(config::cat.eq(cat))
            .filter(config::k.eq(k)),
    )
    .set(config::v.eq(v))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(config::table)
            .values((config::cat.eq(cat), config::k.eq(k), config::v.eq(v)))
            .execute(conn)?;
    }
    Ok(())
}

/// A known hub.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = site)]
pub struct Site {
    /// Base URL (`z_root()`).
    pub site_url: String,
    /// whirlpool(url . sitekey).
    pub site_id: String,
    /// SPKI PEM of the site key.
    pub site_sitekey: String,
    /// Envelope algorithms it accepts, comma separated.
    pub site_crypto: String,
    /// Software project name.
    pub site_project: String,
    /// Software version.
    pub site_version: String,
    /// Marked dead after long silence.
    pub site_dead: bool,
    /// Last update of this row.
    pub site_update: NaiveDateTime,
}

/// Inserts or replaces the row of a site.
pub fn upsert_site(conn: &mut AnyConnection, row: &Site) -> Result<()> {
    let updated = diesel::update(site::table.find(&row.site_url))
        .set((
            site::site_id.eq(&row.site_id),
            site::site_sitekey.eq(&row.site_sitekey),
            site::site_crypto.eq(&row.site_crypto),
            site::site_project.eq(&row.site_project),
            site::site_version.eq(&row.site_version),
            site::site_dead.eq(row.site_dead),
            site::site_update.eq(row.site_update),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(site::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Finds a site by URL.
pub fn find_site(conn: &mut AnyConnection, url: &str) -> Result<Option<Site>> {
    Ok(site::table.find(url).first::<Site>(conn).optional()?)
}
