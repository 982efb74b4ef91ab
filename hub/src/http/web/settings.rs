//! Account settings: change the password (which logs out every other session), change the
//! email address (applied when the link mailed to the new address is followed), see and end
//! the account's sessions ("log out everywhere"), and delete the whole account after the grace
//! period (or cancel that).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{client_ip, form_status, see_other};
use crate::ctx::Ctx;
use crate::error::{ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{
    CsrfOnly, check_csrf, flash, log_in, page_ctx, page_text, page_text_with, require_viewer,
    session_token,
};
use crate::http::templates::{SessionView, SettingsPage};
use crate::service;
use crate::service::account::Account;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/settings", get => get_settings);
    resource!(cfg, "/settings/password", post => post_password);
    resource!(cfg, "/settings/logout-everywhere", post => post_logout_everywhere);
    resource!(cfg, "/settings/email", post => post_email);
    resource!(cfg, "/settings/email/confirm/{token}", get => get_email_confirm);
    resource!(cfg, "/settings/delete", post => post_delete_account);
    resource!(cfg, "/settings/delete/cancel", post => post_cancel_delete_account);
}

/// What a settings page shows besides the account: the input and error of one form.
#[derive(Debug, Default)]
struct Forms {
    message: Option<String>,
    /// The password form's error.
    error: Option<String>,
    email_input: String,
    email_error: Option<String>,
    delete_error: Option<String>,
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
    forms: Forms,
    status: StatusCode,
) -> Result<HttpResponse> {
    let pending_email = service::lifecycle::pending_email(ctx, account.account_id).await?;
    let token = session_token(session).unwrap_or_default();
    let sessions = service::session::list(ctx, account.account_id, &token).await?;
    let page = SettingsPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("settings-title"),
        email: account.account_email.clone(),
        sessions: sessions
            .into_iter()
            .map(|s| SessionView {
                created: s.created.format("%Y-%m-%d %H:%M UTC").to_string(),
                seen: s.seen.format("%Y-%m-%d %H:%M UTC").to_string(),
                agent: if s.agent.is_empty() {
                    page_text(ctx, session, "settings-unknown-browser")
                } else {
                    s.agent
                },
                current: s.current,
            })
            .collect(),
        message: forms.message,
        error: forms.error,
        pending_email,
        email_input: forms.email_input,
        email_error: forms.email_error,
        delete_after: account
            .account_delete_after
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        delete_error: forms.delete_error,
        grace_days: ctx.config.accounts.delete_grace_days,
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
        "password" => Some(page_text(&ctx, &session, "settings-password-changed")),
        _ => None,
    };
    let forms = Forms {
        message,
        ..Forms::default()
    };
    settings_page(&ctx, &session, &account, forms, StatusCode::OK).await
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
            let forms = Forms {
                error: Some(e.kind.safe_message()),
                ..Forms::default()
            };
            settings_page(&ctx, &session, &account, forms, status).await
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

/// The email form.
#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// POST /settings/email
async fn post_email(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let client = client_ip(&ctx, &req);
    match service::lifecycle::request_email_change(
        &ctx,
        &account,
        &form.email,
        &form.password,
        client,
    )
    .await
    {
        Ok(()) => {
            flash(&session, page_text(&ctx, &session, "settings-email-mailed"));
            Ok(see_other("/settings"))
        }
        Err(e) if e.kind.field().is_some() || e.kind == ErrorKind::RateLimited => {
            let status = form_status(&e);
            let forms = Forms {
                email_input: form.email.chars().take(300).collect(),
                email_error: Some(e.kind.safe_message()),
                ..Forms::default()
            };
            settings_page(&ctx, &session, &account, forms, status).await
        }
        Err(e) => Err(e),
    }
}

/// GET /settings/email/confirm/{token}: the link mailed to the new address.
async fn get_email_confirm(
    ctx: web::Data<Ctx>,
    session: Session,
    token: web::Path<String>,
) -> Result<HttpResponse> {
    let email = service::lifecycle::confirm_email_change(&ctx, &token).await?;
    flash(
        &session,
        page_text_with(
            &ctx,
            &session,
            "settings-email-changed",
            &[("email", email.into())],
        ),
    );
    let logged_in = crate::http::session::viewer(&ctx, &session)
        .await?
        .is_some();
    Ok(see_other(if logged_in { "/settings" } else { "/login" }))
}

/// The delete-account form.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// POST /settings/delete
async fn post_delete_account(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    match service::lifecycle::schedule_account_deletion(&ctx, &account, &form.password).await {
        Ok(at) => {
            flash(
                &session,
                page_text_with(
                    &ctx,
                    &session,
                    "settings-delete-flash",
                    &[("when", at.format("%Y-%m-%d %H:%M UTC").to_string().into())],
                ),
            );
            Ok(see_other("/settings"))
        }
        Err(e) if e.kind.field().is_some() => {
            let status = form_status(&e);
            let forms = Forms {
                delete_error: Some(e.kind.safe_message()),
                ..Forms::default()
            };
            settings_page(&ctx, &session, &account, forms, status).await
        }
        Err(e) => Err(e),
    }
}

/// POST /settings/delete/cancel
async fn post_cancel_delete_account(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    service::lifecycle::cancel_account_deletion(&ctx, &account).await?;
    flash(
        &session,
        page_text(&ctx, &session, "settings-delete-cancelled"),
    );
    Ok(see_other("/settings"))
}
