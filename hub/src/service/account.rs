//! Accounts: registration under the site's policy (answering alike whether or not the address
//! already has an account), email verification, login with per-address and per-account
//! limits, password change, and the admin's approval and suspension. Password rules and tokens
//! are `credentials`; reset links are `reset`; sessions are `session`.

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};

use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::mail::Mail;
use crate::service::credentials::{
    TOKEN_EMAIL, check_password, consume_token, new_token, normalize_email,
};
use crate::service::{lookalike, site};
use crate::store;

use crate::store::account::Account as AccountRow;

/// An account as the rest of the hub sees it: everything but the password hash, which never
/// leaves this module and `credentials`.
#[derive(Debug, Clone)]
pub struct Account {
    /// Account id.
    pub account_id: i64,
    /// Lowercased email address.
    pub account_email: String,
    /// The email address was confirmed.
    pub account_verified: bool,
    /// Approved (by an admin or the policy).
    pub account_approved: bool,
    /// Hub administrator.
    pub account_admin: bool,
    /// Creation time.
    pub account_created: NaiveDateTime,
    /// Suspended by an admin.
    pub account_suspended: bool,
    /// Scheduled for deletion after this time (`service::lifecycle`).
    pub account_delete_after: Option<NaiveDateTime>,
}

impl From<AccountRow> for Account {
    fn from(a: AccountRow) -> Self {
        Self {
            account_id: a.account_id,
            account_email: a.account_email,
            account_verified: a.account_verified,
            account_approved: a.account_approved,
            account_admin: a.account_admin,
            account_created: a.account_created,
            account_suspended: a.account_suspended,
            account_delete_after: a.account_delete_after,
        }
    }
}

/// What happened after a registration form was accepted. An address that already has an
/// account gets the same answer (its owner is mailed instead), so the form does not reveal who
/// has an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    /// A verification link was mailed.
    VerificationSent,
    /// A verification link was mailed; an admin must also approve the account.
    VerificationSentAwaitingApproval,
}

/// Counts a request that sends mail (registration, password reset) against the client's
/// hourly allowance.
pub(crate) fn limit_mail_requests(ctx: &Ctx, client: IpAddr) -> Result<()> {
    ctx.limiter.hit(
        "register",
        client,
        ctx.config.limits.register_per_hour,
        Duration::hours(1),
        ctx.clock.now(),
    )
}

/// Registers an account from the web. The first account of a fresh hub becomes its admin and
/// needs no approval.
pub async fn register(
    ctx: &Ctx,
    email: &str,
    password: &str,
    client: IpAddr,
) -> Result<Registered> {
    limit_mail_requests(ctx, client)?;
    let email = normalize_email(email)?;
    check_password(password, ctx.config.accounts.min_password_len, &email)?;
    // Hashed whether or not the address is taken, so both answers take the same time.
    let hash = ctx.hasher.hash(password).await?;
    let now = ctx.clock.now_db();
    let expires = now + Duration::hours(i64::from(ctx.config.accounts.verify_link_hours));
    let config = ctx.config.clone();
    let (token, token_hash) = new_token();
    let email2 = email.clone();
    let outcome = ctx
        .db
        .tx(move |conn| {
            let first = store::account::count(conn)? == 0;
            let policy = site::register_policy(conn, &config)?;
            if policy == RegisterPolicy::Closed && !first {
                return Err(Error::new(ErrorKind::Forbidden(
                    "Registration on this hub is closed.",
                )));
            }
            let approved = first || policy == RegisterPolicy::Open;
            if store::account::find_by_email(conn, &email2)?.is_some() {
                return Ok((approved, false));
            }
            let id = store::account::insert(
                conn,
                &store::account::NewAccount {
                    account_email: &email2,
                    account_password: &hash,
                    account_verified: false,
                    account_approved: approved,
                    account_admin: first,
                    account_created: now,
                },
            )?;
            store::account::insert_token(conn, id, TOKEN_EMAIL, &token_hash, expires)?;
            if first {
                tracing::info!(email = %email2, "first account registered: it is the hub admin");
            }
            Ok((approved, true))
        })
        .await;
    let (approved, created) = match outcome {
        Ok(o) => o,
        // A concurrent registration of the same address won the race: answer as for a taken one.
        Err(e) if store::caused_by_unique_violation(&e) => (true, false),
        Err(e) => return Err(e),
    };
    if created {
        send_verification(ctx, &email, &token).await;
    } else {
        send_already_registered(ctx, &email).await;
    }
    Ok(if approved {
        Registered::VerificationSent
    } else {
        Registered::VerificationSentAwaitingApproval
    })
}

