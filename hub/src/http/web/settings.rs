//! Account settings: change the password (which logs out every other session) and see and end
//! the account's sessions ("log out everywhere").

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{CsrfOnly, check_csrf, log_in, page_ctx, require_viewer, session_token};
use crate::http::templates::{SessionView, SettingsPage};
use crate::service;
use crate::service::account::Account;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/settings", get => get_settings);
    resource!(cfg, "/settings/password", post => post_password);
    resource!(cfg, "/settings/logout-everywhere", post => post_logout_everywhere);
}

/// `?done=…` after a successful form.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn settings_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let token = session_token(session).unwrap_or_default();
    let sessions = service::session::list(ctx, account.account_id, &token).await?;
    let page = SettingsPage {
        page: page_ctx(ctx, session, "Settings", Some(account)),
        email: account.account_email.clone(),
        sessions: sessions
            .into_iter()
            .map(|s| SessionView {
                created: s.created.format("%Y-%m-%d %H:%M UTC").to_string(),
                seen: s.seen.format("%Y-%m-%d %H:%M UTC").to_string(),
                agent: if s.agent.is_empty() {
                    "Unknown browser".into()
                } else {
                    s.agent
                },
                current: s.current,
            })
            .collect(),
        message,
        error,
    };
    Ok(render(status, &page))
}

/// GET /settings
async fn get_settings(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    let message = match query.done.as_str() {
        "password" => Some("Your password is changed. Every other session was logged out.".into()),
        _ => None,
    };
    settings_page(&ctx, &session, &account, message, None, StatusCode::OK).await
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

/// POST /settings/password
async fn post_password(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    match service::account::change_password(&ctx, &account, &form.current, &form.password).await {
        Ok(()) => {
            let agent = req
                .headers()
                .get("user-agent")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            log_in(&ctx, &session, account.account_id, agent).await?;
            Ok(see_other("/settings?done=password"))
        }
        Err(e) if e.kind.field().is_some() => {
            let status = form_status(&e);
            settings_page(
                &ctx,
                &session,
                &account,
                None,
                Some(e.kind.safe_message()),
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// POST /settings/logout-everywhere
async fn post_logout_everywhere(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let n = service::session::revoke_all(&ctx, account.account_id).await?;
    tracing::info!(
        account = account.account_id,
        sessions = n,
        "logged out everywhere"
    );
    session.purge();
    Ok(see_other("/"))
}
