//! App passwords and HTTP Basic sign-in for WebDAV and file sync clients. An app password is a
//! random secret shown once and stored hashed; it signs in one account, and revoking it ends
//! it at once. Basic sign-in takes the account's email or one of its channels' nicknames, with
//! an app password or the account password (checked like a login, with its limits; a success
//! is remembered for a few minutes against the stored hash, so clients that send the password
//! with every request do not cost an argon2 run each).

use std::net::IpAddr;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::account::{self, Account};
use crate::service::credentials::{MAX_PASSWORD_CHARS, new_token, token_hash};
use crate::store;

/// Longest name of an app password.
const MAX_NAME: usize = 100;
/// Most app passwords per account.
const MAX_PER_ACCOUNT: i64 = 50;
/// How long a checked account password is remembered.
const REMEMBER: std::time::Duration = std::time::Duration::from_secs(300);
/// App passwords start with this, so they are told from account passwords without a lookup.
const PREFIX: &str = "cvn-";

/// An app password as its owner sees it (never the secret, after creation).
#[derive(Debug, Clone)]
pub struct AppPassword {
    /// Row id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Made.
    pub created: chrono::NaiveDateTime,
    /// Last used.
    pub last_used: Option<chrono::NaiveDateTime>,
}

impl From<store::dav::AppPassword> for AppPassword {
    fn from(r: store::dav::AppPassword) -> Self {
        Self {
            id: r.id,
            name: r.name,
            created: r.created,
            last_used: r.last_used,
        }
    }
}

/// Makes an app password for the account; returns the secret (shown once).
pub async fn create(ctx: &Ctx, account_id: i64, name: &str) -> Result<String> {
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            format!("Name the password (1 to {MAX_NAME} characters), e.g. \"laptop sync\"."),
        ));
    }
    let (token, _) = new_token();
    let secret = format!("{PREFIX}{token}");
    let hash = token_hash(&secret);
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            if store::dav::count_app_passwords(conn, account_id)? >= MAX_PER_ACCOUNT {
                return Err(Error::invalid(
                    "name",
                    format!("An account has at most {MAX_PER_ACCOUNT} app passwords."),
                ));
            }
            store::dav::insert_app_password(conn, account_id, &name, &hash, now)
        })
        .await?;
    Ok(secret)
}

/// The account's app passwords, newest first.
pub async fn list(ctx: &Ctx, account_id: i64) -> Result<Vec<AppPassword>> {
    let rows = ctx
        .db
        .run(move |conn| store::dav::app_passwords(conn, account_id))
        .await?;
    Ok(rows.into_iter().map(AppPassword::from).collect())
}

/// Revokes one of the account's app passwords.
pub async fn revoke(ctx: &Ctx, account_id: i64, id: i64) -> Result<()> {
    let gone = ctx
        .db
        .tx(move |conn| store::dav::delete_app_password(conn, account_id, id))
        .await?;
    if gone {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::NotFound))
    }
}

fn refused() -> Error {
    Error::new(ErrorKind::Unauthorized("Wrong user name or password"))
}

/// Signs in a Basic `user` (email or channel nickname) with an app password or the account
/// password.
pub async fn basic(ctx: &Ctx, user: &str, password: &str, client: IpAddr) -> Result<Account> {
    if user.is_empty()
        || user.len() > 254
        || password.is_empty()
        || password.chars().count() > MAX_PASSWORD_CHARS
    {
        return Err(refused());
    }
    let u = user.trim().to_lowercase();
    let row = ctx
        .db
        .run(move |conn| {
            if u.contains('@') {
                return store::account::find_by_email(conn, &u);
            }
            match store::channel::find_by_address(conn, &u)? {
                Some(ch) => store::account::find(conn, ch.channel_account_id),
                None => Ok(None),
            }
        })
        .await?;
    if password.starts_with(PREFIX) {
        let hash = token_hash(password);
        let now = ctx.clock.now_db();
        let found = ctx
            .db
            .run(move |conn| {
                let Some(p) = store::dav::find_app_password(conn, &hash)? else {
                    return Ok(None);
                };
                if p.last_used
                    .is_none_or(|t| now - t > chrono::Duration::minutes(1))
                {
                    store::dav::touch_app_password(conn, p.id, now)?;
                }
                Ok(Some(p.account_id))
            })
            .await?;
        return match (found, row) {
            (Some(id), Some(a)) if id == a.account_id && usable(&a) => Ok(a.into()),
            _ => Err(refused()),
        };
    }
    let Some(a) = row else {
        // Same cost as a known account.
        let _ = ctx.hasher.verify(password, None).await;
        return Err(refused());
    };
    // A remembered success skips argon2; anything else is a full login with its limits.
    if usable(&a)
        && ctx
            .hasher
            .remembered(password, &a.account_password, REMEMBER)
    {
        return Ok(a.into());
    }
    let email = a.account_email.clone();
    let account = account::login(ctx, &email, password, client)
        .await
        .map_err(|e| match e.kind {
            ErrorKind::RateLimited => e,
            _ => refused(),
        })?;
    ctx.hasher.remember(password, &a.account_password, REMEMBER);
    Ok(account)
}

fn usable(a: &store::account::Account) -> bool {
    a.account_verified && a.account_approved && !a.account_suspended
}
