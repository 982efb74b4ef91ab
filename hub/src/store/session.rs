//! Logged-in sessions (`session` table): one row per browser login, found by the SHA-256 of the
//! random token in the session cookie. Deleting the rows revokes the sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::session;
use crate::error::Result;

/// A session row.
#[derive(Debug, Clone, Queryable)]
pub struct Session {
    /// Row id.
    pub session_id: i64,
    /// Hex SHA-256 of the cookie's token.
    pub session_token_hash: String,
    /// The logged-in account.
    pub session_account: i64,
    /// Login time (for the absolute lifetime).
    pub session_created: NaiveDateTime,
    /// Last request seen (for the idle lifetime), updated at most every few minutes.
    pub session_seen: NaiveDateTime,
    /// The browser's User-Agent at login, shortened (shown in the session list).
    pub session_agent: String,
}

/// Stores a new session.
pub fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: i64,
    at: NaiveDateTime,
    agent: &str,
) -> Result<()> {
    diesel::insert_into(session::table)
        .values((
            session::session_token_hash.eq(token_hash),
            session::session_account.eq(account_id),
            session::session_created.eq(at),
            session::session_seen.eq(at),
            session::session_agent.eq(agent),
        ))
        .execute(conn)?;
    Ok(())
}

/// Finds a session by its token hash.
pub fn find_by_token(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<Session>> {
    Ok(session::table
        .filter(session::session_token_hash.eq(token_hash))
        .first::<Session>(conn)
        .optional()?)
}

/// The sessions of an account, newest first.
pub fn find_by_account(conn: &mut AnyConnection, account_id: i64) -> Result<Vec<Session>> {
    Ok(session::table
        .filter(session::session_account.eq(account_id))
        .order(session::session_seen.desc())
        .load::<Session>(conn)?)
}

/// Records activity on a session.
pub fn update_seen(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> Result<()> {
    diesel::update(session::table.find(id))
        .set(session::session_seen.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Deletes one session.
pub fn delete(conn: &mut AnyConnection, id: i64) -> Result<usize> {
    Ok(diesel::delete(session::table.find(id)).execute(conn)?)
}

/// Deletes every session of an account; returns how many.
pub fn delete_by_account(conn: &mut AnyConnection, account_id: i64) -> Result<usize> {
    Ok(
        diesel::delete(session::table.filter(session::session_account.eq(account_id)))
            .execute(conn)?,
    )
}

/// Deletes sessions last seen before `idle_before` or created before `created_before`.
pub fn delete_expired(
    conn: &mut AnyConnection,
    idle_before: NaiveDateTime,
    created_before: NaiveDateTime,
) -> Result<usize> {
    Ok(diesel::delete(
        session::table.filter(
            session::session_seen
                .lt(idle_before)
                .or(session::session_created.lt(created_before)),
        ),
    )
    .execute(conn)?)
}
