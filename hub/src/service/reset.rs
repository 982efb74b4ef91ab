//! Password reset by mailed link: asking for a link (answered alike whether or not the address
//! has an account), checking a link, and setting the new password. The link is checked before
//! any password is hashed, submissions are rate-limited per client address, and a successful
//! reset voids every other reset link of the account and ends all its sessions.

use std::net::IpAddr;

use chrono::Duration;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::mail::Mail;
use crate::service::account::limit_mail_requests;
use crate::service::credentials::{
    TOKEN_RESET, check_password, check_token, consume_token, new_token, normalize_email,
};
use crate::store;

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
        let link = ctx.uris.reset_link(&token);
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

/// Sets a new password from a reset link. Order matters: rate limit, then the link (a bogus
/// link costs one indexed lookup), then the password rules, then the bounded hash, then one
/// transaction that uses the link, voids the account's other reset links, stores the password
/// and ends every session.
pub async fn reset_password(ctx: &Ctx, token: &str, password: &str, client: IpAddr) -> Result<()> {
    ctx.limiter.hit(
        "reset",
        client,
        ctx.config.limits.reset_per_minute,
        Duration::minutes(1),
        ctx.clock.now(),
    )?;
    let now = ctx.clock.now_db();
    let t = token.to_string();
    let account = ctx
        .db
        .run(move |conn| {
            let row = check_token(conn, TOKEN_RESET, &t, now)?;
            store::account::find(conn, row.verify_account)
        })
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    check_password(
        password,
        ctx.config.accounts.min_password_len,
        &account.account_email,
    )?;
    let hash = ctx.hasher.hash(password).await?;
    let token = token.to_string();
    let id = ctx
        .db
        .tx(move |conn| {
            let id = consume_token(conn, TOKEN_RESET, &token, now)?;
            store::account::update_tokens_used_of_account(conn, id, TOKEN_RESET)?;
            store::account::update_password(conn, id, &hash)?;
            // A reset proves the mailbox, like a verification link.
            store::account::update_verified(conn, id)?;
            store::session::delete_by_account(conn, id)?;
            Ok(id)
        })
        .await?;
    tracing::info!(
        account = id,
        "password reset; sessions and other reset links revoked"
    );
    Ok(())
}
