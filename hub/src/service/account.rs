//! Accounts: registration under the site's policy, email verification, login, password reset
//! and admin approval. Passwords are argon2id; mailed links carry a random token of which only
//! the SHA-256 is stored, valid once and for a limited time.

use std::net::IpAddr;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result, ResultExt};
use crate::mail::Mail;
use crate::service::site;
use crate::store::{self, AnyConnection};

pub use crate::store::account::Account;

/// Longest password accepted, in characters (argon2 would take more; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

const TOKEN_EMAIL: &str = "email";
const TOKEN_RESET: &str = "reset";

/// What happened after a successful registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    /// A verification link was mailed.
    VerificationSent,
    /// A verification link was mailed; an admin must also approve the account.
    VerificationSentAwaitingApproval,
}

/// Lowercases and checks an email address.
pub fn normalize_email(raw: &str) -> Result<String> {
    let email = raw.trim().to_lowercase();
    let invalid = || Error::invalid("email", "Please enter a valid email address.");
    if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS {
        return Err(invalid());
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(invalid());
    };
    if local.is_empty() || domain.is_empty() || domain.starts_with('.') || domain.ends_with('.') {
        return Err(invalid());
    }
    if email.parse::<lettre::Address>().is_err() {
        return Err(invalid());
    }
    Ok(email)
}

/// Checks a new password against the account rules.
pub fn check_password(password: &str, min_len: usize, email: &str) -> Result<()> {
    let n = password.chars().count();
    if n > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("Passwords may be at most {MAX_PASSWORD_CHARS} characters long."),
        ));
    }
    if n < min_len {
        return Err(Error::invalid(
            "password",
            format!("Please choose a password of at least {min_len} characters."),
        ));
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_other = password.chars().any(|c| !c.is_alphabetic());
    let distinct = password
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len();
    let lower = password.to_lowercase();
    if !has_letter
        || !has_other
        || distinct < 5
        || lower == email
        || COMMON.contains(&lower.as_str())
    {
        return Err(Error::invalid(
            "password",
            "This password is too easy to guess. Mix letters with digits or symbols.",
        ));
    }
    Ok(())
}

/// A few passwords that pass the length rule but are guessed first.
const COMMON: &[&str] = &[
    "password123",
    "password1234",
    "qwerty12345",
    "1234567890a",
    "iloveyou123",
    "welcome1234",
    "letmein1234",
    "password!23",
];

fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(anyhow::anyhow!("argon2: {e}")))
}

fn password_matches(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A random URL-safe token and the hash stored for it.
fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Runs blocking CPU work (argon2) off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .context("blocking task")
}

/// Counts a request that sends mail (registration, password reset) against the client's
/// hourly allowance.
fn limit_mail_requests(ctx: &Ctx, client: IpAddr) -> Result<()> {
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
    let pw = password.to_string();
    let hash = blocking(move || hash_password(&pw)).await??;
    let now = ctx.clock.now_db();
    let expires = now + Duration::hours(i64::from(ctx.config.accounts.verify_link_hours));
    let config = ctx.config.clone();
    let (token, token_hash) = new_token();
    let email2 = email.clone();
    let approved = ctx
        .db
        .tx(move |conn| {
            let first = store::account::count(conn)? == 0;
            let policy = site::register_policy(conn, &config)?;
            if policy == RegisterPolicy::Closed && !first {
                return Err(Error::new(ErrorKind::Forbidden(
                    "Registration on this hub is closed.",
                )));
            }
            if store::account::find_by_email(conn, &email2)?.is_some() {
                return Err(Error::conflict(
                    "email",
                    "An account with this email address already exists. Log in instead, \
                     or reset your password.",
                ));
            }
            let approved = first || policy == RegisterPolicy::Open;
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
            )
            .map_err(duplicate_email)?;
            store::account::insert_token(conn, id, TOKEN_EMAIL, &token_hash, expires)?;
            if first {
                tracing::info!(email = %email2, "first account registered: it is the hub admin");
            }
            Ok(approved)
        })
        .await?;
    send_verification(ctx, &email, &token).await;
    Ok(if approved {
        Registered::VerificationSent
    } else {
        Registered::VerificationSentAwaitingApproval
    })
}

