//! OpenWebAuth one-time tokens (`owa_token`) this hub issued to visitors' home hubs, found by
//! the SHA-256 of the token, and the sessions of visitors recognised by them (`visitor`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{owa_token, visitor};
use crate::error::Result;

/// Stores an issued token for the identity it was issued to.
pub fn insert_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    xchan: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(owa_token::table)
        .values((
            owa_token::owa_token_hash.eq(token_hash),
            owa_token::owa_xchan.eq(xchan),
            owa_token::owa_created.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes tokens issued before `before` (expired).
pub fn delete_tokens_before(conn: &mut AnyConnection, before: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(owa_token::table.filter(owa_token::owa_created.lt(before))).execute(conn)?)
}

/// Takes a token (single use): deletes it and returns the identity it was issued to and when,
/// if it existed. Of two concurrent takers only one gets it.
pub fn take_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(String, NaiveDateTime)>> {
    let found: Option<(i64, String, NaiveDateTime)> = owa_token::table
        .filter(owa_token::owa_token_hash.eq(token_hash))
        .select((owa_token::id, owa_token::owa_xchan, owa_token::owa_created))
        .first(conn)
        .optional()?;
    let Some((id, xchan, created)) = found else {
        return Ok(None);
    };
    let n = diesel::delete(owa_token::table.find(id)).execute(conn)?;
    Ok((n == 1).then_some((xchan, created)))
}

/// A visitor session row.
#[derive(Debug, Clone, Queryable)]
pub struct Visitor {
    /// Row id.
    pub visitor_id: i64,
    /// Hex SHA-256 of the cookie's token.
    pub visitor_token_hash: String,
    /// The visitor's portable id.
    pub visitor_xchan: String,
    /// When it started.
    pub visitor_created: NaiveDateTime,
    /// Last request seen.
    pub visitor_seen: NaiveDateTime,
}

/// Starts a visitor session.
pub fn insert_visitor(
    conn: &mut AnyConnection,
    token_hash: &str,
    xchan: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(visitor::table)
        .values((
            visitor::visitor_token_hash.eq(token_hash),
            visitor::visitor_xchan.eq(xchan),
            visitor::visitor_created.eq(at),
            visitor::visitor_seen.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A visitor session by its token hash.
pub fn find_visitor(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<Visitor>> {
    Ok(visitor::table
        .filter(visitor::visitor_token_hash.eq(token_hash))
        .first::<Visitor>(conn)
        .optional()?)
}

/// Records activity on a visitor session.
pub fn touch_visitor(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> Result<()> {
    diesel::update(visitor::table.find(id))
        .set(visitor::visitor_seen.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Ends a visitor session.
pub fn delete_visitor(conn: &mut AnyConnection, id: i64) -> Result<()> {
    diesel::delete(visitor::table.find(id)).execute(conn)?;
    Ok(())
}

/// Removes visitor sessions idle since `idle_before` or started before `started_before`.
pub fn delete_expired_visitors(
    conn: &mut AnyConnection,
    idle_before: NaiveDateTime,
    started_before: NaiveDateTime,
) -> Result<usize> {
    Ok(diesel::delete(
        visitor::table.filter(
            visitor::visitor_seen
                .lt(idle_before)
                .or(visitor::visitor_created.lt(started_before)),
        ),
    )
    .execute(conn)?)
}
