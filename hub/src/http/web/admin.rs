//! Hub administration pages (admin accounts only), under one admin nav: the overview
//! (registration policy, approvals, the account list with lookalike warnings and suspension),
//! `/admin/accounts` (search, approve, suspend and reinstate), `/admin/channels` (owners, item
//! counts), `/admin/queue` (the delivery queue per destination hub, "retry now") and
//! `/admin/registrations` (approve or refuse). Every form redirects back with a flash message
//! (post/redirect/get); ids in the path are parsed only after the admin check.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::see_other;
use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, flash, page_ctx, page_text, require_viewer};
use crate::http::templates::{AdminAccountView, AdminPage, PageCtx};
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
    resource!(cfg, "/admin/deny/{id}", post => post_deny);
    resource!(cfg, "/admin/accounts", get => get_accounts);
    resource!(cfg, "/admin/channels", get => get_channels);
    resource!(cfg, "/admin/queue", get => get_queue);
    resource!(cfg, "/admin/queue/retry", post => post_retry);
    resource!(cfg, "/admin/registrations", get => get_registrations);
}

/// Where a form on one of the admin pages returns to (`back` field); anything else: the
/// overview.
fn back_to(back: &str) -> &'static str {
    match back {
        "accounts" => "/admin/accounts",
        "registrations" => "/admin/registrations",
        "queue" => "/admin/queue",
        _ => "/admin",
    }
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
        "policy" => Some("admin-policy-saved"),
        "approved" => Some("admin-approved"),
        "suspended" => Some("admin-suspended"),
        "reinstated" => Some("admin-reinstated"),
        _ => None,
    };
    let policy = service::site::current_register_policy(&ctx).await?;
    let pending = service::account::pending(&ctx).await?;
    let accounts = service::account::all(&ctx, LIST_LIMIT).await?;
    let page = AdminPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("admin-title"),
        policy: policy.as_str().into(),
        pending: pending.into_iter().map(view).collect(),
        accounts: accounts.into_iter().map(view).collect(),
        message: message.map(|id| page_text(&ctx, &session, id)),
        section: "overview",
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

/// A form with nothing but the token and the page to return to.
#[derive(Debug, Deserialize)]
pub struct BackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

/// POST /admin/approve/{id}
async fn post_approve(
    ctx: web::Data<Ctx>,
    session: Session,
    id: web::Path<String>,
    form: web::Form<BackForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    require_admin(&ctx, &session).await?;
    service::account::approve(&ctx, account_id(&id)?).await?;
    if form.back.is_empty() {
        return Ok(see_other("/admin?done=approved"));
    }
    flash(&session, page_text(&ctx, &session, "admin-approved"));
    Ok(see_other(back_to(&form.back)))
}

/// POST /admin/deny/{id}: refuses a registration waiting for approval.
async fn post_deny(
    ctx: web::Data<Ctx>,
    session: Session,
    id: web::Path<String>,
    form: web::Form<BackForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    require_admin(&ctx, &session).await?;
    service::lifecycle::deny_registration(&ctx, account_id(&id)?).await?;
    flash(&session, page_text(&ctx, &session, "admin-refused"));
    Ok(see_other(back_to(&form.back)))
}

/// The suspend form.
#[derive(Debug, Deserialize)]
pub struct SuspendForm {
    #[serde(default)]
    csrf: String,
    /// `yes` to suspend, `no` to reinstate.
    #[serde(default)]
    suspend: String,
    /// The admin page to return to.
    #[serde(default)]
    back: String,
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
    if !form.back.is_empty() {
        flash(
            &session,
            page_text(
                &ctx,
                &session,
                if suspend {
                    "admin-suspended"
                } else {
                    "admin-reinstated"
                },
            ),
        );
        return Ok(see_other(back_to(&form.back)));
    }
    Ok(see_other(if suspend {
        "/admin?done=suspended"
    } else {
        "/admin?done=reinstated"
    }))
}

/// `/admin/accounts`
#[derive(Template)]
#[template(path = "admin/accounts.html")]
pub struct AdminAccountsPage {
    /// Layout.
    pub page: PageCtx,
    /// Which admin page (for the nav).
    pub section: &'static str,
    /// The search as typed.
    pub q: String,
    /// Accounts matching it.
    pub accounts: Vec<AdminAccountView>,
}

