//! The forms and files of the page frame itself: the site's look as a stylesheet
//! (`/look.css`, the admin's accent colour, since the CSP allows no inline styles), the footer's
//! language choice (`/language`) and the header's channel switcher (`/channels/switch`).

use actix_session::Session;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{safe_next, see_other};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::routes::resource;
use crate::http::session::{check_csrf, choose_channel, require_viewer, set_language};
use crate::service;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/look.css", get => get_look_css);
    resource!(cfg, "/language", post => post_language);
    resource!(cfg, "/channels/switch", post => post_switch);
}

/// `#rrggbb` as three bytes (the look only stores valid ones).
fn rgb(hex: &str) -> [u8; 3] {
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| {
        h.get(i..i + 2)
            .and_then(|b| u8::from_str_radix(b, 16).ok())
            .unwrap_or(0)
    };
    [byte(0), byte(2), byte(4)]
}

/// The accent lightened towards white by `t` (0..1), for text on the dark background.
fn lighten(c: [u8; 3], t: f64) -> String {
    let mix = |v: u8| {
        let v = f64::from(v);
        // Bounded to 0..=255 before the cast.
        (v + (255.0 - v) * t).round().clamp(0.0, 255.0) as u8
    };
    format!("#{:02x}{:02x}{:02x}", mix(c[0]), mix(c[1]), mix(c[2]))
}

/// GET /look.css: the accent colour as custom properties, light and dark.
async fn get_look_css(ctx: web::Data<Ctx>) -> Result<HttpResponse> {
    let look = service::preferences::look(&ctx).await?;
    let c = rgb(&look.accent);
    let css = format!(
        ":root{{--accent:{a};--accent-soft:{soft}}}\n\
         @media (prefers-color-scheme: dark){{:root{{--accent:{dark};--accent-soft:{dsoft}33;--on-accent:#17130f}}}}\n",
        a = look.accent,
        soft = lighten(c, 0.88),
        dark = lighten(c, 0.55),
        dsoft = lighten(c, 0.3),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        // The link carries the colour in its query, so a change is a new URL.
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(css))
}

/// The language form.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
}

/// Back to the page the form was on (the same-origin `Referer`), else home.
fn back(req: &HttpRequest, ctx: &Ctx) -> String {
    let base = ctx.uris.base();
    req.headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix(base.trim_end_matches('/')))
        .and_then(safe_next)
        .unwrap_or("/")
        .to_string()
}

/// POST /language: the language of this browser's pages (and the account's, when logged in).
async fn post_language(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let lang = ctx
        .i18n
        .supported(&form.lang)
        .ok_or_else(|| Error::new(ErrorKind::BadRequest("This language is not offered here.")))?;
    set_language(&session, lang);
    if let Some(account) = crate::http::session::viewer(&ctx, &session).await? {
        let prefs = service::preferences::prefs(&ctx, account.account_id).await?;
        service::preferences::set_prefs(&ctx, account.account_id, lang, prefs.timezone.name())
            .await?;
    }
    Ok(see_other(&back(&req, &ctx)))
}

/// The switcher's form.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    nick: String,
}

/// POST /channels/switch: the header is about another of the account's channels.
async fn post_switch(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let mine = service::channel::of_account(&ctx, account.account_id).await?;
    let channel = mine
        .iter()
        .find(|c| c.channel_address == form.nick)
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    choose_channel(&session, &channel.channel_address);
    Ok(see_other(&format!("/channel/{}", channel.channel_address)))
}

/// Middleware: a browser's first page in a language it prefers (`Accept-Language`), when the
/// hub ships it and the session has none yet. English needs nothing stored, so English
/// browsers get no cookie from this.
pub async fn negotiate_language(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> std::result::Result<
    actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
    actix_web::Error,
> {
    use actix_session::SessionExt;
    let page_request = req.method() == actix_web::http::Method::GET
        && !req.path().starts_with("/api/")
        && !req.path().starts_with("/static/")
        && !req.path().starts_with("/dav/");
    if page_request
        && let Some(header) = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        && let Some(ctx) = req.app_data::<web::Data<Ctx>>()
    {
        let lang = ctx.i18n.negotiate(header);
        let session = req.get_session();
        if lang != crate::i18n::DEFAULT_LANG && !crate::http::session::has_language(&session) {
            set_language(&session, lang);
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dark_accent_is_lighter() {
        assert_eq!(lighten([0, 0, 0], 0.5), "#808080");
        assert_eq!(lighten([255, 255, 255], 0.5), "#ffffff");
        assert_eq!(rgb("#7a4e2d"), [0x7a, 0x4e, 0x2d]);
    }
}
