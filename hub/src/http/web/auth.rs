//! Account pages: register, verify email, log in, log out, password reset.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{client_ip, form_status, see_other};
use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::{ErrorKind, Result};
use crate::http::errors::render;
use crate::http::session::{CsrfOnly, check_csrf, log_in, log_out, page_ctx, viewer};
use crate::service::{self, account::Registered};
use crate::templates::{LoginPage, NoticePage, RegisterPage, ResetPage, ResetRequestPage};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/register", web::get().to(get_register))
        .route("/register", web::post().to(post_register))
        .route("/verify/{token}", web::get().to(get_verify))
        .route("/login", web::get().to(get_login))
        .route("/login", web::post().to(post_login))
        .route("/logout", web::post().to(post_logout))
        .route("/reset", web::get().to(get_reset_request))
        .route("/reset", web::post().to(post_reset_request))
        .route("/reset/{token}", web::get().to(get_reset))
        .route("/reset/{token}", web::post().to(post_reset));
}

/// Fields of the register and login forms. Missing fields read as empty so that they get a
/// field error (or 403 for the CSRF token), not a parse error.
#[derive(Debug, Deserialize)]
pub struct CredentialsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn register_page(
    ctx: &Ctx,
    session: &Session,
    email: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let policy = service::site::current_register_policy(ctx).await?;
    let possible = service::site::web_registration_possible(ctx).await?;
    let viewer = viewer(ctx, session).await?;
    let page = RegisterPage {
        page: page_ctx(ctx, session, "Register", viewer.as_ref()),
        email,
        error,
        closed: !possible,
        approval: policy == RegisterPolicy::Approve,
    };
    Ok(render(status, &page))
}

/// GET /register
async fn get_register(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    register_page(&ctx, &session, String::new(), None, StatusCode::OK).await
}

/// POST /register
async fn post_register(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    form: web::Form<CredentialsForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    match service::account::register(&ctx, &form.email, &form.password, client_ip(&req)).await {
        Ok(outcome) => {
            let message = match outcome {
                Registered::VerificationSent => {
                    "Check your mail: we sent you a link to confirm your email address. \
                     Open it, then log in."
                }
                Registered::VerificationSentAwaitingApproval => {
                    "Check your mail: we sent you a link to confirm your email address. \
                     The hub's admin will also approve your account before you can log in."
                }
            };
            let viewer = viewer(&ctx, &session).await?;
            Ok(render(
                StatusCode::OK,
                &NoticePage {
                    page: page_ctx(&ctx, &session, "Check your mail", viewer.as_ref()),
                    heading: "Almost there".into(),
                    message: message.into(),
                    link: None,
                },
            ))
        }
        Err(e) if e.kind.field().is_some() || matches!(e.kind, ErrorKind::Forbidden(_)) => {
            let status = form_status(&e);
            let msg = e.kind.safe_message();
            register_page(&ctx, &session, form.email.clone(), Some(msg), status).await
        }
        Err(e) => Err(e),
    }
}

/// GET /verify/{token}
async fn get_verify(
    ctx: web::Data<Ctx>,
    session: Session,
    token: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = viewer(&ctx, &session).await?;
    let (status, heading, message, link) = match service::account::verify_email(&ctx, &token).await
    {
        Ok(account) if account.account_approved => (
            StatusCode::OK,
            "Email confirmed",
            "Thank you, your email address is confirmed. You can log in now.".to_string(),
            Some(("/login".to_string(), "Log in".to_string())),
        ),
        Ok(_) => (
            StatusCode::OK,
            "Email confirmed",
            "Thank you, your email address is confirmed. The hub's admin will approve your \
             account; you can log in after that."
                .to_string(),
            Some(("/login".to_string(), "Log in".to_string())),
        ),
        Err(e) if e.kind.field() == Some("token") => (
            form_status(&e),
            "This link does not work",
            e.kind.safe_message(),
            Some(("/login".to_string(), "Log in".to_string())),
        ),
        Err(e) => return Err(e),
    };
    Ok(render(
        status,
        &NoticePage {
            page: page_ctx(&ctx, &session, heading, viewer.as_ref()),
            heading: heading.into(),
            message,
            link,
        },
    ))
}

