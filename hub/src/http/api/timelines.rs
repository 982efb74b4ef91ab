//! Timelines (`/api/v1/timelines/home|public|tag/:tag`), notifications, bookmarks and
//! markers, with `Link` pagination.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Auth, Input, empty, json, paged, paging, query_input};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::routes::resource;
use crate::service::client_api::timelines::{self, Which};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/v1/timelines/home", get => get_home);
    resource!(cfg, "/api/v1/timelines/public", get => get_public);
    resource!(cfg, "/api/v1/timelines/tag/{tag}", get => get_tag);
    resource!(cfg, "/api/v1/notifications", get => get_notifications);
    resource!(cfg, "/api/v1/notifications/clear", post => post_clear);
    resource!(cfg, "/api/v1/notifications/{id}", get => get_notification);
    resource!(cfg, "/api/v1/notifications/{id}/dismiss", post => post_dismiss);
    resource!(cfg, "/api/v1/bookmarks", get => get_bookmarks);
    resource!(cfg, "/api/v1/markers", get => get_markers, post => post_markers);
}

async fn get_home(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    let ch = auth.need("read:statuses")?;
    let p = paging(&query_input(&req))?;
    let page = timelines::timeline(&ctx, Some(ch), Which::Home, p).await?;
    Ok(paged(&ctx, &req, &page))
}

async fn get_public(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:statuses")?;
    let q = query_input(&req);
    let which = Which::Public {
        local: q.flag("local")?,
    };
    let page = timelines::timeline(&ctx, viewer, which, paging(&q)?).await?;
    Ok(paged(&ctx, &req, &page))
}

async fn get_tag(
    ctx: web::Data<Ctx>,
    auth: Auth,
    req: HttpRequest,
    tag: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:statuses")?;
    let q = query_input(&req);
    let which = Which::Tag {
        tag: tag.trim_start_matches('#').to_lowercase(),
        local: q.flag("local")?,
    };
    let page = timelines::timeline(&ctx, viewer, which, paging(&q)?).await?;
    Ok(paged(&ctx, &req, &page))
}

async fn get_notifications(
    ctx: web::Data<Ctx>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let ch = auth.need("read:notifications")?;
    let q = query_input(&req);
    let page = timelines::notifications(
        &ctx,
        ch,
        paging(&q)?,
        q.list("types")?,
        q.list("exclude_types")?,
    )
    .await?;
    Ok(paged(&ctx, &req, &page))
}

async fn get_notification(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("read:notifications")?;
    Ok(json(&timelines::notification(&ctx, ch, &id).await?))
}

async fn post_dismiss(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:notifications")?;
    timelines::dismiss(&ctx, ch, &id).await?;
    Ok(empty())
}

async fn post_clear(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    let ch = auth.need("write:notifications")?;
    timelines::clear(&ctx, ch).await?;
    Ok(empty())
}

async fn get_bookmarks(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    let ch = auth.need("read:bookmarks")?;
    let p = paging(&query_input(&req))?;
    let page = timelines::bookmarks(&ctx, ch, p).await?;
    Ok(paged(&ctx, &req, &page))
}

fn markers_json(list: Vec<(String, crate::service::client_api::entity::Marker)>) -> HttpResponse {
    let map: serde_json::Map<String, serde_json::Value> = list
        .into_iter()
        .map(|(k, m)| (k, serde_json::to_value(m).unwrap_or_default()))
        .collect();
    json(&map)
}

async fn get_markers(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    let ch = auth.need("read:statuses")?;
    let list = timelines::markers(&ctx, ch, query_input(&req).list("timeline")?).await?;
    Ok(markers_json(list))
}

async fn post_markers(ctx: web::Data<Ctx>, auth: Auth, input: Input) -> Result<HttpResponse> {
    let ch = auth.need("write:statuses")?;
    let mut set = Vec::new();
    for t in ["home", "notifications"] {
        if let Some(id) = input.0.get(t).and_then(|v| v.get("last_read_id")) {
            let id = match id {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            set.push((t.to_string(), id));
        }
    }
    Ok(markers_json(timelines::set_markers(&ctx, ch, set).await?))
}