/// Mails the verification link. A mail failure is logged, not fatal: the account exists, and
/// logging in sends a fresh link.
async fn send_verification(ctx: &Ctx, email: &str, token: &str) {
    let link = ctx.uris.verify_link(token);
    let mail = Mail {
        to: email.to_string(),
        subject: format!("Confirm your email address for {}", ctx.config.site_name),
        body: format!(
            "Welcome to {name}.\n\nPlease confirm your email address by opening this link:\n\n\
             {link}\n\nThe link is valid for {hours} hours and can be used once.\n\
             If you did not register, ignore this mail.\n",
            name = ctx.config.site_name,
            hours = ctx.config.accounts.verify_link_hours,
        ),
    };
    if let Err(e) = ctx.mailer.send(mail).await {
        tracing::error!(error = %e, "could not send the verification mail");
    }
}

/// Tells the owner of an address that somebody tried to register with it.
async fn send_already_registered(ctx: &Ctx, email: &str) {
    let (login, reset) = (ctx.uris.page("/login"), ctx.uris.page("/reset"));
    let mail = Mail {
        to: email.to_string(),
        subject: format!(
            "Someone tried to register with your address on {}",
            ctx.config.site_name
        ),
        body: format!(
            "Somebody, perhaps you, tried to register a new account on {name} with this email \
             address. It already has an account, so nothing was created.\n\n\
             If it was you: log in at {login}, or choose a new password at {reset}.\n\
             If it was not you, ignore this mail: your account is unchanged.\n",
            name = ctx.config.site_name,
        ),
    };
    if let Err(e) = ctx.mailer.send(mail).await {
        tracing::error!(error = %e, "could not send the already-registered mail");
    }
}

/// Creates an account from the command line: verified and approved; admin if asked or if it
/// is the first account.
pub async fn create_verified(ctx: &Ctx, email: &str, password: &str, admin: bool) -> Result<i64> {
    let email = normalize_email(email)?;
    check_password(password, ctx.config.accounts.min_password_len, &email)?;
    let hash = ctx.hasher.hash(password).await?;
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            let first = store::account::count(conn)? == 0;
            if store::account::find_by_email(conn, &email)?.is_some() {
                return Err(Error::conflict(
                    "email",
                    "An account with this email address already exists.",
                ));
            }
            store::account::insert(
                conn,
                &store::account::NewAccount {
                    account_email: &email,
                    account_password: &hash,
                    account_verified: true,
                    account_approved: true,
                    account_admin: admin || first,
                    account_created: now,
                },
            )
            .map_err(|e| {
                if store::caused_by_unique_violation(&e) {
                    Error::conflict(
                        "email",
                        "An account with this email address already exists.",
                    )
                } else {
                    e
                }
            })
        })
        .await
}

/// Confirms an email address from the mailed link.
pub async fn verify_email(ctx: &Ctx, token: &str) -> Result<Account> {
    let token = token.to_string();
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            let id = consume_token(conn, TOKEN_EMAIL, &token, now)?;
            store::account::update_verified(conn, id)?;
            store::account::find(conn, id)?
                .map(Account::from)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))
        })
        .await
}

/// How long logins of an account with `failures` wrong passwords in a row are refused: none
/// below the configured threshold, then 30 s doubling per further failure up to the maximum.
pub fn login_backoff(failures: u32, threshold: u32, max_minutes: u32) -> Option<Duration> {
    if failures < threshold.max(1) {
        return None;
    }
    let doublings = (failures - threshold.max(1)).min(20);
    let secs = 30i64.saturating_mul(1i64 << doublings);
    Some(Duration::seconds(secs.min(i64::from(max_minutes) * 60)))
}

