//! Identity images (`photo` table: the encoded sizes of a channel's photo and its cover, by
//! portable id) and what remote channels advertise as their photo (`xchan_photo`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{photo, xchan_photo};
use crate::error::Result;

/// One stored image of an identity.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = photo)]
pub struct Photo {
    /// Portable id.
    pub xchan_hash: String,
    /// `l`, `m`, `s` or `cover`.
    pub kind: String,
    /// The encoded image's blob.
    pub blob: String,
    /// Its media type.
    pub mimetype: String,
    /// Pixels across.
    pub width: i64,
    /// Pixels down.
    pub height: i64,
    /// When it changed.
    pub updated: NaiveDateTime,
}

/// A remote channel's advertised photo.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = xchan_photo)]
pub struct XchanPhoto {
    /// Portable id.
    pub xchan_hash: String,
    /// Where its hub serves the 300px photo.
    pub url: String,
    /// Its advertised type.
    pub mimetype: String,
    /// `updated` as advertised.
    pub advertised: String,
    /// The `updated` our copy was made from (empty: none).
    pub fetched: String,
    /// When the advertisement was last read.
    pub checked: NaiveDateTime,
}

/// One image of an identity.
pub fn find(conn: &mut AnyConnection, hash: &str, kind: &str) -> Result<Option<Photo>> {
    Ok(photo::table
        .find((hash, kind))
        .first::<Photo>(conn)
        .optional()?)
}

/// Every image of an identity.
pub fn find_all(conn: &mut AnyConnection, hash: &str) -> Result<Vec<Photo>> {
    Ok(photo::table
        .filter(photo::xchan_hash.eq(hash))
        .load::<Photo>(conn)?)
}

/// When each of these identities' `kind` image changed (those that have one).
pub fn updated_of(
    conn: &mut AnyConnection,
    hashes: &[String],
    kind: &str,
) -> Result<Vec<(String, NaiveDateTime)>> {
    Ok(photo::table
        .filter(photo::xchan_hash.eq_any(hashes))
        .filter(photo::kind.eq(kind))
        .select((photo::xchan_hash, photo::updated))
        .load(conn)?)
}

/// Stores an image in place of the one of the same kind; returns the blob it replaced.
pub fn replace(conn: &mut AnyConnection, row: &Photo) -> Result<Option<String>> {
    let old = find(conn, &row.xchan_hash, &row.kind)?;
    diesel::delete(photo::table.find((&row.xchan_hash, &row.kind))).execute(conn)?;
    diesel::insert_into(photo::table)
        .values(row)
        .execute(conn)?;
    Ok(old.map(|o| o.blob))
}

/// Whether any image uses `blob`.
pub fn blob_in_use(conn: &mut AnyConnection, blob: &str) -> Result<bool> {
    let n = photo::table
        .filter(photo::blob.eq(blob))
        .count()
        .get_result::<i64>(conn)?;
    Ok(n > 0)
}

/// A remote channel's advertised photo.
pub fn find_advertised(conn: &mut AnyConnection, hash: &str) -> Result<Option<XchanPhoto>> {
    Ok(xchan_photo::table
        .find(hash)
        .first::<XchanPhoto>(conn)
        .optional()?)
}

/// Records what a remote channel advertises (keeping what our copy was made from).
pub fn upsert_advertised(conn: &mut AnyConnection, row: &XchanPhoto) -> Result<()> {
    let n = diesel::update(xchan_photo::table.find(&row.xchan_hash))
        .set((
            xchan_photo::url.eq(&row.url),
            xchan_photo::mimetype.eq(&row.mimetype),
            xchan_photo::advertised.eq(&row.advertised),
            xchan_photo::checked.eq(row.checked),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(xchan_photo::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Notes that our copy of a remote photo was made from the advertisement of `updated`.
pub fn set_fetched(conn: &mut AnyConnection, hash: &str, updated: &str) -> Result<()> {
    diesel::update(xchan_photo::table.find(hash))
        .set(xchan_photo::fetched.eq(updated))
        .execute(conn)?;
    Ok(())
}
