//! Rows of the account lifecycle: pending email changes (`email_change`), the deletion
//! schedule of accounts and channels (`…_delete_after`), a channel's default audience, and the
//! bulk deletes that remove a channel's content. No decisions: `service::lifecycle` makes them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::account::Account;
use super::channel::Channel;
use super::schema::{abook, account, attach, channel, email_change, item, notify, outq, pgrp};
use crate::error::Result;

/// A pending change of an account's email address.
#[derive(Debug, Clone, Queryable)]
pub struct EmailChange {
    /// Row id.
    pub id: i64,
    /// The account.
    pub account_id: i64,
    /// The address it becomes once confirmed.
    pub new_email: String,
    /// SHA-256 (hex) of the mailed token.
    pub token_hash: String,
    /// The link is refused after this time.
    pub expires: NaiveDateTime,
    /// Asked at.
    pub created: NaiveDateTime,
}

/// Replaces the account's pending email change (one at a time: a new request voids the last).
pub fn insert_email_change(
    conn: &mut AnyConnection,
    account_id: i64,
    new_email: &str,
    token_hash: &str,
    expires: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<()> {
    delete_email_changes(conn, account_id)?;
    diesel::insert_into(email_change::table)
        .values((
            email_change::account_id.eq(account_id),
            email_change::new_email.eq(new_email),
            email_change::token_hash.eq(token_hash),
            email_change::expires.eq(expires),
            email_change::created.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The pending change a token names.
pub fn find_email_change(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<EmailChange>> {
    Ok(email_change::table
        .filter(email_change::token_hash.eq(token_hash))
        .first::<EmailChange>(conn)
        .optional()?)
}

/// The account's pending change, if any.
pub fn find_email_change_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Option<EmailChange>> {
    Ok(email_change::table
        .filter(email_change::account_id.eq(account_id))
        .order(email_change::id.desc())
        .first::<EmailChange>(conn)
        .optional()?)
}

/// Forgets the account's pending changes.
pub fn delete_email_changes(conn: &mut AnyConnection, account_id: i64) -> Result<usize> {
    Ok(
        diesel::delete(email_change::table.filter(email_change::account_id.eq(account_id)))
            .execute(conn)?,
    )
}

/// Sets the account's email address (a unique violation if another account has it).
pub fn update_email(conn: &mut AnyConnection, account_id: i64, email: &str) -> Result<()> {
    diesel::update(account::table.find(account_id))
        .set(account::account_email.eq(email))
        .execute(conn)?;
    Ok(())
}

/// Schedules (or, with `None`, cancels) an account's deletion.
pub fn update_account_delete_after(
    conn: &mut AnyConnection,
    account_id: i64,
    at: Option<NaiveDateTime>,
) -> Result<usize> {
    Ok(diesel::update(account::table.find(account_id))
        .set(account::account_delete_after.eq(at))
        .execute(conn)?)
}

/// Schedules (or cancels) a live channel's deletion.
pub fn update_channel_delete_after(
    conn: &mut AnyConnection,
    channel_id: i64,
    at: Option<NaiveDateTime>,
) -> Result<usize> {
    Ok(diesel::update(
        channel::table
            .find(channel_id)
            .filter(channel::channel_removed.eq(false)),
    )
    .set(channel::channel_delete_after.eq(at))
    .execute(conn)?)
}

/// Sets a channel's default audience.
pub fn update_default_audience(
    conn: &mut AnyConnection,
    channel_id: i64,
    audience: &str,
) -> Result<()> {
    diesel::update(channel::table.find(channel_id))
        .set(channel::channel_default_audience.eq(audience))
        .execute(conn)?;
    Ok(())
}

/// Accounts whose deletion is due.
pub fn find_accounts_due(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<Vec<Account>> {
    Ok(account::table
        .filter(account::account_delete_after.le(now))
        .order(account::account_id.asc())
        .load::<Account>(conn)?)
}

/// Live channels whose deletion is due.
pub fn find_channels_due(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<Vec<Channel>> {
    Ok(channel::table
        .filter(channel::channel_delete_after.le(now))
        .filter(channel::channel_removed.eq(false))
        .order(channel::channel_id.asc())
        .load::<Channel>(conn)?)
}

/// Channels already removed by the lifecycle job (their row kept until their last messages
/// are sent).
pub fn find_removed_scheduled(conn: &mut AnyConnection) -> Result<Vec<Channel>> {
    Ok(channel::table
        .filter(channel::channel_delete_after.is_not_null())
        .filter(channel::channel_removed.eq(true))
        .order(channel::channel_id.asc())
        .load::<Channel>(conn)?)
}

/// Every channel row of an account, live or removed.
pub fn count_channel_rows(conn: &mut AnyConnection, account_id: i64) -> Result<i64> {
    Ok(channel::table
        .filter(channel::channel_account_id.eq(account_id))
        .count()
        .get_result(conn)?)
}

/// Undelivered messages a channel still has in the queue.
pub fn undelivered_of_channel(conn: &mut AnyConnection, channel_id: i64) -> Result<i64> {
    Ok(outq::table
        .filter(outq::outq_channel.eq(channel_id))
        .filter(outq::outq_done.is_null())
        .count()
        .get_result(conn)?)
}

/// Deletes what a channel holds here: its posts and the copies it received (with their
/// attachments, edits and client API state, by cascade), its files' entries (the content-
/// addressed blobs stay for the blob store to reuse), its connections, groups and
/// notifications. Returns the number of items deleted.
pub fn delete_channel_content(conn: &mut AnyConnection, channel_id: i64) -> Result<usize> {
    let items = diesel::delete(item::table.filter(item::uid.eq(channel_id))).execute(conn)?;
    diesel::delete(attach::table.filter(attach::uid.eq(channel_id))).execute(conn)?;
    diesel::delete(abook::table.filter(abook::abook_channel.eq(channel_id))).execute(conn)?;
    diesel::delete(pgrp::table.filter(pgrp::uid.eq(channel_id))).execute(conn)?;
    diesel::delete(notify::table.filter(notify::uid.eq(channel_id))).execute(conn)?;
    Ok(items)
}

/// Marks an identity deleted.
pub fn mark_xchan_deleted(conn: &mut AnyConnection, hash: &str) -> Result<()> {
    use super::schema::xchan;
    diesel::update(xchan::table.find(hash))
        .set(xchan::xchan_deleted.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Deletes an account row (its sessions, tokens and remaining rows go by cascade).
pub fn delete_account(conn: &mut AnyConnection, account_id: i64) -> Result<usize> {
    Ok(diesel::delete(account::table.find(account_id)).execute(conn)?)
}

/// Item count per channel id (admin list).
pub fn item_counts(conn: &mut AnyConnection) -> Result<Vec<(i64, i64)>> {
    Ok(item::table
        .group_by(item::uid)
        .select((item::uid, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?)
}

/// Every live channel, oldest first, at most `limit` (admin list).
pub fn find_all_channels(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Channel>> {
    Ok(channel::table
        .filter(channel::channel_removed.eq(false))
        .order(channel::channel_id.asc())
        .limit(limit)
        .load::<Channel>(conn)?)
}

/// A channel the lifecycle job removed (deleted, not a location left), by nickname: its channel
/// info still answers, saying it is deleted, until the row is purged.
pub fn find_deleted_by_address(conn: &mut AnyConnection, nick: &str) -> Result<Option<Channel>> {
    Ok(channel::table
        .filter(channel::channel_address.eq(nick))
        .filter(channel::channel_removed.eq(true))
        .filter(channel::channel_delete_after.is_not_null())
        .first::<Channel>(conn)
        .optional()?)
}
