//! Login sessions, kept server-side so they can be revoked: the browser's cookie carries a
//! random token, the database its SHA-256 and the account. A session ends at logout, after
//! `accounts.session_idle_hours` without a request, `accounts.session_max_days` after the
//! login, when its account's password changes or is reset, when the account is suspended, and
//! with "log out everywhere". Shared by every `hub serve` process on one database.

use chrono::{Duration, NaiveDateTime};

use crate::ctx::Ctx;
use crate::error::Result;
use crate::service::account::Account;
use crate::service::credentials::{new_token, token_hash};
use crate::store;

/// A session's last-seen time is written at most this often (not on every request).
const SEEN_GRANULARITY_MINUTES: i64 = 5;
/// Longest User-Agent kept with a session.
const MAX_AGENT_CHARS: usize = 120;

/// One of an account's active sessions, as shown on its settings page.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// Login time.
    pub created: NaiveDateTime,
    /// Last request (to within a few minutes).
    pub seen: NaiveDateTime,
    /// The browser, as it named itself at login.
    pub agent: String,
    /// The session asking.
    pub current: bool,
}

fn lifetimes(ctx: &Ctx) -> (Duration, Duration) {
    (
        Duration::hours(i64::from(ctx.config.accounts.session_idle_hours)),
        Duration::days(i64::from(ctx.config.accounts.session_max_days)),
    )
}

/// Starts a session for an account; returns the token for the cookie. Expired sessions of the
/// whole hub are pruned on the way, so the table stays bounded.
pub async fn create(ctx: &Ctx, account_id: i64, agent: &str) -> Result<String> {
    let (token, hash) = new_token();
    let now = ctx.clock.now_db();
    let (idle, max) = lifetimes(ctx);
    let agent: String = agent
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_AGENT_CHARS)
        .collect();
    ctx.db
        .tx(move |conn| {
            store::session::delete_expired(conn, now - idle, now - max)?;
            store::session::insert(conn, &hash, account_id, now, &agent)
        })
        .await?;
    Ok(token)
}

/// The account a session token belongs to, if the session is still valid and the account may
/// still log in. An expired session is deleted.
pub async fn resolve(ctx: &Ctx, token: &str) -> Result<Option<Account>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let now = ctx.clock.now_db();
    let (idle, max) = lifetimes(ctx);
    ctx.db
        .run(move |conn| {
            let Some(s) = store::session::find_by_token(conn, &hash)? else {
                return Ok(None);
            };
            if s.session_seen + idle <= now || s.session_created + max <= now {
                store::session::delete(conn, s.session_id)?;
                return Ok(None);
            }
            let account = store::account::find(conn, s.session_account)?
                .filter(|a| !a.account_suspended && a.account_approved && a.account_verified);
            let Some(account) = account else {
                store::session::delete(conn, s.session_id)?;
                return Ok(None);
            };
            let account = Account::from(account);
            if s.session_seen + Duration::minutes(SEEN_GRANULARITY_MINUTES) <= now {
                store::session::update_seen(conn, s.session_id, now)?;
            }
            Ok(Some(account))
        })
        .await
}

/// Ends one session (logout).
pub async fn revoke(ctx: &Ctx, token: &str) -> Result<()> {
    let hash = token_hash(token);
    ctx.db
        .run(move |conn| {
            if let Some(s) = store::session::find_by_token(conn, &hash)? {
                store::session::delete(conn, s.session_id)?;
            }
            Ok(())
        })
        .await
}

/// Ends every session of an account ("log out everywhere"); returns how many ended.
pub async fn revoke_all(ctx: &Ctx, account_id: i64) -> Result<usize> {
    ctx.db
        .run(move |conn| store::session::delete_by_account(conn, account_id))
        .await
}

/// The account's sessions, newest activity first; `current` marks the one holding `token`.
pub async fn list(ctx: &Ctx, account_id: i64, token: &str) -> Result<Vec<ActiveSession>> {
    let current = token_hash(token);
    let rows = ctx
        .db
        .run(move |conn| store::session::find_by_account(conn, account_id))
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| ActiveSession {
            created: s.session_created,
            seen: s.session_seen,
            agent: s.session_agent,
            current: s.session_token_hash == current,
        })
        .collect())
}
