//! Who is asking: the session cookie (signed and encrypted by actix-session, HttpOnly,
//! SameSite=Lax) holds the account id and the CSRF token. Every form posts the token back;
//! [`check_csrf`] refuses a missing or wrong one with 403.

use actix_session::Session;
use base64::Engine;
use rand::RngCore;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service;
use crate::service::account::Account;
use crate::templates::{PageCtx, ViewerInfo};

const ACCOUNT_KEY: &str = "account_id";
const CSRF_KEY: &str = "csrf";

/// A form that carries nothing but the CSRF token (logout, approve). A missing token reads as
/// empty and is refused by [`check_csrf`].
#[derive(Debug, serde::Deserialize)]
pub struct CsrfOnly {
    /// The token.
    #[serde(default)]
    pub csrf: String,
}

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(CSRF_KEY) {
        return t;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    if let Err(e) = session.insert(CSRF_KEY, &token) {
        tracing::warn!(error = %e, "could not store the CSRF token");
    }
    token
}

/// Refuses a form whose token is missing or differs from the session's.
pub fn check_csrf(session: &Session, submitted: &str) -> Result<()> {
    let expected = session
        .get::<String>(CSRF_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    let same = !expected.is_empty()
        && expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::Forbidden(
            "This form has expired or did not come from this site. Please reload the page and try again.",
        )))
    }
}

/// The logged-in account, if any (and still valid).
pub async fn viewer(ctx: &Ctx, session: &Session) -> Result<Option<Account>> {
    let Ok(Some(id)) = session.get::<i64>(ACCOUNT_KEY) else {
        return Ok(None);
    };
    let account = service::account::find(ctx, id).await?;
    if account.is_none() {
        session.purge();
    }
    Ok(account)
}

/// The logged-in account, or `NotLoggedIn`.
pub async fn require_viewer(ctx: &Ctx, session: &Session) -> Result<Account> {
    viewer(ctx, session)
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotLoggedIn))
}

/// Starts a logged-in session (a fresh session id and CSRF token against fixation).
pub fn log_in(session: &Session, account_id: i64) -> Result<()> {
    session.renew();
    session.remove(CSRF_KEY);
    session
        .insert(ACCOUNT_KEY, account_id)
        .map_err(|e| Error::internal(anyhow::anyhow!("session: {e}")))
}

/// Ends the session.
pub fn log_out(session: &Session) {
    session.purge();
}

/// The layout context of a page.
pub fn page_ctx(ctx: &Ctx, session: &Session, title: &str, viewer: Option<&Account>) -> PageCtx {
    PageCtx {
        site_name: ctx.config.site_name.clone(),
        title: title.to_string(),
        viewer: viewer.map(|a| ViewerInfo {
            email: a.account_email.clone(),
            admin: a.account_admin,
        }),
        csrf: csrf_token(session),
    }
}