fn blocked(account: &AccountRow, now: NaiveDateTime) -> bool {
    account.account_login_blocked_until.is_some_and(|t| t > now)
}

/// Checks email and password. The client address and the account each have a limit: after
/// `limits.login_failures_before_backoff` wrong passwords in a row the account refuses logins
/// for a doubling wait, checked before any hashing. Unverified accounts get a fresh
/// verification link and an explanation; accounts awaiting approval or suspended are told so.
pub async fn login(ctx: &Ctx, email: &str, password: &str, client: IpAddr) -> Result<Account> {
    ctx.limiter.hit(
        "login",
        client,
        ctx.config.limits.login_per_minute,
        Duration::minutes(1),
        ctx.clock.now(),
    )?;
    let wrong = || Error::invalid("password", "Wrong email address or password.");
    let Ok(email) = normalize_email(email) else {
        return Err(wrong());
    };
    if password.chars().count() > crate::service::credentials::MAX_PASSWORD_CHARS {
        return Err(wrong());
    }
    let e2 = email.clone();
    let account = ctx
        .db
        .run(move |conn| store::account::find_by_email(conn, &e2))
        .await?;
    if account
        .as_ref()
        .is_some_and(|a| blocked(a, ctx.clock.now_db()))
    {
        return Err(Error::new(ErrorKind::RateLimited));
    }
    // Verified even for unknown accounts (against a dummy hash), so timing does not reveal
    // which emails exist.
    let phc = account.as_ref().map(|a| a.account_password.clone());
    let ok = ctx.hasher.verify(password, phc.as_deref()).await?;
    let account = match account {
        Some(a) if ok => a,
        Some(a) => {
            record_failure(ctx, &a).await?;
            return Err(wrong());
        }
        None => return Err(wrong()),
    };
    if account.account_suspended {
        return Err(Error::new(ErrorKind::Forbidden(
            "This account is suspended. Please contact the hub's admin.",
        )));
    }
    if !account.account_verified {
        let (token, hash) = new_token();
        let id = account.account_id;
        let expires =
            ctx.clock.now_db() + Duration::hours(i64::from(ctx.config.accounts.verify_link_hours));
        ctx.db
            .tx(move |conn| store::account::insert_token(conn, id, TOKEN_EMAIL, &hash, expires))
            .await?;
        send_verification(ctx, &account.account_email, &token).await;
        return Err(Error::new(ErrorKind::Forbidden(
            "Please confirm your email address first. We have just mailed you a new link.",
        )));
    }
    if !account.account_approved {
        return Err(Error::new(ErrorKind::Forbidden(
            "Your account is waiting for approval by the hub's admin.",
        )));
    }
    let id = account.account_id;
    let now = ctx.clock.now_db();
    ctx.db
        .run(move |conn| store::account::update_lastlog(conn, id, now))
        .await?;
    Ok(account.into())
}

async fn record_failure(ctx: &Ctx, account: &AccountRow) -> Result<()> {
    let id = account.account_id;
    let now = ctx.clock.now_db();
    let limits = ctx.config.limits.clone();
    ctx.db
        .tx(move |conn| {
            let current = store::account::find(conn, id)?
                .map_or(0, |a| a.account_login_failures)
                .max(0);
            let failures = current.saturating_add(1);
            let until = login_backoff(
                failures.unsigned_abs(),
                limits.login_failures_before_backoff,
                limits.login_backoff_max_minutes,
            )
            .map(|d| now + d);
            if until.is_some() {
                tracing::warn!(
                    account = id,
                    failures,
                    "repeated wrong passwords: login slowed down"
                );
            }
            store::account::update_login_failure(conn, id, failures, until)
        })
        .await
}

