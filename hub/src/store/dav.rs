//! WebDAV's own rows: app passwords (`app_password`, hashed), dead properties of cloud entries
//! (`attach_prop`) and locks on a channel's paths (`dav_lock`). Makes no decisions:
//! `service::dav` and `service::app_password` do.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{app_password, attach_prop, channel, dav_lock};
use crate::error::Result;

/// An app password (its hash only).
#[derive(Debug, Clone, Queryable)]
pub struct AppPassword {
    /// Row id.
    pub id: i64,
    /// The account it signs in.
    pub account_id: i64,
    /// What the owner called it.
    pub name: String,
    /// SHA-256 of the password.
    pub token_hash: String,
    /// Made.
    pub created: NaiveDateTime,
    /// Last used (to the minute).
    pub last_used: Option<NaiveDateTime>,
}

/// Records a new app password.
pub fn insert_app_password(
    conn: &mut AnyConnection,
    account_id: i64,
    name: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<i64> {
    Ok(diesel::insert_into(app_password::table)
        .values((
            app_password::account_id.eq(account_id),
            app_password::name.eq(name),
            app_password::token_hash.eq(token_hash),
            app_password::created.eq(now),
        ))
        .returning(app_password::id)
        .get_result(conn)?)
}

/// An app password by its hash.
pub fn find_app_password(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<AppPassword>> {
    Ok(app_password::table
        .filter(app_password::token_hash.eq(token_hash))
        .first(conn)
        .optional()?)
}

/// An account's app passwords, newest first.
pub fn app_passwords(conn: &mut AnyConnection, account_id: i64) -> Result<Vec<AppPassword>> {
    Ok(app_password::table
        .filter(app_password::account_id.eq(account_id))
        .order(app_password::id.desc())
        .load(conn)?)
}

/// Counts an account's app passwords.
pub fn count_app_passwords(conn: &mut AnyConnection, account_id: i64) -> Result<i64> {
    Ok(app_password::table
        .filter(app_password::account_id.eq(account_id))
        .count()
        .get_result(conn)?)
}

/// Notes a use.
pub fn touch_app_password(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> Result<()> {
    diesel::update(app_password::table.find(id))
        .set(app_password::last_used.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Deletes one of an account's app passwords; returns whether it existed.
pub fn delete_app_password(conn: &mut AnyConnection, account_id: i64, id: i64) -> Result<bool> {
    Ok(diesel::delete(
        app_password::table
            .filter(app_password::account_id.eq(account_id))
            .filter(app_password::id.eq(id)),
    )
    .execute(conn)?
        > 0)
}

/// A dead property.
#[derive(Debug, Clone, Queryable)]
pub struct Prop {
    /// The entry.
    pub attach_id: i64,
    /// XML namespace ("" for none).
    pub namespace: String,
    /// Local name.
    pub name: String,
    /// The property element.
    pub xml: String,
}

/// An entry's dead properties.
pub fn props(conn: &mut AnyConnection, attach_id: i64) -> Result<Vec<Prop>> {
    Ok(attach_prop::table
        .filter(attach_prop::attach_id.eq(attach_id))
        .order((attach_prop::namespace.asc(), attach_prop::name.asc()))
        .load(conn)?)
}

/// Counts an entry's dead properties.
pub fn count_props(conn: &mut AnyConnection, attach_id: i64) -> Result<i64> {
    Ok(attach_prop::table
        .filter(attach_prop::attach_id.eq(attach_id))
        .count()
        .get_result(conn)?)
}

/// Sets (replaces) a dead property.
pub fn set_prop(conn: &mut AnyConnection, prop: &Prop) -> Result<()> {
    remove_prop(conn, prop.attach_id, &prop.namespace, &prop.name)?;
    diesel::insert_into(attach_prop::table)
        .values((
            attach_prop::attach_id.eq(prop.attach_id),
            attach_prop::namespace.eq(&prop.namespace),
            attach_prop::name.eq(&prop.name),
            attach_prop::xml.eq(&prop.xml),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a dead property (absent is fine).
pub fn remove_prop(
    conn: &mut AnyConnection,
    attach_id: i64,
    namespace: &str,
    name: &str,
) -> Result<()> {
    diesel::delete(
        attach_prop::table
            .filter(attach_prop::attach_id.eq(attach_id))
            .filter(attach_prop::namespace.eq(namespace))
            .filter(attach_prop::name.eq(name)),
    )
    .execute(conn)?;
    Ok(())
}

/// A lock row.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = dav_lock)]
pub struct Lock {
    /// `urn:uuid:…`.
    pub token: String,
    /// The channel.
    pub uid: i64,
    /// Path inside the channel's DAV root, URL-encoded, no trailing slash ("" is the top).
    pub path: String,
    /// Who took it.
    pub principal: Option<String>,
    /// The client's `<owner>` element.
    pub owner_xml: Option<String>,
    /// Requested timeout (none: infinite).
    pub timeout_secs: Option<i64>,
    /// When it lapses (none: never).
    pub expires: Option<NaiveDateTime>,
    /// A shared lock.
    pub shared: bool,
    /// Depth infinity.
    pub deep: bool,
}

/// Serialises lock changes of one channel: an update of the channel's row that changes
/// nothing, but holds the row's lock on PostgreSQL until the transaction ends (SQLite
/// serialises writers anyway), so two processes cannot both grant conflicting locks.
pub fn serialise_locks(conn: &mut AnyConnection, uid: i64) -> Result<()> {
    diesel::update(channel::table.find(uid))
        .set(channel::channel_id.eq(uid))
        .execute(conn)?;
    Ok(())
}

/// Drops a channel's lapsed locks.
pub fn expire_locks(conn: &mut AnyConnection, uid: i64, now: NaiveDateTime) -> Result<()> {
    diesel::delete(
        dav_lock::table
            .filter(dav_lock::uid.eq(uid))
            .filter(dav_lock::expires.lt(now)),
    )
    .execute(conn)?;
    Ok(())
}

/// A channel's locks that have not lapsed.
pub fn locks(conn: &mut AnyConnection, uid: i64, now: NaiveDateTime) -> Result<Vec<Lock>> {
    Ok(dav_lock::table
        .filter(dav_lock::uid.eq(uid))
        .filter(dav_lock::expires.is_null().or(dav_lock::expires.ge(now)))
        .order(dav_lock::path.asc())
        .load(conn)?)
}

/// Records a lock.
pub fn insert_lock(conn: &mut AnyConnection, lock: &Lock) -> Result<()> {
    diesel::insert_into(dav_lock::table)
        .values(lock)
        .execute(conn)?;
    Ok(())
}

/// Sets a lock's timeout.
pub fn refresh_lock(
    conn: &mut AnyConnection,
    token: &str,
    timeout_secs: Option<i64>,
    expires: Option<NaiveDateTime>,
) -> Result<()> {
    diesel::update(dav_lock::table.find(token))
        .set((
            dav_lock::timeout_secs.eq(timeout_secs),
            dav_lock::expires.eq(expires),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes locks by token.
pub fn delete_locks(conn: &mut AnyConnection, tokens: &[String]) -> Result<()> {
    diesel::delete(dav_lock::table.filter(dav_lock::token.eq_any(tokens.to_vec())))
        .execute(conn)?;
    Ok(())
}
