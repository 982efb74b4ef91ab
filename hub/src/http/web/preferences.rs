//! The forms that change how pages look: a person's language and time zone (on /settings) and
//! the hub admin's site name, logo and accent colour (on /admin). Both answer with a redirect
//! and a flash message, the error included (the fields are prefilled from the layout).

use actix_session::Session;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::see_other;
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::routes::resource;
use crate::http::session::{check_csrf, flash, page_text, require_viewer, set_language};
use crate::service;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/settings/preferences", post => post_preferences);
    resource!(cfg, "/admin/look", post => post_look);
}

/// The language and time zone form.
#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    timezone: String,
}

/// POST /settings/preferences
async fn post_preferences(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<PreferencesForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    match service::preferences::set_prefs(&ctx, account.account_id, &form.language, &form.timezone)
        .await
    {
        Ok(()) => {
            if !form.language.is_empty() {
                set_language(&session, &form.language);
            }
            flash(&session, page_text(&ctx, &session, "settings-saved"));
        }
        Err(e) if e.kind.field().is_some() => flash(&session, e.kind.safe_message()),
        Err(e) => return Err(e),
    }
    Ok(see_other("/settings#preferences"))
}

/// The site look form.
#[derive(Debug, Deserialize)]
pub struct LookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    site_name: String,
    #[serde(default)]
    logo: String,
    #[serde(default)]
    accent: String,
}

/// POST /admin/look
async fn post_look(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<LookForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    if !account.account_admin {
        return Err(Error::new(ErrorKind::Forbidden(
            "Only the hub's admins change its look.",
        )));
    }
    match service::preferences::set_look(&ctx, &form.site_name, &form.logo, &form.accent).await {
        Ok(()) => flash(&session, page_text(&ctx, &session, "admin-look-saved")),
        Err(e) if e.kind.field().is_some() => flash(&session, e.kind.safe_message()),
        Err(e) => return Err(e),
    }
    Ok(see_other("/admin#look"))
}