/// Changes the password of a logged-in account after checking the current one, and ends every
/// session of the account (the caller starts a fresh one for the browser that asked).
pub async fn change_password(ctx: &Ctx, account: &Account, current: &str, new: &str) -> Result<()> {
    let id = account.account_id;
    let stored = ctx
        .db
        .run(move |conn| store::account::find(conn, id))
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    if current.chars().count() > crate::service::credentials::MAX_PASSWORD_CHARS
        || !ctx
            .hasher
            .verify(current, Some(&stored.account_password))
            .await?
    {
        return Err(Error::invalid(
            "current",
            "This is not your current password.",
        ));
    }
    check_password(
        new,
        ctx.config.accounts.min_password_len,
        &account.account_email,
    )?;
    let hash = ctx.hasher.hash(new).await?;
    let id = account.account_id;
    ctx.db
        .tx(move |conn| {
            store::account::update_password(conn, id, &hash)?;
            store::session::delete_by_account(conn, id)?;
            Ok(())
        })
        .await
}

/// Finds an account by email address (normalised first).
pub async fn find_by_email(ctx: &Ctx, email: &str) -> Result<Option<Account>> {
    let email = normalize_email(email)?;
    Ok(ctx
        .db
        .run(move |conn| store::account::find_by_email(conn, &email))
        .await?
        .map(Account::from))
}

/// Finds an account by id.
pub async fn find(ctx: &Ctx, id: i64) -> Result<Option<Account>> {
    Ok(ctx
        .db
        .run(move |conn| store::account::find(conn, id))
        .await?
        .map(Account::from))
}

/// An account as the admin sees it in a list.
#[derive(Debug, Clone)]
pub struct AccountSummary {
    /// Account id.
    pub id: i64,
    /// Email address.
    pub email: String,
    /// Creation time.
    pub created: NaiveDateTime,
    /// Waiting for approval.
    pub pending: bool,
    /// Suspended.
    pub suspended: bool,
    /// Hub admin.
    pub admin: bool,
    /// A warning when the address mixes scripts (a lookalike of another address).
    pub lookalike: Option<String>,
}

fn summary(a: AccountRow) -> AccountSummary {
    AccountSummary {
        id: a.account_id,
        lookalike: lookalike::mixed_script_note(&a.account_email),
        email: a.account_email,
        created: a.account_created,
        pending: !a.account_approved,
        suspended: a.account_suspended,
        admin: a.account_admin,
    }
}

/// Accounts waiting for approval (admin).
pub async fn pending(ctx: &Ctx) -> Result<Vec<AccountSummary>> {
    let rows = ctx.db.run(store::account::find_pending).await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// The hub's accounts, oldest first, at most `limit` (admin).
pub async fn all(ctx: &Ctx, limit: i64) -> Result<Vec<AccountSummary>> {
    let rows = ctx
        .db
        .run(move |conn| store::account::find_all(conn, limit))
        .await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// Approves an account (admin).
pub async fn approve(ctx: &Ctx, account_id: i64) -> Result<()> {
    let n = ctx
        .db
        .tx(move |conn| store::account::update_approved(conn, account_id))
        .await?;
    if n == 0 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    Ok(())
}

/// Suspends an account (ending all its sessions) or reinstates it (admin). An admin cannot
/// suspend their own account.
pub async fn set_suspended(
    ctx: &Ctx,
    by_admin: i64,
    account_id: i64,
    suspended: bool,
) -> Result<()> {
    if suspended && by_admin == account_id {
        return Err(Error::new(ErrorKind::Forbidden(
            "You cannot suspend your own account.",
        )));
    }
    let n = ctx
        .db
        .tx(move |conn| {
            let n = store::account::update_suspended(conn, account_id, suspended)?;
            if suspended {
                store::session::delete_by_account(conn, account_id)?;
            }
            Ok(n)
        })
        .await?;
    if n == 0 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    tracing::info!(
        account = account_id,
        suspended,
        by = by_admin,
        "account suspension changed"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_backoff_doubles_from_the_threshold_up_to_the_maximum() {
        assert_eq!(login_backoff(4, 5, 15), None);
        assert_eq!(login_backoff(5, 5, 15), Some(Duration::seconds(30)));
        assert_eq!(login_backoff(6, 5, 15), Some(Duration::seconds(60)));
        assert_eq!(login_backoff(9, 5, 15), Some(Duration::seconds(480)));
        assert_eq!(login_backoff(10, 5, 15), Some(Duration::minutes(15)));
        assert_eq!(login_backoff(500, 5, 15), Some(Duration::minutes(15)));
    }
}
