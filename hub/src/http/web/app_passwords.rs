//! App passwords on the Authorised apps page: make one (shown once, for WebDAV and file sync
//! clients) and revoke one. The page itself is `http::api::oauth::apps_page`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::see_other;
use crate::ctx::Ctx;
use crate::error::{ErrorKind, Result};
use crate::http::api::oauth::apps_page;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, require_viewer};
use crate::service::app_password;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/settings/apps/password", post => post_create);
    resource!(cfg, "/settings/apps/password/revoke", post => post_revoke);
}

#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// POST /settings/apps/password: the new password is on the answer, once.
async fn post_create(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    match app_password::create(&ctx, account.account_id, &form.name).await {
        Ok(secret) => {
            let made = Some((form.name.trim().to_string(), secret));
            apps_page(&ctx, &session, &account, None, None, made, StatusCode::OK).await
        }
        Err(e) => match &e.kind {
            ErrorKind::Invalid { reason, .. } => {
                let why = Some(reason.clone());
                apps_page(
                    &ctx,
                    &session,
                    &account,
                    None,
                    why,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            _ => Err(e),
        },
    }
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: i64,
}

/// POST /settings/apps/password/revoke
async fn post_revoke(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    app_password::revoke(&ctx, account.account_id, form.id).await?;
    Ok(see_other("/settings/apps?done=password-revoked"))
}