fn login_page(
    ctx: &Ctx,
    session: &Session,
    email: String,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let page = LoginPage {
        page: page_ctx(ctx, session, "Log in", None),
        email,
        error,
    };
    render(status, &page)
}

/// GET /login
async fn get_login(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    if viewer(&ctx, &session).await?.is_some() {
        return Ok(see_other("/channels"));
    }
    Ok(login_page(
        &ctx,
        &session,
        String::new(),
        None,
        StatusCode::OK,
    ))
}

/// POST /login
async fn post_login(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    form: web::Form<CredentialsForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    match service::account::login(&ctx, &form.email, &form.password, client_ip(&req)).await {
        Ok(account) => {
            log_in(&session, account.account_id)?;
            Ok(see_other("/channels"))
        }
        Err(e) if e.kind.field().is_some() || matches!(e.kind, ErrorKind::Forbidden(_)) => {
            let status = form_status(&e);
            Ok(login_page(
                &ctx,
                &session,
                form.email.clone(),
                Some(e.kind.safe_message()),
                status,
            ))
        }
        Err(e) => Err(e),
    }
}

/// POST /logout
async fn post_logout(session: Session, form: web::Form<CsrfOnly>) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    log_out(&session);
    Ok(see_other("/"))
}

/// GET /reset
async fn get_reset_request(ctx: web::Data<Ctx>, session: Session) -> HttpResponse {
    render(
        StatusCode::OK,
        &ResetRequestPage {
            page: page_ctx(&ctx, &session, "Reset password", None),
            error: None,
        },
    )
}

/// POST /reset
async fn post_reset_request(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    form: web::Form<CredentialsForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    match service::account::request_reset(&ctx, &form.email, client_ip(&req)).await {
        Ok(()) => Ok(render(
            StatusCode::OK,
            &NoticePage {
                page: page_ctx(&ctx, &session, "Check your mail", None),
                heading: "Check your mail".into(),
                message: "If an account has this email address, we have sent it a link to \
                          choose a new password."
                    .into(),
                link: None,
            },
        )),
        Err(e) if e.kind.field().is_some() => Ok(render(
            form_status(&e),
            &ResetRequestPage {
                page: page_ctx(&ctx, &session, "Reset password", None),
                error: Some(e.kind.safe_message()),
            },
        )),
        Err(e) => Err(e),
    }
}

fn bad_link_page(ctx: &Ctx, session: &Session, e: &crate::error::Error) -> HttpResponse {
    render(
        form_status(e),
        &NoticePage {
            page: page_ctx(ctx, session, "This link does not work", None),
            heading: "This link does not work".into(),
            message: e.kind.safe_message(),
            link: Some(("/reset".into(), "Ask for a new link".into())),
        },
    )
}

/// GET /reset/{token}
async fn get_reset(
    ctx: web::Data<Ctx>,
    session: Session,
    token: web::Path<String>,
) -> Result<HttpResponse> {
    match service::account::check_reset_token(&ctx, &token).await {
        Ok(()) => Ok(render(
            StatusCode::OK,
            &ResetPage {
                page: page_ctx(&ctx, &session, "Choose a new password", None),
                token: token.into_inner(),
                error: None,
            },
        )),
        Err(e) if e.kind.field() == Some("token") => Ok(bad_link_page(&ctx, &session, &e)),
        Err(e) => Err(e),
    }
}

/// POST /reset/{token}
async fn post_reset(
    ctx: web::Data<Ctx>,
    session: Session,
    token: web::Path<String>,
    form: web::Form<CredentialsForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    match service::account::reset_password(&ctx, &token, &form.password).await {
        Ok(()) => Ok(render(
            StatusCode::OK,
            &NoticePage {
                page: page_ctx(&ctx, &session, "Password changed", None),
                heading: "Password changed".into(),
                message: "Your new password is set. You can log in with it now.".into(),
                link: Some(("/login".into(), "Log in".into())),
            },
        )),
        Err(e) if e.kind.field() == Some("token") => Ok(bad_link_page(&ctx, &session, &e)),
        Err(e) if e.kind.field().is_some() => Ok(render(
            form_status(&e),
            &ResetPage {
                page: page_ctx(&ctx, &session, "Choose a new password", None),
                token: token.into_inner(),
                error: Some(e.kind.safe_message()),
            },
        )),
        Err(e) => Err(e),
    }
}
