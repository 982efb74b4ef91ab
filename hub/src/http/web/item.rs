//! Item permalinks, shown only to viewers the channel's permissions and the post's audience
//! allow (others get 404, so a restricted post's existence is not revealed).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::channel::{channel_view, post_view};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{page_ctx, viewer};
use crate::http::templates::ItemPage;
use crate::service;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/item/{uuid}", get => get_item, post => post_item);
}

/// POST /item/{uuid}: the conversation for a hub (Hubzilla posts signed fetches).
async fn post_item(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    uuid: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    crate::http::zot::conversation(&ctx, &req, &uuid, &body).await
}

/// GET /item/{uuid}: the permalink, or the conversation for a hub asking for Zot.
async fn get_item(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    session: Session,
    uuid: web::Path<String>,
) -> Result<HttpResponse> {
    if crate::http::zot::wants_zot(&req) || crate::http::zot::wants_activity(&req) {
        return Ok(crate::http::zot::conversation(&ctx, &req, &uuid, &[]).await);
    }
    let viewer = viewer(&ctx, &session).await?;
    let (item, channel) = service::item::by_uuid(&ctx, &uuid, viewer.as_ref()).await?;
    let page = ItemPage {
        page: page_ctx(&ctx, &session, &channel.channel_name, viewer.as_ref()),
        channel: channel_view(&channel, &ctx),
        post: post_view(&item),
    };
    Ok(render(StatusCode::OK, &page))
}
