//! Notifications of a channel (`notify` table): connection requests, comments, likes,
//! mentions, newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::notify;
use crate::error::Result;

/// A notification.
#[derive(Debug, Clone, Queryable)]
pub struct Notify {
    /// Row id.
    pub id: i64,
    /// The channel notified.
    pub uid: i64,
    /// `request`, `comment`, `like`, `mention`.
    pub ntype: String,
    /// Who caused it.
    pub xchan: String,
    /// Where to look (an item permalink or a page).
    pub link: String,
    /// A short text.
    pub msg: String,
    /// When.
    pub created: NaiveDateTime,
    /// Seen by the owner.
    pub seen: bool,
}

/// Adds a notification (the streaming feed hears of it in the same transaction).
pub fn insert(
    conn: &mut AnyConnection,
    uid: i64,
    ntype: &str,
    xchan: &str,
    link: &str,
    msg: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(notify::table)
        .values((
            notify::uid.eq(uid),
            notify::ntype.eq(ntype),
            notify::xchan.eq(xchan),
            notify::link.eq(link),
            notify::msg.eq(msg),
            notify::created.eq(at),
        ))
        .returning(notify::id)
        .get_result::<i64>(conn)
        .map_err(crate::error::Error::from)
        .and_then(|id| super::api::record_event(conn, uid, super::api::EVENT_NOTIFICATION, id, at))
}

/// The newest notifications of a channel.
pub fn find_by_channel(conn: &mut AnyConnection, uid: i64, limit: i64) -> Result<Vec<Notify>> {
    Ok(notify::table
        .filter(notify::uid.eq(uid))
        .order((notify::created.desc(), notify::id.desc()))
        .limit(limit)
        .load::<Notify>(conn)?)
}

/// A channel's notifications in id order within `(since, max)` (exclusive bounds; 0 means
/// none), newest first unless `oldest_first` (a `min_id` page), at most `limit`.
pub fn find_page(
    conn: &mut AnyConnection,
    uid: i64,
    since: i64,
    max: i64,
    oldest_first: bool,
    limit: i64,
) -> Result<Vec<Notify>> {
    let mut q = notify::table
        .filter(notify::uid.eq(uid))
        .filter(notify::id.gt(since))
        .into_boxed();
    if max > 0 {
        q = q.filter(notify::id.lt(max));
    }
    q = if oldest_first {
        q.order(notify::id.asc())
    } else {
        q.order(notify::id.desc())
    };
    Ok(q.limit(limit).load::<Notify>(conn)?)
}

/// One notification of a channel.
pub fn find(conn: &mut AnyConnection, uid: i64, id: i64) -> Result<Option<Notify>> {
    Ok(notify::table
        .filter(notify::uid.eq(uid))
        .filter(notify::id.eq(id))
        .first::<Notify>(conn)
        .optional()?)
}

/// Deletes one notification of a channel (dismiss); returns how many rows went.
pub fn delete(conn: &mut AnyConnection, uid: i64, id: i64) -> Result<usize> {
    Ok(diesel::delete(
        notify::table
            .filter(notify::uid.eq(uid))
            .filter(notify::id.eq(id)),
    )
    .execute(conn)?)
}

/// Deletes every notification of a channel (clear).
pub fn delete_all(conn: &mut AnyConnection, uid: i64) -> Result<usize> {
    Ok(diesel::delete(notify::table.filter(notify::uid.eq(uid))).execute(conn)?)
}

/// How many of a channel's notifications the owner has not seen.
pub fn count_unseen(conn: &mut AnyConnection, uid: i64) -> Result<i64> {
    Ok(notify::table
        .filter(notify::uid.eq(uid))
        .filter(notify::seen.eq(false))
        .count()
        .get_result(conn)?)
}

/// Marks every notification of a channel seen.
pub fn mark_all_seen(conn: &mut AnyConnection, uid: i64) -> Result<usize> {
    Ok(diesel::update(
        notify::table
            .filter(notify::uid.eq(uid))
            .filter(notify::seen.eq(false)),
    )
    .set(notify::seen.eq(true))
    .execute(conn)?)
}
