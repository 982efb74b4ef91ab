//! The client API's OAuth 2 state: registered apps (`oauth_app`), authorisation codes
//! (`oauth_code`, single use) and access tokens (`oauth_token`). Secrets are stored as SHA-256
//! hex only; deleting a token row revokes it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{oauth_app, oauth_code, oauth_token};
use crate::error::Result;

/// A registered app.
#[derive(Debug, Clone, Queryable)]
pub struct App {
    /// Row id.
    pub id: i64,
    /// Public client id.
    pub client_id: String,
    /// SHA-256 hex of the client secret.
    pub secret_hash: String,
    /// Name shown to people.
    pub name: String,
    /// The app's website, or empty.
    pub website: String,
    /// Registered redirect URIs, one per line.
    pub redirect_uris: String,
    /// Scopes it may ask for, space separated.
    pub scopes: String,
    /// Registration time.
    pub created: NaiveDateTime,
}

/// What a new app row holds.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = oauth_app)]
pub struct NewApp<'a> {
    /// Public client id.
    pub client_id: &'a str,
    /// SHA-256 hex of the client secret.
    pub secret_hash: &'a str,
    /// Name.
    pub name: &'a str,
    /// Website.
    pub website: &'a str,
    /// Redirect URIs, one per line.
    pub redirect_uris: &'a str,
    /// Scopes, space separated.
    pub scopes: &'a str,
    /// Now.
    pub created: NaiveDateTime,
}

/// Registers an app; returns its row id.
pub fn insert_app(conn: &mut AnyConnection, new: &NewApp<'_>) -> Result<i64> {
    Ok(diesel::insert_into(oauth_app::table)
        .values(new)
        .returning(oauth_app::id)
        .get_result(conn)?)
}

/// An app by client id.
pub fn find_app(conn: &mut AnyConnection, client_id: &str) -> Result<Option<App>> {
    Ok(oauth_app::table
        .filter(oauth_app::client_id.eq(client_id))
        .first::<App>(conn)
        .optional()?)
}

/// An app by row id.
pub fn find_app_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<App>> {
    Ok(oauth_app::table.find(id).first::<App>(conn).optional()?)
}

/// An authorisation code.
#[derive(Debug, Clone, Queryable)]
pub struct Code {
    /// Row id.
    pub id: i64,
    /// SHA-256 hex of the code.
    pub code_hash: String,
    /// The app it was issued to.
    pub app_id: i64,
    /// The channel the person chose.
    pub channel_id: i64,
    /// The redirect URI it was issued for.
    pub redirect_uri: String,
    /// Granted scopes.
    pub scopes: String,
    /// PKCE S256 challenge, or empty.
    pub challenge: String,
    /// Expiry.
    pub expires: NaiveDateTime,
    /// Already exchanged.
    pub used: bool,
}

/// Stores a new code.
#[allow(clippy::too_many_arguments)]
pub fn insert_code(
    conn: &mut AnyConnection,
    code_hash: &str,
    app_id: i64,
    channel_id: i64,
    redirect_uri: &str,
    scopes: &str,
    challenge: &str,
    expires: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(oauth_code::table)
        .values((
            oauth_code::code_hash.eq(code_hash),
            oauth_code::app_id.eq(app_id),
            oauth_code::channel_id.eq(channel_id),
            oauth_code::redirect_uri.eq(redirect_uri),
            oauth_code::scopes.eq(scopes),
            oauth_code::challenge.eq(challenge),
            oauth_code::expires.eq(expires),
            oauth_code::used.eq(false),
        ))
        .execute(conn)?;
    Ok(())
}

/// A code by its hash.
pub fn find_code(conn: &mut AnyConnection, code_hash: &str) -> Result<Option<Code>> {
    Ok(oauth_code::table
        .filter(oauth_code::code_hash.eq(code_hash))
        .first::<Code>(conn)
        .optional()?)
}

/// Marks a code used; returns false when it already was (a concurrent exchange).
pub fn mark_code_used(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    Ok(diesel::update(
        oauth_code::table
            .find(id)
            .filter(oauth_code::used.eq(false)),
    )
    .set(oauth_code::used.eq(true))
    .execute(conn)?
        == 1)
}

/// Drops expired codes.
pub fn prune_codes(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(oauth_code::table.filter(oauth_code::expires.lt(now))).execute(conn)?)
}

/// An access token.
#[derive(Debug, Clone, Queryable)]
pub struct Token {
    /// Row id.
    pub id: i64,
    /// SHA-256 hex of the token.
    pub token_hash: String,
    /// The app (none for a token made on the command line).
    pub app_id: Option<i64>,
    /// The channel it acts as (none for an app-level client-credentials token).
    pub channel_id: Option<i64>,
    /// The code it was exchanged for, if any.
    pub code_id: Option<i64>,
    /// Name shown on the apps page.
    pub name: String,
    /// Granted scopes, space separated.
    pub scopes: String,
    /// Issue time.
    pub created: NaiveDateTime,
    /// Last use (updated at most every few minutes).
    pub last_used: NaiveDateTime,
}

/// Stores a new token; returns its row id.
#[allow(clippy::too_many_arguments)]
pub fn insert_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    app_id: Option<i64>,
    channel_id: Option<i64>,
    code_id: Option<i64>,
    name: &str,
    scopes: &str,
    at: NaiveDateTime,
) -> Result<i64> {
    Ok(diesel::insert_into(oauth_token::table)
        .values((
            oauth_token::token_hash.eq(token_hash),
            oauth_token::app_id.eq(app_id),
            oauth_token::channel_id.eq(channel_id),
            oauth_token::code_id.eq(code_id),
            oauth_token::name.eq(name),
            oauth_token::scopes.eq(scopes),
            oauth_token::created.eq(at),
            oauth_token::last_used.eq(at),
        ))
        .returning(oauth_token::id)
        .get_result(conn)?)
}

/// A token by its hash.
pub fn find_token(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<Token>> {
    Ok(oauth_token::table
        .filter(oauth_token::token_hash.eq(token_hash))
        .first::<Token>(conn)
        .optional()?)
}

/// The tokens acting as one of these channels, newest first.
pub fn tokens_of_channels(conn: &mut AnyConnection, channels: &[i64]) -> Result<Vec<Token>> {
    Ok(oauth_token::table
        .filter(oauth_token::channel_id.eq_any(channels.to_vec()))
        .order(oauth_token::id.desc())
        .load::<Token>(conn)?)
}

/// Records a token's use.
pub fn touch_token(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> Result<()> {
    diesel::update(oauth_token::table.find(id))
        .set(oauth_token::last_used.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Deletes a token; returns how many rows went.
pub fn delete_token(conn: &mut AnyConnection, id: i64) -> Result<usize> {
    Ok(diesel::delete(oauth_token::table.find(id)).execute(conn)?)
}

/// Deletes the tokens exchanged for a code (a replayed code revokes them).
pub fn delete_tokens_of_code(conn: &mut AnyConnection, code_id: i64) -> Result<usize> {
    Ok(
        diesel::delete(oauth_token::table.filter(oauth_token::code_id.eq(code_id)))
            .execute(conn)?,
    )
}
