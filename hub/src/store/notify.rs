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

/// Adds a notification.
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
        .execute(conn)?;
    Ok(())
}

/// The newest notifications of a channel.
pub fn find_by_channel(conn: &mut AnyConnection, uid: i64, limit: i64) -> Result<Vec<Notify>> {
    Ok(notify::table
        .filter(notify::uid.eq(uid))
        .order((notify::created.desc(), notify::id.desc()))
        .limit(limit)
        .load::<Notify>(conn)?)
}
