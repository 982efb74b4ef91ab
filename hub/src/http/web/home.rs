//! The hub's home page.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{page_ctx, viewer};
use crate::http::templates::HomePage;
use crate::service;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/", get => get_home);
}

/// GET /: the home page, or the site info for a hub asking for Zot.
async fn get_home(ctx: web::Data<Ctx>, req: HttpRequest, session: Session) -> Result<HttpResponse> {
    if crate::http::zot::wants_zot(&req) {
        return Ok(crate::http::zot::site_info(&ctx, &req).await);
    }
    let viewer = viewer(&ctx, &session).await?;
    let registration_open = service::site::web_registration_possible(&ctx).await?;
    let page = HomePage {
        page: page_ctx(&ctx, &session, "", viewer.as_ref())
            .await
            .titled("home-title"),
        registration_open,
    };
    Ok(render(StatusCode::OK, &page))
}
