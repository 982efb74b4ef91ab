//! The `/api/z/1.0` endpoints a channel's new hub uses to import it online, as Hubzilla serves
//! them (zot6.md §6.2): `version`, `channel/export/basic` (the export, streamed) and
//! `item/export_page` (wall posts, one page). A missing or wrong login answers 401 with a
//! `WWW-Authenticate: Basic` challenge; nothing is cached.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind};
use crate::http::routes::resource;
use crate::service;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/z/1.0/version", get => get_version);
    resource!(cfg, "/api/z/1.0/channel/export/basic", get => get_export);
    resource!(cfg, "/api/z/1.0/item/export_page", get => get_item_page);
}

fn failure(e: &Error) -> HttpResponse {
    let status = match e.kind {
        ErrorKind::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        _ => StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::BAD_REQUEST),
    };
    let mut resp = HttpResponse::build(status);
    resp.insert_header(("Cache-Control", "no-store"));
    if status == StatusCode::UNAUTHORIZED {
        resp.insert_header(("WWW-Authenticate", "Basic realm=\"Caravan\""));
    }
    resp.json(serde_json::json!({ "success": false, "message": e.kind.safe_message() }))
}

/// GET /api/z/1.0/version: `"caravan <version>"` as a JSON string.
async fn get_version() -> HttpResponse {
    HttpResponse::Ok().json(format!("caravan {}", env!("CARGO_PKG_VERSION")))
}

/// The channel `nick` of the account whose login the request carries, or the refusal.
async fn owners_channel(
    ctx: &Ctx,
    req: &HttpRequest,
    nick: &str,
) -> Result<service::channel::Channel, HttpResponse> {
    let client = crate::http::client::client_ip(req, &ctx.config.trusted_proxies);
    let header = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    let account = service::zot_api::authenticate(ctx, header, client)
        .await
        .map_err(|e| failure(&e))?;
    service::zot_api::channel_of(ctx, &account, Some(nick))
        .await
        .map_err(|e| failure(&e))
}

/// `?channel=<nick>`
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    channel: String,
}

/// GET /api/z/1.0/channel/export/basic?channel=<nick>: the channel's whole export, keys
/// included, for its owner.
async fn get_export(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    query: web::Query<ExportQuery>,
) -> HttpResponse {
    let channel = match owners_channel(&ctx, &req, &query.channel).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    crate::http::export_body::response(&ctx, channel, None)
}

/// `?since=&until=&page=&records=`
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    records: String,
    #[serde(default)]
    channel: String,
}

/// GET /api/z/1.0/item/export_page: one page of the channel's wall posts in Hubzilla's
/// mirror form.
async fn get_item_page(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let channel = match owners_channel(&ctx, &req, &query.channel).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let page = query.page.trim().parse().unwrap_or(0);
    let records = query.records.trim().parse().unwrap_or(0);
    match service::zot_api::item_page(
        &ctx,
        &channel,
        Some(&query.since),
        Some(&query.until),
        page,
        records,
    )
    .await
    {
        Ok(p) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(p),
        Err(e) => failure(&e),
    }
}
