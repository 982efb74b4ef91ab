//! A channel's own settings and its deletion: `/channel/{nick}/delete` (what happens, the
//! export to download first, the password-confirmed form that schedules the deletion after the
//! grace period, and its cancellation) and `/channel/{nick}/settings` (the default audience of
//! new posts). Owner only; every form checks CSRF and redirects with a flash message.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::channel::owned_channel;
use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{CsrfOnly, check_csrf, flash, page_ctx, page_text, page_text_with};
use crate::http::templates::PageCtx;
use crate::service;
use crate::service::account::Account;
use crate::service::channel::Channel;
use crate::service::perms::Audience;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/channel/{nick}/delete", get => get_delete, post => post_delete);
    resource!(cfg, "/channel/{nick}/delete/cancel", post => post_cancel);
    resource!(cfg, "/channel/{nick}/settings", get => get_settings, post => post_settings);
}

/// `/channel/{nick}/delete`
#[derive(Template)]
#[template(path = "channel/delete.html")]
pub struct ChannelDeletePage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// Display name.
    pub name: String,
    /// Its address.
    pub address: String,
    /// Already scheduled for (readable).
    pub delete_after: Option<String>,
    /// `accounts.delete_grace_days`.
    pub grace_days: u32,
    /// Form error.
    pub error: Option<String>,
}

fn when(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

async fn delete_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    channel: &Channel,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let page = ChannelDeletePage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("channel-delete-title"),
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        address: ctx.uris.address(&channel.channel_address),
        delete_after: channel.channel_delete_after.map(when),
        grace_days: ctx.config.accounts.delete_grace_days,
        error,
    };
    Ok(render(status, &page))
}

/// GET /channel/{nick}/delete
async fn get_delete(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (account, channel) = owned_channel(&ctx, &session, &nick).await?;
    delete_page(&ctx, &session, &account, &channel, None, StatusCode::OK).await
}

/// The delete form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// POST /channel/{nick}/delete
async fn post_delete(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (account, channel) = owned_channel(&ctx, &session, &nick).await?;
    match service::lifecycle::schedule_channel_deletion(&ctx, &account, &channel, &form.password)
        .await
    {
        Ok(at) => {
            flash(
                &session,
                page_text_with(
                    &ctx,
                    &session,
                    "channel-delete-flash",
                    &[
                        ("name", channel.channel_name.clone().into()),
                        ("when", when(at).into()),
                    ],
                ),
            );
            Ok(see_other(&format!("/channel/{}", channel.channel_address)))
        }
        Err(e) if e.kind.field().is_some() => {
            let status = form_status(&e);
            delete_page(
                &ctx,
                &session,
                &account,
                &channel,
                Some(e.kind.safe_message()),
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// POST /channel/{nick}/delete/cancel
async fn post_cancel(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (_, channel) = owned_channel(&ctx, &session, &nick).await?;
    service::lifecycle::cancel_channel_deletion(&ctx, &channel).await?;
    flash(
        &session,
        page_text(&ctx, &session, "channel-delete-cancelled"),
    );
    Ok(see_other(&format!("/channel/{}", channel.channel_address)))
}

/// `/channel/{nick}/settings`
#[derive(Template)]
#[template(path = "channel/settings.html")]
pub struct ChannelSettingsPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// The chosen default audience (form value).
    pub audience: String,
    /// The choices: (form value, label, who can see it in words).
    pub options: Vec<(String, String, String)>,
    /// Form error.
    pub error: Option<String>,
}

async fn settings_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    channel: &Channel,
    chosen: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let mut choices = vec![
        (Audience::Connections, "My connections".to_string()),
        (Audience::Public, "Everyone".to_string()),
    ];
    for g in service::connection::groups(ctx, channel).await? {
        choices.push((Audience::Group(g.name.clone()), format!("Group {}", g.name)));
    }
    let mut options = Vec::new();
    for (a, label) in choices {
        let words = service::perms::describe_audience(ctx, channel, &a).await?;
        options.push((a.form_value(), label, words));
    }
    let page = ChannelSettingsPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("channel-settings-title"),
        nick: channel.channel_address.clone(),
        audience: chosen.unwrap_or_else(|| Audience::default_for(channel).form_value()),
        options,
        error,
    };
    Ok(render(status, &page))
}

/// GET /channel/{nick}/settings
async fn get_settings(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (account, channel) = owned_channel(&ctx, &session, &nick).await?;
    settings_page(
        &ctx,
        &session,
        &account,
        &channel,
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    audience: String,
}

/// POST /channel/{nick}/settings
async fn post_settings(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (account, channel) = owned_channel(&ctx, &session, &nick).await?;
    match service::lifecycle::set_default_audience(&ctx, &channel, &form.audience).await {
        Ok(()) => {
            flash(
                &session,
                page_text(&ctx, &session, "channel-settings-saved"),
            );
            Ok(see_other(&format!(
                "/channel/{}/settings",
                channel.channel_address
            )))
        }
        Err(e) if e.kind.field().is_some() => {
            let status = form_status(&e);
            settings_page(
                &ctx,
                &session,
                &account,
                &channel,
                Some(form.audience.clone()),
                Some(e.kind.safe_message()),
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
