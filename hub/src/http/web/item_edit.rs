//! People changing what they wrote: editing their own posts and comments (with a preview; the
//! replaced version stays in the history), the history page, and deleting with a confirmation
//! page (no script needed). Every change goes to the same audience as the item.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, flash, page_ctx, page_text, require_viewer, who};
use crate::http::templates::{DeleteItemPage, EditItemPage, HistoryPage, VersionView};
use crate::service;
use crate::service::channel::Channel;
use crate::service::item::Item;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/item/{uuid}/edit", get => get_edit, post => post_edit);
    resource!(cfg, "/item/{uuid}/history", get => get_history);
    resource!(cfg, "/item/{uuid}/delete", get => get_delete, post => post_delete);
}

/// Where to go after changing an item: its thread's permalink on this channel.
async fn thread_link(ctx: &Ctx, channel: &Channel, item: &Item) -> String {
    if item.mid == item.parent_mid {
        return format!("/item/{}", item.uuid);
    }
    match service::item::uuid_of(ctx, channel, &item.parent_mid).await {
        Ok(uuid) => format!("/item/{uuid}"),
        Err(_) => format!("/channel/{}", channel.channel_address),
    }
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    ctx: &Ctx,
    session: &Session,
    account: &service::account::Account,
    item: &Item,
    body: String,
    preview: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let comment = item.mid != item.parent_mid;
    let mut page = page_ctx(ctx, session, "", Some(account)).await;
    page.title = page.t(if comment {
        "edit-comment-title"
    } else {
        "edit-title"
    });
    render(
        status,
        &EditItemPage {
            page,
            uuid: item.uuid.clone(),
            body,
            preview,
            error,
            comment,
        },
    )
}

/// GET /item/{uuid}/edit
async fn get_edit(
    ctx: web::Data<Ctx>,
    session: Session,
    uuid: web::Path<String>,
) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    let (_, item) = service::item::own_item(&ctx, account.account_id, &uuid).await?;
    let body = item.body.clone();
    Ok(edit_page(
        &ctx,
        &session,
        &account,
        &item,
        body,
        None,
        None,
        StatusCode::OK,
    )
    .await)
}

/// The edit form.
#[derive(Debug, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    /// The preview button was pressed.
    #[serde(default)]
    preview: Option<String>,
}

/// POST /item/{uuid}/edit
async fn post_edit(
    ctx: web::Data<Ctx>,
    session: Session,
    uuid: web::Path<String>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse> {
    let expired = check_csrf(&session, &form.csrf).err();
    let account = require_viewer(&ctx, &session).await?;
    let (channel, item) = service::item::own_item(&ctx, account.account_id, &uuid).await?;
    if let Some(e) = expired {
        // The text typed is not lost with an expired form.
        return Ok(edit_page(
            &ctx,
            &session,
            &account,
            &item,
            form.body.clone(),
            None,
            Some(e.kind.safe_message()),
            StatusCode::FORBIDDEN,
        )
        .await);
    }
    if form.preview.is_some() {
        let html = service::text::markdown_to_safe_html(&form.body);
        return Ok(edit_page(
            &ctx,
            &session,
            &account,
            &item,
            form.body.clone(),
            Some(html),
            None,
            StatusCode::OK,
        )
        .await);
    }
    match service::item::edit(&ctx, &channel, &item.uuid, Some(&form.body)).await {
        Ok(_) => {
            flash(&session, page_text(&ctx, &session, "flash-post-updated"));
            Ok(see_other(&thread_link(&ctx, &channel, &item).await))
        }
        Err(e) if e.kind.field().is_some() => Ok(edit_page(
            &ctx,
            &session,
            &account,
            &item,
            form.body.clone(),
            None,
            Some(e.kind.safe_message()),
            form_status(&e),
        )
        .await),
        Err(e) => Err(e),
    }
}

/// GET /item/{uuid}/history: the versions of an item, for whoever may see it.
async fn get_history(
    ctx: web::Data<Ctx>,
    session: Session,
    uuid: web::Path<String>,
) -> Result<HttpResponse> {
    let who = who(&ctx, &session).await?;
    let (item, channel, versions) = service::item::history(&ctx, &uuid, &who.observer()).await?;
    let mut page = page_ctx(&ctx, &session, "", who.account.as_ref()).await;
    page.title = page.t("history-title");
    let iso = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
    Ok(render(
        StatusCode::OK,
        &HistoryPage {
            page,
            uuid: item.uuid.clone(),
            channel_name: channel.channel_name.clone(),
            current: VersionView {
                html: item.html.clone(),
                written: iso(item.edited),
            },
            earlier: versions
                .into_iter()
                .rev()
                .map(|v| VersionView {
                    html: v.html,
                    written: iso(v.written),
                })
                .collect(),
        },
    ))
}

/// GET /item/{uuid}/delete: what deleting means, and the button.
async fn get_delete(
    ctx: web::Data<Ctx>,
    session: Session,
    uuid: web::Path<String>,
) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    let (channel, item) = service::item::own_item(&ctx, account.account_id, &uuid).await?;
    let comment = item.mid != item.parent_mid;
    let mut page = page_ctx(&ctx, &session, "", Some(&account)).await;
    page.title = page.t(if comment {
        "delete-comment-title"
    } else {
        "delete-title"
    });
    Ok(render(
        StatusCode::OK,
        &DeleteItemPage {
            page,
            uuid: item.uuid.clone(),
            html: item.html.clone(),
            back: thread_link(&ctx, &channel, &item).await,
        },
    ))
}

/// The delete form.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// POST /item/{uuid}/delete
async fn post_delete(
    ctx: web::Data<Ctx>,
    session: Session,
    uuid: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let (channel, item) = service::item::own_item(&ctx, account.account_id, &uuid).await?;
    let comment = item.mid != item.parent_mid;
    let back = if comment {
        thread_link(&ctx, &channel, &item).await
    } else {
        format!("/channel/{}", channel.channel_address)
    };
    service::item::edit(&ctx, &channel, &item.uuid, None).await?;
    let id = if comment {
        "flash-comment-deleted"
    } else {
        "flash-post-deleted"
    };
    flash(&session, page_text(&ctx, &session, id));
    Ok(see_other(&back))
}
