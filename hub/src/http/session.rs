//! Who is asking: the session cookie (signed and encrypted by actix-session, HttpOnly,
//! SameSite=Lax) holds the CSRF token and, once logged in, the random token of a server-side
//! session (`service::session`), so logging out, a password change or reset, a suspension or
//! "log out everywhere" ends it even in a copied cookie. Every form posts the CSRF token back;
//! [`check_csrf`] refuses a missing or wrong one with 403.

use actix_session::Session;
use base64::Engine;
use rand::RngCore;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::templates::{PageCtx, ViewerInfo};
use crate::service;
use crate::service::account::Account;
use crate::service::perms::Observer;

const SESSION_KEY: &str = "sid";
/// A visitor session from another hub (OpenWebAuth): its token, and the address shown.
const VISITOR_KEY: &str = "vid";
const VISITOR_ADDR_KEY: &str = "vaddr";
const CSRF_KEY: &str = "csrf";
/// Messages for the next page (post/redirect/get).
const FLASH_KEY: &str = "flash";
/// The channel the header is about.
const CHANNEL_KEY: &str = "chan";
/// The visitor's language.
const LANG_KEY: &str = "lang";

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

/// The token of the server-side session this cookie carries, if any.
pub fn session_token(session: &Session) -> Option<String> {
    session.get::<String>(SESSION_KEY).ok().flatten()
}

/// The logged-in account, if the cookie names a session that is still valid.
pub async fn viewer(ctx: &Ctx, session: &Session) -> Result<Option<Account>> {
    let Some(token) = session_token(session) else {
        return Ok(None);
    };
    let account = service::session::resolve(ctx, &token).await?;
    if account.is_none() {
        session.remove(SESSION_KEY);
    }
    Ok(account)
}

/// Who is asking: a logged-in account, a visitor from another hub, or nobody.
#[derive(Debug, Clone, Default)]
pub struct Who {
    /// The logged-in account.
    pub account: Option<Account>,
    /// A visitor recognised by OpenWebAuth (only when no account is logged in).
    pub visitor: Option<service::owa::Visitor>,
}

impl Who {
    /// The observer the permission decider takes.
    pub fn observer(&self) -> Observer {
        match (&self.account, &self.visitor) {
            (Some(a), _) => Observer::Account(a.account_id),
            (None, Some(v)) => Observer::Identity(v.hash.clone()),
            (None, None) => Observer::Anonymous,
        }
    }
}

/// Who is asking, from the cookie; a visitor session that ended is forgotten.
pub async fn who(ctx: &Ctx, session: &Session) -> Result<Who> {
    let account = viewer(ctx, session).await?;
    if account.is_some() {
        return Ok(Who {
            account,
            visitor: None,
        });
    }
    let Some(token) = session.get::<String>(VISITOR_KEY).ok().flatten() else {
        return Ok(Who::default());
    };
    let visitor = service::owa::visitor(ctx, &token).await?;
    if visitor.is_none() {
        session.remove(VISITOR_KEY);
        session.remove(VISITOR_ADDR_KEY);
    }
    Ok(Who {
        account: None,
        visitor,
    })
}

/// Starts a visitor session in this cookie (a fresh cookie, against fixation).
pub fn start_visit(session: &Session, token: &str, visitor: &service::owa::Visitor) {
    session.renew();
    if session.insert(VISITOR_KEY, token).is_err()
        || session.insert(VISITOR_ADDR_KEY, &visitor.address).is_err()
    {
        tracing::warn!("could not store the visitor session");
    }
}

/// Ends the visitor session, server-side and in the cookie.
pub async fn end_visit(ctx: &Ctx, session: &Session) -> Result<()> {
    if let Some(token) = session.get::<String>(VISITOR_KEY).ok().flatten() {
        service::owa::leave(ctx, &token).await?;
    }
    session.remove(VISITOR_KEY);
    session.remove(VISITOR_ADDR_KEY);
    Ok(())
}

/// The logged-in account, or `NotLoggedIn`.
pub async fn require_viewer(ctx: &Ctx, session: &Session) -> Result<Account> {
    viewer(ctx, session)
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotLoggedIn))
}

/// Starts a logged-in session: a new server-side session, and a fresh cookie and CSRF token
/// against fixation.
pub async fn log_in(ctx: &Ctx, session: &Session, account_id: i64, agent: &str) -> Result<()> {
    let token = service::session::create(ctx, account_id, agent).await?;
    session.renew();
    session.remove(CSRF_KEY);
    session
        .insert(SESSION_KEY, token)
        .map_err(|e| Error::internal(anyhow::anyhow!("session: {e}")))
}