/// A unique violation on insert means a concurrent registration won the race.
fn duplicate_email(e: Error) -> Error {
    if store::caused_by_unique_violation(&e) {
        Error::conflict(
            "email",
            "An account with this email address already exists.",
        )
    } else {
        e
    }
}

/// Mails the verification link. A mail failure is logged, not fatal: the account exists, and
/// logging in sends a fresh link.
async fn send_verification(ctx: &Ctx, email: &str, token: &str) {
    let link = format!("{}/verify/{token}", ctx.config.site_url());
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

/// Creates an account from the command line: verified and approved; admin if asked or if it
/// is the first account.
pub async fn create_verified(ctx: &Ctx, email: &str, password: &str, admin: bool) -> Result<i64> {
    let email = normalize_email(email)?;
    check_password(password, ctx.config.accounts.min_password_len, &email)?;
    let pw = password.to_string();
    let hash = blocking(move || hash_password(&pw)).await??;
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
            .map_err(duplicate_email)
        })
        .await
}

/// Looks up a one-time token without using it: unknown, used and expired tokens are refused
/// with a message that says which.
fn check_token(
    conn: &mut AnyConnection,
    kind: &'static str,
    token: &str,
    now: chrono::NaiveDateTime,
) -> Result<store::account::Token> {
    let invalid = |reason: &str| Error::invalid("token", reason.to_string());
    if token.is_empty() || token.len() > 128 {
        return Err(invalid("This link is not valid."));
    }
    let row = store::account::find_token(conn, kind, &token_hash(token))?
        .ok_or_else(|| invalid("This link is not valid."))?;
    if row.verify_used {
        return Err(invalid("This link was already used."));
    }
    if row.verify_expires <= now {
        return Err(invalid(
            "This link has expired. Ask for a new one (logging in sends a new verification link).",
        ));
    }
    Ok(row)
}

/// Checks and uses up a one-time token; returns its account. A concurrent second use loses.
fn consume_token(
    conn: &mut AnyConnection,
    kind: &'static str,
    token: &str,
    now: chrono::NaiveDateTime,
) -> Result<i64> {
    let invalid = |reason: &str| Error::invalid("token", reason.to_string());
    let row = check_token(conn, kind, token, now)?;
    if !store::account::update_token_used(conn, row.id)? {
        return Err(invalid("This link was already used."));
    }
    Ok(row.verify_account)
}

/// Confirms an email address from the mailed link.
pub async fn verify_email(ctx: &Ctx, token: &str) -> Result<Account> {
    let token = token.to_string();
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            let id = consume_token(conn, TOKEN_EMAIL, &token, now)?;
            store::account::update_verified(conn, id)?;
            store::account::find(conn, id)?.ok_or_else(|| Error::new(ErrorKind::NotFound))
        })
        .await
}

/// Checks email and password. Unverified accounts get a fresh verification link and an
/// explanation; accounts awaiting approval are told so.
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
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(wrong());
    }
    let e2 = email.clone();
    let account = ctx
        .db
        .run(move |conn| store::account::find_by_email(conn, &e2))
        .await?;
    // Hash even for unknown accounts, so timing does not reveal which emails exist.
    let phc = account
        .as_ref()
        .map(|a| a.account_password.clone())
        .unwrap_or_else(|| {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
         6J0a0VgqyqSLFMGSmNM9o5Fq1Sx3hkQ3eN4mNcmU0bE"
                .to_string()
        });
    let pw = password.to_string();
    let ok = blocking(move || password_matches(&pw, &phc)).await?;
    let account = match account {
        Some(a) if ok => a,
        _ => return Err(wrong()),
    };
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
    Ok(account)
}

