//! The Zot endpoints (zot6.md §2–§3): webfinger and host-meta, nodeinfo, channel info and
//! site info (on the channel and home URLs, chosen by `Accept: application/x-zot+json`), and
//! `POST /zot`. Failures answer in Zot's JSON shape (`{"success":false,"message":…}`) with a
//! status that says whose fault it was (400 malformed, 401 bad signature, 404 unknown); they
//! never redirect to a login page or render HTML.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind};
use crate::http::routes::resource;
use crate::service;
use crate::service::discovery::ZOT_JSON;
use crate::service::signatures::Request;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/.well-known/webfinger", get => get_webfinger);
    resource!(cfg, "/.well-known/host-meta", get => get_host_meta);
    resource!(cfg, "/.well-known/nodeinfo", get => get_nodeinfo_links);
    resource!(cfg, "/nodeinfo/2.1", get => get_nodeinfo);
    resource!(cfg, "/zot", post => post_zot);
    resource!(cfg, "/owa", get => get_owa);
    resource!(cfg, "/zot/sync-state", get => get_sync_state);
}

/// `?channel=<portable id>`
#[derive(Debug, Deserialize)]
pub struct SyncStateQuery {
    #[serde(default)]
    channel: String,
}

/// GET /zot/sync-state?channel=…: this location's counts, digests and cursors of a channel,
/// for another location of that channel (the request must be signed by the channel).
async fn get_sync_state(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    query: web::Query<SyncStateQuery>,
) -> HttpResponse {
    let r = request_of(&req, &[]);
    if !service::signatures::is_signed(&r) {
        return failure(&Error::new(ErrorKind::Unauthorized(
            "the request is not signed",
        )));
    }
    let signer = match service::signatures::verify(&ctx, &r).await {
        Ok(s) => s,
        Err(e) => return failure(&e),
    };
    match service::sync::state_for_peer(&ctx, &query.channel, &signer).await {
        Ok(state) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(state),
        Err(e) => failure(&e),
    }
}

/// GET /owa: OpenWebAuth (zot6.md §7): a visitor's home hub, signing as the visitor's
/// channel, asks for a one-time token; the answer is always 200 with Hubzilla's JSON shape.
async fn get_owa(ctx: web::Data<Ctx>, req: HttpRequest) -> HttpResponse {
    let r = request_of(&req, &[]);
    let client = crate::http::client::client_ip(&req, &ctx.config.trusted_proxies);
    let answer = service::owa::issue(&ctx, &r, client).await;
    HttpResponse::Ok()
        .content_type(ZOT_JSON)
        .insert_header(("Cache-Control", "no-store"))
        .json(answer)
}

/// Whether the client asks for a Zot document (channel or site info).
pub fn wants_zot(req: &HttpRequest) -> bool {
    accepts(req, &[ZOT_JSON])
}

/// Whether the client asks for an ActivityStreams document (Hubzilla fetches actors so).
pub fn wants_activity(req: &HttpRequest) -> bool {
    accepts(
        req,
        &[
            "application/x-zot-activity+json",
            "application/activity+json",
            "application/ld+json",
        ],
    )
}

fn accepts(req: &HttpRequest, types: &[&str]) -> bool {
    req.headers()
        .get_all("accept")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.split(';').next().unwrap_or_default().trim())
        .any(|t| types.contains(&t))
}

/// The ActivityStreams actor of a channel (`/channel/{nick}` asked for as an activity).
pub async fn actor(ctx: &Ctx, nick: &str) -> HttpResponse {
    match service::zot_info::actor(ctx, nick).await {
        Ok(doc) => HttpResponse::Ok()
            .content_type("application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"")
            .json(doc),
        Err(e) => failure(&e),
    }
}

/// A Zot-shaped failure with the status of its kind.
pub fn failure(e: &Error) -> HttpResponse {
    let answer = service::inbound::refusal(e);
    let status = match e.kind {
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::Remote(_) => StatusCode::BAD_GATEWAY,
        _ => StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::BAD_REQUEST),
    };
    HttpResponse::build(status)
        .content_type(ZOT_JSON)
        .body(answer.body)
}

/// The request as the signature checker sees it.
fn request_of(req: &HttpRequest, body: &[u8]) -> Request {
    Request {
        method: req.method().as_str().to_ascii_lowercase(),
        path_and_query: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| req.path().to_string()),
        headers: req
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        body: body.to_vec(),
    }
}

