//! What the client API keeps beside items and notifications: the event feed the streaming API
//! polls (`api_event`), the visibility an app chose for a status (`api_status`), bookmarks,
//! edit history (`item_edit`), timeline markers and idempotency keys.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{
    api_bookmark, api_event, api_idempotency, api_marker, api_status, item, item_edit,
};
use crate::error::Result;

/// Feed kind: an item row was stored (its id is the object).
pub const EVENT_NEW: &str = "new";
/// Feed kind: an item row's text changed.
pub const EVENT_EDITED: &str = "edited";
/// Feed kind: an item row was deleted.
pub const EVENT_DELETED: &str = "deleted";
/// Feed kind: a notification row was stored.
pub const EVENT_NOTIFICATION: &str = "notification";

/// One entry of the feed.
#[derive(Debug, Clone, Queryable)]
pub struct Event {
    /// Feed position.
    pub id: i64,
    /// The channel whose item or notification it is.
    pub uid: i64,
    /// One of the `EVENT_*` kinds.
    pub kind: String,
    /// The item or notification row.
    pub object: i64,
    /// When.
    pub created: NaiveDateTime,
}

/// Appends to the feed (called by the item and notification stores in their transaction).
pub fn record_event(
    conn: &mut AnyConnection,
    uid: i64,
    kind: &str,
    object: i64,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(api_event::table)
        .values((
            api_event::uid.eq(uid),
            api_event::kind.eq(kind),
            api_event::object.eq(object),
            api_event::created.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Feed entries after `after`, in order, at most `limit`.
pub fn events_after(conn: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<Event>> {
    Ok(api_event::table
        .filter(api_event::id.gt(after))
        .order(api_event::id.asc())
        .limit(limit)
        .load::<Event>(conn)?)
}

/// The newest feed position (0 when empty).
pub fn last_event(conn: &mut AnyConnection) -> Result<i64> {
    Ok(api_event::table
        .select(diesel::dsl::max(api_event::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// Drops feed entries older than `before`.
pub fn prune_events(conn: &mut AnyConnection, before: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(api_event::table.filter(api_event::created.lt(before))).execute(conn)?)
}

/// What an app chose for a status beyond its access list.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = api_status)]
pub struct StatusMeta {
    /// The item row.
    pub item_id: i64,
    /// `public`, `unlisted`, `private` or `direct`.
    pub visibility: String,
    /// Content warning.
    pub spoiler_text: String,
    /// Marked sensitive.
    pub sensitive: bool,
    /// ISO 639 language, or empty.
    pub language: String,
}

/// Stores a status's API metadata.
pub fn insert_status_meta(conn: &mut AnyConnection, meta: &StatusMeta) -> Result<()> {
    diesel::insert_into(api_status::table)
        .values(meta)
        .execute(conn)?;
    Ok(())
}

/// A status's API metadata, when it was posted through the API.
pub fn find_status_meta(conn: &mut AnyConnection, item_id: i64) -> Result<Option<StatusMeta>> {
    Ok(api_status::table
        .find(item_id)
        .first::<StatusMeta>(conn)
        .optional()?)
}

/// Bookmarks an item for a channel (idempotent).
pub fn insert_bookmark(
    conn: &mut AnyConnection,
    uid: i64,
    item_id: i64,
    at: NaiveDateTime,
) -> Result<()> {
    if is_bookmarked(conn, uid, item_id)? {
        return Ok(());
    }
    diesel::insert_into(api_bookmark::table)
        .values((
            api_bookmark::uid.eq(uid),
            api_bookmark::item_id.eq(item_id),
            api_bookmark::created.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a bookmark.
pub fn delete_bookmark(conn: &mut AnyConnection, uid: i64, item_id: i64) -> Result<()> {
    diesel::delete(api_bookmark::table.find((uid, item_id))).execute(conn)?;
    Ok(())
}

/// Whether a channel bookmarked an item.
pub fn is_bookmarked(conn: &mut AnyConnection, uid: i64, item_id: i64) -> Result<bool> {
    Ok(api_bookmark::table
        .find((uid, item_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// A channel's bookmarked item rows (ids below `max` when it is non-zero), newest first.
pub fn bookmarks(conn: &mut AnyConnection, uid: i64, max: i64, limit: i64) -> Result<Vec<i64>> {
    let mut q = api_bookmark::table
        .filter(api_bookmark::uid.eq(uid))
        .select(api_bookmark::item_id)
        .into_boxed();
    if max > 0 {
        q = q.filter(api_bookmark::item_id.lt(max));
    }
    Ok(q.order(api_bookmark::item_id.desc())
        .limit(limit)
        .load(conn)?)
}

/// One earlier version of an item.
#[derive(Debug, Clone, Queryable)]
pub struct Edit {
    /// Row id.
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// Its text then.
    pub body: String,
    /// Its HTML then.
    pub html: String,
    /// When that version was written.
    pub edited: NaiveDateTime,
}

/// Keeps the version an edit replaces.
pub fn insert_edit(
    conn: &mut AnyConnection,
    item_id: i64,
    body: &str,
    html: &str,
    edited: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(item_edit::table)
        .values((
            item_edit::item_id.eq(item_id),
            item_edit::body.eq(body),
            item_edit::html.eq(html),
            item_edit::edited.eq(edited),
        ))
        .execute(conn)?;
    Ok(())
}

/// An item's earlier versions, oldest first.
pub fn edits(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<Edit>> {
    Ok(item_edit::table
        .filter(item_edit::item_id.eq(item_id))
        .order(item_edit::id.asc())
        .load::<Edit>(conn)?)
}

/// A timeline marker.
#[derive(Debug, Clone, Queryable)]
pub struct Marker {
    /// The channel.
    pub uid: i64,
    /// `home` or `notifications`.
    pub timeline: String,
    /// The last id read.
    pub last_read_id: String,
    /// Bumped on every change.
    pub version: i64,
    /// When it changed.
    pub updated: NaiveDateTime,
}

/// A channel's markers.
pub fn markers(conn: &mut AnyConnection, uid: i64) -> Result<Vec<Marker>> {
    Ok(api_marker::table
        .filter(api_marker::uid.eq(uid))
        .load::<Marker>(conn)?)
}

/// Sets a marker (creating it at version 1, else bumping its version).
pub fn set_marker(
    conn: &mut AnyConnection,
    uid: i64,
    timeline: &str,
    last_read_id: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let n = diesel::update(api_marker::table.find((uid, timeline)))
        .set((
            api_marker::last_read_id.eq(last_read_id),
            api_marker::version.eq(api_marker::version + 1),
            api_marker::updated.eq(at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(api_marker::table)
            .values((
                api_marker::uid.eq(uid),
                api_marker::timeline.eq(timeline),
                api_marker::last_read_id.eq(last_read_id),
                api_marker::version.eq(1),
                api_marker::updated.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The item an idempotency key already produced for a channel, if it is younger than `since`.
pub fn find_idempotent(
    conn: &mut AnyConnection,
    uid: i64,
    key: &str,
    since: NaiveDateTime,
) -> Result<Option<i64>> {
    Ok(api_idempotency::table
        .filter(api_idempotency::uid.eq(uid))
        .filter(api_idempotency::idem_key.eq(key))
        .filter(api_idempotency::created.ge(since))
        .select(api_idempotency::item_id)
        .first::<i64>(conn)
        .optional()?)
}

/// Remembers what an idempotency key produced (replacing an expired entry).
pub fn insert_idempotent(
    conn: &mut AnyConnection,
    uid: i64,
    key: &str,
    item_id: i64,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::delete(api_idempotency::table.find((uid, key))).execute(conn)?;
    diesel::insert_into(api_idempotency::table)
        .values((
            api_idempotency::uid.eq(uid),
            api_idempotency::idem_key.eq(key),
            api_idempotency::item_id.eq(item_id),
            api_idempotency::created.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which rows the API's timelines take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeline {
    /// A channel's stream: every live top post and reply it holds.
    Home(i64),
    /// Live top posts held on this hub, one row per message (the lowest id): `local` only
    /// those written here.
    Public {
        /// Only posts written on this hub.
        local: bool,
    },
}

/// Id bounds of a page (exclusive; 0 means unbounded) and its direction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    /// Rows with ids above this.
    pub since: i64,
    /// Rows with ids below this (0: no bound).
    pub max: i64,
    /// Take the rows just above `since` (a `min_id` page) instead of the newest.
    pub oldest_first: bool,
}

/// One page of a timeline's item rows: not deleted, `Create` only (no likes), with body text
/// containing `text` when given (hashtags), newest first (or oldest first for `min_id`
/// pages), at most `limit`. The caller decides, row by row, what the viewer may see.
pub fn timeline(
    conn: &mut AnyConnection,
    which: Timeline,
    text: Option<&str>,
    bounds: Bounds,
    limit: i64,
) -> Result<Vec<super::item::Item>> {
    let mut q = item::table
        .filter(item::item_deleted.eq(false))
        .filter(item::verb.eq("Create"))
        .filter(item::id.gt(bounds.since))
        .into_boxed();
    if bounds.max > 0 {
        q = q.filter(item::id.lt(bounds.max));
    }
    match which {
        Timeline::Home(uid) => q = q.filter(item::uid.eq(uid)),
        Timeline::Public { local } => {
            q = q
                .filter(item::thr_parent.eq(""))
                .filter(item::item_private.eq(false));
            if local {
                q = q.filter(item::item_origin.eq(true));
            }
        }
    }
    if let Some(t) = text {
        q = q.filter(item::body.like(format!("%{t}%")));
    }
    q = if bounds.oldest_first {
        q.order(item::id.asc())
    } else {
        q.order(item::id.desc())
    };
    Ok(q.limit(limit).load::<super::item::Item>(conn)?)
}

/// The first row (lowest id) of a message on this hub, the one the public timeline shows.
pub fn first_copy(conn: &mut AnyConnection, mid: &str) -> Result<Option<i64>> {
    Ok(item::table
        .filter(item::mid.eq(mid))
        .select(diesel::dsl::min(item::id))
        .first::<Option<i64>>(conn)?)
}

/// How many live top posts a channel has on its wall, and when the newest was written.
pub fn wall_summary(
    conn: &mut AnyConnection,
    uid: i64,
    owner: &str,
) -> Result<(i64, Option<NaiveDateTime>)> {
    let base = || {
        item::table
            .filter(item::uid.eq(uid))
            .filter(item::owner_xchan.eq(owner.to_string()))
            .filter(item::author_xchan.eq(owner.to_string()))
            .filter(item::thr_parent.eq(""))
            .filter(item::item_deleted.eq(false))
    };
    let count = base().count().get_result::<i64>(conn)?;
    let last = base()
        .select(diesel::dsl::max(item::created))
        .first::<Option<NaiveDateTime>>(conn)?;
    Ok((count, last))
}

/// The live responses (comments and likes) to one message in a channel's copy of its thread.
pub fn responses(conn: &mut AnyConnection, uid: i64, mid: &str) -> Result<Vec<super::item::Item>> {
    Ok(item::table
        .filter(item::uid.eq(uid))
        .filter(item::thr_parent.eq(mid))
        .filter(item::item_deleted.eq(false))
        .order(item::id.asc())
        .load::<super::item::Item>(conn)?)
}

/// A channel's wall (top posts it owns and wrote) or what it holds from one author, as
/// timeline rows within `bounds`, newest first (oldest first for `min_id` pages).
pub fn by_author(
    conn: &mut AnyConnection,
    uid: i64,
    author: &str,
    bounds: Bounds,
    limit: i64,
) -> Result<Vec<super::item::Item>> {
    let mut q = item::table
        .filter(item::uid.eq(uid))
        .filter(item::author_xchan.eq(author.to_string()))
        .filter(item::item_deleted.eq(false))
        .filter(item::verb.eq("Create"))
        .filter(item::id.gt(bounds.since))
        .into_boxed();
    if bounds.max > 0 {
        q = q.filter(item::id.lt(bounds.max));
    }
    q = if bounds.oldest_first {
        q.order(item::id.asc())
    } else {
        q.order(item::id.desc())
    };
    Ok(q.limit(limit).load::<super::item::Item>(conn)?)
}

/// Feed entries with these ids (late commits the poller is still waiting for).
pub fn events_in(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Event>> {
    Ok(api_event::table
        .filter(api_event::id.eq_any(ids.to_vec()))
        .order(api_event::id.asc())
        .load::<Event>(conn)?)
}

/// Live channels of this hub whose nick or name contains `needle` (lowercase), at most `limit`.
pub fn channels_matching(
    conn: &mut AnyConnection,
    needle: &str,
    limit: i64,
) -> Result<Vec<super::channel::Channel>> {
    use super::schema::channel;
    let pattern = format!("%{}%", needle.replace(['%', '_'], ""));
    Ok(channel::table
        .filter(channel::channel_removed.eq(false))
        .filter(
            channel::channel_address
                .like(pattern.clone())
                .or(channel::channel_name.like(pattern)),
        )
        .order(channel::channel_id.asc())
        .limit(limit)
        .load::<super::channel::Channel>(conn)?)
}
