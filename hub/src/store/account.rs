//! Accounts (login identities owning channels) and their one-time mail tokens (`verify` table:
//! email verification and password reset).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{account, verify};
use crate::error::Result;

/// An account row.
#[derive(Debug, Clone, Queryable)]
pub struct Account {
    /// Row id.
    pub account_id: i64,
    /// Lowercased email address.
    pub account_email: String,
    /// argon2id PHC string.
    pub account_password: String,
    /// The email address was confirmed.
    pub account_verified: bool,
    /// An admin approved the account (or the policy did not require it).
    pub account_approved: bool,
    /// Hub administrator.
    pub account_admin: bool,
    /// Creation time.
    pub account_created: NaiveDateTime,
    /// Last login.
    pub account_lastlog: Option<NaiveDateTime>,
    /// Suspended by an admin: cannot log in, sessions revoked.
    pub account_suspended: bool,
    /// Wrong passwords since the last successful login.
    pub account_login_failures: i32,
    /// Logins refused until this time (per-account backoff).
    pub account_login_blocked_until: Option<NaiveDateTime>,
    /// Scheduled for deletion: removed by the lifecycle job after this time.
    pub account_delete_after: Option<NaiveDateTime>,
}

/// A new account.
#[derive(Debug, Insertable)]
#[diesel(table_name = account)]
pub struct NewAccount<'a> {
    /// Lowercased email.
    pub account_email: &'a str,
    /// argon2id PHC string.
    pub account_password: &'a str,
    /// Verified already (CLI-created accounts).
    pub account_verified: bool,
    /// Approved already.
    pub account_approved: bool,
    /// Admin.
    pub account_admin: bool,
    /// Creation time.
    pub account_created: NaiveDateTime,
}

/// Inserts an account; returns its id. A duplicate email is a unique violation.
pub fn insert(conn: &mut AnyConnection, new: &NewAccount<'_>) -> Result<i64> {
    Ok(diesel::insert_into(account::table)
        .values(new)
        .returning(account::account_id)
        .get_result(conn)?)
}

/// Number of accounts on the hub.
pub fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(account::table.count().get_result(conn)?)
}

/// Finds an account by (lowercased) email.
pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<Account>> {
    Ok(account::table
        .filter(account::account_email.eq(email))
        .first::<Account>(conn)
        .optional()?)
}

/// Finds an account by id.
pub fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<Account>> {
    Ok(account::table.find(id).first::<Account>(conn).optional()?)
}

/// Takes the account's row lock for the rest of the transaction (PostgreSQL: a row lock;
/// SQLite: the database write lock), so checks of the account's limits and the inserts they
/// guard are not raced by concurrent requests. Returns false if the account does not exist.
pub fn lock(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let n = diesel::update(account::table.find(id))
        .set(account::account_id.eq(account::account_id))
        .execute(conn)?;
    Ok(n == 1)
}

/// Every account, oldest first (admin list).
pub fn find_all(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Account>> {
    Ok(account::table
        .order(account::account_id.asc())
        .limit(limit)
        .load::<Account>(conn)?)
}

/// Suspends or reinstates an account.
pub fn update_suspended(conn: &mut AnyConnection, id: i64, suspended: bool) -> Result<usize> {
    Ok(diesel::update(account::table.find(id))
        .set(account::account_suspended.eq(suspended))
        .execute(conn)?)
}

/// Records a wrong password and the time until which logins are refused.
pub fn update_login_failure(
    conn: &mut AnyConnection,
    id: i64,
    failures: i32,
    blocked_until: Option<NaiveDateTime>,
) -> Result<()> {
    diesel::update(account::table.find(id))
        .set((
            account::account_login_failures.eq(failures),
            account::account_login_blocked_until.eq(blocked_until),
        ))
        .execute(conn)?;
    Ok(())
}

/// Accounts waiting for approval, oldest first.
pub fn find_pending(conn: &mut AnyConnection) -> Result<Vec<Account>> {
    Ok(account::table
        .filter(account::account_approved.eq(false))
        .order(account::account_created.asc())
        .load::<Account>(conn)?)
}

/// Marks the email verified.
pub fn update_verified(conn: &mut AnyConnection, id: i64) -> Result<()> {
    diesel::update(account::table.find(id))
        .set(account::account_verified.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Marks the account approved.
pub fn update_approved(conn: &mut AnyConnection, id: i64) -> Result<usize> {
    Ok(diesel::update(account::table.find(id))
        .set(account::account_approved.eq(true))
        .execute(conn)?)
}

/// Replaces the password hash.
pub fn update_password(conn: &mut AnyConnection, id: i64, hash: &str) -> Result<()> {
    diesel::update(account::table.find(id))
        .set(account::account_password.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Records a login (and clears the failure count).
pub fn update_lastlog(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> Result<()> {
    diesel::update(account::table.find(id))
        .set((
            account::account_lastlog.eq(Some(at)),
            account::account_login_failures.eq(0),
            account::account_login_blocked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A one-time token row (only the SHA-256 of the token is stored).
#[derive(Debug, Clone, Queryable)]
pub struct Token {
    /// Row id.
    pub id: i64,
    /// Owning account.
    pub verify_account: i64,
    /// `email` or `reset`.
    pub verify_type: String,
    /// Hex SHA-256 of the token sent by mail.
    pub verify_token_hash: String,
    /// Not valid after this time.
    pub verify_expires: NaiveDateTime,
    /// Already used once.
    pub verify_used: bool,
}

/// Stores a token hash.
pub fn insert_token(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: &str,
    token_hash: &str,
    expires: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(verify::table)
        .values((
            verify::verify_account.eq(account_id),
            verify::verify_type.eq(kind),
            verify::verify_token_hash.eq(token_hash),
            verify::verify_expires.eq(expires),
        ))
        .execute(conn)?;
    Ok(())
}

/// Finds a token by its hash and kind.
pub fn find_token(conn: &mut AnyConnection, kind: &str, token_hash: &str) -> Result<Option<Token>> {
    Ok(verify::table
        .filter(verify::verify_type.eq(kind))
        .filter(verify::verify_token_hash.eq(token_hash))
        .first::<Token>(conn)
        .optional()?)
}

/// Marks a token used; returns false if it was already used (a concurrent second use).
pub fn update_token_used(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let n = diesel::update(verify::table.find(id).filter(verify::verify_used.eq(false)))
        .set(verify::verify_used.eq(true))
        .execute(conn)?;
    Ok(n == 1)
}

/// Marks every unused token of a kind of the account used (one reset voids the other links).
pub fn update_tokens_used_of_account(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: &str,
) -> Result<usize> {
    Ok(diesel::update(
        verify::table
            .filter(verify::verify_account.eq(account_id))
            .filter(verify::verify_type.eq(kind))
            .filter(verify::verify_used.eq(false)),
    )
    .set(verify::verify_used.eq(true))
    .execute(conn)?)
}
