//! The change log of each channel (`changelog`): one row per change, numbered per (channel,
//! origin location), whether made here or received from another location.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::changelog;
use crate::error::Result;

/// A change.
#[derive(Debug, Clone, Queryable)]
pub struct Change {
    /// Row id.
    pub id: i64,
    /// The channel.
    pub uid: i64,
    /// The site id of the location where it was made.
    pub origin: String,
    /// Its number at that location.
    pub seq: i64,
    /// What changed (`item`, `profile`, …).
    pub kind: String,
    /// Which object (an item's message id, …).
    pub obj: String,
    /// Hybrid logical clock (microseconds, bumped past the last one).
    pub hlc: i64,
    /// The object's new state (JSON).
    pub body: String,
    /// When it was recorded here.
    pub created: NaiveDateTime,
}

/// Records a change.
#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &mut AnyConnection,
    uid: i64,
    origin: &str,
    seq: i64,
    kind: &str,
    obj: &str,
    hlc: i64,
    body: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(changelog::table)
        .values((
            changelog::uid.eq(uid),
            changelog::origin.eq(origin),
            changelog::seq.eq(seq),
            changelog::kind.eq(kind),
            changelog::obj.eq(obj),
            changelog::hlc.eq(hlc),
            changelog::body.eq(body),
            changelog::created.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The highest number recorded from `origin` for a channel (0: none).
pub fn last_seq(conn: &mut AnyConnection, uid: i64, origin: &str) -> Result<i64> {
    Ok(changelog::table
        .filter(changelog::uid.eq(uid))
        .filter(changelog::origin.eq(origin))
        .select(diesel::dsl::max(changelog::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// The highest clock value recorded for a channel (0: none).
pub fn last_hlc(conn: &mut AnyConnection, uid: i64) -> Result<i64> {
    Ok(changelog::table
        .filter(changelog::uid.eq(uid))
        .select(diesel::dsl::max(changelog::hlc))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// Whether a change (origin, number) is recorded.
pub fn exists(conn: &mut AnyConnection, uid: i64, origin: &str, seq: i64) -> Result<bool> {
    let n: i64 = changelog::table
        .filter(changelog::uid.eq(uid))
        .filter(changelog::origin.eq(origin))
        .filter(changelog::seq.eq(seq))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The newest recorded change of one object: (clock, origin).
pub fn latest_of(
    conn: &mut AnyConnection,
    uid: i64,
    kind: &str,
    obj: &str,
) -> Result<Option<(i64, String)>> {
    Ok(changelog::table
        .filter(changelog::uid.eq(uid))
        .filter(changelog::kind.eq(kind))
        .filter(changelog::obj.eq(obj))
        .order((changelog::hlc.desc(), changelog::origin.desc()))
        .select((changelog::hlc, changelog::origin))
        .first(conn)
        .optional()?)
}

/// Per origin: the highest number and how many changes (cursors and counts).
pub fn cursors(conn: &mut AnyConnection, uid: i64) -> Result<Vec<(String, i64, i64)>> {
    let rows: Vec<(String, Option<i64>, i64)> = changelog::table
        .filter(changelog::uid.eq(uid))
        .group_by(changelog::origin)
        .select((
            changelog::origin,
            diesel::dsl::max(changelog::seq),
            diesel::dsl::count(changelog::id),
        ))
        .order(changelog::origin.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(o, m, n)| (o, m.unwrap_or(0), n))
        .collect())
}

/// The objects of one kind the log names for a channel (each once).
pub fn objects(conn: &mut AnyConnection, uid: i64, kind: &str) -> Result<Vec<String>> {
    Ok(changelog::table
        .filter(changelog::uid.eq(uid))
        .filter(changelog::kind.eq(kind))
        .select(changelog::obj)
        .distinct()
        .load(conn)?)
}

/// A channel's changes with ids above `after`, in id order, at most `limit` (the export).
pub fn page_by_id(
    conn: &mut AnyConnection,
    uid: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<Change>> {
    Ok(changelog::table
        .filter(changelog::uid.eq(uid))
        .filter(changelog::id.gt(after))
        .order(changelog::id.asc())
        .limit(limit)
        .load::<Change>(conn)?)
}
