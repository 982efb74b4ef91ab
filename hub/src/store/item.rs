//! Items: posts and (later) comments, likes and everything else that travels as an activity.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::item;
use crate::error::Result;

/// An item row.
#[derive(Debug, Clone, Queryable)]
pub struct Item {
    /// Row id.
    pub id: i64,
    /// Local uuid (permalink `/item/{uuid}`).
    pub uuid: String,
    /// Message id (URL), global.
    pub mid: String,
    /// Message id of the thread's top post (itself for a top post).
    pub parent_mid: String,
    /// Channel that holds this copy.
    pub uid: i64,
    /// Author's portable id.
    pub author_xchan: String,
    /// Thread owner's portable id.
    pub owner_xchan: String,
    /// Title (articles).
    pub title: String,
    /// Source text as written.
    pub body: String,
    /// Sanitised HTML rendering of `body`.
    pub html: String,
    /// Source format.
    pub mimetype: String,
    /// Creation time.
    pub created: NaiveDateTime,
    /// Last edit.
    pub edited: NaiveDateTime,
    /// Restricted audience.
    pub item_private: bool,
    /// Deleted.
    pub item_deleted: bool,
    /// Activity verb (`Create`, `Like`, `Dislike`).
    pub verb: String,
    /// The message id this one answers directly (empty for a top post).
    pub thr_parent: String,
    /// Created on this hub (not received).
    pub item_origin: bool,
    /// Relay hops (comma list of portable ids) a received comment travelled.
    pub route: String,
    /// The JSalmon-signed activity as received or sent, for relaying unchanged.
    pub signed_data: String,
    /// Access list: identities allowed (`<id><id>`); read only by `service::perms`.
    pub allow_cid: String,
    /// Access list: privacy groups allowed.
    pub allow_gid: String,
    /// Access list: identities refused.
    pub deny_cid: String,
    /// Access list: privacy groups refused.
    pub deny_gid: String,
}

/// A new item.
#[derive(Debug, Insertable)]
#[diesel(table_name = item)]
pub struct NewItem<'a> {
    /// uuid.
    pub uuid: &'a str,
    /// Message id.
    pub mid: &'a str,
    /// Thread top message id.
    pub parent_mid: &'a str,
    /// Holding channel.
    pub uid: i64,
    /// Author.
    pub author_xchan: &'a str,
    /// Owner.
    pub owner_xchan: &'a str,
    /// Title.
    pub title: &'a str,
    /// Source text.
    pub body: &'a str,
    /// Sanitised HTML.
    pub html: &'a str,
    /// Source format.
    pub mimetype: &'a str,
    /// Created.
    pub created: NaiveDateTime,
    /// Edited.
    pub edited: NaiveDateTime,
    /// Who may see it (written by `service::perms` alone).
    #[diesel(embed)]
    pub acl: AclRow,
    /// Verb.
    pub verb: &'a str,
    /// Direct parent message id (empty for a top post).
    pub thr_parent: &'a str,
    /// Created here.
    pub item_origin: bool,
    /// Relay hops.
    pub route: &'a str,
    /// Signed activity.
    pub signed_data: &'a str,
}

/// An item's access-list columns as written.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = item)]
pub struct AclRow {
    /// Restricted.
    pub item_private: bool,
    /// Identities allowed (`<id><id>`).
    pub allow_cid: String,
    /// Groups allowed.
    pub allow_gid: String,
    /// Identities refused.
    pub deny_cid: String,
    /// Groups refused.
    pub deny_gid: String,
}

/// Inserts an item; returns its id. The streaming feed hears of it in the same transaction.
pub fn insert(conn: &mut AnyConnection, new: &NewItem<'_>) -> Result<i64> {
    let id = diesel::insert_into(item::table)
        .values(new)
        .returning(item::id)
        .get_result(conn)?;
    super::api::record_event(conn, new.uid, super::api::EVENT_NEW, id, new.edited)?;
    Ok(id)
}