fn signed_json(doc: service::zot_info::SignedJson) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ZOT_JSON)
        .insert_header(("Digest", doc.digest))
        .insert_header(("Signature", doc.signature))
        .insert_header(("Cache-Control", "no-store"))
        .body(doc.body)
}

/// The request and, when it is signed, its verified signer; a signature that fails is the
/// caller's answer (a Zot-shaped refusal).
async fn signed_request(
    ctx: &Ctx,
    req: &HttpRequest,
    body: &[u8],
) -> std::result::Result<(Request, Option<service::signatures::SignedBy>), HttpResponse> {
    let r = request_of(req, body);
    if !service::signatures::is_signed(&r) {
        return Ok((r, None));
    }
    match service::signatures::verify(ctx, &r).await {
        Ok(s) => Ok((r, Some(s))),
        Err(e) => Err(failure(&e)),
    }
}

/// Channel info for `/channel/{nick}` (GET or POST with the Zot media type). A signed request
/// gets the permissions granted to its signer; an unsigned one the anonymous view.
pub async fn channel_info(ctx: &Ctx, req: &HttpRequest, nick: &str, body: &[u8]) -> HttpResponse {
    let (r, requester) = match signed_request(ctx, req, body).await {
        Ok(x) => x,
        Err(refusal) => return refusal,
    };
    match service::zot_info::channel_info(
        ctx,
        nick,
        requester.as_ref(),
        &r.method,
        &r.path_and_query,
    )
    .await
    {
        Ok(doc) => signed_json(doc),
        Err(e) => failure(&e),
    }
}

/// The conversation of an item for a hub (`/item/{uuid}` with the Zot media type); a signed
/// request sees what its signer may see.
pub async fn conversation(ctx: &Ctx, req: &HttpRequest, uuid: &str, body: &[u8]) -> HttpResponse {
    let (r, requester) = match signed_request(ctx, req, body).await {
        Ok(x) => x,
        Err(refusal) => return refusal,
    };
    match service::zot_info::conversation(
        ctx,
        uuid,
        requester.as_ref(),
        &r.method,
        &r.path_and_query,
    )
    .await
    {
        Ok(doc) => signed_json(doc),
        Err(e) => failure(&e),
    }
}

/// Site info for `GET /` with the Zot media type, signed by the site key.
pub async fn site_info(ctx: &Ctx, req: &HttpRequest) -> HttpResponse {
    let r = request_of(req, &[]);
    match service::zot_info::site_info(ctx, &r.method, &r.path_and_query).await {
        Ok(doc) => signed_json(doc),
        Err(e) => failure(&e),
    }
}

/// `?resource=…`
#[derive(Debug, Deserialize)]
pub struct WebfingerQuery {
    #[serde(default)]
    resource: String,
}

/// GET /.well-known/webfinger
async fn get_webfinger(ctx: web::Data<Ctx>, query: web::Query<WebfingerQuery>) -> HttpResponse {
    if query.resource.is_empty() {
        return failure(&Error::new(ErrorKind::BadRequest("resource missing")));
    }
    match service::zot_info::webfinger(&ctx, &query.resource).await {
        Ok(jrd) => HttpResponse::Ok()
            .content_type("application/jrd+json")
            .insert_header(("Access-Control-Allow-Origin", "*"))
            .json(jrd),
        Err(e) => failure(&e),
    }
}

/// GET /.well-known/host-meta
async fn get_host_meta(ctx: web::Data<Ctx>) -> HttpResponse {
    let base = ctx.uris.base();
    let xrd = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" type=\"application/jrd+json\" \
         template=\"{base}/.well-known/webfinger?resource={{uri}}\"/>\n</XRD>\n"
    );
    HttpResponse::Ok()
        .content_type("application/xrd+xml")
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .body(xrd)
}

/// GET /.well-known/nodeinfo
async fn get_nodeinfo_links(ctx: web::Data<Ctx>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "links": [{
            "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
            "href": ctx.uris.page("/nodeinfo/2.1"),
        }]
    }))
}

/// GET /nodeinfo/2.1
async fn get_nodeinfo(ctx: web::Data<Ctx>) -> HttpResponse {
    match service::zot_info::nodeinfo(&ctx).await {
        Ok(doc) => HttpResponse::Ok()
            .content_type(
                "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
            )
            .json(doc),
        Err(e) => failure(&e),
    }
}

/// POST /zot
async fn post_zot(ctx: web::Data<Ctx>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    match service::inbound::receive(&ctx, request_of(&req, &body)).await {
        Ok(answer) => HttpResponse::Ok().content_type(ZOT_JSON).body(answer.body),
        Err(e) => failure(&e),
    }
}