/// `?q=…`
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// GET /admin/accounts
async fn get_accounts(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse> {
    let account = require_admin(&ctx, &session).await?;
    let q: String = query.q.trim().chars().take(254).collect();
    let needle = q.to_lowercase();
    let accounts = service::account::all(&ctx, LIST_LIMIT)
        .await?
        .into_iter()
        .filter(|a| needle.is_empty() || a.email.contains(&needle))
        .map(view)
        .collect();
    let page = AdminAccountsPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("admin-accounts"),
        section: "accounts",
        q,
        accounts,
    };
    Ok(render(StatusCode::OK, &page))
}

/// One channel in the admin's list.
#[derive(Debug, Clone)]
pub struct AdminChannelView {
    /// Nickname.
    pub nick: String,
    /// Display name.
    pub name: String,
    /// Owner's address.
    pub owner: String,
    /// Items held here.
    pub items: i64,
    /// Created.
    pub created: String,
    /// Scheduled for deletion at.
    pub delete_after: Option<String>,
}

/// `/admin/channels`
#[derive(Template)]
#[template(path = "admin/channels.html")]
pub struct AdminChannelsPage {
    /// Layout.
    pub page: PageCtx,
    /// Which admin page (for the nav).
    pub section: &'static str,
    /// The channels.
    pub channels: Vec<AdminChannelView>,
}

/// GET /admin/channels
async fn get_channels(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    let account = require_admin(&ctx, &session).await?;
    let fmt = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let channels = service::lifecycle::all_channels(&ctx, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|c| AdminChannelView {
            nick: c.nick,
            name: c.name,
            owner: c.owner,
            items: c.items,
            created: fmt(c.created),
            delete_after: c.delete_after.map(fmt),
        })
        .collect();
    let page = AdminChannelsPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("admin-channels"),
        section: "channels",
        channels,
    };
    Ok(render(StatusCode::OK, &page))
}

/// One destination hub on the queue page.
#[derive(Debug, Clone)]
pub struct AdminDestView {
    /// The hub's Zot endpoint.
    pub url: String,
    /// Messages waiting.
    pub depth: i64,
    /// Age of the oldest waiting message, readable.
    pub oldest_age: String,
    /// Failures in a row.
    pub failures: i32,
    /// The last error.
    pub last_error: String,
    /// The next attempt, readable.
    pub next: String,
    /// Given up on until it contacts us.
    pub dead: bool,
}

/// `/admin/queue`
#[derive(Template)]
#[template(path = "admin/queue.html")]
pub struct AdminQueuePage {
    /// Layout.
    pub page: PageCtx,
    /// Which admin page (for the nav).
    pub section: &'static str,
    /// Destinations.
    pub dests: Vec<AdminDestView>,
    /// Messages waiting in total.
    pub total: i64,
}

/// "3 h 5 min", "42 s".
fn age(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        _ => format!("{} d {} h", s / 86400, (s % 86400) / 3600),
    }
}

/// GET /admin/queue
async fn get_queue(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    let account = require_admin(&ctx, &session).await?;
    let now = ctx.clock.now_db();
    let dests: Vec<AdminDestView> = service::lifecycle::queue_status(&ctx)
        .await?
        .into_iter()
        .map(|d| AdminDestView {
            oldest_age: d.oldest.map(|o| age(now - o)).unwrap_or_default(),
            next: d.next.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            url: d.url,
            depth: d.depth,
            failures: d.failures,
            last_error: d.last_error,
            dead: d.dead,
        })
        .collect();
    let page = AdminQueuePage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("admin-queue-title"),
        section: "queue",
        total: dests.iter().map(|d| d.depth).sum(),
        dests,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The retry form.
#[derive(Debug, Deserialize)]
pub struct RetryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    dest: String,
}

/// POST /admin/queue/retry
async fn post_retry(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<RetryForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    require_admin(&ctx, &session).await?;
    service::lifecycle::retry_now(&ctx, &form.dest).await?;
    flash(&session, page_text(&ctx, &session, "admin-retried"));
    Ok(see_other("/admin/queue"))
}

/// `/admin/registrations`
#[derive(Template)]
#[template(path = "admin/registrations.html")]
pub struct AdminRegistrationsPage {
    /// Layout.
    pub page: PageCtx,
    /// Which admin page (for the nav).
    pub section: &'static str,
    /// Current registration policy.
    pub policy: String,
    /// Accounts waiting for approval.
    pub pending: Vec<AdminAccountView>,
}

/// GET /admin/registrations
async fn get_registrations(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    let account = require_admin(&ctx, &session).await?;
    let policy = service::site::current_register_policy(&ctx).await?;
    let pending = service::account::pending(&ctx).await?;
    let page = AdminRegistrationsPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("admin-registrations"),
        section: "registrations",
        policy: policy.as_str().into(),
        pending: pending.into_iter().map(view).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}
