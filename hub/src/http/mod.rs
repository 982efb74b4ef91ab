//! The HTTP front door (actix only here): routes, middleware (request log, body deadline,
//! security headers, sessions, error pages), extractor error handling, static files and
//! rendering. Handlers parse input, call one service, render.

pub mod api;
pub mod assets;
pub mod client;
pub mod dav;
pub mod errors;
pub mod export_body;
pub mod getfile;
pub mod middleware;
pub(crate) mod routes;
pub mod session;
pub mod templates;
pub mod web;
pub mod zot;
pub mod zot_api;

use actix_session::SessionMiddleware;
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Condition, DefaultHeaders, from_fn};
use actix_web::{App, web as aweb};

use crate::ctx::Ctx;
use routes::resource;

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
    let body_timeout = ctx.config.body_timeout;
    let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(SESSION_COOKIE.into())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(secure)
        .build();
    // Added only where a handler set none: static files say `public`, everything else depends
    // on the session (the header shows who is logged in) and must not be stored.
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' https: data:; style-src 'self'; \
             script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        ));
    let hsts = DefaultHeaders::new().add((
        "Strict-Transport-Security",
        "max-age=31536000; includeSubDomains",
    ));
    App::new()
        .app_data(aweb::Data::new(ctx))
        .app_data(
            aweb::FormConfig::default()
                .limit(limit)
                .error_handler(errors::form_error),
        )
        .app_data(aweb::PayloadConfig::new(limit))
        // The import page's upload: the file goes to a temporary file, up to the import cap;
        // the other fields stay small.
        .app_data(
            actix_multipart::form::MultipartFormConfig::default()
                .total_limit(
                    usize::try_from(crate::service::import::MAX_EXPORT_BYTES).unwrap_or(usize::MAX),
                )
                .memory_limit(64 * 1024),
        )
        .app_data(
            aweb::JsonConfig::default()
                .limit(limit)
                .error_handler(errors::json_error),
        )
        .app_data(aweb::QueryConfig::default().error_handler(errors::query_error))
        .app_data(aweb::PathConfig::default().error_handler(errors::path_error))
        .wrap(from_fn(web::visit::visitor_links))
        .wrap(from_fn(web::frame::negotiate_language))
        .wrap(from_fn(errors::error_pages))
        .wrap(sessions)
        .wrap(headers)
        .wrap(Condition::new(secure, hsts))
        .wrap(from_fn(
            move |mut req: ServiceRequest, next: actix_web::middleware::Next<_>| {
                middleware::deadline_body(&mut req, body_timeout);
                next.call(req)
            },
        ))
        .wrap(from_fn(middleware::log_requests))
        .configure(dav::configure)
        .configure(zot::configure)
        .configure(zot_api::configure)
        .configure(getfile::configure)
        .configure(api::configure)
        .configure(web::configure)
        .configure(|cfg| resource!(cfg, "/static/{path:.*}", get => assets::get_static))
        .default_service(aweb::to(errors::not_found))
}
