//! The HTTP front door (actix only here): routes, middleware (sessions, security headers, body
//! limits), static files and rendering. Handlers parse input, call one service, render.

pub mod errors;
pub mod session;
pub mod web;

use actix_session::SessionMiddleware;
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpResponse, web as aweb};
use rust_embed::RustEmbed;

use crate::ctx::Ctx;

/// Files under `static/`, built into the binary.
#[derive(RustEmbed)]
#[folder = "../static/"]
struct Assets;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "caravan_session";

/// Builds the actix application of one hub.
pub fn app(
    ctx: Ctx,
    key: Key,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let secure = ctx.config.base_url.scheme() == "https";
    let limit = ctx.config.max_body_bytes;
    let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(SESSION_COOKIE.into())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(secure)
        .build();
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' https: data:; style-src 'self'; \
             script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        ));
    App::new()
        .app_data(aweb::Data::new(ctx))
        .app_data(
            aweb::FormConfig::default()
                .limit(limit)
                .error_handler(errors::form_error),
        )
        .app_data(aweb::PayloadConfig::new(limit))
        .app_data(
            aweb::JsonConfig::default()
                .limit(limit)
                .error_handler(errors::json_error),
        )
        .wrap(headers)
        .wrap(sessions)
        .configure(web::configure)
        .route("/static/{path:.*}", aweb::get().to(get_static))
        .default_service(aweb::to(errors::not_found))
}

/// GET /static/{path}
async fn get_static(ctx: aweb::Data<Ctx>, path: aweb::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    if path
        .split('/')
        .any(|seg| seg == ".." || seg.starts_with('.'))
    {
        return errors::not_found_response();
    }
    if let Some(dir) = &ctx.config.static_dir
        && let Ok(bytes) = std::fs::read(dir.join(&path))
    {
        return HttpResponse::Ok()
            .content_type(mime_guess_of(&path))
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(bytes);
    }
    match Assets::get(&path) {
        Some(file) => HttpResponse::Ok()
            .content_type(file.metadata.mimetype())
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(file.data.into_owned()),
        None => errors::not_found_response(),
    }
}

fn mime_guess_of(path: &str) -> String {
    match path.rsplit('.').next() {
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
    .to_string()
}
