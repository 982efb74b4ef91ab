//! Per-channel settings (`pconfig` table: channel, category, key, value).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::pconfig;
use crate::error::Result;

/// Writes a per-channel setting.
pub fn set(conn: &mut AnyConnection, uid: i64, cat: &str, k: &str, v: &str) -> Result<()> {
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
pub fn get(conn: &mut AnyConnection, uid: i64, cat: &str, k: &str) -> Result<Option<String>> {
    Ok(pconfig::table
        .filter(pconfig::uid.eq(uid))
        .filter(pconfig::cat.eq(cat))
        .filter(pconfig::k.eq(k))
        .select(pconfig::v)
        .first::<String>(conn)
        .optional()?)
}

/// Every setting of a channel in one category: (k, v), in one query.
pub fn category(conn: &mut AnyConnection, uid: i64, cat: &str) -> Result<Vec<(String, String)>> {
    Ok(pconfig::table
        .filter(pconfig::uid.eq(uid))
        .filter(pconfig::cat.eq(cat))
        .select((pconfig::k, pconfig::v))
        .load(conn)?)
}

/// Every setting of a channel: (cat, k, v), for the export.
pub fn all(conn: &mut AnyConnection, uid: i64) -> Result<Vec<(String, String, String)>> {
    Ok(pconfig::table
        .filter(pconfig::uid.eq(uid))
        .order((pconfig::cat.asc(), pconfig::k.asc()))
        .select((pconfig::cat, pconfig::k, pconfig::v))
        .load(conn)?)
}
