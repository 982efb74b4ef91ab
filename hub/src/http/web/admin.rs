//! Hub administration pages (admin accounts only): registration policy and approvals.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::session::{CsrfOnly, check_csrf, page_ctx, require_viewer};
use crate::service;
use crate::service::account::Account;
use crate::templates::AdminPage;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(get_admin))
        .route("/admin/policy", web::post().to(post_policy))
        .route("/admin/approve/{id}", web::post().to(post_approve));
}

async fn require_admin(ctx: &Ctx, session: &Session) -> Result<Account> {
    let account = require_viewer(ctx, session).await?;
    if !account.account_admin {
        return Err(Error::new(ErrorKind::Forbidden(
            "This page is for the hub's admins.",
        )));
    }
    Ok(account)
}

async fn admin_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    message: Option<String>,
) -> Result<HttpResponse> {
    let policy = service::site::current_register_policy(ctx).await?;
    let pending = service::account::pending(ctx).await?;
    let page = AdminPage {
        page: page_ctx(ctx, session, "Administration", Some(account)),
        policy: policy.as_str().into(),
        pending: pending
            .into_iter()
            .map(|a| {
                let created = a.account_created.format("%Y-%m-%d %H:%M UTC").to_string();
                (a.account_id, a.account_email, created)
            })
            .collect(),
        message,
    };
    Ok(render(StatusCode::OK, &page))
}

/// GET /admin
async fn get_admin(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    let account = require_admin(&ctx, &session).await?;
    admin_page(&ctx, &session, &account, None).await
}

/// The policy form.
#[derive(Debug, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    policy: String,
}

/// POST /admin/policy
async fn post_policy(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<PolicyForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_admin(&ctx, &session).await?;
    let policy = RegisterPolicy::parse(&form.policy)
        .ok_or_else(|| Error::invalid("policy", "Unknown registration policy."))?;
    service::site::set_register_policy(&ctx, policy).await?;
    admin_page(
        &ctx,
        &session,
        &account,
        Some("Registration policy saved.".into()),
    )
    .await
}

/// POST /admin/approve/{id}
async fn post_approve(
    ctx: web::Data<Ctx>,
    session: Session,
    id: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_admin(&ctx, &session).await?;
    service::account::approve(&ctx, *id).await?;
    admin_page(&ctx, &session, &account, Some("Account approved.".into())).await
}
