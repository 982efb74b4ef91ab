//! The channel owner's permission page: for each permission, one line saying what it allows
//! and who may have it (the channel-wide limit). Changing a limit never widens who sees
//! restricted posts already written: their access lists are fixed (see `service::perms`).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::channel::owned_channel;
use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, page_ctx};
use crate::http::templates::{LimitRow, PermissionsPage};
use crate::service::perms;
use zot::perms::Permission;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/channel/{nick}/permissions", get => get_permissions, post => post_permissions);
}

async fn page(
    ctx: &Ctx,
    session: &Session,
    nick: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let (account, channel) = owned_channel(ctx, session, nick).await?;
    let limits = perms::limits(ctx, &channel).await?;
    let rows = Permission::ALL
        .into_iter()
        .map(|p| LimitRow {
            name: p.name().to_string(),
            explanation: perms::explain(p).to_string(),
            current: limits.of(p),
        })
        .collect();
    let page = PermissionsPage {
        page: page_ctx(ctx, session, "", Some(&account))
            .await
            .titled("permissions-title"),
        nick: channel.channel_address.clone(),
        rows,
        choices: perms::LIMIT_CHOICES
            .iter()
            .map(|(b, l)| (*b, l.to_string()))
            .collect(),
        error,
    };
    Ok(render(status, &page))
}

/// GET /channel/{nick}/permissions
async fn get_permissions(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    page(&ctx, &session, &nick, None, StatusCode::OK).await
}

/// The form: `csrf`, `perm`, `limit`.
#[derive(Debug, Deserialize)]
pub struct LimitForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    perm: String,
    #[serde(default)]
    limit: String,
}

/// POST /channel/{nick}/permissions: change one limit.
async fn post_permissions(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<LimitForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (_, channel) = owned_channel(&ctx, &session, &nick).await?;
    let result = match (
        Permission::from_name(&form.perm),
        form.limit.parse::<u32>().ok(),
    ) {
        (Some(p), Some(bits)) => perms::set_limit(&ctx, &channel, p, bits).await,
        _ => Err(Error::invalid(
            "limit",
            "Choose a permission and a setting.",
        )),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/channel/{nick}/permissions"))),
        Err(e) if e.kind.field().is_some() => {
            page(
                &ctx,
                &session,
                &nick,
                Some(e.kind.safe_message()),
                form_status(&e),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
