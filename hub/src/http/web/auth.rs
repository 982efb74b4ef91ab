//! Account pages: register, verify email, log in (back to the page the visitor came from), log
//! out, password reset, and the notices shown after a successful form (post/redirect/get).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{client_ip, form_status, safe_next, see_other};
use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{CsrfOnly, check_csrf, log_in, log_out, page_ctx, viewer};
use crate::http::templates::{LoginPage, NoticePage, RegisterPage, ResetPage, ResetRequestPage};
use crate::service::{self, account::Registered};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/register", get => get_register, post => post_register);
    resource!(cfg, "/verify/{token}", get => get_verify);
    resource!(cfg, "/login", get => get_login, post => post_login);
    resource!(cfg, "/logout", post => post_logout);
    resource!(cfg, "/reset", get => get_reset_request, post => post_reset_request);
    resource!(cfg, "/reset/{token}", get => get_reset, post => post_reset);
    resource!(cfg, "/notice/{which}", get => get_notice);
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
    /// Login only: where to go afterwards.
    #[serde(default)]
    next: String,
}

/// A notice page: heading, message, and an optional (href, label) link.
type Notice = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// The notices a successful form redirects to.
fn notice_text(which: &str) -> Option<Notice> {
    Some(match which {
        "registered" => (
            "Almost there",
            "Check your mail: we sent you a link to confirm your email address. Open it, then \
             log in.",
            None,
        ),
        "registered-approval" => (
            "Almost there",
            "Check your mail: we sent you a link to confirm your email address. The hub's admin \
             will also approve your account before you can log in.",
            None,
        ),
        "reset-sent" => (
            "Check your mail",
            "If an account has this email address, we have sent it a link to choose a new \
             password.",
            None,
        ),
        "password-reset" => (
            "Password changed",
            "Your new password is set, and every session of your account has been logged out. \
             You can log in with it now.",
            Some(("/login", "Log in")),
        ),
        _ => return None,
    })
}

/// GET /notice/{which}
async fn get_notice(
    ctx: web::Data<Ctx>,
    session: Session,
    which: web::Path<String>,
) -> Result<HttpResponse> {
    let (heading, message, link) =
        notice_text(&which).ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let viewer = viewer(&ctx, &session).await?;
    Ok(render(
        StatusCode::OK,
        &NoticePage {
            page: page_ctx(&ctx, &session, heading, viewer.as_ref()).await,
            heading: heading.into(),
            message: message.into(),
            link: link.map(|(h, l)| (h.to_string(), l.to_string())),
        },
    ))
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
        page: page_ctx(ctx, session, "", viewer.as_ref())
            .await
            .titled("nav-register"),
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
    let client = client_ip(&ctx, &req);
    match service::account::register(&ctx, &form.email, &form.password, client).await {
        Ok(Registered::VerificationSent) => Ok(see_other("/notice/registered")),
        Ok(Registered::VerificationSentAwaitingApproval) => {
            Ok(see_other("/notice/registered-approval"))
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
            page: page_ctx(&ctx, &session, heading, viewer.as_ref()).await,
            heading: heading.into(),
            message,
            link,
        },
    ))
}

async fn login_page(
    ctx: &Ctx,
    session: &Session,
    email: String,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let page = LoginPage {
        page: page_ctx(ctx, session, "", None).await.titled("login-title"),
        email,
        next: safe_next(next).unwrap_or_default().to_string(),
        error,
    };
    render(status, &page)
}

/// `?next=/path`
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// GET /login
async fn get_login(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse> {
    if viewer(&ctx, &session).await?.is_some() {
        return Ok(see_other(safe_next(&query.next).unwrap_or("/channels")));
    }
    Ok(login_page(
        &ctx,
        &session,
        String::new(),
        &query.next,
        None,
        StatusCode::OK,
    )
    .await)
}

/// POST /login
async fn post_login(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    form: web::Form<CredentialsForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let client = client_ip(&ctx, &req);
    match service::account::login(&ctx, &form.email, &form.password, client).await {
        Ok(account) => {
            let agent = req
                .headers()
                .get("user-agent")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            log_in(&ctx, &session, account.account_id, agent).await?;
            // The account's language follows it to this browser.
            if let Ok(prefs) = service::preferences::prefs(&ctx, account.account_id).await
                && !prefs.language.is_empty()
            {
                crate::http::session::set_language(&session, &prefs.language);
            }
            Ok(see_other(safe_next(&form.next).unwrap_or("/channels")))
        }
        Err(e)
            if e.kind.field().is_some()
                || matches!(e.kind, ErrorKind::Forbidden(_) | ErrorKind::RateLimited) =>
        {
            let status = form_status(&e);
            let mut resp = login_page(
                &ctx,
                &session,
                form.email.clone(),
                &form.next,
                Some(e.kind.safe_message()),
                status,
            )
            .await;
            if e.kind == ErrorKind::RateLimited {
                resp.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from_static("60"),
                );
            }
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

/// POST /logout
async fn post_logout(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    log_out(&ctx, &session).await?;
    crate::http::session::flash(
        &session,
        crate::http::session::page_text(&ctx, &session, "logged-out"),
    );
    Ok(see_other("/"))
}

/// GET /reset
async fn get_reset_request(ctx: web::Data<Ctx>, session: Session) -> HttpResponse {
    render(
        StatusCode::OK,
        &ResetRequestPage {
            page: page_ctx(&ctx, &session, "", None)
                .await
                .titled("reset-request-page-title"),
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
    let client = client_ip(&ctx, &req);
    match service::reset::request_reset(&ctx, &form.email, client).await {
        Ok(()) => Ok(see_other("/notice/reset-sent")),
        Err(e) if e.kind.field().is_some() => Ok(render(
            form_status(&e),
            &ResetRequestPage {
                page: page_ctx(&ctx, &session, "", None)
                    .await
                    .titled("reset-request-page-title"),
                error: Some(e.kind.safe_message()),
            },
        )),
        Err(e) => Err(e),
    }
}

async fn bad_link_page(ctx: &Ctx, session: &Session, e: &Error) -> HttpResponse {
    render(
        form_status(e),
        &NoticePage {
            page: page_ctx(ctx, session, "", None)
                .await
                .titled("reset-link-broken"),
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
    match service::reset::check_reset_token(&ctx, &token).await {
        Ok(()) => Ok(render(
            StatusCode::OK,
            &ResetPage {
                page: page_ctx(&ctx, &session, "", None)
                    .await
                    .titled("reset-title"),
                token: token.into_inner(),
                error: None,
            },
        )),
        Err(e) if e.kind.field() == Some("token") => Ok(bad_link_page(&ctx, &session, &e).await),
        Err(e) => Err(e),
    }
}

/// POST /reset/{token}
async fn post_reset(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<CredentialsForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let client = client_ip(&ctx, &req);
    match service::reset::reset_password(&ctx, &token, &form.password, client).await {
        Ok(()) => {
            // This browser's own session (if any) ended with all the others.
            session.purge();
            Ok(see_other("/notice/password-reset"))
        }
        Err(e) if e.kind.field() == Some("token") => Ok(bad_link_page(&ctx, &session, &e).await),
        Err(e) if e.kind.field().is_some() => Ok(render(
            form_status(&e),
            &ResetPage {
                page: page_ctx(&ctx, &session, "", None)
                    .await
                    .titled("reset-title"),
                token: token.into_inner(),
                error: Some(e.kind.safe_message()),
            },
        )),
        Err(e) => Err(e),
    }
}
