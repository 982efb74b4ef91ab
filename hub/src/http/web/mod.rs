//! Web pages for people using a browser, one file per URL area.

pub mod admin;
pub mod app_passwords;
pub mod auth;
pub mod channel;
pub mod cloud;
pub mod deletion;
pub mod feed;
pub mod frame;
pub mod home;
pub mod import;
pub mod item;
pub mod item_edit;
pub mod locations;
pub mod network;
pub mod permissions;
pub mod photo;
pub mod preferences;
pub mod settings;
pub mod visit;

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::ctx::Ctx;
use crate::error::Error;

/// Registers every web route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    home::configure(cfg);
    app_passwords::configure(cfg);
    auth::configure(cfg);
    channel::configure(cfg);
    cloud::configure(cfg);
    deletion::configure(cfg);
    feed::configure(cfg);
    frame::configure(cfg);
    item::configure(cfg);
    item_edit::configure(cfg);
    import::configure(cfg);
    locations::configure(cfg);
    network::configure(cfg);
    permissions::configure(cfg);
    preferences::configure(cfg);
    photo::configure(cfg);
    settings::configure(cfg);
    admin::configure(cfg);
    visit::configure(cfg);
}

/// Redirect after a successful POST (post/redirect/get).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// The client's address, for rate limits (behind `http.trusted_proxies`, the forwarded one).
pub fn client_ip(ctx: &Ctx, req: &HttpRequest) -> IpAddr {
    crate::http::client::client_ip(req, &ctx.config.trusted_proxies)
}

/// The status a form page is re-shown with after `e`.
pub fn form_status(e: &Error) -> StatusCode {
    StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// A same-origin path to return to after logging in: it must be a path on this hub (`/x`, not
/// `//host`, `/\host` or a URL) without control characters; anything else is dropped.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(
            safe_next("/channel/alice?page=2"),
            Some("/channel/alice?page=2")
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/x\\y",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
