//! `/api/v1/statuses/…`: post (with `Idempotency-Key`), get, context, edit, history, source,
//! delete, favourite, bookmark.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Auth, Input, json};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::routes::resource;
use crate::service::client_api::statuses::{self, NewStatus};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/v1/statuses", post => post_status);
    resource!(cfg, "/api/v1/statuses/{id}", get => get_status, put => put_status, delete => delete_status);
    resource!(cfg, "/api/v1/statuses/{id}/context", get => get_context);
    resource!(cfg, "/api/v1/statuses/{id}/history", get => get_history);
    resource!(cfg, "/api/v1/statuses/{id}/source", get => get_source);
    resource!(cfg, "/api/v1/statuses/{id}/favourite", post => post_favourite);
    resource!(cfg, "/api/v1/statuses/{id}/unfavourite", post => post_unfavourite);
    resource!(cfg, "/api/v1/statuses/{id}/favourited_by", get => get_favourited_by);
    resource!(cfg, "/api/v1/statuses/{id}/bookmark", post => post_bookmark);
    resource!(cfg, "/api/v1/statuses/{id}/unbookmark", post => post_unbookmark);
}

async fn post_status(
    ctx: web::Data<Ctx>,
    auth: Auth,
    req: HttpRequest,
    input: Input,
) -> Result<HttpResponse> {
    let ch = auth.need("write:statuses")?;
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let new = NewStatus {
        status: input.text("status")?,
        in_reply_to_id: input.get("in_reply_to_id")?,
        visibility: input.get("visibility")?,
        spoiler_text: input.text("spoiler_text")?,
        sensitive: input.flag("sensitive")?,
        language: input.text("language")?,
        idempotency_key: key,
        media_ids: input.list("media_ids")?,
    };
    Ok(json(&statuses::post(&ctx, ch, new).await?))
}

async fn get_status(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:statuses")?;
    Ok(json(&statuses::get(&ctx, viewer, &id).await?))
}

async fn put_status(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
    input: Input,
) -> Result<HttpResponse> {
    let ch = auth.need("write:statuses")?;
    Ok(json(
        &statuses::edit(&ctx, ch, &id, &input.text("status")?).await?,
    ))
}

async fn delete_status(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:statuses")?;
    Ok(json(&statuses::delete(&ctx, ch, &id).await?))
}

async fn get_context(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:statuses")?;
    Ok(json(&statuses::context(&ctx, viewer, &id).await?))
}

async fn get_history(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:statuses")?;
    Ok(json(&statuses::history(&ctx, viewer, &id).await?))
}

async fn get_source(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("read:statuses")?;
    Ok(json(&statuses::source(&ctx, ch, &id).await?))
}

async fn post_favourite(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:favourites")?;
    Ok(json(&statuses::favourite(&ctx, ch, &id).await?))
}

async fn post_unfavourite(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:favourites")?;
    Ok(json(&statuses::unfavourite(&ctx, ch, &id).await?))
}

async fn get_favourited_by(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:statuses")?;
    Ok(json(&statuses::favourited_by(&ctx, viewer, &id).await?))
}

async fn post_bookmark(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:bookmarks")?;
    Ok(json(&statuses::bookmark(&ctx, ch, &id, true).await?))
}

async fn post_unbookmark(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:bookmarks")?;
    Ok(json(&statuses::bookmark(&ctx, ch, &id, false).await?))
}