/// Mails a password reset link if the address has an account. Answers the same either way, so
/// the form does not reveal who has an account.
pub async fn request_reset(ctx: &Ctx, email: &str, client: IpAddr) -> Result<()> {
    limit_mail_requests(ctx, client)?;
    let email = normalize_email(email)?;
    let (token, hash) = new_token();
    let expires =
        ctx.clock.now_db() + Duration::minutes(i64::from(ctx.config.accounts.reset_link_minutes));
    let e2 = email.clone();
    let found = ctx
        .db
        .tx(
            move |conn| match store::account::find_by_email(conn, &e2)? {
                Some(a) => {
                    store::account::insert_token(conn, a.account_id, TOKEN_RESET, &hash, expires)?;
                    Ok(true)
                }
                None => Ok(false),
            },
        )
        .await?;
    if found {
        let link = format!("{}/reset/{token}", ctx.config.site_url());
        let mail = Mail {
            to: email,
            subject: format!("Reset your password on {}", ctx.config.site_name),
            body: format!(
                "Somebody asked to reset the password of this account.\n\n\
                 To choose a new password, open this link:\n\n{link}\n\n\
                 The link is valid for {mins} minutes and can be used once.\n\
                 If it was not you, ignore this mail: your password stays as it is.\n",
                mins = ctx.config.accounts.reset_link_minutes,
            ),
        };
        if let Err(e) = ctx.mailer.send(mail).await {
            tracing::error!(error = %e, "could not send the password reset mail");
        }
    }
    Ok(())
}

/// Checks that a reset link is usable without consuming it (to show the form).
pub async fn check_reset_token(ctx: &Ctx, token: &str) -> Result<()> {
    let token = token.to_string();
    let now = ctx.clock.now_db();
    ctx.db
        .run(move |conn| check_token(conn, TOKEN_RESET, &token, now).map(|_| ()))
        .await
}

/// Sets a new password from a reset link.
pub async fn reset_password(ctx: &Ctx, token: &str, password: &str) -> Result<()> {
    let token = token.to_string();
    let now = ctx.clock.now_db();
    let min = ctx.config.accounts.min_password_len;
    let pw = password.to_string();
    let hash = blocking(move || hash_password(&pw)).await??;
    let password = password.to_string();
    ctx.db
        .tx(move |conn| {
            let id = consume_token(conn, TOKEN_RESET, &token, now)?;
            let account =
                store::account::find(conn, id)?.ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            check_password(&password, min, &account.account_email)?;
            store::account::update_password(conn, id, &hash)?;
            // A reset proves the mailbox, like a verification link.
            store::account::update_verified(conn, id)
        })
        .await
}

/// Finds an account by id.
pub async fn find(ctx: &Ctx, id: i64) -> Result<Option<Account>> {
    ctx.db.run(move |conn| store::account::find(conn, id)).await
}

/// Accounts waiting for approval (admin).
pub async fn pending(ctx: &Ctx) -> Result<Vec<Account>> {
    ctx.db.run(store::account::find_pending).await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_malformed_ones_refused() {
        assert_eq!(
            normalize_email(" Alice@Example.ORG ").unwrap(),
            "alice@example.org"
        );
        for bad in [
            "",
            "alice",
            "@example.org",
            "alice@",
            "al ice@example.org",
            "a@b@",
            "a@.x",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(normalize_email(&long).is_err());
    }

    #[test]
    fn weak_and_overlong_passwords_are_refused() {
        assert!(check_password("Correct-Horse-42", 10, "a@b.c").is_ok());
        assert!(check_password("short1!", 10, "a@b.c").is_err());
        assert!(check_password("aaaaaaaaaaaa", 10, "a@b.c").is_err());
        assert!(check_password("abcdefghijkl", 10, "a@b.c").is_err());
        assert!(check_password("password123", 10, "a@b.c").is_err());
        assert!(check_password(&"Ab1".repeat(100), 10, "a@b.c").is_err());
    }

    #[test]
    fn tokens_hash_stably_and_differ() {
        let (t1, h1) = new_token();
        let (t2, _) = new_token();
        assert_ne!(t1, t2);
        assert_eq!(token_hash(&t1), h1);
        assert_eq!(t1.len(), 43);
    }
}