/// Ends the session, server-side and in the cookie: the cookie is emptied and renewed, keeping
/// only the language, so the next page can say "you are logged out".
pub async fn log_out(ctx: &Ctx, session: &Session) -> Result<()> {
    if let Some(token) = session_token(session) {
        service::session::revoke(ctx, &token).await?;
    }
    let lang = session.get::<String>(LANG_KEY).ok().flatten();
    session.clear();
    session.renew();
    if let Some(lang) = lang {
        set_language(session, &lang);
    }
    Ok(())
}

/// The layout context of a page: the site's look, the viewer's language, time zone, channels
/// and unread notifications, and the flash messages waiting in the session (taken here, so
/// each shows once).
pub async fn page_ctx(
    ctx: &Ctx,
    session: &Session,
    title: &str,
    viewer: Option<&Account>,
) -> PageCtx {
    let chosen = session.get::<String>(CHANNEL_KEY).ok().flatten();
    let frame = match service::preferences::frame(ctx, viewer.map(|a| a.account_id), chosen).await {
        Ok(f) => Some(f),
        Err(e) => {
            tracing::warn!(error = %e, "page frame unavailable");
            None
        }
    };
    let session_lang = session.get::<String>(LANG_KEY).ok().flatten();
    let chosen_lang = frame
        .as_ref()
        .map(|f| f.prefs.language.clone())
        .filter(|l| !l.is_empty())
        .or(session_lang);
    let lang = chosen_lang
        .and_then(|l| ctx.i18n.supported(&l))
        .unwrap_or(crate::i18n::DEFAULT_LANG);
    let flash = take_flash(session);
    let mut page = PageCtx {
        site_name: ctx.config.site_name.clone(),
        title: title.to_string(),
        viewer: viewer.map(|a| ViewerInfo {
            email: a.account_email.clone(),
            admin: a.account_admin,
        }),
        visiting: if viewer.is_none() {
            session.get::<String>(VISITOR_ADDR_KEY).ok().flatten()
        } else {
            None
        },
        csrf: csrf_token(session),
        min_password_len: ctx.config.accounts.min_password_len,
        lang,
        tz: chrono_tz::UTC,
        i18n: ctx.i18n.clone(),
        flash,
        channels: Vec::new(),
        current: None,
        unread: 0,
        logo: String::new(),
        accent: service::preferences::DEFAULT_ACCENT.to_string(),
        languages: ctx.i18n.languages(),
    };
    if let Some(f) = frame {
        page.site_name = f.look.site_name;
        page.logo = f.look.logo;
        page.accent = f.look.accent;
        page.tz = f.prefs.timezone;
        page.channels = f.channels;
        page.current = f.current;
        page.unread = f.unread;
    }
    page
}

/// Queues a message for the next page this session sees (after a redirect).
pub fn flash(session: &Session, message: impl Into<String>) {
    let mut list = session
        .get::<Vec<String>>(FLASH_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    if list.len() < 5 {
        list.push(message.into());
    }
    if let Err(e) = session.insert(FLASH_KEY, list) {
        tracing::warn!(error = %e, "could not store a flash message");
    }
}

fn take_flash(session: &Session) -> Vec<String> {
    match session.remove_as::<Vec<String>>(FLASH_KEY) {
        Some(Ok(list)) => list,
        _ => Vec::new(),
    }
}

/// Remembers which of the account's channels the header is about (the switcher).
pub fn choose_channel(session: &Session, nick: &str) {
    if let Err(e) = session.insert(CHANNEL_KEY, nick) {
        tracing::warn!(error = %e, "could not store the chosen channel");
    }
}

/// The language a visitor chose in the footer, or one negotiated from their browser.
pub fn set_language(session: &Session, lang: &str) {
    if let Err(e) = session.insert(LANG_KEY, lang) {
        tracing::warn!(error = %e, "could not store the language");
    }
}

/// A catalogue message in this session's language (for flash messages, set before a redirect).
pub fn page_text(ctx: &Ctx, session: &Session, id: &str) -> String {
    ctx.i18n.text(session_language(ctx, session), id)
}

/// The language this session chose (or was negotiated), if the catalogue has it; else English.
fn session_language(ctx: &Ctx, session: &Session) -> &'static str {
    session
        .get::<String>(LANG_KEY)
        .ok()
        .flatten()
        .and_then(|l| ctx.i18n.supported(&l))
        .unwrap_or(crate::i18n::DEFAULT_LANG)
}

/// A catalogue message with arguments in this session's language.
pub fn page_text_with(
    ctx: &Ctx,
    session: &Session,
    id: &str,
    args: &[(&str, crate::i18n::Arg)],
) -> String {
    ctx.i18n.text_with(session_language(ctx, session), id, args)
}

/// Whether the session already holds a language.
pub fn has_language(session: &Session) -> bool {
    session.contains_key(LANG_KEY)
}