/// Which items a listing query may return before `service::perms` decides on each: a cheap
/// pre-filter in SQL (a superset of what the viewer may see), so pages stay full.
#[derive(Debug, Clone)]
pub enum Prefilter {
    /// Everything (the owner).
    All,
    /// Items without an access list, and restricted ones whose list mentions one of these
    /// tokens (the viewer's portable id and the ids of its groups).
    Mentioning(Vec<String>),
}

/// The channel's own wall: undeleted top posts it owns (not what it received), newest first,
/// one page, as far as `filter` lets through.
pub fn find_by_channel(
    conn: &mut AnyConnection,
    uid: i64,
    owner: &str,
    filter: &Prefilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<Item>> {
    let mut query = item::table
        .filter(item::uid.eq(uid))
        .filter(item::owner_xchan.eq(owner.to_string()))
        .filter(item::thr_parent.eq(""))
        .filter(item::item_deleted.eq(false))
        .into_boxed();
    if let Prefilter::Mentioning(tokens) = filter {
        let open = item::item_private
            .eq(false)
            .and(item::allow_cid.eq(""))
            .and(item::allow_gid.eq(""));
        let mut cond: Box<
            dyn BoxableExpression<
                    item::table,
                    <AnyConnection as diesel::Connection>::Backend,
                    SqlType = diesel::sql_types::Bool,
                >,
        > = Box::new(open);
        for t in tokens.iter().take(64) {
            let pattern = format!("%<{t}>%");
            cond = Box::new(
                cond.or(item::allow_cid.like(pattern.clone()))
                    .or(item::allow_gid.like(pattern)),
            );
        }
        query = query.filter(cond);
    }
    Ok(query
        .order((item::created.desc(), item::id.desc()))
        .offset(offset)
        .limit(limit)
        .load::<Item>(conn)?)
}

/// Items written by the channels of an account since a time (for the posting rate limit).
pub fn count_by_account_since(
    conn: &mut AnyConnection,
    account_id: i64,
    since: NaiveDateTime,
) -> Result<i64> {
    use super::schema::channel;
    Ok(item::table
        .inner_join(channel::table)
        .filter(channel::channel_account_id.eq(account_id))
        .filter(item::created.ge(since))
        .count()
        .get_result(conn)?)
}

/// Finds an item by uuid.
pub fn find_by_uuid(conn: &mut AnyConnection, uuid: &str) -> Result<Option<Item>> {
    Ok(item::table
        .filter(item::uuid.eq(uuid))
        .filter(item::item_deleted.eq(false))
        .first::<Item>(conn)
        .optional()?)
}

/// Top posts written on this hub and not deleted (nodeinfo `localPosts`).
pub fn count_local_posts(conn: &mut AnyConnection) -> Result<i64> {
    Ok(item::table
        .filter(item::item_origin.eq(true))
        .filter(item::item_deleted.eq(false))
        .filter(item::verb.eq("Create"))
        .count()
        .get_result(conn)?)
}

/// Every copy of an item (one per channel holding it).
pub fn find_by_mid(conn: &mut AnyConnection, mid: &str) -> Result<Vec<Item>> {
    Ok(item::table
        .filter(item::mid.eq(mid))
        .filter(item::item_deleted.eq(false))
        .load::<Item>(conn)?)
}

/// A channel's copy of an item, deleted or not.
pub fn find_by_uid_mid(conn: &mut AnyConnection, uid: i64, mid: &str) -> Result<Option<Item>> {
    Ok(item::table
        .filter(item::uid.eq(uid))
        .filter(item::mid.eq(mid))
        .first::<Item>(conn)
        .optional()?)
}

/// Replaces an item's text (an edit).
pub fn update_content(
    conn: &mut AnyConnection,
    id: i64,
    body: &str,
    html: &str,
    edited: NaiveDateTime,
) -> Result<()> {
    diesel::update(item::table.find(id))
        .set((
            item::body.eq(body),
            item::html.eq(html),
            item::edited.eq(edited),
        ))
        .execute(conn)?;
    if let Some(row) = find_by_id(conn, id)? {
        super::api::record_event(conn, row.uid, super::api::EVENT_EDITED, id, edited)?;
    }
    Ok(())
}

/// Marks a channel's copy of an item deleted, if `by` is its author or `owner` its thread
/// owner; returns how many rows changed.
pub fn mark_deleted(
    conn: &mut AnyConnection,
    uid: i64,
    mid: &str,
    by: &str,
    owner: &str,
    at: NaiveDateTime,
) -> Result<usize> {
    let ids: Vec<i64> = item::table
        .filter(item::uid.eq(uid))
        .filter(item::mid.eq(mid))
        .filter(item::item_deleted.eq(false))
        .filter(item::author_xchan.eq(by).or(item::owner_xchan.eq(owner)))
        .select(item::id)
        .load(conn)?;
    let n = diesel::update(
        item::table
            .filter(item::uid.eq(uid))
            .filter(item::mid.eq(mid))
            .filter(item::author_xchan.eq(by).or(item::owner_xchan.eq(owner))),
    )
    .set((item::item_deleted.eq(true), item::edited.eq(at)))
    .execute(conn)?;
    for id in ids {
        super::api::record_event(conn, uid, super::api::EVENT_DELETED, id, at)?;
    }
    Ok(n)
}

/// The items of a thread held by a channel (top post and replies), oldest first.
pub fn find_thread(conn: &mut AnyConnection, uid: i64, parent_mid: &str) -> Result<Vec<Item>> {
    Ok(item::table
        .filter(item::uid.eq(uid))
        .filter(item::parent_mid.eq(parent_mid))
        .filter(item::item_deleted.eq(false))
        .order((item::created.asc(), item::id.asc()))
        .load::<Item>(conn)?)
}

/// A channel's newest thread tops (its own posts and those received), one page.
pub fn find_stream(
    conn: &mut AnyConnection,
    uid: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<Item>> {
    Ok(item::table
        .filter(item::uid.eq(uid))
        .filter(item::item_deleted.eq(false))
        .filter(item::thr_parent.eq(""))
        .order((item::created.desc(), item::id.desc()))
        .offset(offset)
        .limit(limit)
        .load::<Item>(conn)?)
}

/// Stores the signed activity of an item.
pub fn update_signed_data(conn: &mut AnyConnection, id: i64, data: &str) -> Result<()> {
    diesel::update(item::table.find(id))
        .set(item::signed_data.eq(data))
        .execute(conn)?;
    Ok(())
}

/// A channel's items (every copy it holds, deleted ones too) with ids above `after`, in id
/// order, at most `limit`: the export reads them page by page.
pub fn page_by_id(conn: &mut AnyConnection, uid: i64, after: i64, limit: i64) -> Result<Vec<Item>> {
    Ok(item::table
        .filter(item::uid.eq(uid))
        .filter(item::id.gt(after))
        .order(item::id.asc())
        .limit(limit)
        .load::<Item>(conn)?)
}

/// One page of the live items on `owner`'s wall in `uid`'s copy, created in
/// `[since, until]`, oldest first (the item pages of online import), and how many there are in
/// the whole range.
pub fn wall_page(
    conn: &mut AnyConnection,
    uid: i64,
    owner: &str,
    since: NaiveDateTime,
    until: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Item>, i64)> {
    let base = || {
        item::table
            .filter(item::uid.eq(uid))
            .filter(item::owner_xchan.eq(owner.to_string()))
            .filter(item::item_deleted.eq(false))
            .filter(item::created.ge(since))
            .filter(item::created.le(until))
    };
    let total = base().count().get_result::<i64>(conn)?;
    let page = base()
        .order((item::created.asc(), item::id.asc()))
        .offset(offset)
        .limit(limit)
        .load::<Item>(conn)?;
    Ok((page, total))
}

/// An item by row id, deleted or not.
pub fn find_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Item>> {
    Ok(item::table.find(id).first::<Item>(conn).optional()?)
}
