//! Hub administration pages (admin accounts only): registration policy, approvals, and the
//! account list with lookalike warnings and suspension. Every form redirects back
//! (post/redirect/get); ids in the path are parsed only after the admin check.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::see_other;
use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{CsrfOnly, check_csrf, page_ctx, require_viewer};
use crate::http::templates::{AdminAccountView, AdminPage};
use crate::service;
use crate::service::account::{Account, AccountSummary};

/// Accounts shown in the admin list.
const LIST_LIMIT: i64 = 500;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/admin", get => get_admin);
    resource!(cfg, "/admin/policy", post => post_policy);
    resource!(cfg, "/admin/approve/{id}", post => post_approve);
    resource!(cfg, "/admin/suspend/{id}", post => post_suspend);
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

/// An account id from the path (after the admin check); anything else is 404.
fn account_id(raw: &str) -> Result<i64> {
    raw.parse::<i64>()
        .map_err(|_| Error::new(ErrorKind::NotFound))
}

fn view(a: AccountSummary) -> AdminAccountView {
    AdminAccountView {
        id: a.id,
        created: a.created.format("%Y-%m-%d %H:%M UTC").to_string(),
        email: a.email,
        pending: a.pending,
        suspended: a.suspended,
        admin: a.admin,
        lookalike: a.lookalike,
    }
}

/// `?done=…` after a successful form.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// GET /admin
async fn get_admin(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    let account = require_admin(&ctx, &session).await?;
    let message = match query.done.as_str() {
        "policy" => Some("Registration policy saved."),
        "approved" => Some("Account approved."),
        "suspended" => Some("Account suspended; its sessions were logged out."),
        "reinstated" => Some("Account reinstated."),
        _ => None,
    };
    let policy = service::site::current_register_policy(&ctx).await?;
    let pending = service::account::pending(&ctx).await?;
    let accounts = service::account::all(&ctx, LIST_LIMIT).await?;
    let page = AdminPage {
        page: page_ctx(&ctx, &session, "Administration", Some(&account)),
        policy: policy.as_str().into(),
        pending: pending.into_iter().map(view).collect(),
        accounts: accounts.into_iter().map(view).collect(),
        message: message.map(String::from),
    };
    Ok(render(StatusCode::OK, &page))
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
    require_admin(&ctx, &session).await?;
    let policy = RegisterPolicy::parse(&form.policy)
        .ok_or_else(|| Error::invalid("policy", "Unknown registration policy."))?;
    service::site::set_register_policy(&ctx, policy).await?;
    Ok(see_other("/admin?done=policy"))
}

/// POST /admin/approve/{id}
async fn post_approve(
    ctx: web::Data<Ctx>,
    session: Session,
    id: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    require_admin(&ctx, &session).await?;
    service::account::approve(&ctx, account_id(&id)?).await?;
    Ok(see_other("/admin?done=approved"))
}

/// The suspend form.
#[derive(Debug, Deserialize)]
pub struct SuspendForm {
    #[serde(default)]
    csrf: String,
    /// `yes` to suspend, `no` to reinstate.
    #[serde(default)]
    suspend: String,
}

/// POST /admin/suspend/{id}
async fn post_suspend(
    ctx: web::Data<Ctx>,
    session: Session,
    id: web::Path<String>,
    form: web::Form<SuspendForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let admin = require_admin(&ctx, &session).await?;
    let suspend = match form.suspend.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(Error::invalid("suspend", "Choose to suspend or reinstate.")),
    };
    service::account::set_suspended(&ctx, admin.account_id, account_id(&id)?, suspend).await?;
    Ok(see_other(if suspend {
        "/admin?done=suspended"
    } else {
        "/admin?done=reinstated"
    }))
}
